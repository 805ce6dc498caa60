//! `/w/{slug}/events`: the workspace's live updates as server-sent events,
//! for the member whose session cookie comes with the request. Each event
//! says what changed (`change`, with `{"key": …, "by": …}`: the item's key
//! when it is one, and who changed it); the page fetches it. The stream ends at once when the member leaves or is
//! removed, or the workspace is deleted (`gone`: the page stops listening),
//! and when the instance shuts down (the browser reconnects). A browser
//! that reconnects with a `Last-Event-ID` other than the id of the
//! workspace's last change on this instance is told to fetch everything
//! (`resync`): events are not kept, and ids count each workspace's changes
//! on their own ([`app::backend::events::EventId`]).
//!
//! A session, and a user over all their sessions, hold a bounded number of
//! streams on each instance ([`app::backend::events::streams`]): one opened
//! past a cap ends the oldest with `gone` (data `too many streams`), which
//! its page takes as final, as it does when access is lost.
//!
//! The router's request timeout covers only the wait for the response's
//! head, and the compression layer passes event streams through untouched,
//! so neither cuts nor holds back a stream.

use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::http::request::Parts;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use app::backend::events::streams::Slot;
use app::backend::events::{Heard, Numbered, hear};
use app::backend::{AppState, access, auth::session};
use app::model::Permission;

/// How often an open stream checks that its session and membership still
/// hold (removal is immediate; this catches a signed-out session).
const RECHECK: Duration = Duration::from_secs(30);
/// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How soon a browser reconnects after the instance closed the stream.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

pub async fn stream(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let access = match check(&state, &parts, &slug).await {
        Ok(access) => access,
        Err(status) => return status.into_response(),
    };
    let workspace_id = access.workspace.id;
    // Subscribed first: a change published meanwhile is then both heard
    // and counted in the last id, rather than neither.
    let receiver = state.events.subscribe();
    let missed = parts.headers.get("last-event-id").is_some_and(|seen| {
        let seen = seen.to_str().ok().and_then(|id| id.trim().parse().ok());
        seen != Some(state.events.last_id(workspace_id))
    });
    let listening = Listening {
        receiver,
        workspace_id,
        user_id: access.actor.user.id,
        first: missed.then(resync),
        ended: false,
        recheck: tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK),
        slot: state
            .streams
            .open(access.actor.session_id, access.actor.user.id),
        state,
        parts,
        slug,
    };
    let events = stream::unfold(listening, |mut listening| async move {
        let next = listening.next().await?;
        Some((Ok::<_, std::convert::Infallible>(next), listening))
    });
    let mut response = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // nginx would otherwise hold the stream back in its buffer.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// The one access rule, for the stream's request.
async fn check(
    state: &AppState,
    parts: &Parts,
    slug: &str,
) -> Result<access::WorkspaceAccess, axum::http::StatusCode> {
    let actor = session::authenticate(state, parts).await.map_err(|err| {
        tracing::error!(%err, "event stream: session");
        axum::http::StatusCode::INTERNAL_SERVER_ERROR
    })?;
    access::require(state, actor, slug, Permission::View)
        .await
        .map_err(|err| err.status_code())
}

fn resync() -> SseEvent {
    SseEvent::default().event("resync").data("")
}

/// One open stream.
struct Listening {
    receiver: Receiver<Numbered>,
    workspace_id: i64,
    user_id: i64,
    /// Sent before anything else (a reconnect that missed events).
    first: Option<SseEvent>,
    ended: bool,
    recheck: tokio::time::Interval,
    /// Its place among the instance's open streams, given back when it
    /// ends.
    slot: Slot,
    state: AppState,
    parts: Parts,
    slug: String,
}

impl Listening {
    /// The next event to send; `None` ends the stream.
    async fn next(&mut self) -> Option<SseEvent> {
        if self.ended {
            return None;
        }
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        loop {
            tokio::select! {
                received = self.receiver.recv() => match received {
                    Ok(Numbered { id, event }) => match hear(&event, self.workspace_id, self.user_id) {
                        Heard::Nothing => continue,
                        Heard::Resync => return Some(resync()),
                        Heard::Change { key, by } => {
                            let data = serde_json::json!({ "key": key, "by": by });
                            let change = SseEvent::default().event("change").data(data.to_string());
                            return Some(match id {
                                Some(id) => change.id(id.to_string()),
                                None => change,
                            });
                        }
                        Heard::End => {
                            self.ended = true;
                            return Some(match event {
                                app::backend::events::Event::Closing => {
                                    SseEvent::default().event("closing").data("").retry(RECONNECT_AFTER)
                                }
                                _ => SseEvent::default().event("gone").data(""),
                            });
                        }
                    },
                    // Fell too far behind: fetch everything once.
                    Err(RecvError::Lagged(_)) => return Some(resync()),
                    Err(RecvError::Closed) => return None,
                },
                () = self.slot.replaced() => {
                    // `gone`, not the end of the stream alone: the browser
                    // would reconnect, and that tab's new stream would push
                    // out the next oldest, tab after tab.
                    self.ended = true;
                    return Some(SseEvent::default().event("gone").data("too many streams"));
                }
                _ = self.recheck.tick() => {
                    if check(&self.state, &self.parts, &self.slug).await.is_err() {
                        self.ended = true;
                        return Some(SseEvent::default().event("gone").data(""));
                    }
                }
            }
        }
    }
}
