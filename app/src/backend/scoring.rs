//! Ratings and scores, whoever asks: the server functions and the REST API
//! both call these. A rating writes its history and the scores it moves in
//! the same transaction; every stored score is the engine's
//! (`crate::scoring`), the one the browser runs too.

use std::collections::HashMap;

use sqlx::{Any, Transaction};

use crate::backend::AppState;
use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::db::item_activity::{self, Change};
use crate::backend::db::{criteria, items, now_ms, ratings};
use crate::backend::items::number_of;
use crate::error::AppError;
use crate::model::{ItemScoring, Permission, ScoringFramework, show_score};
use crate::scoring::framework::Framework;
use crate::scoring::score::{Scale, Score};

/// Ratings one request may change: every criterion of a framework.
pub const MAX_RATINGS_PER_CHANGE: usize = 50;

fn engine(framework: &ScoringFramework) -> Result<Framework, AppError> {
    framework
        .engine()
        .map_err(|e| AppError::internal(format_args!("the stored formula does not parse: {e}")))
}

/// The criteria a number scale normalises by the workspace's largest
/// rating: the only ones whose largest rating matters.
fn number_criteria(framework: &ScoringFramework) -> Vec<i64> {
    framework
        .criteria
        .iter()
        .filter(|c| c.criterion.scale == Scale::Number)
        .map(|c| c.id)
        .collect()
}

/// One largest rating per criterion of the framework, from those of its
/// number criteria (in `number_criteria`'s order); 0 for the others.
fn spread(framework: &ScoringFramework, numbers: &[f64]) -> Vec<f64> {
    let mut numbers = numbers.iter();
    framework
        .criteria
        .iter()
        .map(|c| match c.criterion.scale {
            Scale::Number => numbers.next().copied().unwrap_or(0.0),
            _ => 0.0,
        })
        .collect()
}

/// An item's ratings in the framework's order.
fn in_order(framework: &ScoringFramework, rated: &[(i64, f64)]) -> Vec<Option<f64>> {
    framework
        .criteria
        .iter()
        .map(|c| rated.iter().find(|(id, _)| *id == c.id).map(|(_, v)| *v))
        .collect()
}

