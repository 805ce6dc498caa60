//! The `memberships` table: who belongs to which workspace, in which role.

use sqlx::{Any, Row, Transaction};

use super::workspaces::{self, WorkspaceRow};
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

/// Whether membership `m` is the one its user opened last: no other of
/// theirs has a later time, and on a tie (two in one millisecond) the
/// higher workspace id wins, so exactly one is.
const MOST_RECENTLY_USED: &str = "CASE WHEN EXISTS (SELECT 1 FROM memberships o \
     WHERE o.user_id = m.user_id AND (o.last_used_at > m.last_used_at \
     OR (o.last_used_at = m.last_used_at AND o.workspace_id > m.workspace_id))) THEN 0 ELSE 1 END";

fn membership_from_row(row: &sqlx::any::AnyRow) -> Result<Membership, sqlx::Error> {
    Ok(Membership {
        role: role(row.try_get("role")?)?,
        most_recently_used: super::flag(row, "most_recently_used")?,
    })
}

/// The workspace at `slug` — or, when no workspace has that slug now, the
/// one that had it before a rename — with the user's membership of it:
/// what every workspace page checks first, in one query. `None` when there
/// is no such workspace or the user is not a member.
pub async fn find_by_slug(
    db: &Db,
    slug: &str,
    user_id: i64,
) -> Result<Option<(WorkspaceRow, Membership)>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT w.id, w.name, w.slug, w.description, w.key_prefix, m.role, \
                {MOST_RECENTLY_USED} AS most_recently_used \
         FROM workspaces w JOIN memberships m ON m.workspace_id = w.id AND m.user_id = $2 \
         WHERE w.slug = $1 OR (w.id = (SELECT o.workspace_id FROM workspace_old_slugs o WHERE o.slug = $1) \
               AND NOT EXISTS (SELECT 1 FROM workspaces c WHERE c.slug = $1))"
    ))
    .bind(slug)
    .bind(user_id)
    .fetch_optional(db.reader())
    .await?;
    row.map(|row| Ok((workspaces::from_row(&row)?, membership_from_row(&row)?)))
        .transpose()
}

/// Remembers that the user opened the workspace (for "most recently used").
pub async fn touch(db: &Db, workspace_id: i64, user_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    // Later than every other of the user's, even within one millisecond,
    // so that it is the most recently used one afterwards.
    sqlx::query(
        "UPDATE memberships SET last_used_at = CASE \
           WHEN $3 > (SELECT MAX(o.last_used_at) FROM memberships o WHERE o.user_id = $2) THEN $3 \
           ELSE (SELECT MAX(o.last_used_at) FROM memberships o WHERE o.user_id = $2) + 1 END \
         WHERE workspace_id = $1 AND user_id = $2",
    )
    .bind(workspace_id)
    .bind(user_id)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// A workspace and the membership of the user who asked for it.
#[derive(Debug, Clone)]
pub struct WorkspaceMembership {
    pub workspace: WorkspaceRow,
    pub membership: Membership,
}

#[derive(Debug, Clone)]
pub struct MyWorkspace {
    pub workspace: WorkspaceRow,
    pub role: Role,
    pub members: i64,
    /// Items that are not archived.
    pub items: i64,
}

/// The user's workspaces, most recently used first (the order
/// [`MOST_RECENTLY_USED`] agrees with).
pub async fn list_for_user(db: &Db, user_id: i64) -> Result<Vec<MyWorkspace>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT w.id, w.name, w.slug, w.description, w.key_prefix, m.role, \
                (SELECT COUNT(*) FROM memberships o WHERE o.workspace_id = w.id) AS members, \
                w.item_count \
         FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
         WHERE m.user_id = $1 ORDER BY m.last_used_at DESC, m.workspace_id DESC",
    )
    .bind(user_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(MyWorkspace {
                workspace: workspaces::from_row(row)?,
                role: role(&row.try_get::<String, _>("role")?)?,
                members: row.try_get("members")?,
                items: row.try_get("item_count")?,
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
