//! The timeline's drawing: the axis, a row per group and per item, and
//! the bars, written as markup (see `components::markup`), the same for
//! the page and for a shared view.

use super::Grouping;
use crate::components::markup::Markup;
use crate::model::{ItemSummary, Status, TimelineData};
use crate::timeline::{Axis, Scale, day_number, span};

/// The SVG's rows: the axis's labels, a group's name, an item's bar.
pub(super) const HEADER: f64 = 28.0;
pub(super) const GROUP_ROW: f64 = 26.0;
pub(super) const ITEM_ROW: f64 = 26.0;
pub(super) const BAR_HEIGHT: f64 = 18.0;
/// Room after the last day for the labels of bars that end there.
pub(super) const LABEL_ROOM: f64 = 240.0;
/// A group of bars: its name and its items.
pub(super) struct Group<'a> {
    name: String,
    items: Vec<&'a ItemSummary>,
}

pub(super) fn groups<'a>(
    items: &'a [ItemSummary],
    statuses: &[Status],
    by: Grouping,
) -> Vec<Group<'a>> {
    match by {
        Grouping::Status => statuses
            .iter()
            .map(|s| Group {
                name: s.name.clone(),
                items: items.iter().filter(|i| i.status_id == s.id).collect(),
            })
            .filter(|g| !g.items.is_empty())
            .collect(),
        Grouping::Tag => {
            let mut tags: Vec<&str> = items
                .iter()
                .flat_map(|i| i.tags.iter().map(String::as_str))
                .collect();
            tags.sort_unstable();
            tags.dedup();
            let mut groups: Vec<Group> = tags
                .into_iter()
                .map(|tag| Group {
                    name: tag.to_owned(),
                    items: items
                        .iter()
                        .filter(|i| i.tags.iter().any(|t| t == tag))
                        .collect(),
                })
                .collect();
            let untagged: Vec<&ItemSummary> = items.iter().filter(|i| i.tags.is_empty()).collect();
            if !untagged.is_empty() {
                groups.push(Group {
                    name: "No tag".into(),
                    items: untagged,
                });
            }
            groups
        }
    }
}

/// The axis that spans the dated items (and today), today's day number,
/// and the drawing's width with room for the last bar's label.
pub(super) fn axis_for(timeline: &TimelineData, scale: Scale) -> (Axis, i64, f64) {
    let today = day_number(&timeline.today).unwrap_or(0);
    let dated = timeline
        .scheduled
        .iter()
        .filter_map(|i| span(i.start_date.as_deref(), i.end_date.as_deref()))
        .flat_map(|(s, e)| [s, e - 1]);
    let axis = Axis::spanning(scale, dated, today);
    let width = axis.width() + LABEL_ROOM;
    (axis, today, width)
}

