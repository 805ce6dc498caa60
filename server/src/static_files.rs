//! Files from the site folder. Hashed build output under `/pkg` is cached for
//! a year; the other assets for an hour. Pre-compressed `.br`/`.gz` siblings
//! (written by `make`'s release build) are served when the browser accepts
//! them, so nothing is compressed per request.

use std::convert::Infallible;
use std::path::Path;

use axum::body::Body;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, Request, Response};
use tower::ServiceBuilder;
use tower::util::BoxCloneSyncService;
use tower_http::services::ServeDir;

pub type FileService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=3600";

/// The hashed build output (`/pkg/...`).
pub fn build_output(folder: &Path) -> FileService {
    let files = ServeDir::new(folder)
        .precompressed_br()
        .precompressed_gzip();
    BoxCloneSyncService::new(
        ServiceBuilder::new()
            .map_response(|response: Response<_>| with_cache(response, IMMUTABLE))
            .map_response(|response: Response<_>| response.map(Body::new))
            .service(files),
    )
}

/// The other public assets; anything not found goes to `not_found`, which
/// renders the site's 404 page.
pub fn assets(folder: &Path, not_found: FileService) -> FileService {
    let files = ServeDir::new(folder)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    BoxCloneSyncService::new(
        ServiceBuilder::new()
            .map_response(|response: Response<_>| with_cache(response, SHORT))
            .map_response(|response: Response<_>| response.map(Body::new))
            .service(files),
    )
}

fn with_cache<B>(mut response: Response<B>, policy: &'static str) -> Response<B> {
    if response.status().is_success() && !response.headers().contains_key(CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}
