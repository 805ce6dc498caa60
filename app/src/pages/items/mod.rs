//! `/w/:slug/items`: the table of a workspace's items, with the quick-add
//! field, the filter bar and sortable columns. The URL's query holds the
//! filter, the sort and the page, so every view of the table is a link.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::items::{BulkUpdateItems, CreateItem, UpdateItem, load_items};
use crate::components::form::server_action;
use crate::components::form::{FormError, field_error, form_error};
use crate::components::items_view::{FilterOptions, ItemsFrame, items_view};
use crate::components::toast::{Toasts, toast_results};
use crate::components::workspace_frame::{Section, with_workspace};
use crate::error::AppError;
use crate::model::{ItemChoices, ItemPage, ItemQuery, Permission, SortColumn, WorkspaceView};

/// The page's actions and its page of items, owned by the page (see
/// [`ItemsFrame`]).
#[derive(Clone, Copy)]
struct TableData {
    frame: ItemsFrame,
    create: ServerAction<CreateItem>,
    update: ServerAction<UpdateItem>,
    bulk: ServerAction<BulkUpdateItems>,
    page: Resource<Result<ItemPage, AppError>>,
}

mod rows;

#[cfg(feature = "ssr")]
pub(crate) use rows::SharedTable;
use rows::rows_html;

/// The route to [`ItemsPage`], whose code the browser loads on the first visit.
pub struct ItemsRoute;

#[lazy_route]
impl LazyRoute for ItemsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <ItemsPage /> }.into_any()
    }
}

#[component]
pub fn ItemsPage() -> impl IntoView {
    let create = server_action::<CreateItem>();
    let update = server_action::<UpdateItem>();
    let bulk = server_action::<BulkUpdateItems>();
    let frame = ItemsFrame::with_added(Some(create.version()));
    let data = TableData {
        frame,
        create,
        update,
        bulk,
        // Any of the page's saves loads the page again.
        page: frame.load(
            move || create.version().get() + update.version().get() + bulk.version().get(),
            load_items,
        ),
    };
    with_workspace(
        Section::Items,
        move |w: WorkspaceView| view! { <ItemsTable workspace=w data /> },
    )
}

#[component]
fn ItemsTable(workspace: WorkspaceView, data: TableData) -> impl IntoView {
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    let quick_add = can_edit.then(|| view! { <QuickAdd slug=slug.clone() create=data.create /> });
    let (update, bulk) = (data.update, data.bulk);
    view! {
        {quick_add}
        {items_view(data.frame, data.page, |_| FilterOptions::default(), move |page, choices, query| {
            view! { <Table slug=slug.clone() page query choices can_edit update bulk /> }.into_any()
        })}
    }
}

