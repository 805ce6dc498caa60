//! What a server function knows about the request it serves: the caller's
//! session, address and browser, and how to answer with a cookie, a status
//! or a redirect.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use http::header::{ACCEPT, HeaderValue, RETRY_AFTER, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::{expect_context, use_context, with_context};
use leptos::reactive::computed::ScopedFuture;
use leptos_axum::ResponseOptions;
use tokio::sync::OnceCell;

use crate::backend::auth::client::{self, ClientInfo};
use crate::backend::auth::session::{self, Authenticated};
use crate::backend::db::memberships::{self, MyWorkspace, WorkspaceMembership};
use crate::backend::{AppState, state};
use crate::error::AppError;

/// Runs a server function's body: every poll under the request's reactive
/// owner (see [`scoped`]), and an error answered with its HTTP status (see
/// [`respond`]). Every server function's body goes through here, so that
/// neither half can be forgotten.
pub async fn answer<T>(body: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    respond(scoped(body).await)
}

/// Wraps a server function's body so that every poll runs under the
/// request's reactive owner, wherever the future resumes after an `.await`.
///
/// A page's resource can outlive its request: when the browser hangs up,
/// the page's owner and its contexts are gone while the resource's task
/// still runs. Such a body stops at its next poll, with `Internal` (no one
/// reads it), instead of panicking where it looks the request's state up.
fn scoped<T, F>(future: F) -> impl Future<Output = Result<T, AppError>>
where
    F: Future<Output = Result<T, AppError>>,
{
    // Boxed at once: a page's resource moves its future several times before
    // the first poll, and a body's state (its queries' futures) runs to
    // kilobytes, which each move would copy.
    let mut future = Box::pin(future);
    ScopedFuture::new_untracked(async move {
        std::future::poll_fn(|cx| {
            if with_context::<AppState, _>(|_| ()).is_none() {
                return std::task::Poll::Ready(Err(AppError::Internal));
            }
            future.as_mut().poll(cx)
        })
        .await
    })
}

pub fn parts() -> Parts {
    use_context::<Parts>().expect("server functions and pages run inside a request")
}

pub fn client() -> ClientInfo {
    let state = state();
    client::from_parts(&parts(), &state.auth.trusted_proxies)
}

/// What one page render has already looked up, so that the header and the
/// page's resources ask the database once for the session and once per
/// workspace instead of once each. Server functions called over HTTP do not
/// use it: they may change what it would hold (a rotated session, a new
/// role) and then read it again.
#[derive(Clone, Default)]
pub struct RenderMemo(Arc<MemoInner>);

#[derive(Default)]
struct MemoInner {
    auth: OnceCell<Option<Authenticated>>,
    /// The signed-in user's workspaces: the header's switcher and the start
    /// page both show them.
    my_workspaces: OnceCell<Vec<MyWorkspace>>,
    workspaces: Mutex<HashMap<String, Arc<OnceCell<Option<WorkspaceMembership>>>>>,
}

impl RenderMemo {
    /// The memo of the page being rendered, if this is a page render.
    fn current() -> Option<Self> {
        // Read in place: the request's parts are a header map and more,
        // and this runs several times a render.
        match with_context::<Parts, _>(is_server_fn_call) {
            Some(false) => use_context::<Self>(),
            _ => None,
        }
    }

    /// The caller's membership of the workspace at `slug`, looked up once per
    /// render.
    pub async fn workspace<F, Fut>(
        slug: &str,
        look_up: F,
    ) -> Result<Option<WorkspaceMembership>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Option<WorkspaceMembership>, AppError>>,
    {
        let Some(memo) = Self::current() else {
            return look_up().await;
        };
        let cell = {
            let mut map = memo.0.workspaces.lock().unwrap_or_else(|e| e.into_inner());
            map.entry(slug.to_owned()).or_default().clone()
        };
        cell.get_or_try_init(look_up).await.cloned()
    }
}

/// The signed-in user's workspaces, most recently used first; looked up once
/// per page render.
pub async fn my_workspaces(auth: &Authenticated) -> Result<Vec<MyWorkspace>, AppError> {
    let state = state();
    let look_up = || crate::backend::workspaces::mine(&state, auth.user.id);
    match RenderMemo::current() {
        Some(memo) => memo.0.my_workspaces.get_or_try_init(look_up).await.cloned(),
        None => look_up().await,
    }
}

