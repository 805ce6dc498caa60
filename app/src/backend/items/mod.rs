//! What can be done with items, whoever asks: the server functions and the
//! REST API both call these. Each write checks the caller's role again in
//! its transaction and records its activity in the same transaction.

use crate::backend::access::WorkspaceAccess;
use crate::backend::db::items::{self, ItemRow};
pub use crate::backend::db::items::{Lane, cursor_fits};
use crate::backend::db::workspaces::WorkspaceRow;
use crate::backend::db::{memberships, statuses};
use crate::backend::format_time;
use crate::error::AppError;
use crate::model::{Horizon, ItemSummary, ItemTitle, Person, Status, key_of};
use crate::rank;
use sqlx::{Any, Transaction};

mod detail;
mod edit;
pub mod input;
mod lists;
mod moves;

pub use detail::{add_comment, choices, delete_comment, detail, edit_comment};
pub use edit::{BULK_LIMIT, BulkAction, bulk, create, delete, update};
pub use input::ItemInput;
pub use lists::{MAX_PAGE_SIZE, board, chart, list, list_page, roadmap, timeline};
pub use moves::{Placement, move_to};
/// Rows a table page shows.
pub const PAGE_SIZE: usize = 50;
/// Cards a board column shows; the table lists the rest (the column links
/// to them). A column is read from the top: thirty cards are several
/// screens, and drawing a card costs as much as a table row.
pub const CARDS_PER_COLUMN: usize = 30;
/// History entries an item page shows.
const ACTIVITY_SHOWN: i64 = 200;

fn summary(workspace: &WorkspaceRow, row: &ItemRow) -> ItemSummary {
    ItemSummary {
        key: key_of(&workspace.key_prefix, row.number),
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

impl Resolved {
    /// What is stored, with the item's places in its lanes.
    fn fields<'a>(&'a self, rank: &'a str, roadmap_rank: &'a str) -> items::Fields<'a> {
        items::Fields {
            title: &self.title,
            description: &self.description,
            status_id: self.status.id,
            assignee_id: self.assignee.as_ref().map(|(id, _)| *id),
            start_date: self.start_date.as_deref(),
            end_date: self.end_date.as_deref(),
            horizon: self.horizon,
            rank,
            roadmap_rank,
            tags: &self.tags,
        }
    }
}

async fn resolve(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    access: &WorkspaceAccess,
    input: ItemInput,
    current: Resolved,
) -> Result<Resolved, AppError> {
    let workspace_id = access.workspace.id;
    let status = match input.status_id {
        Some(id) if id != current.status.id => statuses::find_in(tx, workspace_id, id)
            .await?
            .ok_or_else(|| AppError::invalid("status", "choose one of the workspace's statuses"))?,
        _ => current.status,
    };
    let assignee = match input.assignee {
        None => current.assignee,
        Some(None) => None,
        Some(Some(id)) if current.assignee.as_ref().is_some_and(|(old, _)| *old == id) => {
            current.assignee
        }
        Some(Some(id)) => {
            let name = member_name(tx, workspace_id, id).await?.ok_or_else(|| {
                AppError::invalid("assignee", "only members of this workspace can be assigned")
            })?;
            Some((id, name))
        }
    };
    let start_date = input.start_date.unwrap_or(current.start_date);
    let end_date = input.end_date.unwrap_or(current.end_date);
    if let (Some(start), Some(end)) = (&start_date, &end_date)
        && end < start
    {
        return Err(AppError::invalid("end_date", "the end is before the start"));
    }
    Ok(Resolved {
        title: input.title.map_or(current.title, ItemTitle::into_string),
        description: input.description.unwrap_or(current.description),
        status,
        assignee,
        start_date,
        end_date,
        horizon: input.horizon.unwrap_or(current.horizon),
        tags: input.tags.unwrap_or(current.tags),
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
