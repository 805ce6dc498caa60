//! A "Loading…" pill while a page fetches its data again (after a filter,
//! a sort, a save); it shows only when that takes longer than a blink, and
//! never on the first, server-rendered paint.

use leptos::prelude::*;

/// Give `pending` to the page's `<Transition set_pending=…>`. The page
/// makes the signal outside any `<Suspense>` (see `TableData::pending`).
#[component]
pub fn Loading(pending: RwSignal<bool>) -> impl IntoView {
    view! {
        <p class="loading" aria-live="polite">
            // `try_get`: on the server a streamed page may draw this after
            // the page's reactive values are gone; it then shows nothing,
            // as it always does on the server.
            {move || pending.try_get().unwrap_or(false).then_some("Loading…")}
        </p>
    }
}