/// The workspace at `slug` and the user's membership, from the list of
/// their workspaces a page render has (or would have) looked up anyway;
/// `None` outside a page render or when the slug is not among them (an old
/// slug, or not a member), which the caller then looks up itself.
pub async fn find_in_my_workspaces(
    auth: &Authenticated,
    slug: &str,
) -> Result<Option<WorkspaceMembership>, AppError> {
    if RenderMemo::current().is_none() {
        return Ok(None);
    }
    let mine = my_workspaces(auth).await?;
    Ok(mine
        .iter()
        .position(|w| w.workspace.slug == slug)
        .map(|index| WorkspaceMembership {
            workspace: mine[index].workspace.clone(),
            membership: memberships::Membership {
                role: mine[index].role,
                // The list is in order of last use.
                most_recently_used: index == 0,
            },
        }))
}

/// Whether the request is a server function called over HTTP (rather than a
/// page being rendered, whose resources call server functions directly).
fn is_server_fn_call(parts: &Parts) -> bool {
    parts.uri.path().starts_with("/fn/")
}

/// The signed-in user, if any. Outside a request (when the route list is
/// generated at start-up) there is none.
pub async fn current() -> Result<Option<Authenticated>, AppError> {
    if with_context::<Parts, _>(|_| ()).is_none() || with_context::<AppState, _>(|_| ()).is_none() {
        return Ok(None);
    }
    let look_up = || async { Ok::<_, AppError>(session::authenticate(&state(), &parts()).await?) };
    match RenderMemo::current() {
        Some(memo) => memo.0.auth.get_or_try_init(look_up).await.cloned(),
        None => look_up().await,
    }
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_user() -> Result<Authenticated, AppError> {
    current().await?.ok_or(AppError::Unauthorized)
}

/// A signed-in instance admin. Others get `Forbidden`, anonymous callers
/// `Unauthorized`.
pub async fn require_admin() -> Result<Authenticated, AppError> {
    let auth = require_user().await?;
    if auth.user.is_admin {
        Ok(auth)
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn set_cookie(value: &str) {
    match HeaderValue::from_str(value) {
        Ok(value) => expect_context::<ResponseOptions>().append_header(SET_COOKIE, value),
        Err(err) => tracing::error!(%err, "cookie is not a valid header value"),
    }
}

/// Whether the caller is a browser posting a plain form (no JavaScript):
/// it gets redirected back to the page rather than a status code.
fn is_form_post() -> bool {
    parts()
        .headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Passes a server function's result through, giving errors their HTTP
/// status (and `Retry-After`) for callers that read statuses. A plain form
/// post keeps the redirect back to its page, which shows the error.
pub(crate) fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    // Only a server function called over HTTP answers with its own status;
    // one that feeds a page being rendered must not change the page's.
    let called_over_http = with_context::<Parts, _>(is_server_fn_call).unwrap_or(false);
    if let Err(err) = &result
        && called_over_http
        && !is_form_post()
        && let Some(response) = use_context::<ResponseOptions>()
    {
        response.set_status(err.status_code());
        if let AppError::TooManyRequests { retry_after_secs }
        | AppError::Busy { retry_after_secs } = err
        {
            response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
    result
}

/// Sends the browser to `path` after the server function: a 302 for a form
/// post, a client-side navigation with JavaScript.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use leptos::prelude::Owner;

    use super::scoped;
    use crate::error::AppError;

    #[test]
    fn a_body_whose_request_is_gone_stops_before_it_runs() {
        // An owner without the request's contexts, as a resource's task
        // sees once the page it fed was dropped.
        let owner = Owner::new();
        let ran = AtomicBool::new(false);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        let result = owner.with(|| {
            runtime.block_on(scoped(async {
                ran.store(true, Ordering::SeqCst);
                Ok::<_, AppError>(())
            }))
        });
        assert!(matches!(result, Err(AppError::Internal)));
        assert!(!ran.load(Ordering::SeqCst));
    }
}
