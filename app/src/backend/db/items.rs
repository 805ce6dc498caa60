//! The `items` and `item_tags` tables: the backlog, its keys, order and
//! tags, and the filtered, sorted, paged lists the views show.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Db, flag};
use crate::model::{DatabaseKind, Horizon, ItemQuery, SortColumn, Status};
use crate::scoring::score::Score;

/// An item as stored, with the names of the people it refers to.
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

/// An ordered list of cards: a status's column on the board, or a
/// horizon's lane on the roadmap. Each keeps its own order, in its own rank
/// column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Status(i64),
    Horizon(Horizon),
}

impl Lane {
    /// The condition that keeps the lane's items (its value bound as `$2`)
    /// and the column that orders them.
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            Lane::Status(_) => ("status_id = $2", "rank"),
            Lane::Horizon(_) => ("horizon = $2", "roadmap_rank"),
        }
    }

    fn bind<'q, O>(
        self,
        query: sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryScalar<'q, Any, O, sqlx::any::AnyArguments<'q>> {
        match self {
            Lane::Status(id) => query.bind(id),
            Lane::Horizon(horizon) => query.bind(horizon.as_str()),
        }
    }

    /// Whether the item is in this lane, and where in it.
    pub fn rank_of(self, item: &ItemRow) -> Option<&str> {
        match self {
            Lane::Status(id) => (item.status_id == id).then_some(item.rank.as_str()),
            Lane::Horizon(h) => (item.horizon == h).then_some(item.roadmap_rank.as_str()),
        }
    }
}

/// The lowest rank in a lane, to put an item above it.
pub async fn first_rank(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    lane: Lane,
) -> Result<Option<String>, sqlx::Error> {
    let (condition, rank) = lane.sql();
    let sql = format!("SELECT MIN({rank}) FROM items WHERE workspace_id = $1 AND {condition}");
    lane.bind(sqlx::query_scalar(&sql).bind(workspace_id))
        .fetch_one(&mut **tx)
        .await
}

pub struct NewItem<'a> {
    pub workspace_id: i64,
    pub number: i64,
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
    .bind(new.title)
    .bind(new.description)
    .bind(new.status_id)
    .bind(new.assignee_id)
    .bind(new.start_date)
    .bind(new.end_date)
    .bind(new.horizon.as_str())
    .bind(new.rank)
    .bind(new.roadmap_rank)
    .bind(join_tags(new.tags))
    .bind(new.actor_id)
    .bind(new.now)
    .bind(new.score.score.priority.filter(|v| v.is_finite()))
    .bind(new.score.score.value.filter(|v| v.is_finite()))
    .bind(new.score.score.effort.filter(|v| v.is_finite()))
    .bind(i64::from(new.score.score.partly_rated))
    .bind(new.score.no_score_reason.as_deref())
    .fetch_one(&mut **tx)
    .await?;
    insert_tags(tx, new.workspace_id, id, new.tags).await?;
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

/// An item's editable fields, as they are to be stored.
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
    pub archived: bool,
}

