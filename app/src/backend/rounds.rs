//! Scoring rounds: an editor starts one on chosen items and criteria with
//! chosen members; each participant rates privately; the editor reveals
//! the ratings and applies the agreed values to the items, in one
//! transaction with the items' history. The rules the server functions and
//! the REST API share.

use std::collections::{HashMap, HashSet};

use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::db::{criteria, items, memberships, now_ms, rounds};
use crate::backend::{AppState, format_time, scoring};
use crate::error::AppError;
use crate::model::{
    Candidate, CriterionInfo, ItemQuery, MAX_ROUND_CRITERIA, MAX_ROUND_ITEMS, MAX_ROUND_NAME,
    MAX_ROUND_PARTICIPANTS, Participant, Permission, RoundChoices, RoundItem, RoundState,
    RoundSummary, RoundView, SortColumn,
};
use crate::model::{key_of, number_of};
use crate::scoring::round::summarise;

/// How many items the form that starts a round offers.
const ITEMS_OFFERED: usize = 200;

/// A round as the editor asks for it.
#[derive(Debug, Clone, Default)]
pub struct NewRound {
    pub name: String,
    pub item_keys: Vec<String>,
    pub criteria: Vec<i64>,
    pub participants: Vec<i64>,
}

/// What the form that starts a round offers: the items by score, the
/// framework's criteria, and the members who may rate.
pub async fn choices(state: &AppState, access: &WorkspaceAccess) -> Result<RoundChoices, AppError> {
    let db = &state.db;
    let workspace_id = access.workspace.id;
    let query = ItemQuery {
        sort: SortColumn::Score,
        descending: true,
        ..ItemQuery::default()
    };
    let listed = items::list(db, workspace_id, &query, ITEMS_OFFERED).await?;
    let framework = criteria::framework(db, workspace_id).await?;
    let members = memberships::list_members(db, workspace_id).await?;
    Ok(RoundChoices {
        items: listed
            .items
            .iter()
            .map(|row| RoundItem {
                key: key_of(&access.workspace.key_prefix, row.number),
                title: row.title.clone(),
            })
            .collect(),
        criteria: framework.criteria,
        members: members
            .into_iter()
            .filter(|m| m.role.allows(Permission::Contribute))
            .map(|m| Candidate {
                id: m.user_id,
                name: m.display_name,
            })
            .collect(),
    })
}

/// Starts a round; returns its id. Every item, criterion and participant
/// must be the workspace's (a participant a member who may rate), each
/// named once.
pub async fn create(
    state: &AppState,
    access: &WorkspaceAccess,
    new: &NewRound,
) -> Result<i64, AppError> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", "give the round a name"));
    }
    if name.chars().count() > MAX_ROUND_NAME {
        return Err(AppError::invalid(
            "name",
            format!("at most {MAX_ROUND_NAME} characters"),
        ));
    }
    let count = |field: &str, n: usize, most: usize, what: &str| {
        if n == 0 {
            Err(AppError::invalid(
                field,
                format!("choose at least one {what}"),
            ))
        } else if n > most {
            Err(AppError::invalid(
                field,
                format!("at most {most} {what}s in a round"),
            ))
        } else {
            Ok(())
        }
    };
    count("items", new.item_keys.len(), MAX_ROUND_ITEMS, "item")?;
    count(
        "criteria",
        new.criteria.len(),
        MAX_ROUND_CRITERIA,
        "criterion",
    )?;
    count(
        "participants",
        new.participants.len(),
        MAX_ROUND_PARTICIPANTS,
        "participant",
    )?;
    if !unique(&new.item_keys) || !unique(&new.criteria) || !unique(&new.participants) {
        return Err(AppError::invalid("items", "each choice may be made once"));
    }
    let db = &state.db;
    let workspace_id = access.workspace.id;
    let mut tx = db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let framework = criteria::framework_in(&mut tx, workspace_id).await?;
    if let Some(id) = new
        .criteria
        .iter()
        .find(|id| framework.position(**id).is_none())
    {
        return Err(AppError::invalid(
            "criteria",
            format!("criterion {id} is not part of this workspace's framework"),
        ));
    }
    let mut item_ids = Vec::with_capacity(new.item_keys.len());
    for key in &new.item_keys {
        let item = items::find_for_update(db, &mut tx, workspace_id, number_of(key)?)
            .await?
            .ok_or_else(|| AppError::invalid("items", format!("there is no item {key} here")))?;
        item_ids.push(item.id);
    }
    for user_id in &new.participants {
        let role = memberships::role_in(&mut tx, workspace_id, *user_id).await?;
        if !role.is_some_and(|r| r.allows(Permission::Contribute)) {
            return Err(AppError::invalid(
                "participants",
                "only members who may rate (contributors, editors, owners) can take part",
            ));
        }
    }
    let id = rounds::insert(&mut tx, workspace_id, name, access.actor.user.id, now_ms()).await?;
    rounds::add_items(&mut tx, id, &item_ids).await?;
    rounds::add_criteria(&mut tx, id, &new.criteria).await?;
    rounds::add_participants(&mut tx, id, &new.participants).await?;
    tx.commit().await?;
    Ok(id)
}

