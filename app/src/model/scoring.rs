//! A workspace's scoring framework and an item's ratings, as pages and the
//! server functions pass them; the engine that turns them into a score is
//! `crate::scoring`.

use serde::{Deserialize, Serialize};

use crate::scoring::formula::FormulaError;
use crate::scoring::framework::{Framework, variable_name};
use crate::scoring::score::{Criterion, Score};

/// One criterion of a workspace's framework.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionInfo {
    pub id: i64,
    pub name: String,
    pub criterion: Criterion,
}

impl CriterionInfo {
    /// What a formula calls it.
    pub fn variable(&self) -> String {
        variable_name(&self.name)
    }
}

/// A workspace's criteria in their order, and its custom formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ScoringFramework {
    pub criteria: Vec<CriterionInfo>,
    pub formula: Option<String>,
}

impl ScoringFramework {
    /// The engine for this framework; an error only for a formula that no
    /// longer parses (which the server never stores).
    pub fn engine(&self) -> Result<Framework, FormulaError> {
        let names: Vec<&str> = self.criteria.iter().map(|c| c.name.as_str()).collect();
        Framework::new(
            self.criteria.iter().map(|c| c.criterion.clone()).collect(),
            &names,
            self.formula.as_deref(),
        )
    }

    /// Where criterion `id` is in the list.
    pub fn position(&self, id: i64) -> Option<usize> {
        self.criteria.iter().position(|c| c.id == id)
    }

    /// Why `score` has no priority although its formula's criteria are
    /// rated, naming the criteria as this framework does.
    pub fn no_score_reason(&self, score: &Score) -> Option<String> {
        let names: Vec<&str> = self.criteria.iter().map(|c| c.name.as_str()).collect();
        score.reason.map(|reason| reason.describe(&names))
    }
}

/// An item's ratings (one per criterion of the framework, `None` when
/// unrated), what the rest of the workspace rates number criteria up to,
/// and the score the server stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ItemScoring {
    pub framework: ScoringFramework,
    pub ratings: Vec<Option<f64>>,
    /// The largest rating of each criterion among the workspace's other
    /// items (0 when none), so that the browser can compute the score a
    /// new rating gives exactly as the server will.
    pub largest_elsewhere: Vec<f64>,
    pub score: Option<f64>,
    pub partly_rated: bool,
    /// Why a formula gives the item no score although it is rated.
    pub no_score_reason: Option<String>,
    /// Whether the viewer may change the ratings.
    pub can_rate: bool,
}

impl ItemScoring {
    /// The score `ratings` would give this item.
    pub fn preview(&self, ratings: &[Option<f64>]) -> Option<Score> {
        let largest: Vec<f64> = self
            .largest_elsewhere
            .iter()
            .zip(ratings.iter().chain(std::iter::repeat(&None)))
            .map(|(elsewhere, own)| own.map_or(*elsewhere, |own| own.max(*elsewhere)))
            .collect();
        self.framework
            .engine()
            .ok()
            .map(|engine| engine.score(ratings, &largest))
    }
}

/// A score as people read it: one decimal, none for a whole number.
pub fn show_score(score: Option<f64>) -> String {
    match score {
        Some(score) if score.fract() == 0.0 => format!("{score:.0}"),
        Some(score) => format!("{score:.1}"),
        None => "—".to_owned(),
    }
}

/// One criterion as the scoring settings form sends it, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CriterionInput {
    /// The criterion's id; empty for a new one.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub factor: String,
    #[serde(default)]
    pub weight: String,
    #[serde(default)]
    pub scale: String,
    #[serde(default)]
    pub direction: String,
    /// Present when its "Remove" box is ticked.
    #[serde(default)]
    pub remove: Option<String>,
}

/// What saving an edited framework would do, before it is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FrameworkPreview {
    /// The top items by score, now and after.
    pub rows: Vec<PreviewRow>,
    /// Criteria whose new scale does not take some of their ratings.
    pub unfit: Vec<UnfitRatings>,
}

/// Ratings of a criterion that its new scale does not take: kept, but
/// counted as unrated until rated again (the old scale takes them back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnfitRatings {
    pub criterion: String,
    /// The new scale, as a person reads it.
    pub scale: String,
    pub count: i64,
}

impl UnfitRatings {
    /// The sentence the preview shows.
    pub fn sentence(&self) -> String {
        let (ratings, fit) = if self.count == 1 {
            ("rating", "does")
        } else {
            ("ratings", "do")
        };
        format!(
            "{} {ratings} of {} {fit} not fit the {} scale: they will count as unrated until \
             someone rates again. Changing the scale back brings them back.",
            self.count, self.criterion, self.scale
        )
    }
}

/// One of the top items, scored by the framework as it is and as edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub key: String,
    pub title: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}
