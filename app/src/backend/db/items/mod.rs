//! The `items` and `item_tags` tables: the backlog, its keys, order and
//! tags, and the filtered, sorted, paged lists the views show.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Db, flag};
use crate::model::{DatabaseKind, Horizon};
use crate::scoring::score::Score;

/// An item as stored, with the names of the people it refers to.
mod lanes;
mod query;
mod rank;

pub use lanes::{ChartRow, Column, LaneRows, board, chart, roadmap, timeline};
pub use query::{Listed, cursor_fits, list, search_expression};
pub use rank::{Lane, first_rank, in_status, rank_beside, rank_in, set_status};

#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub status_id: i64,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub horizon: Horizon,
    pub rank: String,
    pub roadmap_rank: String,
    pub tags: Vec<String>,
    pub archived: bool,
    pub version: i64,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub updated_by: Option<String>,
    pub updated_at: i64,
    /// The priority score its ratings give (none when too few are rated).
    pub score: Option<f64>,
    pub score_partial: bool,
    /// Why a formula gives it no score although it is rated.
    pub no_score_reason: Option<String>,
}

/// Tags are kept joined for showing; `item_tags` has one row per tag.
const TAG_SEPARATOR: &str = ", ";

pub fn join_tags(tags: &[String]) -> String {
    tags.join(TAG_SEPARATOR)
}

fn split_tags(joined: &str) -> Vec<String> {
    if joined.is_empty() {
        Vec::new()
    } else {
        joined.split(TAG_SEPARATOR).map(str::to_owned).collect()
    }
}

const COLUMNS: &str = "i.id, i.number, i.title, i.status_id, i.assignee_id, \
     a.display_name AS assignee_name, i.start_date, i.end_date, i.horizon, i.rank, \
     i.roadmap_rank, i.tags, i.archived, i.version, i.updated_at, i.score, i.score_partial, \
     i.no_score_reason";

const DETAIL_COLUMNS: &str = "i.description, c.display_name AS created_by_name, i.created_at, \
     u.display_name AS updated_by_name";

fn from_row(row: &AnyRow, detail: bool) -> Result<ItemRow, sqlx::Error> {
    let horizon: String = row.try_get("horizon")?;
    let tags: String = row.try_get("tags")?;
    Ok(ItemRow {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        title: row.try_get("title")?,
        description: if detail {
            row.try_get("description")?
        } else {
            String::new()
        },
        status_id: row.try_get("status_id")?,
        assignee_id: row.try_get("assignee_id")?,
        assignee_name: row.try_get("assignee_name")?,
        start_date: row.try_get("start_date")?,
        end_date: row.try_get("end_date")?,
        horizon: Horizon::parse(&horizon)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown horizon {horizon:?}").into()))?,
        rank: row.try_get("rank")?,
        roadmap_rank: row.try_get("roadmap_rank")?,
        tags: split_tags(&tags),
        archived: flag(row, "archived")?,
        version: row.try_get("version")?,
        created_by: if detail {
            row.try_get("created_by_name")?
        } else {
            None
        },
        created_at: if detail {
            row.try_get("created_at")?
        } else {
            0
        },
        updated_by: if detail {
            row.try_get("updated_by_name")?
        } else {
            None
        },
        updated_at: row.try_get("updated_at")?,
        score: row.try_get("score")?,
        score_partial: flag(row, "score_partial")?,
        no_score_reason: row.try_get("no_score_reason")?,
    })
}

/// Takes the workspace's next item number. The counter only grows and its
/// row stays locked until the transaction ends, so two items created at
/// once never share a key, and a deleted item's key is never reused.
pub async fn take_number(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<i64, sqlx::Error> {
    take_numbers(tx, workspace_id, 1).await
}

/// Takes `count` numbers in a row at once; returns the first.
pub async fn take_numbers(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    count: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE workspaces SET next_item_number = next_item_number + $2 WHERE id = $1 \
         RETURNING next_item_number - $2",
    )
    .bind(workspace_id)
    .bind(count)
    .fetch_one(&mut **tx)
    .await
}

