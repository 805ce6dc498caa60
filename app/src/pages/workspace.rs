//! `/w/:slug`: a workspace's overview: its description, the reader's role
//! and how its items are keyed.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::components::workspace_frame::{Section, with_workspace};
use crate::model::WorkspaceView;

/// The route to [`WorkspacePage`], whose code the browser loads on the first visit.
pub struct WorkspaceRoute;

#[lazy_route]
impl LazyRoute for WorkspaceRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <WorkspacePage /> }.into_any()
    }
}

#[component]
pub fn WorkspacePage() -> impl IntoView {
    with_workspace(Section::Overview, |w: WorkspaceView| {
        view! {
            <section class="panel">
                <h2>"About this workspace"</h2>
                {if w.description.is_empty() {
                    view! { <p class="muted">"No description yet."</p> }.into_any()
                } else {
                    view! { <p>{w.description.clone()}</p> }.into_any()
                }}
                <dl class="facts">
                    <dt>"Your role"</dt>
                    <dd>{format!("{} — {}", w.role.label(), w.role.description())}</dd>
                    <dt>"Item keys"</dt>
                    <dd>{format!("{}-1, {}-2, …", w.key_prefix, w.key_prefix)}</dd>
                </dl>
            </section>
        }
    })
}
