//! `/w/:slug/settings`: a workspace's name, address and key prefix, its
//! share links, leaving it and deleting it.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::views::{RevokeShareLink, load_share_links};
use crate::api::workspaces::{DeleteWorkspace, LeaveWorkspace, UpdateWorkspace};
use crate::components::form::server_action;
use crate::components::form::{
    Field, FormError, Notice, Submit, field_error, form_error, succeeded,
};
use crate::components::saved_views::ShareLinkRow;
use crate::components::workspace_frame::{Section, slug_param, with_workspace};
use crate::components::{error_view, suspend};
use crate::error::AppError;
use crate::model::{Permission, ShareLinkInfo, WorkspaceView};

/// The route to [`WorkspaceSettingsPage`], whose code the browser loads on the first visit.
pub struct WorkspaceSettingsRoute;

#[lazy_route]
impl LazyRoute for WorkspaceSettingsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <WorkspaceSettingsPage /> }.into_any()
    }
}

#[component]
pub fn WorkspaceSettingsPage() -> impl IntoView {
    let slug = slug_param();
    let revoke = server_action::<RevokeShareLink>();
    let links = Resource::new(
        move || (slug.get(), revoke.version().get()),
        |(slug, _)| load_share_links(slug),
    );
    with_workspace(
        Section::Settings,
        move |w: WorkspaceView| view! { <WorkspaceSettings workspace=w links revoke /> },
    )
}

#[component]
fn WorkspaceSettings(
    workspace: WorkspaceView,
    /// The workspace's live share links (owners only).
    links: Resource<Result<Vec<ShareLinkInfo>, AppError>>,
    revoke: ServerAction<RevokeShareLink>,
) -> impl IntoView {
    let update = server_action::<UpdateWorkspace>();
    let delete = server_action::<DeleteWorkspace>();
    let leave = server_action::<LeaveWorkspace>();
    let can_manage = workspace.role.allows(Permission::Manage);
    let value = update.value();
    let w = workspace.clone();
    let leave_slug = workspace.slug.clone();
    let delete_slug = workspace.slug.clone();
    let can_delete = workspace.role.allows(Permission::Delete);
    view! {
        <section class="panel" aria-labelledby="general-heading">
            <h2 id="general-heading">"General"</h2>
            {if can_manage {
                view! {
                    <ActionForm action=update>
                        <FormError error=form_error(value, &["name", "new_slug", "description", "key_prefix"]) />
                        <Notice show=succeeded(value) message="Saved." />
                        <input type="hidden" name="slug" value=w.slug.clone() />
                        <Field label="Name" name="name" value=w.name.clone() error=field_error(value, "name") />
                        <Field
                            label="Address"
                            name="new_slug"
                            value=w.slug.clone()
                            hint="Changing it keeps the old address working for members."
                            error=field_error(value, "new_slug")
                        />
                        <Field label="Description" name="description" value=w.description.clone() required=false error=field_error(value, "description") />
                        <Field label="Item key prefix" name="key_prefix" value=w.key_prefix.clone() error=field_error(value, "key_prefix") />
                        <Submit label="Save" busy_label="Saving…" pending=update.pending() />
                    </ActionForm>
                }
                    .into_any()
            } else {
                view! {
                    <dl class="facts">
                        <dt>"Name"</dt>
                        <dd>{w.name.clone()}</dd>
                        <dt>"Address"</dt>
                        <dd>{format!("/w/{}", w.slug)}</dd>
                        <dt>"Item key prefix"</dt>
                        <dd>{w.key_prefix.clone()}</dd>
                    </dl>
                    <p class="muted small">"Only owners change these."</p>
                }
                    .into_any()
            }}
        </section>
        {can_manage.then(|| {
            let slug = workspace.slug.clone();
            view! {
                <section class="panel" aria-labelledby="links-heading">
                    <h2 id="links-heading">"Share links"</h2>
                    <p class="muted">
                        "The live read-only links to this workspace's saved views. Editors make them from a saved view's Share menu; a revoked link stops working at once."
                    </p>
                    <FormError error=form_error(revoke.value(), &[]) />
                    <Transition>
                        {move || {
                            let slug = slug.clone();
                            suspend(async move {
                                match links.await {
                                    Ok(list) if list.is_empty() => view! { <p class="muted">"None."</p> }.into_any(),
                                    Ok(list) => view! {
                                        <ul class="session-list">
                                            {list.into_iter().map(|link| view! {
                                                <ShareLinkRow link revoke slug=slug.clone() show_view=true />
                                            }).collect_view()}
                                        </ul>
                                    }.into_any(),
                                    Err(error) => error_view(error, "/"),
                                }
                            })
                        }}
                    </Transition>
                </section>
            }
        })}
        <section class="panel" aria-labelledby="leave-heading">
            <h2 id="leave-heading">"Leave"</h2>
            <ActionForm action=leave>
                <FormError error=form_error(leave.value(), &[]) />
                <input type="hidden" name="slug" value=leave_slug />
                <button type="submit" class="button button--quiet">"Leave this workspace"</button>
            </ActionForm>
        </section>
        {can_delete.then(move || {
            let value = delete.value();
            view! {
                <section class="panel panel--danger" aria-labelledby="danger-heading">
                    <h2 id="danger-heading">"Danger zone"</h2>
                    <p>"Deleting the workspace deletes everything in it, for every member. It cannot be undone."</p>
                    <ActionForm action=delete>
                        <FormError error=form_error(value, &["confirm_name"]) />
                        <input type="hidden" name="slug" value=delete_slug />
                        <Field
                            label="Type the workspace's name to confirm"
                            name="confirm_name"
                            error=field_error(value, "confirm_name")
                        />
                        <Submit label="Delete this workspace" busy_label="Deleting…" pending=delete.pending() class="button button--danger" />
                    </ActionForm>
                </section>
            }
        })}
    }
}
