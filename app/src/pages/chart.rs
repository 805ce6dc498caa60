//! `/w/:slug/chart`: each item's Value against its Effort, a bubble each,
//! in four named quadrants; optionally sized by a third criterion. Drawn as
//! SVG on the server, so it works without JavaScript; every bubble is a
//! link to its item, reachable by keyboard, named by the item's title and
//! score. The filter bar narrows it as it does the table.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::items::load_chart;
use crate::chart::{
    Bubble, HEIGHT, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, Place, Quadrant, WIDTH, layout,
    x_of, y_of,
};
use crate::components::items_view::{FilterOptions, ItemsFrame, items_view};
use crate::components::markup::Markup;
use crate::components::workspace_frame::{Section, with_workspace};
use crate::error::AppError;
use crate::model::{ChartData, ChartPoint, ItemQuery, WorkspaceView, show_score};

/// The route to [`ChartPage`], whose code the browser loads on the first visit.
pub struct ChartRoute;

#[lazy_route]
impl LazyRoute for ChartRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <ChartPage /> }.into_any()
    }
}

#[component]
pub fn ChartPage() -> impl IntoView {
    let frame = ItemsFrame::new();
    let chart = frame.load(|| 0, load_chart);
    with_workspace(
        Section::Chart,
        move |w: WorkspaceView| view! { <ChartView workspace=w frame chart /> },
    )
}

#[component]
fn ChartView(
    workspace: WorkspaceView,
    frame: ItemsFrame,
    chart: Resource<Result<ChartData, AppError>>,
) -> impl IntoView {
    let slug = workspace.slug;
    // The filter keeps the bubble size.
    let keep_size = |chart: &ChartData| FilterOptions {
        keep: chart
            .size
            .iter()
            .map(|(id, _)| ("size", id.to_string()))
            .collect(),
        ..FilterOptions::default()
    };
    items_view(frame, chart, keep_size, move |chart, _, query| {
        view! {
            {view! { <SizeForm query chart=chart.clone() /> }.into_any()}
            {view! { <Plot slug=Some(slug.clone()) chart /> }.into_any()}
        }
        .into_any()
    })
}

