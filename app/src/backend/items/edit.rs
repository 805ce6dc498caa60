//! Making, changing and deleting items, one at a time or many at once.

use super::{ItemInput, Resolved, describe, resolve, stale, top_of};
use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::db::item_activity::{self, Change};
use crate::backend::db::items::{self, Edit, ItemRow, Lane, NewItem};
use crate::backend::db::{now_ms, statuses};
use crate::backend::webhooks::{self, Detail, HookItem};
use crate::backend::{AppState, scoring};
use crate::error::AppError;
use crate::model::{HookEvent, Horizon, Permission, key_of, number_of};
use sqlx::{Any, Transaction};

/// Creates an item at the top of its status's column and of its roadmap
/// lane; returns its key.
pub async fn create(
    state: &AppState,
    access: &WorkspaceAccess,
    input: ItemInput,
) -> Result<String, AppError> {
    let workspace_id = access.workspace.id;
    if input.title.is_none() {
        return Err(AppError::invalid("title", "give the item a title"));
    }
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let first = statuses::first_in(&mut tx, workspace_id)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("this workspace has no statuses; add one first".into())
        })?;
    let defaults = Resolved {
        title: String::new(),
        description: String::new(),
        status: first,
        assignee: None,
        start_date: None,
        end_date: None,
        horizon: Horizon::Unplanned,
        tags: Vec::new(),
        archived: false,
    };
    let item = resolve(&mut tx, access, input, defaults).await?;
    let number = items::take_number(&mut tx, workspace_id).await?;
    let rank = top_of(&mut tx, workspace_id, Lane::Status(item.status.id)).await?;
    let roadmap_rank = top_of(&mut tx, workspace_id, Lane::Horizon(item.horizon)).await?;
    let now = now_ms();
    let actor = access.actor.user.id;
    let score = scoring::new_item_score(&mut tx, workspace_id).await?;
    let id = items::insert(
        &mut tx,
        NewItem {
            workspace_id,
            number,
            fields: item.fields(&rank, &roadmap_rank),
            score: &score,
            actor_id: actor,
            now,
        },
    )
    .await?;
    let change = Change {
        field: "created",
        old_value: "",
        new_value: &item.title,
    };
    item_activity::record(&mut tx, id, actor, now, &[change]).await?;
    let hooked = HookItem {
        number,
        title: &item.title,
        status_id: item.status.id,
        version: 1,
    };
    webhooks::queue(
        state,
        &mut tx,
        access,
        HookEvent::ItemCreated,
        hooked,
        Detail::None,
    )
    .await?;
    tx.commit().await?;
    state.changed(access, Some(&key_of(&access.workspace.key_prefix, number)));
    Ok(key_of(&access.workspace.key_prefix, number))
}

