//! Scoring rounds: `/w/:slug/rounds`. Each function takes the workspace's
//! slug, passes `access::require` first and hands the work to
//! `backend::rounds`, which the REST API calls too. Contributors take part;
//! editors start, reveal and apply; viewers see none of it.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{RoundChoices, RoundSummary, RoundView};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

/// The workspace's rounds, newest first.
#[server(prefix = "/fn", endpoint = "w/rounds")]
pub async fn load_rounds(slug: String) -> Result<Vec<RoundSummary>, AppError> {
    use crate::backend::{access, rounds, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Contribute).await?;
        rounds::list(&state(), &access).await
    })
    .await
}

/// What the form that starts a round offers.
#[server(prefix = "/fn", endpoint = "w/rounds/choices")]
pub async fn load_round_choices(slug: String) -> Result<RoundChoices, AppError> {
    use crate::backend::{access, rounds, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        rounds::choices(&state(), &access).await
    })
    .await
}

/// Starts a round on the chosen items (keys), criteria and participants
/// (ids); returns its id.
#[server(prefix = "/fn", endpoint = "w/rounds/create")]
pub async fn create_round(
    slug: String,
    name: String,
    #[server(default)] items: Vec<String>,
    #[server(default)] criteria: Vec<String>,
    #[server(default)] participants: Vec<String>,
) -> Result<i64, AppError> {
    use crate::backend::rounds::{self, NewRound};
    use crate::backend::{access, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let ids = |field: &str, values: &[String]| {
            values
                .iter()
                .map(|v| {
                    v.trim()
                        .parse::<i64>()
                        .map_err(|_| AppError::invalid(field, "choose from the list"))
                })
                .collect::<Result<Vec<i64>, AppError>>()
        };
        let new = NewRound {
            name,
            item_keys: items.iter().map(|k| k.trim().to_owned()).collect(),
            criteria: ids("criteria", &criteria)?,
            participants: ids("participants", &participants)?,
        };
        rounds::create(&state(), &access, &new).await
    })
    .await
}

/// One round as the viewer may see it.
#[server(prefix = "/fn", endpoint = "w/rounds/get")]
pub async fn load_round(slug: String, id: i64) -> Result<RoundView, AppError> {
    use crate::backend::{access, rounds, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Contribute).await?;
        rounds::view(&state(), &access, id).await
    })
    .await
}

/// The viewer's ratings in a round: `ratings` maps `KEY:criterion id` to
/// a rating as typed (empty: not rated); `finished` says they are done.
#[server(prefix = "/fn", endpoint = "w/rounds/rate")]
pub async fn rate_in_round(
    slug: String,
    id: i64,
    ratings: Option<HashMap<String, String>>,
    finished: Option<String>,
) -> Result<RoundView, AppError> {
    use crate::backend::{access, rounds, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Contribute).await?;
        let ratings = parse_cells(ratings.unwrap_or_default())?;
        let finished = finished.is_some_and(|f| f == "1" || f == "on" || f == "true");
        rounds::rate(&state(), &access, id, &ratings, finished).await
    })
    .await
}

/// Shows everyone in the round every rating.
#[server(prefix = "/fn", endpoint = "w/rounds/reveal")]
pub async fn reveal_round(slug: String, id: i64) -> Result<RoundView, AppError> {
    use crate::backend::{access, rounds, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        rounds::reveal(&state(), &access, id).await
    })
    .await
}

/// Applies a revealed round: `agreed` maps `KEY:criterion id` to the value
/// the editor chose (empty: the suggested one).
#[server(prefix = "/fn", endpoint = "w/rounds/apply")]
pub async fn apply_round(
    slug: String,
    id: i64,
    agreed: Option<HashMap<String, String>>,
) -> Result<RoundView, AppError> {
    use crate::backend::{access, rounds, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let agreed: Vec<(String, i64, f64)> = parse_cells(agreed.unwrap_or_default())?
            .into_iter()
            .filter_map(|(key, criterion, value)| value.map(|v| (key, criterion, v)))
            .collect();
        rounds::apply(&state(), &access, id, &agreed).await
    })
    .await
}

/// A round form's cells: `KEY:criterion id` → a rating as typed, as (key,
/// criterion id, rating or none when empty).
#[cfg(feature = "ssr")]
fn parse_cells(
    cells: HashMap<String, String>,
) -> Result<Vec<(String, i64, Option<f64>)>, AppError> {
    use crate::model::{MAX_ROUND_CRITERIA, MAX_ROUND_ITEMS};

    if cells.len() > MAX_ROUND_ITEMS * MAX_ROUND_CRITERIA {
        return Err(AppError::invalid("ratings", "too many ratings at once"));
    }
    let mut parsed = Vec::with_capacity(cells.len());
    for (cell, value) in cells {
        let (key, criterion) = cell
            .split_once(':')
            .and_then(|(key, id)| Some((key.trim().to_owned(), id.trim().parse::<i64>().ok()?)))
            .ok_or_else(|| AppError::invalid("ratings", "that rating is not in this round"))?;
        let value = value.trim();
        let rating = if value.is_empty() {
            None
        } else {
            Some(
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite())
                    .ok_or_else(|| {
                        AppError::invalid(
                            format!("rating_{key}_{criterion}"),
                            "a rating is a number",
                        )
                    })?,
            )
        };
        parsed.push((key, criterion, rating));
    }
    parsed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    Ok(parsed)
}
