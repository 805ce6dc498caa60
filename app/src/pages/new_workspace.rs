//! `/w/new`: a new workspace, with its name, address, key prefix and
//! scoring framework.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::workspaces::CreateWorkspace;
use crate::components::form::server_action;
use crate::components::form::{Field, FormError, Submit, field_error, form_error};
use crate::scoring::framework::PRESETS;

/// The route to [`NewWorkspacePage`], whose code the browser loads on the first visit.
pub struct NewWorkspaceRoute;

#[lazy_route]
impl LazyRoute for NewWorkspaceRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <NewWorkspacePage /> }.into_any()
    }
}

#[component]
pub fn NewWorkspacePage() -> impl IntoView {
    let create = server_action::<CreateWorkspace>();
    let value = create.value();
    view! {
        <Title text="New workspace" />
        <section class="auth-card auth-card--wide">
            <h1>"New workspace"</h1>
            <p class="muted">"A workspace holds one product area's ideas, scores and roadmap, and the people who work on it."</p>
            <ActionForm action=create>
                <FormError error=form_error(value, &["name", "slug", "description", "key_prefix"]) />
                <Field label="Name" name="name" error=field_error(value, "name") />
                <Field
                    label="Address"
                    name="slug"
                    hint="The workspace's URL: /w/address. Leave empty to make one from the name."
                    required=false
                    error=field_error(value, "slug")
                />
                <Field label="Description" name="description" required=false error=field_error(value, "description") />
                <Field
                    label="Item key prefix"
                    name="key_prefix"
                    hint="Items get keys like WAY-12. Leave empty to take the name's first letters."
                    required=false
                    error=field_error(value, "key_prefix")
                />
                <fieldset class="choices">
                    <legend>"Scoring framework"</legend>
                    <p class="muted small">"How items are scored. Criteria, weights and the formula can be changed later."</p>
                    {PRESETS
                        .iter()
                        .enumerate()
                        .map(|(n, preset)| {
                            let id = format!("framework-{}", preset.id);
                            view! {
                                <div class="choice">
                                    <input type="radio" name="framework" id=id.clone() value=preset.id checked=n == 0 />
                                    <label for=id>
                                        <strong>{preset.name}</strong>
                                        <span class="muted small">{preset.summary}</span>
                                    </label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <Submit label="Create workspace" busy_label="Creating…" pending=create.pending() />
            </ActionForm>
        </section>
    }
}
