//! Saved views and the share links that publish them. A view stores its
//! page (`kind`) and its URL query, normalised; opening it checks that
//! what its filter names still exists and leaves out what does not.

use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::auth::session::read_cookie;
use crate::backend::auth::token::SecretToken;
use crate::backend::db::saved_views::{self, NameError, NewView, ViewRow};
use crate::backend::db::share_links::{self, LinkRow};
use crate::backend::db::workspaces::WorkspaceRow;
use crate::backend::db::{criteria, now_ms};
use crate::backend::{AppState, format_time, items, request};
use crate::error::AppError;
use crate::model::{
    MAX_SAVED_VIEWS, MAX_SHARE_DAYS, MAX_SHARE_LINKS, NewShareLink, OpenedView, Permission,
    SavedView, ShareLinkInfo, ViewKind, parse_view_name, query_pairs,
};

/// The longest URL query a view may be saved with; a filter bar's whole
/// query is a few hundred characters.
const MAX_PARAMS: usize = 2000;

fn saved(workspace: &WorkspaceRow, row: &ViewRow) -> SavedView {
    SavedView {
        id: row.id,
        name: row.name.clone(),
        kind: row.kind,
        href: format!("/w/{}/views/{}", workspace.slug, row.id),
    }
}

fn link_info(row: LinkRow) -> ShareLinkInfo {
    ShareLinkInfo {
        id: row.id,
        view_id: row.view_id,
        view_name: row.view_name,
        view_kind: row.view_kind,
        show_names: row.show_names,
        created_by: row.created_by,
        created: format_time(row.created_at),
        expires: row.expires_at.map(format_time),
    }
}

/// The workspace's saved views, by name.
pub async fn list(state: &AppState, workspace: &WorkspaceRow) -> Result<Vec<SavedView>, AppError> {
    Ok(saved_views::list(&state.db, workspace.id)
        .await?
        .iter()
        .map(|row| saved(workspace, row))
        .collect())
}