/// Saves `fields` if the item is still at `version`; false (nothing
/// written) when someone changed it in between.
pub async fn update(
    tx: &mut Transaction<'static, Any>,
    item: &ItemRow,
    workspace_id: i64,
    version: i64,
    fields: Fields<'_>,
    actor_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
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
    .bind(i64::from(fields.archived))
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    if result.rows_affected() == 0 {
        return Ok(false);
    }
    if fields.archived != item.archived {
        add_to_count(tx, workspace_id, if fields.archived { -1 } else { 1 }).await?;
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

/// A page of the workspace's items for `query`, at most `limit` long, and
/// the cursor of the page after it.
pub struct Listed {
    pub items: Vec<ItemRow>,
    pub total: i64,
    pub next: Option<String>,
}

/// What type a sort's value is, for its cursor.
#[derive(Clone, Copy, PartialEq, Debug)]
enum SortType {
    Int,
    Text,
    /// A number that may be missing (a score): missing ones come last
    /// either way, and their cursor's value is empty.
    OptionalReal,
}

/// The value a sort orders by, as SQL, and its type.
fn sort_expression(column: SortColumn) -> (&'static str, SortType) {
    use SortType::{Int, OptionalReal, Text};
    match column {
        SortColumn::Key => ("i.number", Int),
        SortColumn::Title => ("lower(i.title)", Text),
        SortColumn::Status => (
            "(SELECT st.position FROM statuses st WHERE st.id = i.status_id)",
            Int,
        ),
        SortColumn::Assignee => ("COALESCE(lower(a.display_name), '')", Text),
        SortColumn::Horizon => (
            "CASE i.horizon WHEN 'now' THEN 0 WHEN 'next' THEN 1 WHEN 'later' THEN 2 ELSE 3 END",
            Int,
        ),
        // Items without a date come last going up, first going down.
        SortColumn::Start => ("COALESCE(i.start_date, '9999-99-99')", Text),
        SortColumn::End => ("COALESCE(i.end_date, '9999-99-99')", Text),
        SortColumn::Tags => ("i.tags", Text),
        SortColumn::Updated => ("i.updated_at", Int),
        // Read off (workspace_id, archived, score, id) going down.
        SortColumn::Score => ("i.score", OptionalReal),
    }
}

/// A value to bind, in the order the placeholders were numbered.
enum Bind {
    Int(i64),
    Text(String),
    Real(f64),
}

/// Numbers placeholders as fragments are added.
struct Binds(Vec<Bind>);

impl Binds {
    fn push(&mut self, bind: Bind) -> String {
        self.0.push(bind);
        format!("${}", self.0.len())
    }
}

/// A cursor is `ID:VALUE`: the last item's id and the value it sorted by
/// (`None` for an item without one, which only an `OptionalReal` has).
/// Whether `cursor` is one that a page sorted by `column` hands out.
pub fn cursor_fits(cursor: &str, column: SortColumn) -> bool {
    parse_cursor(cursor, sort_expression(column).1).is_some()
}

fn parse_cursor(cursor: &str, kind: SortType) -> Option<(i64, Option<Bind>)> {
    let (id, value) = cursor.split_once(':')?;
    let id: i64 = id.parse().ok()?;
    let value = match kind {
        SortType::Text => Some(Bind::Text(value.to_owned())),
        SortType::Int => Some(Bind::Int(value.parse().ok()?)),
        SortType::OptionalReal if value.is_empty() => None,
        SortType::OptionalReal => Some(Bind::Real(
            value.parse().ok().filter(|v: &f64| v.is_finite())?,
        )),
    };
    Some((id, value))
}

/// The words of a search, as the database's full-text query: each word
/// must appear, as a word or the start of one, in the title, description or
/// tags. Only letters and digits reach the query, so nothing typed can
/// change its syntax.
pub fn search_expression(kind: DatabaseKind, text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(match kind {
        DatabaseKind::Sqlite => format!(
            "{{title description tags}} : ({})",
            words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        DatabaseKind::Postgres => words
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & "),
    })
}

/// A SQLite search (from `search_expression`) kept to one workspace's items
/// that are archived, or that are not: the index holds that as one word of
/// its `scope` column (migration 0008), so the search is answered inside the
/// index without a look at each matching item.
fn scoped_search(words: &str, workspace_id: i64, archived: bool) -> String {
    let state = if archived { "archived" } else { "live" };
    format!("{words} AND scope : w{workspace_id}{state}")
}

/// The item number a search for a key (`WAY-12`) or a bare number asks
/// for: that item is found as well as the items with the words.
fn searched_number(text: &str) -> Option<i64> {
    let text = text.trim();
    crate::model::split_key(text)
        .map(|(_, n)| n)
        .or_else(|| text.parse::<i64>().ok().filter(|n| *n > 0))
}

/// How a query with a text search should find its rows.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    /// Through the workspace's indexes: a page in some order stops early.
    Indexed,
    /// From the search's matches to their rows, as for counting them all
    /// or listing a few; SQLite would otherwise walk the workspace's whole
    /// index (`+` keeps it from using an index for a column).
    FromMatches,
}

/// The `WHERE` clause of a query's filter (without its cursor) and what it
/// binds.
fn filter(db: &Db, workspace_id: i64, query: &ItemQuery, scope: Scope) -> (String, Binds) {
    let mut binds = Binds(Vec::new());
    let unindexed = scope == Scope::FromMatches
        && db.kind() == DatabaseKind::Sqlite
        && search_expression(db.kind(), &query.text).is_some();
    let plus = if unindexed { "+" } else { "" };
    let mut filter = format!(
        "{plus}i.workspace_id = {} AND {plus}i.archived = {}",
        binds.push(Bind::Int(workspace_id)),
        binds.push(Bind::Int(i64::from(query.archived)))
    );
    if let Some(status) = query.status {
        filter += &format!(" AND i.status_id = {}", binds.push(Bind::Int(status)));
    }
    if let Some(horizon) = query.horizon {
        filter += &format!(
            " AND i.horizon = {}",
            binds.push(Bind::Text(horizon.as_str().to_owned()))
        );
    }
    if let Some(min) = query.score_min {
        filter += &format!(" AND i.score >= {}", binds.push(Bind::Real(min.value())));
    }
    if let Some(max) = query.score_max {
        filter += &format!(" AND i.score <= {}", binds.push(Bind::Real(max.value())));
    }
    match query.assignee {
        Some(0) => filter += " AND i.assignee_id IS NULL",
        Some(id) => filter += &format!(" AND i.assignee_id = {}", binds.push(Bind::Int(id))),
        None => {}
    }
    if let Some(tag) = &query.tag {
        // The tag's items are listed once, then each row is looked up in
        // that list: far cheaper than a correlated subquery per row.
        filter += &format!(
            " AND i.id IN (SELECT t.item_id FROM item_tags t WHERE t.workspace_id = {} \
               AND t.tag = {})",
            binds.push(Bind::Int(workspace_id)),
            binds.push(Bind::Text(tag.clone()))
        );
    }
    if let Some(search) = search_expression(db.kind(), &query.text) {
        // Counting from the matches: only this workspace's, from the index.
        let search = if unindexed {
            scoped_search(&search, workspace_id, query.archived)
        } else {
            search
        };
        let placeholder = binds.push(Bind::Text(search));
        let words = match db.kind() {
            DatabaseKind::Sqlite => format!(
                "i.id IN (SELECT rowid FROM items_search WHERE items_search MATCH {placeholder})"
            ),
            DatabaseKind::Postgres => format!("i.search @@ to_tsquery('simple', {placeholder})"),
        };
        // A key (WAY-12) or its number finds that item too.
        filter += &match searched_number(&query.text) {
            Some(n) => format!(" AND ({words} OR i.number = {})", binds.push(Bind::Int(n))),
            None => format!(" AND {words}"),
        };
    }
    (filter, binds)
}

fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    binds: &'q Binds,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for bind in &binds.0 {
        query = match bind {
            Bind::Int(v) => query.bind(*v),
            Bind::Text(v) => query.bind(v.as_str()),
            Bind::Real(v) => query.bind(*v),
        };
    }
    query
}

