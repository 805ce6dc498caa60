//! The `sign_in_failures` table: failed sign-ins per account and per client
//! address, which the throttle counts.

use super::Db;

pub const ACCOUNT: &str = "account";
pub const ADDRESS: &str = "address";

pub async fn record(db: &Db, scope: &str, subject: &str, now: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO sign_in_failures (scope, subject, at) VALUES ($1, $2, $3)")
        .bind(scope)
        .bind(subject)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// How many failures since `since`, and when the latest was.
pub async fn recent(
    db: &Db,
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
    .fetch_one(db.reader())
    .await
}

/// Forgets the failures of one subject (after a successful sign-in).
pub async fn clear(db: &Db, scope: &str, subject: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND subject = $2")
        .bind(scope)
        .bind(subject)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn purge_before(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let result = sqlx::query("DELETE FROM sign_in_failures WHERE at < $1")
        .bind(before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(result.rows_affected())
}
