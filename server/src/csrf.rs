//! Cross-site request forgery defence: a request that can change state
//! (anything but GET, HEAD, OPTIONS) is refused with 403 unless the browser
//! says it comes from this site — `Origin`, else `Sec-Fetch-Site`, else
//! `Referer` must match the public URL. Server functions are plain form
//! posts, so without this any site could submit them with the user's
//! cookies.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone)]
pub struct OriginPolicy {
    /// `scheme://host[:port]` of the public URL.
    origin: String,
    /// On a loopback address, `localhost` and `127.0.0.1` are the same site.
    loopback_aliases: Vec<String>,
}

impl OriginPolicy {
    pub fn new(public_url: &str) -> Self {
        let origin = public_url.trim_end_matches('/').to_owned();
        let mut loopback_aliases = Vec::new();
        if let Some((scheme, rest)) = origin.split_once("://") {
            let (host, port) = split_host_port(rest);
            if matches!(host, "localhost" | "127.0.0.1" | "[::1]") {
                for alias in ["localhost", "127.0.0.1", "[::1]"] {
                    loopback_aliases.push(match port {
                        Some(port) => format!("{scheme}://{alias}:{port}"),
                        None => format!("{scheme}://{alias}"),
                    });
                }
            }
        }
        Self {
            origin,
            loopback_aliases,
        }
    }

    fn is_own_origin(&self, origin: &str) -> bool {
        origin == self.origin || self.loopback_aliases.iter().any(|alias| alias == origin)
    }

    /// Whether a state-changing request with these headers may proceed.
    pub fn allows(
        &self,
        origin: Option<&str>,
        fetch_site: Option<&str>,
        referer: Option<&str>,
    ) -> bool {
        if let Some(origin) = origin {
            return self.is_own_origin(origin);
        }
        if let Some(site) = fetch_site {
            return matches!(site, "same-origin" | "none");
        }
        if let Some(referer) = referer {
            return std::iter::once(&self.origin)
                .chain(self.loopback_aliases.iter())
                .any(|own| referer == own || referer.starts_with(&format!("{own}/")));
        }
        false
    }
}

fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.split_once("]:") {
            Some((host, port)) => (&authority[..host.len() + 1], Some(port)),
            None => (authority, None),
        };
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

pub async fn check_origin(
    State(policy): State<Arc<OriginPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    // The REST API authenticates by bearer token only and ignores cookies,
    // so a request forged from another site carries no authority there.
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || crate::rest::is_api(request.uri().path());
    if !safe {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        let allowed = policy.allows(
            header("origin"),
            header("sec-fetch-site"),
            header("referer"),
        );
        if !allowed {
            tracing::warn!(
                method = %request.method(),
                path = %request.uri().path(),
                origin = header("origin").unwrap_or("-"),
                "refused a cross-site request"
            );
            return (
                StatusCode::FORBIDDEN,
                "This request did not come from this site, so it was refused.",
            )
                .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sites_own_origin_passes_and_others_do_not() {
        let policy = OriginPolicy::new("https://roadmap.example.com");
        assert!(policy.allows(Some("https://roadmap.example.com"), None, None));
        assert!(!policy.allows(Some("https://evil.example"), Some("same-origin"), None));
        assert!(
            !policy.allows(Some("http://roadmap.example.com"), None, None),
            "scheme matters"
        );
        assert!(!policy.allows(Some("null"), None, None));
    }

    #[test]
    fn without_origin_fetch_metadata_then_referer_decide() {
        let policy = OriginPolicy::new("https://roadmap.example.com");
        assert!(policy.allows(None, Some("same-origin"), None));
        assert!(policy.allows(None, Some("none"), None));
        assert!(!policy.allows(
            None,
            Some("cross-site"),
            Some("https://roadmap.example.com/")
        ));
        assert!(policy.allows(None, None, Some("https://roadmap.example.com/settings")));
        assert!(!policy.allows(
            None,
            None,
            Some("https://roadmap.example.com.evil.example/")
        ));
        assert!(!policy.allows(None, None, None), "no evidence, no change");
    }

    #[test]
    fn on_loopback_localhost_and_127_0_0_1_are_one_site() {
        let policy = OriginPolicy::new("http://127.0.0.1:3000");
        assert!(policy.allows(Some("http://localhost:3000"), None, None));
        assert!(policy.allows(Some("http://127.0.0.1:3000"), None, None));
        assert!(!policy.allows(Some("http://localhost:3001"), None, None));
        let public = OriginPolicy::new("https://roadmap.example.com");
        assert!(!public.allows(Some("http://localhost"), None, None));
    }
}
