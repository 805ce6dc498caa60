//! Signing up, in and out.

use http::request::Parts;

use crate::backend::AppState;
use crate::backend::accounts::{
    self, PasswordCheck, Registration, SignInStep, begin_sign_up, log, two_factor,
};
use crate::backend::auth::client::ClientInfo;
use crate::backend::auth::session::{self, Authenticated};
use crate::backend::db::security_events::EventKind;
use crate::error::AppError;
use crate::model::Email;

/// Creates an account and signs it in; returns the session's cookie.
pub async fn sign_up(
    state: &AppState,
    email: &Email,
    display_name: &str,
    password: &str,
    registration: Registration,
    client: &ClientInfo,
) -> Result<String, AppError> {
    // A refusal because the email has an account tells that it has one:
    // such refusals are counted per network and throttled.
    let attempt = begin_sign_up(state, email.as_str(), client).await?;
    let registered =
        accounts::register(state, email, display_name, password, registration, client).await;
    match &registered {
        Err(AppError::Invalid { field, .. }) if field == "email" => attempt.failed(),
        _ => attempt.not_counted(&state.db).await?,
    }
    let user_id = registered?;
    Ok(session::start(state, user_id, client).await?)
}

/// Checks an email and password (throttled; see
/// [`accounts::check_password`]) and signs in, or asks for the second
/// factor.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<SignInStep, AppError> {
    match accounts::check_password(state, email, password, client).await? {
        // A new token at every sign-in: a token planted before (session
        // fixation) never becomes a signed-in session.
        PasswordCheck::SignedIn { user_id } => Ok(SignInStep::Done {
            cookie: session::start(state, user_id, client).await?,
        }),
        PasswordCheck::CodeRequired { user_id } => Ok(SignInStep::CodeRequired {
            challenge_cookie: two_factor::challenge(state, user_id).await?,
        }),
    }
}

/// Ends the session of the request `parts` (if any); returns the cookie
/// that clears it.
pub async fn sign_out(
    state: &AppState,
    auth: Option<&Authenticated>,
    parts: &Parts,
    client: &ClientInfo,
) -> Result<String, AppError> {
    if let Some(auth) = auth {
        log(
            state,
            EventKind::SignOut,
            Some(auth.user.id),
            None,
            &auth.user.email,
            client,
            "",
        )
        .await;
    }
    Ok(session::end(state, parts).await?)
}
