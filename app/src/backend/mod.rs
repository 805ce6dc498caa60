//! Server-only code: the data layer and the state every request can reach.

pub mod db;

use leptos::config::LeptosOptions;

pub use db::Db;

/// What server functions and handlers share. Cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub leptos_options: LeptosOptions,
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
