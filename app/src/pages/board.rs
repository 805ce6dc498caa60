//! `/w/:slug/board`: a column per status, whose cards move as
//! `components::lanes` moves them; without JavaScript, by each card's
//! status select. If the server refuses a move, the board reloads to where
//! the server has the card and says why.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::items::{MoveItem, load_board, load_item_choices};
use crate::components::form::server_action;
use crate::components::form::{FormError, form_error};
use crate::components::lanes::{CardForm, Landed, Lane, MovableCards, cards_html};
use crate::components::live::LiveUpdates;
use crate::components::markup::Options;
use crate::components::suspend;
use crate::components::toast::toast_results;
use crate::components::{Loading, PendingTransition};
use crate::error::AppError;
use crate::model::{BoardColumn, ItemChoices, ItemQuery, ItemSummary, Permission, WorkspaceView};
use crate::pages::guard::error_view;
use crate::pages::items::{FilterBar, parse_params, url_params};
use crate::pages::workspace::{slug_param, with_workspace};

#[derive(Clone, Copy)]
struct BoardData {
    moved: ServerAction<MoveItem>,
    board: Resource<Result<Vec<BoardColumn>, AppError>>,
    choices: Resource<Result<ItemChoices, AppError>>,
    query: Memo<ItemQuery>,
    /// Set by the `<Transition>`, read by `<Loading>`; made with the page
    /// for the reason `TableData::pending` gives.
    pending: RwSignal<bool>,
    /// The card a keyboard move keeps the focus on.
    focused: RwSignal<Option<String>>,
}

/// The route to [`BoardPage`], whose code the browser loads on the first visit.
pub struct BoardRoute;

#[lazy_route]
impl LazyRoute for BoardRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <BoardPage /> }.into_any()
    }
}

#[component]
pub fn BoardPage() -> impl IntoView {
    let slug = slug_param();
    let params = url_params();
    let moved = server_action::<MoveItem>();
    let live = LiveUpdates::listen(slug);
    let data = BoardData {
        moved,
        board: Resource::new(
            move || {
                (
                    slug.get(),
                    params.get(),
                    moved.version().get(),
                    live.changes(),
                )
            },
            |(slug, params, ..)| load_board(slug, params),
        ),
        choices: Resource::new(
            move || (slug.get(), live.changes()),
            |(slug, _)| load_item_choices(slug),
        ),
        query: Memo::new(move |_| parse_params(&params.get())),
        pending: RwSignal::new(false),
        focused: RwSignal::new(None),
    };
    with_workspace(
        "/board",
        move |w: WorkspaceView| view! { <Board workspace=w data /> },
    )
}

impl Lane for BoardColumn {
    type Id = i64;

    fn id(&self) -> i64 {
        self.status.id
    }

    fn name(&self) -> String {
        self.status.name.clone()
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
        card.status_id = self.status.id;
    }
}

#[component]
fn Board(workspace: WorkspaceView, data: BoardData) -> impl IntoView {
    let pending = data.pending;
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    // The card shows where it went at once; a refusal also says why.
    toast_results(data.moved.value(), |_: &i64| None);
    view! {
        <FormError error=form_error(data.moved.value(), &[]) />
        <Loading pending />
        <PendingTransition pending>
            {move || {
                let slug = slug.clone();
                suspend(async move {
                    let choices = match data.choices.await {
                        Ok(choices) => choices,
                        Err(error) => return error_view(error, "/"),
                    };
                    let columns = match data.board.await {
                        Ok(columns) => columns,
                        Err(error) => return error_view(error, "/"),
                    };
                    let query = data.query.get_untracked();
                    view! {
                        {view! { <FilterBar query choices without_status=true /> }.into_any()}
                        {view! { <Columns slug columns can_edit moved=data.moved focused=data.focused /> }.into_any()}
                    }
                    .into_any()
                })
            }}
        </PendingTransition>
    }
}

#[component]
fn Columns(
    slug: String,
    columns: Vec<BoardColumn>,
    can_edit: bool,
    moved: ServerAction<MoveItem>,
    focused: RwSignal<Option<String>>,
) -> impl IntoView {
    let columns = RwSignal::new(columns);
    let slug = StoredValue::new(slug);
    let send = Callback::new(move |landed: Landed<i64>| {
        moved.dispatch(MoveItem {
            slug: slug.get_value(),
            key: landed.card.key,
            version: landed.card.version,
            status: landed.lane.to_string(),
            after: landed.after,
            before: landed.before,
        });
    });
    let select = Callback::new(move |(key, version, status): (String, i64, String)| {
        moved.dispatch(MoveItem {
            slug: slug.get_value(),
            key,
            version,
            status,
            after: None,
            before: None,
        });
    });

    view! {
        {can_edit.then(|| view! {
            <p class="muted small board-help">"Drag cards between columns, or focus a card and press Alt + arrow keys."</p>
        })}
        <MovableCards lanes=columns focused class="board" testid="board" send select>
            {move || columns.get().into_iter().map(|column| {
                let status_id = column.status.id;
                let count = column.items.len();
                let more = column.total - count as i64;
                let name = column.status.name.clone();
                let statuses = columns.with_untracked(|cols| {
                    Options::new(cols.iter().map(|c| (c.status.id, c.status.name.as_str())))
                });
                let form = CardForm {
                    action: MoveItem::url(),
                    field: "status",
                    label: "Status",
                    options: &statuses,
                    current: |item| item.status_id,
                };
                let cards = cards_html(&column.items, Some(&slug.get_value()), None, can_edit, can_edit.then_some(&form));
                view! {
                    <section class="board-column" aria-label=name.clone() data-lane=status_id>
                        <h2 class="board-column__title">
                            <svg class="status-chip__dot" viewBox="0 0 10 10" aria-hidden="true">
                                <circle cx="5" cy="5" r="5" fill=column.status.color.clone() />
                            </svg>
                            {name.clone()}
                            <span class="muted small">{format!(" {}", column.total)}</span>
                        </h2>
                        <ol class="board-column__cards" inner_html=cards></ol>
                        {(more > 0).then(|| view! {
                            <a class="board-column__more" href=format!("/w/{}/items?status={status_id}", slug.get_value())>
                                {format!("{more} more in the table")}
                            </a>
                        })}
                        {(count == 0).then(|| view! { <p class="muted small board-column__empty">"No items"</p> })}
                    </section>
                }
            }).collect_view()}
        </MovableCards>
    }
}

/// The board as a shared view shows it: the columns and their cards,
/// without links, forms or moves.
#[cfg(feature = "ssr")]
#[component]
pub(crate) fn SharedBoard(columns: Vec<BoardColumn>) -> impl IntoView {
    view! {
        <div class="board" data-testid="board">
            {columns.into_iter().map(|column| {
                let more = column.total - column.items.len() as i64;
                let cards = cards_html(&column.items, None, None, false, None);
                let empty = column.items.is_empty();
                view! {
                    <section class="board-column" aria-label=column.status.name.clone()>
                        <h2 class="board-column__title">
                            <svg class="status-chip__dot" viewBox="0 0 10 10" aria-hidden="true">
                                <circle cx="5" cy="5" r="5" fill=column.status.color.clone() />
                            </svg>
                            {column.status.name.clone()}
                            <span class="muted small">{format!(" {}", column.total)}</span>
                        </h2>
                        <ol class="board-column__cards" inner_html=cards></ol>
                        {(more > 0).then(|| view! { <p class="muted small">{format!("and {more} more")}</p> })}
                        {empty.then(|| view! { <p class="muted small board-column__empty">"No items"</p> })}
                    </section>
                }
            }).collect_view()}
        </div>
    }
}