/// The axis, the rows and the bars, written as markup (see
/// `components::markup`); returns it with the drawing's height.
pub(super) fn plot_html(
    slug: Option<&str>,
    axis: &Axis,
    groups: &[Group],
    statuses: &[Status],
    today: i64,
    can_edit: bool,
) -> (String, f64) {
    let rows: usize = groups.iter().map(|g| g.items.len()).sum();
    let height = HEADER + groups.len() as f64 * GROUP_ROW + rows as f64 * ITEM_ROW + 8.0;
    let mut m = Markup::with_capacity(2_000 + rows * 600);
    m.raw("<g class=\"timeline__axis\" aria-hidden=\"true\">");
    for tick in &axis.ticks {
        m.raw("<line x1=\"")
            .tenths(tick.x)
            .raw("\" y1=\"0\" x2=\"")
            .tenths(tick.x)
            .raw("\" y2=\"")
            .tenths(height)
            .raw("\"></line><text x=\"")
            .tenths(tick.x + 4.0)
            .raw("\" y=\"18\">")
            .text(&tick.label)
            .raw("</text>");
    }
    m.raw("</g>");
    let mut y = HEADER;
    for group in groups {
        m.raw("<text class=\"timeline__group\" x=\"4\" y=\"")
            .tenths(y + 18.0)
            .raw("\">")
            .text(&group.name)
            .raw("</text>");
        y += GROUP_ROW;
        for item in &group.items {
            let Some((start, end)) = span(item.start_date.as_deref(), item.end_date.as_deref())
            else {
                continue;
            };
            let x = axis.x(start);
            let w = (axis.x(end) - x).max(2.0);
            let color = statuses
                .iter()
                .find(|s| s.id == item.status_id)
                .map_or("#8a94a6", |s| s.color.as_str());
            let dates = match (&item.start_date, &item.end_date) {
                (Some(s), Some(e)) => format!("{s} to {e}"),
                (Some(s), None) => format!("from {s}"),
                (None, Some(e)) => format!("until {e}"),
                (None, None) => String::new(),
            };
            m.raw(if slug.is_some() { "<a" } else { "<g" })
                .raw(" class=\"bar\"");
            if let Some(slug) = slug {
                m.raw(" href=\"/w/")
                    .text(slug)
                    .raw("/items/")
                    .text(&item.key)
                    .raw("\"");
            }
            m.raw(" data-key=\"")
                .text(&item.key)
                .raw("\" data-version=\"")
                .number(item.version)
                .raw("\" data-start=\"")
                .number(start)
                .raw("\" data-end=\"")
                .number(end)
                .raw("\"");
            if can_edit {
                m.raw(" aria-roledescription=\"movable bar\"");
            }
            m.raw("><title>")
                .text(&item.key)
                .raw(" ")
                .text(&item.title)
                .raw(", ")
                .text(&dates)
                .raw("</title><rect class=\"bar__body\" x=\"")
                .tenths(x)
                .raw("\" y=\"")
                .tenths(y + (ITEM_ROW - BAR_HEIGHT) / 2.0)
                .raw("\" width=\"")
                .tenths(w)
                .raw("\" height=\"")
                .tenths(BAR_HEIGHT)
                .raw("\" rx=\"3\" fill=\"")
                .text(color)
                .raw("\"></rect>");
            if can_edit {
                for (edge, at) in [("start", x), ("end", x + w - 5.0)] {
                    m.raw("<rect class=\"bar__edge\" data-edge=\"")
                        .raw(edge)
                        .raw("\" x=\"")
                        .tenths(at)
                        .raw("\" y=\"")
                        .tenths(y + (ITEM_ROW - BAR_HEIGHT) / 2.0)
                        .raw("\" width=\"5\" height=\"")
                        .tenths(BAR_HEIGHT)
                        .raw("\"></rect>");
                }
            }
            m.raw("<text class=\"bar__label\" x=\"")
                .tenths(x + w + 6.0)
                .raw("\" y=\"")
                .tenths(y + 17.0)
                .raw("\" aria-hidden=\"true\">")
                .text(&item.key)
                .raw(" ")
                .text(&item.title)
                .raw("</text>")
                .raw(if slug.is_some() { "</a>" } else { "</g>" });
            y += ITEM_ROW;
        }
    }
    if (axis.first..axis.end).contains(&today) {
        let x = axis.x(today) + axis.scale.day_width() / 2.0;
        m.raw("<g class=\"timeline__today\" aria-hidden=\"true\"><line x1=\"")
            .tenths(x)
            .raw("\" y1=\"22\" x2=\"")
            .tenths(x)
            .raw("\" y2=\"")
            .tenths(height)
            .raw("\"></line><text x=\"")
            .tenths(x + 3.0)
            .raw("\" y=\"30\">Today</text></g>");
    }
    (m.into_string(), height)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StatusCategory;
    use crate::pages::timeline::tests::item;

    #[test]
    fn bars_are_grouped_and_escaped() {
        let statuses = vec![
            Status {
                id: 1,
                name: "Idea".into(),
                color: "#8a94a6".into(),
                category: StatusCategory::Planned,
            },
            Status {
                id: 2,
                name: "Shipped".into(),
                color: "\"><script>".into(),
                category: StatusCategory::Done,
            },
        ];
        let mut tagged = item("W-2", 2, Some("2026-05-01"), Some("2026-05-10"));
        tagged.tags = vec!["ios".into()];
        let items = vec![item("W-1", 1, Some("2026-04-01"), None), tagged];
        let by_status = groups(&items, &statuses, Grouping::Status);
        assert_eq!(by_status.len(), 2);
        let by_tag = groups(&items, &statuses, Grouping::Tag);
        let names: Vec<&str> = by_tag.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["ios", "No tag"]);

        let today = day_number("2026-04-15").unwrap();
        let axis = Axis::spanning(Scale::Month, [day_number("2026-04-01").unwrap()], today);
        let (html, height) = plot_html(Some("team"), &axis, &by_status, &statuses, today, true);
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("W-2 &lt;b&gt;W-2&lt;/b&gt;, 2026-05-01 to 2026-05-10"));
        assert!(html.contains("data-edge=\"end\""));
        assert!(html.contains("timeline__today"));
        assert_eq!(height, HEADER + 2.0 * GROUP_ROW + 2.0 * ITEM_ROW + 8.0);
        let (read_only, _) = plot_html(Some("team"), &axis, &by_status, &statuses, today, false);
        let (shared, _) = plot_html(None, &axis, &by_status, &statuses, today, false);
        assert!(
            !shared.contains("href=") && shared.contains("<g class=\"bar\""),
            "{shared}"
        );
        assert!(!read_only.contains("data-edge"));
    }
}
