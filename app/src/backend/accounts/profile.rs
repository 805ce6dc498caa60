//! The signed-in user's own name, email and password. Each acts on the
//! caller's account only.

use crate::backend::AppState;
use crate::backend::accounts::{confirm_password, log};
use crate::backend::auth::client::ClientInfo;
use crate::backend::auth::password::check_strength;
use crate::backend::auth::session::{self, Authenticated};
use crate::backend::db::security_events::EventKind;
use crate::backend::db::users::{self, CreateUserError};
use crate::backend::db::{api_tokens, sessions};
use crate::error::AppError;
use crate::model::Email;

pub async fn set_display_name(
    state: &AppState,
    auth: &Authenticated,
    display_name: &str,
) -> Result<(), AppError> {
    users::set_display_name(&state.db, auth.user.id, display_name).await?;
    Ok(())
}

/// Moves the account to `email`, after its current password.
pub async fn change_email(
    state: &AppState,
    auth: &Authenticated,
    email: &Email,
    current_password: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    confirm_password(state, auth, current_password, client).await?;
    let mut tx = state.db.begin().await?;
    users::set_email(&mut tx, auth.user.id, email.as_str())
        .await
        .map_err(|err| match err {
            CreateUserError::EmailTaken => {
                AppError::invalid("email", "another account already uses this email")
            }
            CreateUserError::Db(err) => err.into(),
        })?;
    tx.commit().await?;
    let detail = format!("from {} to {}", auth.user.email, email.as_str());
    log(
        state,
        EventKind::EmailChanged,
        Some(auth.user.id),
        None,
        email.as_str(),
        client,
        &detail,
    )
    .await;
    Ok(())
}

/// A new password, and what else it ends.
pub struct NewPassword<'a> {
    pub current: &'a str,
    pub new: &'a str,
    /// Revoke every API token of the account too: after a takeover, the
    /// one who held the account may hold its tokens.
    pub revoke_api_tokens: bool,
}

/// Changes the password: every other session ends, and this one gets a new
/// token, whose cookie it returns.
pub async fn change_password(
    state: &AppState,
    auth: &Authenticated,
    password: NewPassword<'_>,
    client: &ClientInfo,
) -> Result<String, AppError> {
    confirm_password(state, auth, password.current, client).await?;
    check_strength(password.new, &[&auth.user.email, &auth.user.display_name])
        .map_err(|m| AppError::invalid("new_password", m))?;
    let hash = state.hasher.hash(password.new).await?;
    let mut tx = state.db.begin().await?;
    users::set_password_hash(&mut tx, auth.user.id, hash.as_str()).await?;
    let ended = sessions::delete_all_for_user(&mut tx, auth.user.id, Some(auth.session_id)).await?;
    let revoked = match password.revoke_api_tokens {
        true => api_tokens::delete_all_for_user(&mut tx, auth.user.id).await?,
        false => 0,
    };
    tx.commit().await?;
    let cookie = session::rotate(state, auth, client).await?;
    log(
        state,
        EventKind::PasswordChanged,
        Some(auth.user.id),
        None,
        &auth.user.email,
        client,
        &format!("{ended} other sessions ended, {revoked} API tokens revoked"),
    )
    .await;
    Ok(cookie)
}
