//! `/w/:slug/items/:key`: one item with every field, its comments and its
//! history. Every field is in one form that carries the version it was
//! based on: with JavaScript a field saves as soon as it changes, without
//! it the Save button sends them all. A change someone else made in
//! between is refused with who made it, never overwritten.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::items::{
    AddComment, DeleteComment, DeleteItem, EditComment, UpdateItem, load_item, load_item_choices,
};
use crate::api::scoring::{RateItem, load_item_scoring};
use crate::components::StatusChip;
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{
    FormError, Notice, Submit, TextArea, field_error, form_error, succeeded,
};
use crate::components::live::LiveUpdates;
use crate::components::suspend;
use crate::components::toast::{Toasts, toast_results};
use crate::components::workspace_frame::{Section, slug_param, with_workspace};
use crate::components::{Loading, PendingTransition};
use crate::error::AppError;
use crate::model::{
    ActivityEntry, CommentView, Horizon, ItemChoices, ItemDetail, ItemScoring, Permission,
    WorkspaceView, show_score,
};
use crate::scoring::score::{Scale, TSHIRT_SIZES};

const FIELDS: &[&str] = &[
    "title",
    "description",
    "status",
    "tags",
    "assignee",
    "start_date",
    "end_date",
    "horizon",
];

#[derive(Clone, Copy)]
struct ItemData {
    /// Field edits: they leave the form in place and refresh the rest.
    update: ServerAction<UpdateItem>,
    /// Archive and restore: the page is drawn again.
    archive: ServerAction<UpdateItem>,
    delete: ServerAction<DeleteItem>,
    add_comment: ServerAction<AddComment>,
    edit_comment: ServerAction<EditComment>,
    delete_comment: ServerAction<DeleteComment>,
    item: Resource<Result<ItemDetail, AppError>>,
    /// The item as the last field edit left it (none before one). An
    /// action, not a resource: the server never waits for it.
    saved: Action<(String, String), Option<ItemDetail>>,
    choices: Resource<Result<ItemChoices, AppError>>,
    /// Ratings: the panel shows the answer of the last one.
    rate: ServerAction<RateItem>,
    scoring: Resource<Result<ItemScoring, AppError>>,
    /// Set by the `<Transition>`, read by `<Loading>`; made with the page
    /// for the reason `TableData::pending` gives.
    pending: RwSignal<bool>,
}

/// The route to [`ItemPage`], whose code the browser loads on the first visit.
pub struct ItemRoute;

#[lazy_route]
impl LazyRoute for ItemRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <ItemPage /> }.into_any()
    }
}

#[component]
pub fn ItemPage() -> impl IntoView {
    let slug = slug_param();
    let params = use_params_map();
    let key = Memo::new(move |_| params.with(|p| p.get("key")).unwrap_or_default());
    // Someone else's change to this item, heard live, refetches it.
    let heard = LiveUpdates::listen(slug).of_item(key);
    let update = server_action::<UpdateItem>();
    let archive = server_action::<UpdateItem>();
    let delete = server_action::<DeleteItem>();
    let add_comment = server_action::<AddComment>();
    let edit_comment = server_action::<EditComment>();
    let delete_comment = server_action::<DeleteComment>();
    let rate = server_action::<RateItem>();
    toast_results(update.value(), |_: &i64| None);
    toast_results(rate.value(), |_: &ItemScoring| None);
    toast_results(archive.value(), |_: &i64| Some("Done.".to_owned()));
    toast_results(delete.value(), |_: &()| None);
    toast_results(add_comment.value(), |_: &()| {
        Some("Comment added.".to_owned())
    });
    toast_results(edit_comment.value(), |_: &()| {
        Some("Comment saved.".to_owned())
    });
    toast_results(delete_comment.value(), |_: &()| {
        Some("Comment deleted.".to_owned())
    });
    let saved = Action::new_unsync(|(slug, key): &(String, String)| {
        let (slug, key) = (slug.clone(), key.clone());
        async move { load_item(slug, key).await.ok() }
    });
    // After a field is saved, the rest of the page catches up with it.
    Effect::new(move || {
        let rated = matches!(rate.value().get(), Some(Ok(_)));
        if matches!(update.value().get(), Some(Ok(_))) || rated {
            saved.dispatch((slug.get_untracked(), key.get_untracked()));
        }
    });
    let data = ItemData {
        update,
        archive,
        delete,
        add_comment,
        edit_comment,
        delete_comment,
        item: Resource::new(
            move || {
                (
                    slug.get(),
                    key.get(),
                    archive.version().get(),
                    add_comment.version().get(),
                    edit_comment.version().get(),
                    delete_comment.version().get(),
                    heard.get(),
                )
            },
            |(slug, key, ..)| load_item(slug, key),
        ),
        saved,
        choices: Resource::new(move || slug.get(), load_item_choices),
        rate,
        scoring: Resource::new(
            move || (slug.get(), key.get(), heard.get()),
            |(slug, key, _)| load_item_scoring(slug, key),
        ),
        pending: RwSignal::new(false),
    };
    with_workspace(
        Section::Item,
        move |w: WorkspaceView| view! { <ItemView workspace=w data /> },
    )
}

