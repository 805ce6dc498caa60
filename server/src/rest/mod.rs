//! `/api/v1`: the REST API for scripts and other tools, one module per
//! resource. A handler parses the request, calls the function the pages'
//! server functions call, and renders JSON; it never re-implements a rule
//! or a query. Requests authenticate with a bearer token only (a session
//! cookie sent along is ignored), so a forged cross-site request carries no
//! authority. Every error has one shape:
//! `{"error": {"code": "…", "message": "…", "details": …}}`.

mod docs;
mod items;
pub mod openapi;
mod workspaces;

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, put};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use app::backend::auth::client;
use app::backend::auth::session::Authenticated;
use app::backend::{AppState, api_tokens};
use app::error::AppError;

/// The largest request body the API reads: an item's longest description
/// (20,000 characters of up to four bytes) with room to spare.
pub const API_BODY_LIMIT: usize = 256 * 1024;

pub fn routes(state: &AppState) -> axum::Router<AppState> {
    let w = "/api/v1/workspaces/{slug}";
    axum::Router::new()
        .route("/api/v1/workspaces", get(workspaces::list))
        .route(w, get(workspaces::get))
        .route(&format!("{w}/statuses"), get(workspaces::statuses))
        .route(&format!("{w}/members"), get(workspaces::members))
        .route(&format!("{w}/views"), get(workspaces::views))
        .route(&format!("{w}/views/{{id}}"), get(workspaces::view_detail))
        .route(
            &format!("{w}/views/{{id}}/items"),
            get(workspaces::view_items),
        )
        .route(&format!("{w}/items"), get(items::list).post(items::create))
        .route(
            &format!("{w}/items/{{key}}"),
            get(items::get).patch(items::update).delete(items::delete),
        )
        .route(
            &format!("{w}/items/{{key}}/comments"),
            get(items::comments).post(items::add_comment),
        )
        .route(&format!("{w}/items/{{key}}/scores"), get(items::scores_of))
        .route(
            &format!("{w}/items/{{key}}/scores/{{criterion_id}}"),
            put(items::rate),
        )
        .route("/api/v1", any(unknown))
        .route("/api/v1/{*rest}", any(unknown))
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), gate))
        // The description is open to all and never counted.
        .route("/api/v1/openapi.json", get(openapi::json))
        .route("/api/docs", get(docs::page))
}

/// The token's user and scope: the caller of an API request, as [`gate`]
/// found it.
pub struct Caller(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .map(Self)
            .ok_or_else(|| AppError::Unauthorized.into())
    }
}

/// Every API request passes here first: its bearer token is checked (once)
/// and the request counted against its rate limit — the token's, or for a
/// call without a valid token, a tenth of it for the client's address.
/// Every answer tells where the caller stands (`RateLimit-Limit`,
/// `RateLimit-Remaining`, `RateLimit-Reset`, `RateLimit-Policy`); one over
/// the limit is a 429 with `Retry-After`, and its handler never runs.
async fn gate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let per_token = state.auth.api_rate_limit;
    let (bucket, limit, actor) = match api_tokens::authenticate(&state, header).await {
        Ok(bearer) => (
            format!("t{}", bearer.token_id),
            per_token,
            Some(bearer.actor),
        ),
        Err(AppError::Unauthorized) => {
            let (parts, body) = request.into_parts();
            // One IPv6 host holds a whole /64: it counts as one address,
            // as it does for sign-in throttling.
            let network = client::from_parts(&parts, &state.auth.trusted_proxies).network();
            request = Request::from_parts(parts, body);
            (format!("a{network}"), (per_token / 10).max(10), None)
        }
        Err(other) => return ApiError::from(other).into_response(),
    };
    let counted = match api_tokens::count_request(&state, &bucket, limit).await {
        Ok(counted) => counted,
        Err(error) => return ApiError::from(error).into_response(),
    };
    let mut response = if counted.exceeded {
        let mut refusal = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            format!(
                "more than {limit} requests this minute; try again in {} seconds",
                counted.reset_secs
            ),
        );
        refusal.retry_after = Some(counted.reset_secs.max(1) as u64);
        refusal.into_response()
    } else {
        if let Some(actor) = actor {
            request.extensions_mut().insert(actor);
        }
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert("ratelimit-limit", HeaderValue::from(counted.limit));
    headers.insert("ratelimit-remaining", HeaderValue::from(counted.remaining));
    headers.insert("ratelimit-reset", HeaderValue::from(counted.reset_secs));
    if let Ok(policy) = HeaderValue::from_str(&format!("{limit};w=60")) {
        headers.insert("ratelimit-policy", policy);
    }
    response
}

