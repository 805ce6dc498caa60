//! The `users` table.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Db, flag, is_unique_violation, now_ms};

#[derive(Clone)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub disabled: bool,
    pub totp_secret: Option<String>,
    pub totp_pending_secret: Option<String>,
    /// Newline-separated, during two-factor set-up only.
    pub totp_pending_recovery_codes: Option<String>,
    pub totp_last_step: Option<i64>,
    pub created_at: i64,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("is_admin", &self.is_admin)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "id, email, display_name, password_hash, is_admin, disabled, \
                       totp_secret, totp_pending_secret, totp_pending_recovery_codes, totp_last_step, created_at";

fn from_row(row: &AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
        is_admin: flag(row, "is_admin")?,
        disabled: flag(row, "disabled")?,
        totp_secret: row.try_get("totp_secret")?,
        totp_pending_secret: row.try_get("totp_pending_secret")?,
        totp_pending_recovery_codes: row.try_get("totp_pending_recovery_codes")?,
        totp_last_step: row.try_get("totp_last_step")?,
        created_at: row.try_get("created_at")?,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

pub struct NewUser<'a> {
    /// Already normalised (trimmed, lower-case).
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
}

pub async fn count_in(tx: &mut Transaction<'static, Any>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut **tx)
        .await
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    user: NewUser<'_>,
) -> Result<i64, CreateUserError> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO users (email, display_name, password_hash, is_admin, disabled, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $5) RETURNING id",
    )
    .bind(user.email)
    .bind(user.display_name)
    .bind(user.password_hash)
    .bind(i64::from(user.is_admin))
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|err| {
        if is_unique_violation(&err) {
            CreateUserError::EmailTaken
        } else {
            CreateUserError::Db(err)
        }
    })
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
        .bind(email)
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every user with their count of live sessions, oldest account first.
pub async fn list_with_session_counts(
    db: &Db,
    now: i64,
) -> Result<Vec<(UserRow, i64)>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS}, \
           (SELECT COUNT(*) FROM sessions s WHERE s.user_id = users.id AND s.expires_at > $1) AS live_sessions \
         FROM users ORDER BY id"
    ))
    .bind(now)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| Ok((from_row(row)?, row.try_get("live_sessions")?)))
        .collect()
}

pub async fn set_display_name(db: &Db, id: i64, name: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET display_name = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn set_email(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    email: &str,
) -> Result<(), CreateUserError> {
    sqlx::query("UPDATE users SET email = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(email)
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map_err(|err| {
            if is_unique_violation(&err) {
                CreateUserError::EmailTaken
            } else {
                CreateUserError::Db(err)
            }
        })?;
    Ok(())
}

pub async fn set_password_hash(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .bind(now_ms())
        .execute(&mut **tx)
        .await
        .map(drop)
}

pub async fn set_disabled(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    disabled: bool,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(i64::from(disabled))
        .bind(now_ms())
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Stores the secret and recovery codes of a two-factor set-up in progress.
pub async fn set_pending_totp(
    db: &Db,
    id: i64,
    secret: &str,
    recovery_codes: &[String],
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE users SET totp_pending_secret = $2, totp_pending_recovery_codes = $3, updated_at = $4 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(secret)
    .bind(recovery_codes.join("\n"))
    .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Turns two-factor on (with the confirmed secret) or off (`None`).
pub async fn set_totp_secret(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    secret: Option<&str>,
    last_step: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_pending_secret = NULL, \
         totp_pending_recovery_codes = NULL, totp_last_step = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(secret)
    .bind(last_step)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Records the time step of an accepted code, unless a newer one already
/// was: false means the code was used before (a replay).
pub async fn claim_totp_step(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE users SET totp_last_step = $2 \
         WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(id)
    .bind(step)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
