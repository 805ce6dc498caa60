//! The workspace pages: `/w/new`, `/w/:slug`, `/w/:slug/settings` and
//! `/w/:slug/settings/members`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_params_map};
use leptos_router::{LazyRoute, lazy_route};

use crate::api::views::{RevokeShareLink, load_share_links};
use crate::api::workspaces::{
    ChangeMemberRole, CreateInvitation, CreateWorkspace, DeleteWorkspace, LeaveWorkspace,
    RemoveMember, RevokeInvitation, UpdateWorkspace, load_members_page, load_workspace,
};
use crate::components::form::server_action;
use crate::components::form::{
    Field, FormError, Notice, Submit, field_error, form_error, succeeded,
};
use crate::components::saved_views::{SavedViews, SavedViewsNav, ShareLinkRow, ViewBar};
use crate::components::suspend;
use crate::error::AppError;
use crate::model::{
    MemberInfo, MembersPage, Permission, Role, ShareLinkInfo, ViewKind, WorkspaceView,
};
use crate::pages::guard::error_view;
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

/// The slug in the URL.
pub(crate) fn slug_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default())
}

/// Loads the workspace for a page and renders `page` with it; redirects an
/// old slug to the current one and shows 404 to non-members.
pub(crate) fn with_workspace<V: IntoView + 'static>(
    section: &'static str,
    page: impl Fn(WorkspaceView) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let slug = slug_param();
    let location = use_location();
    let workspace = Resource::new(move || slug.get(), load_workspace);
    // A view of the items (not an item's own page, also under "/items").
    let on_view = location
        .pathname
        .with_untracked(|path| path.ends_with(section));
    let views = ViewKind::ALL
        .into_iter()
        .find(|kind| on_view && section.strip_prefix('/') == Some(kind.as_str()))
        .map(|kind| SavedViews::new(slug, kind));
    view! {
        <Suspense>
            {move || {
                let page = page.clone();
                suspend(async move {
                    let here = location.pathname.get_untracked();
                    match workspace.await {
                        Ok(w) if w.slug != slug.get_untracked() => {
                            view! { <Redirect path=format!("/w/{}{section}", w.slug) /> }.into_any()
                        }
                        Ok(w) => view! { <WorkspaceFrame workspace=w.clone() section views>{page(w)}</WorkspaceFrame> }.into_any(),
                        Err(error) => error_view(error, &here),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn WorkspaceFrame(
    workspace: WorkspaceView,
    section: &'static str,
    /// On a view of the items: the saved views beside it.
    views: Option<SavedViews>,
    children: Children,
) -> impl IntoView {
    let base = format!("/w/{}", workspace.slug);
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    let body = match views {
        Some(views) => view! {
            <div class="with-views">
                <SavedViewsNav views slug=slug.clone() can_edit />
                <div class="with-views__main">
                    <ViewBar views slug can_edit />
                    {children()}
                </div>
            </div>
        }
        .into_any(),
        None => children().into_any(),
    };
    view! {
        <Title text=workspace.name.clone() />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/">"Workspaces"</a>
            " / "
            <a href=base.clone()>{workspace.name.clone()}</a>
        </nav>
        <header class="workspace-header">
            <h1>{workspace.name.clone()}</h1>
            <span class="badge" data-testid="my-role">{workspace.role.label()}</span>
        </header>
        <nav class="tabs" aria-label="Workspace">
            <a href=base.clone() aria-current=section.is_empty().then_some("page")>"Overview"</a>
            <a href=format!("{base}/items") aria-current=section.starts_with("/items").then_some("page")>"Items"</a>
            <a href=format!("{base}/board") aria-current=(section == "/board").then_some("page")>"Board"</a>
            <a href=format!("{base}/roadmap") aria-current=(section == "/roadmap").then_some("page")>"Roadmap"</a>
            <a href=format!("{base}/timeline") aria-current=(section == "/timeline").then_some("page")>"Timeline"</a>
            <a href=format!("{base}/chart") aria-current=(section == "/chart").then_some("page")>"Chart"</a>
            {workspace.role.allows(Permission::Contribute).then(|| view! {
                <a href=format!("{base}/rounds") aria-current=(section == "/rounds").then_some("page")>"Rounds"</a>
            })}
            <a href=format!("{base}/settings") aria-current=(section == "/settings").then_some("page")>"Settings"</a>
            <a href=format!("{base}/settings/members") aria-current=(section == "/settings/members").then_some("page")>
                "Members"
            </a>
            <a href=format!("{base}/settings/statuses") aria-current=(section == "/settings/statuses").then_some("page")>
                "Statuses"
            </a>
            <a href=format!("{base}/settings/scoring") aria-current=(section == "/settings/scoring").then_some("page")>
                "Scoring"
            </a>
            {workspace.role.allows(Permission::Edit).then(|| view! {
                <a href=format!("{base}/settings/webhooks") aria-current=(section == "/settings/webhooks").then_some("page")>
                    "Webhooks"
                </a>
            })}
        </nav>
        {body}
    }
}

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
    with_workspace("", |w: WorkspaceView| {
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
        "/settings",
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

/// The members page's actions and data, created at page level so that the
/// Suspense around the page cannot drop them while they load.
#[derive(Clone, Copy)]
struct MembersData {
    change_role: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    invite: ServerAction<CreateInvitation>,
    revoke: ServerAction<RevokeInvitation>,
    /// Members, invitations and the link just made, refetched after any
    /// of the actions.
    page: Resource<Result<MembersPage, AppError>>,
}

/// The route to [`WorkspaceMembersPage`], whose code the browser loads on the first visit.
pub struct WorkspaceMembersRoute;

#[lazy_route]
impl LazyRoute for WorkspaceMembersRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <WorkspaceMembersPage /> }.into_any()
    }
}

#[component]
pub fn WorkspaceMembersPage() -> impl IntoView {
    let slug = slug_param();
    let change_role = server_action::<ChangeMemberRole>();
    let remove = server_action::<RemoveMember>();
    let invite = server_action::<CreateInvitation>();
    let revoke = server_action::<RevokeInvitation>();
    let data = MembersData {
        change_role,
        remove,
        invite,
        revoke,
        page: Resource::new(
            move || {
                (
                    slug.get(),
                    change_role.version().get(),
                    remove.version().get(),
                    invite.version().get(),
                    revoke.version().get(),
                )
            },
            |(slug, ..)| load_members_page(slug),
        ),
    };
    with_workspace(
        "/settings/members",
        move |w: WorkspaceView| view! { <Members workspace=w data /> },
    )
}

#[component]
fn Members(workspace: WorkspaceView, data: MembersData) -> impl IntoView {
    let MembersData {
        change_role,
        remove,
        invite,
        revoke,
        page,
    } = data;
    let can_manage = workspace.role.allows(Permission::Manage);
    let slug = workspace.slug.clone();
    let invite_value = invite.value();

    view! {
        <section class="panel" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <FormError error=form_error(change_role.value(), &[]) />
            <FormError error=form_error(remove.value(), &[]) />
            <Transition>
                {move || {
                    let slug = slug.clone();
                    suspend(async move {
                        match page.await.map(|p| p.members) {
                            Ok(list) => view! {
                                <div class="table-scroll">
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Name"</th>
                                                <th scope="col">"Email"</th>
                                                <th scope="col">"Role"</th>
                                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list.into_iter().map(|member| view! {
                                                <MemberRow member slug=slug.clone() can_manage change_role remove />
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }.into_any(),
                            Err(error) => error_view(error, "/"),
                        }
                    })
                }}
            </Transition>
        </section>
        {can_manage.then(|| {
            let invite_slug = workspace.slug.clone();
            let slug = workspace.slug.clone();
            view! {
                <section class="panel" aria-labelledby="invite-heading">
                    <h2 id="invite-heading">"Invite someone"</h2>
                    <p class="muted">"Make a link and send it yourself: it works once, until it expires."</p>
                    <ActionForm action=invite>
                        <FormError error=form_error(invite_value, &["role", "email", "days"]) />
                        <input type="hidden" name="slug" value=invite_slug />
                        <div class="field">
                            <label for="invite-role">"Role"</label>
                            <select name="role" id="invite-role">
                                {Role::ALL.iter().map(|r| view! {
                                    <option value=r.as_str() selected=*r == Role::Editor>{format!("{} — {}", r.label(), r.description())}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <Field label="Who it is for (optional)" name="email" id="invite-email" kind="email" required=false hint="An email, to recognise the link in the list below. Whoever has the link can use it once, so send it only to that person." error=field_error(invite_value, "email") />
                        <Field label="Valid for days" name="days" kind="number" value="7".to_owned() error=field_error(invite_value, "days") />
                        <Submit label="Make invitation link" busy_label="Making…" pending=invite.pending() />
                    </ActionForm>
                    <Transition>
                        {move || suspend(async move {
                            // A page loaded after a form post without
                            // JavaScript has the link from the server.
                            let after_reload = page.await.ok().and_then(|p| p.new_invitation_link);
                            let link = invite_value.get().and_then(Result::ok).or(after_reload);
                            link.map(|link| view! {
                                <div class="notice" role="status">
                                    <p>"Send this link to the person you invite:"</p>
                                    <p><input class="copy-field" type="text" readonly value=link aria-label="Invitation link" data-testid="invitation-link" /></p>
                                </div>
                            })
                        })}
                    </Transition>
                    <h3>"Pending invitations"</h3>
                    <FormError error=form_error(revoke.value(), &[]) />
                    <Transition>
                        {move || {
                            let slug = slug.clone();
                            suspend(async move {
                                match page.await.map(|p| p.invitations) {
                                    Ok(list) if list.is_empty() => view! { <p class="muted">"None."</p> }.into_any(),
                                    Ok(list) => view! {
                                        <ul class="session-list">
                                            {list.into_iter().map(|i| {
                                                let slug = slug.clone();
                                                view! {
                                                    <li class="session">
                                                        <div>
                                                            <strong>{i.role.label()}</strong>
                                                            {(!i.email.is_empty()).then(|| format!(" for {}", i.email))}
                                                            <p class="muted small">{format!("by {} · expires {}", i.created_by, i.expires_at)}</p>
                                                        </div>
                                                        <ActionForm action=revoke>
                                                            <input type="hidden" name="slug" value=slug />
                                                            <input type="hidden" name="invitation_id" value=i.id />
                                                            <button type="submit" class="button button--quiet">"Withdraw"</button>
                                                        </ActionForm>
                                                    </li>
                                                }
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
    }
}

/// One member's row: name, email, role (a form for owners) and removal.
#[component]
fn MemberRow(
    member: MemberInfo,
    slug: String,
    can_manage: bool,
    change_role: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let role_slug = slug.clone();
    view! {
        <tr data-member=member.email.clone()>
            <td>{member.display_name.clone()}{member.is_me.then_some(" (you)")}</td>
            <td>{member.email.clone()}</td>
            <td>
                {if can_manage {
                    view! {
                        <ActionForm action=change_role attr:class="inline-form">
                            <input type="hidden" name="slug" value=role_slug />
                            <input type="hidden" name="user_id" value=member.user_id />
                            <label class="visually-hidden" for=format!("role-{}", member.user_id)>{format!("Role of {}", member.display_name)}</label>
                            <select name="role" id=format!("role-{}", member.user_id)>
                                {Role::ALL.iter().map(|r| view! {
                                    <option value=r.as_str() selected=*r == member.role>{r.label()}</option>
                                }).collect_view()}
                            </select>
                            <button type="submit" class="button button--quiet">"Change"</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <span>{member.role.label()}</span> }.into_any()
                }}
            </td>
            <td>
                {(can_manage && !member.is_me).then(|| view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="user_id" value=member.user_id />
                        <button type="submit" class="button button--quiet">"Remove"</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}