/// Applies `input` to the item if it is still at `version`; a stale edit
/// is refused with who changed it and when. Returns the new version.
pub async fn update(
    state: &AppState,
    access: &WorkspaceAccess,
    key: &str,
    version: i64,
    input: ItemInput,
) -> Result<i64, AppError> {
    let number = number_of(key)?;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let current = items::find_for_update(&state.db, &mut tx, access.workspace.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.version != version {
        return Err(stale(&current));
    }
    let version = update_in(state, &mut tx, access, &current, input).await?;
    tx.commit().await?;
    state.changed(access, Some(&key_of(&access.workspace.key_prefix, number)));
    Ok(version)
}

/// Writes `input` over `current` (read with `find_for_update` in `tx`),
/// with one history row per changed field; returns the new version.
async fn update_in(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    access: &WorkspaceAccess,
    current: &ItemRow,
    input: ItemInput,
) -> Result<i64, AppError> {
    let workspace_id = access.workspace.id;
    let version = current.version;
    let status = statuses::find_in(tx, workspace_id, current.status_id)
        .await?
        .ok_or(AppError::Internal)?;
    let before = Resolved {
        title: current.title.clone(),
        description: current.description.clone(),
        status,
        assignee: current
            .assignee_id
            .map(|id| (id, current.assignee_name.clone().unwrap_or_default())),
        start_date: current.start_date.clone(),
        end_date: current.end_date.clone(),
        horizon: current.horizon,
        tags: current.tags.clone(),
        archived: current.archived,
    };
    let old = describe(&before);
    let after = resolve(tx, access, input, before).await?;
    let new = describe(&after);
    let changes: Vec<Change<'_>> = old
        .iter()
        .zip(&new)
        .filter(|(o, n)| o.1 != n.1)
        .map(|(o, n)| Change {
            field: o.0,
            old_value: &o.1,
            new_value: &n.1,
        })
        .collect();
    if changes.is_empty() {
        return Ok(current.version);
    }
    // A card that changes status goes to the top of its new column; one
    // that changes horizon, to the top of its new lane.
    let rank = if after.status.id == current.status_id {
        current.rank.clone()
    } else {
        top_of(tx, workspace_id, Lane::Status(after.status.id)).await?
    };
    let roadmap_rank = if after.horizon == current.horizon {
        current.roadmap_rank.clone()
    } else {
        top_of(tx, workspace_id, Lane::Horizon(after.horizon)).await?
    };
    let now = now_ms();
    let actor = access.actor.user.id;
    let saved = items::update(
        tx,
        current,
        workspace_id,
        version,
        Edit {
            fields: after.fields(&rank, &roadmap_rank),
            archived: after.archived,
            actor_id: actor,
            now,
        },
    )
    .await?;
    if !saved {
        return Err(stale(current));
    }
    item_activity::record(tx, current.id, actor, now, &changes).await?;
    let hooked = HookItem {
        number: current.number,
        title: &after.title,
        status_id: after.status.id,
        version: current.version + 1,
    };
    webhooks::queue_changed(state, tx, access, hooked, current.status_id).await?;
    Ok(current.version + 1)
}

pub async fn delete(state: &AppState, access: &WorkspaceAccess, key: &str) -> Result<(), AppError> {
    let number = number_of(key)?;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let largest = scoring::before_removing_items(state, &mut tx, access.workspace.id).await?;
    let current = items::find_for_update(&state.db, &mut tx, access.workspace.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    delete_in(state, &mut tx, access, &current).await?;
    scoring::after_removing_items(&mut tx, largest, access.actor.user.id).await?;
    tx.commit().await?;
    state.changed(access, Some(&key_of(&access.workspace.key_prefix, number)));
    Ok(())
}

/// Deletes an item read with `find_for_update` in `tx`, and tells the
/// webhooks that want to know.
async fn delete_in(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    access: &WorkspaceAccess,
    current: &ItemRow,
) -> Result<(), AppError> {
    let hooked = HookItem::from(current);
    webhooks::queue(
        state,
        tx,
        access,
        HookEvent::ItemDeleted,
        hooked,
        Detail::None,
    )
    .await?;
    items::delete(tx, current.id).await?;
    Ok(())
}

/// What a bulk action does to each selected item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkAction {
    /// Moves each to the top of this status's column.
    SetStatus(i64),
    Archive,
    Restore,
    Delete,
}

/// The most items one bulk action takes: a few pages' worth.
pub const BULK_LIMIT: usize = 200;

/// Applies `action` to the items of `keys`, all in one transaction: either
/// every item changes, with its history, or none does. Items deleted
/// meanwhile are skipped. Returns how many items changed.
pub async fn bulk(
    state: &AppState,
    access: &WorkspaceAccess,
    keys: &[String],
    action: BulkAction,
) -> Result<usize, AppError> {
    if keys.is_empty() {
        return Err(AppError::invalid("keys", "select at least one item"));
    }
    if keys.len() > BULK_LIMIT {
        return Err(AppError::invalid(
            "keys",
            format!("select at most {BULK_LIMIT} items at once"),
        ));
    }
    let mut numbers = keys
        .iter()
        .map(|key| {
            number_of(key)
                .map_err(|_| AppError::invalid("keys", format!("{key:?} is not an item key")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    numbers.sort_unstable();
    numbers.dedup();
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let input = match action {
        BulkAction::SetStatus(id) => ItemInput {
            status_id: Some(id),
            ..ItemInput::default()
        },
        BulkAction::Archive | BulkAction::Restore => ItemInput {
            archived: Some(action == BulkAction::Archive),
            ..ItemInput::default()
        },
        BulkAction::Delete => ItemInput::default(),
    };
    // Archived items' ratings still count towards number scales' largest
    // ratings; only deleting can move them.
    let largest = match action {
        BulkAction::Delete => {
            Some(scoring::before_removing_items(state, &mut tx, access.workspace.id).await?)
        }
        _ => None,
    };
    let mut changed = 0;
    for number in numbers {
        let Some(current) =
            items::find_for_update(&state.db, &mut tx, access.workspace.id, number).await?
        else {
            continue;
        };
        if action == BulkAction::Delete {
            delete_in(state, &mut tx, access, &current).await?;
            changed += 1;
        } else if update_in(state, &mut tx, access, &current, input.clone()).await?
            != current.version
        {
            changed += 1;
        }
    }
    if let Some(largest) = largest {
        scoring::after_removing_items(&mut tx, largest, access.actor.user.id).await?;
    }
    tx.commit().await?;
    state.changed(access, None);
    Ok(changed)
}