#[component]
fn ItemView(workspace: WorkspaceView, data: ItemData) -> impl IntoView {
    let pending = data.pending;
    let slug = workspace.slug.clone();
    let role = workspace.role;
    view! {
        <Loading pending />
        <PendingTransition pending>
            {move || {
                let slug = slug.clone();
                suspend(async move {
                    let item = match data.item.await {
                        Ok(item) => item,
                        Err(error) => return error_view(error, "/"),
                    };
                    let choices = match data.choices.await {
                        Ok(choices) => choices,
                        Err(error) => return error_view(error, "/"),
                    };
                    let scoring = match data.scoring.await {
                        Ok(scoring) => scoring,
                        Err(error) => return error_view(error, "/"),
                    };
                    let can_edit = role.allows(Permission::Edit);
                    let can_comment = role.allows(Permission::Contribute);
                    // The newest of the page's copy and the last edit's (of
                    // this item: the page may have moved on to another).
                    let latest = {
                        let item = item.clone();
                        Memo::new(move |_| match data.saved.value().get().flatten() {
                            Some(saved)
                                if saved.summary.key == item.summary.key
                                    // A rating leaves the version as it is.
                                    && saved.summary.version >= item.summary.version =>
                            {
                                saved
                            }
                            _ => item.clone(),
                        })
                    };
                    let key = item.summary.key.clone();
                    let header = view! {
                        <ItemHeader slug=slug.clone() archived=item.summary.archived latest statuses=choices.statuses.clone() />
                    }
                    .into_any();
                    view! {
                        <article class="item-page" data-key=key>
                            {header}
                            <div class="item-page__body">
                                <div class="item-page__main">
                                    {if can_edit {
                                        view! { <EditForm slug=slug.clone() item=item.clone() latest choices=choices.clone() update=data.update /> }.into_any()
                                    } else {
                                        view! { <ReadOnlyFields item=item.clone() /> }.into_any()
                                    }}
                                    {view! { <Comments slug=slug.clone() item=item.clone() can_comment data /> }.into_any()}
                                </div>
                                <aside class="item-page__side">
                                    {view! { <ScoringPanel slug=slug.clone() key=item.summary.key.clone() scoring rate=data.rate /> }.into_any()}
                                    {move || view! { <ScoreHistory entries=latest.with(|i| i.activity.clone()) /> }.into_any()}
                                    {can_edit.then(|| view! { <ItemActions slug=slug.clone() item=item.clone() latest data /> }.into_any())}
                                    {move || view! { <Activity entries=latest.with(|i| i.activity.clone()) /> }.into_any()}
                                </aside>
                            </div>
                        </article>
                    }
                    .into_any()
                })
            }}
        </PendingTransition>
    }
}

/// The title, status and version, as the last save left them.
#[component]
fn ItemHeader(
    slug: String,
    archived: bool,
    latest: Memo<ItemDetail>,
    statuses: Vec<crate::model::Status>,
) -> impl IntoView {
    let key = latest.with_untracked(|i| i.summary.key.clone());
    // The server reads the title after the page's reactive values are
    // gone, so it is a plain string: the one the page was drawn with.
    let title = latest.with_untracked(|i| format!("{} {}", i.summary.key, i.summary.title));
    let status = move || {
        let id = latest.with(|i| i.summary.status_id);
        let status = statuses.iter().find(|s| s.id == id).cloned();
        view! { <StatusChip status /> }
    };
    view! {
        <Title text=title />
        <header class="item-page__header">
            <p class="muted"><a href=format!("/w/{slug}/items")>"Items"</a>" / "{key}</p>
            <h2 class="item-page__title">{move || latest.with(|i| i.summary.title.clone())}</h2>
            <p class="item-page__meta">
                {status}
                {archived.then(|| view! { <span class="badge">"Archived"</span> })}
                <span class="muted small">
                    {move || latest.with(|i| format!("Created by {} on {} · version {}", i.created_by, i.created, i.summary.version))}
                </span>
            </p>
        </header>
    }
}

