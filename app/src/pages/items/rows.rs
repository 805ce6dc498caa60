//! The table's rows, written as markup (see `components::markup`): a page
//! holds hundreds of them. The editor's rows carry the bulk checkbox and
//! the status and assignee selects; a shared view's rows carry no links
//! and no forms.

#[cfg(feature = "ssr")]
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::BULK_FORM;
use crate::api::items::UpdateItem;
use crate::components::markup::{Markup, Options};
use crate::components::status_chip_html;
#[cfg(feature = "ssr")]
use crate::model::ItemPage;
use crate::model::{ItemChoices, ItemQuery, ItemSummary, Status, show_score};

fn status_of(statuses: &[Status], id: i64) -> Option<&Status> {
    statuses.iter().find(|s| s.id == id)
}

/// The table's rows. For editors each row has a checkbox for bulk actions,
/// and status and assignee selects that save on change (with JavaScript)
/// or with the row's Save button (without); the selects belong to a plain
/// form in the key cell.
/// A mark beside the score cell of an item a formula gives no score, with
/// the reason as its tooltip and for screen readers.
fn no_score_reason(m: &mut Markup, item: &ItemSummary) {
    if let (None, Some(reason)) = (item.score, &item.no_score_reason) {
        m.raw("<span class=\"partly\" title=\"No score: ")
            .text(reason)
            .raw("\">!</span><span class=\"visually-hidden\"> (no score: ")
            .text(reason)
            .raw(")</span>");
    }
}

pub(super) fn rows_html(
    items: &[ItemSummary],
    slug: &str,
    choices: &ItemChoices,
    can_edit: bool,
) -> String {
    let statuses = Options::new(choices.statuses.iter().map(|s| (s.id, s.name.as_str())));
    let people = Options::new(choices.people.iter().map(|p| (p.id, p.name.as_str())));
    let mut m = Markup::with_capacity(items.len() * 1500);
    for (index, item) in items.iter().enumerate() {
        let key = item.key.as_str();
        m.raw("<tr data-key=\"")
            .text(key)
            .raw("\" data-version=\"")
            .number(item.version)
            .raw("\">");
        if can_edit {
            m.raw("<td class=\"items-table__select\"><input type=\"checkbox\" form=\"")
                .raw(BULK_FORM)
                .raw("\" name=\"keys[")
                .number(index as i64)
                .raw("]\" value=\"")
                .text(key)
                .raw("\" aria-label=\"Select ")
                .text(key)
                .raw("\"></td>");
        }
        m.raw("<td class=\"items-table__key\"><a href=\"/w/")
            .text(slug)
            .raw("/items/")
            .text(key)
            .raw("\">")
            .text(key)
            .raw("</a>");
        if can_edit {
            m.raw("<form id=\"row-")
                .text(key)
                .raw("\" method=\"post\" action=\"")
                .text(UpdateItem::url())
                .raw("\" class=\"items-table__row-form\"><input type=\"hidden\" name=\"slug\" value=\"")
                .text(slug)
                .raw("\"><input type=\"hidden\" name=\"key\" value=\"")
                .text(key)
                .raw("\"><input type=\"hidden\" name=\"version\" value=\"")
                .number(item.version)
                .raw("\"><noscript><button type=\"submit\" class=\"button button--quiet button--small\">Save<span class=\"visually-hidden\"> ")
                .text(key)
                .raw("</span></button></noscript></form>");
        }
        m.raw("</td><td class=\"items-table__title\"><a href=\"/w/")
            .text(slug)
            .raw("/items/")
            .text(key)
            .raw("\">")
            .text(&item.title)
            .raw("</a></td><td class=\"items-table__score\">")
            .text(&show_score(item.score));
        if item.partly_rated && item.score.is_some() {
            m.raw("<span class=\"partly\" title=\"Partly rated\">*</span><span class=\"visually-hidden\"> (partly rated)</span>");
        }
        no_score_reason(&mut m, item);
        m.raw("</td><td>");
        let assignee = item.assignee.as_ref().map(|p| p.id);
        if can_edit {
            m.raw("<select name=\"status\" form=\"row-")
                .text(key)
                .raw("\" aria-label=\"Status of ")
                .text(key)
                .raw("\">");
            statuses.write(&mut m, Some(item.status_id));
            m.raw("</select></td><td><select name=\"assignee\" form=\"row-")
                .text(key)
                .raw("\" aria-label=\"Assignee of ")
                .text(key)
                .raw("\"><option value=\"none\"")
                .raw(if assignee.is_none() { " selected" } else { "" })
                .raw(">Nobody</option>");
            people.write(&mut m, assignee);
            m.raw("</select>");
        } else {
            if let Some(status) = status_of(&choices.statuses, item.status_id) {
                status_chip_html(&mut m, status);
            }
            m.raw("</td><td>");
            if let Some(person) = &item.assignee {
                m.text(&person.name);
            }
        }
        m.raw("</td><td>")
            .raw(item.horizon.label())
            .raw("</td><td>")
            .text(item.start_date.as_deref().unwrap_or_default())
            .raw("</td><td>")
            .text(item.end_date.as_deref().unwrap_or_default())
            .raw("</td><td class=\"items-table__tags\">");
        for tag in &item.tags {
            let href = ItemQuery {
                tag: Some(tag.clone()),
                ..ItemQuery::from_params([])
            }
            .to_query_string();
            m.raw("<a class=\"chip\" href=\"")
                .text(&href)
                .raw("\">")
                .text(tag)
                .raw("</a>");
        }
        m.raw("</td><td class=\"muted small\">")
            .text(&item.updated)
            .raw("</td></tr>");
    }
    m.into_string()
}