const FROM: &str = "FROM items i LEFT JOIN users a ON a.id = i.assignee_id";

/// How many items match: the filter names only `items` columns, so no join.
/// Without a filter it is the workspace's own count, kept by every write.
async fn count(db: &Db, workspace_id: i64, query: &ItemQuery) -> Result<i64, sqlx::Error> {
    if !query.is_filtered() && !query.archived {
        return sqlx::query_scalar("SELECT item_count FROM workspaces WHERE id = $1")
            .bind(workspace_id)
            .fetch_one(db.reader())
            .await;
    }
    // Words alone, on SQLite: counted inside the search index.
    if db.kind() == DatabaseKind::Sqlite
        && words_only(query)
        && let Some(words) = search_expression(db.kind(), &query.text)
    {
        return sqlx::query_scalar("SELECT COUNT(*) FROM items_search WHERE items_search MATCH $1")
            .bind(scoped_search(&words, workspace_id, query.archived))
            .fetch_one(db.reader())
            .await;
    }
    let (filter, binds) = filter(db, workspace_id, query, Scope::FromMatches);
    let sql = format!("SELECT COUNT(*) FROM items i WHERE {filter}");
    bind_all(sqlx::query(&sql), &binds)
        .fetch_one(db.reader())
        .await?
        .try_get(0)
}

/// Whether a query filters by its words alone (no field, no item number).
fn words_only(query: &ItemQuery) -> bool {
    !query.filters_fields() && searched_number(&query.text).is_none()
}

