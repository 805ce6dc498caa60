//! The signed-in user's API tokens (`/settings/tokens`): list, make,
//! revoke. Tokens authenticate the REST API only (`/api/v1`); these
//! functions, like every server function, take the session cookie.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ApiTokenList, NewApiToken};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "account/tokens")]
pub async fn load_api_tokens() -> Result<ApiTokenList, AppError> {
    use crate::backend::{api_tokens, request, state};

    answer(async {
        let actor = request::require_user().await?;
        api_tokens::list(&state(), &actor).await
    })
    .await
}

/// Makes a token: `scope` is `read` or `write`; `days` empty for one that
/// works until it is revoked.
#[server(prefix = "/fn", endpoint = "account/tokens/create")]
pub async fn create_api_token(
    name: String,
    scope: String,
    days: Option<String>,
) -> Result<NewApiToken, AppError> {
    use crate::backend::{api_tokens, request, state};

    answer(async {
        let actor = request::require_user().await?;
        let days = match days.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<i64>().map_err(|_| {
                AppError::invalid("days", "a number of days, or nothing for no expiry")
            })?),
        };
        let state = state();
        let made = api_tokens::create(&state, &actor, &name, &scope, days).await?;
        api_tokens::remember_new(&state, &made);
        Ok(made)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "account/tokens/revoke")]
pub async fn revoke_api_token(token_id: i64) -> Result<(), AppError> {
    use crate::backend::{api_tokens, request, state};

    answer(async {
        let actor = request::require_user().await?;
        api_tokens::revoke(&state(), &actor, token_id).await
    })
    .await
}
