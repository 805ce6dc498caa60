//! Server-side sessions: a 256-bit random token in an HttpOnly cookie, only
//! its SHA-256 in the database. Sliding idle expiry plus an absolute
//! lifetime; a fresh token at sign-in and at every privilege change.

use http::request::Parts;

use crate::backend::AppState;
use crate::backend::auth::client::{ClientInfo, TrustedProxy};
use crate::backend::auth::token::SecretToken;
use crate::backend::db::now_ms;
use crate::backend::db::sessions::{self, NewSession};
use crate::backend::db::users::UserRow;
use crate::model::CurrentUser;

/// Don't write `last_seen_at` on every request: once a minute is precise
/// enough for a 7-day idle expiry.
const TOUCH_EVERY_MS: i64 = 60 * 1000;
/// How long the step between password and two-factor code may take.
pub const CHALLENGE_LIFETIME_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// `https://roadmap.example.com`, without a trailing slash.
    pub public_url: String,
    pub session_idle_ms: i64,
    pub session_max_ms: i64,
    pub trusted_proxies: Vec<TrustedProxy>,
    /// REST API requests one token may make a minute; calls without a valid
    /// token get a tenth of it per address.
    pub api_rate_limit: i64,
    /// How many workspaces one account may make.
    pub workspaces: crate::backend::workspaces::WorkspaceLimits,
}

impl AuthSettings {
    pub const DEFAULT_IDLE_DAYS: i64 = 7;
    pub const DEFAULT_LIFETIME_DAYS: i64 = 30;

    pub fn new(public_url: impl Into<String>) -> Self {
        Self {
            public_url: public_url.into(),
            session_idle_ms: Self::DEFAULT_IDLE_DAYS * DAY_MS,
            session_max_ms: Self::DEFAULT_LIFETIME_DAYS * DAY_MS,
            trusted_proxies: Vec::new(),
            api_rate_limit: 600,
            workspaces: Default::default(),
        }
    }

    /// Cookies are `Secure` (and `__Host-` prefixed) when users reach the
    /// site over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies() {
            "__Host-waymark_session"
        } else {
            "waymark_session"
        }
    }

    pub fn challenge_cookie_name(&self) -> &'static str {
        if self.secure_cookies() {
            "__Host-waymark_2fa"
        } else {
            "waymark_2fa"
        }
    }

    /// A `Set-Cookie` value for a secret cookie.
    pub fn cookie(&self, name: &str, value: &str, max_age_ms: i64) -> String {
        let secure = if self.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        format!(
            "{name}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
            max_age_ms / 1000
        )
    }

    pub fn expired_cookie(&self, name: &str) -> String {
        self.cookie(name, "", 0)
    }

    /// A `Set-Cookie` value that hands a secret just made (a new link) to
    /// the next load of the page at `path`: after a form post without
    /// JavaScript the page reloads and the post's answer is gone. Five
    /// minutes, that path only, never sent from another site.
    pub fn hand_off_cookie(&self, name: &str, value: &str, path: &str) -> String {
        let secure = if self.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        format!("{name}={value}; Path={path}; Max-Age=300; HttpOnly; SameSite=Strict{secure}")
    }
}

pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A request's signed-in user and the session it came with.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The session signed in with; 0 for an API token.
    pub session_id: i64,
    pub user: UserRow,
    /// For an API token, what it may do: its scope caps the user's role
    /// in every workspace. `None` for a browser session.
    pub scope: Option<crate::model::TokenScope>,
}

impl Authenticated {
    pub fn current_user(&self) -> CurrentUser {
        CurrentUser {
            id: self.user.id,
            email: self.user.email.clone(),
            display_name: self.user.display_name.clone(),
            is_admin: self.user.is_admin,
            two_factor: self.user.totp_secret.is_some(),
            workspaces: Vec::new(),
        }
    }
}

/// Reads a cookie's value from the request headers.
pub fn read_cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
}