/// The item page's scoring panel.
pub async fn item_scoring(
    state: &AppState,
    access: &WorkspaceAccess,
    key: &str,
) -> Result<ItemScoring, AppError> {
    let number = number_of(key)?;
    let item = items::find(&state.db, access.workspace.id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let framework = criteria::framework(&state.db, access.workspace.id).await?;
    let rated = ratings::for_item(&state.db, item.id).await?;
    let numbers = ratings::largest_except(&state.db, &number_criteria(&framework), item.id).await?;
    let largest_elsewhere = spread(&framework, &numbers);
    Ok(ItemScoring {
        ratings: in_order(&framework, &rated),
        framework,
        largest_elsewhere,
        score: item.score,
        partly_rated: item.score_partial,
        can_rate: access.role.allows(Permission::Edit),
    })
}

/// Rates the item `key`: each (criterion id, rating) sets a rating, or
/// with `None` takes it away. All or nothing, in one transaction, with a
/// history entry per changed rating and one for the score.
pub async fn rate(
    state: &AppState,
    access: &WorkspaceAccess,
    key: &str,
    changes: &[(i64, Option<f64>)],
) -> Result<ItemScoring, AppError> {
    if changes.len() > MAX_RATINGS_PER_CHANGE {
        return Err(AppError::invalid("ratings", "too many ratings at once"));
    }
    let number = number_of(key)?;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let workspace_id = access.workspace.id;
    // One rating of the workspace at a time: a rating that moves a number
    // scale's largest rating rescores every item, from ratings that must
    // not change underneath it.
    criteria::lock_framework(&state.db, &mut tx, workspace_id).await?;
    let item = items::find_for_update(&state.db, &mut tx, workspace_id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let framework = criteria::framework_in(&mut tx, workspace_id).await?;
    let engine = engine(&framework)?;
    let mut ratings_now = in_order(&framework, &ratings::for_item_in(&mut tx, item.id).await?);
    let before = ratings_now.clone();
    for (criterion_id, value) in changes {
        let Some(index) = framework.position(*criterion_id) else {
            return Err(AppError::invalid(
                "ratings",
                "that criterion is not part of this workspace's framework (any more)",
            ));
        };
        let info = &framework.criteria[index];
        if let Some(value) = value
            && !info.criterion.scale.accepts(*value)
        {
            return Err(AppError::invalid(
                format!("rating_{criterion_id}"),
                format!("{}: {}", info.name, scale_rule(info.criterion.scale)),
            ));
        }
        ratings_now[index] = *value;
    }
    let numbers = number_criteria(&framework);
    let largest_before = ratings::largest_in(&mut tx, &numbers).await?;
    let now = now_ms();
    let actor = access.actor.user.id;
    let mut history = Vec::new();
    for (index, info) in framework.criteria.iter().enumerate() {
        if ratings_now[index] == before[index] {
            continue;
        }
        ratings::set(&mut tx, item.id, info.id, ratings_now[index], actor, now).await?;
        let show = |r: Option<f64>| {
            r.map_or_else(|| "unrated".to_owned(), |r| info.criterion.scale.show(r))
        };
        history.push((
            format!("rating:{}", info.name),
            show(before[index]),
            show(ratings_now[index]),
        ));
    }
    if history.is_empty() {
        tx.rollback().await?;
        return item_scoring(state, access, key).await;
    }
    let largest_after = ratings::largest_in(&mut tx, &numbers).await?;
    // A number scale rates against the workspace's largest rating: when
    // that moved, every item's score may have.
    let moved = largest_before != largest_after;
    let score = engine.score(&ratings_now, &spread(&framework, &largest_after));
    if moved {
        recompute_with(&mut tx, workspace_id, &framework, &engine).await?;
    } else {
        items::set_scores(&mut tx, &[(item.id, score)]).await?;
    }
    if score.priority != item.score {
        history.push((
            "score".to_owned(),
            show_score(item.score),
            show_score(score.priority),
        ));
    }
    let changes: Vec<Change> = history
        .iter()
        .map(|(field, old, new)| Change {
            field,
            old_value: old,
            new_value: new,
        })
        .collect();
    item_activity::record(&mut tx, item.id, actor, now, &changes).await?;
    tx.commit().await?;
    item_scoring(state, access, key).await
}

/// What a scale takes, for an error message.
fn scale_rule(scale: Scale) -> &'static str {
    match scale {
        Scale::ZeroToTen => "a whole number from 0 to 10",
        Scale::Percentage => "a percentage from 0 to 100",
        Scale::TShirt => "one of XS, S, M, L, XL",
        Scale::YesNo => "yes or no",
        Scale::Number => "a number of 0 or more",
    }
}

/// Computes and stores every item's score in the workspace from its
/// ratings and the framework as it now is. Returns how many items it scored.
pub async fn recompute_all(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<usize, AppError> {
    let framework = criteria::framework_in(tx, workspace_id).await?;
    let engine = engine(&framework)?;
    recompute_with(tx, workspace_id, &framework, &engine).await
}

async fn recompute_with(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    framework: &ScoringFramework,
    engine: &Framework,
) -> Result<usize, AppError> {
    let positions: HashMap<i64, usize> = framework
        .criteria
        .iter()
        .enumerate()
        .map(|(index, c)| (c.id, index))
        .collect();
    let width = framework.criteria.len();
    let mut rated: HashMap<i64, Vec<Option<f64>>> = HashMap::new();
    let mut largest = vec![0.0_f64; width];
    for (item_id, criterion_id, value) in ratings::all_in(tx, workspace_id).await? {
        let Some(&index) = positions.get(&criterion_id) else {
            continue;
        };
        rated.entry(item_id).or_insert_with(|| vec![None; width])[index] = Some(value);
        largest[index] = largest[index].max(value);
    }
    let unrated = vec![None; width];
    let scores: Vec<(i64, Score)> = items::ids_in(tx, workspace_id)
        .await?
        .into_iter()
        .map(|id| {
            let ratings = rated.get(&id).unwrap_or(&unrated);
            (id, engine.score(ratings, &largest))
        })
        .collect();
    items::set_scores(tx, &scores).await?;
    Ok(scores.len())
}
