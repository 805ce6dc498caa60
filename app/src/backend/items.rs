//! What can be done with items, whoever asks: the server functions and the
//! REST API both call these. Each write checks the caller's role again in
//! its transaction and records its activity in the same transaction.

use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::db::item_activity::{self, Change};
use crate::backend::db::items::{self, Fields, ItemRow, Lane, NewItem};
use crate::backend::db::workspaces::WorkspaceRow;
use crate::backend::db::{comments, criteria, memberships, now_ms, ratings, statuses};
use crate::backend::webhooks::{self, Detail, Told};
use crate::backend::{AppState, format_time, markdown, scoring};
use crate::error::AppError;
use crate::model::{
    ActivityEntry, BoardColumn, ChartData, ChartPoint, CommentView, HookEvent, Horizon,
    ItemChoices, ItemDetail, ItemPage, ItemQuery, ItemSummary, MAX_CHART_POINTS,
    MAX_TIMELINE_ITEMS, Permission, Person, RoadmapLane, Role, Status, TimelineData,
    UNSCHEDULED_SHOWN, parse_body, parse_date, parse_tags, parse_title, split_key,
};
use crate::rank;
use crate::scoring::score::Scale;
use sqlx::{Any, Transaction};

/// Rows a table page shows.
pub const PAGE_SIZE: usize = 50;
/// Cards a board column shows; the table lists the rest (the column links
/// to them). A column is read from the top: thirty cards are several
/// screens, and drawing a card costs as much as a table row.
pub const CARDS_PER_COLUMN: usize = 30;
/// History entries an item page shows.
const ACTIVITY_SHOWN: i64 = 200;

pub fn key_of(workspace: &WorkspaceRow, number: i64) -> String {
    format!("{}-{number}", workspace.key_prefix)
}

/// The item's number from a key in a URL; any prefix is accepted, so a
/// link keeps working after the workspace's prefix changed.
pub fn number_of(key: &str) -> Result<i64, AppError> {
    split_key(key)
        .map(|(_, number)| number)
        .ok_or(AppError::NotFound)
}

fn summary(workspace: &WorkspaceRow, row: &ItemRow) -> ItemSummary {
    ItemSummary {
        key: key_of(workspace, row.number),
        title: row.title.clone(),
        status_id: row.status_id,
        assignee: row.assignee_id.map(|id| Person {
            id,
            name: row.assignee_name.clone().unwrap_or_default(),
        }),
        horizon: row.horizon,
        start_date: row.start_date.clone(),
        end_date: row.end_date.clone(),
        tags: row.tags.clone(),
        archived: row.archived,
        version: row.version,
        updated: format_time(row.updated_at),
        updated_ms: row.updated_at,
        score: row.score,
        partly_rated: row.score_partial,
        no_score_reason: row.no_score_reason.clone(),
    }
}

/// What a form or an API call asks to change; `None` leaves a field as it
/// is. Text is parsed here, so every caller gets the same rules.
#[derive(Debug, Default, Clone)]
pub struct ItemInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status_id: Option<i64>,
    pub tags: Option<String>,
    /// A member's id as text; empty for nobody.
    pub assignee: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub horizon: Option<String>,
    pub archived: Option<bool>,
}

/// The stored values after applying `input` to `current` (all fields, for
/// a new item: `current` holds the defaults).
struct Resolved {
    title: String,
    description: String,
    status: Status,
    assignee: Option<(i64, String)>,
    start_date: Option<String>,
    end_date: Option<String>,
    horizon: Horizon,
    tags: Vec<String>,
    archived: bool,
}

