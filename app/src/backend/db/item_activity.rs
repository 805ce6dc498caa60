//! The `item_activity` table: every change to an item, field by field.

use sqlx::{Any, Row, Transaction};

use super::Db;

#[derive(Debug, Clone)]
pub struct ActivityRow {
    pub actor_name: Option<String>,
    pub at: i64,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
}

/// One change, written in the same transaction as the change itself.
pub struct Change<'a> {
    pub field: &'a str,
    pub old_value: &'a str,
    pub new_value: &'a str,
}

pub async fn record(
    tx: &mut Transaction<'static, Any>,
    item_id: i64,
    actor_id: i64,
    now: i64,
    changes: &[Change<'_>],
) -> Result<(), sqlx::Error> {
    for change in changes {
        sqlx::query(
            "INSERT INTO item_activity (item_id, actor_id, at, field, old_value, new_value) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(item_id)
        .bind(actor_id)
        .bind(now)
        .bind(change.field)
        .bind(change.old_value)
        .bind(change.new_value)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Rows per statement when history is written in bulk.
const ROWS_PER_STATEMENT: usize = 200;

/// The same change to many items at once (a rescore's): (item id, old
/// value, new value) under one field, all by `actor_id` at `now`.
pub async fn record_many(
    tx: &mut Transaction<'static, Any>,
    actor_id: i64,
    now: i64,
    field: &str,
    changes: &[(i64, String, String)],
) -> Result<(), sqlx::Error> {
    for chunk in changes.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|n| {
                let at = 4 + n * 3;
                format!("(${}, $1, $2, $3, ${}, ${})", at, at + 1, at + 2)
            })
            .collect();
        let sql = format!(
            "INSERT INTO item_activity (item_id, actor_id, at, field, old_value, new_value) \
             VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(actor_id).bind(now).bind(field);
        for (item_id, old_value, new_value) in chunk {
            query = query.bind(*item_id).bind(old_value).bind(new_value);
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// An item's history, newest first (at most `limit` entries).
pub async fn list_for_item(
    db: &Db,
    item_id: i64,
    limit: i64,
) -> Result<Vec<ActivityRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.display_name AS actor_name, a.at, a.field, a.old_value, a.new_value \
         FROM item_activity a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE a.item_id = $1 ORDER BY a.id DESC LIMIT $2",
    )
    .bind(item_id)
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ActivityRow {
                actor_name: row.try_get("actor_name")?,
                at: row.try_get("at")?,
                field: row.try_get("field")?,
                old_value: row.try_get("old_value")?,
                new_value: row.try_get("new_value")?,
            })
        })
        .collect()
}
