//! Where items sit in their lanes: a status's column on the board, a
//! horizon's lane on the roadmap, each ordered by a rank key of its own.

use sqlx::{Any, Transaction};

use super::ItemRow;
use crate::model::Horizon;

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
