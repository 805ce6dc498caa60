//! Account rules: creating accounts, checking passwords and second factors,
//! changing credentials. Server functions parse input and handle cookies;
//! the decisions live here.

use crate::backend::AppState;
use crate::backend::auth::client::ClientInfo;
use crate::backend::auth::password::{PasswordHash, check_strength};
use crate::backend::auth::session::Authenticated;
use crate::backend::auth::{recovery, throttle, totp};
use crate::backend::db::security_events::{self, EventKind, NewEvent};
use crate::backend::db::users::{self, CreateUserError, NewUser, UserRow};
use crate::backend::db::{now_ms, settings, two_factor};
use crate::error::AppError;
use crate::model::{AccountsState, Email, SignUpMode};

/// The instance setting that says who may sign up.
pub const SIGN_UP_MODE: &str = "accounts.sign_up_mode";

pub async fn sign_up_mode(state: &AppState) -> Result<SignUpMode, AppError> {
    Ok(settings::get(&state.db, SIGN_UP_MODE)
        .await?
        .and_then(|value| SignUpMode::parse(&value))
        .unwrap_or_default())
}

pub async fn accounts_state(state: &AppState) -> Result<AccountsState, AppError> {
    if users::count(&state.db).await? == 0 {
        return Ok(AccountsState::FirstRun);
    }
    Ok(match sign_up_mode(state).await? {
        SignUpMode::Open => AccountsState::Open,
        SignUpMode::InviteOnly => AccountsState::InviteOnly,
    })
}

/// Why an account is being created, which decides whether that is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    /// The set-up page of a new instance: only while there is no user.
    FirstAdmin,
    /// The sign-up page: only when sign-up is open.
    SignUp,
    /// The command line (`waymark create-admin`): always an admin.
    CommandLine,
    /// A workspace invitation link: allowed whatever the sign-up policy.
    Invitation,
}

/// Creates an account and returns its id. The first account of an instance
/// is always its admin.
pub async fn register(
    state: &AppState,
    email: &Email,
    display_name: &str,
    password: &str,
    registration: Registration,
    client: &ClientInfo,
) -> Result<i64, AppError> {
    check_strength(password, &[email.as_str(), display_name])
        .map_err(|message| AppError::invalid("password", message))?;
    if registration == Registration::SignUp && sign_up_mode(state).await? != SignUpMode::Open {
        return Err(AppError::Forbidden);
    }
    let hash = state.hasher.hash(password).await;

    let mut tx = state.db.begin().await?;
    // Two first sign-ups at once must not both become admin.
    state.db.lock_table(&mut tx, "users").await?;
    let first = users::count_in(&mut tx).await? == 0;
    match registration {
        Registration::FirstAdmin if !first => {
            return Err(AppError::Conflict(
                "this instance already has an admin; sign in instead".into(),
            ));
        }
        Registration::SignUp | Registration::Invitation if first => {
            return Err(AppError::Conflict(
                "this instance has no admin yet; create the admin account first".into(),
            ));
        }
        _ => {}
    }
    let is_admin = first || registration == Registration::CommandLine;
    let id = users::insert(
        &mut tx,
        NewUser {
            email: email.as_str(),
            display_name,
            password_hash: hash.as_str(),
            is_admin,
        },
    )
    .await
    .map_err(|err| match err {
        CreateUserError::EmailTaken => {
            AppError::invalid("email", "an account with this email already exists")
        }
        CreateUserError::Db(err) => err.into(),
    })?;
    tx.commit().await?;

    let detail = match (registration, is_admin) {
        (Registration::CommandLine, _) => "admin created from the command line",
        (_, true) => "first account: instance admin",
        _ => "",
    };
    log(
        state,
        EventKind::SignUp,
        Some(id),
        None,
        email.as_str(),
        client,
        detail,
    )
    .await;
    Ok(id)
}

/// What a correct password leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    SignedIn {
        user_id: i64,
    },
    /// Two-factor is on: a code must follow.
    CodeRequired {
        user_id: i64,
    },
}

