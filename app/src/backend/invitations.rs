//! Invitation links: an owner makes one for a role (and, if they like, one
//! email); whoever follows it joins the workspace, signed in or by making
//! an account through it (even when sign-up is otherwise invitation-only).
//! The token in the link is the credential.

use sqlx::{Any, Transaction};

use crate::backend::AppState;
use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::accounts::{self, Registration};
use crate::backend::auth::client::ClientInfo;
use crate::backend::auth::session;
use crate::backend::auth::token::SecretToken;
use crate::backend::db::invitations::{self, InvitationRow, NewInvitation};
use crate::backend::db::{memberships, now_ms};
use crate::error::AppError;
use crate::model::{Email, InvitationPreview, Permission, Role, parse_display_name};

/// Days an invitation works unless the owner says otherwise.
pub const DEFAULT_DAYS: i64 = 7;

/// The link of an invitation `token`.
pub fn link(state: &AppState, token: &SecretToken) -> String {
    format!("{}/invite/{}", state.auth.public_url, token.as_str())
}

/// Makes an invitation for `role`, for anyone with the link or only for
/// `email`, working for `days` (1 to 90). Returns its token, shown once.
pub async fn create(
    state: &AppState,
    access: &WorkspaceAccess,
    role: Role,
    email: Option<&Email>,
    days: i64,
) -> Result<SecretToken, AppError> {
    if !(1..=90).contains(&days) {
        return Err(AppError::invalid("days", "choose 1 to 90 days"));
    }
    let token = SecretToken::generate();
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Manage).await?;
    invitations::insert(
        &mut tx,
        NewInvitation {
            workspace_id: access.workspace.id,
            token_hash: &token.hash().0,
            role,
            email: email.map_or("", Email::as_str),
            created_by: access.actor.user.id,
            expires_at: now_ms() + days * 24 * 60 * 60 * 1000,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Withdraws a pending invitation of the workspace.
pub async fn revoke(
    state: &AppState,
    access: &WorkspaceAccess,
    invitation_id: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Manage).await?;
    if !invitations::revoke(&mut tx, access.workspace.id, invitation_id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// What the link of `token` invites to, while it works.
pub async fn preview(state: &AppState, token: &str) -> Result<InvitationPreview, AppError> {
    let invitation = pending(state, token).await?;
    Ok(InvitationPreview {
        workspace_name: invitation.workspace_name,
        role: invitation.role,
        invited_by: invitation.invited_by,
        email: invitation.email,
    })
}

/// Joins the workspace of `token` with its role, as `user_id`. Returns
/// the workspace's slug.
pub async fn accept(state: &AppState, user_id: i64, token: &str) -> Result<String, AppError> {
    let invitation = pending(state, token).await?;
    let mut tx = state.db.begin().await?;
    use_up(&mut tx, &invitation).await?;
    add_member(&mut tx, &invitation, user_id).await?;
    tx.commit().await?;
    Ok(invitation.workspace_slug)
}

/// A new account made through an invitation, signed in and a member.
pub struct JoinedAsNewAccount {
    /// The new session's cookie.
    pub cookie: String,
    pub workspace_slug: String,
}

/// Creates an account through the invitation and joins the workspace: one
/// transaction, so a link used twice at once makes one account, and a
/// refused account leaves the link unused. A dead link is said before
/// anything wrong in the form.
pub async fn sign_up(
    state: &AppState,
    token: &str,
    email: &str,
    display_name: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<JoinedAsNewAccount, AppError> {
    let invitation = pending(state, token).await?;
    let email = &Email::parse(email).map_err(|m| AppError::invalid("email", m))?;
    let display_name =
        &parse_display_name(display_name).map_err(|m| AppError::invalid("display_name", m))?;
    let hash = accounts::hash_new_password(state, email, display_name, password).await?;
    let mut tx = state.db.begin().await?;
    use_up(&mut tx, &invitation).await?;
    let user_id = accounts::create_in(
        state,
        &mut tx,
        email,
        display_name,
        &hash,
        Registration::Invitation,
    )
    .await?;
    add_member(&mut tx, &invitation, user_id).await?;
    tx.commit().await?;
    accounts::log_sign_up(state, user_id, email, Registration::Invitation, client).await;
    Ok(JoinedAsNewAccount {
        cookie: session::start(state, user_id, client).await?,
        workspace_slug: invitation.workspace_slug,
    })
}

async fn pending(state: &AppState, token: &str) -> Result<InvitationRow, AppError> {
    let gone = || {
        AppError::invalid(
            "token",
            "this invitation has expired, was used already or was withdrawn; ask for a new one",
        )
    };
    let token = SecretToken::from_client(token.to_owned()).ok_or_else(gone)?;
    invitations::find_pending(&state.db, &token.hash().0, now_ms())
        .await?
        .ok_or_else(gone)
}

/// Uses up the invitation inside the caller's transaction; refused when
/// another request used it first.
async fn use_up(
    tx: &mut Transaction<'static, Any>,
    invitation: &InvitationRow,
) -> Result<(), AppError> {
    if invitations::accept(tx, invitation.id, now_ms()).await? {
        Ok(())
    } else {
        Err(AppError::invalid(
            "token",
            "this invitation was used already",
        ))
    }
}

/// Gives the user the invitation's role in its workspace (a member keeps
/// a higher role they already have) and records who used the link.
async fn add_member(
    tx: &mut Transaction<'static, Any>,
    invitation: &InvitationRow,
    user_id: i64,
) -> Result<(), AppError> {
    invitations::set_accepted_by(tx, invitation.id, user_id).await?;
    match memberships::role_in(tx, invitation.workspace_id, user_id).await? {
        Some(current) if current >= invitation.role => {}
        Some(_) => {
            memberships::set_role(tx, invitation.workspace_id, user_id, invitation.role).await?
        }
        None => memberships::insert(tx, invitation.workspace_id, user_id, invitation.role).await?,
    }
    Ok(())
}
