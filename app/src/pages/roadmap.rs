//! `/w/:slug/roadmap`: Now, Next and Later lanes and a tray of unplanned
//! items, whose cards move as `components::lanes` moves them; without
//! JavaScript, by each card's horizon select. If the server refuses a move,
//! the roadmap reloads to where the server has the card and says why.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::roadmap::{PlanItem, load_roadmap};
use crate::components::form::{FormError, form_error};
use crate::components::items_view::{FilterOptions, items_view};
use crate::components::lanes::{CardForm, Landed, Lane, LanesPage, MovableCards, cards_html};
use crate::components::markup::Options;
use crate::components::toast::toast_results;
use crate::components::workspace_frame::{Section, with_workspace};
use crate::model::{Horizon, ItemSummary, Permission, RoadmapLane, Status, WorkspaceView};

/// The roadmap's data: its lanes, moved by `PlanItem`.
type RoadmapData = LanesPage<PlanItem, RoadmapLane>;

/// The route to [`RoadmapPage`], whose code the browser loads on the first visit.
pub struct RoadmapRoute;

#[lazy_route]
impl LazyRoute for RoadmapRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <RoadmapPage /> }.into_any()
    }
}

#[component]
pub fn RoadmapPage() -> impl IntoView {
    let data = RoadmapData::new(load_roadmap);
    with_workspace(
        Section::Roadmap,
        move |w: WorkspaceView| view! { <Roadmap workspace=w data /> },
    )
}

impl Lane for RoadmapLane {
    type Id = Horizon;

    fn id(&self) -> Horizon {
        self.horizon
    }

    fn name(&self) -> String {
        self.horizon.label().to_owned()
    }

    fn cards(&self) -> &[ItemSummary] {
        &self.items
    }

    fn cards_mut(&mut self) -> &mut Vec<ItemSummary> {
        &mut self.items
    }

    fn total_mut(&mut self) -> &mut i64 {
        &mut self.total
    }

    fn receive(&self, card: &mut ItemSummary) {
        card.horizon = self.horizon;
    }
}

#[component]
fn Roadmap(workspace: WorkspaceView, data: RoadmapData) -> impl IntoView {
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    let (moved, focused) = (data.moved, data.focused);
    toast_results(moved.value(), |_: &i64| None);
    let without_horizon = |_: &Vec<RoadmapLane>| FilterOptions {
        without_horizon: true,
        ..FilterOptions::default()
    };
    view! {
        <FormError error=form_error(moved.value(), &[]) />
        {items_view(data.frame, data.lanes, without_horizon, move |lanes, choices, _| {
            let statuses = choices.statuses;
            view! { <Lanes slug=slug.clone() lanes statuses can_edit moved focused /> }.into_any()
        })}
    }
}

