//! The HTTP routes and the middleware around them.

use std::convert::Infallible;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::header::LOCATION;
use axum::http::{Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, generate_route_list_with_exclusions_and_ssg_and_context,
};
use tower::ServiceBuilder;
use tower::util::BoxCloneSyncService;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use app::backend::AppState;
use app::backend::request::RenderMemo;
use app::{App, shell};

use crate::csrf::{self, OriginPolicy};
use crate::metrics::{self, Instance};
use crate::security::{self, SecurityPolicy};
use crate::{compression, events, health, rest, share_link, static_files};

/// Requests larger than this are refused with 413 before they are read.
pub const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;
/// A request that takes longer than this is answered with 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn build(state: AppState, policy: SecurityPolicy) -> Router {
    build_with(state, policy, Instance::ready())
}

/// The router of a running instance, whose state (migrating, draining) and
/// figures `instance` holds.
pub fn build_with(state: AppState, policy: SecurityPolicy, instance: Arc<Instance>) -> Router {
    let options = state.leptos_options.clone();
    let site = static_files::Site::built_in_or(Path::new(options.site_root.as_ref()));

    let not_found = {
        let state = state.clone();
        let options = options.clone();
        let render = leptos_axum::render_app_to_stream_with_context(
            move || {
                provide_context(state.clone());
                provide_context(RenderMemo::default());
            },
            move || shell(options.clone()),
        );
        BoxCloneSyncService::new(tower::service_fn(move |request: Request<Body>| {
            let render = render.clone();
            async move { Ok::<_, Infallible>(render(request).await) }
        }))
    };

    let origin_policy = Arc::new(OriginPolicy::new(&state.auth.public_url));
    let url_errors = Arc::new(crate::url_errors::UrlErrors::new(state.db.clone()));
    let routes = route_list(&state);
    let mut app = Router::new();
    if instance.serves_metrics() {
        app = app.route(
            "/metrics",
            get(metrics::endpoint).with_state((state.clone(), instance.clone())),
        );
    }
    let app = app
        .route("/healthz", get(health::live))
        .route(
            "/readyz",
            get(health::ready).with_state((state.clone(), instance.clone())),
        )
        .route("/s/{token}", get(share_link::page))
        .route("/w/{slug}/events", get(events::stream))
        .merge(rest::routes(&state))
        .leptos_routes_with_context(
            &state,
            routes,
            || provide_context(RenderMemo::default()),
            move || shell(options.clone()),
        )
        .nest_service(
            &format!("/{}", state.leptos_options.site_pkg_dir),
            site.build_output(&state.leptos_options.site_pkg_dir),
        )
        .route_layer(axum::middleware::from_fn(record_route))
        .fallback_service(site.assets(not_found))
        .with_state(state);
    // The middleware wraps the router once, outermost first: the request id
    // is set first, then tracing, then the security headers around everything
    // the app answers (refusals included), then the cross-site check.
    // (`Router::layer` would wrap each route instead, and every request would
    // copy its route's whole stack, one allocation per layer and more for
    // each `from_fn` below another.)
    let middleware = ServiceBuilder::new()
        .layer(axum::middleware::from_fn_with_state(
            instance.clone(),
            metrics::measure,
        ))
        .layer(axum::middleware::from_fn_with_state(
            instance,
            metrics::wait_for_migrations,
        ))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<Body>| {
                    let request_id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    // Not the path: invitation and reset links carry their
                    // token in it. The route's template is filled in once
                    // the router has matched it (`record_route`).
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        route = tracing::field::Empty,
                        request_id,
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(axum::middleware::from_fn(rest::json_errors))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(policy),
            security::headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            origin_policy,
            csrf::check_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            url_errors,
            crate::url_errors::guard,
        ))
        .layer(axum::middleware::from_fn(redirect_pages))
        // Pages and server functions' answers, gzipped whole; assets come
        // compressed from the build.
        .layer(axum::middleware::from_fn(compression::compress))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .service(app);
    Router::new().fallback_service(middleware)
}

/// The site's routes, listed once per process. Listing renders the app with
/// resource loading switched off, and that switch is process-wide: a page
/// rendered at the same moment by another router in the process (as in the
/// tests, which run many servers) would wait forever for its data.
fn route_list(state: &AppState) -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES
        .get_or_init(|| {
            // The app's resources reach for the shared state while it is
            // listed, so it must be there too.
            let state = state.clone();
            generate_route_list_with_exclusions_and_ssg_and_context(App, None, move || {
                provide_context(state.clone())
            })
            .0
        })
        .clone()
}

/// Names the matched route's template (`/invite/{token}`) in the request's
/// log line, and hands it out with the response for the metrics; requests
/// no route matched (static files, unknown addresses) leave it empty.
async fn record_route(request: Request<Body>, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .cloned();
    if let Some(route) = &route {
        tracing::Span::current().record("route", route.as_str());
    }
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(route);
    }
    response
}

/// Leptos answers a page's redirect with 302 only to clients that accept
/// HTML; others get 200 and a `Location` meant for its server-function
/// client. A page is a page whoever asks (a monitor, a script, curl): make
/// its redirect a redirect for every client.
async fn redirect_pages(request: Request<Body>, next: Next) -> Response {
    let is_page = matches!(*request.method(), Method::GET | Method::HEAD)
        && !request.uri().path().starts_with("/fn/");
    let mut response = next.run(request).await;
    if is_page && response.status().is_success() && response.headers().contains_key(LOCATION) {
        *response.status_mut() = StatusCode::FOUND;
        response.headers_mut().remove("serverfnredirect");
    }
    response
}