/// One field: type a title, press Enter, type the next.
#[component]
fn QuickAdd(slug: String, create: ServerAction<CreateItem>) -> impl IntoView {
    let value = create.value();
    let input = NodeRef::<leptos::html::Input>::new();
    let live = Toasts::live();
    toast_results(value, |key: &String| Some(format!("Added {key}.")));
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
                    value.get().and_then(Result::ok).filter(|_| !live.get()).map(|key| view! {
                        <p class="notice" role="status">{format!("Added {key}.")}</p>
                    })
                }}
            </ActionForm>
        </section>
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
    bulk: ServerAction<BulkUpdateItems>,
) -> impl IntoView {
    let choices = StoredValue::new(choices);
    let headers = [
        (SortColumn::Key, "Key"),
        (SortColumn::Title, "Title"),
        (SortColumn::Score, "Score"),
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
    let rows = choices.with_value(|c| rows_html(&page.items, &slug, c, can_edit));
    let row_slug = slug.clone();
    // How many rows are ticked; counted in the browser only.
    let selected = RwSignal::new(0usize);
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));
    let recount = move || selected.set(checked_rows().len());
    let archived = query.archived;
    toast_results(update.value(), |_: &i64| Some("Saved.".to_owned()));
    view! {
        <p class="muted small" data-testid="item-count">{count}</p>
        <FormError error=form_error(update.value(), &[]) />
        {(can_edit && !empty).then(|| view! {
            <BulkBar slug=slug.clone() choices archived bulk selected />
        })}
        {if empty {
            view! {
                <p class="empty-state">
                    {if query.is_filtered() {
                        "No item matches this filter. Clear the filter, or search for other words."
                    } else if query.archived {
                        "Nothing is archived."
                    } else {
                        "No items yet. Type a title in the field above and press Enter to add the first."
                    }}
                </p>
            }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="table items-table" aria-describedby="items-table-help">
                        <thead>
                            <tr>
                                {can_edit.then(|| view! {
                                    <th scope="col" class="items-table__select">
                                        {move || hydrated.get().then(|| view! {
                                            <input
                                                type="checkbox"
                                                aria-label="Select every item on this page"
                                                prop:checked={move || { let n = selected.get(); n != 0 && n == row_boxes().len() }}
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    for input in row_boxes() {
                                                        input.set_checked(on);
                                                    }
                                                    recount();
                                                }
                                            />
                                        })}
                                        <span class="visually-hidden">"Select"</span>
                                    </th>
                                })}
                                {headers.into_iter().map(|(column, label)| {
                                    view! { <SortHeader column label query=query.clone() /> }
                                }).collect_view()}
                            </tr>
                        </thead>
                        <tbody
                            inner_html=rows
                            on:keydown=table_keys
                            on:change=move |ev| {
                                save_row_change(&ev, &row_slug, update);
                                recount();
                            }
                        ></tbody>
                    </table>
                </div>
                <p id="items-table-help" class="muted small">
                    "Up and down arrows move between rows; Enter opens the item; ? lists every shortcut."
                </p>
            }.into_any()
        }}
        <nav class="pager" aria-label="Pages">
            {first.map(|href| view! { <a class="button button--quiet" href=href>"First page"</a> })}
            {next.map(|href| view! { <a class="button button--quiet" href=href rel="next">"Next page"</a> })}
        </nav>
    }
}

/// The id of the form the rows' checkboxes belong to.
const BULK_FORM: &str = "bulk-form";

/// The rows' checkboxes (in the browser; none on the server).
fn row_boxes() -> Vec<leptos::web_sys::HtmlInputElement> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let selector = format!("input[type=checkbox][form={BULK_FORM}]");
        let Ok(list) = document().query_selector_all(&selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into().ok())
            .collect()
    }
    #[cfg(not(feature = "hydrate"))]
    Vec::new()
}

fn checked_rows() -> Vec<leptos::web_sys::HtmlInputElement> {
    row_boxes().into_iter().filter(|b| b.checked()).collect()
}

