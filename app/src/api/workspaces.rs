//! Workspaces, their members and invitations. Every function that touches
//! one workspace takes its slug and passes `access::require` first, and
//! every write checks the caller's role again inside its transaction
//! (`access::recheck_in`); the access-matrix test covers them all.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{InvitationInfo, MemberInfo, MembersPage, WorkspaceSummary, WorkspaceView};

#[cfg(feature = "ssr")]
use crate::backend::request::{respond, scoped};

/// Days an invitation works unless the owner says otherwise.
pub const DEFAULT_INVITATION_DAYS: i64 = 7;

#[server(prefix = "/fn", endpoint = "workspaces")]
pub async fn list_my_workspaces() -> Result<Vec<WorkspaceSummary>, AppError> {
    use crate::backend::request;

    respond(
        scoped(async {
            let auth = request::require_user().await?;
            let rows = request::my_workspaces(&auth).await?;
            Ok(rows
                .into_iter()
                .map(|w| WorkspaceSummary {
                    items: w.items,
                    slug: w.workspace.slug,
                    name: w.workspace.name,
                    description: w.workspace.description,
                    role: w.role,
                    members: w.members,
                })
                .collect())
        })
        .await,
    )
}

/// Creates a workspace; its creator is its first owner.
#[server(prefix = "/fn", endpoint = "workspaces/create")]
pub async fn create_workspace(
    name: String,
    slug: String,
    description: String,
    key_prefix: String,
    /// The scoring preset to start from (`value_effort` when not given).
    framework: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::db::workspaces::{self, NewWorkspace};
    use crate::backend::db::{criteria, memberships, statuses};
    use crate::backend::{self, request, state};
    use crate::model::{Role, key_prefix_from_name, parse_key_prefix, parse_slug, slug_from_name};
    use crate::scoring::framework::{PRESETS, preset};

    respond(
        scoped(async {
            let state = state();
            let auth = request::require_user().await?;
            let name = parse_name(&name)?;
            let slug = if slug.trim().is_empty() {
                slug_from_name(&name)
            } else {
                slug
            };
            let slug = parse_slug(&slug).map_err(|m| AppError::invalid("slug", m))?;
            let key_prefix = if key_prefix.trim().is_empty() {
                key_prefix_from_name(&name)
            } else {
                key_prefix
            };
            let key_prefix =
                parse_key_prefix(&key_prefix).map_err(|m| AppError::invalid("key_prefix", m))?;
            let description = parse_description(&description)?;
            let preset = match framework.as_deref().map(str::trim) {
                None | Some("") => &PRESETS[0],
                Some(id) => preset(id).ok_or_else(|| {
                    AppError::invalid("framework", "choose one of the scoring frameworks offered")
                })?,
            };
            let address = backend::workspaces::try_address(&state.db, auth.user.id).await?;
            let mut taken = false;
            let made = async {
                let mut tx = state.db.begin().await?;
                if !auth.user.is_admin {
                    backend::workspaces::check_limits(
                        &state.db,
                        &mut tx,
                        auth.user.id,
                        state.auth.workspaces,
                    )
                    .await?;
                }
                let id = workspaces::insert(
                    &mut tx,
                    NewWorkspace {
                        name: &name,
                        slug: &slug,
                        description: &description,
                        key_prefix: &key_prefix,
                        created_by: auth.user.id,
                    },
                )
                .await
                .map_err(|err| address_error(err, "slug", &mut taken))?;
                memberships::insert(&mut tx, id, auth.user.id, Role::Owner).await?;
                statuses::insert_defaults(&mut tx, id).await?;
                criteria::insert_preset(&mut tx, id, preset).await?;
                tx.commit().await?;
                Ok::<_, AppError>(())
            }
            .await;
            address.settle(&state.db, taken).await?;
            made?;
            request::redirect(&format!("/w/{slug}"));
            Ok(())
        })
        .await,
    )
}

/// Items in the demo workspace a user makes from the start page.
pub const DEMO_ITEMS: usize = 40;

