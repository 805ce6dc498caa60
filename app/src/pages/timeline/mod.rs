//! `/w/:slug/timeline`: dated items as bars on a month or quarter axis,
//! grouped by status or by tag, with a line for today and the undated items
//! listed beside. Drawn as SVG on the server, so the first paint and a page
//! without JavaScript show the same picture; with it, a bar moves by
//! dragging (or Alt + arrows) and resizes by its edges (or Alt + Shift +
//! arrows), and an undated item is dragged onto the axis. Each change is an
//! item update of its dates: the server stores dates, never positions.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::items::UpdateItem;
use crate::api::roadmap::load_timeline;
use crate::components::form::server_action;
use crate::components::form::{FormError, form_error};
use crate::components::items_view::{FilterOptions, ItemsFrame, items_view};
use crate::components::lanes::cards_html;
use crate::components::toast::toast_results;
use crate::components::workspace_frame::{Section, with_workspace};
use crate::error::AppError;
use crate::model::{
    ItemForm, ItemQuery, MAX_TIMELINE_ITEMS, Permission, Status, TimelineData, WorkspaceView,
};
use crate::timeline::{Axis, Scale, date_of};

mod drawing;

use drawing::{axis_for, groups, plot_html};

/// How long a bar is when an undated item is dropped on the axis: two weeks.
const NEW_BAR_DAYS: i64 = 14;

/// How the bars are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Grouping {
    #[default]
    Status,
    Tag,
}

/// The timeline's own parameters, beside the filter's: `scale` and `group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Layout {
    scale: Scale,
    grouping: Grouping,
}

impl Layout {
    fn from_params(params: &str) -> Self {
        let mut view = Layout::default();
        for pair in params.split('&') {
            match pair.split_once('=') {
                Some(("scale", value)) => view.scale = Scale::parse(value).unwrap_or_default(),
                Some(("group", "tag")) => view.grouping = Grouping::Tag,
                _ => {}
            }
        }
        view
    }
}

#[derive(Clone, Copy)]
struct TimelinePageData {
    frame: ItemsFrame,
    saved: ServerAction<UpdateItem>,
    timeline: Resource<Result<TimelineData, AppError>>,
    view: Memo<Layout>,
}

/// The route to [`TimelinePage`], whose code the browser loads on the first visit.
pub struct TimelineRoute;

#[lazy_route]
impl LazyRoute for TimelineRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <TimelinePage /> }.into_any()
    }
}

#[component]
pub fn TimelinePage() -> impl IntoView {
    let saved = server_action::<UpdateItem>();
    let frame = ItemsFrame::new();
    let data = TimelinePageData {
        frame,
        saved,
        timeline: frame.load(move || saved.version().get(), load_timeline),
        view: Memo::new(move |_| Layout::from_params(&frame.params.get())),
    };
    with_workspace(
        Section::Timeline,
        move |w: WorkspaceView| view! { <Timeline workspace=w data /> },
    )
}

#[component]
fn Timeline(workspace: WorkspaceView, data: TimelinePageData) -> impl IntoView {
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    let (saved, layout) = (data.saved, data.view);
    toast_results(saved.value(), |_: &i64| None);
    // The filter keeps the axis and the grouping.
    let keep_layout = move |_: &TimelineData| {
        let shown = layout.get_untracked();
        FilterOptions {
            keep: vec![
                ("scale", shown.scale.as_str().to_owned()),
                ("group", grouping_param(shown.grouping).to_owned()),
            ],
            ..FilterOptions::default()
        }
    };
    view! {
        <FormError error=form_error(saved.value(), &["start_date", "end_date"]) />
        {items_view(data.frame, data.timeline, keep_layout, move |timeline, choices, query| {
            let shown = layout.get_untracked();
            let statuses = choices.statuses;
            view! {
                {view! { <ViewForm query shown /> }.into_any()}
                {view! { <Plot slug=slug.clone() timeline statuses shown can_edit saved /> }.into_any()}
            }
            .into_any()
        })}
    }
}

fn grouping_param(grouping: Grouping) -> &'static str {
    match grouping {
        Grouping::Status => "status",
        Grouping::Tag => "tag",
    }
}

