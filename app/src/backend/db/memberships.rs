//! The `memberships` table: who belongs to which workspace, in which role.

use sqlx::{Any, Row, Transaction};

use super::{Db, now_ms};
use crate::model::Role;

fn role(text: &str) -> Result<Role, sqlx::Error> {
    Role::parse(text).ok_or_else(|| sqlx::Error::Decode(format!("unknown role {text:?}").into()))
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    user_id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at, last_used_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// A user's membership of one workspace.
#[derive(Debug, Clone, Copy)]
pub struct Membership {
    pub role: Role,
    /// Whether no other workspace of the user's was opened more recently.
    pub most_recently_used: bool,
}

/// The user's membership of the workspace, if they are a member.
pub async fn find(
    db: &Db,
    workspace_id: i64,
    user_id: i64,
) -> Result<Option<Membership>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT role, last_used_at, \
                (SELECT MAX(o.last_used_at) FROM memberships o WHERE o.user_id = $2) AS latest \
         FROM memberships WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace_id)
    .bind(user_id)
    .fetch_optional(db.reader())
    .await?;
    row.map(|row| {
        let last_used_at: i64 = row.try_get("last_used_at")?;
        let latest: i64 = row.try_get("latest")?;
        Ok(Membership {
            role: role(row.try_get("role")?)?,
            most_recently_used: last_used_at >= latest,
        })
    })
    .transpose()
}

/// Remembers that the user opened the workspace (for "most recently used").
pub async fn touch(db: &Db, workspace_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE memberships SET last_used_at = $3 WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone)]
pub struct MyWorkspace {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub role: Role,
    pub members: i64,
}

/// The user's workspaces, most recently used first.
pub async fn list_for_user(db: &Db, user_id: i64) -> Result<Vec<MyWorkspace>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT w.slug, w.name, w.description, m.role, \
                (SELECT COUNT(*) FROM memberships o WHERE o.workspace_id = w.id) AS members \
         FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
         WHERE m.user_id = $1 ORDER BY m.last_used_at DESC, w.name",
    )
    .bind(user_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MyWorkspace {
                slug: row.try_get("slug")?,
                name: row.try_get("name")?,
                description: row.try_get("description")?,
                role: role(&row.try_get::<String, _>("role")?)?,
                members: row.try_get("members")?,
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct MemberRow {
    pub user_id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub created_at: i64,
}

pub async fn list_members(db: &Db, workspace_id: i64) -> Result<Vec<MemberRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email, m.role, m.created_at FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY u.display_name, u.id",
    )
    .bind(workspace_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MemberRow {
                user_id: row.try_get("id")?,
                display_name: row.try_get("display_name")?,
                email: row.try_get("email")?,
                role: role(&row.try_get::<String, _>("role")?)?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// How many owners the workspace has, inside a write transaction (for the
/// last-owner rules).
pub async fn count_owners(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner'",
    )
    .bind(workspace_id)
    .fetch_one(&mut **tx)
    .await
}

pub async fn role_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    user_id: i64,
) -> Result<Option<Role>, sqlx::Error> {
    let text: Option<String> =
        sqlx::query_scalar("SELECT role FROM memberships WHERE workspace_id = $1 AND user_id = $2")
            .bind(workspace_id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    text.as_deref().map(role).transpose()
}

pub async fn set_role(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    user_id: i64,
    new_role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace_id)
        .bind(user_id)
        .bind(new_role.as_str())
        .execute(&mut **tx)
        .await
        .map(drop)
}

pub async fn delete(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2")
        .bind(workspace_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map(drop)
}