/// What went wrong, in the one shape every error of the API has.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable name: `not_found`, `unauthorized`,
    /// `forbidden`, `invalid`, `invalid_body`, `malformed_json`,
    /// `unsupported_media_type`, `invalid_query`, `invalid_path`,
    /// `too_large`, `precondition_required`, `precondition_failed`,
    /// `conflict`, `method_not_allowed`, `too_many_requests`, `busy`,
    /// `timeout`, `internal`.
    pub code: String,
    /// What was wrong, for people.
    pub message: String,
    pub details: Option<ErrorDetails>,
}

/// More about an error, where there is more to say.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetails {
    /// The field of the request that was wrong.
    pub field: String,
}

/// An error as the API answers it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A 422 about one field of the request.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::invalid(field, message).into()
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        let message = match &error {
            AppError::Unauthorized => {
                "send a valid API token: Authorization: Bearer wm_… (make one in /settings/tokens)"
                    .to_owned()
            }
            other => other.to_string(),
        };
        let retry_after = match &error {
            AppError::TooManyRequests { retry_after_secs }
            | AppError::Busy { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        Self {
            status: error.status_code(),
            code: error.code(),
            message,
            field: match error {
                AppError::Invalid { field, .. } => Some(field),
                _ => None,
            },
            retry_after,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
                details: self.field.map(|field| ErrorDetails { field }),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"waymark\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert("retry-after", HeaderValue::from(seconds));
        }
        response
    }
}

/// A JSON request body whose every fault is an API error: malformed JSON
/// (400), a wrong content type (415), a body over [`API_BODY_LIMIT`] (413),
/// unknown fields and wrong types (422).
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(error) => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_body",
                    error.body_text(),
                ),
                JsonRejection::JsonSyntaxError(error) => {
                    ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", error.body_text())
                }
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "send the body as JSON, with Content-Type: application/json",
                ),
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => too_large(),
                other => ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", other.body_text()),
            }),
        }
    }
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the body is larger than {} KiB", API_BODY_LIMIT / 1024),
    )
}

/// Query parameters read strictly: an unknown or repeated parameter, or a
/// value of the wrong type, is a 400 that names it.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|query| Self(query.0))
            .map_err(|rejection: QueryRejection| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    rejection.body_text(),
                )
            })
    }
}

/// Path parameters whose faults are API errors (a 400 that says which).
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|path| Self(path.0))
            .map_err(|rejection: PathRejection| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_path",
                    rejection.body_text(),
                )
            })
    }
}

/// An address under `/api/v1` that names no resource.
async fn unknown() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such resource in /api/v1",
    )
}

/// Whether a request is one for the API, which answers every error as JSON.
pub fn is_api(path: &str) -> bool {
    path == "/api/v1" || path.starts_with("/api/v1/")
}

/// Gives the refusals that layers outside the API's handlers make (a body
/// over the server's limit, a method the route does not take, the request
/// timeout, a caught panic) the API's error shape, on API addresses only.
pub async fn json_errors(request: Request<Body>, next: Next) -> Response {
    if !is_api(request.uri().path()) {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "this resource does not take that method",
        ),
        StatusCode::REQUEST_TIMEOUT => {
            ApiError::new(status, "timeout", "the request took too long")
        }
        StatusCode::NOT_FOUND => ApiError::new(status, "not_found", "no such resource in /api/v1"),
        status if status.is_server_error() => AppError::Internal.into(),
        status => ApiError::new(
            status,
            "bad_request",
            status.canonical_reason().unwrap_or("refused"),
        ),
    };
    let mut answer = error.into_response();
    for name in [axum::http::header::ALLOW, axum::http::header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            answer.headers_mut().insert(name, value.clone());
        }
    }
    answer
}
