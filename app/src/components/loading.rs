//! A "Loading…" pill while a page fetches its data again (after a filter,
//! a sort, a save); it shows only when that takes longer than a blink, and
//! never on the first, server-rendered paint.

use leptos::prelude::*;

/// Shows while `pending` is true; the page wraps its data in a
/// [`PendingTransition`] with the same signal. The page makes the signal
/// outside any `<Suspense>` (see `TableData::pending`).
#[component]
pub fn Loading(pending: RwSignal<bool>) -> impl IntoView {
    view! {
        <p class="loading" aria-live="polite">
            {move || pending.get().then_some("Loading…")}
        </p>
    }
}

/// A `<Transition>` that keeps `pending` true while it waits for new data.
///
/// Only in the browser: on the server the Transition would set it from an
/// effect on another thread while the page is being drawn, and a signal
/// read while it is being written reads as gone ("already disposed"),
/// which panics the render. Nothing shows it there anyway.
#[component]
pub fn PendingTransition<Chil>(
    pending: RwSignal<bool>,
    children: TypedChildren<Chil>,
) -> impl IntoView
where
    Chil: IntoView + Send + 'static,
{
    let props = TransitionProps::builder().children(children);
    #[cfg(not(feature = "ssr"))]
    let props = props.set_pending(pending);
    #[cfg(feature = "ssr")]
    let _ = pending;
    Transition(props.build())
}
