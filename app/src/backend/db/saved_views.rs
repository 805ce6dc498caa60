//! The `saved_views` table: named views of a workspace's items.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Db, is_unique_violation, now_ms};
use crate::model::ViewKind;

#[derive(Debug, Clone)]
pub struct ViewRow {
    pub id: i64,
    pub workspace_id: i64,
    pub name: String,
    pub kind: ViewKind,
    pub params: String,
}

const SELECT: &str = "SELECT id, workspace_id, name, kind, params FROM saved_views";

/// A view's kind as the database stores it.
pub(super) fn kind_of(row: &AnyRow, column: &str) -> Result<ViewKind, sqlx::Error> {
    let kind: String = row.try_get(column)?;
    ViewKind::parse(&kind)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown view kind {kind:?}").into()))
}

fn from_row(row: &AnyRow) -> Result<ViewRow, sqlx::Error> {
    Ok(ViewRow {
        id: row.try_get("id")?,
        workspace_id: row.try_get("workspace_id")?,
        name: row.try_get("name")?,
        kind: kind_of(row, "kind")?,
        params: row.try_get("params")?,
    })
}

/// A write that would give two views of one workspace the same name.
#[derive(Debug, thiserror::Error)]
pub enum NameError {
    #[error("a view with this name exists")]
    Taken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn name_error(err: sqlx::Error) -> NameError {
    if is_unique_violation(&err) {
        NameError::Taken
    } else {
        NameError::Db(err)
    }
}

/// The workspace's saved views, by name.
pub async fn list(db: &Db, workspace_id: i64) -> Result<Vec<ViewRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE workspace_id = $1 ORDER BY name, id"
    ))
    .bind(workspace_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn find(db: &Db, workspace_id: i64, id: i64) -> Result<Option<ViewRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE workspace_id = $1 AND id = $2"))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The view `id` if it is the workspace's, read inside a write.
pub async fn find_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
) -> Result<Option<ViewRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE workspace_id = $1 AND id = $2"))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn count_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM saved_views WHERE workspace_id = $1")
        .bind(workspace_id)
        .fetch_one(&mut **tx)
        .await
}

pub struct NewView<'a> {
    pub workspace_id: i64,
    pub name: &'a str,
    pub kind: ViewKind,
    pub params: &'a str,
    pub created_by: i64,
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: NewView<'_>,
) -> Result<i64, NameError> {
    let now = now_ms();
    sqlx::query_scalar(
        "INSERT INTO saved_views (workspace_id, name, kind, params, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(new.workspace_id)
    .bind(new.name)
    .bind(new.kind.as_str())
    .bind(new.params)
    .bind(new.created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(name_error)
}

/// Renames a view; false when there is no such view in the workspace.
pub async fn rename(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
    name: &str,
) -> Result<bool, NameError> {
    let result = sqlx::query(
        "UPDATE saved_views SET name = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace_id)
    .bind(id)
    .bind(name)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(name_error)?;
    Ok(result.rows_affected() == 1)
}

/// Sets a view's filter, sort and grouping; false when there is no such
/// view in the workspace.
pub async fn set_params(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
    params: &str,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE saved_views SET params = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2",
    )
    .bind(workspace_id)
    .bind(id)
    .bind(params)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Deletes a view and, with it, every link that shares it.
pub async fn delete(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query("DELETE FROM saved_views WHERE workspace_id = $1 AND id = $2")
        .bind(workspace_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(result.rows_affected() == 1)
}
