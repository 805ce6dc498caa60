//! Cards in lanes that people reorder: the board's status columns and the
//! roadmap's horizon lanes. Cards move by drag and drop, by keyboard (Alt +
//! arrows) or, without JavaScript, by each card's select in a plain form.
//! A move shows at once and is then sent; the page reloads the lanes with
//! the server's answer either way, so a refused move ends where the server
//! has the card.

use std::future::Future;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::FromServerFnError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::components::form::server_action;
use crate::components::items_view::ItemsFrame;
use crate::components::markup::{Markup, Options};
use crate::components::status_dot_html;
use crate::error::AppError;
use crate::model::{ItemSummary, Status, show_score};

/// A list of cards in the order people gave them.
pub trait Lane: Clone + Send + Sync + 'static {
    /// What tells lanes apart, as written in the page's `data-lane`.
    type Id: Copy + PartialEq + ToString + std::str::FromStr + Send + Sync + 'static;

    fn id(&self) -> Self::Id;
    /// What people call it, for the announcement of a move.
    fn name(&self) -> String;
    fn cards(&self) -> &[ItemSummary];
    fn cards_mut(&mut self) -> &mut Vec<ItemSummary>;
    /// How many cards it holds in all (more than it shows when it is long).
    fn total_mut(&mut self) -> &mut i64;
    /// Makes a card one of this lane's.
    fn receive(&self, card: &mut ItemSummary);
}

/// A card being moved: which, into which lane, and to which place there
/// (counted without the card).
#[derive(Clone, Debug, PartialEq)]
pub struct Move<Id> {
    pub key: String,
    pub lane: Id,
    pub index: usize,
}

/// Where a card landed: the card as it now is, its lane, the cards it now
/// sits between (for the server) and its place in the lane, from 0.
#[derive(Clone, Debug, PartialEq)]
pub struct Landed<Id> {
    pub card: ItemSummary,
    pub lane: Id,
    pub after: Option<String>,
    pub before: Option<String>,
    pub index: usize,
}

/// What a page of movable lanes owns (the board, the roadmap), made by the
/// page outside any `<Suspense>` (see [`ItemsFrame`]): the frame of the
/// item views, the move action `A`, the lanes, loaded again after each
/// move, and the card a keyboard move keeps the focus on.
pub struct LanesPage<A, L>
where
    A: ServerFn + 'static,
    A::Output: 'static,
    L: Send + Sync + 'static,
{
    pub frame: ItemsFrame,
    pub moved: ServerAction<A>,
    pub lanes: Resource<Result<Vec<L>, AppError>>,
    pub focused: RwSignal<Option<String>>,
}

impl<A, L> LanesPage<A, L>
where
    A: ServerFn + Clone + Send + Sync + 'static,
    A::Output: Send + Sync + 'static,
    A::Error: FromServerFnError + Send + Sync + 'static,
    L: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    /// `load` fetches the lanes from the slug and the URL's query.
    pub fn new<Fut>(load: impl Fn(String, String) -> Fut + Send + Sync + 'static) -> Self
    where
        Fut: Future<Output = Result<Vec<L>, AppError>> + Send + 'static,
    {
        let moved = server_action::<A>();
        let frame = ItemsFrame::new();
        Self {
            frame,
            moved,
            lanes: frame.load(move || moved.version().get(), load),
            focused: RwSignal::new(None),
        }
    }
}

impl<A, L> Clone for LanesPage<A, L>
where
    A: ServerFn + 'static,
    A::Output: 'static,
    L: Send + Sync + 'static,
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<A, L> Copy for LanesPage<A, L>
where
    A: ServerFn + 'static,
    A::Output: 'static,
    L: Send + Sync + 'static,
{
}

