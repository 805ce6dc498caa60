//! `/w/:slug/board`: a column per status. Cards move by drag and drop, by
//! keyboard (Alt + arrows) or, without JavaScript, by each card's status
//! select. A move shows at once and is then sent; if the server refuses it,
//! the board reloads to where the server has the card and says why.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::items::{MoveItem, load_board, load_item_choices};
use crate::components::form::{FormError, form_error};
use crate::components::markup::{Markup, Options};
use crate::components::toast::toast_results;
use crate::components::{Loading, PendingTransition};
use crate::error::AppError;
use crate::model::{
    BoardColumn, ItemChoices, ItemQuery, ItemSummary, Permission, WorkspaceView, show_score,
};
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
    let moved = ServerAction::<MoveItem>::new();
    let data = BoardData {
        moved,
        board: Resource::new(
            move || (slug.get(), params.get(), moved.version().get()),
            |(slug, params, _)| load_board(slug, params),
        ),
        choices: Resource::new(move || slug.get(), load_item_choices),
        query: Memo::new(move |_| parse_params(&params.get())),
        pending: RwSignal::new(false),
    };
    with_workspace(
        "/board",
        move |w: WorkspaceView| view! { <Board workspace=w data /> },
    )
}

/// A card being moved: from where to where, by key.
#[derive(Clone, Debug, PartialEq)]
struct Move {
    key: String,
    status_id: i64,
    /// The position in the target column, counted without the card.
    index: usize,
}

/// Where a card landed: the card, the cards it now sits between (for the
/// server) and its place in the column, from 0.
type Landed = (ItemSummary, Option<String>, Option<String>, usize);

