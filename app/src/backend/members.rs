//! A workspace's members and pending invitations, as the members page and
//! its server functions show them. The caller has passed `access::require`.

use crate::backend::access::WorkspaceAccess;
use crate::backend::auth::session::read_cookie;
use crate::backend::auth::token::SecretToken;
use crate::backend::db::{invitations, memberships, now_ms};
use crate::backend::{AppState, format_time, request};
use crate::error::AppError;
use crate::model::{InvitationInfo, MemberInfo, MembersPage, Permission};

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
        .map(|_| format!("{}/invite/{}", state.auth.public_url, token.as_str())))
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
