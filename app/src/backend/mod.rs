//! Server-only code: the data layer and the state every request can reach.

pub mod about;
pub mod access;
pub mod accounts;
pub mod api_tokens;
pub mod auth;
pub mod db;
pub mod demo;
pub mod events;
pub mod housekeeping;
pub mod invitations;
pub mod items;
pub mod markdown;
pub mod members;
pub mod metrics;
pub mod request;
pub mod rounds;
pub mod scoring;
pub mod share_link;
pub mod statuses;
pub mod views;
pub mod webhooks;
pub mod workspaces;

use leptos::config::LeptosOptions;

pub use db::Db;

use std::sync::Arc;

use auth::password::Hasher;
use auth::session::AuthSettings;

/// What server functions and handlers share. Cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
    pub auth: Arc<AuthSettings>,
    pub hasher: Hasher,
    /// Live updates: what changed, for the pages that show it.
    pub events: events::Events,
    /// The live-update streams open on this instance, and their caps.
    pub streams: Arc<events::streams::OpenStreams>,
}

impl AppState {
    /// Tells the workspace's open pages that something they show changed
    /// (the item `key`, or more), by the caller of `access`. Call after the
    /// change commits.
    pub fn changed(&self, access: &access::WorkspaceAccess, key: Option<&str>) {
        self.events.publish(events::Event::Changed {
            workspace_id: access.workspace.id,
            key: key.map(str::to_owned),
            by: access.actor.user.id,
        });
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Reads the shared state inside a server function or a component rendered
/// on the server.
pub fn state() -> AppState {
    leptos::prelude::expect_context::<AppState>()
}

/// The per-response nonce that the `Content-Security-Policy` header allows
/// scripts to carry. The server's middleware puts it in the request's
/// extensions; the shell hands it to Leptos.
#[derive(Clone, Debug)]
pub struct CspNonce(pub std::sync::Arc<str>);

/// A time as RFC 3339 in UTC with milliseconds (`2026-12-01T09:30:00.000Z`),
/// for machines: the REST API and feeds.
pub fn rfc3339(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// A stored time (Unix milliseconds) as people read it: `2026-11-24 09:30 UTC`.
pub fn format_time(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}