/// Up to this many matches, a search's page is read from its matches (each
/// looked up by id, then sorted) instead of by walking the workspace's index
/// until the page is full, which for a rare word means walking all of it: at
/// 10,000 items, 0.02 ms instead of 0.5 ms for a handful of matches; from
/// about 500 matches on, the walk is the cheaper.
const FEW_MATCHES: i64 = 400;

pub async fn list(
    db: &Db,
    workspace_id: i64,
    query: &ItemQuery,
    limit: usize,
) -> Result<Listed, sqlx::Error> {
    let total = count(db, workspace_id, query).await?;
    let scope = if db.kind() == DatabaseKind::Sqlite
        && total <= FEW_MATCHES
        && words_only(query)
        && search_expression(db.kind(), &query.text).is_some()
    {
        Scope::FromMatches
    } else {
        Scope::Indexed
    };
    let (filter, mut binds) = filter(db, workspace_id, query, scope);

    let (expression, kind) = sort_expression(query.sort);
    let (direction, beyond) = if query.descending {
        ("DESC", "<")
    } else {
        ("ASC", ">")
    };
    // Missing values (only an optional number has them) come last.
    let (nulls, or_missing) = if kind == SortType::OptionalReal {
        (" NULLS LAST", format!(" OR {expression} IS NULL"))
    } else {
        ("", String::new())
    };
    let mut page_filter = filter;
    if let Some((id, value)) = query.after.as_deref().and_then(|c| parse_cursor(c, kind)) {
        let id = binds.push(Bind::Int(id));
        page_filter += &match value {
            Some(value) => {
                let value = binds.push(value);
                format!(
                    " AND ({expression} {beyond} {value} OR ({expression} = {value} AND i.id {beyond} {id}){or_missing})"
                )
            }
            None => format!(" AND {expression} IS NULL AND i.id {beyond} {id}"),
        };
    }
    let sql = format!(
        "SELECT {COLUMNS}, {expression} AS sort_value {FROM} WHERE {page_filter} \
         ORDER BY {expression} {direction}{nulls}, i.id {direction} LIMIT {}",
        limit + 1
    );
    let rows = bind_all(sqlx::query(&sql), &binds)
        .fetch_all(db.reader())
        .await?;
    let more = rows.len() > limit;
    let mut items = Vec::with_capacity(limit.min(rows.len()));
    let mut last_value = None;
    for row in rows.iter().take(limit) {
        items.push(from_row(row, false)?);
        last_value = Some(match kind {
            SortType::Text => row.try_get::<String, _>("sort_value")?,
            SortType::Int => row.try_get::<i64, _>("sort_value")?.to_string(),
            // Shortest exact form: it parses back to the same number.
            SortType::OptionalReal => row
                .try_get::<Option<f64>, _>("sort_value")?
                .map_or_else(String::new, |v| format!("{v:e}")),
        });
    }
    let next = match (more, items.last(), last_value) {
        (true, Some(last), Some(value)) => Some(format!("{}:{value}", last.id)),
        _ => None,
    };
    Ok(Listed { items, total, next })
}

/// One board column: a status, how many items in it match, and the first
/// of them in rank order.
pub struct Column {
    pub status: Status,
    pub total: i64,
    pub items: Vec<ItemRow>,
}

