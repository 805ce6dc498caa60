//! The `invitations` table: single-use links to join a workspace.

use sqlx::{Any, Row, Transaction};

use super::{Db, now_ms};
use crate::model::Role;

pub struct NewInvitation<'a> {
    pub workspace_id: i64,
    pub token_hash: &'a str,
    pub role: Role,
    pub email: &'a str,
    pub created_by: i64,
    pub expires_at: i64,
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: NewInvitation<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO invitations (workspace_id, token_hash, role, email, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.workspace_id)
    .bind(new.token_hash)
    .bind(new.role.as_str())
    .bind(new.email)
    .bind(new.created_by)
    .bind(now_ms())
    .bind(new.expires_at)
    .fetch_one(&mut **tx)
    .await
}

#[derive(Debug, Clone)]
pub struct InvitationRow {
    pub id: i64,
    pub workspace_id: i64,
    pub workspace_name: String,
    pub workspace_slug: String,
    pub role: Role,
    pub email: String,
    pub invited_by: String,
    pub expires_at: i64,
}

const SELECT: &str = "SELECT i.id, i.workspace_id, w.name AS workspace_name, w.slug AS workspace_slug, i.role, \
                      i.email, COALESCE(u.display_name, '') AS invited_by, i.expires_at \
                      FROM invitations i JOIN workspaces w ON w.id = i.workspace_id \
                      LEFT JOIN users u ON u.id = i.created_by";

fn from_row(row: &sqlx::any::AnyRow) -> Result<InvitationRow, sqlx::Error> {
    let role_text: String = row.try_get("role")?;
    Ok(InvitationRow {
        id: row.try_get("id")?,
        workspace_id: row.try_get("workspace_id")?,
        workspace_name: row.try_get("workspace_name")?,
        workspace_slug: row.try_get("workspace_slug")?,
        role: Role::parse(&role_text).ok_or_else(|| sqlx::Error::Decode("unknown role".into()))?,
        email: row.try_get("email")?,
        invited_by: row.try_get("invited_by")?,
        expires_at: row.try_get("expires_at")?,
    })
}

/// A pending invitation: not accepted, not revoked, not expired.
pub async fn find_pending(
    db: &Db,
    token_hash: &str,
    now: i64,
) -> Result<Option<InvitationRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db.reader())
    .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn list_pending(
    db: &Db,
    workspace_id: i64,
    now: i64,
) -> Result<Vec<InvitationRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{SELECT} WHERE i.workspace_id = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL \
         AND i.expires_at > $2 ORDER BY i.id DESC"
    ))
    .bind(workspace_id)
    .bind(now)
    .fetch_all(db.reader())
    .await?;
    rows.iter().map(from_row).collect()
}

/// Uses up an invitation; false if it was used, revoked or expired in the
/// meantime. Who used it follows in the same transaction
/// ([`set_accepted_by`]), once a new account exists.
pub async fn accept(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE invitations SET accepted_at = $2 \
         WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn set_accepted_by(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE invitations SET accepted_by = $2 WHERE id = $1")
        .bind(id)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Revokes a pending invitation of the workspace; false if there is none.
pub async fn revoke(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE invitations SET revoked_at = $3 WHERE id = $1 AND workspace_id = $2 \
         AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(workspace_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(result.rows_affected() == 1)
}
