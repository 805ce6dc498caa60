//! Instance administration: users, the sign-up policy and the security log.
//! The caller has checked that the user is an instance admin.

use crate::backend::accounts::{SIGN_UP_MODE, log};
use crate::backend::auth::client::ClientInfo;
use crate::backend::auth::session::Authenticated;
use crate::backend::auth::token::SecretToken;
use crate::backend::db::security_events::{self, EventKind};
use crate::backend::db::{now_ms, password_resets, sessions, settings, users};
use crate::backend::{AppState, format_time};
use crate::error::AppError;
use crate::model::{SecurityEvent, SignUpMode, UserSummary};

/// How long a password-reset link works.
pub const RESET_LINK_HOURS: i64 = 24;

pub async fn users(state: &AppState) -> Result<Vec<UserSummary>, AppError> {
    let rows = users::list_with_session_counts(&state.db, now_ms()).await?;
    Ok(rows
        .into_iter()
        .map(|(user, active_sessions)| UserSummary {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            is_admin: user.is_admin,
            disabled: user.disabled,
            two_factor: user.totp_secret.is_some(),
            created_at: format_time(user.created_at),
            active_sessions,
        })
        .collect())
}

/// Disables (or re-enables) an account. Disabling ends its sessions at once.
pub async fn set_disabled(
    state: &AppState,
    admin: &Authenticated,
    user_id: i64,
    disabled: bool,
    client: &ClientInfo,
) -> Result<(), AppError> {
    if user_id == admin.user.id {
        return Err(AppError::Conflict(
            "you cannot disable your own account".into(),
        ));
    }
    let target = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    users::set_disabled(&mut tx, user_id, disabled).await?;
    let ended = if disabled {
        sessions::delete_all_for_user(&mut tx, user_id, None).await?
    } else {
        0
    };
    tx.commit().await?;
    let (kind, detail) = if disabled {
        (EventKind::UserDisabled, format!("{ended} sessions ended"))
    } else {
        (EventKind::UserEnabled, String::new())
    };
    log(
        state,
        kind,
        Some(user_id),
        Some(admin.user.id),
        &target.email,
        client,
        &detail,
    )
    .await;
    Ok(())
}

/// A one-time link that lets the user set a new password, which the admin
/// passes on (no email server needed).
pub struct ResetLink {
    pub url: String,
    pub token: SecretToken,
}

pub fn reset_link_url(state: &AppState, token: &SecretToken) -> String {
    format!(
        "{}/reset-password/{}",
        state.auth.public_url,
        token.as_str()
    )
}

pub async fn create_reset_link(
    state: &AppState,
    admin: &Authenticated,
    user_id: i64,
    client: &ClientInfo,
) -> Result<ResetLink, AppError> {
    let target = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = SecretToken::generate();
    let now = now_ms();
    let expires_at = now + RESET_LINK_HOURS * 60 * 60 * 1000;
    password_resets::insert(
        &state.db,
        &token.hash().0,
        user_id,
        admin.user.id,
        now,
        expires_at,
    )
    .await?;
    log(
        state,
        EventKind::PasswordResetLinkCreated,
        Some(user_id),
        Some(admin.user.id),
        &target.email,
        client,
        &format!("valid for {RESET_LINK_HOURS} hours"),
    )
    .await;
    Ok(ResetLink {
        url: reset_link_url(state, &token),
        token,
    })
}

/// The link of the reset `token` (from the admin's cookie), while it still
/// works.
pub async fn live_reset_link(
    state: &AppState,
    token: Option<String>,
) -> Result<Option<String>, AppError> {
    let Some(token) = token.and_then(SecretToken::from_client) else {
        return Ok(None);
    };
    let live = password_resets::find_live(&state.db, &token.hash().0, now_ms()).await?;
    Ok(live.map(|_| reset_link_url(state, &token)))
}

pub async fn set_sign_up_mode(
    state: &AppState,
    admin: &Authenticated,
    mode: SignUpMode,
    client: &ClientInfo,
) -> Result<(), AppError> {
    settings::set(&state.db, SIGN_UP_MODE, mode.as_str()).await?;
    log(
        state,
        EventKind::SignUpModeChanged,
        None,
        Some(admin.user.id),
        &admin.user.email,
        client,
        mode.as_str(),
    )
    .await;
    Ok(())
}

/// The newest security events, `limit` at a time; `before` pages back.
pub async fn security_log(
    state: &AppState,
    limit: i64,
    before: Option<i64>,
) -> Result<Vec<SecurityEvent>, AppError> {
    let rows = security_events::list_recent(&state.db, limit, before).await?;
    Ok(rows
        .into_iter()
        .map(|row| SecurityEvent {
            id: row.id,
            at: format_time(row.at),
            kind: row.kind,
            user: row.user_email,
            actor: row.actor_email,
            email: row.email,
            ip: row.ip,
            detail: match (row.repeats, row.detail.is_empty()) {
                (1, _) => row.detail,
                (n, true) => format!("{n} times"),
                (n, false) => format!("{} ({n} times)", row.detail),
            },
        })
        .collect())
}
