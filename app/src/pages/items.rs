//! `/w/:slug/items`: the table of a workspace's items, with the quick-add
//! field, the filter bar and sortable columns. The URL's query holds the
//! filter, the sort and the page, so every view of the table is a link.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_location;

use crate::api::items::{CreateItem, UpdateItem, load_item_choices, load_items};
use crate::components::form::{FormError, field_error, form_error};
use crate::error::AppError;
use crate::model::{
    Horizon, ItemChoices, ItemPage, ItemQuery, ItemSummary, Permission, SortColumn, Status,
    WorkspaceView,
};
use crate::pages::guard::error_view;
use crate::pages::workspace::{slug_param, with_workspace};

/// The page's data and actions, owned by the page so that the Suspense
/// around it cannot drop them while they load.
#[derive(Clone, Copy)]
struct TableData {
    create: ServerAction<CreateItem>,
    update: ServerAction<UpdateItem>,
    page: Resource<Result<ItemPage, AppError>>,
    choices: Resource<Result<ItemChoices, AppError>>,
    query: Memo<ItemQuery>,
}

/// The view's query as the URL has it, without the `?`.
pub(crate) fn url_params() -> Memo<String> {
    let location = use_location();
    Memo::new(move |_| {
        location
            .search
            .with(|s| s.strip_prefix('?').unwrap_or(s).to_owned())
    })
}

pub(crate) fn parse_params(params: &str) -> ItemQuery {
    let pairs: Vec<(String, String)> = params
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(name)?, decode(value)?))
        })
        .collect();
    ItemQuery::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// `application/x-www-form-urlencoded` decoding of one name or value.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[component]
pub fn ItemsPage() -> impl IntoView {
    let slug = slug_param();
    let params = url_params();
    let create = ServerAction::<CreateItem>::new();
    let update = ServerAction::<UpdateItem>::new();
    let data = TableData {
        create,
        update,
        page: Resource::new(
            move || {
                (
                    slug.get(),
                    params.get(),
                    create.version().get(),
                    update.version().get(),
                )
            },
            |(slug, params, _, _)| load_items(slug, params),
        ),
        choices: Resource::new(
            move || (slug.get(), create.version().get()),
            |(slug, _)| load_item_choices(slug),
        ),
        query: Memo::new(move |_| parse_params(&params.get())),
    };
    with_workspace(
        "/items",
        move |w: WorkspaceView| view! { <ItemsTable workspace=w data /> },
    )
}

#[component]
fn ItemsTable(workspace: WorkspaceView, data: TableData) -> impl IntoView {
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    view! {
        {can_edit.then(|| view! { <QuickAdd slug=slug.clone() create=data.create /> })}
        <Transition>
            {move || {
                let slug = slug.clone();
                Suspend::new(async move {
                    let choices = match data.choices.await {
                        Ok(choices) => choices,
                        Err(error) => return error_view(error, "/"),
                    };
                    let page = match data.page.await {
                        Ok(page) => page,
                        Err(error) => return error_view(error, "/"),
                    };
                    let query = data.query.get_untracked();
                    view! {
                        {view! { <FilterBar query=query.clone() choices=choices.clone() /> }.into_any()}
                        {view! { <Table slug page query choices can_edit update=data.update /> }.into_any()}
                    }
                    .into_any()
                })
            }}
        </Transition>
    }
}

/// One field: type a title, press Enter, type the next.
#[component]
fn QuickAdd(slug: String, create: ServerAction<CreateItem>) -> impl IntoView {
    let value = create.value();
    let input = NodeRef::<leptos::html::Input>::new();
    // After an item is added the field empties and keeps the focus.
    Effect::new(move || {
        if matches!(value.get(), Some(Ok(_)))
            && let Some(field) = input.get_untracked()
        {
            field.set_value("");
            let _ = field.focus();
        }
    });
    view! {
        <section class="panel quick-add" aria-labelledby="quick-add-heading">
            <h2 id="quick-add-heading" class="visually-hidden">"Add an item"</h2>
            <ActionForm action=create>
                <input type="hidden" name="slug" value=slug />
                <div class="quick-add__row">
                    <label for="quick-add-title" class="visually-hidden">"Title of the new item"</label>
                    <input
                        id="quick-add-title"
                        node_ref=input
                        name="title"
                        type="text"
                        placeholder="Add an item: type a title and press Enter"
                        autocomplete="off"
                        maxlength="200"
                        required
                        aria-invalid=move || field_error(value, "title").get().is_some().then_some("true")
                    />
                    <button type="submit" class="button">"Add"</button>
                </div>
                <FormError error=form_error(value, &[]) />
                {move || {
                    value.get().and_then(Result::ok).map(|key| view! {
                        <p class="notice" role="status">{format!("Added {key}.")}</p>
                    })
                }}
            </ActionForm>
        </section>
    }
}

