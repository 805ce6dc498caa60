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
    use crate::backend::request;

    respond(
        scoped(async {
            let auth = request::require_user().await?;
            let slug = join(&token, auth.user.id, &auth.user.email).await?;
            request::redirect(&format!("/w/{slug}"));
            Ok(())
        })
        .await,
    )
}

/// Creates an account through the invitation and joins the workspace.
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
            if !invitation.email.is_empty() && invitation.email != email.as_str() {
                return Err(AppError::invalid(
                    "email",
                    "this invitation is for another email address",
                ));
            }
            let display_name = parse_display_name(&display_name)
                .map_err(|m| AppError::invalid("display_name", m))?;
            let user_id = accounts::register(
                &state,
                &email,
                &display_name,
                &password,
                Registration::Invitation,
                &client,
            )
            .await?;
            let slug = join(&token, user_id, email.as_str()).await?;
            let cookie = session::start(&state, user_id, &client).await?;
            request::set_cookie(&cookie);
            request::redirect(&format!("/w/{slug}"));
            Ok(())
        })
        .await,
    )
}

/// Uses the invitation for the user; returns the workspace's slug. A member
/// already in the workspace keeps the higher of the two roles.
#[cfg(feature = "ssr")]
async fn join(token: &str, user_id: i64, email: &str) -> Result<String, AppError> {
    use crate::backend::db::{memberships, now_ms};
    use crate::backend::state;

    let invitation = pending(token).await?;
    if !invitation.email.is_empty() && invitation.email != email {
        return Err(AppError::invalid(
            "token",
            "this invitation is for another email address; sign in with that account",
        ));
    }
    let state = state();
    let mut tx = state.db.begin().await?;
    if !crate::backend::db::invitations::accept(&mut tx, invitation.id, user_id, now_ms()).await? {
        return Err(AppError::invalid(
            "token",
            "this invitation was used already",
        ));
    }
    match memberships::role_in(&mut tx, invitation.workspace_id, user_id).await? {
        Some(current) if current >= invitation.role => {}
        Some(_) => {
            memberships::set_role(&mut tx, invitation.workspace_id, user_id, invitation.role)
                .await?
        }
        None => {
            memberships::insert(&mut tx, invitation.workspace_id, user_id, invitation.role).await?
        }
    }
    tx.commit().await?;
    Ok(invitation.workspace_slug)
}
