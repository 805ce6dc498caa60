//! `/w/:slug/settings/members`: who is in a workspace and in which role,
//! and the invitation links that bring others in.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::workspaces::{
    ChangeMemberRole, CreateInvitation, RemoveMember, RevokeInvitation, load_members_page,
};
use crate::components::form::server_action;
use crate::components::form::{Field, FormError, Submit, field_error, form_error};
use crate::components::workspace_frame::{Section, slug_param, with_workspace};
use crate::components::{error_view, suspend};
use crate::error::AppError;
use crate::model::{MemberInfo, MembersPage, Permission, Role, WorkspaceView};

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
        Section::Members,
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
