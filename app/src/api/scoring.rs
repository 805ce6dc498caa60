//! Ratings: the item page's scoring panel. Each function takes the
//! workspace's slug, passes `access::require` first and hands the work to
//! `backend::scoring`, which the REST API calls too.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{CriterionInput, FrameworkPreview, ItemScoring, ScoringFramework};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

/// The item's ratings, the workspace's framework and the stored score.
#[server(prefix = "/fn", endpoint = "w/items/scoring")]
pub async fn load_item_scoring(slug: String, key: String) -> Result<ItemScoring, AppError> {
    use crate::backend::{access, scoring, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        scoring::item_scoring(&state(), &access, &key).await
    })
    .await
}

/// Rates an item. `ratings` maps a criterion's id to its rating as typed
/// (empty: not rated); a criterion named in `unrated` loses its rating
/// whatever `ratings` says (the form's "Not rated" box). Criteria named in
/// neither keep theirs.
#[server(prefix = "/fn", endpoint = "w/items/rate")]
pub async fn rate_item(
    slug: String,
    key: String,
    ratings: Option<HashMap<String, String>>,
    unrated: Option<HashMap<String, String>>,
) -> Result<ItemScoring, AppError> {
    use crate::backend::{access, scoring, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let changes = parse_ratings(ratings.unwrap_or_default(), unrated.unwrap_or_default())?;
        scoring::rate(&state(), &access, &key, &changes).await
    })
    .await
}

/// The ratings a form asks for: (criterion id, rating or none), sorted by id.
#[cfg(feature = "ssr")]
fn parse_ratings(
    ratings: HashMap<String, String>,
    unrated: HashMap<String, String>,
) -> Result<Vec<(i64, Option<f64>)>, AppError> {
    use crate::backend::scoring::MAX_RATINGS_PER_CHANGE;

    if ratings.len() + unrated.len() > 2 * MAX_RATINGS_PER_CHANGE {
        return Err(AppError::invalid("ratings", "too many ratings at once"));
    }
    let id = |text: &str| {
        text.trim().parse::<i64>().map_err(|_| {
            AppError::invalid(
                "ratings",
                "that criterion is not part of this workspace's framework",
            )
        })
    };
    let mut changes = std::collections::BTreeMap::new();
    for (criterion, value) in &ratings {
        let value = value.trim();
        let rating = if value.is_empty() {
            None
        } else {
            let rating = value
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite())
                .ok_or_else(|| {
                    AppError::invalid(
                        format!("rating_{}", criterion.trim()),
                        "a rating is a number",
                    )
                })?;
            Some(rating)
        };
        changes.insert(id(criterion)?, rating);
    }
    for criterion in unrated.keys() {
        changes.insert(id(criterion)?, None);
    }
    Ok(changes.into_iter().collect())
}

/// The workspace's framework, for `/w/:slug/settings/scoring`.
#[server(prefix = "/fn", endpoint = "w/scoring")]
pub async fn load_framework(slug: String) -> Result<ScoringFramework, AppError> {
    use crate::backend::{access, scoring, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        scoring::framework(&state(), &access).await
    })
    .await
}

/// Saves the settings form's framework and rescores every item; `shift`
/// (`N:up`, `N:down`) also moves row N. Returns how many items it rescored.
#[server(prefix = "/fn", endpoint = "w/scoring/save")]
pub async fn save_framework(
    slug: String,
    criteria: Option<Vec<CriterionInput>>,
    formula: Option<String>,
    shift: Option<String>,
) -> Result<usize, AppError> {
    use crate::backend::{access, scoring, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let draft = scoring::parse_draft(
            &criteria.unwrap_or_default(),
            formula.as_deref().unwrap_or_default(),
            shift.as_deref(),
        )?;
        scoring::save_framework(&state(), &access, &draft).await
    })
    .await
}

/// The top ten items' scores now and under the form's framework, and the
/// ratings its changed scales would no longer take; nothing saved.
#[server(prefix = "/fn", endpoint = "w/scoring/preview")]
pub async fn preview_framework(
    slug: String,
    criteria: Option<Vec<CriterionInput>>,
    formula: Option<String>,
) -> Result<FrameworkPreview, AppError> {
    use crate::backend::{access, scoring, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let draft = scoring::parse_draft(
            &criteria.unwrap_or_default(),
            formula.as_deref().unwrap_or_default(),
            None,
        )?;
        scoring::preview(&state(), &access, &draft).await
    })
    .await
}