async fn resolve(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    access: &WorkspaceAccess,
    input: ItemInput,
    current: Resolved,
) -> Result<Resolved, AppError> {
    let workspace_id = access.workspace.id;
    let title = match input.title {
        Some(title) => parse_title(&title).map_err(|m| AppError::invalid("title", m))?,
        None => current.title,
    };
    let description = match input.description {
        Some(text) => {
            parse_body(&text, "description").map_err(|m| AppError::invalid("description", m))?
        }
        None => current.description,
    };
    let status = match input.status_id {
        Some(id) if id != current.status.id => statuses::find_in(tx, workspace_id, id)
            .await?
            .ok_or_else(|| AppError::invalid("status", "choose one of the workspace's statuses"))?,
        _ => current.status,
    };
    let tags = match input.tags {
        Some(text) => parse_tags(&text).map_err(|m| AppError::invalid("tags", m))?,
        None => current.tags,
    };
    let assignee = match input.assignee.as_deref().map(str::trim) {
        None => current.assignee,
        // A select's "Nobody" posts `none`: a form drops an empty field.
        Some("" | "none") => None,
        Some(text) => {
            let id: i64 = text
                .parse()
                .map_err(|_| AppError::invalid("assignee", "choose a member"))?;
            if current.assignee.as_ref().is_some_and(|(old, _)| *old == id) {
                current.assignee
            } else {
                let name = member_name(tx, workspace_id, id).await?.ok_or_else(|| {
                    AppError::invalid("assignee", "only members of this workspace can be assigned")
                })?;
                Some((id, name))
            }
        }
    };
    let start_date = match input.start_date {
        Some(text) => parse_date(&text).map_err(|m| AppError::invalid("start_date", m))?,
        None => current.start_date,
    };
    let end_date = match input.end_date {
        Some(text) => parse_date(&text).map_err(|m| AppError::invalid("end_date", m))?,
        None => current.end_date,
    };
    if let (Some(start), Some(end)) = (&start_date, &end_date)
        && end < start
    {
        return Err(AppError::invalid("end_date", "the end is before the start"));
    }
    let horizon = match input.horizon {
        Some(text) => Horizon::parse(text.trim())
            .ok_or_else(|| AppError::invalid("horizon", "choose Now, Next, Later or Unplanned"))?,
        None => current.horizon,
    };
    Ok(Resolved {
        title,
        description,
        status,
        assignee,
        start_date,
        end_date,
        horizon,
        tags,
        archived: input.archived.unwrap_or(current.archived),
    })
}

async fn member_name(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    workspace_id: i64,
    user_id: i64,
) -> Result<Option<String>, AppError> {
    if memberships::role_in(tx, workspace_id, user_id)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    Ok(
        sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

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
            title: &item.title,
            description: &item.description,
            status_id: item.status.id,
            assignee_id: item.assignee.as_ref().map(|(id, _)| *id),
            start_date: item.start_date.as_deref(),
            end_date: item.end_date.as_deref(),
            horizon: item.horizon,
            rank: &rank,
            roadmap_rank: &roadmap_rank,
            tags: &item.tags,
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
    let told = Told {
        number,
        title: &item.title,
        status_id: item.status.id,
        version: 1,
    };
    webhooks::tell(
        state,
        &mut tx,
        access,
        HookEvent::ItemCreated,
        told,
        Detail::None,
    )
    .await?;
    tx.commit().await?;
    state.changed(access, Some(&key_of(&access.workspace, number)));
    Ok(key_of(&access.workspace, number))
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
    state.changed(access, Some(&key_of(&access.workspace, number)));
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
        Fields {
            title: &after.title,
            description: &after.description,
            status_id: after.status.id,
            assignee_id: after.assignee.as_ref().map(|(id, _)| *id),
            start_date: after.start_date.as_deref(),
            end_date: after.end_date.as_deref(),
            horizon: after.horizon,
            rank: &rank,
            roadmap_rank: &roadmap_rank,
            tags: &after.tags,
            archived: after.archived,
        },
        actor,
        now,
    )
    .await?;
    if !saved {
        return Err(stale(current));
    }
    item_activity::record(tx, current.id, actor, now, &changes).await?;
    let told = Told {
        number: current.number,
        title: &after.title,
        status_id: after.status.id,
        version: current.version + 1,
    };
    webhooks::tell_changed(state, tx, access, told, current.status_id).await?;
    Ok(current.version + 1)
}

