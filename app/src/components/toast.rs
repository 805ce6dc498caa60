//! Toasts: short messages in a corner that say a change worked or why it
//! did not. They live in the browser. A page rendered on the server after a
//! form post without JavaScript says the same next to the form instead
//! (`Notice`, `FormError`), so nothing depends on them.

use std::time::Duration;

use leptos::prelude::*;

use crate::error::AppError;

/// At most this many toasts at once; a new one pushes out the oldest.
const SHOWN: usize = 4;
const SUCCESS_FOR: Duration = Duration::from_secs(4);
const FAILURE_FOR: Duration = Duration::from_secs(10);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Failure,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
}

/// The page's toasts, provided once by the `App`.
#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn provide() {
        provide_context(Self {
            shown: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        });
    }

    pub fn show(&self, kind: ToastKind, text: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let text = text.into();
        self.shown.update(|shown| {
            // The same message twice in a row is said once.
            shown.retain(|t| t.text != text);
            shown.push(Toast { id, kind, text });
            let excess = shown.len().saturating_sub(SHOWN);
            shown.drain(..excess);
        });
        let shown = self.shown;
        let after = match kind {
            ToastKind::Success => SUCCESS_FOR,
            ToastKind::Failure => FAILURE_FOR,
        };
        set_timeout(
            move || shown.try_update(|s| s.retain(|t| t.id != id)).unwrap_or(()),
            after,
        );
    }

    fn dismiss(&self, id: u64) {
        self.shown.update(|s| s.retain(|t| t.id != id));
    }

    /// Whether successes are shown as toasts: once the calling component
    /// runs in the browser, hydrated; until then a notice in the page says
    /// them. The caller's own flag, set by an effect, which runs after the
    /// caller has hydrated: a lazy route's page hydrates after the rest of
    /// the site, so a flag of the site's would already be set while the page
    /// still draws what the server drew. Call it in the component's body,
    /// not in a reactive closure: each call makes a new flag and effect.
    pub fn live() -> Signal<bool> {
        let live = RwSignal::new(false);
        Effect::new(move || live.set(true));
        live.into()
    }
}

/// Shows a toast for each result `value` takes from now on: `success`
/// words what worked (`None`: nothing to say), a failure says why.
pub fn toast_results<S, T>(value: S, success: impl Fn(&T) -> Option<String> + 'static)
where
    S: With<Value = Option<Result<T, AppError>>> + 'static,
    T: 'static,
{
    let Some(toasts) = use_context::<Toasts>() else {
        return;
    };
    // The first run only subscribes: a result that was there when the page
    // hydrated is already shown in the page.
    Effect::new(move |seen: Option<()>| {
        value.with(|v| {
            if seen.is_none() {
                return;
            }
            match v {
                Some(Ok(done)) => {
                    if let Some(text) = success(done) {
                        toasts.show(ToastKind::Success, text);
                    }
                }
                Some(Err(err)) => {
                    toasts.show(ToastKind::Failure, err.for_form(&[]).unwrap_or_default())
                }
                None => {}
            }
        });
    });
}

/// Shows `message` as a toast each time `show` turns true from now on.
pub fn toast_when(show: Signal<bool>, message: &'static str) {
    let Some(toasts) = use_context::<Toasts>() else {
        return;
    };
    Effect::new(move |was: Option<bool>| {
        let now = show.get();
        if was.is_some() && now {
            toasts.show(ToastKind::Success, message);
        }
        now
    });
}

/// Where toasts appear: successes politely, failures at once.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = expect_context::<Toasts>();
    let of_kind = move |kind: ToastKind| {
        move || {
            toasts
                .shown
                .get()
                .into_iter()
                .filter(|t| t.kind == kind)
                .map(|t| {
                    let id = t.id;
                    let class = match kind {
                        ToastKind::Success => "toast toast--success",
                        ToastKind::Failure => "toast toast--failure",
                    };
                    view! {
                        <div class=class>
                            <p class="toast__text">{t.text}</p>
                            <button type="button" class="toast__close" aria-label="Dismiss" on:click=move |_| toasts.dismiss(id)>
                                "×"
                            </button>
                        </div>
                    }
                })
                .collect_view()
        }
    };
    view! {
        <div class="toasts">
            <div aria-live="polite" class="toasts__list">{of_kind(ToastKind::Success)}</div>
            <div aria-live="assertive" class="toasts__list">{of_kind(ToastKind::Failure)}</div>
        </div>
    }
}
