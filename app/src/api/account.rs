//! The signed-in user's own account: name, email, password, sessions and
//! two-factor. Every function acts on the caller's account only.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{SessionInfo, TwoFactorStatus};

#[cfg(feature = "ssr")]
use crate::backend::request::{respond, scoped};

#[server(prefix = "/fn", endpoint = "account/display_name")]
pub async fn update_display_name(display_name: String) -> Result<(), AppError> {
    use crate::backend::db::users;
    use crate::backend::{request, state};
    use crate::model::parse_display_name;

    respond(
        scoped(async {
            let auth = request::require_user().await?;
            let name = parse_display_name(&display_name)
                .map_err(|m| AppError::invalid("display_name", m))?;
            users::set_display_name(&state().db, auth.user.id, &name).await?;
            Ok(())
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "account/email")]
pub async fn change_email(email: String, current_password: String) -> Result<(), AppError> {
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::users::{self, CreateUserError};
    use crate::backend::{accounts, request, state};
    use crate::model::Email;

    respond(
        scoped(async {
            let state = state();
            let auth = request::require_user().await?;
            let email = Email::parse(&email).map_err(|m| AppError::invalid("email", m))?;
            accounts::confirm_password(&state, &auth, &current_password, &request::client())
                .await?;
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
            accounts::log(
                &state,
                EventKind::EmailChanged,
                Some(auth.user.id),
                None,
                email.as_str(),
                &request::client(),
                &detail,
            )
            .await;
            Ok(())
        })
        .await,
    )
}

/// Changes the password; every other session ends and this one gets a new
/// token. With `revoke_api_tokens` (the form's box, ticked to start with)
/// every API token of the account is revoked too: after a takeover, the
/// one who held the account may hold its tokens.
#[server(prefix = "/fn", endpoint = "account/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    #[server(default)] revoke_api_tokens: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::auth::password::check_strength;
    use crate::backend::auth::session;
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::{api_tokens, sessions, users};
    use crate::backend::{accounts, request, state};

    respond(
        scoped(async {
            let state = state();
            let client = request::client();
            let auth = request::require_user().await?;
            accounts::confirm_password(&state, &auth, &current_password, &client).await?;
            check_strength(&new_password, &[&auth.user.email, &auth.user.display_name])
                .map_err(|m| AppError::invalid("new_password", m))?;
            let hash = state.hasher.hash(&new_password).await?;
            let mut tx = state.db.begin().await?;
            users::set_password_hash(&mut tx, auth.user.id, hash.as_str()).await?;
            let ended =
                sessions::delete_all_for_user(&mut tx, auth.user.id, Some(auth.session_id)).await?;
            let revoked = match revoke_api_tokens {
                Some(_) => api_tokens::delete_all_for_user(&mut tx, auth.user.id).await?,
                None => 0,
            };
            tx.commit().await?;
            let cookie = session::rotate(&state, &auth, &client).await?;
            request::set_cookie(&cookie);
            accounts::log(
                &state,
                EventKind::PasswordChanged,
                Some(auth.user.id),
                None,
                &auth.user.email,
                &client,
                &format!("{ended} other sessions ended, {revoked} API tokens revoked"),
            )
            .await;
            Ok(())
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "account/sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    use crate::backend::auth::client::describe_browser;
    use crate::backend::db::{now_ms, sessions};
    use crate::backend::{format_time, request, state};

    respond(
        scoped(async {
            let state = state();
            let auth = request::require_user().await?;
            let rows = sessions::list_live_for_user(
                &state.db,
                auth.user.id,
                now_ms(),
                state.auth.session_idle_ms,
            )
            .await?;
            Ok(rows
                .into_iter()
                .map(|row| SessionInfo {
                    id: row.id,
                    browser: describe_browser(&row.user_agent),
                    ip: row.ip,
                    created_at: format_time(row.created_at),
                    last_seen_at: format_time(row.last_seen_at),
                    is_current: row.id == auth.session_id,
                })
                .collect())
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "account/sessions/revoke")]
pub async fn revoke_session(session_id: i64) -> Result<(), AppError> {
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::sessions;
    use crate::backend::{accounts, request, state};

    respond(
        scoped(async {
            let state = state();
            let auth = request::require_user().await?;
            let mut tx = state.db.begin().await?;
            let ended = sessions::delete_one(&mut tx, auth.user.id, session_id).await?;
            tx.commit().await?;
            if !ended {
                return Err(AppError::NotFound);
            }
            accounts::log(
                &state,
                EventKind::SessionRevoked,
                Some(auth.user.id),
                None,
                &auth.user.email,
                &request::client(),
                "",
            )
            .await;
            if session_id == auth.session_id {
                request::set_cookie(&state.auth.expired_cookie(state.auth.session_cookie_name()));
                request::redirect("/sign-in");
            }
            Ok(())
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "account/sessions/revoke_others")]
pub async fn revoke_other_sessions() -> Result<u64, AppError> {
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::sessions;
    use crate::backend::{accounts, request, state};

    respond(
        scoped(async {
            let state = state();
            let auth = request::require_user().await?;
            let mut tx = state.db.begin().await?;
            let ended =
                sessions::delete_all_for_user(&mut tx, auth.user.id, Some(auth.session_id)).await?;
            tx.commit().await?;
            accounts::log(
                &state,
                EventKind::OtherSessionsRevoked,
                Some(auth.user.id),
                None,
                &auth.user.email,
                &request::client(),
                &format!("{ended} sessions"),
            )
            .await;
            Ok(ended)
        })
        .await,
    )
}

/// Where the user stands with two-factor; during set-up, what to scan and
/// the recovery codes to save. Reading changes nothing.
#[server(prefix = "/fn", endpoint = "account/two_factor")]
pub async fn load_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    use crate::backend::auth::{qr, totp};
    use crate::backend::db::two_factor;
    use crate::backend::{request, state};

    respond(
        scoped(async {
            let auth = request::require_user().await?;
            let user = &auth.user;
            if user.totp_secret.is_some() {
                let left = two_factor::unused_recovery_codes(&state().db, user.id).await?;
                return Ok(TwoFactorStatus::On {
                    recovery_codes_left: left,
                });
            }
            let Some(secret) = user
                .totp_pending_secret
                .as_deref()
                .and_then(totp::TotpSecret::from_base32)
            else {
                return Ok(TwoFactorStatus::Off);
            };
            let uri = totp::otpauth_uri(&secret, &user.email, "Waymark");
            let key = secret.to_base32();
            let manual_key = key
                .as_bytes()
                .chunks(4)
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            let recovery_codes = user
                .totp_pending_recovery_codes
                .as_deref()
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect();
            Ok(TwoFactorStatus::SettingUp(crate::model::TwoFactorSetup {
                manual_key,
                qr_svg: qr::svg(&uri),
                recovery_codes,
            }))
        })
        .await,
    )
}

/// Starts (or restarts) two-factor set-up with a new secret and new
/// recovery codes. Sign-in does not change until a code confirms it.
#[server(prefix = "/fn", endpoint = "account/two_factor/begin")]
pub async fn begin_two_factor() -> Result<(), AppError> {
    use crate::backend::auth::{recovery, totp};
    use crate::backend::db::users;
    use crate::backend::{request, state};

    respond(
        scoped(async {
            let auth = request::require_user().await?;
            if auth.user.totp_secret.is_some() {
                return Err(AppError::Conflict(
                    "two-factor sign-in is already on".into(),
                ));
            }
            let secret = totp::TotpSecret::generate();
            users::set_pending_totp(
                &state().db,
                auth.user.id,
                &secret.to_base32(),
                &recovery::generate(),
            )
            .await?;
            Ok(())
        })
        .await,
    )
}

/// Confirms set-up with a code from the app: two-factor is on from now, and
/// the recovery codes shown during set-up work.
#[server(prefix = "/fn", endpoint = "account/two_factor/confirm")]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    use crate::backend::auth::{recovery, session, totp};
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::{now_ms, two_factor, users};
    use crate::backend::{accounts, request, state};

    respond(
        scoped(async {
            let state = state();
            let client = request::client();
            let auth = request::require_user().await?;
            let secret = auth
                .user
                .totp_pending_secret
                .as_deref()
                .and_then(totp::TotpSecret::from_base32)
                .ok_or_else(|| AppError::Conflict("start two-factor set-up again".into()))?;
            let step = totp::verify(&secret, &code, now_ms() / 1000, None).ok_or_else(|| {
                AppError::invalid(
                    "code",
                    "that code is not right; check your phone's clock and try the newest code",
                )
            })?;
            let hashes: Vec<String> = auth
                .user
                .totp_pending_recovery_codes
                .as_deref()
                .unwrap_or_default()
                .lines()
                .map(recovery::hash)
                .collect();
            let mut tx = state.db.begin().await?;
            users::set_totp_secret(&mut tx, auth.user.id, Some(&secret.to_base32()), Some(step))
                .await?;
            two_factor::replace_recovery_codes(&mut tx, auth.user.id, &hashes).await?;
            tx.commit().await?;
            let cookie = session::rotate(&state, &auth, &client).await?;
            request::set_cookie(&cookie);
            accounts::log(
                &state,
                EventKind::TwoFactorEnabled,
                Some(auth.user.id),
                None,
                &auth.user.email,
                &client,
                "",
            )
            .await;
            request::redirect("/settings/account");
            Ok(())
        })
        .await,
    )
}

/// Turns two-factor off; needs the password and a current code (or a
/// recovery code).
#[server(prefix = "/fn", endpoint = "account/two_factor/disable")]
pub async fn disable_two_factor(current_password: String, code: String) -> Result<(), AppError> {
    use crate::backend::auth::session;
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::{two_factor, users};
    use crate::backend::{accounts, request, state};

    respond(
        scoped(async {
            let state = state();
            let client = request::client();
            let auth = request::require_user().await?;
            if auth.user.totp_secret.is_none() {
                return Err(AppError::Conflict(
                    "two-factor sign-in is already off".into(),
                ));
            }
            accounts::confirm_password(&state, &auth, &current_password, &client).await?;
            accounts::check_second_factor(&state, &auth.user, &code, &client).await?;
            let mut tx = state.db.begin().await?;
            users::set_totp_secret(&mut tx, auth.user.id, None, None).await?;
            two_factor::delete_recovery_codes(&mut tx, auth.user.id).await?;
            tx.commit().await?;
            let cookie = session::rotate(&state, &auth, &client).await?;
            request::set_cookie(&cookie);
            accounts::log(
                &state,
                EventKind::TwoFactorDisabled,
                Some(auth.user.id),
                None,
                &auth.user.email,
                &client,
                "",
            )
            .await;
            Ok(())
        })
        .await,
    )
}