/// Each field as the history shows it: (field, value).
fn describe(item: &Resolved) -> [(&'static str, String); 9] {
    [
        ("title", item.title.clone()),
        ("description", item.description.clone()),
        ("status", item.status.name.clone()),
        ("tags", items::join_tags(&item.tags)),
        (
            "assignee",
            item.assignee
                .as_ref()
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
        ),
        ("start_date", item.start_date.clone().unwrap_or_default()),
        ("end_date", item.end_date.clone().unwrap_or_default()),
        ("horizon", item.horizon.label().to_owned()),
        (
            "archived",
            if item.archived { "archived" } else { "active" }.to_owned(),
        ),
    ]
}

/// A rank above every card of `lane`.
async fn top_of(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    lane: Lane,
) -> Result<String, AppError> {
    let top = items::first_rank(tx, workspace_id, lane).await?;
    rank::between(None, top.as_deref()).map_err(AppError::internal)
}

fn stale(current: &ItemRow) -> AppError {
    AppError::Conflict(format!(
        "changed by {} at {} — reload to see it",
        current.updated_by.as_deref().unwrap_or("someone"),
        format_time(current.updated_at)
    ))
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
    state.changed(access, Some(&key_of(&access.workspace, number)));
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
    let told = Told::from(current);
    webhooks::tell(
        state,
        tx,
        access,
        HookEvent::ItemDeleted,
        told,
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

pub async fn list(
    state: &AppState,
    workspace: &WorkspaceRow,
    query: &ItemQuery,
) -> Result<ItemPage, AppError> {
    list_page(state, workspace, query, PAGE_SIZE).await
}

/// The most items one page of the REST API's list holds.
pub const MAX_PAGE_SIZE: usize = 200;

/// A page of `limit` items (at most [`MAX_PAGE_SIZE`]). A cursor that does
/// not fit the query's sort is refused here; the pages, which take any
/// hand-edited link, check nothing and start at the top instead.
pub async fn list_page(
    state: &AppState,
    workspace: &WorkspaceRow,
    query: &ItemQuery,
    limit: usize,
) -> Result<ItemPage, AppError> {
    let limit = limit.clamp(1, MAX_PAGE_SIZE);
    let listed = items::list(&state.db, workspace.id, query, limit).await?;
    Ok(ItemPage {
        items: listed
            .items
            .iter()
            .map(|row| summary(workspace, row))
            .collect(),
        total: listed.total,
        next: listed.next,
    })
}

/// The board: one column per status, each in rank order.
pub async fn board(
    state: &AppState,
    workspace: &WorkspaceRow,
    query: &ItemQuery,
) -> Result<Vec<BoardColumn>, AppError> {
    let columns = items::board(&state.db, workspace.id, query, CARDS_PER_COLUMN).await?;
    Ok(columns
        .into_iter()
        .map(|column| BoardColumn {
            items: column
                .items
                .iter()
                .map(|row| summary(workspace, row))
                .collect(),
            status: column.status,
            total: column.total,
        })
        .collect())
}

/// The value-vs-effort chart for `query`, its bubbles sized by the
/// criterion `size` when that is one of the workspace's (any other id is
/// ignored, as a stale link's would be).
pub async fn chart(
    state: &AppState,
    workspace: &WorkspaceRow,
    query: &ItemQuery,
    size: Option<i64>,
) -> Result<ChartData, AppError> {
    let db = &state.db;
    let framework = criteria::framework(db, workspace.id).await?;
    let size = size.and_then(|id| framework.criteria.iter().find(|c| c.id == id));
    let largest = match size {
        Some(c) if c.criterion.scale == Scale::Number => ratings::largest(db, &[c.id], None)
            .await?
            .first()
            .copied()
            .unwrap_or(0.0),
        _ => 0.0,
    };
    let (total, placed, rows) = items::chart(
        db,
        workspace.id,
        query,
        size.map(|c| c.id),
        MAX_CHART_POINTS,
    )
    .await?;
    let points = rows
        .into_iter()
        .map(|row| {
            let scale = size.map(|c| c.criterion.scale);
            let rated = row.size.zip(scale);
            ChartPoint {
                key: key_of(workspace, row.number),
                title: row.title,
                score: row.score,
                no_score_reason: row.no_score_reason,
                value: row.value,
                effort: row.effort,
                size: rated.and_then(|(r, scale)| scale.normalise(r, largest)),
                size_label: rated.map(|(r, scale)| scale.show(r)),
            }
        })
        .collect();
    Ok(ChartData {
        total,
        placed,
        points,
        sizes: framework
            .criteria
            .iter()
            .map(|c| (c.id, c.name.clone()))
            .collect(),
        size: size.map(|c| (c.id, c.name.clone())),
    })
}

/// The roadmap: a lane per horizon, each in roadmap order.
pub async fn roadmap(
    state: &AppState,
    workspace: &WorkspaceRow,
    query: &ItemQuery,
) -> Result<Vec<RoadmapLane>, AppError> {
    let lanes = items::roadmap(&state.db, workspace.id, query, CARDS_PER_COLUMN).await?;
    Ok(lanes
        .into_iter()
        .map(|lane| RoadmapLane {
            horizon: lane.horizon,
            items: lane
                .items
                .iter()
                .map(|row| summary(workspace, row))
                .collect(),
            total: lane.total,
        })
        .collect())
}

/// The timeline: the dated items, earliest first, and the undated ones.
pub async fn timeline(
    state: &AppState,
    workspace: &WorkspaceRow,
    query: &ItemQuery,
) -> Result<TimelineData, AppError> {
    let (scheduled_total, scheduled, unscheduled_total, unscheduled) = items::timeline(
        &state.db,
        workspace.id,
        query,
        MAX_TIMELINE_ITEMS,
        UNSCHEDULED_SHOWN,
    )
    .await?;
    Ok(TimelineData {
        scheduled: scheduled
            .iter()
            .map(|row| summary(workspace, row))
            .collect(),
        scheduled_total,
        unscheduled: unscheduled
            .iter()
            .map(|row| summary(workspace, row))
            .collect(),
        unscheduled_total,
        today: crate::timeline::date_of(now_ms().div_euclid(86_400_000)),
    })
}

/// Where a card is dropped: into a lane (a status's column on the board, a
/// horizon's lane on the roadmap), below the card `after` and above the
/// card `before` (keys; neither for the top).
#[derive(Debug, Clone)]
pub struct Drop {
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
    drop: Drop,
) -> Result<i64, AppError> {
    let number = number_of(key)?;
    let workspace_id = access.workspace.id;
    let lane = drop.lane;
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
    let above = neighbour_rank(&mut tx, workspace_id, number, lane, drop.after).await?;
    let below = neighbour_rank(&mut tx, workspace_id, number, lane, drop.before).await?;
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
        Fields {
            title: &current.title,
            description: &current.description,
            status_id: status.id,
            assignee_id: current.assignee_id,
            start_date: current.start_date.as_deref(),
            end_date: current.end_date.as_deref(),
            horizon,
            rank,
            roadmap_rank,
            tags: &current.tags,
            archived: current.archived,
        },
        actor,
        now,
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
        let told = Told {
            number,
            title: &current.title,
            status_id: status.id,
            version: current.version + 1,
        };
        webhooks::tell_changed(state, &mut tx, access, told, before_status.id).await?;
    }
    tx.commit().await?;
    state.changed(access, Some(&key_of(&access.workspace, number)));
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
    let told = Told::from(&item);
    webhooks::tell(state, &mut tx, access, HookEvent::CommentAdded, told, said).await?;
    tx.commit().await?;
    state.changed(access, Some(&key_of(&access.workspace, number)));
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
