//! `/s/{token}`: a saved view behind a share link, for anyone who has the
//! link. Served here rather than by the app's router so that the page
//! carries no script and reaches nothing but the view: the token is the
//! only credential, and a session cookie sent along changes nothing.

use axum::extract::{Path, RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use app::backend::AppState;
use app::backend::share_link;
use app::error::AppError;
use app::model::query_pairs;

pub async fn page(
    State(state): State<AppState>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let after = query
        .as_deref()
        .map(query_pairs)
        .and_then(|pairs| pairs.into_iter().find(|(name, _)| name == "after"))
        .map(|(_, value)| value);
    let stylesheet = app::stylesheet_href(&state.leptos_options);
    match share_link::load(&state, &token, after.as_deref()).await {
        Ok(page) => html(
            StatusCode::OK,
            app::pages::share_link::document(page, stylesheet),
        ),
        // Wrong, expired and revoked links are one and the same answer.
        Err(AppError::NotFound) => html(StatusCode::NOT_FOUND, not_found(stylesheet)),
        Err(err) => {
            tracing::error!(error = %err, "shared view");
            err.status_code().into_response()
        }
    }
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // A revoked link must stop showing the view at once, caches included.
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}

fn not_found(stylesheet: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <meta name=\"robots\" content=\"noindex, nofollow\">\
         <title>Link not found</title><link rel=\"stylesheet\" href=\"{stylesheet}\"></head>\
         <body><main class=\"page shared-view\" id=\"main\"><h1>This link does not work</h1>\
         <p>It may have been revoked or have expired. Ask whoever sent it for a new one.</p>\
         </main></body></html>"
    )
}
