//! Security headers on every response: a `Content-Security-Policy` whose
//! script nonce is fresh per response, and the baseline headers that stop
//! sniffing, framing and referrer leaks.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;

use app::backend::CspNonce;

#[derive(Debug, Clone, Default)]
pub struct SecurityPolicy {
    /// Send `Strict-Transport-Security` (only when served over https).
    pub hsts: bool,
    /// In `cargo leptos watch`, the browser also connects to the reload
    /// websocket on this port.
    pub reload_port: Option<u32>,
}

impl SecurityPolicy {
    fn content_security_policy(&self, nonce: &str) -> String {
        let reload = self
            .reload_port
            .map(|port| format!(" ws://127.0.0.1:{port} ws://localhost:{port}"))
            .unwrap_or_default();
        // 'wasm-unsafe-eval' lets the page compile its own WebAssembly; it
        // does not allow eval() of JavaScript.
        format!(
            "default-src 'self'; \
             script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; \
             img-src 'self' data:; \
             font-src 'self'; \
             connect-src 'self'{reload}; \
             object-src 'none'; \
             base-uri 'none'; \
             form-action 'self'; \
             frame-ancestors 'none'"
        )
    }
}

pub async fn headers(
    State(policy): State<Arc<SecurityPolicy>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    request
        .extensions_mut()
        .insert(CspNonce(nonce.as_inner().clone()));

    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&policy.content_security_policy(&nonce)) {
        headers.insert(CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    if policy.hsts {
        headers.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    // Pages carry data of the signed-in user: never store them in shared
    // caches, and revalidate before reuse.
    let is_html = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_allows_only_own_scripts_and_the_nonce() {
        let csp = SecurityPolicy::default().content_security_policy("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("ws://"));
    }

    #[test]
    fn policy_admits_the_reload_socket_in_watch_mode() {
        let policy = SecurityPolicy {
            reload_port: Some(3001),
            ..SecurityPolicy::default()
        };
        assert!(
            policy
                .content_security_policy("n")
                .contains("ws://127.0.0.1:3001")
        );
    }
}
