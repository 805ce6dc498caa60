//! A "Loading…" pill while a page fetches its data again (after a filter,
//! a sort, a save); it shows only when that takes longer than a blink, and
//! never on the first, server-rendered paint.

use leptos::prelude::*;

/// Give `pending` to the page's `<Transition set_pending=…>`.
#[component]
pub fn Loading(pending: RwSignal<bool>) -> impl IntoView {
    // The server may still be writing this out when a page's Suspense
    // has drawn its content again and dropped the first copy's signals:
    // then there is nothing loading to say.
    view! {
        <p class="loading" aria-live="polite">
            {move || pending.try_get().unwrap_or(false).then_some("Loading…")}
        </p>
    }
}
