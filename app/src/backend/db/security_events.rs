//! The `security_events` table: the security log admins read.

use sqlx::{Any, Row, Transaction};

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
    TwoFactorFailed,
    PasswordCheckFailed,
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
            Self::TwoFactorFailed => "two_factor_failed",
            Self::PasswordCheckFailed => "password_check_failed",
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
    insert(&mut tx, kind, &event, now_ms()).await?;
    tx.commit().await
}

async fn insert(
    tx: &mut Transaction<'static, Any>,
    kind: EventKind,
    event: &NewEvent<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    // What a client typed is kept short: the log is for people to read.
    let email: String = event.email.chars().take(254).collect();
    sqlx::query(
        "INSERT INTO security_events (at, last_at, kind, user_id, actor_id, email, ip, detail, repeats) \
         VALUES ($1, $1, $2, $3, $4, $5, $6, $7, 1)",
    )
    .bind(now)
    .bind(kind.as_str())
    .bind(event.user_id)
    .bind(event.actor_id)
    .bind(email)
    .bind(event.ip)
    .bind(event.detail)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Events of one kind from one address within this long are one row with
/// a count (and the first email tried), so a flood of refused requests —
/// with ever-new emails, too — cannot grow the log without bound.
pub const REPEAT_WINDOW_MS: i64 = 10 * 60 * 1000;

/// How long the log keeps events.
pub const RETENTION_MS: i64 = 180 * 24 * 60 * 60 * 1000;

/// Records an event that may repeat many times (a refused sign-in): the
/// latest row of the same kind and address within [`REPEAT_WINDOW_MS`] is
/// counted up instead of a new row written.
pub async fn record_repeated(
    db: &Db,
    kind: EventKind,
    event: NewEvent<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    db.lock_subject(&mut tx, &["security_events", kind.as_str(), event.ip])
        .await?;
    let counted = sqlx::query(
        "UPDATE security_events SET repeats = repeats + 1, last_at = $3 WHERE id = \
         (SELECT id FROM security_events WHERE kind = $1 AND ip = $2 AND at > $4 \
          ORDER BY id DESC LIMIT 1)",
    )
    .bind(kind.as_str())
    .bind(event.ip)
    .bind(now)
    .bind(now - REPEAT_WINDOW_MS)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if counted == 0 {
        insert(&mut tx, kind, &event, now).await?;
    }
    tx.commit().await
}

/// Deletes events older than the retention (the `security_events_at`
/// index serves this).
pub async fn purge_before(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let result = sqlx::query("DELETE FROM security_events WHERE at < $1")
        .bind(before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(result.rows_affected())
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
    /// How many times it happened within [`REPEAT_WINDOW_MS`] of each other.
    pub repeats: i64,
}

/// The newest events first, older than `before_id` when paging.
pub async fn list_recent(
    db: &Db,
    limit: i64,
    before_id: Option<i64>,
) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.id, e.at, e.kind, u.email AS user_email, a.email AS actor_email, e.email, e.ip, e.detail, e.repeats \
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
                repeats: row.try_get("repeats")?,
            })
        })
        .collect()
}
