//! Two-factor sign-in: setting it up, turning it off, and the second step
//! of signing in with it on.

use crate::backend::AppState;
use crate::backend::accounts::{check_second_factor, confirm_password, log};
use crate::backend::auth::client::ClientInfo;
use crate::backend::auth::session::{self, Authenticated, CHALLENGE_LIFETIME_MS};
use crate::backend::auth::token::SecretToken;
use crate::backend::auth::{qr, recovery, totp};
use crate::backend::db::security_events::EventKind;
use crate::backend::db::users::UserRow;
use crate::backend::db::{now_ms, two_factor, users};
use crate::error::AppError;
use crate::model::{TwoFactorSetup, TwoFactorStatus};

/// Where the user stands with two-factor; during set-up, what to scan and
/// the recovery codes to save. Reading changes nothing.
pub async fn status(state: &AppState, user: &UserRow) -> Result<TwoFactorStatus, AppError> {
    if user.totp_secret.is_some() {
        let left = two_factor::unused_recovery_codes(&state.db, user.id).await?;
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
    Ok(TwoFactorStatus::SettingUp(TwoFactorSetup {
        manual_key,
        qr_svg: qr::svg(&uri),
        recovery_codes,
    }))
}

/// Starts (or restarts) set-up with a new secret and new recovery codes.
/// Sign-in does not change until a code confirms it.
pub async fn begin(state: &AppState, auth: &Authenticated) -> Result<(), AppError> {
    if auth.user.totp_secret.is_some() {
        return Err(AppError::Conflict(
            "two-factor sign-in is already on".into(),
        ));
    }
    let secret = totp::TotpSecret::generate();
    users::set_pending_totp(
        &state.db,
        auth.user.id,
        &secret.to_base32(),
        &recovery::generate(),
    )
    .await?;
    Ok(())
}

/// Confirms set-up with a code from the app: two-factor is on from now, and
/// the recovery codes shown during set-up work. Returns the cookie of the
/// session's new token.
pub async fn confirm(
    state: &AppState,
    auth: &Authenticated,
    code: &str,
    client: &ClientInfo,
) -> Result<String, AppError> {
    let secret = auth
        .user
        .totp_pending_secret
        .as_deref()
        .and_then(totp::TotpSecret::from_base32)
        .ok_or_else(|| AppError::Conflict("start two-factor set-up again".into()))?;
    let step = totp::verify(&secret, code, now_ms() / 1000, None).ok_or_else(|| {
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
    users::set_totp_secret(&mut tx, auth.user.id, Some(&secret.to_base32()), Some(step)).await?;
    two_factor::replace_recovery_codes(&mut tx, auth.user.id, &hashes).await?;
    tx.commit().await?;
    let cookie = session::rotate(state, auth, client).await?;
    log(
        state,
        EventKind::TwoFactorEnabled,
        Some(auth.user.id),
        None,
        &auth.user.email,
        client,
        "",
    )
    .await;
    Ok(cookie)
}

/// Turns two-factor off after the password and a current code (or a
/// recovery code). Returns the cookie of the session's new token.
pub async fn disable(
    state: &AppState,
    auth: &Authenticated,
    current_password: &str,
    code: &str,
    client: &ClientInfo,
) -> Result<String, AppError> {
    if auth.user.totp_secret.is_none() {
        return Err(AppError::Conflict(
            "two-factor sign-in is already off".into(),
        ));
    }
    confirm_password(state, auth, current_password, client).await?;
    check_second_factor(state, &auth.user, code, client).await?;
    let mut tx = state.db.begin().await?;
    users::set_totp_secret(&mut tx, auth.user.id, None, None).await?;
    two_factor::delete_recovery_codes(&mut tx, auth.user.id).await?;
    tx.commit().await?;
    let cookie = session::rotate(state, auth, client).await?;
    log(
        state,
        EventKind::TwoFactorDisabled,
        Some(auth.user.id),
        None,
        &auth.user.email,
        client,
        "",
    )
    .await;
    Ok(cookie)
}

/// The second step for a user whose password (or reset link) was right:
/// a challenge that the code must answer within a few minutes. Returns
/// the challenge's cookie.
pub async fn challenge(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let token = SecretToken::generate();
    let expires_at = now_ms() + CHALLENGE_LIFETIME_MS;
    two_factor::insert_challenge(&state.db, &token.hash().0, user_id, expires_at).await?;
    let settings = &state.auth;
    Ok(settings.cookie(
        settings.challenge_cookie_name(),
        token.as_str(),
        CHALLENGE_LIFETIME_MS,
    ))
}

/// Answers the challenge of the cookie `challenge` with `code`: signs in,
/// returning the new session's cookie.
pub async fn sign_in_with_code(
    state: &AppState,
    challenge: Option<String>,
    code: &str,
    client: &ClientInfo,
) -> Result<String, AppError> {
    let expired = || {
        AppError::invalid(
            "code",
            "this sign-in has expired or had too many wrong codes; enter your password again",
        )
    };
    let token = challenge
        .and_then(SecretToken::from_client)
        .ok_or_else(expired)?;
    let hash = token.hash().0;
    let mut tx = state.db.begin().await?;
    let user_id = two_factor::attempt_challenge(&mut tx, &hash, now_ms()).await?;
    tx.commit().await?;
    let user_id = user_id.ok_or_else(expired)?;
    let user = users::find_by_id(&state.db, user_id)
        .await?
        .ok_or_else(expired)?;
    if user.disabled {
        return Err(AppError::AccountDisabled);
    }
    check_second_factor(state, &user, code, client).await?;

    let mut tx = state.db.begin().await?;
    two_factor::delete_challenge(&mut tx, &hash).await?;
    tx.commit().await?;
    log(
        state,
        EventKind::SignIn,
        Some(user.id),
        None,
        &user.email,
        client,
        "with two-factor",
    )
    .await;
    Ok(session::start(state, user.id, client).await?)
}