/// Moves the card in the local copy of the lanes.
pub fn apply<L: Lane>(lanes: &mut [L], m: &Move<L::Id>) -> Option<Landed<L::Id>> {
    let (from, at) = lanes.iter().enumerate().find_map(|(l, lane)| {
        lane.cards()
            .iter()
            .position(|i| i.key == m.key)
            .map(|at| (l, at))
    })?;
    let to = lanes.iter().position(|l| l.id() == m.lane)?;
    let mut card = lanes[from].cards_mut().remove(at);
    *lanes[from].total_mut() -= 1;
    lanes[to].receive(&mut card);
    let target = &mut lanes[to];
    let index = m.index.min(target.cards().len());
    let after = index
        .checked_sub(1)
        .and_then(|i| target.cards().get(i))
        .map(|i| i.key.clone());
    let before = target.cards().get(index).map(|i| i.key.clone());
    target.cards_mut().insert(index, card.clone());
    *target.total_mut() += 1;
    Some(Landed {
        card,
        lane: m.lane,
        after,
        before,
        index,
    })
}

/// The container of a page's lanes. Its children draw the lanes from
/// `lanes`, each an element with `data-lane` holding its id and cards
/// written by [`cards_html`]. `send` gets each move once the page shows it;
/// `select` gets a card's select change (key, version, chosen value).
/// `focused` is the card a keyboard move keeps the focus on: the page owns
/// it, since the lanes are drawn anew with the server's answer.
#[component]
pub fn MovableCards<L: Lane>(
    lanes: RwSignal<Vec<L>>,
    focused: RwSignal<Option<String>>,
    class: &'static str,
    testid: &'static str,
    send: Callback<Landed<L::Id>>,
    select: Callback<(String, i64, String)>,
    children: Children,
) -> impl IntoView {
    let dragging = RwSignal::new(None::<String>);
    let announcement = RwSignal::new(String::new());
    let focus_after = focused;

    let show_and_send = move |m: Move<L::Id>| {
        let mut landed = None;
        lanes.update(|all| landed = apply(all, &m));
        let Some(landed) = landed else {
            return;
        };
        let name = lanes.with_untracked(|all| {
            all.iter()
                .find(|l| l.id() == m.lane)
                .map(Lane::name)
                .unwrap_or_default()
        });
        announcement.set(format!(
            "{} moved to {name}, position {}.",
            landed.card.key,
            landed.index + 1
        ));
        send.run(landed);
    };

    // After a keyboard move the lanes redraw, at once and again with the
    // server's answer; keep the focus on the card once they have (this
    // effect may run before the redraw does).
    Effect::new(move || {
        lanes.track();
        if let Some(key) = focus_after.get_untracked() {
            request_animation_frame(move || focus_card(&key));
        }
    });

    let keyboard_move = move |key: String, ev: leptos::ev::KeyboardEvent| {
        if !ev.alt_key() {
            return;
        }
        let target = lanes.with_untracked(|all| {
            let l = all
                .iter()
                .position(|l| l.cards().iter().any(|i| i.key == key))?;
            let at = all[l].cards().iter().position(|i| i.key == key)?;
            match ev.key().as_str() {
                "ArrowUp" if at > 0 => Some((all[l].id(), at - 1)),
                "ArrowDown" if at + 1 < all[l].cards().len() => Some((all[l].id(), at + 1)),
                "ArrowLeft" if l > 0 => Some((all[l - 1].id(), 0)),
                "ArrowRight" if l + 1 < all.len() => Some((all[l + 1].id(), 0)),
                _ => None,
            }
        });
        if let Some((lane, index)) = target {
            ev.prevent_default();
            focus_after.set(Some(key.clone()));
            show_and_send(Move { key, lane, index });
        }
    };

    view! {
        <p class="visually-hidden" role="status" aria-live="polite">{move || announcement.get()}</p>
        <div
            class=class
            data-testid=testid
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
                let Some(lane) = lane_of(&ev).and_then(|id| id.parse::<L::Id>().ok()) else {
                    return;
                };
                // Dropped on a card: it goes above that card (in its own
                // lane, cards below it shift up by one); elsewhere in a
                // lane, at its end.
                let index = match card_of(&ev) {
                    Some((_, _, index)) => {
                        let own_above = lanes.with_untracked(|all| {
                            all.iter().find(|l| l.id() == lane).is_some_and(|l| {
                                l.cards().iter().position(|i| i.key == moving).is_some_and(|p| p < index)
                            })
                        });
                        if own_above { index - 1 } else { index }
                    }
                    None => usize::MAX,
                };
                show_and_send(Move { key: moving, lane, index });
            }
            on:focusin=move |ev| {
                // The focus went to another card: that one is kept now.
                let key = card_of(&ev).map(|(key, ..)| key);
                if key != focus_after.get_untracked() {
                    focus_after.set(None);
                }
            }
            on:focusout=move |ev| {
                if focus_left(&ev) {
                    focus_after.set(None);
                }
            }
            on:keydown=move |ev| {
                if let Some((key, ..)) = card_of(&ev) {
                    keyboard_move(key, ev);
                }
            }
            on:change=move |ev| {
                // A card's select (the form it is in posts without
                // JavaScript).
                if let Some((key, version, _)) = card_of(&ev) {
                    select.run((key, version, event_target_value(&ev)));
                }
            }
        >
            {children()}
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
/// its lane.
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

/// Whether the focus went to something outside the lanes (not: nowhere,
/// as when the focused card is drawn anew).
fn focus_left(ev: &leptos::ev::FocusEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Node;

        let to = ev.related_target().and_then(|t| t.dyn_into::<Node>().ok());
        let lanes = ev.current_target().and_then(|t| t.dyn_into::<Node>().ok());
        match (to, lanes) {
            (Some(to), Some(lanes)) => !lanes.contains(Some(&to)),
            _ => false,
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        false
    }
}

/// The id of the lane an event happened in.
fn lane_of(ev: &leptos::ev::Event) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        use leptos::web_sys::Element;

        let target: Element = ev.target()?.dyn_into().ok()?;
        target
            .closest("[data-lane]")
            .ok()??
            .get_attribute("data-lane")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// The select on each card that moves it without JavaScript: a plain form
/// posting to a server function.
pub struct CardForm<'a> {
    /// The server function's URL.
    pub action: &'static str,
    /// The select's name: the function's argument.
    pub field: &'static str,
    /// What the select sets, for its label ("Status of WAY-1").
    pub label: &'static str,
    pub options: &'a Options,
    /// The option a card has now.
    pub current: fn(&ItemSummary) -> i64,
}

