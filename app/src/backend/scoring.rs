//! Ratings and scores, whoever asks: the server functions and the REST API
//! both call these. A rating writes its history and the scores it moves in
//! the same transaction; every stored score is the engine's
//! (`crate::scoring`), the one the browser runs too.

use std::collections::HashMap;

use sqlx::{Any, Transaction};

use crate::backend::AppState;
use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::db::item_activity::{self, Change};
use crate::backend::db::items::StoredScore;
use crate::backend::db::{Db, criteria, items, now_ms, ratings, settings, workspaces};
use crate::error::AppError;
use crate::model::{
    CriterionInfo, CriterionInput, FrameworkPreview, ItemQuery, ItemScoring, Permission,
    PreviewRow, ScoringFramework, SortColumn, UnfitRatings, show_score,
};
use crate::model::{key_of, number_of};
use crate::scoring::framework::{Framework, variable_name};
use crate::scoring::score::{Criterion, Direction, Factor, Scale};

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
    let numbers = ratings::largest(&state.db, &number_criteria(&framework), Some(item.id)).await?;
    let largest_elsewhere = spread(&framework, &numbers);
    Ok(ItemScoring {
        ratings: in_order(&framework, &rated),
        framework,
        largest_elsewhere,
        score: item.score,
        partly_rated: item.score_partial,
        no_score_reason: item.no_score_reason,
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
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    if rate_in(state, &mut tx, access, key, changes, None).await? {
        tx.commit().await?;
        let changed = crate::model::number_of(key)
            .map(|number| crate::model::key_of(&access.workspace.key_prefix, number))
            .ok();
        state.changed(access, changed.as_deref());
    } else {
        tx.rollback().await?;
    }
    item_scoring(state, access, key).await
}

/// The same inside the caller's transaction, whose caller has checked the
/// role. `round`: the scoring round whose agreed values these are, named in
/// the item's history. Returns whether any rating changed.
pub async fn rate_in(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    access: &WorkspaceAccess,
    key: &str,
    changes: &[(i64, Option<f64>)],
    round: Option<&str>,
) -> Result<bool, AppError> {
    let number = number_of(key)?;
    let workspace_id = access.workspace.id;
    // One rating of the workspace at a time: a rating that moves a number
    // scale's largest rating rescores every item, from ratings that must
    // not change underneath it.
    criteria::lock_framework(&state.db, tx, workspace_id).await?;
    let item = items::find_for_update(&state.db, tx, workspace_id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let framework = criteria::framework_in(tx, workspace_id).await?;
    let engine = engine(&framework)?;
    let mut ratings_now = in_order(&framework, &ratings::for_item_in(tx, item.id).await?);
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
    let largest_before = ratings::largest_in(tx, &numbers).await?;
    let now = now_ms();
    let actor = access.actor.user.id;
    let mut history = Vec::new();
    for (index, info) in framework.criteria.iter().enumerate() {
        if ratings_now[index] == before[index] {
            continue;
        }
        ratings::set(tx, item.id, info.id, ratings_now[index], actor, now).await?;
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
        return Ok(false);
    }
    let largest_after = ratings::largest_in(tx, &numbers).await?;
    // A number scale rates against the workspace's largest rating: when
    // that moved, every item's score may have.
    let moved = largest_before != largest_after;
    let score = engine.score(&ratings_now, &spread(&framework, &largest_after));
    if moved {
        let (_, others) = recompute_with(tx, workspace_id, &framework, &engine).await?;
        // This item's own move is told with its ratings, below; the
        // others' say which largest rating moved them.
        let others: Vec<Moved> = others.into_iter().filter(|m| m.0 != item.id).collect();
        let field = largest_moved(&framework, &largest_before, &largest_after);
        record_moves(tx, actor, now, &field, &others).await?;
    } else {
        let stored = StoredScore {
            score,
            no_score_reason: framework.no_score_reason(&score),
        };
        items::set_scores(tx, &[(item.id, stored)]).await?;
    }
    if score.priority != item.score {
        history.push((
            "score".to_owned(),
            show_score(item.score),
            show_score(score.priority),
        ));
    }
    if let Some(round) = round {
        history.push(("round".to_owned(), String::new(), round.to_owned()));
    }
    let changes: Vec<Change> = history
        .iter()
        .map(|(field, old, new)| Change {
            field,
            old_value: old,
            new_value: new,
        })
        .collect();
    item_activity::record(tx, item.id, actor, now, &changes).await?;
    Ok(true)
}

/// The history field of a score that a move of number scales' largest
/// ratings moved: `score:largest:` and the criteria whose largest moved.
fn largest_moved(framework: &ScoringFramework, before: &[f64], after: &[f64]) -> String {
    let names: Vec<&str> = framework
        .criteria
        .iter()
        .filter(|c| c.criterion.scale == Scale::Number)
        .zip(before.iter().zip(after))
        .filter(|(_, (before, after))| before != after)
        .map(|(c, _)| c.name.as_str())
        .collect();
    format!("score:largest:{}", names.join(", "))
}

/// A workspace's largest number ratings before items (and their ratings)
/// go, for `after_removing_items`.
pub struct LargestBefore {
    workspace_id: i64,
    framework: ScoringFramework,
    numbers: Vec<i64>,
    largest: Vec<f64>,
}

/// Reads the workspace's largest number ratings before items are deleted,
/// holding the framework as a rating does so that no rating moves them
/// meanwhile.
pub async fn before_removing_items(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<LargestBefore, AppError> {
    criteria::lock_framework(&state.db, tx, workspace_id).await?;
    let framework = criteria::framework_in(tx, workspace_id).await?;
    let numbers = number_criteria(&framework);
    let largest = ratings::largest_in(tx, &numbers).await?;
    Ok(LargestBefore {
        workspace_id,
        framework,
        numbers,
        largest,
    })
}

/// After items were deleted: when one held a number scale's largest
/// rating, the rest rate against a new largest, so every item is rescored
/// as when a rating moves it, and each moved score's history says why.
pub async fn after_removing_items(
    tx: &mut Transaction<'static, Any>,
    before: LargestBefore,
    actor: i64,
) -> Result<(), AppError> {
    let after = ratings::largest_in(tx, &before.numbers).await?;
    if after == before.largest {
        return Ok(());
    }
    let engine = engine(&before.framework)?;
    let (_, moved) = recompute_with(tx, before.workspace_id, &before.framework, &engine).await?;
    let field = largest_moved(&before.framework, &before.largest, &after);
    record_moves(tx, actor, now_ms(), &field, &moved).await?;
    Ok(())
}

/// A new item's score, as a rescore would store it: nobody has rated it,
/// so it is partly rated (and scored only by a formula that reads no
/// criterion). Stored with the item, by the statement that makes it.
pub async fn new_item_score(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<StoredScore, AppError> {
    let framework = criteria::framework_in(tx, workspace_id).await?;
    let score = engine(&framework)?.score(&vec![None; framework.criteria.len()], &[]);
    Ok(StoredScore {
        score,
        no_score_reason: framework.no_score_reason(&score),
    })
}

/// What a scale takes, for an error message.
pub fn scale_rule(scale: Scale) -> &'static str {
    match scale {
        Scale::ZeroToTen => "a whole number from 0 to 10",
        Scale::Percentage => "a percentage from 0 to 100",
        Scale::TShirt => "one of XS, S, M, L, XL",
        Scale::YesNo => "yes or no",
        Scale::Number => "a number of 0 or more",
    }
}

/// An item whose stored score a rescore moved: its id, and its score
/// before and after.
pub type Moved = (i64, Option<f64>, Option<f64>);

/// Computes and stores every item's score in the workspace from its
/// ratings and the framework as it now is. Returns how many items it scored
/// and the ones whose score moved.
pub async fn recompute_all(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<(usize, Vec<Moved>), AppError> {
    let framework = criteria::framework_in(tx, workspace_id).await?;
    let engine = engine(&framework)?;
    recompute_with(tx, workspace_id, &framework, &engine).await
}

async fn recompute_with(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    framework: &ScoringFramework,
    engine: &Framework,
) -> Result<(usize, Vec<Moved>), AppError> {
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
    let stored = items::scores_in(tx, workspace_id).await?;
    let scores: Vec<(i64, StoredScore)> = stored
        .iter()
        .map(|(id, _)| {
            let ratings = rated.get(id).unwrap_or(&unrated);
            let score = engine.score(ratings, &largest);
            let no_score_reason = framework.no_score_reason(&score);
            (
                *id,
                StoredScore {
                    score,
                    no_score_reason,
                },
            )
        })
        .collect();
    items::set_scores(tx, &scores).await?;
    let moved = stored
        .iter()
        .zip(&scores)
        .filter(|((_, before), (_, after))| *before != after.score.priority)
        .map(|((id, before), (_, after))| (*id, *before, after.score.priority))
        .collect();
    Ok((scores.len(), moved))
}

/// Scores every item of every workspace again when a migration asked for
/// it, so that the stored scores the table sorts by are the ones the engine
/// now gives; then clears the request. Returns how many items it scored.
/// Each workspace is one transaction holding its framework, so instances
/// starting together on one database may both do it, to the same end.
pub async fn rescore_if_asked(db: &Db) -> Result<usize, AppError> {
    if settings::get(db, settings::RESCORE_ALL).await?.is_none() {
        return Ok(0);
    }
    let mut rescored = 0;
    for workspace_id in workspaces::ids(db).await? {
        let mut tx = db.begin().await?;
        criteria::lock_framework(db, &mut tx, workspace_id).await?;
        rescored += recompute_all(&mut tx, workspace_id).await?.0;
        tx.commit().await?;
    }
    settings::remove(db, settings::RESCORE_ALL).await?;
    Ok(rescored)
}

/// Writes into each moved item's history why its score moved: `field` is
/// `score:` and the cause.
async fn record_moves(
    tx: &mut Transaction<'static, Any>,
    actor: i64,
    now: i64,
    field: &str,
    moved: &[Moved],
) -> Result<(), AppError> {
    let changes: Vec<(i64, String, String)> = moved
        .iter()
        .map(|(id, before, after)| (*id, show_score(*before), show_score(*after)))
        .collect();
    item_activity::record_many(tx, actor, now, field, &changes).await?;
    Ok(())
}

/// The most criteria a framework has.
pub const MAX_CRITERIA: usize = 30;
/// The longest criterion name, in characters.
const MAX_CRITERION_NAME: usize = 60;
/// The items the settings page previews.
const PREVIEWED: usize = 10;

/// A framework as an edit asks for it: its criteria in order (with the id
/// of each that already exists) and its formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub criteria: Vec<(Option<i64>, CriterionInfo)>,
    pub formula: Option<String>,
}

impl Draft {
    fn framework(&self) -> ScoringFramework {
        ScoringFramework {
            criteria: self.criteria.iter().map(|(_, c)| c.clone()).collect(),
            formula: self.formula.clone(),
        }
    }
}

/// Reads the settings form: rows whose "Remove" box is ticked and the
/// blank row for a new criterion are left out; `shift` (`N:up` or
/// `N:down`, N a row of the form) moves a row. Every rule of a framework is
/// checked here, so nothing that breaks one reaches the database.
pub fn parse_draft(
    rows: &[CriterionInput],
    formula: &str,
    shift: Option<&str>,
) -> Result<Draft, AppError> {
    if rows.len() > MAX_CRITERIA + 1 {
        return Err(AppError::invalid(
            "criteria",
            format!("a framework has at most {MAX_CRITERIA} criteria"),
        ));
    }
    let mut kept: Vec<(usize, Option<i64>, CriterionInfo)> = Vec::new();
    for (row, input) in rows.iter().enumerate() {
        let id = match input.id.trim() {
            "" => None,
            text => Some(text.parse::<i64>().map_err(|_| {
                AppError::invalid("criteria", "that criterion is not part of this framework")
            })?),
        };
        let name = input.name.trim();
        if input.remove.is_some() || (id.is_none() && name.is_empty()) {
            continue;
        }
        let number = row + 1;
        let invalid =
            |message: &str| AppError::invalid("criteria", format!("Criterion {number}: {message}"));
        if name.is_empty() {
            return Err(invalid("give it a name"));
        }
        if name.chars().count() > MAX_CRITERION_NAME {
            return Err(invalid(&format!(
                "a name has at most {MAX_CRITERION_NAME} characters"
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(invalid("a name is one line of text"));
        }
        if variable_name(name).is_empty() {
            return Err(invalid("a name needs a letter or a digit"));
        }
        let weight = input
            .weight
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|w| w.is_finite() && *w > 0.0 && *w <= 1000.0)
            .ok_or_else(|| invalid("a weight is a number above 0 (at most 1000)"))?;
        let criterion = Criterion {
            factor: Factor::parse(input.factor.trim())
                .ok_or_else(|| invalid("choose Value or Effort"))?,
            weight,
            scale: Scale::parse(input.scale.trim())
                .ok_or_else(|| invalid("choose one of the scales"))?,
            direction: Direction::parse(input.direction.trim())
                .ok_or_else(|| invalid("choose a direction"))?,
        };
        kept.push((
            row,
            id,
            CriterionInfo {
                id: id.unwrap_or(0),
                name: name.to_owned(),
                criterion,
            },
        ));
    }
    if kept.is_empty() {
        return Err(AppError::invalid(
            "criteria",
            "a framework needs at least one criterion",
        ));
    }
    if kept.len() > MAX_CRITERIA {
        return Err(AppError::invalid(
            "criteria",
            format!("a framework has at most {MAX_CRITERIA} criteria"),
        ));
    }
    let mut variables: Vec<String> = kept.iter().map(|(_, _, c)| c.variable()).collect();
    variables.sort();
    if let Some(pair) = variables.windows(2).find(|p| p[0] == p[1]) {
        return Err(AppError::invalid(
            "criteria",
            format!(
                "two criteria are both called `{}`; give them different names",
                pair[0]
            ),
        ));
    }
    if let Some((row, up)) = shift.and_then(parse_shift)
        && let Some(at) = kept.iter().position(|(r, ..)| *r == row)
    {
        let other = if up { at.checked_sub(1) } else { Some(at + 1) };
        if let Some(other) = other.filter(|o| *o < kept.len()) {
            kept.swap(at, other);
        }
    }
    let draft = Draft {
        criteria: kept.into_iter().map(|(_, id, c)| (id, c)).collect(),
        formula: Some(formula.trim().to_owned()).filter(|f| !f.is_empty()),
    };
    draft
        .framework()
        .engine()
        .map_err(|e| AppError::invalid("formula", e.to_string()))?;
    Ok(draft)
}

fn parse_shift(shift: &str) -> Option<(usize, bool)> {
    let (row, way) = shift.split_once(':')?;
    let row = row.parse().ok()?;
    match way {
        "up" => Some((row, true)),
        "down" => Some((row, false)),
        _ => None,
    }
}

/// The workspace's framework, for its settings page.
pub async fn framework(
    state: &AppState,
    access: &WorkspaceAccess,
) -> Result<ScoringFramework, AppError> {
    Ok(criteria::framework(&state.db, access.workspace.id).await?)
}

/// Saves an edited framework and rescores every item, in one transaction:
/// criteria that stay keep their ratings (their scale may change; a rating
/// the new scale does not take counts as unrated until it is rated again),
/// removed ones lose theirs. Returns how many items were rescored.
pub async fn save_framework(
    state: &AppState,
    access: &WorkspaceAccess,
    draft: &Draft,
) -> Result<usize, AppError> {
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    criteria::lock_framework(&state.db, &mut tx, workspace_id).await?;
    let current = criteria::framework_in(&mut tx, workspace_id).await?;
    for (id, _) in &draft.criteria {
        if let Some(id) = id
            && current.position(*id).is_none()
        {
            return Err(AppError::Conflict(
                "a criterion was removed meanwhile; reload to see the framework as it is".into(),
            ));
        }
    }
    let kept: Vec<i64> = draft.criteria.iter().filter_map(|(id, _)| *id).collect();
    for old in &current.criteria {
        if !kept.contains(&old.id) {
            criteria::delete(&mut tx, old.id).await?;
        }
    }
    criteria::replace(
        &mut tx,
        workspace_id,
        &draft.criteria,
        draft.formula.as_deref(),
    )
    .await?;
    let (rescored, moved) = recompute_all(&mut tx, workspace_id).await?;
    let actor = access.actor.user.id;
    record_moves(&mut tx, actor, now_ms(), "score:framework", &moved).await?;
    tx.commit().await?;
    state.changed(access, None);
    Ok(rescored)
}

/// What a save of `draft` would do: the top items by their stored score,
/// scored again by it, and the ratings its changed scales do not take.
pub async fn preview(
    state: &AppState,
    access: &WorkspaceAccess,
    draft: &Draft,
) -> Result<FrameworkPreview, AppError> {
    let engine = engine(&draft.framework())?;
    let query = ItemQuery {
        sort: SortColumn::Score,
        descending: true,
        ..ItemQuery::default()
    };
    let top = items::list(&state.db, access.workspace.id, &query, PREVIEWED).await?;
    let numbers: Vec<i64> = draft
        .criteria
        .iter()
        .filter(|(_, c)| c.criterion.scale == Scale::Number)
        .filter_map(|(id, _)| *id)
        .collect();
    let largest = ratings::largest(&state.db, &numbers, None).await?;
    let largest: Vec<f64> = draft
        .criteria
        .iter()
        .map(|(id, _)| {
            id.and_then(|id| numbers.iter().position(|n| *n == id))
                .map_or(0.0, |at| largest[at])
        })
        .collect();
    let mut rows = Vec::with_capacity(top.items.len());
    for item in top.items {
        let rated = ratings::for_item(&state.db, item.id).await?;
        let ratings: Vec<Option<f64>> = draft
            .criteria
            .iter()
            .map(|(id, _)| id.and_then(|id| rated.iter().find(|(c, _)| *c == id).map(|(_, v)| *v)))
            .collect();
        rows.push(PreviewRow {
            key: key_of(&access.workspace.key_prefix, item.number),
            title: item.title,
            before: item.score,
            after: engine.score(&ratings, &largest).priority,
        });
    }
    Ok(FrameworkPreview {
        rows,
        unfit: unfit(state, access, draft).await?,
    })
}

/// The ratings each criterion of `draft` whose scale changes would no
/// longer take. Only the workspace's own criteria are read, whatever ids
/// the form names.
async fn unfit(
    state: &AppState,
    access: &WorkspaceAccess,
    draft: &Draft,
) -> Result<Vec<UnfitRatings>, AppError> {
    let current = criteria::framework(&state.db, access.workspace.id).await?;
    let mut unfit = Vec::new();
    for (id, edited) in &draft.criteria {
        let Some(old) = id.and_then(|id| current.criteria.iter().find(|c| c.id == id)) else {
            continue;
        };
        let scale = edited.criterion.scale;
        if old.criterion.scale == scale {
            continue;
        }
        let count: i64 = ratings::tally(&state.db, old.id)
            .await?
            .into_iter()
            .filter(|(rating, _)| !scale.accepts(*rating))
            .map(|(_, n)| n)
            .sum();
        if count > 0 {
            unfit.push(UnfitRatings {
                criterion: edited.name.clone(),
                scale: scale.label().to_lowercase(),
                count,
            });
        }
    }
    Ok(unfit)
}
