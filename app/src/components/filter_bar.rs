//! The filter bar above every view of a workspace's items, and the query
//! it writes into the URL: the filter, the sort and the page, so every view
//! of the items is a link.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_location;

use crate::model::{Horizon, ItemChoices, ItemQuery, SortColumn, query_pairs};

/// The view's query as the URL has it, without the `?`.
pub fn url_params() -> Memo<String> {
    let location = use_location();
    Memo::new(move |_| {
        location
            .search
            .with(|s| s.strip_prefix('?').unwrap_or(s).to_owned())
    })
}

pub fn parse_params(params: &str) -> ItemQuery {
    let pairs = query_pairs(params);
    ItemQuery::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The filter bar: a plain GET form, so it works without JavaScript and
/// every filter ends up in the URL. `keep`: a view's own parameters that
/// the form sends on unchanged (the chart's bubble size). A view whose
/// lanes are the statuses (the board) or the horizons (the roadmap) leaves
/// that filter out: it shows them all.
#[component]
pub fn FilterBar(
    query: ItemQuery,
    choices: ItemChoices,
    #[prop(optional)] keep: Vec<(&'static str, String)>,
    #[prop(optional)] without_status: bool,
    #[prop(optional)] without_horizon: bool,
) -> impl IntoView {
    let sort = (query.sort != SortColumn::default()).then(|| query.sort.as_str());
    let dir = sort.map(|_| if query.descending { "desc" } else { "asc" });
    view! {
        <Form method="GET" action="" attr:class="filter-bar" attr:role="search" attr:aria-label="Filter items">
            <div class="filter-bar__field filter-bar__field--grow">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" name="q" value=query.text.clone() placeholder="Words in title, description or tags" />
            </div>
            <div class="filter-bar__field" hidden=without_status>
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="">"Any"</option>
                    {choices.statuses.iter().map(|s| view! {
                        <option value=s.id selected=query.status == Some(s.id)>{s.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-bar__field">
                <label for="filter-tag">"Tag"</label>
                <select id="filter-tag" name="tag">
                    <option value="">"Any"</option>
                    {choices.tags.iter().map(|t| view! {
                        <option value=t.clone() selected=query.tag.as_ref() == Some(t)>{t.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-bar__field">
                <label for="filter-assignee">"Assignee"</label>
                <select id="filter-assignee" name="assignee">
                    <option value="">"Anyone"</option>
                    <option value="none" selected=query.assignee == Some(0)>"Nobody"</option>
                    {choices.people.iter().map(|p| view! {
                        <option value=p.id selected=query.assignee == Some(p.id)>{p.name.clone()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-bar__field" hidden=without_horizon>
                <label for="filter-horizon">"Horizon"</label>
                <select id="filter-horizon" name="horizon">
                    <option value="">"Any"</option>
                    {Horizon::ALL.iter().map(|h| view! {
                        <option value=h.as_str() selected=query.horizon == Some(*h)>{h.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="filter-bar__field filter-bar__range">
                <legend>"Score"</legend>
                <input type="number" name="score_min" step="any" aria-label="Score at least" placeholder="from" value=query.score_min.map(|b| b.to_string()) />
                " – "
                <input type="number" name="score_max" step="any" aria-label="Score at most" placeholder="to" value=query.score_max.map(|b| b.to_string()) />
            </fieldset>
            <label class="filter-bar__check">
                <input type="checkbox" name="archived" value="1" checked=query.archived />
                " Archived"
            </label>
            {sort.map(|sort| view! { <input type="hidden" name="sort" value=sort /> })}
            {dir.map(|dir| view! { <input type="hidden" name="dir" value=dir /> })}
            {keep.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
            {query.view.map(|id| view! { <input type="hidden" name="view" value=id /> })}
            <button type="submit" class="button button--quiet">"Apply"</button>
            {query.is_filtered().then(|| {
                let clear = query.view.map(|id| format!("?view={id}")).unwrap_or_else(|| "?".to_owned());
                view! { <a class="filter-bar__clear" href=clear>"Clear"</a> }
            })}
        </Form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_url_query() {
        let query = parse_params("q=dark+mode%21&tag=mobile%20app&sort=title&dir=asc&bad=%zz");
        assert_eq!(query.text, "dark mode!");
        assert_eq!(query.tag.as_deref(), Some("mobile app"));
        assert_eq!(query.sort, SortColumn::Title);
        assert!(!query.descending);
        assert_eq!(
            query_pairs("a=%e2%82%ac&b=%ff&c"),
            vec![
                ("a".to_owned(), "€".to_owned()),
                ("c".to_owned(), String::new())
            ]
        );
    }
}