/// Makes a workspace with a sample backlog for the caller, who owns it,
/// and opens its items.
#[server(prefix = "/fn", endpoint = "workspaces/demo")]
pub async fn create_demo_workspace() -> Result<String, AppError> {
    use crate::backend::{demo, request, state};

    respond(
        scoped(async {
            let auth = request::require_user().await?;
            let state = state();
            let limits = (!auth.user.is_admin).then_some(state.auth.workspaces);
            let seeded = demo::seed(
                &state,
                auth.user.id,
                &auth.user.display_name,
                "demo",
                DEMO_ITEMS,
                3,
                limits,
            )
            .await?;
            request::redirect(&format!("/w/{}/items", seeded.slug));
            Ok(seeded.slug)
        })
        .await,
    )
}

/// A workspace address refused, as the form's `field` shows it; notes in
/// `taken` whether another workspace has it (which counts against the
/// caller, see `backend::workspaces::try_address`).
#[cfg(feature = "ssr")]
fn address_error(
    err: crate::backend::db::workspaces::SlugError,
    field: &str,
    taken: &mut bool,
) -> AppError {
    use crate::backend::db::workspaces::SlugError;

    match err {
        SlugError::Taken => {
            *taken = true;
            AppError::invalid(field, "another workspace has this address; choose another")
        }
        SlugError::Db(err) => err.into(),
    }
}

#[cfg(feature = "ssr")]
fn parse_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    match name.chars().count() {
        0 => Err(AppError::invalid("name", "give the workspace a name")),
        1..=80 => Ok(name.to_owned()),
        _ => Err(AppError::invalid("name", "use at most 80 characters")),
    }
}

#[cfg(feature = "ssr")]
fn parse_description(description: &str) -> Result<String, AppError> {
    let description = description.trim();
    if description.chars().count() > 1000 {
        Err(AppError::invalid(
            "description",
            "use at most 1000 characters",
        ))
    } else {
        Ok(description.to_owned())
    }
}

/// The workspace as its pages show it. Opening it counts as using it.
#[server(prefix = "/fn", endpoint = "w/load")]
pub async fn load_workspace(slug: String) -> Result<WorkspaceView, AppError> {
    use crate::backend::access;
    use crate::backend::db::memberships;
    use crate::backend::state;
    use crate::model::Permission;

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::View).await?;
            // A write per page view would queue behind every other write;
            // only a change of order needs one.
            if !access.most_recently_used {
                memberships::touch(&state().db, access.workspace.id, access.actor.user.id).await?;
            }
            let w = access.workspace;
            Ok(WorkspaceView {
                slug: w.slug,
                name: w.name,
                description: w.description,
                key_prefix: w.key_prefix,
                role: access.role,
            })
        })
        .await,
    )
}

/// Saves the general settings. A new slug keeps the old one working as a
/// redirect for members.
#[server(prefix = "/fn", endpoint = "w/update")]
pub async fn update_workspace(
    slug: String,
    name: String,
    new_slug: String,
    description: String,
    key_prefix: String,
) -> Result<(), AppError> {
    use crate::backend::access;
    use crate::backend::db::workspaces::{self, Changes};
    use crate::backend::{request, state};
    use crate::model::{Permission, parse_key_prefix, parse_slug};

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::Manage).await?;
            let name = parse_name(&name)?;
            let new_slug = parse_slug(&new_slug).map_err(|m| AppError::invalid("new_slug", m))?;
            let key_prefix =
                parse_key_prefix(&key_prefix).map_err(|m| AppError::invalid("key_prefix", m))?;
            let description = parse_description(&description)?;
            let state = state();
            let moves = new_slug != access.workspace.slug;
            let address = match moves {
                true => Some(
                    crate::backend::workspaces::try_address(&state.db, access.actor.user.id)
                        .await?,
                ),
                false => None,
            };
            let mut taken = false;
            let saved = async {
                let mut tx = state.db.begin().await?;
                access::recheck_in(&state, &mut tx, &access, Permission::Manage).await?;
                workspaces::update(
                    &mut tx,
                    &access.workspace,
                    Changes {
                        name: &name,
                        slug: &new_slug,
                        description: &description,
                        key_prefix: &key_prefix,
                    },
                )
                .await
                .map_err(|err| address_error(err, "new_slug", &mut taken))?;
                tx.commit().await?;
                Ok::<_, AppError>(())
            }
            .await;
            if let Some(address) = address {
                address.settle(&state.db, taken).await?;
            }
            saved?;
            if new_slug != access.workspace.slug {
                request::redirect(&format!("/w/{new_slug}/settings"));
            }
            Ok(())
        })
        .await,
    )
}

