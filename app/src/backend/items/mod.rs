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
use crate::model::{
    Horizon, ItemSummary, Person, Status, key_of, parse_body, parse_date, parse_tags, parse_title,
};
use crate::rank;
use sqlx::{Any, Transaction};

mod detail;
mod edit;
mod lists;
mod moves;

pub use detail::{add_comment, choices, delete_comment, detail, edit_comment};
pub use edit::{BULK_LIMIT, BulkAction, bulk, create, delete, update};
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
