//! The signed-in user's own account: name, email, password, sessions and
//! two-factor. Every function acts on the caller's account only; the rules
//! are in `backend::accounts`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{SessionInfo, TwoFactorStatus};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "account/display_name")]
pub async fn update_display_name(display_name: String) -> Result<(), AppError> {
    use crate::backend::accounts::profile;
    use crate::backend::{request, state};
    use crate::model::parse_display_name;

    answer(async {
        let auth = request::require_user().await?;
        let name =
            parse_display_name(&display_name).map_err(|m| AppError::invalid("display_name", m))?;
        profile::set_display_name(&state(), &auth, &name).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "account/email")]
pub async fn change_email(email: String, current_password: String) -> Result<(), AppError> {
    use crate::backend::accounts::profile;
    use crate::backend::{request, state};
    use crate::model::Email;

    answer(async {
        let auth = request::require_user().await?;
        let email = Email::parse(&email).map_err(|m| AppError::invalid("email", m))?;
        profile::change_email(
            &state(),
            &auth,
            &email,
            &current_password,
            &request::client(),
        )
        .await
    })
    .await
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
    use crate::backend::accounts::profile::{self, NewPassword};
    use crate::backend::{request, state};

    answer(async {
        let auth = request::require_user().await?;
        let password = NewPassword {
            current: &current_password,
            new: &new_password,
            revoke_api_tokens: revoke_api_tokens.is_some(),
        };
        let cookie =
            profile::change_password(&state(), &auth, password, &request::client()).await?;
        request::set_cookie(&cookie);
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "account/sessions")]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    use crate::backend::accounts::sessions;
    use crate::backend::{request, state};

    answer(async {
        let auth = request::require_user().await?;
        sessions::list(&state(), &auth).await
    })
    .await
}

/// Ends one of the caller's sessions; ending this one signs out.
#[server(prefix = "/fn", endpoint = "account/sessions/revoke")]
pub async fn revoke_session(session_id: i64) -> Result<(), AppError> {
    use crate::backend::accounts::sessions;
    use crate::backend::{request, state};

    answer(async {
        let state = state();
        let auth = request::require_user().await?;
        sessions::revoke(&state, &auth, session_id, &request::client()).await?;
        if session_id == auth.session_id {
            request::set_cookie(&state.auth.expired_cookie(state.auth.session_cookie_name()));
            request::redirect("/sign-in");
        }
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "account/sessions/revoke_others")]
pub async fn revoke_other_sessions() -> Result<u64, AppError> {
    use crate::backend::accounts::sessions;
    use crate::backend::{request, state};

    answer(async {
        let auth = request::require_user().await?;
        sessions::revoke_others(&state(), &auth, &request::client()).await
    })
    .await
}

/// Where the user stands with two-factor; during set-up, what to scan and
/// the recovery codes to save. Reading changes nothing.
#[server(prefix = "/fn", endpoint = "account/two_factor")]
pub async fn load_two_factor_status() -> Result<TwoFactorStatus, AppError> {
    use crate::backend::accounts::two_factor;
    use crate::backend::{request, state};

    answer(async {
        let auth = request::require_user().await?;
        two_factor::status(&state(), &auth.user).await
    })
    .await
}

/// Starts (or restarts) two-factor set-up with a new secret and new
/// recovery codes. Sign-in does not change until a code confirms it.
#[server(prefix = "/fn", endpoint = "account/two_factor/begin")]
pub async fn begin_two_factor() -> Result<(), AppError> {
    use crate::backend::accounts::two_factor;
    use crate::backend::{request, state};

    answer(async {
        let auth = request::require_user().await?;
        two_factor::begin(&state(), &auth).await
    })
    .await
}

/// Confirms set-up with a code from the app: two-factor is on from now, and
/// the recovery codes shown during set-up work.
#[server(prefix = "/fn", endpoint = "account/two_factor/confirm")]
pub async fn confirm_two_factor(code: String) -> Result<(), AppError> {
    use crate::backend::accounts::two_factor;
    use crate::backend::{request, state};

    answer(async {
        let auth = request::require_user().await?;
        let cookie = two_factor::confirm(&state(), &auth, &code, &request::client()).await?;
        request::set_cookie(&cookie);
        request::redirect("/settings/account");
        Ok(())
    })
    .await
}

/// Turns two-factor off; needs the password and a current code (or a
/// recovery code).
#[server(prefix = "/fn", endpoint = "account/two_factor/disable")]
pub async fn disable_two_factor(current_password: String, code: String) -> Result<(), AppError> {
    use crate::backend::accounts::two_factor;
    use crate::backend::{request, state};

    answer(async {
        let auth = request::require_user().await?;
        let cookie = two_factor::disable(
            &state(),
            &auth,
            &current_password,
            &code,
            &request::client(),
        )
        .await?;
        request::set_cookie(&cookie);
        Ok(())
    })
    .await
}