#[component]
fn Lanes(
    slug: String,
    lanes: Vec<RoadmapLane>,
    statuses: Vec<Status>,
    can_edit: bool,
    moved: ServerAction<PlanItem>,
    focused: RwSignal<Option<String>>,
) -> impl IntoView {
    let lanes = RwSignal::new(lanes);
    let slug = StoredValue::new(slug);
    let statuses = StoredValue::new(statuses);
    let horizons = StoredValue::new(Options::valued(
        Horizon::ALL
            .iter()
            .enumerate()
            .map(|(n, h)| (n as i64, h.as_str(), h.label())),
    ));
    let send = Callback::new(move |landed: Landed<Horizon>| {
        moved.dispatch(PlanItem {
            slug: slug.get_value(),
            key: landed.card.key,
            version: landed.card.version,
            horizon: landed.lane.to_string(),
            after: landed.after,
            before: landed.before,
        });
    });
    let select = Callback::new(move |(key, version, horizon): (String, i64, String)| {
        moved.dispatch(PlanItem {
            slug: slug.get_value(),
            key,
            version,
            horizon,
            after: None,
            before: None,
        });
    });
    // One lane: its heading, its cards and what it leaves out.
    let lane_view = move |lane: RoadmapLane| {
        let horizon = lane.horizon;
        let count = lane.items.len();
        let more = lane.total - count as i64;
        let cards = horizons.with_value(|options| {
            let form = CardForm {
                action: PlanItem::url(),
                field: "horizon",
                label: "Horizon",
                options,
                current: |item| horizon_index(item.horizon),
            };
            statuses.with_value(|statuses| {
                cards_html(
                    &lane.items,
                    Some(&slug.get_value()),
                    Some(statuses),
                    can_edit,
                    can_edit.then_some(&form),
                )
            })
        });
        let more = (more > 0).then(|| {
            view! {
                <a class="board-column__more" href=format!("/w/{}/items?horizon={horizon}", slug.get_value())>
                    {format!("{more} more in the table")}
                </a>
            }
        });
        let empty = (count == 0)
            .then(|| view! { <p class="muted small board-column__empty">"No items"</p> });
        (cards, more, empty, lane.total)
    };

    view! {
        {can_edit.then(|| view! {
            <p class="muted small board-help">"Drag cards between lanes, or focus a card and press Alt + arrow keys."</p>
        })}
        <MovableCards lanes focused class="roadmap" testid="roadmap" send select>
            {move || {
                let all = lanes.get();
                let (planned, unplanned): (Vec<_>, Vec<_>) =
                    all.into_iter().partition(|l| l.horizon != Horizon::Unplanned);
                let planned = planned.into_iter().map(|lane| {
                    let horizon = lane.horizon;
                    let (cards, more, empty, total) = lane_view(lane);
                    view! {
                        <section class="board-column roadmap-lane" aria-label=horizon.label() data-lane=horizon.as_str()>
                            <h2 class="board-column__title">
                                {horizon.label()}
                                <span class="muted small">{format!(" {total}")}</span>
                            </h2>
                            <ol class="board-column__cards" inner_html=cards></ol>
                            {more}
                            {empty}
                        </section>
                    }
                }).collect_view();
                let tray = unplanned.into_iter().map(|lane| {
                    let (cards, more, empty, total) = lane_view(lane);
                    view! {
                        <details class="roadmap-tray" open data-lane="unplanned" aria-label="Unplanned">
                            <summary>
                                <h2 class="roadmap-tray__title">
                                    "Unplanned"
                                    <span class="muted small">{format!(" {total}")}</span>
                                </h2>
                            </summary>
                            <ol class="board-column__cards roadmap-tray__cards" inner_html=cards></ol>
                            {more}
                            {empty}
                        </details>
                    }
                }).collect_view();
                view! {
                    <div class="roadmap__lanes">{planned}</div>
                    {tray}
                }
            }}
        </MovableCards>
    }
}

fn horizon_index(horizon: Horizon) -> i64 {
    Horizon::ALL.iter().position(|h| *h == horizon).unwrap_or(0) as i64
}

/// The roadmap as a shared view shows it: the lanes and the unplanned
/// items, without links, forms or moves.
#[cfg(feature = "ssr")]
#[component]
pub(crate) fn SharedRoadmap(lanes: Vec<RoadmapLane>, statuses: Vec<Status>) -> impl IntoView {
    let lane_view = |lane: &RoadmapLane| {
        let more = lane.total - lane.items.len() as i64;
        (
            cards_html(&lane.items, None, Some(&statuses), false, None),
            (more > 0).then(|| view! { <p class="muted small">{format!("and {more} more")}</p> }),
            lane.items
                .is_empty()
                .then(|| view! { <p class="muted small board-column__empty">"No items"</p> }),
        )
    };
    let (planned, unplanned): (Vec<_>, Vec<_>) =
        lanes.iter().partition(|l| l.horizon != Horizon::Unplanned);
    let planned = planned
        .into_iter()
        .map(|lane| {
            let (cards, more, empty) = lane_view(lane);
            view! {
                <section class="board-column roadmap-lane" aria-label=lane.horizon.label()>
                    <h2 class="board-column__title">
                        {lane.horizon.label()}
                        <span class="muted small">{format!(" {}", lane.total)}</span>
                    </h2>
                    <ol class="board-column__cards" inner_html=cards></ol>
                    {more}
                    {empty}
                </section>
            }
        })
        .collect_view();
    let tray = unplanned
        .into_iter()
        .map(|lane| {
            let (cards, more, empty) = lane_view(lane);
            view! {
                <details class="roadmap-tray" open aria-label="Unplanned">
                    <summary>
                        <h2 class="roadmap-tray__title">
                            "Unplanned"
                            <span class="muted small">{format!(" {}", lane.total)}</span>
                        </h2>
                    </summary>
                    <ol class="board-column__cards roadmap-tray__cards" inner_html=cards></ol>
                    {more}
                    {empty}
                </details>
            }
        })
        .collect_view();
    view! {
        <div class="roadmap" data-testid="roadmap">
            <div class="roadmap__lanes">{planned}</div>
            {tray}
        </div>
    }
}
