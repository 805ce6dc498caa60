//! The timeline as the page gets it; its geometry is `crate::timeline`.

use serde::{Deserialize, Serialize};

use super::ItemSummary;

/// At most this many bars, earliest first; the page says how many it left
/// out. Two hundred rows are already a long page, and each bar costs its
/// share of the page's time (at 500, a 10,000-item workspace's timeline
/// answered 59 requests a second; at 200, 86).
pub const MAX_TIMELINE_ITEMS: usize = 200;
/// Unscheduled items listed beside the axis, most recently changed first.
pub const UNSCHEDULED_SHOWN: usize = 30;

/// What the timeline page shows for a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TimelineData {
    /// Items with a start or an end date, earliest first.
    pub scheduled: Vec<ItemSummary>,
    pub scheduled_total: i64,
    /// Items with neither.
    pub unscheduled: Vec<ItemSummary>,
    pub unscheduled_total: i64,
    /// The server's date, so the page and its hydration draw the same
    /// "today" line.
    pub today: String,
}
