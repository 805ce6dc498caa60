//! The roadmap and the timeline: the roadmap's lanes and moving a card
//! between and within them; the timeline's dated and undated items (their
//! dates change through `w/items/update`).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{RoadmapLane, TimelineData};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

/// The roadmap's lanes, with the filter of `params` (as for
/// `load_items`; its horizon is ignored, since each lane is one).
#[server(prefix = "/fn", endpoint = "w/roadmap")]
pub async fn load_roadmap(slug: String, params: String) -> Result<Vec<RoadmapLane>, AppError> {
    use crate::api::items::item_query;
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        items::roadmap(&state(), &access.workspace, &item_query(&params)).await
    })
    .await
}

/// Moves a card on the roadmap: into the lane of `horizon` (`now`, `next`,
/// `later` or `unplanned`), below the card `after` and above the card
/// `before` (keys; neither puts it on top). Returns the item's new version.
#[server(prefix = "/fn", endpoint = "w/roadmap/move")]
pub async fn plan_item(
    slug: String,
    key: String,
    version: i64,
    horizon: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<i64, AppError> {
    use crate::backend::{access, items, state};
    use crate::model::{Horizon, Permission};

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let horizon = Horizon::parse(horizon.trim())
            .ok_or_else(|| AppError::invalid("horizon", "choose Now, Next, Later or Unplanned"))?;
        let place = items::Placement {
            lane: items::Lane::Horizon(horizon),
            after,
            before,
        };
        items::move_to(&state(), &access, &key, version, place).await
    })
    .await
}

/// The timeline, with the filter of `params` (as for `load_items`).
#[server(prefix = "/fn", endpoint = "w/timeline")]
pub async fn load_timeline(slug: String, params: String) -> Result<TimelineData, AppError> {
    use crate::api::items::item_query;
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        items::timeline(&state(), &access.workspace, &item_query(&params)).await
    })
    .await
}
