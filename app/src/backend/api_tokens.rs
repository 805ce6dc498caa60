//! API tokens: made, listed and revoked by their user in
//! `/settings/tokens`, and checked on every REST API request. A token
//! acts as its user, capped by its scope (see `access::permit`).

use crate::backend::auth::api_token::ApiToken;
use crate::backend::auth::session::Authenticated;
use crate::backend::auth::session::read_cookie;
use crate::backend::db::api_tokens::{self, NewToken, TokenRow};
use crate::backend::db::{api_rate_limits, now_ms, users};
use crate::backend::{AppState, format_time, request};
use crate::error::AppError;
use crate::model::{
    ApiTokenInfo, ApiTokenList, MAX_API_TOKENS, MAX_TOKEN_DAYS, MAX_TOKEN_NAME, NewApiToken,
    TokenScope,
};

/// A use is recorded at most this often per token.
const TOUCH_EVERY_MS: i64 = 60_000;

fn info(row: &TokenRow, now: i64) -> ApiTokenInfo {
    ApiTokenInfo {
        id: row.id,
        name: row.name.clone(),
        scope: row.scope,
        created: format_time(row.created_at),
        last_used: row.last_used_at.map(format_time),
        expires: row.expires_at.map(format_time),
        expired: row.expires_at.is_some_and(|at| at <= now),
    }
}

/// The cookie that holds a token just made, for five minutes, so that the
/// page loaded after a form post without JavaScript can show it once more.
const NEW_TOKEN_COOKIE: &str = "waymark_new_api_token";

/// The user's tokens, newest first, expired ones marked; and the token
/// this browser made in the last five minutes, while it is live.
pub async fn list(state: &AppState, actor: &Authenticated) -> Result<ApiTokenList, AppError> {
    let now = now_ms();
    let rows = api_tokens::list_for_user(&state.db, actor.user.id).await?;
    let new_token = read_cookie(&request::parts(), NEW_TOKEN_COOKIE)
        .as_deref()
        .and_then(ApiToken::from_client)
        .filter(|token| {
            let hash = token.hash();
            rows.iter()
                .any(|row| row.token_hash == hash && row.expires_at.is_none_or(|at| at > now))
        })
        .map(|token| token.reveal().to_owned());
    Ok(ApiTokenList {
        tokens: rows.iter().map(|row| info(row, now)).collect(),
        new_token,
    })
}

/// Keeps a token just made in a cookie for its page (see [`list`]).
pub fn remember_new(state: &AppState, made: &NewApiToken) {
    let secure = if state.auth.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    request::set_cookie(&format!(
        "{NEW_TOKEN_COOKIE}={}; Path=/settings/tokens; Max-Age=300; HttpOnly; SameSite=Strict{secure}",
        made.token
    ));
}

/// Makes a token called `name` with `scope` (`read` or `write`), working
/// for `days` (none: until revoked). The token is in the answer, once.
pub async fn create(
    state: &AppState,
    actor: &Authenticated,
    name: &str,
    scope: &str,
    days: Option<i64>,
) -> Result<NewApiToken, AppError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_TOKEN_NAME
        || name.chars().any(char::is_control)
    {
        return Err(AppError::invalid(
            "name",
            format!("a name of 1 to {MAX_TOKEN_NAME} characters, to recognise the token by"),
        ));
    }
    let scope = TokenScope::parse(scope.trim())
        .ok_or_else(|| AppError::invalid("scope", "choose read, or read and write"))?;
    if days.is_some_and(|d| !(1..=MAX_TOKEN_DAYS).contains(&d)) {
        return Err(AppError::invalid(
            "days",
            format!("a token lasts from 1 to {MAX_TOKEN_DAYS} days, or until it is revoked"),
        ));
    }
    let token = ApiToken::generate();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    // Two tabs making tokens at once must not both pass the count.
    state
        .db
        .lock_subject(&mut tx, &["api_tokens", &actor.user.id.to_string()])
        .await?;
    if api_tokens::count_for_user(&mut tx, actor.user.id).await? >= MAX_API_TOKENS as i64 {
        return Err(AppError::invalid(
            "name",
            format!("at most {MAX_API_TOKENS} tokens; revoke one first"),
        ));
    }
    let new = NewToken {
        user_id: actor.user.id,
        name,
        token_hash: &token.hash(),
        scope,
        expires_at: days.map(|d| now + d * 86_400_000),
    };
    let id = api_tokens::insert(&mut tx, new).await?;
    tx.commit().await?;
    let row = TokenRow {
        id,
        user_id: actor.user.id,
        name: name.to_owned(),
        token_hash: token.hash(),
        scope,
        created_at: now,
        last_used_at: None,
        expires_at: days.map(|d| now + d * 86_400_000),
    };
    Ok(NewApiToken {
        token: token.reveal().to_owned(),
        info: info(&row, now),
    })
}

/// Revokes one of the user's tokens: from now on it is refused.
pub async fn revoke(state: &AppState, actor: &Authenticated, id: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if !api_tokens::delete(&mut tx, actor.user.id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// A request's bearer token, checked: the user it acts as, with its scope,
/// and the token's id (what its rate limit counts by).
pub struct Bearer {
    pub actor: Authenticated,
    pub token_id: i64,
}

/// The user an `Authorization` header's bearer token acts as, with its
/// scope. A missing, malformed, unknown, revoked or expired token, or one
/// whose user is disabled, is `Unauthorized`.
pub async fn authenticate(
    state: &AppState,
    authorization: Option<&str>,
) -> Result<Bearer, AppError> {
    let token = authorization
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .and_then(ApiToken::from_client)
        .ok_or(AppError::Unauthorized)?;
    let now = now_ms();
    let row = api_tokens::find_live(&state.db, &token.hash(), now)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let user = users::find_by_id(&state.db, row.user_id)
        .await?
        .filter(|user| !user.disabled)
        .ok_or(AppError::Unauthorized)?;
    if row.last_used_at.is_none_or(|at| now - at > TOUCH_EVERY_MS) {
        api_tokens::touch(&state.db, row.id, now).await?;
    }
    Ok(Bearer {
        actor: Authenticated {
            session_id: 0,
            user,
            scope: Some(row.scope),
        },
        token_id: row.id,
    })
}

/// The window a rate limit counts requests in.
pub const RATE_WINDOW_MS: i64 = 60_000;

/// Where a caller stands against its rate limit after one more request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: i64,
    /// Requests left in this window (0 once over).
    pub remaining: i64,
    /// Seconds until the window ends and the count starts again.
    pub reset_secs: i64,
    /// This request was one too many.
    pub exceeded: bool,
}

/// Counts a request against the limit of `bucket` (`t<token id>`, or
/// `a<address>` for a call without a valid token). The count lives in the
/// database, so every instance counts against the same limit.
pub async fn count_request(
    state: &AppState,
    bucket: &str,
    limit: i64,
) -> Result<RateLimit, AppError> {
    let now = now_ms();
    let window_start = now - now.rem_euclid(RATE_WINDOW_MS);
    let count = api_rate_limits::hit(&state.db, bucket, window_start).await?;
    Ok(RateLimit {
        limit,
        remaining: (limit - count).max(0),
        reset_secs: (window_start + RATE_WINDOW_MS - now + 999) / 1000,
        exceeded: count > limit,
    })
}
