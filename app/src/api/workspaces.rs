//! Workspaces, their members and invitations. Every function that touches
//! one workspace takes its slug and passes `access::require` first; the
//! rules, and the check of the caller's role again inside each write, are
//! in `backend::workspaces`, `backend::members` and `backend::invitations`.
//! The access-matrix test covers them all.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{InvitationInfo, MemberInfo, MembersPage, WorkspaceSummary, WorkspaceView};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "workspaces")]
pub async fn list_my_workspaces() -> Result<Vec<WorkspaceSummary>, AppError> {
    use crate::backend::request;

    answer(async {
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
    .await
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
    use crate::backend::workspaces;
    use crate::backend::{request, state};
    use crate::model::{key_prefix_from_name, slug_from_name};
    use crate::scoring::framework::{PRESETS, preset};

    answer(async {
        let state = state();
        let auth = request::require_user().await?;
        let name = parse_name(&name)?;
        let slug = match slug.trim().is_empty() {
            true => slug_from_name(&name),
            false => slug,
        };
        let key_prefix = match key_prefix.trim().is_empty() {
            true => key_prefix_from_name(&name),
            false => key_prefix,
        };
        let fields = parse_fields(name, &slug, "slug", &description, &key_prefix)?;
        let preset = match framework.as_deref().map(str::trim) {
            None | Some("") => &PRESETS[0],
            Some(id) => preset(id).ok_or_else(|| {
                AppError::invalid("framework", "choose one of the scoring frameworks offered")
            })?,
        };
        let limits = (!auth.user.is_admin).then_some(state.auth.workspaces);
        workspaces::create(&state, &auth, &fields, preset, limits).await?;
        request::redirect(&format!("/w/{}", fields.slug));
        Ok(())
    })
    .await
}

/// Items in the demo workspace a user makes from the start page.
pub const DEMO_ITEMS: usize = 40;

/// Makes a workspace with a sample backlog for the caller, who owns it,
/// and opens its items.
#[server(prefix = "/fn", endpoint = "workspaces/demo")]
pub async fn create_demo_workspace() -> Result<String, AppError> {
    use crate::backend::{demo, request, state};

    answer(async {
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
    .await
}

/// A workspace's settings as its forms send them, parsed; `slug_field`
/// names the form's field for the address.
#[cfg(feature = "ssr")]
fn parse_fields(
    name: String,
    slug: &str,
    slug_field: &str,
    description: &str,
    key_prefix: &str,
) -> Result<crate::backend::workspaces::WorkspaceFields, AppError> {
    use crate::model::{parse_key_prefix, parse_slug};

    let slug = parse_slug(slug).map_err(|m| AppError::invalid(slug_field, m))?;
    let key_prefix =
        parse_key_prefix(key_prefix).map_err(|m| AppError::invalid("key_prefix", m))?;
    let description = parse_description(description)?;
    Ok(crate::backend::workspaces::WorkspaceFields {
        name,
        slug,
        description,
        key_prefix,
    })
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
    use crate::backend::{access, state, workspaces};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        workspaces::opened(&state(), &access).await?;
        let w = access.workspace;
        Ok(WorkspaceView {
            slug: w.slug,
            name: w.name,
            description: w.description,
            key_prefix: w.key_prefix,
            role: access.role,
        })
    })
    .await
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
    use crate::backend::{access, request, state, workspaces};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Manage).await?;
        let name = parse_name(&name)?;
        let fields = parse_fields(name, &new_slug, "new_slug", &description, &key_prefix)?;
        workspaces::update(&state(), &access, &fields).await?;
        if fields.slug != access.workspace.slug {
            request::redirect(&format!("/w/{}/settings", fields.slug));
        }
        Ok(())
    })
    .await
}

