//! Moving a card between lanes and to its place in one.

use super::stale;
use crate::backend::AppState;
use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::db::item_activity::{self, Change};
use crate::backend::db::items::{self, Edit, Fields, Lane};
use crate::backend::db::{now_ms, statuses};
use crate::backend::webhooks::{self, HookItem};
use crate::error::AppError;
use crate::model::{Permission, key_of, number_of};
use crate::rank;

/// Where a card is dropped: into a lane (a status's column on the board, a
/// horizon's lane on the roadmap), below the card `after` and above the
/// card `before` (keys; neither for the top).
#[derive(Debug, Clone)]
pub struct Placement {
    pub lane: Lane,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// Moves a card into a lane and to its place there — its status and board
/// order, or its horizon and roadmap order — in one write with its
/// history. Refused when the item changed since `version`, or when the
/// neighbours it was dropped between are no longer neighbours in that lane
/// (someone else moved them first).
pub async fn move_to(
    state: &AppState,
    access: &WorkspaceAccess,
    key: &str,
    version: i64,
    place: Placement,
) -> Result<i64, AppError> {
    let number = number_of(key)?;
    let workspace_id = access.workspace.id;
    let lane = place.lane;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let current = items::find_for_update(&state.db, &mut tx, workspace_id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    if current.version != version {
        return Err(stale(&current));
    }
    let before_status = statuses::find_in(&mut tx, workspace_id, current.status_id)
        .await?
        .ok_or(AppError::Internal)?;
    let (status, horizon) = match lane {
        Lane::Status(id) => (
            statuses::find_in(&mut tx, workspace_id, id)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("status", "choose one of the workspace's statuses")
                })?,
            current.horizon,
        ),
        Lane::Horizon(horizon) => (before_status.clone(), horizon),
    };
    let above = neighbour_rank(&mut tx, workspace_id, number, lane, place.after).await?;
    let below = neighbour_rank(&mut tx, workspace_id, number, lane, place.before).await?;
    // The gap the card goes into, between its true neighbours in the lane
    // (the moving card itself left out).
    let (low, high) = match (above, below) {
        (None, None) => (
            None,
            items::rank_beside(&mut tx, workspace_id, lane, None, true, number).await?,
        ),
        (Some(a), None) => {
            let next =
                items::rank_beside(&mut tx, workspace_id, lane, Some(&a), true, number).await?;
            (Some(a), next)
        }
        (None, Some(b)) => {
            let previous =
                items::rank_beside(&mut tx, workspace_id, lane, Some(&b), false, number).await?;
            (previous, Some(b))
        }
        (Some(a), Some(b)) => (Some(a), Some(b)),
    };
    let already_there = lane.rank_of(&current).is_some_and(|rank| {
        low.as_deref().is_none_or(|l| l < rank) && high.as_deref().is_none_or(|h| rank < h)
    });
    if already_there {
        return Ok(current.version);
    }
    let new_rank =
        rank::between(low.as_deref(), high.as_deref()).map_err(|_| lane_changed(lane))?;
    let (rank, roadmap_rank) = match lane {
        Lane::Status(_) => (new_rank.as_str(), current.roadmap_rank.as_str()),
        Lane::Horizon(_) => (current.rank.as_str(), new_rank.as_str()),
    };
    let now = now_ms();
    let actor = access.actor.user.id;
    let saved = items::update(
        &mut tx,
        &current,
        workspace_id,
        version,
        Edit {
            fields: Fields {
                status_id: status.id,
                horizon,
                rank,
                roadmap_rank,
                ..Fields::of(&current)
            },
            archived: current.archived,
            actor_id: actor,
            now,
        },
    )
    .await?;
    if !saved {
        return Err(stale(&current));
    }
    let mut changes = Vec::new();
    if before_status.id != status.id {
        changes.push(Change {
            field: "status",
            old_value: &before_status.name,
            new_value: &status.name,
        });
    }
    if current.horizon != horizon {
        changes.push(Change {
            field: "horizon",
            old_value: current.horizon.label(),
            new_value: horizon.label(),
        });
    }
    item_activity::record(&mut tx, current.id, actor, now, &changes).await?;
    if !changes.is_empty() {
        let hooked = HookItem {
            number,
            title: &current.title,
            status_id: status.id,
            version: current.version + 1,
        };
        webhooks::queue_changed(state, &mut tx, access, hooked, before_status.id).await?;
    }
    tx.commit().await?;
    state.changed(access, Some(&key_of(&access.workspace.key_prefix, number)));
    Ok(current.version + 1)
}

fn lane_changed(lane: Lane) -> AppError {
    let view = match lane {
        Lane::Status(_) => "board",
        Lane::Horizon(_) => "roadmap",
    };
    AppError::Conflict(format!(
        "the {view} changed while you moved the card — it is back where the server has it"
    ))
}

/// The rank of the card `key` that a moved card was dropped next to; it
/// must still be in the target lane.
async fn neighbour_rank(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    workspace_id: i64,
    moving: i64,
    lane: Lane,
    key: Option<String>,
) -> Result<Option<String>, AppError> {
    let Some(key) = key.filter(|k| !k.trim().is_empty()) else {
        return Ok(None);
    };
    let number = number_of(key.trim()).map_err(|_| lane_changed(lane))?;
    if number == moving {
        return Err(lane_changed(lane));
    }
    match items::rank_in(tx, workspace_id, number, lane).await? {
        Some(rank) => Ok(Some(rank)),
        None => Err(lane_changed(lane)),
    }
}