fn unique<T: std::hash::Hash + Eq>(values: &[T]) -> bool {
    values.iter().collect::<HashSet<_>>().len() == values.len()
}

/// The workspace's rounds, newest first.
pub async fn list(
    state: &AppState,
    access: &WorkspaceAccess,
) -> Result<Vec<RoundSummary>, AppError> {
    let rows = rounds::list(&state.db, access.workspace.id, access.actor.user.id).await?;
    Ok(rows
        .into_iter()
        .map(|r| RoundSummary {
            id: r.round.id,
            name: r.round.name,
            state: r.round.state,
            items: r.items,
            participants: r.participants,
            finished: r.finished,
            created_by: r
                .round
                .created_by
                .unwrap_or_else(|| "A former member".into()),
            created: format_time(r.round.created_at),
            mine: r.mine,
        })
        .collect())
}

/// The round `id` as the viewer may see it: before the reveal their own
/// ratings alone and who has finished; after it every rating's summary.
pub async fn view(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
) -> Result<RoundView, AppError> {
    let db = &state.db;
    let round = rounds::find(db, access.workspace.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let framework = criteria::framework(db, access.workspace.id).await?;
    let items = rounds::items(db, id).await?;
    let criteria: Vec<CriterionInfo> = rounds::criteria(db, id)
        .await?
        .into_iter()
        .filter_map(|c| framework.criteria.iter().find(|info| info.id == c).cloned())
        .collect();
    let participants = rounds::participants(db, id).await?;
    let me = access.actor.user.id;
    let participant = participants.iter().any(|(user, _, _)| *user == me);
    let finished = participants
        .iter()
        .any(|(user, _, at)| *user == me && at.is_some());
    let grid = |ratings: &[(i64, i64, f64)]| -> Vec<Vec<Vec<f64>>> {
        let item_at: HashMap<i64, usize> = items
            .iter()
            .enumerate()
            .map(|(n, (item, ..))| (*item, n))
            .collect();
        let criterion_at: HashMap<i64, usize> = criteria
            .iter()
            .enumerate()
            .map(|(n, c)| (c.id, n))
            .collect();
        let mut grid = vec![vec![Vec::new(); criteria.len()]; items.len()];
        for (item, criterion, value) in ratings {
            if let (Some(i), Some(c)) = (item_at.get(item), criterion_at.get(criterion)) {
                grid[*i][*c].push(*value);
            }
        }
        grid
    };
    let mine = if participant {
        grid(&rounds::ratings_of(db, id, me).await?)
            .into_iter()
            .map(|row| row.into_iter().map(|cell| cell.first().copied()).collect())
            .collect()
    } else {
        Vec::new()
    };
    let revealed = if round.state == RoundState::Open {
        Vec::new()
    } else {
        grid(&rounds::all_ratings(db, id).await?)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .zip(&criteria)
                    .map(|(cell, c)| summarise(c.criterion.scale, &cell))
                    .collect()
            })
            .collect()
    };
    Ok(RoundView {
        id,
        name: round.name,
        state: round.state,
        created_by: round.created_by.unwrap_or_else(|| "A former member".into()),
        created: format_time(round.created_at),
        items: items
            .iter()
            .map(|(_, number, title)| RoundItem {
                key: key_of(&access.workspace.key_prefix, *number),
                title: title.clone(),
            })
            .collect(),
        participants: participants
            .into_iter()
            .map(|(id, name, finished)| Participant {
                id,
                name,
                finished: finished.is_some(),
            })
            .collect(),
        criteria,
        participant,
        finished,
        can_manage: access.role.allows(Permission::Edit),
        mine,
        revealed,
    })
}