/// The axis's scale and the grouping: a GET form that keeps the filter.
#[component]
fn ViewForm(query: ItemQuery, shown: Layout) -> impl IntoView {
    view! {
        <Form method="GET" action="" attr:class="chart-size timeline-view">
            {query.to_params().into_iter().map(|(name, value)| view! {
                <input type="hidden" name=name value=value />
            }).collect_view()}
            <label for="timeline-scale">"Axis"</label>
            <select id="timeline-scale" name="scale">
                <option value="month" selected=shown.scale == Scale::Month>"Months"</option>
                <option value="quarter" selected=shown.scale == Scale::Quarter>"Quarters"</option>
            </select>
            <label for="timeline-group">"Group by"</label>
            <select id="timeline-group" name="group">
                <option value="status" selected=shown.grouping == Grouping::Status>"Status"</option>
                <option value="tag" selected=shown.grouping == Grouping::Tag>"Tag"</option>
            </select>
            <button type="submit" class="button button--quiet">"Show"</button>
        </Form>
    }
}

/// A bar being dragged: which, what part, from where.
#[derive(Clone, Debug)]
struct Drag {
    key: String,
    version: i64,
    start: i64,
    end: i64,
    /// `None` moves the bar; `Some("start")` or `Some("end")` resizes it.
    edge: Option<String>,
    from_x: f64,
    moved: bool,
}

/// Where a bar goes when dragged `days` days by its `edge` (or as a whole):
/// the new first day and the day after the last, at least one day apart.
fn dragged(start: i64, end: i64, edge: Option<&str>, days: i64) -> (i64, i64) {
    match edge {
        Some("start") => ((start + days).min(end - 1), end),
        Some("end") => (start, (end + days).max(start + 1)),
        _ => (start + days, end + days),
    }
}