/// The filter bar: a plain GET form, so it works without JavaScript and
/// every filter ends up in the URL.
#[component]
pub(crate) fn FilterBar(query: ItemQuery, choices: ItemChoices) -> impl IntoView {
    let sort = (query.sort != SortColumn::default()).then(|| query.sort.as_str());
    let dir = sort.map(|_| if query.descending { "desc" } else { "asc" });
    view! {
        <Form method="GET" action="" attr:class="filter-bar" attr:role="search" attr:aria-label="Filter items">
            <div class="filter-bar__field filter-bar__field--grow">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" type="search" name="q" value=query.text.clone() placeholder="Words in title, description or tags" />
            </div>
            <div class="filter-bar__field">
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
            <div class="filter-bar__field">
                <label for="filter-horizon">"Horizon"</label>
                <select id="filter-horizon" name="horizon">
                    <option value="">"Any"</option>
                    {Horizon::ALL.iter().map(|h| view! {
                        <option value=h.as_str() selected=query.horizon == Some(*h)>{h.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <label class="filter-bar__check">
                <input type="checkbox" name="archived" value="1" checked=query.archived />
                " Archived"
            </label>
            {sort.map(|sort| view! { <input type="hidden" name="sort" value=sort /> })}
            {dir.map(|dir| view! { <input type="hidden" name="dir" value=dir /> })}
            <button type="submit" class="button button--quiet">"Apply"</button>
            {query.is_filtered().then(|| view! { <a class="filter-bar__clear" href="?">"Clear"</a> })}
        </Form>
    }
}

#[component]
fn Table(
    slug: String,
    page: ItemPage,
    query: ItemQuery,
    choices: ItemChoices,
    can_edit: bool,
    update: ServerAction<UpdateItem>,
) -> impl IntoView {
    let statuses = StoredValue::new(choices.statuses.clone());
    let headers = [
        (SortColumn::Key, "Key"),
        (SortColumn::Title, "Title"),
        (SortColumn::Status, "Status"),
        (SortColumn::Assignee, "Assignee"),
        (SortColumn::Horizon, "Horizon"),
        (SortColumn::Start, "Start"),
        (SortColumn::End, "End"),
        (SortColumn::Tags, "Tags"),
        (SortColumn::Updated, "Updated"),
    ];
    let count = match page.total {
        1 => "1 item".to_owned(),
        n => format!("{n} items"),
    };
    let next = page.next.clone().map(|after| {
        ItemQuery {
            after: Some(after),
            ..query.clone()
        }
        .to_query_string()
    });
    let first = query.after.is_some().then(|| {
        ItemQuery {
            after: None,
            ..query.clone()
        }
        .to_query_string()
    });
    let empty = page.items.is_empty();
    view! {
        <p class="muted small" data-testid="item-count">{count}</p>
        <FormError error=form_error(update.value(), &[]) />
        {if empty {
            view! {
                <p class="empty-state">
                    {if query.is_filtered() { "No item matches this filter." } else { "No items yet." }}
                </p>
            }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="table items-table">
                        <thead>
                            <tr>
                                {headers.into_iter().map(|(column, label)| {
                                    view! { <SortHeader column label query=query.clone() /> }
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {page.items.into_iter().map(|item| {
                                view! { <ItemRow item slug=slug.clone() statuses can_edit update /> }.into_any()
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <a class="button button--quiet" href=href>"First page"</a> })}
            {next.map(|href| view! { <a class="button button--quiet" href=href rel="next">"Next page"</a> })}
        </nav>
    }
}

/// A column header that sorts by its column, and the other way round when
/// it already does.
#[component]
fn SortHeader(column: SortColumn, label: &'static str, query: ItemQuery) -> impl IntoView {
    let active = query.sort == column;
    let descending = if active {
        !query.descending
    } else {
        column.first_descending()
    };
    let href = ItemQuery {
        sort: column,
        descending,
        after: None,
        ..query.clone()
    }
    .to_query_string();
    let aria_sort = active.then_some(if query.descending {
        "descending"
    } else {
        "ascending"
    });
    let arrow = active.then_some(if query.descending { " ↓" } else { " ↑" });
    view! {
        <th scope="col" aria-sort=aria_sort>
            <a href=if href.is_empty() { "?".to_owned() } else { href }>{label}{arrow}</a>
        </th>
    }
}

fn status_of(statuses: &[Status], id: i64) -> Option<Status> {
    statuses.iter().find(|s| s.id == id).cloned()
}

#[component]
fn ItemRow(
    item: ItemSummary,
    slug: String,
    statuses: StoredValue<Vec<Status>>,
    can_edit: bool,
    update: ServerAction<UpdateItem>,
) -> impl IntoView {
    let href = format!("/w/{slug}/items/{}", item.key);
    let status = statuses.with_value(|list| status_of(list, item.status_id));
    let status_cell = if can_edit {
        let key = item.key.clone();
        let version = item.version;
        let form_slug = slug.clone();
        let dispatch_slug = slug.clone();
        let label = format!("Status of {}", item.key);
        view! {
            <ActionForm action=update attr:class="inline-edit">
                <input type="hidden" name="slug" value=form_slug />
                <input type="hidden" name="key" value=key.clone() />
                <input type="hidden" name="version" value=version />
                <select
                    name="status"
                    aria-label=label
                    on:change=move |ev| {
                        ev.prevent_default();
                        update.dispatch(UpdateItem {
                            slug: dispatch_slug.clone(),
                            key: key.clone(),
                            version,
                            title: None,
                            description: None,
                            status: Some(event_target_value(&ev)),
                            tags: None,
                            assignee: None,
                            start_date: None,
                            end_date: None,
                            horizon: None,
                            archived: None,
                            full: None,
                        });
                    }
                >
                    {statuses.with_value(|list| list.iter().map(|s| view! {
                        <option value=s.id selected=s.id == item.status_id>{s.name.clone()}</option>
                    }).collect_view())}
                </select>
                <noscript><button type="submit" class="button button--quiet button--small">"Save"</button></noscript>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <StatusChip status /> }.into_any()
    };
    let tag_links = item
        .tags
        .iter()
        .map(|tag| {
            let href = ItemQuery {
                tag: Some(tag.clone()),
                ..ItemQuery::from_params([])
            }
            .to_query_string();
            view! { <a class="chip" href=href>{tag.clone()}</a> }
        })
        .collect_view();
    view! {
        <tr data-key=item.key.clone()>
            <td class="items-table__key"><a href=href.clone()>{item.key.clone()}</a></td>
            <td class="items-table__title"><a href=href>{item.title.clone()}</a></td>
            <td>{status_cell}</td>
            <td>{item.assignee.as_ref().map(|p| p.name.clone()).unwrap_or_default()}</td>
            <td>{item.horizon.label()}</td>
            <td>{item.start_date.clone().unwrap_or_default()}</td>
            <td>{item.end_date.clone().unwrap_or_default()}</td>
            <td class="items-table__tags">{tag_links}</td>
            <td class="muted small">{item.updated.clone()}</td>
        </tr>
    }
}

/// A status as a coloured dot and its name.
#[component]
pub fn StatusChip(status: Option<Status>) -> impl IntoView {
    status.map(|s| {
        view! {
            <span class="status-chip">
                // A fill, not a style attribute: the page's CSP allows no
                // inline styles.
                <svg class="status-chip__dot" viewBox="0 0 10 10" aria-hidden="true">
                    <circle cx="5" cy="5" r="5" fill=s.color />
                </svg>
                {s.name}
            </span>
        }
    })
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
        assert_eq!(decode("%e2%82%ac"), Some("€".to_owned()));
        assert_eq!(decode("%ff"), None);
    }
}
