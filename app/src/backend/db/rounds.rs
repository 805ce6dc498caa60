//! The `rounds` tables: a scoring round, its items, criteria and
//! participants, and each participant's private ratings.

use sqlx::{Any, Row, Transaction};

use super::Db;
use crate::model::{DatabaseKind, RoundState};

pub struct RoundRow {
    pub id: i64,
    pub name: String,
    pub state: RoundState,
    pub created_by: Option<String>,
    pub created_at: i64,
}

fn state(text: &str) -> Result<RoundState, sqlx::Error> {
    RoundState::parse(text).ok_or_else(|| sqlx::Error::Decode(format!("round state {text}").into()))
}

fn from_row(row: &sqlx::any::AnyRow) -> Result<RoundRow, sqlx::Error> {
    Ok(RoundRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        state: state(&row.try_get::<String, _>("state")?)?,
        created_by: row.try_get("created_by_name")?,
        created_at: row.try_get("created_at")?,
    })
}

const SELECT: &str = "SELECT r.id, r.name, r.state, u.display_name AS created_by_name, r.created_at \
     FROM rounds r LEFT JOIN users u ON u.id = r.created_by";

/// Starts a round; returns its id.
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    name: &str,
    created_by: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO rounds (workspace_id, name, state, created_by, created_at) \
         VALUES ($1, $2, 'open', $3, $4) RETURNING id",
    )
    .bind(workspace_id)
    .bind(name)
    .bind(created_by)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
}