/// Deletes the workspace and everything in it. The owner types its name to
/// confirm.
#[server(prefix = "/fn", endpoint = "w/delete")]
pub async fn delete_workspace(slug: String, confirm_name: String) -> Result<(), AppError> {
    use crate::backend::{access, request, state, workspaces};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Delete).await?;
        workspaces::delete(&state(), &access, &confirm_name).await?;
        request::redirect("/");
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "w/members")]
pub async fn list_members(slug: String) -> Result<Vec<MemberInfo>, AppError> {
    use crate::backend::{access, members, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        members::members(&state(), &access).await
    })
    .await
}

/// The members page's data in one request: members, and for owners the
/// pending invitations and the link just made.
#[server(prefix = "/fn", endpoint = "w/members/page")]
pub async fn load_members_page(slug: String) -> Result<MembersPage, AppError> {
    use crate::backend::{access, members, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        members::page(&state(), &access).await
    })
    .await
}

/// Changes a member's role. The last owner cannot be demoted.
#[server(prefix = "/fn", endpoint = "w/members/role")]
pub async fn change_member_role(slug: String, user_id: i64, role: String) -> Result<(), AppError> {
    use crate::backend::{access, members, state};
    use crate::model::{Permission, Role};

    answer(async {
        let access = access::require_current(&slug, Permission::Manage).await?;
        let role = Role::parse(&role).ok_or_else(|| AppError::invalid("role", "choose a role"))?;
        members::change_role(&state(), &access, user_id, role).await
    })
    .await
}

/// Removes a member. The last owner cannot be removed.
#[server(prefix = "/fn", endpoint = "w/members/remove")]
pub async fn remove_member(slug: String, user_id: i64) -> Result<(), AppError> {
    use crate::backend::{access, members, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Manage).await?;
        members::remove(&state(), &access, Permission::Manage, user_id).await
    })
    .await
}

/// Leaves a workspace. The last owner cannot leave.
#[server(prefix = "/fn", endpoint = "w/leave")]
pub async fn leave_workspace(slug: String) -> Result<(), AppError> {
    use crate::backend::{access, members, request, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        members::remove(&state(), &access, Permission::View, access.actor.user.id).await?;
        request::redirect("/");
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "w/invitations")]
pub async fn list_invitations(slug: String) -> Result<Vec<InvitationInfo>, AppError> {
    use crate::backend::{access, members, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Manage).await?;
        members::pending_invitations(&state(), &access).await
    })
    .await
}

/// Makes an invitation link for a role; returns the full URL, shown once.
#[server(prefix = "/fn", endpoint = "w/invitations/create")]
pub async fn create_invitation(
    slug: String,
    role: String,
    email: String,
    days: Option<i64>,
) -> Result<String, AppError> {
    use crate::backend::{access, invitations, members, request, state};
    use crate::model::{Email, Permission, Role};

    answer(async {
        let state = state();
        let access = access::require_current(&slug, Permission::Manage).await?;
        let role = Role::parse(&role).ok_or_else(|| AppError::invalid("role", "choose a role"))?;
        let email = match email.trim().is_empty() {
            true => None,
            false => Some(Email::parse(&email).map_err(|m| AppError::invalid("email", m))?),
        };
        let days = days.unwrap_or(invitations::DEFAULT_DAYS);
        let token = invitations::create(&state, &access, role, email.as_ref(), days).await?;
        // Shown again after a form post without JavaScript (see
        // `members::new_invitation_link`).
        let path = format!("/w/{}/settings/members", access.workspace.slug);
        request::set_cookie(&state.auth.hand_off_cookie(
            members::NEW_INVITATION_COOKIE,
            token.as_str(),
            &path,
        ));
        Ok(invitations::link(&state, &token))
    })
    .await
}

#[server(prefix = "/fn", endpoint = "w/invitations/revoke")]
pub async fn revoke_invitation(slug: String, invitation_id: i64) -> Result<(), AppError> {
    use crate::backend::{access, invitations, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Manage).await?;
        invitations::revoke(&state(), &access, invitation_id).await
    })
    .await
}