/// Which criterion sizes the bubbles: a GET form that keeps the filter.
#[component]
fn SizeForm(query: ItemQuery, chart: ChartData) -> impl IntoView {
    let current = chart.size.as_ref().map(|(id, _)| *id);
    view! {
        <Form method="GET" action="" attr:class="chart-size">
            {query.to_params().into_iter().map(|(name, value)| view! {
                <input type="hidden" name=name value=value />
            }).collect_view()}
            <label for="chart-size">"Bubble size"</label>
            <select id="chart-size" name="size">
                <option value="">"Same for every item"</option>
                {chart.sizes.iter().map(|(id, name)| view! {
                    <option value=*id selected=current == Some(*id)>{format!("By {name}")}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button button--quiet">"Show"</button>
        </Form>
    }
}

/// Numbers in the SVG, to a tenth of a unit.
fn at(x: f64) -> String {
    format!("{x:.1}")
}

/// The title and score a bubble is named by (or why it has no score), and
/// where it falls.
fn bubble_name(point: &ChartPoint, quadrant: Quadrant) -> String {
    let score = match (point.score, &point.no_score_reason) {
        (None, Some(reason)) => format!("no score: {reason}"),
        (score, _) => format!("score {}", show_score(score)),
    };
    format!(
        "{} ({}), {score}, {}",
        point.title,
        point.key,
        quadrant.label().to_lowercase()
    )
}

/// The short label drawn beside a bubble while it is hovered or focused.
fn bubble_label(title: &str, key: &str, score: Option<f64>) -> String {
    let short: String = title.chars().take(40).collect();
    let more = if short.len() < title.len() { "…" } else { "" };
    format!("{key} {short}{more} · {}", show_score(score))
}

/// The bubbles, written as markup: hundreds of them, each a link with a
/// title, a circle and a label, cost several times more as views (see
/// `components::markup`). The link's `<title>` names it for assistive
/// technology and shows as its tooltip.
/// Each bubble links to its item, unless there is no `slug` (a shared
/// view, whose readers cannot open items).
fn bubbles_html(slug: Option<&str>, chart: &ChartData, bubbles: &[Bubble]) -> String {
    let mut m = Markup::with_capacity(bubbles.len() * 400);
    for b in bubbles {
        let point = &chart.points[b.index];
        let name = bubble_name(point, b.quadrant);
        let label = bubble_label(&point.title, &point.key, point.score);
        // The label goes on whichever side has room.
        let right_half = b.x > (PLOT_LEFT + PLOT_RIGHT) / 2.0;
        let label_x = if right_half {
            b.x - b.r - 4.0
        } else {
            b.x + b.r + 4.0
        };
        let unrated = chart.size.is_some() && point.size.is_none();
        m.raw(if slug.is_some() { "<a" } else { "<g" })
            .raw(" class=\"bubble bubble--")
            .raw(b.quadrant.class())
            .raw(if unrated { " bubble--unrated" } else { "" })
            .raw("\"");
        if let Some(slug) = slug {
            m.raw(" href=\"/w/")
                .text(slug)
                .raw("/items/")
                .text(&point.key)
                .raw("\"");
        }
        m.raw(" data-key=\"")
            .text(&point.key)
            .raw("\"><title>")
            .text(&name);
        if let (Some(rating), Some((_, criterion))) = (&point.size_label, &chart.size) {
            m.raw(", ").text(criterion).raw(" ").text(rating);
        }
        m.raw("</title><circle cx=\"")
            .tenths(b.x)
            .raw("\" cy=\"")
            .tenths(b.y)
            .raw("\" r=\"")
            .tenths(b.r)
            .raw("\"></circle><text class=\"bubble__label\" x=\"")
            .tenths(label_x)
            .raw("\" y=\"")
            .tenths(b.y + 4.0)
            .raw(if right_half {
                "\" text-anchor=\"end\""
            } else {
                "\" text-anchor=\"start\""
            })
            .raw(" aria-hidden=\"true\">")
            .text(&label)
            .raw("</text>")
            .raw(if slug.is_some() { "</a>" } else { "</g>" });
    }
    m.into_string()
}

/// What the layout needs of each point.
fn places(chart: &ChartData) -> Vec<Place> {
    chart
        .points
        .iter()
        .map(|p| Place {
            value: p.value,
            effort: p.effort,
            size: p.size,
        })
        .collect()
}

#[component]
pub(crate) fn Plot(slug: Option<String>, chart: ChartData) -> impl IntoView {
    let bubbles = layout(&places(&chart), chart.size.is_some());
    let mut counts = [0usize; 4];
    for bubble in &bubbles {
        counts[Quadrant::ALL
            .iter()
            .position(|q| *q == bubble.quadrant)
            .unwrap_or(0)] += 1;
    }
    let shown = chart.points.len();
    let unplaced = chart.total - chart.placed;
    let summary = match (chart.placed, chart.total) {
        (_, 0) => "No item matches this filter.".to_owned(),
        (0, _) => "No item here has both a Value and an Effort rating yet: rate items on their \
                   pages to place them."
            .to_owned(),
        (placed, total) => format!("{placed} of {total} items are on the chart."),
    };
    let capped = (chart.placed > shown as i64).then(|| {
        format!(
            " It shows the {shown} with the highest scores; narrow the filter to see the others."
        )
    });
    let missing = (unplaced > 0 && chart.placed > 0).then(|| {
        format!(
            " {unplaced} {} no Value or Effort rating yet.",
            if unplaced == 1 {
                "item has"
            } else {
                "items have"
            }
        )
    });
    let sized = chart.size.as_ref().map(|(_, name)| {
        format!(" Bigger bubbles rate higher on {name}; unrated items are the smallest.")
    });
    let ticks = [0.0, 0.25, 0.5, 0.75, 1.0];
    view! {
        <figure class="chart">
            <svg
                class="chart__svg"
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                role="group"
                aria-label="Value against effort"
                data-testid="chart"
            >
                {Quadrant::ALL.iter().map(|q| {
                    let (x, y, w, h) = q.area();
                    // The name in the quadrant's outer corner.
                    let left = matches!(q, Quadrant::QuickWins | Quadrant::FillIns);
                    let top = matches!(q, Quadrant::QuickWins | Quadrant::BigBets);
                    let label_x = if left { x + 8.0 } else { x + w - 8.0 };
                    let label_y = if top { y + 20.0 } else { y + h - 10.0 };
                    view! {
                        <g class=format!("chart__quadrant chart__quadrant--{}", q.class())>
                            <rect x=at(x) y=at(y) width=at(w) height=at(h) />
                            <text x=at(label_x) y=at(label_y) text-anchor=if left { "start" } else { "end" } aria-hidden="true">
                                {q.label()}
                            </text>
                        </g>
                    }
                }).collect_view()}
                <g class="chart__axes" aria-hidden="true">
                    <line x1=at(PLOT_LEFT) y1=at(PLOT_BOTTOM) x2=at(PLOT_RIGHT) y2=at(PLOT_BOTTOM) />
                    <line x1=at(PLOT_LEFT) y1=at(PLOT_TOP) x2=at(PLOT_LEFT) y2=at(PLOT_BOTTOM) />
                    {ticks.iter().map(|t| view! {
                        <g>
                            <text x=at(x_of(*t)) y=at(PLOT_BOTTOM + 16.0) text-anchor="middle">{format!("{:.0}", t * 100.0)}</text>
                            <text x=at(PLOT_LEFT - 6.0) y=at(y_of(*t) + 4.0) text-anchor="end">{format!("{:.0}", t * 100.0)}</text>
                        </g>
                    }).collect_view()}
                    <text class="chart__axis-name" x=at((PLOT_LEFT + PLOT_RIGHT) / 2.0) y=at(HEIGHT - 6.0) text-anchor="middle">
                        "Effort →"
                    </text>
                    <text
                        class="chart__axis-name"
                        x="0"
                        y="0"
                        text-anchor="middle"
                        transform=format!("translate(14 {}) rotate(-90)", at((PLOT_TOP + PLOT_BOTTOM) / 2.0))
                    >
                        "Value →"
                    </text>
                </g>
                <g class="chart__bubbles" inner_html=bubbles_html(slug.as_deref(), &chart, &bubbles)></g>
            </svg>
            <figcaption class="chart__caption" data-testid="chart-summary">
                <p>{summary}{capped}{missing}{sized}</p>
                <ul class="chart__legend">
                    {Quadrant::ALL.iter().zip(counts).map(|(q, n)| view! {
                        <li class=format!("chart__legend-item chart__legend-item--{}", q.class())>
                            <strong>{format!("{} ({n})", q.label())}</strong>
                            {format!(": {}", q.hint())}
                        </li>
                    }).collect_view()}
                </ul>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(key: &str, title: &str, value: f64, effort: f64) -> ChartPoint {
        ChartPoint {
            key: key.to_owned(),
            title: title.to_owned(),
            score: Some(72.5),
            no_score_reason: None,
            value,
            effort,
            size: None,
            size_label: None,
        }
    }

    #[test]
    fn each_bubble_is_a_named_link_and_titles_are_escaped() {
        let chart = ChartData {
            total: 2,
            placed: 2,
            points: vec![
                point("WAY-1", "Offline sync", 0.8, 0.2),
                point(
                    "WAY-2",
                    "</title><script>alert(1)</script>\" onfocus=\"x",
                    0.2,
                    0.9,
                ),
            ],
            ..ChartData::default()
        };
        let html = bubbles_html(Some("acme"), &chart, &layout(&places(&chart), false));
        assert_eq!(html.matches("<a class=\"bubble ").count(), 2);
        assert!(html.contains(
            "<a class=\"bubble bubble--quick-wins\" href=\"/w/acme/items/WAY-1\" data-key=\"WAY-1\">\
             <title>Offline sync (WAY-1), score 72.5, quick wins</title>"
        ));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("\" onfocus"));
        assert!(
            html.contains(
                "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot; onfocus=&quot;x"
            )
        );
    }
}