/// The table as a shared view shows it: no links, no edits; the
/// assignee column only if the link shows names. `next`: the address of
/// the next page, if there is one.
#[cfg(feature = "ssr")]
#[component]
pub(crate) fn SharedTable(
    page: ItemPage,
    statuses: Vec<Status>,
    show_names: bool,
    next: Option<String>,
) -> impl IntoView {
    let mut m = Markup::with_capacity(page.items.len() * 600);
    for item in &page.items {
        m.raw("<tr><td class=\"items-table__key\">")
            .text(&item.key)
            .raw("</td><td class=\"items-table__title\">")
            .text(&item.title)
            .raw("</td><td class=\"items-table__score\">")
            .text(&show_score(item.score));
        no_score_reason(&mut m, item);
        m.raw("</td><td>");
        if let Some(status) = statuses.iter().find(|s| s.id == item.status_id) {
            status_chip_html(&mut m, status);
        }
        m.raw("</td>");
        if show_names {
            m.raw("<td>")
                .text(item.assignee.as_ref().map_or("", |p| p.name.as_str()))
                .raw("</td>");
        }
        m.raw("<td>")
            .text(item.horizon.label())
            .raw("</td><td>")
            .text(item.start_date.as_deref().unwrap_or(""))
            .raw("</td><td>")
            .text(item.end_date.as_deref().unwrap_or(""))
            .raw("</td><td>");
        for tag in &item.tags {
            m.raw("<span class=\"chip\">").text(tag).raw("</span> ");
        }
        m.raw("</td></tr>");
    }
    let shown = page.items.len();
    let summary = match page.total {
        0 => "No item matches this view.".to_owned(),
        total if total as usize > shown => format!("{shown} of {total} items."),
        total => format!("{total} {}.", if total == 1 { "item" } else { "items" }),
    };
    view! {
        <p class="muted" data-testid="table-summary">{summary}</p>
        <div class="table-scroll">
            <table class="items-table" data-testid="items-table">
                <thead>
                    <tr>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Title"</th>
                        <th scope="col">"Score"</th>
                        <th scope="col">"Status"</th>
                        {show_names.then(|| view! { <th scope="col">"Assignee"</th> })}
                        <th scope="col">"Horizon"</th>
                        <th scope="col">"Start"</th>
                        <th scope="col">"End"</th>
                        <th scope="col">"Tags"</th>
                    </tr>
                </thead>
                <tbody inner_html=m.into_string()></tbody>
            </table>
        </div>
        {next.map(|href| view! { <p><a href=href>"Next page"</a></p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Horizon;

    fn choices() -> ItemChoices {
        ItemChoices {
            statuses: vec![
                Status {
                    id: 1,
                    name: "Idea".into(),
                    color: "#888888".into(),
                    category: crate::model::StatusCategory::Planned,
                },
                Status {
                    id: 2,
                    name: "<b>Done</b>".into(),
                    color: "\"><script>".into(),
                    category: crate::model::StatusCategory::Done,
                },
            ],
            people: vec![crate::model::Person {
                id: 7,
                name: "Bo & Co".into(),
            }],
            tags: vec![],
        }
    }

    fn item() -> ItemSummary {
        ItemSummary {
            key: "WAY-3".into(),
            title: "<img src=x onerror=alert(1)>".into(),
            status_id: 2,
            assignee: Some(crate::model::Person {
                id: 7,
                name: "Bo & Co".into(),
            }),
            horizon: Horizon::Next,
            start_date: Some("2026-01-02".into()),
            end_date: None,
            tags: vec!["a\"b".into()],
            archived: false,
            version: 4,
            updated: "today".into(),
            updated_ms: 0,
            score: Some(72.5),
            partly_rated: true,
            no_score_reason: None,
        }
    }

    #[test]
    fn a_row_escapes_what_people_typed() {
        let html = rows_html(&[item()], "team", &choices(), true);
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("<option selected value=\"2\">&lt;b&gt;Done&lt;/b&gt;</option>"));
        assert!(html.contains("<option selected value=\"7\">Bo &amp; Co</option>"));
        assert!(html.contains("data-key=\"WAY-3\" data-version=\"4\""));
        assert!(html.contains("name=\"keys[0]\""));
        assert!(html.contains(">a&quot;b</a>"));
        // One row, one of each cell.
        assert_eq!(html.matches("<tr ").count(), 1);
        assert_eq!(html.matches("<td").count(), 11);
        assert!(
            html.contains("items-table__score\">72.5<span class=\"partly\""),
            "{html}"
        );

        let read_only = rows_html(&[item()], "team", &choices(), false);
        assert!(!read_only.contains("<select"));
        assert!(!read_only.contains("<script>"), "{read_only}");
        assert!(read_only.contains("fill=\"&quot;&gt;&lt;script&gt;\""));
        assert_eq!(read_only.matches("<td").count(), 10);
    }
}
