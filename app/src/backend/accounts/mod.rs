//! Account rules: creating accounts, checking passwords and second factors,
//! changing credentials. Server functions parse input and handle cookies;
//! the decisions live here, one module per page of the account's life.

pub mod admin;
pub mod password_reset;
pub mod profile;
pub mod sessions;
pub mod sign_in;
pub mod two_factor;

use crate::backend::AppState;
use crate::backend::auth::client::ClientInfo;
use crate::backend::auth::password::{PasswordHash, check_strength};
use crate::backend::auth::session::Authenticated;
use crate::backend::auth::throttle::{self, Attempt, Key, Scope};
use crate::backend::auth::{recovery, totp};
use crate::backend::db::security_events::{self, EventKind, NewEvent};
use crate::backend::db::users::{self, CreateUserError, NewUser, UserRow};
use crate::backend::db::{self, now_ms, settings};
use sqlx::{Any, Transaction};

use crate::error::AppError;
use crate::model::{AccountsState, Email, SignUpMode};

/// Where a right password (or reset link) leads.
#[derive(Debug)]
pub enum SignInStep {
    /// Signed in: the new session's cookie.
    Done { cookie: String },
    /// Two-factor is on: the challenge's cookie, for the page that asks
    /// for the code.
    CodeRequired { challenge_cookie: String },
}

/// The instance setting that says who may sign up.
pub const SIGN_UP_MODE: &str = "accounts.sign_up_mode";

pub async fn sign_up_mode(state: &AppState) -> Result<SignUpMode, AppError> {
    Ok(settings::get(&state.db, SIGN_UP_MODE)
        .await?
        .and_then(|value| SignUpMode::parse(&value))
        .unwrap_or_default())
}