/// Saves the viewer's ratings in an open round they take part in: each
/// (item key, criterion id, rating or `None` to take it away); `finished`
/// says whether they are done. All or nothing.
pub async fn rate(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
    ratings: &[(String, i64, Option<f64>)],
    finished: bool,
) -> Result<RoundView, AppError> {
    if ratings.len() > MAX_ROUND_ITEMS * MAX_ROUND_CRITERIA {
        return Err(AppError::invalid("ratings", "too many ratings at once"));
    }
    let db = &state.db;
    let workspace_id = access.workspace.id;
    let me = access.actor.user.id;
    let mut tx = db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Contribute).await?;
    let round = rounds::find_for_update(db, &mut tx, workspace_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if round.state != RoundState::Open {
        return Err(AppError::Conflict(
            "this round has been revealed: its ratings can no longer change".into(),
        ));
    }
    if !rounds::is_participant_in(&mut tx, id, me).await? {
        return Err(AppError::invalid(
            "ratings",
            "you are not taking part in this round",
        ));
    }
    let framework = criteria::framework_in(&mut tx, workspace_id).await?;
    let in_round = rounds::criteria(db, id).await?;
    let round_items = rounds::items(db, id).await?;
    let now = now_ms();
    for (key, criterion_id, value) in ratings {
        let number = number_of(key)?;
        let Some((item_id, ..)) = round_items.iter().find(|(_, n, _)| *n == number) else {
            return Err(AppError::invalid(
                "ratings",
                format!("{key} is not in this round"),
            ));
        };
        let info = framework
            .criteria
            .iter()
            .find(|c| c.id == *criterion_id && in_round.contains(criterion_id))
            .ok_or_else(|| AppError::invalid("ratings", "that criterion is not in this round"))?;
        if let Some(value) = value
            && !info.criterion.scale.accepts(*value)
        {
            return Err(AppError::invalid(
                format!("rating_{key}_{criterion_id}"),
                format!(
                    "{}: {}",
                    info.name,
                    scoring::scale_rule(info.criterion.scale)
                ),
            ));
        }
        rounds::rate(&mut tx, id, me, (*item_id, *criterion_id), *value, now).await?;
    }
    rounds::set_finished(&mut tx, id, me, finished.then_some(now)).await?;
    tx.commit().await?;
    view(state, access, id).await
}

/// Shows every participant's ratings to everyone in the round; a round
/// already revealed is shown as it is (two editors may click at once).
pub async fn reveal(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
) -> Result<RoundView, AppError> {
    let db = &state.db;
    let mut tx = db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let round = rounds::find_for_update(db, &mut tx, access.workspace.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if round.state == RoundState::Open {
        rounds::set_state(&mut tx, id, RoundState::Revealed, now_ms()).await?;
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    view(state, access, id).await
}

/// Applies a revealed round: each item's rating on each criterion becomes
/// the agreed value — the editor's choice from `agreed` (item key,
/// criterion id, rating), else the suggestion from the participants'
/// ratings; where nobody rated and nothing was chosen, the item keeps its
/// rating. One transaction: the ratings, the scores, each item's history
/// (which names the round), and the round's state.
pub async fn apply(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
    agreed: &[(String, i64, f64)],
) -> Result<RoundView, AppError> {
    let db = &state.db;
    let workspace_id = access.workspace.id;
    let mut tx = db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let round = rounds::find_for_update(db, &mut tx, workspace_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match round.state {
        RoundState::Open => {
            return Err(AppError::Conflict(
                "reveal the round before applying it".into(),
            ));
        }
        RoundState::Applied => {
            return Err(AppError::Conflict(
                "this round has already been applied".into(),
            ));
        }
        RoundState::Revealed => {}
    }
    // Read once the round is held: a reveal that committed just before
    // is seen, and nothing changes the round's ratings from here on.
    let before = view(state, access, id).await?;
    for (key, criterion_id, value) in agreed {
        let known_item = before.items.iter().any(|i| &i.key == key);
        let Some(info) = before.criteria.iter().find(|c| c.id == *criterion_id) else {
            return Err(AppError::invalid(
                "agreed",
                "that criterion is not in this round",
            ));
        };
        if !known_item {
            return Err(AppError::invalid(
                "agreed",
                format!("{key} is not in this round"),
            ));
        }
        if !info.criterion.scale.accepts(*value) {
            return Err(AppError::invalid(
                format!("agreed_{key}_{criterion_id}"),
                format!(
                    "{}: {}",
                    info.name,
                    scoring::scale_rule(info.criterion.scale)
                ),
            ));
        }
    }
    for (i, item) in before.items.iter().enumerate() {
        let changes: Vec<(i64, Option<f64>)> = before
            .criteria
            .iter()
            .enumerate()
            .filter_map(|(c, info)| {
                let chosen = agreed
                    .iter()
                    .find(|(key, id, _)| key == &item.key && *id == info.id)
                    .map(|(_, _, v)| *v);
                let suggested = before
                    .revealed
                    .get(i)?
                    .get(c)?
                    .as_ref()
                    .map(|s| s.suggested);
                chosen.or(suggested).map(|value| (info.id, Some(value)))
            })
            .collect();
        if !changes.is_empty() {
            scoring::rate_in(
                state,
                &mut tx,
                access,
                &item.key,
                &changes,
                Some(&round.name),
            )
            .await?;
        }
    }
    rounds::set_state(&mut tx, id, RoundState::Applied, now_ms()).await?;
    tx.commit().await?;
    state.changed(access, None);
    view(state, access, id).await
}
