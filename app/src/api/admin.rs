//! Instance administration: users, the sign-up policy and the security log.
//! Every function requires an instance admin; the rules are in
//! `backend::accounts::admin`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{SecurityEvent, SignUpMode, UserSummary};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "admin/users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    use crate::backend::accounts::admin;
    use crate::backend::{request, state};

    answer(async {
        request::require_admin().await?;
        admin::users(&state()).await
    })
    .await
}

/// Disables (or re-enables) an account. Disabling ends its sessions at once.
#[server(prefix = "/fn", endpoint = "admin/users/disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    use crate::backend::accounts::admin;
    use crate::backend::{request, state};

    answer(async {
        let caller = request::require_admin().await?;
        admin::set_disabled(&state(), &caller, user_id, disabled, &request::client()).await
    })
    .await
}

/// Makes a one-time link that lets the user set a new password; the admin
/// passes it on (no email server needed). Returns the full URL.
#[server(prefix = "/fn", endpoint = "admin/users/reset_link")]
pub async fn create_password_reset_link(user_id: i64) -> Result<String, AppError> {
    use crate::backend::accounts::admin;
    use crate::backend::{request, state};

    answer(async {
        let state = state();
        let caller = request::require_admin().await?;
        let link = admin::create_reset_link(&state, &caller, user_id, &request::client()).await?;
        // Without JavaScript the page reloads after this post and the
        // returned link would be lost: hand it to the next page load in a
        // short-lived cookie only the admin pages receive.
        request::set_cookie(&state.auth.hand_off_cookie(
            NEW_RESET_LINK_COOKIE,
            link.token.as_str(),
            "/admin/users",
        ));
        Ok(link.url)
    })
    .await
}

#[cfg(feature = "ssr")]
const NEW_RESET_LINK_COOKIE: &str = "waymark_new_reset_link";

/// The reset link this admin made in the last five minutes, for the page
/// that shows it after a form post without JavaScript.
#[server(prefix = "/fn", endpoint = "admin/users/new_reset_link")]
pub async fn load_new_reset_link() -> Result<Option<String>, AppError> {
    use crate::backend::accounts::admin;
    use crate::backend::auth::session::read_cookie;
    use crate::backend::{request, state};

    answer(async {
        request::require_admin().await?;
        let token = read_cookie(&request::parts(), NEW_RESET_LINK_COOKIE);
        admin::live_reset_link(&state(), token).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/sign_up_mode")]
pub async fn load_sign_up_mode() -> Result<SignUpMode, AppError> {
    use crate::backend::{accounts, request, state};

    answer(async {
        request::require_admin().await?;
        accounts::sign_up_mode(&state()).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "admin/sign_up_mode/set")]
pub async fn set_sign_up_mode(mode: String) -> Result<(), AppError> {
    use crate::backend::accounts::admin;
    use crate::backend::{request, state};

    answer(async {
        let caller = request::require_admin().await?;
        let mode = SignUpMode::parse(&mode)
            .ok_or_else(|| AppError::invalid("mode", "choose open or invite-only"))?;
        admin::set_sign_up_mode(&state(), &caller, mode, &request::client()).await
    })
    .await
}

/// The newest security events, 100 at a time; `before` pages back.
#[server(prefix = "/fn", endpoint = "admin/security_log")]
pub async fn load_security_log(before: Option<i64>) -> Result<Vec<SecurityEvent>, AppError> {
    use crate::backend::accounts::admin;
    use crate::backend::{request, state};

    answer(async {
        request::require_admin().await?;
        admin::security_log(&state(), 100, before).await
    })
    .await
}
