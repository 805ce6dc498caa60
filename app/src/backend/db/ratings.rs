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

/// Each distinct rating of the criterion and how many items have it.
pub async fn tally(db: &Db, criterion_id: i64) -> Result<Vec<(f64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT value, COUNT(*) FROM ratings WHERE criterion_id = $1 GROUP BY value")
        .bind(criterion_id)
        .fetch_all(db.reader())
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

/// The largest rating of each of `criteria` (0 when none), leaving out the
/// item `except` when one is given: one statement, each criterion's
/// largest read off the `(criterion_id, value)` index.
fn largest_sql(criteria: &[i64], except: Option<i64>) -> String {
    // Ids come from the database, so they are written in as numbers.
    let ids: Vec<String> = criteria.iter().map(i64::to_string).collect();
    format!(
        "SELECT criterion_id, MAX(value) FROM ratings WHERE criterion_id IN ({}){} \
         GROUP BY criterion_id",
        ids.join(", "),
        except.map_or_else(String::new, |id| format!(" AND item_id <> {id}"))
    )
}

fn in_order(criteria: &[i64], found: Vec<(i64, f64)>) -> Vec<f64> {
    criteria
        .iter()
        .map(|id| {
            found
                .iter()
                .find(|(c, _)| c == id)
                .map_or(0.0, |(_, max)| *max)
        })
        .collect()
}

/// The largest rating of each of `criteria` among the workspace's items,
/// leaving out `except` when given (0 when none).
pub async fn largest(
    db: &Db,
    criteria: &[i64],
    except: Option<i64>,
) -> Result<Vec<f64>, sqlx::Error> {
    if criteria.is_empty() {
        return Ok(Vec::new());
    }
    let found = sqlx::query_as(&largest_sql(criteria, except))
        .fetch_all(db.reader())
        .await?;
    Ok(in_order(criteria, found))
}

/// The largest rating of each of `criteria` (0 when none), inside a write.
pub async fn largest_in(
    tx: &mut Transaction<'static, Any>,
    criteria: &[i64],
) -> Result<Vec<f64>, sqlx::Error> {
    if criteria.is_empty() {
        return Ok(Vec::new());
    }
    let found = sqlx::query_as(&largest_sql(criteria, None))
        .fetch_all(&mut **tx)
        .await?;
    Ok(in_order(criteria, found))
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
