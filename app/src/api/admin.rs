//! Instance administration: users, the sign-up policy and the security log.
//! Every function requires an instance admin.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{SecurityEvent, SignUpMode, UserSummary};

#[cfg(feature = "ssr")]
use crate::backend::request::{respond, scoped};

/// How long a password-reset link works.
pub const RESET_LINK_HOURS: i64 = 24;

#[server(prefix = "/fn", endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::backend::db::{now_ms, users};
    use crate::backend::{format_time, request, state};

    respond(
        scoped(async {
            request::require_admin().await?;
            let rows = users::list_with_session_counts(&state().db, now_ms()).await?;
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
        })
        .await,
    )
}

/// Disables (or re-enables) an account. Disabling ends its sessions at once.
#[server(prefix = "/fn", endpoint = "admin/users/disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::{sessions, users};
    use crate::backend::{accounts, request, state};

    respond(
        scoped(async {
            let state = state();
            let admin = request::require_admin().await?;
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
            accounts::log(
                &state,
                kind,
                Some(user_id),
                Some(admin.user.id),
                &target.email,
                &request::client(),
                &detail,
            )
            .await;
            Ok(())
        })
        .await,
    )
}

/// Makes a one-time link that lets the user set a new password; the admin
/// passes it on (no email server needed). Returns the full URL.
#[server(prefix = "/fn", endpoint = "admin/users/reset_link")]
pub async fn create_password_reset_link(user_id: i64) -> Result<String, AppError> {
    use crate::backend::auth::token::SecretToken;
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::{now_ms, password_resets, users};
    use crate::backend::{accounts, request, state};

    respond(
        scoped(async {
            let state = state();
            let admin = request::require_admin().await?;
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
            accounts::log(
                &state,
                EventKind::PasswordResetLinkCreated,
                Some(user_id),
                Some(admin.user.id),
                &target.email,
                &request::client(),
                &format!("valid for {RESET_LINK_HOURS} hours"),
            )
            .await;
            let link = format!("{}/reset-password/{}", state.auth.public_url, token.as_str());
            // Without JavaScript the page reloads after this post and the
            // returned link would be lost: hand it to the next page load in a
            // short-lived cookie only the admin pages receive.
            let secure = if state.auth.secure_cookies() { "; Secure" } else { "" };
            request::set_cookie(&format!(
                "{NEW_RESET_LINK_COOKIE}={}; Path=/admin/users; Max-Age=300; HttpOnly; SameSite=Strict{secure}",
                token.as_str()
            ));
            Ok(link)
        })
        .await,
    )
}

#[cfg(feature = "ssr")]
const NEW_RESET_LINK_COOKIE: &str = "waymark_new_reset_link";

/// The reset link this admin made in the last five minutes, for the page
/// that shows it after a form post without JavaScript.
#[server(prefix = "/fn", endpoint = "admin/users/new_reset_link")]
pub async fn load_new_reset_link() -> Result<Option<String>, AppError> {
    use crate::backend::auth::session::read_cookie;
    use crate::backend::auth::token::SecretToken;
    use crate::backend::db::{now_ms, password_resets};
    use crate::backend::{request, state};

    respond(
        scoped(async {
            request::require_admin().await?;
            let state = state();
            let Some(token) = read_cookie(&request::parts(), NEW_RESET_LINK_COOKIE)
                .and_then(SecretToken::from_client)
            else {
                return Ok(None);
            };
            // Only while the link still works.
            let live = password_resets::find_live(&state.db, &token.hash().0, now_ms()).await?;
            Ok(live.map(|_| {
                format!(
                    "{}/reset-password/{}",
                    state.auth.public_url,
                    token.as_str()
                )
            }))
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "admin/sign_up_mode")]
pub async fn load_sign_up_mode() -> Result<SignUpMode, AppError> {
    use crate::backend::{accounts, request, state};
    respond(
        scoped(async {
            request::require_admin().await?;
            accounts::sign_up_mode(&state()).await
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "admin/sign_up_mode/set")]
pub async fn set_sign_up_mode(mode: String) -> Result<(), AppError> {
    use crate::backend::accounts::{self, SIGN_UP_MODE};
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::settings;
    use crate::backend::{request, state};

    respond(
        scoped(async {
            let state = state();
            let admin = request::require_admin().await?;
            let mode = SignUpMode::parse(&mode)
                .ok_or_else(|| AppError::invalid("mode", "choose open or invite-only"))?;
            settings::set(&state.db, SIGN_UP_MODE, mode.as_str()).await?;
            accounts::log(
                &state,
                EventKind::SignUpModeChanged,
                None,
                Some(admin.user.id),
                &admin.user.email,
                &request::client(),
                mode.as_str(),
            )
            .await;
            Ok(())
        })
        .await,
    )
}

/// The newest security events, 100 at a time; `before` pages back.
#[server(prefix = "/fn", endpoint = "admin/security_log")]
pub async fn load_security_log(before: Option<i64>) -> Result<Vec<SecurityEvent>, AppError> {
    use crate::backend::db::security_events;
    use crate::backend::{format_time, request, state};

    respond(
        scoped(async {
            request::require_admin().await?;
            let rows = security_events::list_recent(&state().db, 100, before).await?;
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
        })
        .await,
    )
}
