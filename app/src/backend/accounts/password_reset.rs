//! Setting a new password through a one-time link an admin made.

use crate::backend::AppState;
use crate::backend::accounts::{SignInStep, log, two_factor};
use crate::backend::auth::client::ClientInfo;
use crate::backend::auth::password::check_strength;
use crate::backend::auth::session;
use crate::backend::auth::token::SecretToken;
use crate::backend::db::security_events::EventKind;
use crate::backend::db::{api_tokens, now_ms, password_resets, sessions, users};
use crate::error::AppError;

/// Whether a reset link still works (for the page to say so up front).
pub async fn link_works(state: &AppState, token: String) -> Result<bool, AppError> {
    let Some(token) = SecretToken::from_client(token) else {
        return Ok(false);
    };
    Ok(
        password_resets::find_live(&state.db, &token.hash().0, now_ms())
            .await?
            .is_some(),
    )
}

/// Uses the link: sets the password, ends every session of the account,
/// revokes its API tokens (whoever took the account over may hold them)
/// and signs in — after the second factor when it is on, which a reset
/// does not replace.
pub async fn reset(
    state: &AppState,
    token: String,
    new_password: &str,
    client: &ClientInfo,
) -> Result<SignInStep, AppError> {
    let dead = || {
        AppError::invalid(
            "new_password",
            "this link has expired or was used already; ask an admin for a new one",
        )
    };
    let token = SecretToken::from_client(token).ok_or_else(dead)?;
    let hash = token.hash().0;
    let user_id = password_resets::find_live(&state.db, &hash, now_ms())
        .await?
        .ok_or_else(dead)?;
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or_else(dead)?;
    if user.disabled {
        return Err(AppError::AccountDisabled);
    }
    check_strength(new_password, &[&user.email, &user.display_name])
        .map_err(|m| AppError::invalid("new_password", m))?;
    let password_hash = state.hasher.hash(new_password).await?;
    let mut tx = state.db.begin().await?;
    if password_resets::consume(&mut tx, &hash, now_ms())
        .await?
        .is_none()
    {
        return Err(dead());
    }
    users::set_password_hash(&mut tx, user.id, password_hash.as_str()).await?;
    sessions::delete_all_for_user(&mut tx, user.id, None).await?;
    let revoked = api_tokens::delete_all_for_user(&mut tx, user.id).await?;
    tx.commit().await?;
    log(
        state,
        EventKind::PasswordReset,
        Some(user.id),
        None,
        &user.email,
        client,
        &format!("with a reset link, {revoked} API tokens revoked"),
    )
    .await;
    if user.totp_secret.is_some() {
        return Ok(SignInStep::CodeRequired {
            challenge_cookie: two_factor::challenge(state, user.id).await?,
        });
    }
    Ok(SignInStep::Done {
        cookie: session::start(state, user.id, client).await?,
    })
}