/// The live session the request's cookie names, if any.
pub async fn authenticate(
    state: &AppState,
    parts: &Parts,
) -> Result<Option<Authenticated>, sqlx::Error> {
    let settings = &state.auth;
    let Some(token) =
        read_cookie(parts, settings.session_cookie_name()).and_then(SecretToken::from_client)
    else {
        return Ok(None);
    };
    let now = now_ms();
    let found =
        sessions::find_live(&state.db, &token.hash().0, now, settings.session_idle_ms).await?;
    let Some((session, user)) = found else {
        return Ok(None);
    };
    if now - session.last_seen_at > TOUCH_EVERY_MS {
        sessions::touch(&state.db, session.id, now).await?;
    }
    Ok(Some(Authenticated {
        session_id: session.id,
        user,
        scope: None,
    }))
}

/// Creates a session for a user and returns the `Set-Cookie` value that
/// hands its token to the browser.
pub async fn start(
    state: &AppState,
    user_id: i64,
    client: &ClientInfo,
) -> Result<String, sqlx::Error> {
    let settings = &state.auth;
    let token = SecretToken::generate();
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    sessions::insert(
        &mut tx,
        NewSession {
            token_hash: &token.hash().0,
            user_id,
            now,
            expires_at: now + settings.session_max_ms,
            user_agent: &client.user_agent,
            ip: &client.ip,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(settings.cookie(
        settings.session_cookie_name(),
        token.as_str(),
        settings.session_max_ms,
    ))
}

/// Replaces the current session with a new one (new token), for privilege
/// changes; returns the new cookie.
pub async fn rotate(
    state: &AppState,
    current: &Authenticated,
    client: &ClientInfo,
) -> Result<String, sqlx::Error> {
    let mut tx = state.db.begin().await?;
    sessions::delete_one(&mut tx, current.user.id, current.session_id).await?;
    tx.commit().await?;
    start(state, current.user.id, client).await
}

/// Ends the request's session (if any) and returns the cookie that clears it
/// in the browser.
pub async fn end(state: &AppState, parts: &Parts) -> Result<String, sqlx::Error> {
    let settings = &state.auth;
    if let Some(token) =
        read_cookie(parts, settings.session_cookie_name()).and_then(SecretToken::from_client)
    {
        sessions::delete_by_token_hash(&state.db, &token.hash().0).await?;
    }
    Ok(settings.expired_cookie(settings.session_cookie_name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hand_off_cookie_reaches_one_path_for_five_minutes() {
        let plain = AuthSettings::new("http://127.0.0.1:3000");
        assert_eq!(
            plain.hand_off_cookie("waymark_new_reset_link", "t0k", "/admin/users"),
            "waymark_new_reset_link=t0k; Path=/admin/users; Max-Age=300; HttpOnly; SameSite=Strict"
        );
        let secure = AuthSettings::new("https://roadmap.example.com");
        assert!(
            secure
                .hand_off_cookie("n", "v", "/w/team/settings/members")
                .ends_with("; Path=/w/team/settings/members; Max-Age=300; HttpOnly; SameSite=Strict; Secure")
        );
    }

    #[test]
    fn cookies_over_http_are_plain_and_http_only() {
        let settings = AuthSettings::new("http://127.0.0.1:3000");
        assert_eq!(settings.session_cookie_name(), "waymark_session");
        let cookie = settings.cookie("waymark_session", "abc", 30 * DAY_MS);
        assert_eq!(
            cookie,
            "waymark_session=abc; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax"
        );
    }

    #[test]
    fn cookies_over_https_are_secure_and_host_prefixed() {
        let settings = AuthSettings::new("https://roadmap.example.com");
        assert_eq!(settings.session_cookie_name(), "__Host-waymark_session");
        let cookie = settings.cookie(settings.session_cookie_name(), "abc", DAY_MS);
        assert!(
            cookie.ends_with("; HttpOnly; SameSite=Lax; Secure"),
            "{cookie}"
        );
        assert!(cookie.contains("Path=/;"), "__Host- cookies need Path=/");
        assert!(
            !cookie.contains("Domain"),
            "__Host- cookies must not name a domain"
        );
    }
}
