//! The items of the views that lay them out in lanes: the board's columns,
//! the roadmap's horizons, the timeline and the chart.

use sqlx::Row;

use super::query::{FROM, Scope, bind_all, filter};
use super::{COLUMNS, ItemRow, from_row};
use crate::backend::db::Db;
use crate::model::{Horizon, ItemQuery, Status};

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
            status: crate::backend::db::statuses::from_row(row)?,
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
