//! The saved views around a view of the items (table, board, roadmap,
//! timeline, chart): the list of the workspace's views, the form that
//! saves the page as one, and — on a saved view's page — its bar: its
//! name, what of its filter was dropped, and for editors saving changes,
//! renaming, sharing and deleting.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::views::{
    CreateView, DeleteView, RevokeShareLink, ShareView, UpdateView, load_saved_views,
    open_saved_view,
};
use crate::components::form::server_action;
use crate::components::form::{FormError, Submit, field_error, form_error};
use crate::components::suspend;
use crate::components::toast::toast_results;
use crate::error::AppError;
use crate::model::{MAX_VIEW_NAME, OpenedView, SavedView, ShareLinkInfo, ViewKind, query_pairs};

/// The saved views' data and actions for one page, made with the page (not
/// inside its Suspense, which may draw more than once on the server).
#[derive(Clone, Copy)]
pub struct SavedViews {
    pub kind: ViewKind,
    list: Resource<Result<Vec<SavedView>, AppError>>,
    /// The saved view the URL names (`view=id`), if it names one.
    opened: Resource<Option<Result<OpenedView, AppError>>>,
    /// The page's URL query, without the `?`.
    params: Memo<String>,
    /// The saved view the URL names, if it names one.
    view_id: Memo<Option<i64>>,
    create: ServerAction<CreateView>,
    update: ServerAction<UpdateView>,
    delete: ServerAction<DeleteView>,
    share: ServerAction<ShareView>,
    revoke: ServerAction<RevokeShareLink>,
}

impl SavedViews {
    pub fn new(slug: Memo<String>, kind: ViewKind) -> Self {
        let location = use_location();
        let params = Memo::new(move |_| {
            location
                .search
                .with(|s| s.strip_prefix('?').unwrap_or(s).to_owned())
        });
        let view_id = Memo::new(move |_| {
            params.with(|p| {
                query_pairs(p)
                    .into_iter()
                    .find(|(name, _)| name == "view")
                    .and_then(|(_, id)| id.parse::<i64>().ok())
            })
        });
        let create = server_action::<CreateView>();
        let update = server_action::<UpdateView>();
        let delete = server_action::<DeleteView>();
        let share = server_action::<ShareView>();
        let revoke = server_action::<RevokeShareLink>();
        let list = Resource::new(
            move || {
                (
                    slug.get(),
                    create.version().get(),
                    update.version().get(),
                    delete.version().get(),
                )
            },
            |(slug, ..)| load_saved_views(slug),
        );
        let opened = Resource::new(
            move || {
                (
                    slug.get(),
                    view_id.get(),
                    update.version().get(),
                    share.version().get(),
                    revoke.version().get(),
                )
            },
            |(slug, id, ..)| async move {
                match id {
                    Some(id) => Some(open_saved_view(slug, id).await),
                    None => None,
                }
            },
        );
        toast_results(update.value(), |_| Some("View saved.".to_owned()));
        toast_results(revoke.value(), |_| Some("Link revoked.".to_owned()));
        Self {
            kind,
            list,
            opened,
            params,
            view_id,
            create,
            update,
            delete,
            share,
            revoke,
        }
    }
}

