//! The `criteria` table and `workspaces.score_formula`: each workspace's
//! scoring framework.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::{Db, now_ms};
use crate::model::{CriterionInfo, DatabaseKind, ScoringFramework};
use crate::scoring::framework::Preset;
use crate::scoring::score::{Criterion, Direction, Factor, Scale};

fn decode<T>(row: &AnyRow, column: &str, parse: fn(&str) -> Option<T>) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| sqlx::Error::Decode(format!("unknown {column} {text:?}").into()))
}

fn from_row(row: &AnyRow) -> Result<CriterionInfo, sqlx::Error> {
    Ok(CriterionInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        criterion: Criterion {
            factor: decode(row, "factor", Factor::parse)?,
            weight: row.try_get("weight")?,
            scale: decode(row, "scale", Scale::parse)?,
            direction: decode(row, "direction", Direction::parse)?,
        },
    })
}

const SELECT: &str = "SELECT id, name, factor, weight, scale, direction FROM criteria \
                      WHERE workspace_id = $1 ORDER BY position, id";

const FORMULA: &str = "SELECT score_formula FROM workspaces WHERE id = $1";

fn assemble(rows: &[AnyRow], formula: Option<String>) -> Result<ScoringFramework, sqlx::Error> {
    Ok(ScoringFramework {
        criteria: rows.iter().map(from_row).collect::<Result<_, _>>()?,
        formula,
    })
}

/// The workspace's framework: its criteria in order, and its formula.
pub async fn framework(db: &Db, workspace_id: i64) -> Result<ScoringFramework, sqlx::Error> {
    let rows = sqlx::query(SELECT)
        .bind(workspace_id)
        .fetch_all(db.reader())
        .await?;
    let formula = sqlx::query_scalar(FORMULA)
        .bind(workspace_id)
        .fetch_one(db.reader())
        .await?;
    assemble(&rows, formula)
}

/// The same, read inside a write.
pub async fn framework_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<ScoringFramework, sqlx::Error> {
    let rows = sqlx::query(SELECT)
        .bind(workspace_id)
        .fetch_all(&mut **tx)
        .await?;
    let formula = sqlx::query_scalar(FORMULA)
        .bind(workspace_id)
        .fetch_one(&mut **tx)
        .await?;
    assemble(&rows, formula)
}

/// Holds the workspace's framework and ratings for this transaction, so
/// that writes which rescore its items run one after another. SQLite's one
/// writer already does; PostgreSQL locks the workspace's row.
pub async fn lock_framework(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<(), sqlx::Error> {
    if db.kind() == DatabaseKind::Postgres {
        sqlx::query("SELECT id FROM workspaces WHERE id = $1 FOR UPDATE")
            .bind(workspace_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Gives a new workspace the framework of `preset`.
pub async fn insert_preset(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    preset: &Preset,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for (position, c) in (0_i64..).zip(preset.criteria) {
        sqlx::query(
            "INSERT INTO criteria (workspace_id, name, factor, weight, scale, direction, position, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(workspace_id)
        .bind(c.name)
        .bind(c.factor.as_str())
        .bind(c.weight)
        .bind(c.scale.as_str())
        .bind(c.direction.as_str())
        .bind(position)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("UPDATE workspaces SET score_formula = $2 WHERE id = $1")
        .bind(workspace_id)
        .bind(preset.formula)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Removes a criterion, and with it every rating on it.
pub async fn delete(tx: &mut Transaction<'static, Any>, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM criteria WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// Stores the workspace's criteria as `criteria` lists them, in that order:
/// each with an id is updated, each without one added; and its formula.
/// Names are unique in a workspace, so those that stay first take a name no
/// one can type, and a swap of two names never collides with itself.
pub async fn replace(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    criteria: &[(Option<i64>, CriterionInfo)],
    formula: Option<&str>,
) -> Result<(), sqlx::Error> {
    for id in criteria.iter().filter_map(|(id, _)| *id) {
        sqlx::query("UPDATE criteria SET name = $2 WHERE id = $1")
            .bind(id)
            .bind(format!("\u{1}{id}"))
            .execute(&mut **tx)
            .await?;
    }
    let now = now_ms();
    for (position, (id, info)) in (0_i64..).zip(criteria) {
        let c = &info.criterion;
        let query = match id {
            Some(id) => sqlx::query(
                "UPDATE criteria SET name = $2, factor = $3, weight = $4, scale = $5, \
                     direction = $6, position = $7 WHERE id = $1 AND workspace_id = $8",
            )
            .bind(*id),
            None => sqlx::query(
                "INSERT INTO criteria (created_at, name, factor, weight, scale, direction, position, workspace_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(now),
        };
        query
            .bind(&info.name)
            .bind(c.factor.as_str())
            .bind(c.weight)
            .bind(c.scale.as_str())
            .bind(c.direction.as_str())
            .bind(position)
            .bind(workspace_id)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("UPDATE workspaces SET score_formula = $2 WHERE id = $1")
        .bind(workspace_id)
        .bind(formula)
        .execute(&mut **tx)
        .await
        .map(drop)
}