/// A lane's cards: key, score, title, tags, assignee; with `statuses`, each
/// card's status too (the board's columns say it already). `movable` cards
/// can be dragged; with a `form`, each card has it. Titles link to their
/// items in the workspace at `slug`; without one (a shared view, whose
/// readers cannot open items) they are plain text, and there is no form.
pub fn cards_html(
    items: &[ItemSummary],
    slug: Option<&str>,
    statuses: Option<&[Status]>,
    movable: bool,
    form: Option<&CardForm>,
) -> String {
    let mut m = Markup::with_capacity(items.len() * 900);
    for item in items {
        let key = item.key.as_str();
        m.raw("<li class=\"card\" data-key=\"")
            .text(key)
            .raw("\" data-version=\"")
            .number(item.version)
            .raw("\"");
        if movable {
            m.raw(" tabindex=\"0\" draggable=\"true\" aria-roledescription=\"movable card\"");
        }
        m.raw("><p class=\"card__key muted small\">").text(key);
        if item.score.is_some() {
            m.raw(" · score <span class=\"card__score\">")
                .text(&show_score(item.score))
                .raw("</span>");
        }
        m.raw("</p>");
        if let Some(status) = statuses.and_then(|all| all.iter().find(|s| s.id == item.status_id)) {
            m.raw("<p class=\"card__status small\">");
            status_dot_html(&mut m, &status.color);
            m.text(&status.name).raw("</p>");
        }
        match slug {
            Some(slug) => m
                .raw("<a class=\"card__title\" href=\"/w/")
                .text(slug)
                .raw("/items/")
                .text(key)
                .raw("\" draggable=\"false\">")
                .text(&item.title)
                .raw("</a>"),
            None => m
                .raw("<p class=\"card__title\">")
                .text(&item.title)
                .raw("</p>"),
        };
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
        if let (Some(form), Some(slug)) = (form, slug) {
            m.raw("<form method=\"post\" action=\"")
                .raw(form.action)
                .raw("\" class=\"card__move\"><input type=\"hidden\" name=\"slug\" value=\"")
                .text(slug)
                .raw("\"><input type=\"hidden\" name=\"key\" value=\"")
                .text(key)
                .raw("\"><input type=\"hidden\" name=\"version\" value=\"")
                .number(item.version)
                .raw("\"><select name=\"")
                .raw(form.field)
                .raw("\" aria-label=\"")
                .raw(form.label)
                .raw(" of ")
                .text(key)
                .raw("\">");
            form.options.write(&mut m, Some((form.current)(item)));
            m.raw("</select><noscript><button type=\"submit\" class=\"button button--quiet button--small\">Move</button></noscript></form>");
        }
        m.raw("</li>");
    }
    m.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{BoardColumn, Horizon, StatusCategory};

    pub fn card(key: &str, status_id: i64) -> ItemSummary {
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
            updated_ms: 0,
            score: None,
            partly_rated: false,
            no_score_reason: None,
        }
    }

    fn status(id: i64) -> Status {
        Status {
            id,
            name: format!("S{id}"),
            color: "#000000".into(),
            category: StatusCategory::Planned,
        }
    }

    fn column(id: i64, keys: &[&str]) -> BoardColumn {
        BoardColumn {
            status: status(id),
            items: keys.iter().map(|k| card(k, id)).collect(),
            total: keys.len() as i64,
        }
    }

    #[test]
    fn a_card_escapes_what_people_typed() {
        let mut item = card("WAY-9", 2);
        item.title = "</li><script>alert(1)</script>".into();
        item.tags = vec!["<i>".into()];
        let mut done = status(2);
        done.name = "<b>Done</b>".into();
        done.color = "\"><script>".into();
        let statuses = Options::new([(1, "Idea"), (2, "Done")].into_iter());
        let form = CardForm {
            action: "/fn/move",
            field: "status",
            label: "Status",
            options: &statuses,
            current: |item| item.status_id,
        };
        let html = cards_html(
            &[item.clone()],
            Some("team"),
            Some(&[done]),
            true,
            Some(&form),
        );
        assert!(
            !html.contains("<script>") && !html.contains("<b>"),
            "{html}"
        );
        assert!(html.contains("<span class=\"chip\">&lt;i&gt;</span>"));
        assert!(html.contains("<option selected value=\"2\">Done</option>"));
        assert!(html.contains("aria-label=\"Status of WAY-9\""));
        assert!(html.contains("draggable=\"true\""));
        let read_only = cards_html(&[item.clone()], Some("team"), None, false, None);
        assert!(!read_only.contains("<select") && !read_only.contains("draggable=\"true\""));
        assert!(!read_only.contains("card__status"));
        assert!(read_only.contains("href=\"/w/team/items/WAY-9\""));
        // Shared: no link, and no form even if one is given.
        let shared = cards_html(&[item], None, None, false, Some(&form));
        assert!(
            !shared.contains("href=") && !shared.contains("<form"),
            "{shared}"
        );
    }

    #[test]
    fn a_move_reports_its_new_neighbours() {
        let mut board = vec![column(1, &["A-1", "A-2", "A-3"]), column(2, &["A-4"])];
        let landed = apply(
            &mut board,
            &Move {
                key: "A-1".into(),
                lane: 2,
                index: 1,
            },
        )
        .unwrap();
        assert_eq!(landed.card.status_id, 2);
        assert_eq!(
            (landed.after.as_deref(), landed.before),
            (Some("A-4"), None)
        );
        assert_eq!(board[0].total, 2);
        assert_eq!(board[1].items.len(), 2);

        let landed = apply(
            &mut board,
            &Move {
                key: "A-3".into(),
                lane: 1,
                index: 0,
            },
        )
        .unwrap();
        assert_eq!(
            (landed.after, landed.before.as_deref(), landed.index),
            (None, Some("A-2"), 0)
        );
        assert_eq!(board[0].items[0].key, "A-3");
        let unknown = Move {
            key: "A-9".into(),
            lane: 1,
            index: 0,
        };
        assert!(apply(&mut board, &unknown).is_none());
    }
}