/// A new item: its fields, and what only a new item has. A new item is
/// never archived.
pub struct NewItem<'a> {
    pub workspace_id: i64,
    pub number: i64,
    pub fields: Fields<'a>,
    /// What it scores before anyone rates it.
    pub score: &'a StoredScore,
    pub actor_id: i64,
    pub now: i64,
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: NewItem<'_>,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO items (workspace_id, number, title, description, status_id, assignee_id, \
             start_date, end_date, horizon, rank, roadmap_rank, tags, created_by, created_at, \
             updated_by, updated_at, score, score_value, score_effort, score_partial, \
             no_score_reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $14, \
             CAST($15 AS DOUBLE PRECISION), CAST($16 AS DOUBLE PRECISION), \
             CAST($17 AS DOUBLE PRECISION), $18, $19) RETURNING id",
    )
    .bind(new.workspace_id)
    .bind(new.number)
    .bind(new.fields.title)
    .bind(new.fields.description)
    .bind(new.fields.status_id)
    .bind(new.fields.assignee_id)
    .bind(new.fields.start_date)
    .bind(new.fields.end_date)
    .bind(new.fields.horizon.as_str())
    .bind(new.fields.rank)
    .bind(new.fields.roadmap_rank)
    .bind(join_tags(new.fields.tags))
    .bind(new.actor_id)
    .bind(new.now)
    .bind(new.score.score.priority.filter(|v| v.is_finite()))
    .bind(new.score.score.value.filter(|v| v.is_finite()))
    .bind(new.score.score.effort.filter(|v| v.is_finite()))
    .bind(i64::from(new.score.score.partly_rated))
    .bind(new.score.no_score_reason.as_deref())
    .fetch_one(&mut **tx)
    .await?;
    insert_tags(tx, new.workspace_id, id, new.fields.tags).await?;
    add_to_count(tx, new.workspace_id, 1).await?;
    Ok(id)
}

/// Keeps `workspaces.item_count` (items not archived) in step.
async fn add_to_count(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    delta: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE workspaces SET item_count = item_count + $2 WHERE id = $1")
        .bind(workspace_id)
        .bind(delta)
        .execute(&mut **tx)
        .await
        .map(drop)
}

async fn insert_tags(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    item_id: i64,
    tags: &[String],
) -> Result<(), sqlx::Error> {
    for tag in tags {
        sqlx::query("INSERT INTO item_tags (workspace_id, tag, item_id) VALUES ($1, $2, $3)")
            .bind(workspace_id)
            .bind(tag)
            .bind(item_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn select_one(db_kind: DatabaseKind, locked: bool) -> String {
    format!(
        "SELECT {COLUMNS}, {DETAIL_COLUMNS} FROM items i \
         LEFT JOIN users a ON a.id = i.assignee_id \
         LEFT JOIN users c ON c.id = i.created_by \
         LEFT JOIN users u ON u.id = i.updated_by \
         WHERE i.workspace_id = $1 AND i.number = $2{}",
        if locked && db_kind == DatabaseKind::Postgres {
            " FOR UPDATE OF i"
        } else {
            ""
        }
    )
}

/// The item numbered `number` in the workspace.
pub async fn find(db: &Db, workspace_id: i64, number: i64) -> Result<Option<ItemRow>, sqlx::Error> {
    let row = sqlx::query(&select_one(db.kind(), false))
        .bind(workspace_id)
        .bind(number)
        .fetch_optional(db.reader())
        .await?;
    row.map(|row| from_row(&row, true)).transpose()
}

/// The same inside a write, holding the row until the transaction ends.
pub async fn find_for_update(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    number: i64,
) -> Result<Option<ItemRow>, sqlx::Error> {
    let row = sqlx::query(&select_one(db.kind(), true))
        .bind(workspace_id)
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|row| from_row(&row, true)).transpose()
}

/// An item's fields as they are to be stored, by a new item or an edit.
pub struct Fields<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub status_id: i64,
    pub assignee_id: Option<i64>,
    pub start_date: Option<&'a str>,
    pub end_date: Option<&'a str>,
    pub horizon: Horizon,
    pub rank: &'a str,
    pub roadmap_rank: &'a str,
    pub tags: &'a [String],
}

impl<'a> Fields<'a> {
    /// The fields `item` has now.
    pub fn of(item: &'a ItemRow) -> Self {
        Self {
            title: &item.title,
            description: &item.description,
            status_id: item.status_id,
            assignee_id: item.assignee_id,
            start_date: item.start_date.as_deref(),
            end_date: item.end_date.as_deref(),
            horizon: item.horizon,
            rank: &item.rank,
            roadmap_rank: &item.roadmap_rank,
            tags: &item.tags,
        }
    }
}

/// An edit: the fields, whether the item is archived, by whom and when.
pub struct Edit<'a> {
    pub fields: Fields<'a>,
    pub archived: bool,
    pub actor_id: i64,
    pub now: i64,
}