/// The board for `query` (whose own status is ignored): a column per status
/// in the workspace's order, each with its first `limit` items. Two queries
/// whatever the number of statuses: the statuses with their counts, then
/// every column's cards at once, each part read off the board's index.
pub async fn board(
    db: &Db,
    workspace_id: i64,
    query: &ItemQuery,
    limit: usize,
) -> Result<Vec<Column>, sqlx::Error> {
    let any_status = ItemQuery {
        status: None,
        ..query.clone()
    };
    // `filter` binds the workspace's id first: `$1` serves both tables.
    let (filter, binds) = filter(db, workspace_id, &any_status, Scope::Indexed);
    let sql = format!(
        "SELECT s.id, s.name, s.color, s.category, \
             (SELECT COUNT(*) FROM items i WHERE i.status_id = s.id AND {filter}) AS total \
         FROM statuses s WHERE s.workspace_id = $1 ORDER BY s.position, s.id"
    );
    let rows = bind_all(sqlx::query(&sql), &binds)
        .fetch_all(db.reader())
        .await?;
    let mut columns = Vec::with_capacity(rows.len());
    for row in &rows {
        columns.push(Column {
            status: super::statuses::from_row(row)?,
            total: row.try_get("total")?,
            items: Vec::new(),
        });
    }
    // Status ids come from the database, so they are written in as numbers.
    let parts: Vec<String> = columns
        .iter()
        .filter(|c| c.total > 0)
        .enumerate()
        .map(|(n, c)| {
            format!(
                "SELECT * FROM (SELECT {COLUMNS} {FROM} WHERE i.status_id = {} AND {filter} \
                 ORDER BY i.rank, i.id LIMIT {limit}) AS c{n}",
                c.status.id
            )
        })
        .collect();
    if parts.is_empty() {
        return Ok(columns);
    }
    let sql = parts.join(" UNION ALL ");
    let rows = bind_all(sqlx::query(&sql), &binds)
        .fetch_all(db.reader())
        .await?;
    for row in &rows {
        let item = from_row(row, false)?;
        if let Some(column) = columns.iter_mut().find(|c| c.status.id == item.status_id) {
            column.items.push(item);
        }
    }
    // A union keeps no order of its own.
    for column in &mut columns {
        column
            .items
            .sort_by(|a, b| a.rank.cmp(&b.rank).then(a.id.cmp(&b.id)));
    }
    Ok(columns)
}

/// One roadmap lane: a horizon, how many items in it match, and the first
/// of them in roadmap order.
pub struct LaneRows {
    pub horizon: Horizon,
    pub total: i64,
    pub items: Vec<ItemRow>,
}

/// The roadmap for `query` (whose own horizon is ignored): a lane per
/// horizon, each with its first `limit` items. Two statements, as for the
/// board: the lanes' counts, then every lane's cards, each read off the
/// roadmap's index.
pub async fn roadmap(
    db: &Db,
    workspace_id: i64,
    query: &ItemQuery,
    limit: usize,
) -> Result<Vec<LaneRows>, sqlx::Error> {
    let any_horizon = ItemQuery {
        horizon: None,
        ..query.clone()
    };
    let (filter, binds) = filter(db, workspace_id, &any_horizon, Scope::Indexed);
    // The horizons are the code's own words: written in, not bound.
    let counts: Vec<String> = Horizon::ALL
        .iter()
        .map(|h| {
            format!(
                "(SELECT COUNT(*) FROM items i WHERE i.horizon = '{}' AND {filter})",
                h.as_str()
            )
        })
        .collect();
    let sql = format!("SELECT {}", counts.join(", "));
    let row = bind_all(sqlx::query(&sql), &binds)
        .fetch_one(db.reader())
        .await?;
    let mut lanes = Vec::with_capacity(Horizon::ALL.len());
    for (n, horizon) in Horizon::ALL.into_iter().enumerate() {
        lanes.push(LaneRows {
            horizon,
            total: row.try_get(n)?,
            items: Vec::new(),
        });
    }
    let parts: Vec<String> = lanes
        .iter()
        .filter(|lane| lane.total > 0)
        .enumerate()
        .map(|(n, lane)| {
            format!(
                "SELECT * FROM (SELECT {COLUMNS} {FROM} WHERE i.horizon = '{}' AND {filter} \
                 ORDER BY i.roadmap_rank, i.id LIMIT {limit}) AS l{n}",
                lane.horizon.as_str()
            )
        })
        .collect();
    if parts.is_empty() {
        return Ok(lanes);
    }
    let sql = parts.join(" UNION ALL ");
    let rows = bind_all(sqlx::query(&sql), &binds)
        .fetch_all(db.reader())
        .await?;
    for row in &rows {
        let item = from_row(row, false)?;
        if let Some(lane) = lanes.iter_mut().find(|l| l.horizon == item.horizon) {
            lane.items.push(item);
        }
    }
    for lane in &mut lanes {
        lane.items
            .sort_by(|a, b| a.roadmap_rank.cmp(&b.roadmap_rank).then(a.id.cmp(&b.id)));
    }
    Ok(lanes)
}

