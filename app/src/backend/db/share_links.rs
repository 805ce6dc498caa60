//! The `share_links` table: read-only links to a saved view for people
//! without an account. Revoking one deletes its row.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::saved_views::{ViewRow, kind_of};
use super::workspaces::WorkspaceRow;
use super::{Db, flag, now_ms};
use crate::model::ViewKind;

pub struct NewShareLink<'a> {
    pub view_id: i64,
    pub token_hash: &'a str,
    pub show_names: bool,
    pub created_by: i64,
    /// `None`: it does not expire.
    pub expires_at: Option<i64>,
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: NewShareLink<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO share_links (view_id, token_hash, show_names, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.view_id)
    .bind(new.token_hash)
    .bind(i64::from(new.show_names))
    .bind(new.created_by)
    .bind(now_ms())
    .bind(new.expires_at)
    .fetch_one(&mut **tx)
    .await
}

/// What a share link opens: the view, its workspace, and whether to show
/// names.
#[derive(Debug, Clone)]
pub struct SharedView {
    pub link_id: i64,
    pub show_names: bool,
    pub expires_at: Option<i64>,
    pub view: ViewRow,
    pub workspace: WorkspaceRow,
}

/// The live link with this token hash: not revoked (its row is gone then)
/// and not expired at `now`.
pub async fn find_live(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<SharedView>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT l.id AS link_id, l.show_names, l.expires_at, v.id AS view_id, v.name AS view_name, \
         v.kind, v.params, w.id, w.name, w.slug, w.description, w.key_prefix \
         FROM share_links l JOIN saved_views v ON v.id = l.view_id \
         JOIN workspaces w ON w.id = v.workspace_id \
         WHERE l.token_hash = $1 AND (l.expires_at IS NULL OR l.expires_at > $2)",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.reader())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let workspace = super::workspaces::from_row(&row)?;
    Ok(Some(SharedView {
        link_id: row.try_get("link_id")?,
        show_names: flag(&row, "show_names")?,
        expires_at: row.try_get("expires_at")?,
        view: ViewRow {
            id: row.try_get("view_id")?,
            workspace_id: workspace.id,
            name: row.try_get("view_name")?,
            kind: kind_of(&row, "kind")?,
            params: row.try_get("params")?,
        },
        workspace,
    }))
}

#[derive(Debug, Clone)]
pub struct LinkRow {
    pub id: i64,
    pub view_id: i64,
    pub view_name: String,
    pub view_kind: ViewKind,
    pub show_names: bool,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

fn link_from_row(row: &AnyRow) -> Result<LinkRow, sqlx::Error> {
    Ok(LinkRow {
        id: row.try_get("id")?,
        view_id: row.try_get("view_id")?,
        view_name: row.try_get("view_name")?,
        view_kind: kind_of(row, "kind")?,
        show_names: flag(row, "show_names")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

/// The workspace's live links (of one view, with `view_id`), newest first.
pub async fn list_live(
    db: &Db,
    workspace_id: i64,
    view_id: Option<i64>,
    now: i64,
) -> Result<Vec<LinkRow>, sqlx::Error> {
    let of_view = if view_id.is_some() {
        " AND v.id = $3"
    } else {
        ""
    };
    let query = format!(
        "SELECT l.id, l.view_id, v.name AS view_name, v.kind, l.show_names, \
         COALESCE(u.display_name, '') AS created_by, l.created_at, l.expires_at \
         FROM share_links l JOIN saved_views v ON v.id = l.view_id \
         LEFT JOIN users u ON u.id = l.created_by \
         WHERE v.workspace_id = $1 AND (l.expires_at IS NULL OR l.expires_at > $2){of_view} \
         ORDER BY l.id DESC"
    );
    let mut select = sqlx::query(&query).bind(workspace_id).bind(now);
    if let Some(id) = view_id {
        select = select.bind(id);
    }
    let rows = select.fetch_all(db.reader()).await?;
    rows.iter().map(link_from_row).collect()
}

/// How many live links a view has, read inside a write.
pub async fn count_live_in(
    tx: &mut Transaction<'static, Any>,
    view_id: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM share_links WHERE view_id = $1 AND (expires_at IS NULL OR expires_at > $2)",
    )
    .bind(view_id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Revokes a link of the workspace: its row goes, and the link with it.
pub async fn delete(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "DELETE FROM share_links WHERE id = $2 \
         AND view_id IN (SELECT id FROM saved_views WHERE workspace_id = $1)",
    )
    .bind(workspace_id)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
