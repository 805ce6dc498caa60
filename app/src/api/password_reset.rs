//! Setting a new password through a one-time link an admin made.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

/// Whether a reset link still works (for the page to say so up front).
#[server(prefix = "/fn", endpoint = "password_reset/check")]
pub async fn check_reset_link(token: String) -> Result<bool, AppError> {
    use crate::backend::accounts::password_reset;
    use crate::backend::state;

    answer(async { password_reset::link_works(&state(), token).await }).await
}

/// Uses the link: sets the password, ends every session of the account,
/// revokes its API tokens (whoever took the account over may hold them)
/// and signs this browser in, or asks for the second factor when it is on.
#[server(prefix = "/fn", endpoint = "password_reset")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    use crate::backend::accounts::password_reset;
    use crate::backend::{request, state};

    answer(async {
        let step =
            password_reset::reset(&state(), token, &new_password, &request::client()).await?;
        crate::api::auth::go_on(step, "/");
        Ok(())
    })
    .await
}
