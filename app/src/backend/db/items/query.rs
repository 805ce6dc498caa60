//! The filtered, sorted, paged list of a workspace's items that the table
//! and the REST API show: the filter, the sort, the cursor and text search.

use sqlx::{Any, Row};

use super::{COLUMNS, ItemRow, from_row};
use crate::backend::db::Db;
use crate::model::{DatabaseKind, ItemQuery, SortColumn};

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
pub(super) enum Bind {
    Int(i64),
    Text(String),
    Real(f64),
}

/// Numbers placeholders as fragments are added.
pub(super) struct Binds(Vec<Bind>);

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
pub(super) enum Scope {
    /// Through the workspace's indexes: a page in some order stops early.
    Indexed,
    /// From the search's matches to their rows, as for counting them all
    /// or listing a few; SQLite would otherwise walk the workspace's whole
    /// index (`+` keeps it from using an index for a column).
    FromMatches,
}

/// The `WHERE` clause of a query's filter (without its cursor) and what it
/// binds.
pub(super) fn filter(
    db: &Db,
    workspace_id: i64,
    query: &ItemQuery,
    scope: Scope,
) -> (String, Binds) {
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

pub(super) fn bind_all<'q>(
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

pub(super) const FROM: &str = "FROM items i LEFT JOIN users a ON a.id = i.assignee_id";

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
}
