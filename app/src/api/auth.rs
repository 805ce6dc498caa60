//! Signing up, in and out. Each function answers a form that works without
//! JavaScript: on success it redirects; on failure the page shows the error
//! next to the field it is about.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AccountsState, CurrentUser};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "accounts_state")]
pub async fn load_accounts_state() -> Result<AccountsState, AppError> {
    use crate::backend::{accounts, state};

    answer(async { accounts::accounts_state(&state()).await }).await
}

#[server(prefix = "/fn", endpoint = "current_user")]
pub async fn load_current_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::backend::request;
    use crate::model::WorkspaceLink;

    answer(async {
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

    answer(register(
        email,
        display_name,
        password,
        Registration::FirstAdmin,
    ))
    .await
}

#[server(prefix = "/fn", endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    display_name: String,
    password: String,
) -> Result<(), AppError> {
    use crate::backend::accounts::Registration;

    answer(register(
        email,
        display_name,
        password,
        Registration::SignUp,
    ))
    .await
}

#[cfg(feature = "ssr")]
use crate::backend::auth::redirect::on_this_site;

#[cfg(feature = "ssr")]
async fn register(
    email: String,
    display_name: String,
    password: String,
    registration: crate::backend::accounts::Registration,
) -> Result<(), AppError> {
    use crate::backend::accounts::sign_in;
    use crate::backend::{request, state};
    use crate::model::{Email, parse_display_name};

    let email = Email::parse(&email).map_err(|m| AppError::invalid("email", m))?;
    let display_name =
        parse_display_name(&display_name).map_err(|m| AppError::invalid("display_name", m))?;
    let cookie = sign_in::sign_up(
        &state(),
        &email,
        &display_name,
        &password,
        registration,
        &request::client(),
    )
    .await?;
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
    use crate::backend::accounts::sign_in;
    use crate::backend::{request, state};

    answer(async {
        let next = on_this_site(next.as_deref());
        let step = sign_in::sign_in(&state(), &email, &password, &request::client()).await?;
        go_on(step, &next);
        Ok(())
    })
    .await
}

/// Sets the cookie of a sign-in's step and opens the page that follows:
/// `next`, or the page that asks for the code (and then goes to `next`).
#[cfg(feature = "ssr")]
pub(crate) fn go_on(step: crate::backend::accounts::SignInStep, next: &str) {
    use crate::backend::accounts::SignInStep;
    use crate::backend::request;

    match step {
        SignInStep::Done { cookie } => {
            request::set_cookie(&cookie);
            request::redirect(next);
        }
        SignInStep::CodeRequired { challenge_cookie } => {
            request::set_cookie(&challenge_cookie);
            request::redirect(&format!("/sign-in/code?next={}", encode_query(next)));
        }
    }
}

/// The second step of signing in with two-factor on.
#[server(prefix = "/fn", endpoint = "sign_in_code")]
pub async fn sign_in_with_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::backend::accounts::two_factor;
    use crate::backend::auth::session::read_cookie;
    use crate::backend::{request, state};

    answer(async {
        let state = state();
        let challenge = read_cookie(&request::parts(), state.auth.challenge_cookie_name());
        let cookie =
            two_factor::sign_in_with_code(&state, challenge, &code, &request::client()).await?;
        request::set_cookie(
            &state
                .auth
                .expired_cookie(state.auth.challenge_cookie_name()),
        );
        request::set_cookie(&cookie);
        request::redirect(&on_this_site(next.as_deref()));
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::backend::accounts::sign_in;
    use crate::backend::{request, state};

    answer(async {
        let auth = request::current().await?;
        let cookie = sign_in::sign_out(
            &state(),
            auth.as_ref(),
            &request::parts(),
            &request::client(),
        )
        .await?;
        request::set_cookie(&cookie);
        request::redirect("/sign-in");
        Ok(())
    })
    .await
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
