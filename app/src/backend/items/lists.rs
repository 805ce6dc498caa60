//! The items as the views list them: the table, the board, the chart,
//! the roadmap and the timeline.

use super::{CARDS_PER_COLUMN, PAGE_SIZE, summary};
use crate::backend::AppState;
use crate::backend::db::items;
use crate::backend::db::workspaces::WorkspaceRow;
use crate::backend::db::{criteria, now_ms, ratings};
use crate::error::AppError;
use crate::model::{
    BoardColumn, ChartData, ChartPoint, ItemPage, ItemQuery, MAX_CHART_POINTS, MAX_TIMELINE_ITEMS,
    RoadmapLane, TimelineData, UNSCHEDULED_SHOWN, key_of,
};
use crate::scoring::score::Scale;

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
                key: key_of(&workspace.key_prefix, row.number),
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