/// Moves the card in the local copy of the board.
fn apply(columns: &mut [BoardColumn], m: &Move) -> Option<Landed> {
    let (from, at) = columns.iter().enumerate().find_map(|(c, column)| {
        column
            .items
            .iter()
            .position(|i| i.key == m.key)
            .map(|at| (c, at))
    })?;
    let to = columns.iter().position(|c| c.status.id == m.status_id)?;
    let mut card = columns[from].items.remove(at);
    columns[from].total -= 1;
    card.status_id = m.status_id;
    let target = &mut columns[to];
    let index = m.index.min(target.items.len());
    let after = index
        .checked_sub(1)
        .and_then(|i| target.items.get(i))
        .map(|i| i.key.clone());
    let before = target.items.get(index).map(|i| i.key.clone());
    target.items.insert(index, card.clone());
    target.total += 1;
    Some((card, after, before, index))
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
                Suspend::new(async move {
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
                        {view! { <FilterBar query choices /> }.into_any()}
                        {view! { <Columns slug columns can_edit moved=data.moved /> }.into_any()}
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
) -> impl IntoView {
    let columns = RwSignal::new(columns);
    let dragging = RwSignal::new(None::<String>);
    let announcement = RwSignal::new(String::new());
    let focus_after = RwSignal::new(None::<String>);
    let slug = StoredValue::new(slug);

    // Shows the move at once, then sends it; the board reloads with the
    // server's answer either way (`moved.version()` is the board's source).
    let send = move |m: Move| {
        let mut result = None;
        columns.update(|cols| result = apply(cols, &m));
        let Some((card, after, before, index)) = result else {
            return;
        };
        let column = columns.with_untracked(|cols| {
            cols.iter()
                .find(|c| c.status.id == m.status_id)
                .map(|c| c.status.name.clone())
                .unwrap_or_default()
        });
        announcement.set(format!(
            "{} moved to {column}, position {}.",
            card.key,
            index + 1
        ));
        moved.dispatch(MoveItem {
            slug: slug.get_value(),
            key: card.key,
            version: card.version,
            status: m.status_id.to_string(),
            after,
            before,
        });
    };

    // After a keyboard move the board redraws; keep the focus on the card.
    Effect::new(move || {
        columns.track();
        if let Some(key) = focus_after.get_untracked() {
            focus_card(&key);
        }
    });

    let keyboard_move = move |key: String, ev: leptos::ev::KeyboardEvent| {
        if !ev.alt_key() {
            return;
        }
        let target = columns.with_untracked(|cols| {
            let c = cols
                .iter()
                .position(|c| c.items.iter().any(|i| i.key == key))?;
            let at = cols[c].items.iter().position(|i| i.key == key)?;
            match ev.key().as_str() {
                "ArrowUp" if at > 0 => Some((cols[c].status.id, at - 1)),
                "ArrowDown" if at + 1 < cols[c].items.len() => Some((cols[c].status.id, at + 1)),
                "ArrowLeft" if c > 0 => Some((cols[c - 1].status.id, 0)),
                "ArrowRight" if c + 1 < cols.len() => Some((cols[c + 1].status.id, 0)),
                _ => None,
            }
        });
        if let Some((status_id, index)) = target {
            ev.prevent_default();
            focus_after.set(Some(key.clone()));
            send(Move {
                key,
                status_id,
                index,
            });
        }
    };

    view! {
        <p class="visually-hidden" role="status" aria-live="polite">{move || announcement.get()}</p>
        {can_edit.then(|| view! {
            <p class="muted small board-help">"Drag cards between columns, or focus a card and press Alt + arrow keys."</p>
        })}
        <div
            class="board"
            data-testid="board"
            on:dragstart=move |ev| {
                if let Some((key, ..)) = card_of(&ev) {
                    if let Some(transfer) = ev.data_transfer() {
                        let _ = transfer.set_data("text/plain", &key);
                    }
                    dragging.set(Some(key));
                }
            }
            on:dragend=move |_| dragging.set(None)
            on:dragover=move |ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                let Some(moving) = dragging.get_untracked() else { return };
                dragging.set(None);
                let Some(status_id) = column_of(&ev) else { return };
                // Dropped on a card: it goes above that card (in its own
                // column, cards below it shift up by one); elsewhere in a
                // column, at its end.
                let index = match card_of(&ev) {
                    Some((_, _, index)) => {
                        let own_above = columns.with_untracked(|cols| {
                            cols.iter().find(|c| c.status.id == status_id).is_some_and(|c| {
                                c.items.iter().position(|i| i.key == moving).is_some_and(|p| p < index)
                            })
                        });
                        if own_above { index - 1 } else { index }
                    }
                    None => usize::MAX,
                };
                send(Move { key: moving, status_id, index });
            }
            on:keydown=move |ev| {
                if let Some((key, ..)) = card_of(&ev) {
                    keyboard_move(key, ev);
                }
            }
            on:change=move |ev| {
                // A card's status select (the form it is in posts without
                // JavaScript).
                if let Some((key, version, _)) = card_of(&ev) {
                    moved.dispatch(MoveItem {
                        slug: slug.get_value(),
                        key,
                        version,
                        status: event_target_value(&ev),
                        after: None,
                        before: None,
                    });
                }
            }
        >
            {move || columns.get().into_iter().map(|column| {
                let status_id = column.status.id;
                let count = column.items.len();
                let more = column.total - count as i64;
                let name = column.status.name.clone();
                let statuses = columns.with_untracked(|cols| {
                    Options::new(cols.iter().map(|c| (c.status.id, c.status.name.as_str())))
                });
                view! {
                    <section class="board-column" aria-label=name.clone() data-status=status_id>
                        <h2 class="board-column__title">
                            <svg class="status-chip__dot" viewBox="0 0 10 10" aria-hidden="true">
                                <circle cx="5" cy="5" r="5" fill=column.status.color.clone() />
                            </svg>
                            {name.clone()}
                            <span class="muted small">{format!(" {}", column.total)}</span>
                        </h2>
                        <ol class="board-column__cards" inner_html=cards_html(&column.items, &slug.get_value(), &statuses, can_edit)></ol>
                        {(more > 0).then(|| view! {
                            <a class="board-column__more" href=format!("/w/{}/items?status={status_id}", slug.get_value())>
                                {format!("{more} more in the table")}
                            </a>
                        })}
                        {(count == 0).then(|| view! { <p class="muted small board-column__empty">"No items"</p> })}
                    </section>
                }
            }).collect_view()}
        </div>
    }
}

fn focus_card(key: &str) {
    use leptos::wasm_bindgen::JsCast;

    let selector = format!(".card[data-key=\"{key}\"]");
    if let Ok(Some(element)) = document().query_selector(&selector)
        && let Ok(element) = element.dyn_into::<leptos::web_sys::HtmlElement>()
    {
        let _ = element.focus();
    }
}

/// The card an event happened in: its key, its version and its place in
/// its column.
fn card_of(ev: &leptos::ev::Event) -> Option<(String, i64, usize)> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        let target: Element = ev.target()?.dyn_into().ok()?;
        let card = target.closest(".card[data-key]").ok()??;
        let key = card.get_attribute("data-key")?;
        let version = card.get_attribute("data-version")?.parse().ok()?;
        let mut index = 0;
        let mut before = card.previous_element_sibling();
        while let Some(sibling) = before {
            index += 1;
            before = sibling.previous_element_sibling();
        }
        Some((key, version, index))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// The status of the column an event happened in.
fn column_of(ev: &leptos::ev::Event) -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        let target: Element = ev.target()?.dyn_into().ok()?;
        let column = target.closest(".board-column[data-status]").ok()??;
        column.get_attribute("data-status")?.parse().ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// A column's cards: key, title, tags, assignee; for editors, a status
/// select in a plain form that posts without JavaScript (with it, the
/// board's change handler moves the card instead).
fn cards_html(items: &[ItemSummary], slug: &str, statuses: &Options, can_edit: bool) -> String {
    let mut m = Markup::with_capacity(items.len() * 900);
    for item in items {
        let key = item.key.as_str();
        m.raw("<li class=\"card\" data-key=\"")
            .text(key)
            .raw("\" data-version=\"")
            .number(item.version)
            .raw("\"");
        if can_edit {
            m.raw(" tabindex=\"0\" draggable=\"true\" aria-roledescription=\"movable card\"");
        }
        m.raw("><p class=\"card__key muted small\">").text(key);
        if item.score.is_some() {
            m.raw(" · score <span class=\"card__score\">")
                .text(&show_score(item.score))
                .raw("</span>");
        }
        m.raw("</p><a class=\"card__title\" href=\"/w/")
            .text(slug)
            .raw("/items/")
            .text(key)
            .raw("\" draggable=\"false\">")
            .text(&item.title)
            .raw("</a>");
        if !item.tags.is_empty() {
            m.raw("<p class=\"card__tags\">");
            for tag in &item.tags {
                m.raw("<span class=\"chip\">").text(tag).raw("</span>");
            }
            m.raw("</p>");
        }
        if let Some(person) = &item.assignee {
            m.raw("<p class=\"card__assignee muted small\">")
                .text(&person.name)
                .raw("</p>");
        }
        if can_edit {
            m.raw("<form method=\"post\" action=\"")
                .text(MoveItem::url())
                .raw("\" class=\"card__move\"><input type=\"hidden\" name=\"slug\" value=\"")
                .text(slug)
                .raw("\"><input type=\"hidden\" name=\"key\" value=\"")
                .text(key)
                .raw("\"><input type=\"hidden\" name=\"version\" value=\"")
                .number(item.version)
                .raw("\"><select name=\"status\" aria-label=\"Status of ")
                .text(key)
                .raw("\">");
            statuses.write(&mut m, Some(item.status_id));
            m.raw("</select><noscript><button type=\"submit\" class=\"button button--quiet button--small\">Move</button></noscript></form>");
        }
        m.raw("</li>");
    }
    m.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Horizon, Status, StatusCategory};

    fn card(key: &str, status_id: i64) -> ItemSummary {
        ItemSummary {
            key: key.into(),
            title: key.into(),
            status_id,
            assignee: None,
            horizon: Horizon::Unplanned,
            start_date: None,
            end_date: None,
            tags: vec![],
            archived: false,
            version: 1,
            updated: String::new(),
            score: None,
            partly_rated: false,
        }
    }

    fn column(id: i64, keys: &[&str]) -> BoardColumn {
        BoardColumn {
            status: Status {
                id,
                name: format!("S{id}"),
                color: "#000000".into(),
                category: StatusCategory::Planned,
            },
            items: keys.iter().map(|k| card(k, id)).collect(),
            total: keys.len() as i64,
        }
    }

    #[test]
    fn a_card_escapes_what_people_typed() {
        let mut item = card("WAY-9", 2);
        item.title = "</li><script>alert(1)</script>".into();
        item.tags = vec!["<i>".into()];
        let statuses = Options::new([(1, "Idea"), (2, "Done")].into_iter());
        let html = cards_html(&[item.clone()], "team", &statuses, true);
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<span class=\"chip\">&lt;i&gt;</span>"));
        assert!(html.contains("<option selected value=\"2\">Done</option>"));
        assert!(html.contains("draggable=\"true\""));
        let read_only = cards_html(&[item], "team", &statuses, false);
        assert!(!read_only.contains("<select") && !read_only.contains("draggable=\"true\""));
    }

    #[test]
    fn a_move_reports_its_new_neighbours() {
        let mut board = vec![column(1, &["A-1", "A-2", "A-3"]), column(2, &["A-4"])];
        let (card, after, before, _) = apply(
            &mut board,
            &Move {
                key: "A-1".into(),
                status_id: 2,
                index: 1,
            },
        )
        .unwrap();
        assert_eq!(card.status_id, 2);
        assert_eq!((after.as_deref(), before), (Some("A-4"), None));
        assert_eq!(board[0].total, 2);
        assert_eq!(board[1].items.len(), 2);

        let (_, after, before, at) = apply(
            &mut board,
            &Move {
                key: "A-3".into(),
                status_id: 1,
                index: 0,
            },
        )
        .unwrap();
        assert_eq!((after, before.as_deref(), at), (None, Some("A-2"), 0));
        assert_eq!(board[0].items[0].key, "A-3");
        assert!(
            apply(
                &mut board,
                &Move {
                    key: "A-9".into(),
                    status_id: 1,
                    index: 0
                }
            )
            .is_none()
        );
    }
}
