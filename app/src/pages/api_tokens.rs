//! `/settings/tokens`: the signed-in user's API tokens for `/api/v1`. A
//! token is shown when it is made (and on this page, in this browser, for
//! five minutes after); the list shows when each was made and last used,
//! and revokes them.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::tokens::{CreateApiToken, RevokeApiToken, load_api_tokens};
use crate::components::CurrentUserResource;
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{Field, FormError, Submit, field_error, form_error};
use crate::components::suspend;
use crate::error::AppError;
use crate::model::{ApiTokenInfo, ApiTokenList, MAX_TOKEN_NAME, TokenScope};

const HERE: &str = "/settings/tokens";

/// The route to [`ApiTokensPage`], whose code the browser loads on the first visit.
pub struct ApiTokensRoute;

#[lazy_route]
impl LazyRoute for ApiTokensRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <ApiTokensPage /> }.into_any()
    }
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    let create = server_action::<CreateApiToken>();
    let revoke = server_action::<RevokeApiToken>();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| load_api_tokens(),
    );
    view! {
        <Title text="API tokens" />
        <Suspense>
            {move || suspend(async move {
                match user.await {
                    Ok(Some(_)) => view! { <ApiTokens tokens create revoke /> }.into_any(),
                    Ok(None) => error_view(AppError::Unauthorized, HERE),
                    Err(error) => error_view(error, HERE),
                }
            })}
        </Suspense>
    }
}

/// How long a new token may work, as the form offers it.
const EXPIRY_CHOICES: [(&str, &str); 5] = [
    ("", "Until revoked"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
];

#[component]
fn ApiTokens(
    tokens: Resource<Result<ApiTokenList, AppError>>,
    create: ServerAction<CreateApiToken>,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let value = create.value();
    view! {
        <section class="settings">
            <h1>"API tokens"</h1>
            <p class="muted">
                "A token lets a script or another tool use the REST API (" <code>"/api/v1"</code>
                ") as you, in the workspaces you belong to. A read token only reads; a read and write token can also change what your role lets you change. Send it as "
                <code>"Authorization: Bearer wm_…"</code> ". The "
                // Served by the server, not the app's router.
                <a href="/api/docs" rel="external">"API reference"</a>
                " lists every operation, with an example of each."
            </p>
            <section class="panel" aria-labelledby="new-token-heading">
                <h2 id="new-token-heading">"New token"</h2>
                <ActionForm action=create>
                    <FormError error=form_error(value, &["name", "scope", "days"]) />
                    <Field label="Name" name="name" hint="What it is for, to recognise it later." error=field_error(value, "name") />
                    <div class="field">
                        <label for="token-scope">"Access"</label>
                        <select id="token-scope" name="scope">
                            {[TokenScope::Read, TokenScope::ReadWrite].into_iter().map(|s| view! {
                                <option value=s.as_str()>{s.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="token-days">"Works"</label>
                        <select id="token-days" name="days">
                            {EXPIRY_CHOICES.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                        </select>
                        {move || field_error(value, "days").get().map(|e| view! { <p class="field-error">{e}</p> })}
                    </div>
                    <Submit label="Make token" busy_label="Making…" pending=create.pending() />
                </ActionForm>
                <Transition>
                    {move || suspend(async move {
                        // After a form post without JavaScript the server
                        // has the token for this one page load.
                        let after_reload = tokens.await.ok().and_then(|list| list.new_token);
                        value.get().and_then(Result::ok).map(|made| made.token).or(after_reload).map(|token| view! {
                            <div class="notice" role="status">
                                <p>"Copy the token now: it is shown only for a few minutes, in this browser."</p>
                                <p><input class="copy-field" type="text" readonly value=token aria-label="New API token" data-testid="new-token" /></p>
                            </div>
                        })
                    })}
                </Transition>
                <p class="muted small">{format!("Names are up to {MAX_TOKEN_NAME} characters.")}</p>
            </section>
            <section class="panel" aria-labelledby="tokens-heading">
                <h2 id="tokens-heading">"Your tokens"</h2>
                <FormError error=form_error(revoke.value(), &[]) />
                <Transition>
                    {move || suspend(async move {
                        match tokens.await.map(|list| list.tokens) {
                            Ok(list) if list.is_empty() => view! { <p class="muted">"None yet."</p> }.into_any(),
                            Ok(list) => view! {
                                <ul class="session-list">
                                    {list.into_iter().map(|token| view! { <TokenRow token revoke /> }).collect_view()}
                                </ul>
                            }.into_any(),
                            Err(error) => error_view(error, HERE),
                        }
                    })}
                </Transition>
            </section>
        </section>
    }
}

#[component]
fn TokenRow(token: ApiTokenInfo, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let used = match &token.last_used {
        Some(at) => format!("last used {at}"),
        None => "never used".to_owned(),
    };
    let expiry = match (&token.expires, token.expired) {
        (Some(at), true) => format!("expired {at}"),
        (Some(at), false) => format!("works until {at}"),
        (None, _) => "works until revoked".to_owned(),
    };
    view! {
        <li class="session" data-testid="token-row">
            <div>
                <strong>{token.name.clone()}</strong>
                " "
                <span class="badge">{token.scope.label()}</span>
                <p class="muted small">{format!("Made {} · {used} · {expiry}", token.created)}</p>
            </div>
            <ActionForm action=revoke>
                <input type="hidden" name="token_id" value=token.id />
                <button type="submit" class="button button--quiet">{format!("Revoke {}", token.name)}</button>
            </ActionForm>
        </li>
    }
}