/// The workspace's saved views: a sidebar beside the page on a wide
/// screen, a row above it on a narrow one.
#[component]
pub fn SavedViewsNav(views: SavedViews, slug: String, can_edit: bool) -> impl IntoView {
    // From the address, not the opened view: the list may be drawn first.
    let current = move || views.view_id.get();
    let create_value = views.create.value();
    view! {
        <nav class="saved-views" aria-labelledby="saved-views-heading">
            <h2 id="saved-views-heading" class="saved-views__heading">"Saved views"</h2>
            <Transition>
                {move || suspend(async move {
                    match views.list.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted small">"None yet."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="saved-views__list">
                                {list.into_iter().map(|v| {
                                    let id = v.id;
                                    view! {
                                        <li>
                                            <a href=v.href aria-current=move || (current() == Some(id)).then_some("page")>
                                                {v.name}
                                            </a>
                                            " "
                                            <span class="saved-views__kind">{v.kind.label()}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <p class="muted small">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            {can_edit.then(|| view! {
                <details class="saved-views__save">
                    <summary class="button button--quiet button--small">"Save this view…"</summary>
                    <ActionForm action=views.create attr:class="saved-views__form">
                        <FormError error=form_error(create_value, &["name"]) />
                        <input type="hidden" name="slug" value=slug.clone() />
                        <input type="hidden" name="kind" value=views.kind.as_str() />
                        <input type="hidden" name="params" value=move || views.params.get() />
                        <label for="saved-view-name">"Name"</label>
                        <input
                            id="saved-view-name"
                            name="name"
                            required
                            maxlength=MAX_VIEW_NAME
                            placeholder="Q3 plan"
                            aria-invalid=move || field_error(create_value, "name").get().map(|_| "true")
                        />
                        {move || field_error(create_value, "name").get().map(|e| view! { <p class="field-error">{e}</p> })}
                        <p class="muted small">{format!("Keeps this {}'s filter, sort and grouping.", views.kind.label().to_lowercase())}</p>
                        <Submit label="Save view" busy_label="Saving…" pending=views.create.pending() class="button button--small" />
                    </ActionForm>
                </details>
            })}
        </nav>
    }
}

/// On a saved view's page: its name, what of its filter no longer
/// applies, and for editors its changes, name, links and deletion.
#[component]
pub fn ViewBar(views: SavedViews, slug: String, can_edit: bool) -> impl IntoView {
    view! {
        <Transition>
            {move || {
                let slug = slug.clone();
                suspend(async move {
                    match views.opened.await {
                        None => ().into_any(),
                        Some(Ok(opened)) => view! { <OpenedViewBar views opened slug can_edit /> }.into_any(),
                        Some(Err(AppError::NotFound)) => view! {
                            <p class="notice" role="status">"This saved view was deleted. The page shows its filter as the address has it."</p>
                        }.into_any(),
                        Some(Err(error)) => view! { <p class="notice" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn OpenedViewBar(
    views: SavedViews,
    opened: OpenedView,
    slug: String,
    can_edit: bool,
) -> impl IntoView {
    let id = opened.view.id;
    let stored = opened.params.clone();
    let kind = opened.view.kind;
    let changed = Memo::new(move |_| views.params.with(|p| kind.canonical(p)) != stored);
    let dropped = (!opened.dropped.is_empty()).then(|| {
        format!(
            "This view's filter named {}. It shows the items without that part of the filter{}.",
            opened.dropped.join("; "),
            if can_edit {
                " until it is saved again"
            } else {
                ""
            }
        )
    });
    let update_value = views.update.value();
    let target = opened.target.clone();
    let name = opened.view.name.clone();
    let delete_question = format!("Delete the view “{name}” and its share links? The items stay.");
    view! {
        <section class="view-bar" aria-labelledby="view-bar-name" data-testid="view-bar">
            <div class="view-bar__head">
                <h2 id="view-bar-name" class="view-bar__name">{name.clone()}</h2>
                <span class="badge">{format!("Saved {}", kind.label().to_lowercase())}</span>
                <span class="muted small" hidden=move || !changed.get()>"Changed, not saved"</span>
            </div>
            {dropped.map(|text| view! { <p class="notice" role="status" data-testid="view-dropped">{text}</p> })}
            {can_edit.then(|| {
                let (s1, s2, s3, s4) = (slug.clone(), slug.clone(), slug.clone(), slug.clone());
                view! {
                    <FormError error=form_error(update_value, &["name"]) />
                    <div class="view-bar__actions">
                        <div class="view-bar__changes" hidden=move || !changed.get()>
                            <ActionForm action=views.update attr:class="inline-form">
                                <input type="hidden" name="slug" value=s1 />
                                <input type="hidden" name="id" value=id />
                                <input type="hidden" name="params" value=move || views.params.get() />
                                <Submit label="Save changes" busy_label="Saving…" pending=views.update.pending() class="button button--small" />
                            </ActionForm>
                            <a class="button button--quiet button--small" href=target.clone()>"Discard changes"</a>
                        </div>
                        <details class="view-bar__more">
                            <summary class="button button--quiet button--small">"Rename…"</summary>
                            <ActionForm action=views.update attr:class="inline-form">
                                <input type="hidden" name="slug" value=s2 />
                                <input type="hidden" name="id" value=id />
                                <label for="view-rename" class="visually-hidden">"New name"</label>
                                <input id="view-rename" name="name" required maxlength=MAX_VIEW_NAME value=name.clone() />
                                <button type="submit" class="button button--small">"Rename"</button>
                            </ActionForm>
                            {move || field_error(update_value, "name").get().map(|e| view! { <p class="field-error">{e}</p> })}
                        </details>
                        <ShareLinks views id links=opened.links.clone() slug=s3 />
                        <details class="confirm view-bar__more">
                            <summary class="button button--quiet button--small">"Delete…"</summary>
                            <p>{delete_question.clone()}</p>
                            <ActionForm action=views.delete>
                                <FormError error=form_error(views.delete.value(), &[]) />
                                <input type="hidden" name="slug" value=s4 />
                                <input type="hidden" name="id" value=id />
                                <button type="submit" class="button button--danger button--small">"Delete view"</button>
                            </ActionForm>
                        </details>
                    </div>
                    <NewShareLink views new_link=opened.new_link.clone() />
                }
            })}
        </section>
    }
}

/// The link just made, shown once: from the action's answer, or after a
/// form post without JavaScript from the server.
#[component]
fn NewShareLink(views: SavedViews, new_link: Option<String>) -> impl IntoView {
    let share_value = views.share.value();
    let made = move || {
        share_value
            .get()
            .and_then(Result::ok)
            .map(|made| made.url)
            .or_else(|| new_link.clone())
    };
    move || {
        made().map(|url| {
            view! {
                <div class="notice view-bar__new-link" role="status">
                    <p>"Send this link to whoever should see the view. It is shown only for a few minutes, in this browser:"</p>
                    <p><input class="copy-field" type="text" readonly value=url aria-label="Share link" data-testid="share-link" /></p>
                </div>
            }
        })
    }
}

/// How long a new link may work, as the share form offers it.
const EXPIRY_CHOICES: [(&str, &str); 5] = [
    ("", "Until revoked"),
    ("1", "1 day"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("365", "1 year"),
];

/// A view's share links: make one, see the live ones, revoke them.
#[component]
fn ShareLinks(
    views: SavedViews,
    id: i64,
    links: Vec<ShareLinkInfo>,
    slug: String,
) -> impl IntoView {
    let share_value = views.share.value();
    let count = links.len();
    let revoke_slug = slug.clone();
    view! {
        <details class="view-bar__more view-bar__share">
            <summary class="button button--quiet button--small">
                {if count == 0 { "Share…".to_owned() } else { format!("Share… ({count} live)") }}
            </summary>
            <p class="muted small">
                "Anyone with a share link sees this view, read-only, without an account and without JavaScript. "
                "They see nothing else of the workspace: not other items, not comments."
            </p>
            <ActionForm action=views.share attr:class="share-form">
                <FormError error=form_error(share_value, &["days"]) />
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="id" value=id />
                <div class="field">
                    <label for="share-days">"Works"</label>
                    <select id="share-days" name="days">
                        {EXPIRY_CHOICES.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                    </select>
                    {move || field_error(share_value, "days").get().map(|e| view! { <p class="field-error">{e}</p> })}
                </div>
                <label class="check">
                    <input type="checkbox" name="show_names" value="1" />
                    " Show who items are assigned to"
                </label>
                <Submit label="Make share link" busy_label="Making…" pending=views.share.pending() class="button button--small" />
            </ActionForm>
            <h3 class="view-bar__subheading">"Live links"</h3>
            {if links.is_empty() {
                view! { <p class="muted small">"None."</p> }.into_any()
            } else {
                view! {
                    <ul class="session-list">
                        {links.into_iter().map(|link| view! { <ShareLinkRow link revoke=views.revoke slug=revoke_slug.clone() show_view=false /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </details>
    }
}

/// One live share link with its revoke button (the workspace settings list
/// them all, with the view each shows).
#[component]
pub fn ShareLinkRow(
    link: ShareLinkInfo,
    revoke: ServerAction<RevokeShareLink>,
    slug: String,
    show_view: bool,
) -> impl IntoView {
    let expiry = match &link.expires {
        Some(at) => format!("works until {at}"),
        None => "works until revoked".to_owned(),
    };
    let names = if link.show_names {
        "shows assignees"
    } else {
        "hides names"
    };
    let made = if link.created_by.is_empty() {
        format!("Made {}", link.created)
    } else {
        format!("Made by {} on {}", link.created_by, link.created)
    };
    view! {
        <li class="session" data-testid="share-link-row">
            <div>
                {show_view.then(|| view! {
                    <strong>{format!("{} ({})", link.view_name, link.view_kind.label())}</strong>
                    <br />
                })}
                <span class="small">{format!("{made} · {expiry} · {names}")}</span>
            </div>
            <ActionForm action=revoke attr:class="inline-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="link_id" value=link.id />
                <button type="submit" class="button button--quiet button--small">"Revoke"</button>
            </ActionForm>
        </li>
    }
}
