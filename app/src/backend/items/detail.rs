//! The item page: its details and history, its comments, and what its
//! edit controls offer.

use super::{ACTIVITY_SHOWN, summary};
use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::db::item_activity::{self};
use crate::backend::db::items;
use crate::backend::db::workspaces::WorkspaceRow;
use crate::backend::db::{comments, memberships, now_ms, statuses};
use crate::backend::webhooks::{self, Detail, HookItem};
use crate::backend::{AppState, format_time, markdown};
use crate::error::AppError;
use crate::model::{
    ActivityEntry, CommentView, HookEvent, ItemChoices, ItemDetail, Permission, Person, Role,
    key_of, number_of, parse_body,
};

pub async fn choices(state: &AppState, workspace: &WorkspaceRow) -> Result<ItemChoices, AppError> {
    let workspace_id = workspace.id;
    let statuses = statuses::list(&state.db, workspace_id).await?;
    let people = memberships::list_members(&state.db, workspace_id)
        .await?
        .into_iter()
        .map(|m| Person {
            id: m.user_id,
            name: m.display_name,
        })
        .collect();
    let tags = items::tags_in_use(&state.db, workspace_id).await?;
    Ok(ItemChoices {
        statuses,
        people,
        tags,
    })
}

pub async fn detail(
    state: &AppState,
    access: &WorkspaceAccess,
    key: &str,
) -> Result<ItemDetail, AppError> {
    let number = number_of(key)?;
    let row = items::find(&state.db, access.workspace.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let me = access.actor.user.id;
    let can_contribute = access.role.allows(Permission::Contribute);
    let comments = comments::list_for_item(&state.db, row.id)
        .await?
        .into_iter()
        .map(|c| {
            let mine = c.author_id == Some(me);
            CommentView {
                id: c.id,
                author: c.author_name.unwrap_or_else(|| "A former member".into()),
                body_html: markdown::to_safe_html(&c.body),
                body: c.body,
                created: format_time(c.created_at),
                created_ms: c.created_at,
                edited: c.edited_at.is_some(),
                can_edit: mine && can_contribute,
                can_delete: (mine && can_contribute) || access.role == Role::Owner,
            }
        })
        .collect();
    let activity = item_activity::list_for_item(&state.db, row.id, ACTIVITY_SHOWN)
        .await?
        .into_iter()
        .map(|a| ActivityEntry {
            actor: a.actor_name.unwrap_or_else(|| "A former member".into()),
            at: format_time(a.at),
            at_ms: a.at,
            field: a.field,
            old_value: a.old_value,
            new_value: a.new_value,
        })
        .collect();
    Ok(ItemDetail {
        summary: summary(&access.workspace, &row),
        description_html: markdown::to_safe_html(&row.description),
        description: row.description,
        created_by: row.created_by.unwrap_or_else(|| "A former member".into()),
        created: format_time(row.created_at),
        created_ms: row.created_at,
        updated_by: row.updated_by.unwrap_or_else(|| "A former member".into()),
        comments,
        activity,
    })
}

fn parse_comment(body: &str) -> Result<String, AppError> {
    let body = parse_body(body, "comment").map_err(|m| AppError::invalid("body", m))?;
    if body.trim().is_empty() {
        return Err(AppError::invalid("body", "write something first"));
    }
    Ok(body)
}

pub async fn add_comment(
    state: &AppState,
    access: &WorkspaceAccess,
    key: &str,
    body: &str,
) -> Result<i64, AppError> {
    let number = number_of(key)?;
    let body = parse_comment(body)?;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Contribute).await?;
    let item = items::find_for_update(&state.db, &mut tx, access.workspace.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = comments::insert(&mut tx, item.id, access.actor.user.id, &body, now_ms()).await?;
    let said = Detail::Comment { id, body: &body };
    let hooked = HookItem::from(&item);
    webhooks::queue(
        state,
        &mut tx,
        access,
        HookEvent::CommentAdded,
        hooked,
        said,
    )
    .await?;
    tx.commit().await?;
    state.changed(access, Some(&key_of(&access.workspace.key_prefix, number)));
    Ok(id)
}

/// Changes a comment's text: only its author may.
pub async fn edit_comment(
    state: &AppState,
    access: &WorkspaceAccess,
    comment_id: i64,
    body: &str,
) -> Result<(), AppError> {
    let body = parse_comment(body)?;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Contribute).await?;
    let comment = comments::find_in(&mut tx, access.workspace.id, comment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if comment.author_id != Some(access.actor.user.id) {
        return Err(AppError::Forbidden);
    }
    comments::update(&mut tx, comment.id, &body, now_ms()).await?;
    tx.commit().await?;
    state.changed(access, None);
    Ok(())
}

/// Deletes a comment: its author (still a contributor) or an owner may.
pub async fn delete_comment(
    state: &AppState,
    access: &WorkspaceAccess,
    comment_id: i64,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let mine_allowed = access::recheck_in(state, &mut tx, access, Permission::Contribute).await;
    let comment = comments::find_in(&mut tx, access.workspace.id, comment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let is_author = comment.author_id == Some(access.actor.user.id);
    if !(is_author && mine_allowed.is_ok()) {
        access::recheck_in(state, &mut tx, access, Permission::Manage).await?;
    }
    comments::delete(&mut tx, comment.id).await?;
    tx.commit().await?;
    state.changed(access, None);
    Ok(())
}
