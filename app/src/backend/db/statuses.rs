//! The `statuses` table: each workspace's ordered list of statuses.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Db, now_ms};
use crate::model::{Status, StatusCategory};

/// What a new workspace starts with: name, colour, category.
const DEFAULTS: [(&str, &str, StatusCategory); 4] = [
    ("Idea", "#8a94a6", StatusCategory::Planned),
    ("Planned", "#3b82f6", StatusCategory::Planned),
    ("In progress", "#d97706", StatusCategory::Active),
    ("Shipped", "#16a34a", StatusCategory::Done),
];

pub(super) fn from_row(row: &AnyRow) -> Result<Status, sqlx::Error> {
    let category: String = row.try_get("category")?;
    Ok(Status {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        color: row.try_get("color")?,
        category: StatusCategory::parse(&category).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown status category {category:?}").into())
        })?,
    })
}

pub async fn insert_defaults(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for (position, (name, color, category)) in (0_i64..).zip(DEFAULTS) {
        sqlx::query(
            "INSERT INTO statuses (workspace_id, name, color, category, position, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(workspace_id)
        .bind(name)
        .bind(color)
        .bind(category.as_str())
        .bind(position)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The workspace's statuses in their order.
pub async fn list(db: &Db, workspace_id: i64) -> Result<Vec<Status>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, color, category FROM statuses WHERE workspace_id = $1 ORDER BY position, id",
    )
    .bind(workspace_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(from_row).collect()
}

/// The status `id` if it belongs to the workspace, read inside a write.
pub async fn find_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
) -> Result<Option<Status>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, color, category FROM statuses WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The first status of the workspace: where new items start.
pub async fn first_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<Option<Status>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, color, category FROM statuses WHERE workspace_id = $1 \
         ORDER BY position, id LIMIT 1",
    )
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The workspace's statuses in their order, read inside a write.
pub async fn list_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<Vec<Status>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, color, category FROM statuses WHERE workspace_id = $1 ORDER BY position, id",
    )
    .bind(workspace_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Whether another status of the workspace than `except` has `name`, in
/// any case.
pub async fn name_taken(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    name: &str,
    except: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM statuses WHERE workspace_id = $1 AND lower(name) = lower($2) AND id <> $3",
    )
    .bind(workspace_id)
    .bind(name)
    .bind(except.unwrap_or(0))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Adds a status at the end of the list.
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    name: &str,
    color: &str,
    category: StatusCategory,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO statuses (workspace_id, name, color, category, position, created_at) \
         VALUES ($1, $2, $3, $4, \
                 (SELECT COALESCE(MAX(position), -1) + 1 FROM statuses WHERE workspace_id = $1), $5) \
         RETURNING id",
    )
    .bind(workspace_id)
    .bind(name)
    .bind(color)
    .bind(category.as_str())
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await
}

pub async fn update(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    name: &str,
    color: &str,
    category: StatusCategory,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE statuses SET name = $2, color = $3, category = $4 WHERE id = $1")
        .bind(id)
        .bind(name)
        .bind(color)
        .bind(category.as_str())
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Stores the order of the workspace's statuses: `ids` first to last.
pub async fn set_order(tx: &mut Transaction<'static, Any>, ids: &[i64]) -> Result<(), sqlx::Error> {
    for (position, id) in (0_i64..).zip(ids) {
        sqlx::query("UPDATE statuses SET position = $2 WHERE id = $1")
            .bind(id)
            .bind(position)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn delete(tx: &mut Transaction<'static, Any>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM statuses WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(drop)
}
