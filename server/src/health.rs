//! `/healthz` (the process answers) and `/readyz` (it has migrated its
//! database, can reach it, and is not shutting down), for load balancers
//! and orchestrators.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use std::sync::Arc;

use app::backend::AppState;

use crate::metrics::Instance;

pub async fn live() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

pub async fn ready(State((state, instance)): State<(AppState, Arc<Instance>)>) -> Response {
    if !instance.is_migrated() {
        return unavailable("migrating");
    }
    if instance.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "shutting down" })),
        )
            .into_response();
    }
    match tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await {
        Ok(Ok(())) => Json(json!({ "status": "ok", "database": "ok" })).into_response(),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check: database unreachable");
            unavailable("unreachable")
        }
        Err(_) => {
            tracing::warn!("readiness check: database did not answer within 2 s");
            unavailable("timeout")
        }
    }
}

fn unavailable(reason: &str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "unavailable", "database": reason })),
    )
        .into_response()
}
