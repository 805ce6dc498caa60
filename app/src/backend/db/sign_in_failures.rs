//! The `sign_in_failures` table: failed (and pending) guesses at a secret,
//! per scope and subject, which the throttle counts.

use sqlx::{Any, Transaction};

use super::Db;

/// Records an attempt; returns its id.
pub async fn record(
    tx: &mut Transaction<'static, Any>,
    scope: &str,
    subject: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO sign_in_failures (scope, subject, at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(scope)
    .bind(subject)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// How many failures since `since`, and when the latest was.
pub async fn recent(
    tx: &mut Transaction<'static, Any>,
    scope: &str,
    subject: &str,
    since: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    sqlx::query_as(
        "SELECT COUNT(*), MAX(at) FROM sign_in_failures WHERE scope = $1 AND subject = $2 AND at > $3",
    )
    .bind(scope)
    .bind(subject)
    .bind(since)
    .fetch_one(&mut **tx)
    .await
}

/// Forgets every failure of one subject (after a successful sign-in).
pub async fn clear(
    tx: &mut Transaction<'static, Any>,
    scope: &str,
    subject: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND subject = $2")
        .bind(scope)
        .bind(subject)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Forgets one recorded attempt.
pub async fn delete(tx: &mut Transaction<'static, Any>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sign_in_failures WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Deletes records older than `before` (the `sign_in_failures_at` index
/// serves this).
pub async fn purge_before(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let result = sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(result.rows_affected())
}
