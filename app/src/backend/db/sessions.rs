//! The `sessions` table: one row per signed-in browser, keyed by the hash of
//! the token in its cookie.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::users::UserRow;
use super::{Db, flag};

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub user_agent: String,
    pub ip: String,
}

fn from_row(row: &AnyRow) -> Result<SessionRow, sqlx::Error> {
    Ok(SessionRow {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
        user_agent: row.try_get("user_agent")?,
        ip: row.try_get("ip")?,
    })
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub now: i64,
    pub expires_at: i64,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    session: NewSession<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent, ip) \
         VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING id",
    )
    .bind(session.token_hash)
    .bind(session.user_id)
    .bind(session.now)
    .bind(session.expires_at)
    .bind(session.user_agent)
    .bind(session.ip)
    .fetch_one(&mut **tx)
    .await
}

/// The live session for a token hash and its user: not past its absolute
/// end, not idle for longer than `idle_ms`, and the user not disabled.
pub async fn find_live(
    db: &Db,
    token_hash: &str,
    now: i64,
    idle_ms: i64,
) -> Result<Option<(SessionRow, UserRow)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.user_agent, s.ip, \
                u.email, u.display_name, u.password_hash, u.is_admin, u.disabled, u.totp_secret, \
                u.totp_pending_secret, u.totp_pending_recovery_codes, u.totp_last_step, \
                u.created_at AS user_created_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .bind(now - idle_ms)
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let session = from_row(&row)?;
    let user = UserRow {
        id: session.user_id,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        is_admin: flag(&row, "is_admin")?,
        disabled: flag(&row, "disabled")?,
        totp_secret: row.try_get("totp_secret")?,
        totp_pending_secret: row.try_get("totp_pending_secret")?,
        totp_pending_recovery_codes: row.try_get("totp_pending_recovery_codes")?,
        totp_last_step: row.try_get("totp_last_step")?,
        created_at: row.try_get("user_created_at")?,
    };
    Ok(Some((session, user)))
}

/// Slides the idle expiry forward.
pub async fn touch(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn list_live_for_user(
    db: &Db,
    user_id: i64,
    now: i64,
    idle_ms: i64,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, user_id, created_at, last_seen_at, expires_at, user_agent, ip FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY last_seen_at DESC",
    )
    .bind(user_id)
    .bind(now)
    .bind(now - idle_ms)
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn delete_by_token_hash(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Ends one session of a user; false when it is not theirs or gone already.
pub async fn delete_one(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    session_id: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(session_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Ends every session of a user but `keep` (when given); returns how many.
pub async fn delete_all_for_user(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    keep: Option<i64>,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(-1))
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected())
}

/// Removes sessions past their absolute end or idle for too long.
pub async fn purge_expired(db: &Db, now: i64, idle_ms: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let result = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now)
        .bind(now - idle_ms)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(result.rows_affected())
}
