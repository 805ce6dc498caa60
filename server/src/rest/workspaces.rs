//! `/api/v1/workspaces`: the caller's workspaces, and what belongs to one
//! workspace but its items: statuses, members and saved views.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use app::backend::items as domain;
use app::backend::workspaces::{self, WorkspaceRow};
use app::backend::{AppState, access, members, rfc3339, statuses, views};
use app::model::{ItemQuery, Permission, Role, StatusCategory, ViewKind, query_pairs};

use super::items::{ItemList, cursor, item_list, page_size};
use super::{ApiError, ApiPath, ApiQuery, Caller};

/// A workspace as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Workspace {
    /// Its address: what every other path takes.
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Item keys are this prefix, a dash and a number (`WAY-12`).
    pub key_prefix: String,
    /// The caller's role in it.
    #[serde(with = "app::model::api_enum")]
    pub role: Role,
}

fn workspace(row: &WorkspaceRow, role: Role) -> Workspace {
    Workspace {
        slug: row.slug.clone(),
        name: row.name.clone(),
        description: row.description.clone(),
        key_prefix: row.key_prefix.clone(),
        role,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceList {
    pub workspaces: Vec<Workspace>,
}

/// List your workspaces
///
/// The workspaces the token's user is a member of, most recently used
/// first.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces",
    tag = "workspaces",
    responses(
        (status = 200, body = WorkspaceList),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> Result<Json<WorkspaceList>, ApiError> {
    let mine = workspaces::mine(&state, caller.user.id).await?;
    Ok(Json(WorkspaceList {
        workspaces: mine
            .iter()
            .map(|m| workspace(&m.workspace, m.role))
            .collect(),
    }))
}

/// Get a workspace
///
/// 404 for anyone who is not a member, as in the pages.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}",
    tag = "workspaces",
    params(("slug" = String, Path, description = "The workspace's address", example = "demo")),
    responses(
        (status = 200, body = Workspace),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Workspace>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    Ok(Json(workspace(&access.workspace, access.role)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Status {
    pub id: i64,
    pub name: String,
    /// `#rrggbb`
    pub color: String,
    #[serde(with = "app::model::api_enum")]
    pub category: StatusCategory,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusList {
    /// In the board's order.
    pub statuses: Vec<Status>,
}

/// List statuses
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/statuses",
    tag = "workspaces",
    params(("slug" = String, Path, description = "The workspace's address", example = "demo")),
    responses(
        (status = 200, body = StatusList),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn statuses(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<StatusList>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    let listed = statuses::list(&state, &access).await?;
    Ok(Json(StatusList {
        statuses: listed
            .into_iter()
            .map(|s| Status {
                id: s.id,
                name: s.name,
                color: s.color,
                category: s.category,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    #[serde(with = "app::model::api_enum")]
    pub role: Role,
    /// When they joined, RFC 3339, UTC.
    pub since: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberList {
    pub members: Vec<Member>,
}

/// List members
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/members",
    tag = "workspaces",
    params(("slug" = String, Path, description = "The workspace's address", example = "demo")),
    responses(
        (status = 200, body = MemberList),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn members(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<MemberList>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    let listed = members::members(&state, &access).await?;
    Ok(Json(MemberList {
        members: listed
            .into_iter()
            .map(|m| Member {
                user_id: m.user_id,
                name: m.display_name,
                email: m.email,
                role: m.role,
                since: rfc3339(m.since_ms),
            })
            .collect(),
    }))
}

/// A saved view: a named filter, sort and grouping of the items.
#[derive(Debug, Serialize, ToSchema)]
pub struct View {
    pub id: i64,
    pub name: String,
    #[serde(with = "app::model::api_enum")]
    pub kind: ViewKind,
    /// Its page.
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViewList {
    /// By name.
    pub views: Vec<View>,
}

fn view(state: &AppState, saved: app::model::SavedView) -> View {
    View {
        id: saved.id,
        name: saved.name,
        kind: saved.kind,
        url: format!("{}{}", state.auth.public_url, saved.href),
    }
}

/// List saved views
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/views",
    tag = "views",
    params(("slug" = String, Path, description = "The workspace's address", example = "demo")),
    responses(
        (status = 200, body = ViewList),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn views(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ViewList>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    let listed = views::list(&state, &access.workspace).await?;
    Ok(Json(ViewList {
        views: listed.into_iter().map(|v| view(&state, v)).collect(),
    }))
}

/// A saved view and the filter it applies today.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViewDetail {
    #[serde(flatten)]
    pub view: View,
    /// Its filter, sort and grouping as the page's query string, without
    /// what no longer exists in the workspace.
    pub query: String,
    /// What the stored filter named that is gone (a deleted status, a
    /// former member…), for people.
    pub dropped: Vec<String>,
}

/// Get a saved view
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/views/{id}",
    tag = "views",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("id" = i64, Path, description = "The view's id", example = 1),
    ),
    responses(
        (status = 200, body = ViewDetail),
        (status = 400, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody),
    )
)]
pub async fn view_detail(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
) -> Result<Json<ViewDetail>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    let opened = views::open(&state, &access.workspace, id, false).await?;
    Ok(Json(ViewDetail {
        view: view(&state, opened.view),
        query: opened.params,
        dropped: opened.dropped,
    }))
}

/// A page of a saved view's items.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ViewItemsParams {
    /// The previous page's `next_cursor`.
    #[param(max_length = 300)]
    pub cursor: Option<String>,
    /// Items per page, 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// List a saved view's items
///
/// The items the view's filter matches, in its sort order, whatever page
/// the view opens (a board's or a roadmap's items too).
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{slug}/views/{id}/items",
    tag = "views",
    params(
        ("slug" = String, Path, description = "The workspace's address", example = "demo"),
        ("id" = i64, Path, description = "The view's id", example = 1),
        ViewItemsParams,
    ),
    responses(
        (status = 200, body = ItemList),
        (status = 400, body = super::ErrorBody),
        (status = 404, body = super::ErrorBody),
        (status = 422, body = super::ErrorBody),
    )
)]
pub async fn view_items(
    State(state): State<AppState>,
    Caller(caller): Caller,
    ApiPath((slug, id)): ApiPath<(String, i64)>,
    ApiQuery(params): ApiQuery<ViewItemsParams>,
) -> Result<Json<ItemList>, ApiError> {
    let access = access::require(&state, Some(caller), &slug, Permission::View).await?;
    let opened = views::open(&state, &access.workspace, id, false).await?;
    let pairs = query_pairs(&opened.params);
    let mut query = ItemQuery::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let limit = page_size(params.limit)?;
    query.after = cursor(params.cursor, query.sort, query.descending)?;
    let page = domain::list_page(&state, &access.workspace, &query, limit).await?;
    Ok(Json(item_list(
        &state,
        &access.workspace.slug,
        &query,
        page,
    )))
}