#[component]
fn Plot(
    slug: String,
    timeline: TimelineData,
    statuses: Vec<Status>,
    shown: Layout,
    can_edit: bool,
    saved: ServerAction<UpdateItem>,
) -> impl IntoView {
    let (axis, today, width) = axis_for(&timeline, shown.scale);
    let items = RwSignal::new(timeline.scheduled.clone());
    let slug = StoredValue::new(slug);
    let statuses = StoredValue::new(statuses);
    let axis = StoredValue::new(axis);
    let drawn = Memo::new(move |_| {
        items.with(|items| {
            statuses.with_value(|statuses| {
                axis.with_value(|axis| {
                    let groups = groups(items, statuses, shown.grouping);
                    plot_html(
                        Some(&slug.get_value()),
                        axis,
                        &groups,
                        statuses,
                        today,
                        can_edit,
                    )
                })
            })
        })
    });
    let drag = StoredValue::new(None::<Drag>);
    let just_dragged = StoredValue::new(false);

    // Shows the new dates at once, then saves them; the timeline reloads
    // with the server's answer either way.
    let save = move |key: String, version: i64, start: i64, end: i64| {
        let (first, last) = (date_of(start), date_of(end - 1));
        items.update(|items| {
            if let Some(item) = items.iter_mut().find(|i| i.key == key) {
                item.start_date = Some(first.clone());
                item.end_date = Some(last.clone());
            }
        });
        saved.dispatch(UpdateItem {
            slug: slug.get_value(),
            key,
            version,
            fields: ItemForm {
                start_date: Some(first),
                end_date: Some(last),
                ..ItemForm::default()
            },
        });
    };

    let shown_count = timeline.scheduled.len();
    let summary = match timeline.scheduled_total {
        0 => "No item here has a start or an end date yet.".to_owned(),
        n if n > shown_count as i64 => format!(
            "The first {MAX_TIMELINE_ITEMS} of {n} dated items, earliest first; narrow the filter to see the others."
        ),
        n => format!("{n} dated {}.", if n == 1 { "item" } else { "items" }),
    };
    let unscheduled_total = timeline.unscheduled_total;
    let unscheduled = statuses.with_value(|statuses| {
        cards_html(
            &timeline.unscheduled,
            Some(&slug.get_value()),
            Some(statuses),
            can_edit,
            None,
        )
    });

    view! {
        {can_edit.then(|| view! {
            <p class="muted small board-help">
                "Drag a bar to move it, or its ends to change its dates; or focus it and press Alt + arrows (with Shift, the end moves). Drag an undated item onto the axis to give it two weeks."
            </p>
        })}
        <p class="muted" data-testid="timeline-summary">{summary}</p>
        <div class="timeline">
            <div class="timeline__scroll">
                <svg
                    class="timeline__svg"
                    width=format!("{width:.0}")
                    height=move || format!("{:.0}", drawn.with(|d| d.1))
                    role="group"
                    aria-label="Timeline"
                    data-testid="timeline"
                    on:pointerdown=move |ev| {
                        if !can_edit || ev.button() != 0 {
                            return;
                        }
                        if let Some(mut found) = bar_of(&ev) {
                            found.from_x = f64::from(ev.client_x());
                            drag.set_value(Some(found));
                            capture(&ev);
                        }
                    }
                    on:pointermove=move |ev| {
                        let Some(mut current) = drag.get_value() else { return };
                        let dx = f64::from(ev.client_x()) - current.from_x;
                        if dx.abs() >= 3.0 {
                            current.moved = true;
                        }
                        let days = axis.with_value(|a| a.days_moved(dx));
                        let (start, end) = dragged(current.start, current.end, current.edge.as_deref(), days);
                        axis.with_value(|a| show_drag(&ev, a, &current.key, start, end));
                        drag.set_value(Some(current));
                    }
                    on:pointerup=move |ev| {
                        let Some(current) = drag.get_value() else { return };
                        drag.set_value(None);
                        if !current.moved {
                            return;
                        }
                        just_dragged.set_value(true);
                        let dx = f64::from(ev.client_x()) - current.from_x;
                        let days = axis.with_value(|a| a.days_moved(dx));
                        let (start, end) = dragged(current.start, current.end, current.edge.as_deref(), days);
                        if (start, end) != (current.start, current.end) {
                            save(current.key, current.version, start, end);
                        } else {
                            items.update(|_| {});
                        }
                    }
                    on:click=move |ev| {
                        // The click that ends a drag does not open the item.
                        if just_dragged.get_value() {
                            just_dragged.set_value(false);
                            ev.prevent_default();
                        }
                    }
                    on:keydown=move |ev| {
                        if !can_edit || !ev.alt_key() {
                            return;
                        }
                        let days = match ev.key().as_str() {
                            "ArrowLeft" => -1,
                            "ArrowRight" => 1,
                            _ => return,
                        };
                        let Some(found) = bar_of(&ev) else { return };
                        ev.prevent_default();
                        let edge = ev.shift_key().then_some("end");
                        let (start, end) = dragged(found.start, found.end, edge, days);
                        save(found.key, found.version, start, end);
                    }
                    on:dragover=move |ev| ev.prevent_default()
                    on:drop=move |ev| {
                        ev.prevent_default();
                        let Some(key) = ev.data_transfer().and_then(|t| t.get_data("text/plain").ok()) else { return };
                        let Some(version) = timeline_version(&key) else { return };
                        let Some(x) = svg_x(&ev) else { return };
                        let start = axis.with_value(|a| a.day_at(x));
                        save(key, version, start, start + NEW_BAR_DAYS);
                    }
                >
                    <g class="timeline__drawing" inner_html=move || drawn.with(|d| d.0.clone())></g>
                </svg>
            </div>
            <aside class="timeline__undated" aria-labelledby="undated-heading">
                <h2 id="undated-heading" class="board-column__title">
                    "Undated"
                    <span class="muted small">{format!(" {unscheduled_total}")}</span>
                </h2>
                <ol
                    class="board-column__cards"
                    inner_html=unscheduled
                    on:dragstart=move |ev| {
                        if let Some(key) = undated_key(&ev)
                            && let Some(transfer) = ev.data_transfer()
                        {
                            let _ = transfer.set_data("text/plain", &key);
                        }
                    }
                ></ol>
                {(unscheduled_total == 0).then(|| view! { <p class="muted small">"Every item has a date."</p> })}
            </aside>
        </div>
    }
}

/// The timeline as a shared view shows it, with the view's scale and
/// grouping (`params`): the same drawing, without links or moves.
#[cfg(feature = "ssr")]
#[component]
pub(crate) fn SharedTimeline(
    timeline: TimelineData,
    statuses: Vec<Status>,
    params: String,
) -> impl IntoView {
    let shown = Layout::from_params(&params);
    let (axis, today, width) = axis_for(&timeline, shown.scale);
    let groups = groups(&timeline.scheduled, &statuses, shown.grouping);
    let (drawing, height) = plot_html(None, &axis, &groups, &statuses, today, false);
    let summary = match timeline.scheduled_total {
        0 => "No item here has a start or an end date.".to_owned(),
        n if n > timeline.scheduled.len() as i64 => {
            format!("The first {MAX_TIMELINE_ITEMS} of {n} dated items, earliest first.")
        }
        n => format!("{n} dated {}.", if n == 1 { "item" } else { "items" }),
    };
    let unscheduled = cards_html(&timeline.unscheduled, None, Some(&statuses), false, None);
    let unscheduled_total = timeline.unscheduled_total;
    view! {
        <p class="muted" data-testid="timeline-summary">{summary}</p>
        <div class="timeline">
            <div class="timeline__scroll">
                <svg class="timeline__svg" width=format!("{width:.0}") height=format!("{height:.0}") role="group" aria-label="Timeline" data-testid="timeline">
                    <g class="timeline__drawing" inner_html=drawing></g>
                </svg>
            </div>
            <aside class="timeline__undated" aria-labelledby="undated-heading">
                <h2 id="undated-heading" class="board-column__title">
                    "Undated"
                    <span class="muted small">{format!(" {unscheduled_total}")}</span>
                </h2>
                <ol class="board-column__cards" inner_html=unscheduled></ol>
            </aside>
        </div>
    }
}

