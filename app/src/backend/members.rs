//! A workspace's members and pending invitations, as the members page and
//! its server functions show them, and the changes of role and membership,
//! which always leave the workspace an owner. The caller has passed
//! `access::require`.

use sqlx::{Any, Transaction};

use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::auth::session::read_cookie;
use crate::backend::auth::token::SecretToken;
use crate::backend::db::{invitations, memberships, now_ms};
use crate::backend::events::Event;
use crate::backend::{AppState, format_time, request};
use crate::error::AppError;
use crate::model::{InvitationInfo, MemberInfo, MembersPage, Permission, Role};

/// The cookie that carries an invitation just made to the members page,
/// for a form post without JavaScript.
pub const NEW_INVITATION_COOKIE: &str = "waymark_new_invitation";

pub async fn members(
    state: &AppState,
    access: &WorkspaceAccess,
) -> Result<Vec<MemberInfo>, AppError> {
    let me = access.actor.user.id;
    let rows = memberships::list_members(&state.db, access.workspace.id).await?;
    Ok(rows
        .into_iter()
        .map(|m| MemberInfo {
            user_id: m.user_id,
            display_name: m.display_name,
            email: m.email,
            role: m.role,
            is_me: m.user_id == me,
            since: format_time(m.created_at),
            since_ms: m.created_at,
        })
        .collect())
}

/// Invitations not yet used or expired; for owners only.
pub async fn pending_invitations(
    state: &AppState,
    access: &WorkspaceAccess,
) -> Result<Vec<InvitationInfo>, AppError> {
    access.permit(Permission::Manage)?;
    let rows = invitations::list_pending(&state.db, access.workspace.id, now_ms()).await?;
    Ok(rows
        .into_iter()
        .map(|i| InvitationInfo {
            id: i.id,
            role: i.role,
            email: i.email,
            created_by: i.invited_by,
            expires_at: format_time(i.expires_at),
        })
        .collect())
}

/// The link of the invitation this owner made in the last five minutes (its
/// token is in a cookie kept to this workspace's members page), while the
/// invitation is still pending; for owners only.
pub async fn new_invitation_link(
    state: &AppState,
    access: &WorkspaceAccess,
) -> Result<Option<String>, AppError> {
    access.permit(Permission::Manage)?;
    let Some(token) =
        read_cookie(&request::parts(), NEW_INVITATION_COOKIE).and_then(SecretToken::from_client)
    else {
        return Ok(None);
    };
    let pending = invitations::find_pending(&state.db, &token.hash().0, now_ms()).await?;
    Ok(pending
        .filter(|i| i.workspace_id == access.workspace.id)
        .map(|_| crate::backend::invitations::link(state, &token)))
}

/// Everything the members page shows: the members to every member, the
/// pending invitations and a link just made to owners.
pub async fn page(state: &AppState, access: &WorkspaceAccess) -> Result<MembersPage, AppError> {
    let members = members(state, access).await?;
    let (invitations, new_invitation_link) = if access.role.allows(Permission::Manage) {
        (
            pending_invitations(state, access).await?,
            new_invitation_link(state, access).await?,
        )
    } else {
        (Vec::new(), None)
    };
    Ok(MembersPage {
        members,
        invitations,
        new_invitation_link,
    })
}

/// Gives a member another role.
pub async fn change_role(
    state: &AppState,
    access: &WorkspaceAccess,
    user_id: i64,
    role: Role,
) -> Result<(), AppError> {
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Manage).await?;
    ensure_an_owner_remains(&mut tx, workspace_id, user_id, Some(role)).await?;
    memberships::set_role(&mut tx, workspace_id, user_id, role).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes `user_id` from the workspace (the caller themself when they
/// leave), the caller's `permission` checked again inside the write.
pub async fn remove(
    state: &AppState,
    access: &WorkspaceAccess,
    permission: Permission,
    user_id: i64,
) -> Result<(), AppError> {
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, permission).await?;
    ensure_an_owner_remains(&mut tx, workspace_id, user_id, None).await?;
    memberships::delete(&mut tx, workspace_id, user_id).await?;
    tx.commit().await?;
    // Their open pages stop hearing the workspace's changes at once.
    state.events.publish(Event::Left {
        workspace_id,
        user_id,
    });
    Ok(())
}

/// A workspace always has an owner: refuses to make the member `user_id`
/// `becomes` (another role, or `None`: no member at all) when they are its
/// last owner; `NotFound` when they are not a member. Call inside the
/// change's transaction, so that two owners demoting each other at once
/// cannot both pass.
async fn ensure_an_owner_remains(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    user_id: i64,
    becomes: Option<Role>,
) -> Result<(), AppError> {
    let current = memberships::role_in(tx, workspace_id, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let stays_owner = becomes == Some(Role::Owner);
    if current == Role::Owner
        && !stays_owner
        && memberships::count_owners(tx, workspace_id).await? <= 1
    {
        return Err(AppError::Conflict(
            "a workspace needs an owner; make someone else owner first (or delete the workspace)"
                .into(),
        ));
    }
    Ok(())
}