/// A saved view as its page opens it; with `links`, its live share links.
pub async fn open(
    state: &AppState,
    workspace: &WorkspaceRow,
    id: i64,
    links: bool,
) -> Result<OpenedView, AppError> {
    let row = saved_views::find(&state.db, workspace.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (params, dropped) = clean(state, workspace, row.kind, &row.params).await?;
    let links = if links {
        share_links::list_live(&state.db, workspace.id, Some(id), now_ms())
            .await?
            .into_iter()
            .map(link_info)
            .collect()
    } else {
        Vec::new()
    };
    Ok(OpenedView {
        target: row.kind.href(&workspace.slug, &params, Some(id)),
        view: saved(workspace, &row),
        params,
        dropped,
        links,
        new_link: None,
    })
}

/// A view's stored query without what no longer exists in the workspace —
/// a deleted status, a tag no item has, a former member, a deleted
/// criterion — and what it left out, said for people. A link to a view
/// keeps opening whatever was deleted since it was saved.
pub async fn clean(
    state: &AppState,
    workspace: &WorkspaceRow,
    kind: ViewKind,
    params: &str,
) -> Result<(String, Vec<String>), AppError> {
    let (mut query, mut own) = kind.normalise(&query_pairs(params));
    let mut dropped = Vec::new();
    let names_someone = query.assignee.is_some_and(|id| id > 0);
    if query.status.is_some() || query.tag.is_some() || names_someone {
        let choices = items::choices(state, workspace).await?;
        if let Some(id) = query.status
            && !choices.statuses.iter().any(|s| s.id == id)
        {
            dropped.push("a status that was deleted".to_owned());
            query.status = None;
        }
        if let Some(tag) = &query.tag
            && !choices.tags.contains(tag)
        {
            dropped.push(format!("the tag “{tag}”, which no item has any more"));
            query.tag = None;
        }
        if let Some(id) = query.assignee.filter(|id| *id > 0)
            && !choices.people.iter().any(|p| p.id == id)
        {
            dropped.push("someone who is no longer a member".to_owned());
            query.assignee = None;
        }
    }
    if let Some(at) = own.iter().position(|(name, _)| name == "size") {
        let framework = criteria::framework(&state.db, workspace.id).await?;
        let id = own[at].1.parse::<i64>().unwrap_or_default();
        if !framework.criteria.iter().any(|c| c.id == id) {
            dropped.push("a scoring criterion that was deleted (the bubble size)".to_owned());
            own.remove(at);
        }
    }
    Ok((crate::model::join_params(&query, &own), dropped))
}

fn view_name(name: &str) -> Result<String, AppError> {
    parse_view_name(name).map_err(|message| AppError::invalid("name", message))
}

fn view_params(kind: ViewKind, params: &str) -> Result<String, AppError> {
    if params.len() > MAX_PARAMS {
        return Err(AppError::invalid(
            "params",
            "this view's filter is too long to save",
        ));
    }
    Ok(kind.canonical(params))
}

fn name_taken(err: NameError) -> AppError {
    match err {
        NameError::Taken => {
            AppError::invalid("name", "a view with this name exists; choose another")
        }
        NameError::Db(err) => err.into(),
    }
}

/// Saves a view of `kind` with `params` (its page's URL query) under
/// `name`.
pub async fn create(
    state: &AppState,
    access: &WorkspaceAccess,
    name: &str,
    kind: &str,
    params: &str,
) -> Result<SavedView, AppError> {
    let name = view_name(name)?;
    let kind = ViewKind::parse(kind.trim()).ok_or_else(|| {
        AppError::invalid(
            "kind",
            "choose the table, board, roadmap, timeline or chart",
        )
    })?;
    let params = view_params(kind, params)?;
    let workspace = &access.workspace;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    // Two editors saving at once must not both pass the count.
    state
        .db
        .lock_subject(&mut tx, &["saved_views", &workspace.id.to_string()])
        .await?;
    if saved_views::count_in(&mut tx, workspace.id).await? >= MAX_SAVED_VIEWS as i64 {
        return Err(AppError::invalid(
            "name",
            format!("a workspace holds at most {MAX_SAVED_VIEWS} saved views; delete one first"),
        ));
    }
    let new = NewView {
        workspace_id: workspace.id,
        name: &name,
        kind,
        params: &params,
        created_by: access.actor.user.id,
    };
    let id = saved_views::insert(&mut tx, new)
        .await
        .map_err(name_taken)?;
    tx.commit().await?;
    let row = ViewRow {
        id,
        workspace_id: workspace.id,
        name,
        kind,
        params,
    };
    Ok(saved(workspace, &row))
}

/// Renames a saved view, or gives it `params` as its new filter, sort
/// and grouping (its page stays what it was).
pub async fn update(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
    name: Option<&str>,
    params: Option<&str>,
) -> Result<(), AppError> {
    let name = name.map(view_name).transpose()?;
    let workspace_id = access.workspace.id;
    let row = saved_views::find(&state.db, workspace_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let params = params.map(|p| view_params(row.kind, p)).transpose()?;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let mut found = true;
    if let Some(name) = &name {
        found &= saved_views::rename(&mut tx, workspace_id, id, name)
            .await
            .map_err(name_taken)?;
    }
    if let Some(params) = &params {
        found &= saved_views::set_params(&mut tx, workspace_id, id, params).await?;
    }
    if !found {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Deletes a saved view and its share links; returns the page it showed,
/// with its filter, for the caller to go on to.
pub async fn delete(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
) -> Result<String, AppError> {
    let workspace = &access.workspace;
    let row = saved_views::find(&state.db, workspace.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    if !saved_views::delete(&mut tx, workspace.id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(row.kind.href(&workspace.slug, &row.params, None))
}

/// Publishes a saved view behind a new link: 256 random bits, of which
/// only the hash is kept. `days`: how long it works (none: until revoked).
pub async fn share(
    state: &AppState,
    access: &WorkspaceAccess,
    view_id: i64,
    days: Option<i64>,
    show_names: bool,
) -> Result<NewShareLink, AppError> {
    if days.is_some_and(|d| !(1..=MAX_SHARE_DAYS).contains(&d)) {
        return Err(AppError::invalid(
            "days",
            format!("a link lasts from 1 to {MAX_SHARE_DAYS} days, or until it is revoked"),
        ));
    }
    let workspace = &access.workspace;
    let now = now_ms();
    let token = SecretToken::generate();
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let view = saved_views::find_in(&mut tx, workspace.id, view_id)
        .await?
        .ok_or(AppError::NotFound)?;
    state
        .db
        .lock_subject(&mut tx, &["share_links", &view_id.to_string()])
        .await?;
    if share_links::count_live_in(&mut tx, view_id, now).await? >= MAX_SHARE_LINKS as i64 {
        return Err(AppError::invalid(
            "days",
            format!("a view has at most {MAX_SHARE_LINKS} live links; revoke one first"),
        ));
    }
    let new = share_links::NewShareLink {
        view_id,
        token_hash: &token.hash().0,
        show_names,
        created_by: access.actor.user.id,
        expires_at: days.map(|d| now + d * 86_400_000),
    };
    let expires_at = new.expires_at;
    let id = share_links::insert(&mut tx, new).await?;
    tx.commit().await?;
    let link = LinkRow {
        id,
        view_id,
        view_name: view.name,
        view_kind: view.kind,
        show_names,
        created_by: access.actor.user.display_name.clone(),
        created_at: now,
        expires_at,
    };
    Ok(NewShareLink {
        url: format!("{}/s/{}", state.auth.public_url, token.as_str()),
        link: link_info(link),
    })
}

/// Revokes a share link of the workspace: from now on it finds nothing.
pub async fn revoke(state: &AppState, access: &WorkspaceAccess, id: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    if !share_links::delete(&mut tx, access.workspace.id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Every live share link of the workspace, newest first.
pub async fn links(
    state: &AppState,
    workspace: &WorkspaceRow,
) -> Result<Vec<ShareLinkInfo>, AppError> {
    Ok(
        share_links::list_live(&state.db, workspace.id, None, now_ms())
            .await?
            .into_iter()
            .map(link_info)
            .collect(),
    )
}

/// The cookie that holds a link just made, for five minutes, so that a
/// page loaded after a form post without JavaScript can show it once more.
const NEW_LINK_COOKIE: &str = "waymark_new_share_link";

/// Keeps the token of a link just made in a cookie for the workspace's
/// pages (see [`new_link`]).
pub fn remember_new_link(state: &AppState, workspace: &WorkspaceRow, made: &NewShareLink) {
    let Some(token) = made.url.rsplit('/').next() else {
        return;
    };
    let secure = if state.auth.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    request::set_cookie(&format!(
        "{NEW_LINK_COOKIE}={token}; Path=/w/{}/; Max-Age=300; HttpOnly; SameSite=Strict{secure}",
        workspace.slug
    ));
}

/// The address of the link of `opened` made in the last five minutes by
/// this browser, while it is live.
pub async fn new_link(state: &AppState, opened: &OpenedView) -> Result<Option<String>, AppError> {
    let Some(token) =
        read_cookie(&request::parts(), NEW_LINK_COOKIE).and_then(SecretToken::from_client)
    else {
        return Ok(None);
    };
    let live = share_links::find_live(&state.db, &token.hash().0, now_ms()).await?;
    Ok(live
        .filter(|shared| shared.view.id == opened.view.id)
        .map(|_| format!("{}/s/{}", state.auth.public_url, token.as_str())))
}