/// Deletes the workspace and everything in it. The owner types its name to
/// confirm.
#[server(prefix = "/fn", endpoint = "w/delete")]
pub async fn delete_workspace(slug: String, confirm_name: String) -> Result<(), AppError> {
    use crate::backend::access;
    use crate::backend::db::workspaces;
    use crate::backend::{request, state};
    use crate::model::Permission;

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::Delete).await?;
            if confirm_name.trim() != access.workspace.name {
                return Err(AppError::invalid(
                    "confirm_name",
                    "type the workspace's name exactly to confirm",
                ));
            }
            let state = state();
            let mut tx = state.db.begin().await?;
            access::recheck_in(&state, &mut tx, &access, Permission::Delete).await?;
            workspaces::delete(&mut tx, access.workspace.id).await?;
            tx.commit().await?;
            state
                .events
                .publish(crate::backend::events::Event::Deleted {
                    workspace_id: access.workspace.id,
                });
            request::redirect("/");
            Ok(())
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "w/members")]
pub async fn list_members(slug: String) -> Result<Vec<MemberInfo>, AppError> {
    use crate::backend::{access, members, state};
    use crate::model::Permission;

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::View).await?;
            members::members(&state(), &access).await
        })
        .await,
    )
}

/// The members page's data in one request: members, and for owners the
/// pending invitations and the link just made.
#[server(prefix = "/fn", endpoint = "w/members/page")]
pub async fn load_members_page(slug: String) -> Result<MembersPage, AppError> {
    use crate::backend::{access, members, state};
    use crate::model::Permission;

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::View).await?;
            members::page(&state(), &access).await
        })
        .await,
    )
}

/// Changes a member's role. The last owner cannot be demoted.
#[server(prefix = "/fn", endpoint = "w/members/role")]
pub async fn change_member_role(slug: String, user_id: i64, role: String) -> Result<(), AppError> {
    use crate::backend::access;
    use crate::backend::db::memberships;
    use crate::backend::state;
    use crate::model::{Permission, Role};

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::Manage).await?;
            let role =
                Role::parse(&role).ok_or_else(|| AppError::invalid("role", "choose a role"))?;
            let state = state();
            let workspace_id = access.workspace.id;
            let mut tx = state.db.begin().await?;
            access::recheck_in(&state, &mut tx, &access, Permission::Manage).await?;
            let current = memberships::role_in(&mut tx, workspace_id, user_id)
                .await?
                .ok_or(AppError::NotFound)?;
            if current == Role::Owner
                && role != Role::Owner
                && memberships::count_owners(&mut tx, workspace_id).await? <= 1
            {
                return Err(AppError::Conflict(
                    "a workspace needs an owner; make someone else owner before changing this role"
                        .into(),
                ));
            }
            memberships::set_role(&mut tx, workspace_id, user_id, role).await?;
            tx.commit().await?;
            Ok(())
        })
        .await,
    )
}

/// Removes a member. The last owner cannot be removed.
#[server(prefix = "/fn", endpoint = "w/members/remove")]
pub async fn remove_member(slug: String, user_id: i64) -> Result<(), AppError> {
    use crate::backend::access;
    use crate::model::Permission;

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::Manage).await?;
            remove(&access, Permission::Manage, user_id).await
        })
        .await,
    )
}

/// Leaves a workspace. The last owner cannot leave.
#[server(prefix = "/fn", endpoint = "w/leave")]
pub async fn leave_workspace(slug: String) -> Result<(), AppError> {
    use crate::backend::access;
    use crate::backend::request;
    use crate::model::Permission;

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::View).await?;
            remove(&access, Permission::View, access.actor.user.id).await?;
            request::redirect("/");
            Ok(())
        })
        .await,
    )
}

