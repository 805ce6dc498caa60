//! The `api_rate_limits` table: how many requests each REST API caller made
//! in the current window.

use super::Db;

/// Counts one request of `bucket` in the window that started at
/// `window_start` (a new window starts the count again); returns the count
/// so far, this request included. One statement, so concurrent requests,
/// on this instance or another, each get their own number.
pub async fn hit(db: &Db, bucket: &str, window_start: i64) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let count = sqlx::query_scalar(
        "INSERT INTO api_rate_limits (bucket, window_start, count) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket) DO UPDATE SET \
           count = CASE WHEN api_rate_limits.window_start = excluded.window_start \
                   THEN api_rate_limits.count + 1 ELSE 1 END, \
           window_start = excluded.window_start \
         RETURNING count",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(count)
}

/// Forgets the windows that ended before `before`.
pub async fn purge(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("DELETE FROM api_rate_limits WHERE window_start < $1")
        .bind(before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
