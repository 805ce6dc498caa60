//! `/w/:slug/board`: a column per status, whose cards move as
//! `components::lanes` moves them; without JavaScript, by each card's
//! status select. If the server refuses a move, the board reloads to where
//! the server has the card and says why.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::items::{MoveItem, load_board};
use crate::components::StatusDot;
use crate::components::form::{FormError, form_error};
use crate::components::items_view::{FilterOptions, items_view};
use crate::components::lanes::{CardForm, Landed, Lane, LanesPage, MovableCards, cards_html};
use crate::components::markup::Options;
use crate::components::toast::toast_results;
use crate::components::workspace_frame::{Section, with_workspace};
use crate::model::{BoardColumn, ItemSummary, Permission, WorkspaceView};

/// The board's data: its columns, moved by `MoveItem`.
type BoardData = LanesPage<MoveItem, BoardColumn>;

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
    let data = BoardData::new(load_board);
    with_workspace(
        Section::Board,
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
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    let (moved, focused) = (data.moved, data.focused);
    // The card shows where it went at once; a refusal also says why.
    toast_results(moved.value(), |_: &i64| None);
    let without_status = |_: &Vec<BoardColumn>| FilterOptions {
        without_status: true,
        ..FilterOptions::default()
    };
    view! {
        <FormError error=form_error(moved.value(), &[]) />
        {items_view(data.frame, data.lanes, without_status, move |columns, _, _| {
            view! { <Columns slug=slug.clone() columns can_edit moved focused /> }.into_any()
        })}
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
                            <StatusDot color=column.status.color.clone() />
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
                            <StatusDot color=column.status.color.clone() />
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
