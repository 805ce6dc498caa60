//! The bar at the top of every page.

use leptos::prelude::*;

use super::ThemeToggle;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <img src="/logo.svg" alt="" width="24" height="24" />
                <span>"Waymark"</span>
            </a>
            <nav class="site-nav" aria-label="Main">
                <a href="/about">"About"</a>
            </nav>
            <ThemeToggle />
        </header>
    }
}
