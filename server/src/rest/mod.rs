//! `/api/v1`: the REST API for scripts and other tools, one module per
//! resource. A handler parses the request, calls the function the pages'
//! server functions call, and renders JSON; it never re-implements a rule
//! or a query. Requests authenticate with a bearer token only (a session
//! cookie sent along is ignored), so a forged cross-site request carries no
//! authority. Every error has one shape:
//! `{"error": {"code": "…", "message": "…", "details": …}}`.

mod workspaces;

use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::json;

use app::backend::auth::session::Authenticated;
use app::backend::{AppState, api_tokens};
use app::error::AppError;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/workspaces", get(workspaces::list))
        .route("/api/v1/workspaces/{slug}", get(workspaces::get))
        .route("/api/v1", any(unknown))
        .route("/api/v1/{*rest}", any(unknown))
}

/// The token's user and scope: the caller of an API request.
pub struct Caller(pub Authenticated);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        Ok(Self(api_tokens::authenticate(state, header).await?))
    }
}

/// An error as the API answers it.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let details = match &error {
            AppError::Invalid { field, .. } => json!({ "field": field }),
            _ => serde_json::Value::Null,
        };
        let message = match &error {
            AppError::Unauthorized => {
                "send a valid API token: Authorization: Bearer wm_… (make one in /settings/tokens)"
                    .to_owned()
            }
            other => other.to_string(),
        };
        let body =
            json!({ "error": { "code": error.code(), "message": message, "details": details } });
        let mut response = (error.status_code(), Json(body)).into_response();
        if matches!(error, AppError::Unauthorized) {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"waymark\""),
            );
        }
        response
    }
}

/// An address under `/api/v1` that names no resource.
async fn unknown() -> Response {
    let body = json!({ "error": {
        "code": "not_found",
        "message": "no such resource in /api/v1",
        "details": null,
    } });
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}
