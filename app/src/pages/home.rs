//! `/`: what Waymark is.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="hero">
            <h1>"Plan what your team builds next, on your own server."</h1>
            <p class="lead">
                "Waymark is an open-source, self-hosted place where product teams collect ideas, "
                "score them and lay them out on a roadmap they can share. "
                "Your backlog stays in a database you own: one SQLite file, or your PostgreSQL."
            </p>
            <p class="hero-actions">
                <a class="button" href="/about">"About this instance"</a>
            </p>
        </section>
    }
}
