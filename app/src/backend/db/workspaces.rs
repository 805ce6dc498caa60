//! The `workspaces` and `workspace_old_slugs` tables.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Db, is_unique_violation, now_ms};

#[derive(Debug, Clone)]
pub struct WorkspaceRow {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub key_prefix: String,
}

pub(super) fn from_row(row: &AnyRow) -> Result<WorkspaceRow, sqlx::Error> {
    Ok(WorkspaceRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
        description: row.try_get("description")?,
        key_prefix: row.try_get("key_prefix")?,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum SlugError {
    #[error("this address is taken")]
    Taken,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

fn slug_error(err: sqlx::Error) -> SlugError {
    if is_unique_violation(&err) {
        SlugError::Taken
    } else {
        SlugError::Db(err)
    }
}

pub struct NewWorkspace<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
    pub key_prefix: &'a str,
    pub created_by: i64,
}

/// Whether another workspace than `own` had `slug` before a rename: its
/// old links still lead there, so the slug is not free.
async fn is_old_slug_of_another(
    tx: &mut Transaction<'static, Any>,
    slug: &str,
    own: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let owner: Option<i64> =
        sqlx::query_scalar("SELECT workspace_id FROM workspace_old_slugs WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(owner.is_some_and(|id| Some(id) != own))
}

/// Every workspace's id, oldest first.
pub async fn ids(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM workspaces ORDER BY id")
        .fetch_all(db.reader())
        .await
}

/// Whether no workspace has `slug` now or had it before.
pub async fn slug_is_free(
    tx: &mut Transaction<'static, Any>,
    slug: &str,
) -> Result<bool, sqlx::Error> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM workspaces WHERE slug = $1 \
         UNION ALL SELECT workspace_id FROM workspace_old_slugs WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(taken.is_none())
}

/// A slug is free when no workspace has it now or had it before: an old
/// slug keeps leading its members to their workspace, never to a new one.
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: NewWorkspace<'_>,
) -> Result<i64, SlugError> {
    let now = now_ms();
    if is_old_slug_of_another(tx, new.slug, None).await? {
        return Err(SlugError::Taken);
    }
    sqlx::query_scalar(
        "INSERT INTO workspaces (name, slug, description, key_prefix, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(new.name)
    .bind(new.slug)
    .bind(new.description)
    .bind(new.key_prefix)
    .bind(new.created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(slug_error)
}

pub struct Changes<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub description: &'a str,
    pub key_prefix: &'a str,
}

/// Saves new settings; a changed slug leaves the old one as a redirect.
pub async fn update(
    tx: &mut Transaction<'static, Any>,
    current: &WorkspaceRow,
    changes: Changes<'_>,
) -> Result<(), SlugError> {
    if changes.slug != current.slug {
        if is_old_slug_of_another(tx, changes.slug, Some(current.id)).await? {
            return Err(SlugError::Taken);
        }
        // The workspace may take back a slug it had before.
        sqlx::query("DELETE FROM workspace_old_slugs WHERE slug = $1")
            .bind(changes.slug)
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO workspace_old_slugs (slug, workspace_id) VALUES ($1, $2)")
            .bind(&current.slug)
            .bind(current.id)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(
        "UPDATE workspaces SET name = $2, slug = $3, description = $4, key_prefix = $5, updated_at = $6 WHERE id = $1",
    )
    .bind(current.id)
    .bind(changes.name)
    .bind(changes.slug)
    .bind(changes.description)
    .bind(changes.key_prefix)
    .bind(now_ms())
    .execute(&mut **tx)
    .await
    .map_err(slug_error)?;
    Ok(())
}

/// Holds the workspace's row until the transaction ends (PostgreSQL; on
/// SQLite every write already waits its turn); false if it no longer
/// exists.
pub async fn lock(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM workspaces WHERE id = $1{}",
        db.for_update()
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

pub async fn delete(tx: &mut Transaction<'static, Any>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM workspaces WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// What `user_id` has made: how many workspaces that still exist, how many
/// of them since `since`, and when the first of those was made.
pub struct Made {
    pub total: i64,
    pub recent: i64,
    pub first_recent_at: Option<i64>,
}

pub async fn made_by(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    since: i64,
) -> Result<Made, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS total, \
                COUNT(CASE WHEN created_at > $2 THEN 1 END) AS recent, \
                MIN(CASE WHEN created_at > $2 THEN created_at END) AS first_recent_at \
         FROM workspaces WHERE created_by = $1",
    )
    .bind(user_id)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?;
    Ok(Made {
        total: row.try_get("total")?,
        recent: row.try_get("recent")?,
        first_recent_at: row.try_get("first_recent_at")?,
    })
}