/// Adds rows of (round id, an id, its position) to `table`'s `column`.
async fn add_in_order(
    tx: &mut Transaction<'static, Any>,
    table: &str,
    column: &str,
    round_id: i64,
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    for (position, id) in ids.iter().enumerate() {
        sqlx::query(&format!(
            "INSERT INTO {table} (round_id, {column}, position) VALUES ($1, $2, $3)"
        ))
        .bind(round_id)
        .bind(*id)
        .bind(position as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn add_items(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    item_ids: &[i64],
) -> Result<(), sqlx::Error> {
    add_in_order(tx, "round_items", "item_id", round_id, item_ids).await
}

pub async fn add_criteria(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    criterion_ids: &[i64],
) -> Result<(), sqlx::Error> {
    add_in_order(
        tx,
        "round_criteria",
        "criterion_id",
        round_id,
        criterion_ids,
    )
    .await
}

pub async fn add_participants(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    user_ids: &[i64],
) -> Result<(), sqlx::Error> {
    for id in user_ids {
        sqlx::query("INSERT INTO round_participants (round_id, user_id) VALUES ($1, $2)")
            .bind(round_id)
            .bind(*id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A round in a list: the round, how many items and participants it has,
/// how many of them finished, and whether `user_id` is one.
pub struct ListedRound {
    pub round: RoundRow,
    pub items: i64,
    pub participants: i64,
    pub finished: i64,
    pub mine: bool,
}

/// The workspace's rounds, newest first.
pub async fn list(
    db: &Db,
    workspace_id: i64,
    user_id: i64,
) -> Result<Vec<ListedRound>, sqlx::Error> {
    let sql = "SELECT * FROM (SELECT r.id, r.name, r.state, u.display_name AS created_by_name, r.created_at, \
             (SELECT COUNT(*) FROM round_items i WHERE i.round_id = r.id) AS items, \
             (SELECT COUNT(*) FROM round_participants p WHERE p.round_id = r.id) AS participants, \
             (SELECT COUNT(*) FROM round_participants p WHERE p.round_id = r.id \
                 AND p.finished_at IS NOT NULL) AS finished, \
             (SELECT COUNT(*) FROM round_participants p WHERE p.round_id = r.id \
                 AND p.user_id = $2) AS mine \
         FROM rounds r LEFT JOIN users u ON u.id = r.created_by WHERE r.workspace_id = $1) AS listed \
         ORDER BY id DESC";
    let rows = sqlx::query(sql)
        .bind(workspace_id)
        .bind(user_id)
        .fetch_all(db.reader())
        .await?;
    rows.iter()
        .map(|row| {
            Ok(ListedRound {
                round: from_row(row)?,
                items: row.try_get("items")?,
                participants: row.try_get("participants")?,
                finished: row.try_get("finished")?,
                mine: row.try_get::<i64, _>("mine")? > 0,
            })
        })
        .collect()
}

/// The round `id` of the workspace (`None` for another workspace's).
pub async fn find(db: &Db, workspace_id: i64, id: i64) -> Result<Option<RoundRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{SELECT} WHERE r.workspace_id = $1 AND r.id = $2"))
        .bind(workspace_id)
        .bind(id)
        .fetch_optional(db.reader())
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The same inside a write, holding the round's row until it commits
/// (PostgreSQL; SQLite's one writer already does).
pub async fn find_for_update(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
) -> Result<Option<RoundRow>, sqlx::Error> {
    let lock = if db.kind() == DatabaseKind::Postgres {
        " FOR UPDATE OF r"
    } else {
        ""
    };
    let row = sqlx::query(&format!(
        "{SELECT} WHERE r.workspace_id = $1 AND r.id = $2{lock}"
    ))
    .bind(workspace_id)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Moves a round on: to revealed or applied, at `now` (it never goes back
/// to open).
pub async fn set_state(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    state: RoundState,
    now: i64,
) -> Result<(), sqlx::Error> {
    let at = match state {
        RoundState::Applied => "applied_at",
        RoundState::Open | RoundState::Revealed => "revealed_at",
    };
    sqlx::query(&format!(
        "UPDATE rounds SET state = $1, {at} = $2 WHERE id = $3"
    ))
    .bind(state.as_str())
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// The round's items in order: (item id, number, title).
pub async fn items(db: &Db, round_id: i64) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.number, i.title FROM round_items r JOIN items i ON i.id = r.item_id \
         WHERE r.round_id = $1 ORDER BY r.position",
    )
    .bind(round_id)
    .fetch_all(db.reader())
    .await
}

/// The round's criteria ids in order.
pub async fn criteria(db: &Db, round_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT criterion_id FROM round_criteria WHERE round_id = $1 ORDER BY position",
    )
    .bind(round_id)
    .fetch_all(db.reader())
    .await
}

/// Who takes part: (user id, name, finished at), by name.
pub async fn participants(
    db: &Db,
    round_id: i64,
) -> Result<Vec<(i64, String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.display_name, p.finished_at FROM round_participants p \
         JOIN users u ON u.id = p.user_id WHERE p.round_id = $1 ORDER BY u.display_name, u.id",
    )
    .bind(round_id)
    .fetch_all(db.reader())
    .await
}

/// Whether `user_id` takes part, inside a write.
pub async fn is_participant_in(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM round_participants WHERE round_id = $1 AND user_id = $2",
    )
    .bind(round_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// One participant's ratings: (item id, criterion id, rating).
pub async fn ratings_of(
    db: &Db,
    round_id: i64,
    user_id: i64,
) -> Result<Vec<(i64, i64, f64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT item_id, criterion_id, value FROM round_ratings \
         WHERE round_id = $1 AND user_id = $2",
    )
    .bind(round_id)
    .bind(user_id)
    .fetch_all(db.reader())
    .await
}

/// Every participant's ratings: (item id, criterion id, rating). Only for
/// a revealed round: before, each sees their own alone.
pub async fn all_ratings(db: &Db, round_id: i64) -> Result<Vec<(i64, i64, f64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT item_id, criterion_id, value FROM round_ratings WHERE round_id = $1 \
         ORDER BY item_id, criterion_id, value",
    )
    .bind(round_id)
    .fetch_all(db.reader())
    .await
}

/// Sets or takes away one of a participant's ratings.
pub async fn rate(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    user_id: i64,
    (item_id, criterion_id): (i64, i64),
    value: Option<f64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let query = match value {
        Some(value) => sqlx::query(
            "INSERT INTO round_ratings (round_id, user_id, item_id, criterion_id, value, rated_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (round_id, user_id, item_id, criterion_id) \
             DO UPDATE SET value = excluded.value, rated_at = excluded.rated_at",
        )
        .bind(round_id)
        .bind(user_id)
        .bind(item_id)
        .bind(criterion_id)
        .bind(value)
        .bind(now),
        None => sqlx::query(
            "DELETE FROM round_ratings WHERE round_id = $1 AND user_id = $2 \
             AND item_id = $3 AND criterion_id = $4",
        )
        .bind(round_id)
        .bind(user_id)
        .bind(item_id)
        .bind(criterion_id),
    };
    query.execute(&mut **tx).await.map(drop)
}

/// Marks a participant done (`Some(now)`) or rating again (`None`). A
/// NULL is written into the statement, not bound: PostgreSQL's cached
/// statement would otherwise expect another type the next time.
pub async fn set_finished(
    tx: &mut Transaction<'static, Any>,
    round_id: i64,
    user_id: i64,
    finished_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    let value = finished_at.map_or_else(|| "NULL".to_owned(), |at| at.to_string());
    sqlx::query(&format!(
        "UPDATE round_participants SET finished_at = {value} WHERE round_id = $1 AND user_id = $2"
    ))
    .bind(round_id)
    .bind(user_id)
    .execute(&mut **tx)
    .await
    .map(drop)
}
