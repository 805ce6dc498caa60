//! `/w/:slug/items/:key`: one item with every field, its comments and its
//! history. Every field is in one form that carries the version it was
//! based on: with JavaScript a field saves as soon as it changes, without
//! it the Save button sends them all. A change someone else made in
//! between is refused with who made it, never overwritten.

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
    CommentView, Horizon, ItemChoices, ItemDetail, ItemScoring, Permission, WorkspaceView,
};

mod history;
mod scoring_panel;

use history::{Activity, ScoreHistory};
use scoring_panel::ScoringPanel;

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
