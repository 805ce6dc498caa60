//! The line at the bottom of every page.

use leptos::prelude::*;

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <span>"Waymark " {env!("CARGO_PKG_VERSION")}</span>
            <span aria-hidden="true">" · "</span>
            <span>"Open source, self-hosted"</span>
        </footer>
    }
}
