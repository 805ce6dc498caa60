//! The `comments` table: what members say about an item.

use sqlx::{Any, Row, Transaction};

use super::Db;

#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: i64,
    pub item_id: i64,
    pub author_id: Option<i64>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
}

const SELECT: &str = "SELECT c.id, c.item_id, c.author_id, u.display_name AS author_name, c.body, \
     c.created_at, c.edited_at FROM comments c LEFT JOIN users u ON u.id = c.author_id";

fn from_row(row: &sqlx::any::AnyRow) -> Result<CommentRow, sqlx::Error> {
    Ok(CommentRow {
        id: row.try_get("id")?,
        item_id: row.try_get("item_id")?,
        author_id: row.try_get("author_id")?,
        author_name: row.try_get("author_name")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        edited_at: row.try_get("edited_at")?,
    })
}

/// An item's comments, oldest first.
pub async fn list_for_item(db: &Db, item_id: i64) -> Result<Vec<CommentRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("{SELECT} WHERE c.item_id = $1 ORDER BY c.id"))
        .bind(item_id)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(from_row).collect()
}

/// The comment `id` if it is on an item of the workspace, read inside a
/// write.
pub async fn find_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
) -> Result<Option<CommentRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT} JOIN items i ON i.id = c.item_id WHERE c.id = $1 AND i.workspace_id = $2"
    ))
    .bind(id)
    .bind(workspace_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    item_id: i64,
    author_id: i64,
    body: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO comments (item_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(item_id)
    .bind(author_id)
    .bind(body)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

pub async fn update(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE comments SET body = $2, edited_at = $3 WHERE id = $1")
        .bind(id)
        .bind(body)
        .bind(now)
        .execute(&mut **tx)
        .await
        .map(drop)
}

pub async fn delete(tx: &mut Transaction<'static, Any>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM comments WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(drop)
}
