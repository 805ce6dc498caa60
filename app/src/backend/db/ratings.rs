//! The `ratings` table: each item's rating on each criterion.

use sqlx::{Any, Row, Transaction};

use super::Db;

/// The item's ratings: (criterion id, rating).
pub async fn for_item(db: &Db, item_id: i64) -> Result<Vec<(i64, f64)>, sqlx::Error> {
    sqlx::query_as("SELECT criterion_id, value FROM ratings WHERE item_id = $1")
        .bind(item_id)
        .fetch_all(db.reader())
        .await
}

/// The same, read inside a write.
pub async fn for_item_in(
    tx: &mut Transaction<'static, Any>,
    item_id: i64,
) -> Result<Vec<(i64, f64)>, sqlx::Error> {
    sqlx::query_as("SELECT criterion_id, value FROM ratings WHERE item_id = $1")
        .bind(item_id)
        .fetch_all(&mut **tx)
        .await
}

/// Rates the item `value` on the criterion, or takes the rating away.
pub async fn set(
    tx: &mut Transaction<'static, Any>,
    item_id: i64,
    criterion_id: i64,
    value: Option<f64>,
    actor_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    let query = match value {
        Some(value) => sqlx::query(
            "INSERT INTO ratings (item_id, criterion_id, value, rated_by, rated_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (item_id, criterion_id) \
             DO UPDATE SET value = excluded.value, rated_by = excluded.rated_by, rated_at = excluded.rated_at",
        )
        .bind(item_id)
        .bind(criterion_id)
        .bind(value)
        .bind(actor_id)
        .bind(now),
        None => sqlx::query("DELETE FROM ratings WHERE item_id = $1 AND criterion_id = $2")
            .bind(item_id)
            .bind(criterion_id),
    };
    query.execute(&mut **tx).await.map(drop)
}

/// The largest rating of each of `criteria` among the items other than
/// `except` (0 when none): one index lookup each.
pub async fn largest_except(
    db: &Db,
    criteria: &[i64],
    except: i64,
) -> Result<Vec<f64>, sqlx::Error> {
    let mut largest = Vec::with_capacity(criteria.len());
    for id in criteria {
        let max: Option<f64> = sqlx::query_scalar(
            "SELECT MAX(value) FROM ratings WHERE criterion_id = $1 AND item_id <> $2",
        )
        .bind(id)
        .bind(except)
        .fetch_one(db.reader())
        .await?;
        largest.push(max.unwrap_or(0.0));
    }
    Ok(largest)
}

/// The largest rating of each of `criteria` (0 when none), inside a write.
pub async fn largest_in(
    tx: &mut Transaction<'static, Any>,
    criteria: &[i64],
) -> Result<Vec<f64>, sqlx::Error> {
    let mut largest = Vec::with_capacity(criteria.len());
    for id in criteria {
        let max: Option<f64> =
            sqlx::query_scalar("SELECT MAX(value) FROM ratings WHERE criterion_id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
        largest.push(max.unwrap_or(0.0));
    }
    Ok(largest)
}

/// Every rating of the workspace's items, ordered by item: (item id,
/// criterion id, rating).
pub async fn all_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<Vec<(i64, i64, f64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.item_id, r.criterion_id, r.value FROM ratings r \
         JOIN items i ON i.id = r.item_id WHERE i.workspace_id = $1 ORDER BY r.item_id",
    )
    .bind(workspace_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
        .collect()
}

/// Rows per statement when ratings are written in bulk.
const RATINGS_PER_STATEMENT: usize = 200;

/// Writes many new ratings at once (a demo's): (item id, criterion id,
/// rating), all by `actor_id` at `now`.
pub async fn insert_many(
    tx: &mut Transaction<'static, Any>,
    rows: &[(i64, i64, f64)],
    actor_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(RATINGS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|n| format!("(${}, ${}, ${}, $1, $2)", n * 3 + 3, n * 3 + 4, n * 3 + 5))
            .collect();
        let sql = format!(
            "INSERT INTO ratings (item_id, criterion_id, value, rated_by, rated_at) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(actor_id).bind(now);
        for (item_id, criterion_id, value) in chunk {
            query = query.bind(*item_id).bind(*criterion_id).bind(*value);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
