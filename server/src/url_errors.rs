//! Keeps pages from showing error text that someone else put in the
//! address (see `app::backend::auth::url_error`): the server signs each
//! error it sends back in a redirect, and a page request whose error does
//! not carry a valid signature is redirected to the same page without it.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use server_fn::error::SERVER_FN_ERROR_HEADER;
use tokio::sync::OnceCell;

use app::backend::Db;
use app::backend::auth::redirect;
use app::backend::auth::url_error::{ERROR_KEY, PATH_KEY, SIGNATURE_KEY, UrlErrorKey};
use app::backend::db::settings;

/// The settings row that holds the signing key.
const KEY_SETTING: &str = "security.url_error_key";

/// The signing key, read from the database on first use.
pub struct UrlErrors {
    db: Db,
    key: OnceCell<UrlErrorKey>,
}

impl UrlErrors {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            key: OnceCell::new(),
        }
    }

    async fn key(&self) -> Result<&UrlErrorKey, sqlx::Error> {
        self.key
            .get_or_try_init(|| async {
                settings::secret(&self.db, KEY_SETTING)
                    .await
                    .map(UrlErrorKey::new)
            })
            .await
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The values of `__path`, `__err` and `__sig` in a query, decoded.
#[derive(Default)]
struct CarriedError {
    path: Option<String>,
    error: Option<String>,
    signature: Option<String>,
}

impl CarriedError {
    fn from_query(query: &str) -> Self {
        let mut found = Self::default();
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                PATH_KEY => found.path = Some(value.into_owned()),
                ERROR_KEY => found.error = Some(value.into_owned()),
                SIGNATURE_KEY => found.signature = Some(value.into_owned()),
                _ => {}
            }
        }
        found
    }

    fn is_present(&self) -> bool {
        self.path.is_some() || self.error.is_some() || self.signature.is_some()
    }
}

pub async fn guard(
    State(errors): State<Arc<UrlErrors>>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    if is_read && let Some(query) = request.uri().query() {
        let carried = CarriedError::from_query(query);
        if carried.is_present() && !is_genuine(&errors, &carried).await {
            // The same page without the error, as a path that no browser
            // reads as another host (`//evil.example/?__err=…` asked for
            // is not a page of this site: it goes home).
            let target = redirect::on_this_site(Some(&format!("{}?{query}", request.uri().path())));
            return match HeaderValue::from_str(&target) {
                Ok(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
                Err(_) => StatusCode::BAD_REQUEST.into_response(),
            };
        }
    }
    let function = (request.method() == Method::POST && request.uri().path().starts_with("/fn/"))
        .then(|| request.uri().path().to_owned());
    let mut response = next.run(request).await;
    if let Some(function) = function {
        sign_redirect(&errors, &function, &mut response).await;
    }
    response
}

async fn is_genuine(errors: &UrlErrors, carried: &CarriedError) -> bool {
    let (Some(path), Some(error), Some(signature)) =
        (&carried.path, &carried.error, &carried.signature)
    else {
        return false;
    };
    match errors.key().await {
        Ok(key) => key.verify(path, error, signature, now_secs()),
        Err(err) => {
            tracing::error!(%err, "cannot read the key that signs errors in addresses");
            false
        }
    }
}

/// Signs the error a server function's failed form post carries back to
/// its page, and only that: the function at `function` must have failed in
/// this very response (server_fn marks its error answers with the
/// `serverfnerror` header and then appends `__path` and `__err` to the
/// page's address). An error in any other redirect — one written into
/// sign-in's `next`, say — goes unsigned, so its page never shows it; any
/// older error keys in the address are dropped.
async fn sign_redirect(errors: &UrlErrors, function: &str, response: &mut Response) {
    let failed_here = response
        .headers()
        .get(SERVER_FN_ERROR_HEADER)
        .is_some_and(|path| path.as_bytes() == function.as_bytes());
    if !failed_here {
        return;
    }
    let Some(location) = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let Some((page, query)) = location.split_once('?') else {
        return;
    };
    let carried = CarriedError::from_query(query);
    let (Some(path), Some(error)) = (&carried.path, &carried.error) else {
        return;
    };
    if path != function {
        return;
    }
    let key = match errors.key().await {
        Ok(key) => key,
        Err(err) => {
            tracing::error!(%err, "cannot read the key that signs errors in addresses");
            return;
        }
    };
    let mut signed = url::form_urlencoded::Serializer::new(redirect::without_error(query));
    signed
        .append_pair(PATH_KEY, path)
        .append_pair(ERROR_KEY, error)
        .append_pair(SIGNATURE_KEY, &key.sign(path, error, now_secs()));
    if let Ok(value) = HeaderValue::from_str(&format!("{page}?{}", signed.finish())) {
        response.headers_mut().insert(LOCATION, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_keys_are_read_from_a_query() {
        let carried = CarriedError::from_query("a=1&__err=QUJD&__path=%2Ffn%2Fsign_in");
        assert_eq!(carried.path.as_deref(), Some("/fn/sign_in"));
        assert_eq!(carried.error.as_deref(), Some("QUJD"));
        assert!(carried.signature.is_none());
    }
}