/// The timeline for `query`: how many items have a start or an end date
/// and the first `limit` of them by date, then how many have neither and
/// the `unscheduled` most recently changed of those.
pub async fn timeline(
    db: &Db,
    workspace_id: i64,
    query: &ItemQuery,
    limit: usize,
    unscheduled: usize,
) -> Result<(i64, Vec<ItemRow>, i64, Vec<ItemRow>), sqlx::Error> {
    const DATED: &str = "(i.start_date IS NOT NULL OR i.end_date IS NOT NULL)";
    let (filter, binds) = filter(db, workspace_id, query, Scope::Indexed);
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM items i WHERE {filter} AND {DATED}), \
                (SELECT COUNT(*) FROM items i WHERE {filter} AND NOT {DATED})"
    );
    let row = bind_all(sqlx::query(&sql), &binds)
        .fetch_one(db.reader())
        .await?;
    let (dated, undated): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {filter} AND {DATED} \
         ORDER BY COALESCE(i.start_date, i.end_date), i.id LIMIT {limit}"
    );
    let scheduled = bind_all(sqlx::query(&sql), &binds)
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| from_row(row, false))
        .collect::<Result<_, _>>()?;
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE {filter} AND NOT {DATED} \
         ORDER BY i.updated_at DESC, i.id DESC LIMIT {unscheduled}"
    );
    let rest = bind_all(sqlx::query(&sql), &binds)
        .fetch_all(db.reader())
        .await?
        .iter()
        .map(|row| from_row(row, false))
        .collect::<Result<_, _>>()?;
    Ok((dated, scheduled, undated, rest))
}

/// An item as the chart places it.
pub struct ChartRow {
    pub number: i64,
    pub title: String,
    pub score: Option<f64>,
    pub no_score_reason: Option<String>,
    pub value: f64,
    pub effort: f64,
    /// Its rating of the sizing criterion.
    pub size: Option<f64>,
}