/// Removes `user_id` from the workspace, the caller's `permission`
/// checked again inside the write.
#[cfg(feature = "ssr")]
async fn remove(
    access: &crate::backend::access::WorkspaceAccess,
    permission: crate::model::Permission,
    user_id: i64,
) -> Result<(), AppError> {
    use crate::backend::access;
    use crate::backend::db::memberships;
    use crate::backend::state;
    use crate::model::Role;

    let state = state();
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(&state, &mut tx, access, permission).await?;
    let role = memberships::role_in(&mut tx, workspace_id, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if role == Role::Owner && memberships::count_owners(&mut tx, workspace_id).await? <= 1 {
        return Err(AppError::Conflict(
            "a workspace needs an owner; make someone else owner first (or delete the workspace)"
                .into(),
        ));
    }
    memberships::delete(&mut tx, workspace_id, user_id).await?;
    tx.commit().await?;
    // Their open pages stop hearing the workspace's changes at once.
    state.events.publish(crate::backend::events::Event::Left {
        workspace_id,
        user_id,
    });
    Ok(())
}

#[server(prefix = "/fn", endpoint = "w/invitations")]
pub async fn list_invitations(slug: String) -> Result<Vec<InvitationInfo>, AppError> {
    use crate::backend::{access, members, state};
    use crate::model::Permission;

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::Manage).await?;
            members::pending_invitations(&state(), &access).await
        })
        .await,
    )
}

/// Makes an invitation link for a role; returns the full URL, shown once.
#[server(prefix = "/fn", endpoint = "w/invitations/create")]
pub async fn create_invitation(
    slug: String,
    role: String,
    email: String,
    days: Option<i64>,
) -> Result<String, AppError> {
    use crate::backend::access;
    use crate::backend::auth::token::SecretToken;
    use crate::backend::db::invitations::{self, NewInvitation};
    use crate::backend::db::now_ms;
    use crate::backend::{request, state};
    use crate::model::{Email, Permission, Role};

    respond(
        scoped(async {
            let state = state();
            let access = access::require_current(&slug, Permission::Manage).await?;
            let role = Role::parse(&role).ok_or_else(|| AppError::invalid("role", "choose a role"))?;
            let email = if email.trim().is_empty() {
                String::new()
            } else {
                Email::parse(&email).map_err(|m| AppError::invalid("email", m))?.as_str().to_owned()
            };
            let days = days.unwrap_or(DEFAULT_INVITATION_DAYS);
            if !(1..=90).contains(&days) {
                return Err(AppError::invalid("days", "choose 1 to 90 days"));
            }
            let token = SecretToken::generate();
            let mut tx = state.db.begin().await?;
            access::recheck_in(&state, &mut tx, &access, Permission::Manage).await?;
            invitations::insert(
                &mut tx,
                NewInvitation {
                    workspace_id: access.workspace.id,
                    token_hash: &token.hash().0,
                    role,
                    email: &email,
                    created_by: access.actor.user.id,
                    expires_at: now_ms() + days * 24 * 60 * 60 * 1000,
                },
            )
            .await?;
            tx.commit().await?;
            let link = format!("{}/invite/{}", state.auth.public_url, token.as_str());
            // Shown again after a form post without JavaScript (see
            // `members::new_invitation_link`).
            let secure = if state.auth.secure_cookies() { "; Secure" } else { "" };
            request::set_cookie(&format!(
                "{}={}; Path=/w/{}/settings/members; Max-Age=300; HttpOnly; SameSite=Strict{secure}",
                crate::backend::members::NEW_INVITATION_COOKIE,
                token.as_str(),
                access.workspace.slug
            ));
            Ok(link)
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "w/invitations/revoke")]
pub async fn revoke_invitation(slug: String, invitation_id: i64) -> Result<(), AppError> {
    use crate::backend::access;
    use crate::backend::db::invitations;
    use crate::backend::state;
    use crate::model::Permission;

    respond(
        scoped(async {
            let access = access::require_current(&slug, Permission::Manage).await?;
            let state = state();
            let mut tx = state.db.begin().await?;
            access::recheck_in(&state, &mut tx, &access, Permission::Manage).await?;
            if !invitations::revoke(&mut tx, access.workspace.id, invitation_id).await? {
                return Err(AppError::NotFound);
            }
            tx.commit().await?;
            Ok(())
        })
        .await,
    )
}