pub async fn accounts_state(state: &AppState) -> Result<AccountsState, AppError> {
    let (has_users, mode) = settings::get_with_has_users(&state.db, SIGN_UP_MODE).await?;
    if !has_users {
        return Ok(AccountsState::FirstRun);
    }
    let mode = mode
        .and_then(|value| SignUpMode::parse(&value))
        .unwrap_or_default();
    Ok(match mode {
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
    if registration == Registration::SignUp && sign_up_mode(state).await? != SignUpMode::Open {
        return Err(AppError::Forbidden);
    }
    let hash = hash_new_password(state, email, display_name, password).await?;
    let mut tx = state.db.begin().await?;
    let id = create_in(state, &mut tx, email, display_name, &hash, registration).await?;
    tx.commit().await?;
    log_sign_up(state, id, email, registration, client).await;
    Ok(id)
}

/// Checks a new account's password and hashes it: slow, so done before any
/// write transaction opens.
pub async fn hash_new_password(
    state: &AppState,
    email: &Email,
    display_name: &str,
    password: &str,
) -> Result<PasswordHash, AppError> {
    check_strength(password, &[email.as_str(), display_name])
        .map_err(|message| AppError::invalid("password", message))?;
    Ok(state.hasher.hash(password).await?)
}

/// Creates the account inside the caller's write transaction, so that it
/// commits (or not) with whatever else the action writes.
pub async fn create_in(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    email: &Email,
    display_name: &str,
    hash: &PasswordHash,
    registration: Registration,
) -> Result<i64, AppError> {
    // Two first sign-ups at once must not both become admin: every account
    // is created under this one lock.
    state.db.lock_subject(tx, &["users", "create"]).await?;
    let first = users::count_in(tx).await? == 0;
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
    users::insert(
        tx,
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
    })
}

/// The security-log line for a new account.
pub async fn log_sign_up(
    state: &AppState,
    id: i64,
    email: &Email,
    registration: Registration,
    client: &ClientInfo,
) {
    let detail = match registration {
        Registration::CommandLine => "admin created from the command line",
        Registration::FirstAdmin => "first account: instance admin",
        Registration::Invitation => "through an invitation",
        Registration::SignUp => "",
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

/// The keys a password guess counts against: the account and the client's
/// network.
fn password_keys(email: &str, client: &ClientInfo) -> [Key; 2] {
    [
        Key::new(Scope::Account, email),
        Key::new(Scope::Address, client.network()),
    ]
}

/// Counts an attempt against `keys` before any secret is checked, or
/// refuses it (and logs the refusal, aggregated) when they must wait.
async fn begin_attempt(
    state: &AppState,
    keys: &[Key],
    user_id: Option<i64>,
    email: &str,
    client: &ClientInfo,
) -> Result<Attempt, AppError> {
    match throttle::attempt(&state.db, keys, now_ms()).await? {
        Ok(attempt) => Ok(attempt),
        Err(retry_after_secs) => {
            let event = NewEvent {
                user_id,
                actor_id: None,
                email,
                ip: &client.ip,
                detail: "",
            };
            if let Err(err) = security_events::record_repeated(
                &state.db,
                EventKind::SignInThrottled,
                event,
                now_ms(),
            )
            .await
            {
                tracing::error!(%err, "could not write the security log");
            }
            Err(AppError::TooManyRequests { retry_after_secs })
        }
    }
}

/// Checks a password against a stored hash as a counted attempt: a busy
/// server does not count it, a right one clears it, a wrong one stays.
async fn verify_counted(
    state: &AppState,
    attempt: Attempt,
    password: &str,
    stored: Option<&PasswordHash>,
) -> Result<(bool, Option<Attempt>), AppError> {
    match state.hasher.verify(password, stored).await {
        Ok(true) => {
            attempt.succeeded(&state.db).await?;
            Ok((true, None))
        }
        Ok(false) => Ok((false, Some(attempt))),
        Err(busy) => {
            attempt.not_counted(&state.db).await?;
            Err(busy.into())
        }
    }
}

/// Checks an email and password, with throttling. Unknown email and wrong
/// password take the same time and give the same error.
pub async fn check_password(
    state: &AppState,
    email_input: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<PasswordCheck, AppError> {
    // Parsed (and so length-capped) before anything is written: input that
    // cannot be an account's email is refused without a trace.
    let Ok(email) = Email::parse(email_input) else {
        return Err(AppError::BadCredentials);
    };
    let email = email.as_str();
    let attempt = begin_attempt(state, &password_keys(email, client), None, email, client).await?;
    let user = users::find_by_email(&state.db, email).await?;
    let stored = user
        .as_ref()
        .map(|u| PasswordHash::from_stored(u.password_hash.clone()));
    let (matches, attempt) = verify_counted(state, attempt, password, stored.as_ref()).await?;
    let user = match (user, matches) {
        (Some(user), true) => user,
        (user, _) => {
            if let Some(attempt) = attempt {
                attempt.failed();
            }
            let user_id = user.map(|u| u.id);
            log(
                state,
                EventKind::SignInFailed,
                user_id,
                None,
                email,
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
            email,
            client,
            "account disabled",
        )
        .await;
        return Err(AppError::AccountDisabled);
    }
    if user.totp_secret.is_some() {
        Ok(PasswordCheck::CodeRequired { user_id: user.id })
    } else {
        log(
            state,
            EventKind::SignIn,
            Some(user.id),
            None,
            email,
            client,
            "",
        )
        .await;
        Ok(PasswordCheck::SignedIn { user_id: user.id })
    }
}

/// Checks a second factor: a current authenticator code (each works once)
/// or an unused recovery code. Wrong codes count against the account until
/// a right one comes, throttled like passwords, and are logged.
pub async fn check_second_factor(
    state: &AppState,
    user: &UserRow,
    code: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let keys = [
        Key::new(Scope::Code, user.id.to_string()),
        Key::new(Scope::Address, client.network()),
    ];
    let attempt = begin_attempt(state, &keys, Some(user.id), &user.email, client).await?;
    match code_is_right(state, user, code, client).await {
        Ok(true) => {
            attempt.succeeded(&state.db).await?;
            Ok(())
        }
        Ok(false) => {
            attempt.failed();
            log(
                state,
                EventKind::TwoFactorFailed,
                Some(user.id),
                None,
                &user.email,
                client,
                "wrong code",
            )
            .await;
            Err(AppError::invalid(
                "code",
                "that code is not right; try the newest one from your app",
            ))
        }
        Err(err) => {
            attempt.not_counted(&state.db).await?;
            Err(err)
        }
    }
}

async fn code_is_right(
    state: &AppState,
    user: &UserRow,
    code: &str,
    client: &ClientInfo,
) -> Result<bool, AppError> {
    let Some(secret) = user
        .totp_secret
        .as_deref()
        .and_then(totp::TotpSecret::from_base32)
    else {
        return Ok(false);
    };
    let now = now_ms();
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit()) {
        let Some(step) = totp::verify(&secret, &digits, now / 1000, user.totp_last_step) else {
            return Ok(false);
        };
        let mut tx = state.db.begin().await?;
        let fresh = users::claim_totp_step(&mut tx, user.id, step).await?;
        tx.commit().await?;
        return Ok(fresh);
    }
    if code.len() > recovery::MAX_INPUT_LENGTH {
        return Ok(false);
    }
    let mut tx = state.db.begin().await?;
    let used =
        db::two_factor::use_recovery_code(&mut tx, user.id, &recovery::hash(code), now).await?;
    tx.commit().await?;
    if used {
        let left = db::two_factor::unused_recovery_codes(&state.db, user.id).await?;
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
    }
    Ok(used)
}

/// Requires the signed-in user's current password (for changes to their
/// credentials). Counted and throttled exactly like sign-in, so a stolen
/// session cannot guess the password either.
pub async fn confirm_password(
    state: &AppState,
    auth: &Authenticated,
    password: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let email = auth.user.email.as_str();
    let keys = password_keys(email, client);
    let attempt = begin_attempt(state, &keys, Some(auth.user.id), email, client).await?;
    let stored = PasswordHash::from_stored(auth.user.password_hash.clone());
    match verify_counted(state, attempt, password, Some(&stored)).await? {
        (true, _) => Ok(()),
        (false, attempt) => {
            if let Some(attempt) = attempt {
                attempt.failed();
            }
            log(
                state,
                EventKind::PasswordCheckFailed,
                Some(auth.user.id),
                None,
                email,
                client,
                "wrong current password",
            )
            .await;
            Err(AppError::invalid(
                "current_password",
                "your current password is not right",
            ))
        }
    }
}

/// Counts a sign-up attempt from the client's network before the account
/// is created: refusals because an email already has an account are kept
/// (they tell who has one), anything else is not counted.
pub async fn begin_sign_up(
    state: &AppState,
    email: &str,
    client: &ClientInfo,
) -> Result<Attempt, AppError> {
    begin_attempt(
        state,
        &[Key::new(Scope::SignUp, client.network())],
        None,
        email,
        client,
    )
    .await
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
