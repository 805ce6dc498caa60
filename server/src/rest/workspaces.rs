//! `/api/v1/workspaces`: the caller's workspaces, and one by its address.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;

use app::backend::db::memberships;
use app::backend::{AppState, access};
use app::model::{Permission, Role};

use super::{ApiError, Caller};

/// A workspace as the API shows it.
#[derive(Debug, Serialize)]
pub struct Workspace {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Item keys are this prefix, a dash and a number (`WAY-12`).
    pub key_prefix: String,
    /// The caller's role in it.
    pub role: &'static str,
}

fn workspace(row: &app::backend::db::workspaces::WorkspaceRow, role: Role) -> Workspace {
    Workspace {
        slug: row.slug.clone(),
        name: row.name.clone(),
        description: row.description.clone(),
        key_prefix: row.key_prefix.clone(),
        role: role.as_str(),
    }
}

#[derive(Debug, Serialize)]
pub struct WorkspaceList {
    pub workspaces: Vec<Workspace>,
}

/// The workspaces the token's user is a member of, most recently used
/// first.
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<WorkspaceList>, ApiError> {
    let mine = memberships::list_for_user(&state.db, caller.user.id)
        .await
        .map_err(app::error::AppError::from)?;
    Ok(Json(WorkspaceList {
        workspaces: mine
            .iter()
            .map(|m| workspace(&m.workspace, m.role))
            .collect(),
    }))
}

/// One workspace; 404 for anyone who is not a member, as in the pages.
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(slug): Path<String>,
) -> Result<Json<Workspace>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    Ok(Json(workspace(&access.workspace, access.role)))
}