/// What the chart shows for `query`: how many items it keeps, how many of
/// those have both factors (can be placed), and the first `limit` of them by
/// score, highest first, each with its rating of `size_criterion` when one
/// is given. Two statements: the counts, then the page read off the score
/// index.
pub async fn chart(
    db: &Db,
    workspace_id: i64,
    query: &ItemQuery,
    size_criterion: Option<i64>,
    limit: usize,
) -> Result<(i64, i64, Vec<ChartRow>), sqlx::Error> {
    const PLACED: &str = "i.score_value IS NOT NULL AND i.score_effort IS NOT NULL";
    let (filter_all, binds) = filter(db, workspace_id, query, Scope::FromMatches);
    // A sum is NULL when either factor is: COUNT leaves those out.
    let sql = format!(
        "SELECT COUNT(*), COUNT(i.score_value + i.score_effort) FROM items i WHERE {filter_all}"
    );
    let row = bind_all(sqlx::query(&sql), &binds)
        .fetch_one(db.reader())
        .await?;
    let (total, placed): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    if placed == 0 {
        return Ok((total, 0, Vec::new()));
    }
    let (filter, binds) = filter(db, workspace_id, query, Scope::Indexed);
    // The criterion's id comes from the database: written in as a number.
    let (size, join) = match size_criterion {
        Some(id) => (
            "r.value",
            format!(" LEFT JOIN ratings r ON r.item_id = i.id AND r.criterion_id = {id}"),
        ),
        None => ("NULL", String::new()),
    };
    let sql = format!(
        "SELECT i.number, i.title, i.score, i.no_score_reason, i.score_value, i.score_effort, \
         {size} AS size \
         FROM items i{join} WHERE {filter} AND {PLACED} \
         ORDER BY i.score DESC NULLS LAST, i.id DESC LIMIT {limit}"
    );
    let rows = bind_all(sqlx::query(&sql), &binds)
        .fetch_all(db.reader())
        .await?;
    let rows = rows
        .iter()
        .map(|row| {
            Ok(ChartRow {
                number: row.try_get("number")?,
                title: row.try_get("title")?,
                score: row.try_get("score")?,
                no_score_reason: row.try_get("no_score_reason")?,
                value: row.try_get("score_value")?,
                effort: row.try_get("score_effort")?,
                size: row.try_get("size")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((total, placed, rows))
}

/// The rank next to `rank` in a lane — the next one up when `after`, else
/// the one before; from the top when `rank` is `None` — leaving out the
/// item numbered `moving`.
pub async fn rank_beside(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    lane: Lane,
    rank: Option<&str>,
    after: bool,
    moving: i64,
) -> Result<Option<String>, sqlx::Error> {
    let (condition, column) = lane.sql();
    let sql = match (rank, after) {
        (None, _) => format!(
            "SELECT MIN({column}) FROM items WHERE workspace_id = $1 AND {condition} \
             AND number <> $3"
        ),
        (Some(_), true) => format!(
            "SELECT MIN({column}) FROM items WHERE workspace_id = $1 AND {condition} \
             AND number <> $3 AND {column} > $4"
        ),
        (Some(_), false) => format!(
            "SELECT MAX({column}) FROM items WHERE workspace_id = $1 AND {condition} \
             AND number <> $3 AND {column} < $4"
        ),
    };
    let mut query = lane
        .bind(sqlx::query_scalar(&sql).bind(workspace_id))
        .bind(moving);
    if let Some(rank) = rank {
        query = query.bind(rank);
    }
    query.fetch_one(&mut **tx).await
}

/// The items of a status's column, top to bottom: (id, rank).
pub async fn in_status(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    status_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, rank FROM items WHERE workspace_id = $1 AND status_id = $2 ORDER BY rank, id",
    )
    .bind(workspace_id)
    .bind(status_id)
    .fetch_all(&mut **tx)
    .await
}

/// Puts an item in another status's column at `rank`, as a change by
/// `actor_id` (its version goes up).
pub async fn set_status(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    status_id: i64,
    rank: &str,
    actor_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE items SET status_id = $2, rank = $3, version = version + 1, updated_by = $4, \
         updated_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(status_id)
    .bind(rank)
    .bind(actor_id)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// The rank of the item numbered `number` in `lane`, read inside a write;
/// `None` when it is not in that lane (or not at all).
pub async fn rank_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    number: i64,
    lane: Lane,
) -> Result<Option<String>, sqlx::Error> {
    let (condition, column) = lane.sql();
    // `$2` is the lane's value, as in every lane's condition.
    let sql = format!(
        "SELECT {column} FROM items WHERE workspace_id = $1 AND {condition} AND number = $3"
    );
    lane.bind(sqlx::query_scalar(&sql).bind(workspace_id))
        .bind(number)
        .fetch_optional(&mut **tx)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_take_only_words() {
        assert_eq!(
            search_expression(DatabaseKind::Sqlite, "Dark \"mode\" OR x*").as_deref(),
            Some("{title description tags} : (\"dark\"* \"mode\"* \"or\"* \"x\"*)")
        );
        assert_eq!(
            search_expression(DatabaseKind::Postgres, "dark-mode & !x").as_deref(),
            Some("dark:* & mode:* & x:*")
        );
        assert_eq!(search_expression(DatabaseKind::Sqlite, " \"*:& "), None);
    }

    #[test]
    fn cursors_must_match_the_sort() {
        assert!(parse_cursor("12:345", SortType::Int).is_some());
        assert!(parse_cursor("12:", SortType::Int).is_none());
        assert!(matches!(
            parse_cursor("12:", SortType::OptionalReal),
            Some((12, None))
        ));
        assert!(parse_cursor("12:abc", SortType::Int).is_none());
        assert!(parse_cursor("x:1", SortType::Text).is_none());
        assert!(
            matches!(parse_cursor("3:a:b", SortType::Text), Some((3, Some(Bind::Text(v)))) if v == "a:b")
        );
        assert!(
            matches!(parse_cursor("3:7.25e1", SortType::OptionalReal), Some((3, Some(Bind::Real(v)))) if v == 72.5)
        );
        assert!(parse_cursor("3:inf", SortType::OptionalReal).is_none());
        assert!(parse_cursor("3:NaN", SortType::OptionalReal).is_none());
    }

    #[test]
    fn tags_join_and_split() {
        let tags = vec!["api".to_owned(), "dark mode".to_owned()];
        assert_eq!(split_tags(&join_tags(&tags)), tags);
        assert!(split_tags("").is_empty());
    }
}