/// Arrow keys move between rows (to the same column's control, or the
/// title); Enter on a row's checkbox opens the item. Selects keep their
/// arrows.
fn table_keys(ev: leptos::ev::KeyboardEvent) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::{Element, HtmlElement, HtmlTableCellElement};

        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if target.tag_name() == "SELECT" {
            return;
        }
        let row = target.closest("tr").ok().flatten();
        let cell = target
            .closest("td")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<HtmlTableCellElement>().ok());
        let (Some(row), Some(cell)) = (row, cell) else {
            return;
        };
        let focusable = |row: &Element, index: u32| -> Option<HtmlElement> {
            let cell = row.children().item(index)?;
            let control = cell
                .query_selector("a, input, select")
                .ok()
                .flatten()
                .or_else(|| row.query_selector(".items-table__title a").ok().flatten())?;
            control.dyn_into().ok()
        };
        match ev.key().as_str() {
            "ArrowDown" | "ArrowUp" => {
                let next = if ev.key() == "ArrowDown" {
                    row.next_element_sibling()
                } else {
                    row.previous_element_sibling()
                };
                if let Some(control) = next.and_then(|r| focusable(&r, cell.cell_index() as u32)) {
                    ev.prevent_default();
                    let _ = control.focus();
                }
            }
            "Enter" if target.tag_name() == "INPUT" => {
                if let Some(link) = row
                    .query_selector(".items-table__title a")
                    .ok()
                    .flatten()
                    .and_then(|l| l.dyn_into::<HtmlElement>().ok())
                {
                    ev.prevent_default();
                    link.click();
                }
            }
            _ => {}
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// What to do with the ticked rows: set a status, archive (or restore),
/// delete after a second click. A plain form: the rows' checkboxes belong
/// to it through their `form` attribute.
#[component]
fn BulkBar(
    slug: String,
    choices: StoredValue<ItemChoices>,
    archived: bool,
    bulk: ServerAction<BulkUpdateItems>,
    selected: RwSignal<usize>,
) -> impl IntoView {
    let value = bulk.value();
    let live = Toasts::live();
    toast_results(value, |n: &usize| {
        Some(match n {
            1 => "1 item changed.".to_owned(),
            n => format!("{n} items changed."),
        })
    });
    // After an action the rows are drawn again, unticked.
    Effect::new(move || {
        if matches!(value.get(), Some(Ok(_))) {
            selected.set(0);
        }
    });
    view! {
        <ActionForm action=bulk attr:id=BULK_FORM attr:class="bulk-bar" attr:aria-label="Change the selected items">
            <input type="hidden" name="slug" value=slug />
            <span class="bulk-bar__count muted small" aria-live="polite">
                {move || match selected.get() {
                    0 => "Tick items to change several at once.".to_owned(),
                    1 => "1 item selected".to_owned(),
                    n => format!("{n} items selected"),
                }}
            </span>
            <label for="bulk-status" class="visually-hidden">"Status for the selected items"</label>
            <select id="bulk-status" name="status">
                <option value="">"Status…"</option>
                {choices.with_value(|c| c.statuses.iter().map(|s| view! {
                    <option value=s.id>{s.name.clone()}</option>
                }).collect_view())}
            </select>
            <button type="submit" class="button button--quiet button--small" name="action" value="status">"Set status"</button>
            {if archived {
                view! { <button type="submit" class="button button--quiet button--small" name="action" value="restore">"Restore"</button> }.into_any()
            } else {
                view! { <button type="submit" class="button button--quiet button--small" name="action" value="archive">"Archive"</button> }.into_any()
            }}
            <details class="confirm">
                <summary class="button button--quiet button--small">"Delete…"</summary>
                <button type="submit" class="button button--danger button--small" name="action" value="delete">
                    "Delete the selected items for good"
                </button>
            </details>
            // The bar has no field of its own to show an error beside.
            <FormError error=form_error(value, &[]) />
            {move || value.get().and_then(Result::ok).filter(|_| !live.get()).map(|n| view! {
                <p class="notice" role="status">
                    {match n { 1 => "1 item changed.".to_owned(), n => format!("{n} items changed.") }}
                </p>
            })}
        </ActionForm>
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

/// With JavaScript a row's status or assignee select saves on change; the
/// row's `data-key` and `data-version` say which item, at which version.
fn save_row_change(ev: &leptos::ev::Event, slug: &str, update: ServerAction<UpdateItem>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::HtmlSelectElement;

        let Some(select) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlSelectElement>().ok())
        else {
            return;
        };
        let Some(row) = select.closest("tr[data-key]").ok().flatten() else {
            return;
        };
        let (Some(key), Some(version)) = (
            row.get_attribute("data-key"),
            row.get_attribute("data-version")
                .and_then(|v| v.parse::<i64>().ok()),
        ) else {
            return;
        };
        let value = Some(select.value());
        let (status, assignee) = match select.name().as_str() {
            "status" => (value, None),
            "assignee" => (None, value),
            _ => return,
        };
        update.dispatch(UpdateItem {
            slug: slug.to_owned(),
            key,
            version,
            fields: crate::model::ItemForm {
                status,
                assignee,
                ..Default::default()
            },
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, slug, update);
}