/// The bar an event happened on: its key, version and days, and which of
/// its edges, if one.
fn bar_of(ev: &leptos::ev::Event) -> Option<Drag> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        let target: Element = ev.target()?.dyn_into().ok()?;
        let bar = target.closest("a.bar[data-key]").ok()??;
        Some(Drag {
            key: bar.get_attribute("data-key")?,
            version: bar.get_attribute("data-version")?.parse().ok()?,
            start: bar.get_attribute("data-start")?.parse().ok()?,
            end: bar.get_attribute("data-end")?.parse().ok()?,
            edge: target.get_attribute("data-edge"),
            from_x: 0.0,
            moved: false,
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// Keeps the pointer's events on the drawing while a bar is dragged.
fn capture(ev: &leptos::ev::PointerEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        if let Some(svg) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<Element>().ok())
        {
            let _ = svg.set_pointer_capture(ev.pointer_id());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
    }
}

/// Draws a dragged bar where it would go, without redrawing the others.
fn show_drag(ev: &leptos::ev::PointerEvent, axis: &Axis, key: &str, start: i64, end: i64) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        let Some(svg) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<Element>().ok())
        else {
            return;
        };
        let selector = format!("a.bar[data-key=\"{key}\"] .bar__body");
        if let Ok(Some(body)) = svg.query_selector(&selector) {
            let x = axis.x(start);
            let _ = body.set_attribute("x", &format!("{x:.1}"));
            let _ = body.set_attribute("width", &format!("{:.1}", (axis.x(end) - x).max(2.0)));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (ev, axis, key, start, end);
    }
}

/// The version of an undated item's card, by its key.
fn timeline_version(key: &str) -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        let selector = format!(".timeline__undated .card[data-key=\"{key}\"]");
        document()
            .query_selector(&selector)
            .ok()??
            .get_attribute("data-version")?
            .parse()
            .ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        None
    }
}

/// The key of the undated card a drag started on.
fn undated_key(ev: &leptos::ev::DragEvent) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        let target: Element = ev.target()?.dyn_into().ok()?;
        target
            .closest(".card[data-key]")
            .ok()??
            .get_attribute("data-key")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// Where on the drawing (in its units) a drop happened.
fn svg_x(ev: &leptos::ev::DragEvent) -> Option<f64> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        let svg: Element = ev.current_target()?.dyn_into().ok()?;
        let left = svg.get_bounding_client_rect().left();
        Some(f64::from(ev.client_x()) - left)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Horizon, ItemSummary};

    pub(super) fn item(
        key: &str,
        status_id: i64,
        start: Option<&str>,
        end: Option<&str>,
    ) -> ItemSummary {
        ItemSummary {
            key: key.into(),
            title: format!("<b>{key}</b>"),
            status_id,
            assignee: None,
            horizon: Horizon::Unplanned,
            start_date: start.map(Into::into),
            end_date: end.map(Into::into),
            tags: vec![],
            archived: false,
            version: 3,
            updated: String::new(),
            updated_ms: 0,
            score: None,
            partly_rated: false,
            no_score_reason: None,
        }
    }

    #[test]
    fn drags_keep_a_bar_at_least_a_day_long() {
        assert_eq!(dragged(10, 15, None, -3), (7, 12));
        assert_eq!(dragged(10, 15, Some("start"), 2), (12, 15));
        assert_eq!(dragged(10, 15, Some("start"), 9), (14, 15));
        assert_eq!(dragged(10, 15, Some("end"), -9), (10, 11));
        assert_eq!(dragged(10, 15, Some("end"), 4), (10, 19));
    }
}
