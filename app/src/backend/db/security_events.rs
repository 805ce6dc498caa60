//! The `security_events` table: the security log admins read.

use sqlx::Row;

use super::{Db, now_ms};

/// What happened. Stored as text, so keep these stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    SignIn,
    SignInFailed,
    SignInThrottled,
    SignOut,
    SignUp,
    PasswordChanged,
    PasswordReset,
    PasswordResetLinkCreated,
    EmailChanged,
    TwoFactorEnabled,
    TwoFactorDisabled,
    RecoveryCodeUsed,
    SessionRevoked,
    OtherSessionsRevoked,
    UserDisabled,
    UserEnabled,
    SignUpModeChanged,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignInFailed => "sign_in_failed",
            Self::SignInThrottled => "sign_in_throttled",
            Self::SignOut => "sign_out",
            Self::SignUp => "sign_up",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::PasswordResetLinkCreated => "password_reset_link_created",
            Self::EmailChanged => "email_changed",
            Self::TwoFactorEnabled => "two_factor_enabled",
            Self::TwoFactorDisabled => "two_factor_disabled",
            Self::RecoveryCodeUsed => "recovery_code_used",
            Self::SessionRevoked => "session_revoked",
            Self::OtherSessionsRevoked => "other_sessions_revoked",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::SignUpModeChanged => "sign_up_mode_changed",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    pub user_id: Option<i64>,
    pub actor_id: Option<i64>,
    pub email: &'a str,
    pub ip: &'a str,
    pub detail: &'a str,
}

pub async fn record(db: &Db, kind: EventKind, event: NewEvent<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO security_events (at, kind, user_id, actor_id, email, ip, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now_ms())
    .bind(kind.as_str())
    .bind(event.user_id)
    .bind(event.actor_id)
    .bind(event.email)
    .bind(event.ip)
    .bind(event.detail)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone)]
pub struct EventRow {
    pub id: i64,
    pub at: i64,
    pub kind: String,
    pub user_email: Option<String>,
    pub actor_email: Option<String>,
    pub email: String,
    pub ip: String,
    pub detail: String,
}

/// The newest events first, older than `before_id` when paging.
pub async fn list_recent(
    db: &Db,
    limit: i64,
    before_id: Option<i64>,
) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.id, e.at, e.kind, u.email AS user_email, a.email AS actor_email, e.email, e.ip, e.detail \
         FROM security_events e \
         LEFT JOIN users u ON u.id = e.user_id \
         LEFT JOIN users a ON a.id = e.actor_id \
         WHERE e.id < $1 ORDER BY e.id DESC LIMIT $2",
    )
    .bind(before_id.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(EventRow {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                kind: row.try_get("kind")?,
                user_email: row.try_get("user_email")?,
                actor_email: row.try_get("actor_email")?,
                email: row.try_get("email")?,
                ip: row.try_get("ip")?,
                detail: row.try_get("detail")?,
            })
        })
        .collect()
}

/// The kinds of the events about one user, newest first.
pub async fn kinds_for_user(db: &Db, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT kind FROM security_events WHERE user_id = $1 ORDER BY id DESC")
        .bind(user_id)
        .fetch_all(db.reader())
        .await
}
