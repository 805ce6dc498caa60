//! The one authorization rule for workspace data. Every server function,
//! page and (later) API route that touches a workspace goes through
//! [`require`]. Anyone who is not a member gets `NotFound`, exactly as for a
//! workspace that does not exist; an instance admin is no exception.

use crate::backend::AppState;
use crate::backend::auth::session::Authenticated;
use crate::backend::db::memberships;
use crate::backend::db::workspaces::{self, WorkspaceRow};
use crate::error::AppError;
use crate::model::{Permission, Role};

/// A member's access to one workspace, checked.
#[derive(Debug, Clone)]
pub struct WorkspaceAccess {
    pub workspace: WorkspaceRow,
    pub role: Role,
    pub actor: Authenticated,
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
    let workspace = match workspaces::find_by_slug(&state.db, slug).await? {
        Some(workspace) => workspace,
        None => workspaces::find_by_old_slug(&state.db, slug)
            .await?
            .ok_or(AppError::NotFound)?,
    };
    let role = memberships::role_of(&state.db, workspace.id, actor.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !role.allows(permission) {
        return Err(AppError::Forbidden);
    }
    Ok(WorkspaceAccess {
        workspace,
        role,
        actor,
    })
}

/// The same check for the caller of the current server function.
pub async fn require_current(
    slug: &str,
    permission: Permission,
) -> Result<WorkspaceAccess, AppError> {
    let state = crate::backend::state();
    let actor = crate::backend::request::current().await?;
    require(&state, actor, slug, permission).await
}
