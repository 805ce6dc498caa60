//! The one authorization rule for workspace data. Every server function,
//! page, REST handler and share of a workspace goes through [`require`]. Anyone who is not a member gets `NotFound`, exactly as for a
//! workspace that does not exist; an instance admin is no exception.

use crate::backend::AppState;
use crate::backend::auth::session::Authenticated;
use crate::backend::db::memberships::{self, WorkspaceMembership};
use crate::backend::db::workspaces::{self, WorkspaceRow};
use crate::backend::request::{self, RenderMemo};
use crate::error::AppError;
use crate::model::{Permission, Role, TokenScope};
use sqlx::{Any, Transaction};

/// A member's access to one workspace, checked.
#[derive(Debug, Clone)]
pub struct WorkspaceAccess {
    pub workspace: WorkspaceRow,
    pub role: Role,
    /// Whether this is the workspace the member opened last.
    pub most_recently_used: bool,
    pub actor: Authenticated,
}

impl WorkspaceAccess {
    /// `Forbidden` unless the member's role also allows `permission`, for a
    /// function that checked a smaller permission first and shows more to
    /// some roles.
    pub fn permit(&self, permission: Permission) -> Result<(), AppError> {
        permit(self.role, self.actor.scope, permission)
    }
}

/// Checks that `actor` may do `permission` in the workspace at `slug`.
///
/// - no actor: `Unauthorized` (the page asks them to sign in; this says
///   nothing about whether the workspace exists)
/// - not a member, or no such workspace: `NotFound`
/// - a member whose role is too small: `Forbidden`
///
/// A slug the workspace had before a rename resolves too, for members.
pub async fn require(
    state: &AppState,
    actor: Option<Authenticated>,
    slug: &str,
    permission: Permission,
) -> Result<WorkspaceAccess, AppError> {
    let actor = actor.ok_or(AppError::Unauthorized)?;
    let found = look_up(state, slug, actor.user.id).await?;
    check(found, actor, permission)
}

/// The same check for the caller of the current server function. A page
/// whose resources check the same workspace looks it up once.
pub async fn require_current(
    slug: &str,
    permission: Permission,
) -> Result<WorkspaceAccess, AppError> {
    let state = crate::backend::state();
    let actor = request::current().await?.ok_or(AppError::Unauthorized)?;
    let found = RenderMemo::workspace(slug, || async {
        match request::find_in_my_workspaces(&actor, slug).await? {
            Some(found) => Ok(Some(found)),
            None => look_up(&state, slug, actor.user.id).await,
        }
    })
    .await?;
    check(found, actor, permission)
}

/// The workspace at `slug` (or a slug it had before) and the user's
/// membership of it; `None` when either is missing.
async fn look_up(
    state: &AppState,
    slug: &str,
    user_id: i64,
) -> Result<Option<WorkspaceMembership>, AppError> {
    Ok(memberships::find_by_slug(&state.db, slug, user_id)
        .await?
        .map(|(workspace, membership)| WorkspaceMembership {
            workspace,
            membership,
        }))
}

/// Checks the caller's role again inside a write transaction, holding the
/// workspace's row until the transaction ends: writes to one workspace's
/// members queue one behind the other (other workspaces are not held up),
/// and a member whose role was lowered or removed a moment ago cannot
/// finish a write the earlier check let through.
pub async fn recheck_in(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    access: &WorkspaceAccess,
    permission: Permission,
) -> Result<(), AppError> {
    let workspace_id = access.workspace.id;
    if !workspaces::lock(&state.db, tx, workspace_id).await? {
        return Err(AppError::NotFound);
    }
    match memberships::role_in(tx, workspace_id, access.actor.user.id).await? {
        None => Err(AppError::NotFound),
        Some(role) => permit(role, access.actor.scope, permission),
    }
}

/// `Forbidden` unless the role allows `permission`; a read-only API token
/// (`scope`) reads and does nothing else, whatever its user's role.
fn permit(role: Role, scope: Option<TokenScope>, permission: Permission) -> Result<(), AppError> {
    let capped = scope == Some(TokenScope::Read) && permission != Permission::View;
    if role.allows(permission) && !capped {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn check(
    found: Option<WorkspaceMembership>,
    actor: Authenticated,
    permission: Permission,
) -> Result<WorkspaceAccess, AppError> {
    let WorkspaceMembership {
        workspace,
        membership,
    } = found.ok_or(AppError::NotFound)?;
    permit(membership.role, actor.scope, permission)?;
    Ok(WorkspaceAccess {
        workspace,
        role: membership.role,
        most_recently_used: membership.most_recently_used,
        actor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_token_reads_whatever_the_role_and_a_write_token_keeps_the_role() {
        let read = Some(TokenScope::Read);
        let write = Some(TokenScope::ReadWrite);
        assert!(permit(Role::Owner, read, Permission::View).is_ok());
        for permission in [
            Permission::Contribute,
            Permission::Edit,
            Permission::Manage,
            Permission::Delete,
        ] {
            assert!(matches!(
                permit(Role::Owner, read, permission),
                Err(AppError::Forbidden)
            ));
            assert!(permit(Role::Owner, write, permission).is_ok());
            assert!(permit(Role::Owner, None, permission).is_ok());
        }
        assert!(matches!(
            permit(Role::Viewer, write, Permission::Edit),
            Err(AppError::Forbidden)
        ));
        assert!(permit(Role::Editor, write, Permission::Edit).is_ok());
    }
}