/// Saves `edit` if the item is still at `version`; false (nothing
/// written) when someone changed it in between.
pub async fn update(
    tx: &mut Transaction<'static, Any>,
    item: &ItemRow,
    workspace_id: i64,
    version: i64,
    edit: Edit<'_>,
) -> Result<bool, sqlx::Error> {
    let Edit {
        fields,
        archived,
        actor_id,
        now,
    } = edit;
    let result = sqlx::query(
        "UPDATE items SET title = $3, description = $4, status_id = $5, assignee_id = $6, \
             start_date = $7, end_date = $8, horizon = $9, rank = $10, roadmap_rank = $11, \
             tags = $12, archived = $13, version = version + 1, updated_by = $14, updated_at = $15 \
         WHERE id = $1 AND version = $2",
    )
    .bind(item.id)
    .bind(version)
    .bind(fields.title)
    .bind(fields.description)
    .bind(fields.status_id)
    .bind(fields.assignee_id)
    .bind(fields.start_date)
    .bind(fields.end_date)
    .bind(fields.horizon.as_str())
    .bind(fields.rank)
    .bind(fields.roadmap_rank)
    .bind(join_tags(fields.tags))
    .bind(i64::from(archived))
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Ok(false);
    }
    if archived != item.archived {
        add_to_count(tx, workspace_id, if archived { -1 } else { 1 }).await?;
    }
    if fields.tags != item.tags.as_slice() {
        sqlx::query("DELETE FROM item_tags WHERE item_id = $1")
            .bind(item.id)
            .execute(&mut **tx)
            .await?;
        insert_tags(tx, workspace_id, item.id, fields.tags).await?;
    }
    Ok(true)
}

/// Rows per statement when scores are stored in bulk.
const SCORES_PER_STATEMENT: usize = 200;

/// An item's score as stored: the engine's, and the sentence that says why
/// a formula gives it none.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredScore {
    pub score: Score,
    pub no_score_reason: Option<String>,
}

/// Stores each item's score: (item id, score).
pub async fn set_scores(
    tx: &mut Transaction<'static, Any>,
    scores: &[(i64, StoredScore)],
) -> Result<(), sqlx::Error> {
    // The values are numbers the engine computed, never text anyone typed,
    // so they are written into the statement: a bound NULL would make
    // PostgreSQL's cached statement expect another type the next time.
    let number = |value: Option<f64>| match value {
        Some(v) if v.is_finite() => format!("CAST({v:?} AS DOUBLE PRECISION)"),
        _ => "CAST(NULL AS DOUBLE PRECISION)".to_owned(),
    };
    for chunk in scores.chunks(SCORES_PER_STATEMENT) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|(id, stored)| {
                let score = &stored.score;
                format!(
                    "(CAST({id} AS BIGINT), {}, {}, {}, CAST({} AS BIGINT))",
                    number(score.priority),
                    number(score.value),
                    number(score.effort),
                    i64::from(score.partly_rated)
                )
            })
            .collect();
        // VALUES names its columns column1, column2 … in both databases.
        let sql = format!(
            "UPDATE items SET score = v.column2, score_value = v.column3, \
                 score_effort = v.column4, score_partial = v.column5, no_score_reason = NULL \
             FROM (VALUES {}) AS v WHERE items.id = v.column1",
            rows.join(", ")
        );
        sqlx::query(&sql).execute(&mut **tx).await?;
    }
    // Reasons are rare, and hold criterion names people typed: bound, one
    // statement each.
    for (id, stored) in scores {
        if let Some(reason) = &stored.no_score_reason {
            sqlx::query("UPDATE items SET no_score_reason = $2 WHERE id = $1")
                .bind(id)
                .bind(reason)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// The workspace's items, archived ones too: each id with its stored score.
pub async fn scores_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<Vec<(i64, Option<f64>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, score FROM items WHERE workspace_id = $1 ORDER BY id")
        .bind(workspace_id)
        .fetch_all(&mut **tx)
        .await
}

pub async fn delete(tx: &mut Transaction<'static, Any>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE workspaces SET item_count = item_count - 1 \
         WHERE id = (SELECT workspace_id FROM items WHERE id = $1 AND archived = 0)",
    )
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM items WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// The most tags the filter bar offers: past that, typing the tag in the
/// URL still filters by it.
const TAGS_LISTED: i64 = 500;

/// Every tag in use in the workspace, sorted (the first `TAGS_LISTED`).
/// One index lookup per distinct tag, jumping from each tag to the next,
/// instead of reading every item's tags.
pub async fn tags_in_use(db: &Db, workspace_id: i64) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "WITH RECURSIVE t (tag, n) AS ( \
             SELECT MIN(tag), 1 FROM item_tags WHERE workspace_id = $1 \
             UNION ALL \
             SELECT (SELECT MIN(tag) FROM item_tags WHERE workspace_id = $1 AND tag > t.tag), n + 1 \
             FROM t WHERE t.tag IS NOT NULL AND n < $2 \
         ) SELECT tag FROM t WHERE tag IS NOT NULL ORDER BY tag",
    )
    .bind(workspace_id)
    .bind(TAGS_LISTED)
    .fetch_all(db.reader())
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_join_and_split() {
        let tags = vec!["api".to_owned(), "dark mode".to_owned()];
        assert_eq!(split_tags(&join_tags(&tags)), tags);
        assert!(split_tags("").is_empty());
    }
}
