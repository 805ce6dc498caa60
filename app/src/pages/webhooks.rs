//! `/w/:slug/settings/webhooks`: the workspace's webhooks, for editors and
//! owners. A webhook posts a signed JSON body to its URL when an event it
//! chose happens; each shows its last deliveries (status, latency,
//! attempts), and its secret is shown once, when it is made.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::webhooks::{CreateWebhook, DeleteWebhook, load_webhooks};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, field_error, form_error};
use crate::components::suspend;
use crate::components::workspace_frame::{Section, slug_param, with_workspace};
use crate::error::AppError;
use crate::model::{DeliveryState, HookEvent, WebhookInfo, WebhookList, WorkspaceView};

#[derive(Clone, Copy)]
struct WebhooksData {
    create: ServerAction<CreateWebhook>,
    delete: ServerAction<DeleteWebhook>,
    list: Resource<Result<WebhookList, AppError>>,
}

/// The route to [`WebhooksPage`], whose code the browser loads on the first visit.
pub struct WebhooksRoute;

#[lazy_route]
impl LazyRoute for WebhooksRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <WebhooksPage /> }.into_any()
    }
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let slug = slug_param();
    let create = server_action::<CreateWebhook>();
    let delete = server_action::<DeleteWebhook>();
    let data = WebhooksData {
        create,
        delete,
        list: Resource::new(
            move || (slug.get(), create.version().get(), delete.version().get()),
            |(slug, ..)| load_webhooks(slug),
        ),
    };
    with_workspace(
        Section::Webhooks,
        move |w: WorkspaceView| view! { <Webhooks workspace=w data /> },
    )
}

/// The form's checkbox name of each event.
fn field_of(event: HookEvent) -> &'static str {
    match event {
        HookEvent::ItemCreated => "item_created",
        HookEvent::ItemUpdated => "item_updated",
        HookEvent::ItemDeleted => "item_deleted",
        HookEvent::StatusChanged => "status_changed",
        HookEvent::CommentAdded => "comment_added",
    }
}

#[component]
fn Webhooks(workspace: WorkspaceView, data: WebhooksData) -> impl IntoView {
    let slug = workspace.slug.clone();
    let form_slug = workspace.slug.clone();
    let value = data.create.value();
    let here = format!("/w/{}/settings/webhooks", workspace.slug);
    view! {
        <section class="panel" aria-labelledby="new-webhook-heading">
            <h2 id="new-webhook-heading">"Add a webhook"</h2>
            <p class="muted">
                "Waymark posts a JSON body to the address when one of the chosen events happens, signed with the webhook's secret in the "
                <code>"Waymark-Signature"</code>
                " header. A delivery that fails is tried again, later and later, eight times in all. See the "
                <a href="/api/docs#webhooks" rel="external">"API reference"</a> " for the body and how to check the signature."
            </p>
            <ActionForm action=data.create>
                <FormError error=form_error(value, &["url", "events"]) />
                <input type="hidden" name="slug" value=form_slug />
                <div class="field">
                    <label for="webhook-url">"Address"</label>
                    <input id="webhook-url" name="url" type="url" required placeholder="https://hooks.example.com/waymark" />
                    {move || field_error(value, "url").get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <fieldset class="field">
                    <legend>"Events"</legend>
                    {HookEvent::ALL.into_iter().map(|event| {
                        let id = format!("webhook-{}", field_of(event));
                        let label_for = id.clone();
                        view! {
                            <label class="check" for=label_for>
                                <input id=id type="checkbox" name=field_of(event) value="on"
                                    checked=matches!(event, HookEvent::ItemCreated | HookEvent::ItemUpdated) />
                                {event.label()} " " <code class="muted small">{event.as_str()}</code>
                            </label>
                        }
                    }).collect_view()}
                    {move || field_error(value, "events").get().map(|m| view! { <p class="field-error">{m}</p> })}
                </fieldset>
                <button type="submit" class="button">"Add webhook"</button>
            </ActionForm>
            <Transition>
                {move || suspend(async move {
                    // After a form post without JavaScript the server has
                    // the secret for this one page load.
                    let after_reload = data.list.await.ok().and_then(|list| list.new_secret);
                    value.get().and_then(Result::ok).map(|made| made.secret).or(after_reload).map(|secret| view! {
                        <div class="notice" role="status">
                            <p>"Copy the signing secret now: it is shown only for a few minutes, in this browser."</p>
                            <p><input class="copy-field" type="text" readonly value=secret aria-label="Signing secret" data-testid="webhook-secret" /></p>
                        </div>
                    })
                })}
            </Transition>
        </section>
        <section class="panel" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">"Webhooks"</h2>
            <FormError error=form_error(data.delete.value(), &[]) />
            <Transition>
                {move || {
                    let slug = slug.clone();
                    let here = here.clone();
                    suspend(async move {
                        match data.list.await {
                            Ok(list) if list.webhooks.is_empty() => view! { <p class="muted">"None yet."</p> }.into_any(),
                            Ok(list) => list.webhooks.into_iter().map(|hook| view! {
                                <WebhookRow hook slug=slug.clone() delete=data.delete />
                            }).collect_view().into_any(),
                            Err(error) => error_view(error, &here),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn WebhookRow(
    hook: WebhookInfo,
    slug: String,
    delete: ServerAction<DeleteWebhook>,
) -> impl IntoView {
    let events = hook
        .events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let heading = format!("webhook-{}-heading", hook.id);
    let labelled_by = heading.clone();
    let delete_label = format!("Delete the webhook to {}", hook.url);
    let caption = format!("The last deliveries to {}", hook.url);
    view! {
        <article class="webhook" aria-labelledby=labelled_by data-testid="webhook">
            <div class="webhook__head">
                <div>
                    <h3 id=heading><code>{hook.url.clone()}</code></h3>
                    <p class="muted small">{format!("{events} · added {}", hook.created)}</p>
                </div>
                <ActionForm action=delete>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="webhook_id" value=hook.id />
                    <button type="submit" class="button button--quiet" aria-label=delete_label>"Delete"</button>
                </ActionForm>
            </div>
            {if hook.deliveries.is_empty() {
                view! { <p class="muted small">"Nothing delivered yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table">
                            <caption class="visually-hidden">{caption}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Event"</th>
                                    <th scope="col">"State"</th>
                                    <th scope="col">"Answer"</th>
                                    <th scope="col">"Time"</th>
                                    <th scope="col">"Attempts"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {hook.deliveries.into_iter().map(|d| view! {
                                    <tr data-testid="delivery">
                                        <td>{d.created}</td>
                                        <td><code>{d.event}</code></td>
                                        <td>{match d.state {
                                            DeliveryState::Pending => "Pending",
                                            DeliveryState::Delivered => "Delivered",
                                            DeliveryState::Failed => "Failed",
                                        }}</td>
                                        <td>{match (d.status, d.error) {
                                            (Some(code), _) => code.to_string(),
                                            (None, Some(error)) => error,
                                            (None, None) => "—".to_owned(),
                                        }}</td>
                                        <td>{d.latency_ms.map_or_else(|| "—".to_owned(), |ms| format!("{ms} ms"))}</td>
                                        <td>{d.attempts}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </article>
    }
}
