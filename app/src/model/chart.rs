//! The value-vs-effort chart as the page gets it; its geometry is
//! `crate::chart`.

use serde::{Deserialize, Serialize};

/// At most this many bubbles: the highest scores among the items the filter
/// keeps. More would not be readable; the page says how many it left out.
pub const MAX_CHART_POINTS: usize = 300;

/// One item on the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartPoint {
    pub key: String,
    pub title: String,
    pub score: Option<f64>,
    /// Why a formula gives it no score, in the item's words.
    pub no_score_reason: Option<String>,
    /// Its Value and Effort factors, 0–1.
    pub value: f64,
    pub effort: f64,
    /// Its rating of the criterion that sizes the bubbles, normalised to
    /// 0–1 by that criterion's scale; `None` when unrated or unsized.
    pub size: Option<f64>,
    /// The same rating as the criterion's scale shows it.
    pub size_label: Option<String>,
}

/// What the chart page shows for a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ChartData {
    /// How many items the filter keeps.
    pub total: i64,
    /// How many of those have both a Value and an Effort, so can be placed.
    pub placed: i64,
    /// The placed items with the highest scores, highest first.
    pub points: Vec<ChartPoint>,
    /// The criteria that can size the bubbles: id and name.
    pub sizes: Vec<(i64, String)>,
    /// The criterion sizing them now, when one does.
    pub size: Option<(i64, String)>,
}
