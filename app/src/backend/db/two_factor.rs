//! Two-factor tables: the pending challenge between password and code, and
//! the single-use recovery codes.

use sqlx::{Any, Transaction};

use super::Db;

/// Attempts at a code before the challenge is void and the password must be
/// entered again.
pub const MAX_CHALLENGE_ATTEMPTS: i64 = 5;

pub async fn insert_challenge(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO two_factor_challenges (token_hash, user_id, expires_at, attempts) VALUES ($1, $2, $3, 0)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Counts one attempt at the challenge and returns its user, while the
/// challenge is live and has attempts left.
pub async fn attempt_challenge(
    tx: &mut Transaction<'static, Any>,
    token_hash: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE two_factor_challenges SET attempts = attempts + 1 \
         WHERE token_hash = $1 AND expires_at > $2 AND attempts < $3 RETURNING user_id",
    )
    .bind(token_hash)
    .bind(now)
    .bind(MAX_CHALLENGE_ATTEMPTS)
    .fetch_optional(&mut **tx)
    .await
}

pub async fn delete_challenge(
    tx: &mut Transaction<'static, Any>,
    token_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM two_factor_challenges WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&mut **tx)
        .await
        .map(drop)
}

pub async fn purge_challenges(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let result = sqlx::query("DELETE FROM two_factor_challenges WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(result.rows_affected())
}

/// Replaces a user's recovery codes with new ones (hashes only).
pub async fn replace_recovery_codes(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    code_hashes: &[String],
) -> Result<(), sqlx::Error> {
    delete_recovery_codes(tx, user_id).await?;
    for hash in code_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn delete_recovery_codes(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Marks an unused recovery code as used; false if there is no such unused
/// code for this user.
pub async fn use_recovery_code(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    code_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(code_hash)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() >= 1)
}

pub async fn unused_recovery_codes(db: &Db, user_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
        .bind(user_id)
        .fetch_one(db.reader())
        .await
}
