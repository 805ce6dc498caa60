//! Signing up, in and out. Each function answers a form that works without
//! JavaScript: on success it redirects; on failure the page shows the error
//! next to the field it is about.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AccountsState, CurrentUser};

#[server(prefix = "/fn", endpoint = "accounts_state")]
pub async fn load_accounts_state() -> Result<AccountsState, AppError> {
    use crate::backend::{accounts, request::scoped, state};
    scoped(async { accounts::accounts_state(&state()).await }).await
}

#[server(prefix = "/fn", endpoint = "current_user")]
pub async fn load_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::backend::request;
    use crate::model::WorkspaceLink;

    request::scoped(async {
        let Some(auth) = request::current().await? else {
            return Ok(None);
        };
        let mut me = auth.current_user();
        me.workspaces = request::my_workspaces(&auth)
            .await?
            .into_iter()
            .map(|w| WorkspaceLink {
                slug: w.workspace.slug,
                name: w.workspace.name,
            })
            .collect();
        Ok(Some(me))
    })
    .await
}

/// The first account of a new instance, which becomes its admin.
#[server(prefix = "/fn", endpoint = "create_admin")]
pub async fn create_first_admin(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::backend::accounts::Registration;
    request_respond(
        scoped(register(
            email,
            display_name,
            password,
            Registration::FirstAdmin,
        ))
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::backend::accounts::Registration;
    request_respond(
        scoped(register(
            email,
            display_name,
            password,
            Registration::SignUp,
        ))
        .await,
    )
}

#[cfg(feature = "ssr")]
use crate::backend::auth::redirect::on_this_site;
#[cfg(feature = "ssr")]
use crate::backend::request::scoped;

#[cfg(feature = "ssr")]
fn request_respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    crate::backend::request::respond(result)
}

#[cfg(feature = "ssr")]
async fn register(
    email: String,
    display_name: String,
    password: String,
    registration: crate::backend::accounts::Registration,
) -> Result<(), AppError> {
    use crate::backend::auth::session;
    use crate::backend::{accounts, request, state};
    use crate::model::{Email, parse_display_name};

    let state = state();
    let client = request::client();
    let email = Email::parse(&email).map_err(|m| AppError::invalid("email", m))?;
    let display_name =
        parse_display_name(&display_name).map_err(|m| AppError::invalid("display_name", m))?;
    // A refusal because the email has an account tells that it has one:
    // such refusals are counted per network and throttled.
    let attempt = accounts::begin_sign_up(&state, email.as_str(), &client).await?;
    let registered = accounts::register(
        &state,
        &email,
        &display_name,
        &password,
        registration,
        &client,
    )
    .await;
    match &registered {
        Err(AppError::Invalid { field, .. }) if field == "email" => attempt.failed(),
        _ => attempt.not_counted(&state.db).await?,
    }
    let user_id = registered?;
    let cookie = session::start(&state, user_id, &client).await?;
    request::set_cookie(&cookie);
    request::redirect("/");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::accounts::{self, PasswordCheck};
    use crate::backend::auth::session;
    use crate::backend::{request, state};

    request_respond(
        scoped(async {
            let state = state();
            let client = request::client();
            let next = on_this_site(next.as_deref());
            match accounts::check_password(&state, &email, &password, &client).await? {
                PasswordCheck::SignedIn { user_id } => {
                    // A new token at every sign-in: a token planted before
                    // (session fixation) never becomes a signed-in session.
                    let cookie = session::start(&state, user_id, &client).await?;
                    request::set_cookie(&cookie);
                    request::redirect(&next);
                }
                PasswordCheck::CodeRequired { user_id } => {
                    ask_for_code(&state, user_id, &next).await?;
                }
            }
            Ok(())
        })
        .await,
    )
}

/// Sends a user whose password (or reset link) was right to the second
/// step: a challenge cookie, then the page that asks for the code.
#[cfg(feature = "ssr")]
pub(crate) async fn ask_for_code(
    state: &crate::backend::AppState,
    user_id: i64,
    next: &str,
) -> Result<(), AppError> {
    use crate::backend::auth::session::CHALLENGE_LIFETIME_MS;
    use crate::backend::auth::token::SecretToken;
    use crate::backend::db::{now_ms, two_factor};
    use crate::backend::request;

    let token = SecretToken::generate();
    let expires_at = now_ms() + CHALLENGE_LIFETIME_MS;
    two_factor::insert_challenge(&state.db, &token.hash().0, user_id, expires_at).await?;
    let settings = &state.auth;
    request::set_cookie(&settings.cookie(
        settings.challenge_cookie_name(),
        token.as_str(),
        CHALLENGE_LIFETIME_MS,
    ));
    request::redirect(&format!("/sign-in/code?next={}", encode_query(next)));
    Ok(())
}

/// The second step of signing in with two-factor on.
#[server(prefix = "/fn", endpoint = "sign_in_code")]
pub async fn sign_in_with_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::backend::auth::session;
    use crate::backend::auth::token::SecretToken;
    use crate::backend::db::security_events::EventKind;
    use crate::backend::db::{now_ms, two_factor, users};
    use crate::backend::{accounts, request, state};

    request_respond(
        scoped(async {
            let state = state();
            let client = request::client();
            let expired = || {
                AppError::invalid(
                    "code",
                    "this sign-in has expired or had too many wrong codes; enter your password again",
                )
            };
            let token = session::read_cookie(&request::parts(), state.auth.challenge_cookie_name())
                .and_then(SecretToken::from_client)
                .ok_or_else(expired)?;
            let hash = token.hash().0;
            let mut tx = state.db.begin().await?;
            let user_id = two_factor::attempt_challenge(&mut tx, &hash, now_ms()).await?;
            tx.commit().await?;
            let user_id = user_id.ok_or_else(expired)?;
            let user = users::find_by_id(&state.db, user_id).await?.ok_or_else(expired)?;
            if user.disabled {
                return Err(AppError::AccountDisabled);
            }
            accounts::check_second_factor(&state, &user, &code, &client).await?;

            let mut tx = state.db.begin().await?;
            two_factor::delete_challenge(&mut tx, &hash).await?;
            tx.commit().await?;
            accounts::log(&state, EventKind::SignIn, Some(user.id), None, &user.email, &client, "with two-factor").await;
            request::set_cookie(&state.auth.expired_cookie(state.auth.challenge_cookie_name()));
            let cookie = session::start(&state, user.id, &client).await?;
            request::set_cookie(&cookie);
            request::redirect(&on_this_site(next.as_deref()));
            Ok(())
        })
        .await,
    )
}

#[server(prefix = "/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::backend::auth::session;
    use crate::backend::db::security_events::EventKind;
    use crate::backend::{accounts, request, state};

    request_respond(
        scoped(async {
            let state = state();
            let client = request::client();
            if let Some(auth) = request::current().await? {
                accounts::log(
                    &state,
                    EventKind::SignOut,
                    Some(auth.user.id),
                    None,
                    &auth.user.email,
                    &client,
                    "",
                )
                .await;
            }
            let cookie = session::end(&state, &request::parts()).await?;
            request::set_cookie(&cookie);
            request::redirect("/sign-in");
            Ok(())
        })
        .await,
    )
}

/// Percent-encodes a value for a query string.
pub fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode_query("/a b?c=d&e"), "/a%20b%3Fc%3Dd%26e");
    }
}
