//! Keyboard shortcuts for the whole site: `c` adds an item, `/` goes to the
//! search field, `?` lists the shortcuts. They act only when no field has
//! the focus and no Ctrl, Alt or Meta key is held, so typing and the
//! browser's own keys are never taken.

use leptos::prelude::*;

/// The shortcuts and the overlay that lists them.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let open = RwSignal::new(false);
    let close_button = NodeRef::<leptos::html::Button>::new();

    #[cfg(feature = "hydrate")]
    {
        let navigate = leptos_router::hooks::use_navigate();
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            on_key(&ev, open, &navigate);
        });
        on_cleanup(move || handle.remove());
    }
    // The overlay takes the focus when it opens: on the next frame, once
    // it is shown (a hidden element cannot take the focus, and whether this
    // effect or the one that shows it runs first is not fixed).
    Effect::new(move || {
        if open.get()
            && let Some(button) = close_button.get_untracked()
        {
            request_animation_frame(move || {
                let _ = button.focus();
            });
        }
    });

    view! {
        <div
            class="shortcuts"
            role="dialog"
            aria-modal="true"
            aria-labelledby="shortcuts-heading"
            hidden=move || !open.get()
            on:click=move |_| open.set(false)
        >
            <div class="shortcuts__box panel" on:click=|ev| ev.stop_propagation()>
                <h2 id="shortcuts-heading">"Keyboard shortcuts"</h2>
                <dl class="shortcuts__list">
                    <dt><kbd>"c"</kbd></dt>
                    <dd>"Add an item (in a workspace)"</dd>
                    <dt><kbd>"/"</kbd></dt>
                    <dd>"Search the items"</dd>
                    <dt><kbd>"↑"</kbd>" "<kbd>"↓"</kbd></dt>
                    <dd>"Move between the table's rows; Enter opens one"</dd>
                    <dt><kbd>"Alt"</kbd>" + "<kbd>"←"</kbd><kbd>"↑"</kbd><kbd>"↓"</kbd><kbd>"→"</kbd></dt>
                    <dd>"Move the focused card on the board"</dd>
                    <dt><kbd>"?"</kbd></dt>
                    <dd>"Show this list"</dd>
                    <dt><kbd>"Esc"</kbd></dt>
                    <dd>"Close it"</dd>
                </dl>
                <button type="button" class="button button--quiet" node_ref=close_button on:click=move |_| open.set(false)>
                    "Close"
                </button>
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn on_key(
    ev: &leptos::ev::KeyboardEvent,
    open: RwSignal<bool>,
    navigate: &impl Fn(&str, leptos_router::NavigateOptions),
) {
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::HtmlElement;

    if ev.key() == "Escape" && open.get_untracked() {
        open.set(false);
        return;
    }
    if ev.ctrl_key() || ev.alt_key() || ev.meta_key() || ev.default_prevented() {
        return;
    }
    let typing = ev
        .target()
        .and_then(|t| t.dyn_into::<HtmlElement>().ok())
        .is_some_and(|t| {
            matches!(t.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || t.is_content_editable()
        });
    if typing {
        return;
    }
    match ev.key().as_str() {
        "?" => {
            ev.prevent_default();
            open.update(|o| *o = !*o);
        }
        "/" if focus("filter-q") => ev.prevent_default(),
        "c" => {
            ev.prevent_default();
            if focus("quick-add-title") {
                return;
            }
            // In a workspace, off the table: open the table, and focus the
            // field once it is drawn (tried for up to two seconds).
            let path = window().location().pathname().unwrap_or_default();
            let mut parts = path.trim_start_matches('/').split('/');
            if let (Some("w"), Some(slug)) = (parts.next(), parts.next())
                && !slug.is_empty()
                && slug != "new"
            {
                navigate(&format!("/w/{slug}/items"), Default::default());
                focus_when_drawn("quick-add-title", 40);
            }
        }
        _ => {}
    }
}

/// Focuses the element `id`; true when there is one.
#[cfg(feature = "hydrate")]
fn focus(id: &str) -> bool {
    use leptos::wasm_bindgen::JsCast;

    document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
        .map(|e| e.focus())
        .is_some()
}

#[cfg(feature = "hydrate")]
fn focus_when_drawn(id: &'static str, tries: u32) {
    set_timeout(
        move || {
            if !focus(id) && tries > 0 {
                focus_when_drawn(id, tries - 1);
            }
        },
        std::time::Duration::from_millis(50),
    );
}
