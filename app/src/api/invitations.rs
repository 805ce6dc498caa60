//! Following an invitation link: see what it is for, accept it when signed
//! in, or create an account through it (even when sign-up is otherwise
//! invitation-only). The token in the link is the credential.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::InvitationPreview;

#[cfg(feature = "ssr")]
use crate::backend::request::{respond, scoped};

#[server(prefix = "/fn", endpoint = "invitation")]
pub async fn load_invitation(token: String) -> Result<InvitationPreview, AppError> {
    respond(
        scoped(async {
            let invitation = pending(&token).await?;
            Ok(InvitationPreview {
                workspace_name: invitation.workspace_name,
                role: invitation.role,
                invited_by: invitation.invited_by,
                email: invitation.email,
            })
        })
        .await,
    )
}

#[cfg(feature = "ssr")]
async fn pending(token: &str) -> Result<crate::backend::db::invitations::InvitationRow, AppError> {
    use crate::backend::auth::token::SecretToken;
    use crate::backend::db::{invitations, now_ms};
    use crate::backend::state;

    let gone = || {
        AppError::invalid(
            "token",
            "this invitation has expired, was used already or was withdrawn; ask for a new one",
        )
    };
    let token = SecretToken::from_client(token.to_owned()).ok_or_else(gone)?;
    invitations::find_pending(&state().db, &token.hash().0, now_ms())
        .await?
        .ok_or_else(gone)
}

/// Joins the workspace with the invitation's role, as the signed-in user.
#[server(prefix = "/fn", endpoint = "invitation/accept")]
pub async fn accept_invitation(token: String) -> Result<(), AppError> {
    use crate::backend::{request, state};

    respond(
        scoped(async {
            let auth = request::require_user().await?;
            let invitation = pending(&token).await?;
            let state = state();
            let mut tx = state.db.begin().await?;
            use_up(&mut tx, &invitation).await?;
            add_member(&mut tx, &invitation, auth.user.id).await?;
            tx.commit().await?;
            request::redirect(&format!("/w/{}", invitation.workspace_slug));
            Ok(())
        })
        .await,
    )
}

/// Creates an account through the invitation and joins the workspace: one
/// transaction, so a link used twice at once makes one account, and a
/// refused account leaves the link unused.
#[server(prefix = "/fn", endpoint = "invitation/sign_up")]
pub async fn sign_up_with_invitation(
    token: String,
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::backend::accounts::{self, Registration};
    use crate::backend::auth::session;
    use crate::backend::{request, state};
    use crate::model::{Email, parse_display_name};

    respond(
        scoped(async {
            let state = state();
            let client = request::client();
            let invitation = pending(&token).await?;
            let email = Email::parse(&email).map_err(|m| AppError::invalid("email", m))?;
            let display_name = parse_display_name(&display_name)
                .map_err(|m| AppError::invalid("display_name", m))?;
            let hash =
                accounts::hash_new_password(&state, &email, &display_name, &password).await?;
            let mut tx = state.db.begin().await?;
            use_up(&mut tx, &invitation).await?;
            let user_id = accounts::create_in(
                &state,
                &mut tx,
                &email,
                &display_name,
                &hash,
                Registration::Invitation,
            )
            .await?;
            add_member(&mut tx, &invitation, user_id).await?;
            tx.commit().await?;
            accounts::log_sign_up(&state, user_id, &email, Registration::Invitation, &client).await;
            let cookie = session::start(&state, user_id, &client).await?;
            request::set_cookie(&cookie);
            request::redirect(&format!("/w/{}", invitation.workspace_slug));
            Ok(())
        })
        .await,
    )
}

/// Uses up the invitation inside the caller's transaction; refused when
/// another request used it first.
#[cfg(feature = "ssr")]
async fn use_up(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    invitation: &crate::backend::db::invitations::InvitationRow,
) -> Result<(), AppError> {
    use crate::backend::db::{invitations, now_ms};

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
#[cfg(feature = "ssr")]
async fn add_member(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    invitation: &crate::backend::db::invitations::InvitationRow,
    user_id: i64,
) -> Result<(), AppError> {
    use crate::backend::db::{invitations, memberships};

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