#[component]
fn ReadOnlyFields(item: ItemDetail) -> impl IntoView {
    let s = item.summary;
    view! {
        <section class="panel" aria-label="Details">
            <dl class="facts">
                <dt>"Assignee"</dt>
                <dd>{s.assignee.map(|p| p.name).unwrap_or_else(|| "Nobody".into())}</dd>
                <dt>"Horizon"</dt>
                <dd>{s.horizon.label()}</dd>
                <dt>"Dates"</dt>
                <dd>{format!("{} – {}", s.start_date.unwrap_or_default(), s.end_date.unwrap_or_default())}</dd>
                <dt>"Tags"</dt>
                <dd>{s.tags.join(", ")}</dd>
            </dl>
            <div class="markdown" inner_html=item.description_html></div>
        </section>
    }
}

/// Every field in one form; it carries the version it was based on. With
/// JavaScript a field saves when it changes (a text field when it loses
/// the focus); the form stays as the user left it and only its version
/// moves on, so typing in the next field is never interrupted.
#[component]
fn EditForm(
    slug: String,
    item: ItemDetail,
    latest: Memo<ItemDetail>,
    choices: ItemChoices,
    update: ServerAction<UpdateItem>,
) -> impl IntoView {
    let value = update.value();
    let s = item.summary.clone();
    let assignee = s.assignee.as_ref().map(|p| p.id);
    let form = NodeRef::<leptos::html::Form>::new();
    let version_field = NodeRef::<leptos::html::Input>::new();
    let version = RwSignal::new(s.version);
    // A change made while the last one is on its way goes out after it,
    // with the version that one produced.
    let again = StoredValue::new(false);
    let save = move || {
        if update.pending().get_untracked() {
            again.set_value(true);
        } else if let Some(form) = form.get_untracked() {
            let _ = form.request_submit();
        }
    };
    Effect::new(move || {
        let saved = match value.get() {
            Some(Ok(v)) => v,
            Some(Err(_)) => {
                again.set_value(false);
                return;
            }
            None => return,
        };
        let newest = saved.max(latest.with_untracked(|i| i.summary.version));
        version.set(newest);
        if let Some(field) = version_field.get_untracked() {
            field.set_value(&newest.to_string());
        }
        if again.get_value() {
            again.set_value(false);
            save();
        }
    });
    // Someone's comment or an archive drew a newer copy: edits go on from it.
    Effect::new(move || {
        let v = latest.with(|i| i.summary.version);
        if v > version.get_untracked() {
            version.set(v);
        }
    });
    let description_html = move || latest.with(|i| i.description_html.clone());
    let live = Toasts::live();
    view! {
        <section class="panel" aria-labelledby="edit-heading">
            <h3 id="edit-heading">"Details"</h3>
            <ActionForm action=update node_ref=form attr:class="item-form" on:change=move |_| save()>
                <FormError error=form_error(value, FIELDS) />
                <Notice show=succeeded(value) message="Saved." />
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key" value=s.key.clone() />
                <input type="hidden" name="version" node_ref=version_field value=move || version.get() />
                // Every field is sent: an empty one clears it.
                <input type="hidden" name="full" value="1" />
                <TextField label="Title" name="title" value=s.title.clone() error=field_error(value, "title") />
                <div class="item-form__grid">
                    <div class="field">
                        <label for="item-status">"Status"</label>
                        <select id="item-status" name="status">
                            {choices.statuses.iter().map(|st| view! {
                                <option value=st.id selected=st.id == s.status_id>{st.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="item-assignee">"Assignee"</label>
                        <select id="item-assignee" name="assignee">
                            <option value="" selected=assignee.is_none()>"Nobody"</option>
                            {choices.people.iter().map(|p| view! {
                                <option value=p.id selected=assignee == Some(p.id)>{p.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="item-horizon">"Horizon"</label>
                        <select id="item-horizon" name="horizon">
                            {Horizon::ALL.iter().map(|h| view! {
                                <option value=h.as_str() selected=*h == s.horizon>{h.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <TextField label="Start" name="start_date" kind="date" value=s.start_date.clone().unwrap_or_default() error=field_error(value, "start_date") />
                    <TextField label="End" name="end_date" kind="date" value=s.end_date.clone().unwrap_or_default() error=field_error(value, "end_date") />
                </div>
                <TextField label="Tags" name="tags" value=s.tags.join(", ") hint="Separated by commas" error=field_error(value, "tags") />
                <div class="field">
                    <label for="item-description">"Description"</label>
                    <p class="field-hint" id="item-description-hint">"Markdown: **bold**, _italic_, lists, links, `code`."</p>
                    <TextArea id="item-description".to_owned() name="description" rows=8 text=item.description.clone() described_by="item-description-hint" />
                    {move || field_error(value, "description").get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <div class="item-form__save">
                    <Submit label="Save" busy_label="Saving…" pending=update.pending() />
                    {move || live.get().then_some(view! {
                        <p class="muted small">"Each field saves when you change it."</p>
                    })}
                </div>
            </ActionForm>
            {move || {
                let html = description_html();
                (!html.is_empty()).then(|| view! {
                    <h4>"Description"</h4>
                    <div class="markdown" inner_html=html></div>
                })
            }}
        </section>
    }
}

/// A labelled input whose value may be empty (unlike the sign-in forms'
/// `Field`, everything here is optional except the title).
#[component]
fn TextField(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    value: String,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let id = format!("item-{name}");
    view! {
        <div class="field" class:field--invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            {hint.map(|text| view! { <p class="field-hint">{text}</p> })}
            <input id=id name=name type=kind value=value required=name == "title" aria-invalid=move || error.with(Option::is_some).then_some("true") />
            {move || error.get().map(|message| view! { <p class="field-error">{message}</p> })}
        </div>
    }
}

/// Archive or restore, and delete after a second click.
#[component]
fn ItemActions(
    slug: String,
    item: ItemDetail,
    latest: Memo<ItemDetail>,
    data: ItemData,
) -> impl IntoView {
    let s = item.summary;
    let archive_to = if s.archived { "0" } else { "1" };
    let archive_label = if s.archived { "Restore" } else { "Archive" };
    let (archive_slug, archive_key) = (slug.clone(), s.key.clone());
    let (delete_slug, delete_key) = (slug, s.key.clone());
    let question = format!(
        "Delete {} with its comments and history? This cannot be undone.",
        s.key
    );
    let confirm = format!("Delete {}", s.key);
    let version = move || latest.with(|i| i.summary.version).to_string();
    view! {
        <section class="panel" aria-label="Actions">
            <ActionForm action=data.archive>
                <FormError error=form_error(data.archive.value(), &[]) />
                <input type="hidden" name="slug" value=archive_slug.clone() />
                <input type="hidden" name="key" value=archive_key.clone() />
                <input type="hidden" name="version" value=version />
                <input type="hidden" name="archived" value=archive_to />
                <button type="submit" class="button button--quiet">{archive_label}</button>
            </ActionForm>
            <details class="confirm">
                <summary class="button button--quiet">"Delete…"</summary>
                <p>{question}</p>
                <ActionForm action=data.delete>
                    <FormError error=form_error(data.delete.value(), &[]) />
                    <input type="hidden" name="slug" value=delete_slug.clone() />
                    <input type="hidden" name="key" value=delete_key.clone() />
                    <button type="submit" class="button button--danger">{confirm.clone()}</button>
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
fn Comments(slug: String, item: ItemDetail, can_comment: bool, data: ItemData) -> impl IntoView {
    let add_value = data.add_comment.value();
    let key = item.summary.key.clone();
    let count = item.comments.len();
    view! {
        <section class="panel" aria-labelledby="comments-heading">
            <h3 id="comments-heading">{format!("Comments ({count})")}</h3>
            <FormError error=form_error(data.edit_comment.value(), &[]) />
            <FormError error=form_error(data.delete_comment.value(), &[]) />
            <ol class="comments">
                {item.comments.into_iter().map(|c| view! { <Comment comment=c slug=slug.clone() data /> }.into_any()).collect_view()}
            </ol>
            {can_comment.then(|| view! {
                <ActionForm action=data.add_comment attr:class="comment-form">
                    <FormError error=form_error(add_value, &["body"]) />
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="key" value=key.clone() />
                    <div class="field">
                        <label for="comment-body">"Add a comment"</label>
                        <TextArea id="comment-body".to_owned() name="body" rows=3 text=String::new() placeholder="Markdown works here" required=true />
                        {move || field_error(add_value, "body").get().map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                    <Submit label="Comment" busy_label="Sending…" pending=data.add_comment.pending() />
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn Comment(comment: CommentView, slug: String, data: ItemData) -> impl IntoView {
    let id = comment.id;
    view! {
        <li class="comment" id=format!("comment-{id}")>
            <p class="comment__meta">
                <strong>{comment.author.clone()}</strong>
                <span class="muted small">{format!(" · {}", comment.created)}{comment.edited.then_some(" · edited")}</span>
            </p>
            <div class="markdown" inner_html=comment.body_html.clone()></div>
            <div class="comment__actions">
                {comment.can_edit.then(|| {
                    let slug = slug.clone();
                    let body = comment.body.clone();
                    view! {
                        <details>
                            <summary class="button button--quiet button--small">"Edit"</summary>
                            <ActionForm action=data.edit_comment>
                                <input type="hidden" name="slug" value=slug />
                                <input type="hidden" name="comment_id" value=id />
                                <label for=format!("comment-edit-{id}") class="visually-hidden">"Comment"</label>
                                <TextArea id=format!("comment-edit-{id}") name="body" rows=3 text=body.clone() required=true />
                                <button type="submit" class="button button--small">"Save comment"</button>
                            </ActionForm>
                        </details>
                    }
                })}
                {comment.can_delete.then(|| view! {
                    <ActionForm action=data.delete_comment>
                        <input type="hidden" name="slug" value=slug.clone() />
                        <input type="hidden" name="comment_id" value=id />
                        <button type="submit" class="button button--quiet button--small">"Delete comment"</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}

fn field_label(field: &str) -> &str {
    match field {
        "title" => "title",
        "description" => "description",
        "status" => "status",
        "tags" => "tags",
        "assignee" => "assignee",
        "start_date" => "start date",
        "end_date" => "end date",
        "horizon" => "horizon",
        "archived" => "archive state",
        other => other,
    }
}

fn shorten(text: &str) -> String {
    if text.is_empty() {
        return "nothing".to_owned();
    }
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("“{short}…”")
    } else {
        format!("“{short}”")
    }
}

#[component]
fn Activity(entries: Vec<ActivityEntry>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="activity-heading">
            <h3 id="activity-heading">"History"</h3>
            <ol class="activity">
                {entries.into_iter().map(|e| {
                    let rating = e.field.strip_prefix("rating:");
                    let what = if let Some(criterion) = rating {
                        format!("rated {criterion} {} (was {})", e.new_value, e.old_value)
                    } else if let Some(cause) = e.field.strip_prefix("score:") {
                        format!("moved the score from {} to {}: {}", e.old_value, e.new_value, score_cause(cause))
                    } else if e.field == "round" {
                        format!("applied the scoring round “{}”", e.new_value)
                    } else if e.field == "created" {
                        "created the item".to_owned()
                    } else if e.field == "description" {
                        "changed the description".to_owned()
                    } else {
                        format!("changed the {} from {} to {}", field_label(&e.field), shorten(&e.old_value), shorten(&e.new_value))
                    };
                    view! {
                        <li>
                            <strong>{e.actor}</strong>" "{what}
                            <span class="muted small">{format!(" · {}", e.at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Why a score moved when no rating of the item did: the cause a rescore
/// wrote after `score:`.
fn score_cause(cause: &str) -> String {
    match cause.strip_prefix("largest:") {
        Some(criteria) => format!(
            "the largest {criteria} rating in the workspace changed, and number scales rate against it"
        ),
        None if cause == "framework" => "the scoring framework was edited".to_owned(),
        None => cause.to_owned(),
    }
}

/// How many of the last score changes the item page explains.
const SCORE_CHANGES_SHOWN: usize = 5;

/// "Why did this move?": the item's last score changes, newest first, each
/// with what moved it — the ratings changed in the same action, an edit of
/// the framework, or another item's rating on a number scale.
#[component]
fn ScoreHistory(entries: Vec<ActivityEntry>) -> impl IntoView {
    let moves: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.field == "score" || e.field.starts_with("score:"))
        .take(SCORE_CHANGES_SHOWN)
        .map(|e| {
            let cause = match e.field.strip_prefix("score:") {
                Some(cause) => score_cause(cause),
                None => {
                    let same_action = |r: &&ActivityEntry| r.at_ms == e.at_ms && r.actor == e.actor;
                    let round = entries
                        .iter()
                        .filter(same_action)
                        .find(|r| r.field == "round")
                        .map(|r| format!(", applying the scoring round “{}”", r.new_value))
                        .unwrap_or_default();
                    let ratings: Vec<String> = entries
                        .iter()
                        .filter(same_action)
                        .filter_map(|r| {
                            let criterion = r.field.strip_prefix("rating:")?;
                            Some(format!("{criterion} {} (was {})", r.new_value, r.old_value))
                        })
                        .collect();
                    if ratings.is_empty() {
                        format!("{} changed its ratings{round}", e.actor)
                    } else {
                        format!("{} rated {}{round}", e.actor, ratings.join(", "))
                    }
                }
            };
            let change = format!("{} → {}", e.old_value, e.new_value);
            (change, format!("{cause} · {}", e.at))
        })
        .collect();
    (!moves.is_empty()).then(|| {
        view! {
            <section class="panel score-history" aria-labelledby="score-history-heading" data-testid="score-history">
                <h3 id="score-history-heading">"Why the score moved"</h3>
                <ol class="score-history__list">
                    {moves.into_iter().map(|(change, why)| view! {
                        <li>
                            <strong class="score-history__change">{change}</strong>
                            " "
                            <span class="muted small">{why}</span>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        }
    })
}

/// The item's ratings, one control per criterion in the scale's kind, and
/// the score they give, computed here as the user rates (by the engine the
/// server runs, so the saved score is the same). With JavaScript each
/// change saves at once; without, the Save button sends them all.
#[component]
fn ScoringPanel(
    slug: String,
    key: String,
    scoring: ItemScoring,
    rate: ServerAction<RateItem>,
) -> impl IntoView {
    let value = rate.value();
    // What the server last said, and the ratings as the user has them now.
    let base = RwSignal::new(scoring.clone());
    let ratings = RwSignal::new(scoring.ratings.clone());
    Effect::new(move || match value.get() {
        Some(Ok(saved)) => {
            ratings.set(saved.ratings.clone());
            base.set(saved);
        }
        // Refused: back to what is stored.
        Some(Err(_)) => ratings.set(base.with_untracked(|b| b.ratings.clone())),
        None => {}
    });
    let preview = Memo::new(move |_| {
        ratings.with(|r| {
            base.with(|b| {
                b.preview(r).map_or((None, false, None), |s| {
                    (s.priority, s.partly_rated, b.framework.no_score_reason(&s))
                })
            })
        })
    });
    let save = {
        let (slug, key) = (slug.clone(), key.clone());
        move |id: i64, rating: Option<String>| {
            let (mut rated, mut cleared) = (HashMap::new(), HashMap::new());
            match rating {
                Some(text) => rated.insert(id.to_string(), text),
                None => cleared.insert(id.to_string(), "on".to_owned()),
            };
            rate.dispatch(RateItem {
                slug: slug.clone(),
                key: key.clone(),
                ratings: Some(rated),
                unrated: Some(cleared),
            });
        }
    };
    let can_rate = scoring.can_rate;
    let rows = scoring
        .framework
        .criteria
        .iter()
        .enumerate()
        .map(|(index, info)| {
            let save = save.clone();
            let set = move |rating: Option<f64>| {
                ratings.update(|r| {
                    if let Some(slot) = r.get_mut(index) {
                        *slot = rating;
                    }
                })
            };
            let current = move || ratings.with(|r| r.get(index).copied().flatten());
            // Properties are set in the browser only: the attributes carry
            // the stored rating into the server's HTML, for a form posted
            // without JavaScript.
            let initial = scoring.ratings.get(index).copied().flatten();
            let id = info.id;
            let name = info.name.clone();
            let criterion_name = info.name.clone();
            let field = format!("ratings[{id}]");
            let control = match info.criterion.scale {
                Scale::ZeroToTen => {
                    let save_slider = save.clone();
                    view! {
                        <div class="rating__slider">
                            <input
                                type="range"
                                min="0"
                                max="10"
                                step="1"
                                name=field.clone()
                                id=format!("rating-{id}")
                                disabled=!can_rate
                                value=initial.unwrap_or(5.0).to_string()
                                prop:value=move || current().unwrap_or(5.0).to_string()
                                on:input=move |ev| set(event_target_value(&ev).parse().ok())
                                on:change=move |ev| save_slider(id, Some(event_target_value(&ev)))
                            />
                            <output>{move || current().map_or_else(|| "—".to_owned(), |v| v.to_string())}</output>
                            <label class="rating__unrated">
                                <input
                                    type="checkbox"
                                    name=format!("unrated[{id}]")
                                    disabled=!can_rate
                                    checked=initial.is_none()
                                    prop:checked=move || current().is_none()
                                    on:change=move |ev| {
                                        if event_target_checked(&ev) {
                                            set(None);
                                            save(id, None);
                                        } else {
                                            set(Some(5.0));
                                            save(id, Some("5".to_owned()));
                                        }
                                    }
                                />
                                "Not rated"
                            </label>
                        </div>
                    }
                    .into_any()
                }
                Scale::Percentage | Scale::Number => {
                    let percent = info.criterion.scale == Scale::Percentage;
                    view! {
                        <input
                            type="number"
                            class="rating__number"
                            min="0"
                            max=percent.then_some("100")
                            step="any"
                            inputmode="decimal"
                            name=field.clone()
                            id=format!("rating-{id}")
                            disabled=!can_rate
                            value=initial.map(|v| v.to_string()).unwrap_or_default()
                            prop:value=move || current().map(|v| v.to_string()).unwrap_or_default()
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                set(text.trim().parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0));
                            }
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                save(id, (!text.trim().is_empty()).then_some(text));
                            }
                        />
                        {percent.then_some(" %")}
                    }
                    .into_any()
                }
                scale @ (Scale::TShirt | Scale::YesNo) => {
                    let choices: Vec<(Option<f64>, &'static str)> = match scale {
                        Scale::TShirt => std::iter::once((None, "—"))
                            .chain(TSHIRT_SIZES.iter().enumerate().map(|(n, s)| (Some(n as f64), *s)))
                            .collect(),
                        _ => vec![(None, "—"), (Some(0.0), "No"), (Some(1.0), "Yes")],
                    };
                    view! {
                        <div class="segmented" role="radiogroup" aria-labelledby=format!("rating-{id}-label")>
                            {choices
                                .into_iter()
                                .map(|(rating, label)| {
                                    let save = save.clone();
                                    let input_id = format!("rating-{id}-{}", rating.map_or(-1, |r| r as i64));
                                    view! {
                                        <input
                                            type="radio"
                                            name=field.clone()
                                            id=input_id.clone()
                                            value=rating.map(|r| r.to_string()).unwrap_or_default()
                                            disabled=!can_rate
                                            checked=initial == rating
                                            prop:checked=move || current() == rating
                                            on:change=move |_| {
                                                set(rating);
                                                save(id, rating.map(|r| r.to_string()));
                                            }
                                        />
                                        <label for=input_id>{label}</label>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                    .into_any()
                }
            };
            let label_for = match info.criterion.scale {
                Scale::TShirt | Scale::YesNo => None,
                _ => Some(format!("rating-{id}")),
            };
            view! {
                <div class="rating" data-criterion=criterion_name>
                    <label class="rating__name" id=format!("rating-{id}-label") for=label_for>
                        {name}
                        <span class="muted small">{format!(" · {}", info.criterion.factor.label())}</span>
                    </label>
                    {control}
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="panel scoring" aria-labelledby="scoring-heading">
            <h3 id="scoring-heading">"Score"</h3>
            <p class="scoring__score">
                <span class="scoring__value" data-testid="score" aria-live="polite">
                    {move || show_score(preview.get().0)}
                </span>
                {move || {
                    let (priority, partly, reason) = preview.get();
                    if let Some(reason) = reason {
                        Some(view! { <span class="muted small" data-testid="no-score-reason">{format!(" No score: {reason}.")}</span> }.into_any())
                    } else if priority.is_none() {
                        Some(view! { <span class="muted small">" Not scored yet: rate more criteria."</span> }.into_any())
                    } else if partly {
                        Some(view! { <span class="muted small">" Partly rated."</span> }.into_any())
                    } else {
                        None
                    }
                }}
            </p>
            <ActionForm action=rate attr:class="scoring__form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key" value=key />
                <FormError error=form_error(value, &[]) />
                {rows}
                {can_rate.then(|| view! { <button type="submit" class="button button--quiet">"Update score"</button> })}
            </ActionForm>
        </section>
    }
}