/// Checks an email and password, with throttling. Unknown email and wrong
/// password take the same time and give the same error.
pub async fn check_password(
    state: &AppState,
    email_input: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<PasswordCheck, AppError> {
    let email = email_input.trim().to_lowercase();
    let now = now_ms();
    if let Some(retry_after_secs) = throttle::check(&state.db, &email, &client.ip, now).await? {
        log(
            state,
            EventKind::SignInThrottled,
            None,
            None,
            &email,
            client,
            "",
        )
        .await;
        return Err(AppError::TooManyRequests { retry_after_secs });
    }
    let user = users::find_by_email(&state.db, &email).await?;
    let stored = user
        .as_ref()
        .map(|u| PasswordHash::from_stored(u.password_hash.clone()));
    let matches = state.hasher.verify(password, stored.as_ref()).await;
    let user = match (user, matches) {
        (Some(user), true) => user,
        (user, _) => {
            throttle::record_failure(&state.db, &email, &client.ip, now).await?;
            let user_id = user.map(|u| u.id);
            log(
                state,
                EventKind::SignInFailed,
                user_id,
                None,
                &email,
                client,
                "wrong password",
            )
            .await;
            return Err(AppError::BadCredentials);
        }
    };
    if user.disabled {
        log(
            state,
            EventKind::SignInFailed,
            Some(user.id),
            None,
            &email,
            client,
            "account disabled",
        )
        .await;
        return Err(AppError::AccountDisabled);
    }
    throttle::record_success(&state.db, &email).await?;
    if user.totp_secret.is_some() {
        Ok(PasswordCheck::CodeRequired { user_id: user.id })
    } else {
        log(
            state,
            EventKind::SignIn,
            Some(user.id),
            None,
            &email,
            client,
            "",
        )
        .await;
        Ok(PasswordCheck::SignedIn { user_id: user.id })
    }
}

/// Checks a second factor: a current authenticator code (each works once)
/// or an unused recovery code.
pub async fn check_second_factor(
    state: &AppState,
    user: &UserRow,
    code: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let wrong = || {
        AppError::invalid(
            "code",
            "that code is not right; try the newest one from your app",
        )
    };
    let Some(secret) = user
        .totp_secret
        .as_deref()
        .and_then(totp::TotpSecret::from_base32)
    else {
        return Err(wrong());
    };
    let now = now_ms();
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
        let Some(step) = totp::verify(&secret, &digits, now / 1000, user.totp_last_step) else {
            return Err(wrong());
        };
        let mut tx = state.db.begin().await?;
        let fresh = users::claim_totp_step(&mut tx, user.id, step).await?;
        tx.commit().await?;
        return if fresh { Ok(()) } else { Err(wrong()) };
    }
    let mut tx = state.db.begin().await?;
    let used = two_factor::use_recovery_code(&mut tx, user.id, &recovery::hash(code), now).await?;
    tx.commit().await?;
    if used {
        let left = two_factor::unused_recovery_codes(&state.db, user.id).await?;
        log(
            state,
            EventKind::RecoveryCodeUsed,
            Some(user.id),
            None,
            &user.email,
            client,
            &format!("{left} recovery codes left"),
        )
        .await;
        Ok(())
    } else {
        Err(wrong())
    }
}

/// Requires the signed-in user's current password (for changes to their
/// credentials).
pub async fn confirm_password(
    state: &AppState,
    auth: &Authenticated,
    password: &str,
) -> Result<(), AppError> {
    let stored = PasswordHash::from_stored(auth.user.password_hash.clone());
    if state.hasher.verify(password, Some(&stored)).await {
        Ok(())
    } else {
        Err(AppError::invalid(
            "current_password",
            "your current password is not right",
        ))
    }
}

/// Writes a security-log line; a failure to log is reported, never fatal to
/// the request.
pub async fn log(
    state: &AppState,
    kind: EventKind,
    user_id: Option<i64>,
    actor_id: Option<i64>,
    email: &str,
    client: &ClientInfo,
    detail: &str,
) {
    let event = NewEvent {
        user_id,
        actor_id,
        email,
        ip: &client.ip,
        detail,
    };
    if let Err(err) = security_events::record(&state.db, kind, event).await {
        tracing::error!(%err, kind = kind.as_str(), "could not write the security log");
    }
}
