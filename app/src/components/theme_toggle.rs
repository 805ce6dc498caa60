//! The light/dark/system switch. It is a form posting to a server function, so
//! it works without JavaScript (the page reloads in the new theme); hydrated,
//! it switches in place.

use leptos::prelude::*;

use crate::api::theme::SetTheme;
use crate::components::form::server_action;
use crate::model::Theme;

/// The theme in force, shared by the page.
#[derive(Clone, Copy)]
pub struct ThemeState(pub RwSignal<Theme>);

impl ThemeState {
    pub fn new(initial: Theme) -> Self {
        Self(RwSignal::new(initial))
    }
}

#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<ThemeState>().0;
    let set_theme = server_action::<SetTheme>();

    // Once the server has stored the choice, draw the page in it.
    Effect::new(move |_| {
        if let Some(Ok(chosen)) = set_theme.value().get() {
            theme.set(chosen);
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("data-theme", chosen.as_str());
            }
        }
    });

    view! {
        <div class="theme-toggle">
            <ActionForm action=set_theme>
                <input type="hidden" name="theme" value=move || theme.get().next().as_str() />
                <button
                    type="submit"
                    class="button button--quiet"
                    title=move || format!("Switch to {}", theme.get().next().label().to_lowercase())
                    data-theme-current=move || theme.get().as_str()
                >
                    {move || theme.get().label()}
                </button>
            </ActionForm>
        </div>
    }
}
