//! `/sign-in` and `/sign-in/code`: email and password, then the two-factor
//! code when the account has it on.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{SignIn, SignInWithCode, load_accounts_state};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{Field, FormError, Submit, field_error, form_error};
use crate::components::suspend;
use crate::model::AccountsState;

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let accounts = Resource::new(|| (), |_| load_accounts_state());
    let sign_in = server_action::<SignIn>();
    let value = sign_in.value();

    view! {
        <Title text="Sign in" />
        <Suspense>
            {move || suspend(async move {
                match accounts.await {
                    Ok(AccountsState::FirstRun) => view! { <Redirect path="/setup" /> }.into_any(),
                    Ok(state) => {
                        view! {
                            <section class="auth-card">
                                <h1>"Sign in"</h1>
                                <ActionForm action=sign_in>
                                    <FormError error=form_error(value, &["email", "password"]) />
                                    <input type="hidden" name="next" value=next />
                                    <Field label="Email" name="email" kind="email" autocomplete="username" error=field_error(value, "email") />
                                    <Field label="Password" name="password" kind="password" autocomplete="current-password" error=field_error(value, "password") />
                                    <Submit label="Sign in" busy_label="Signing in…" pending=sign_in.pending() />
                                </ActionForm>
                                {(state == AccountsState::Open)
                                    .then(|| view! { <p class="muted">"New here? " <a href="/sign-up">"Create an account"</a></p> })}
                                <p class="muted small">"Forgot your password? Ask an administrator of this instance for a reset link."</p>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => error_view(error, "/sign-in"),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SignInCodePage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let verify = server_action::<SignInWithCode>();
    let value = verify.value();

    view! {
        <Title text="Two-factor code" />
        <section class="auth-card">
            <h1>"Enter your code"</h1>
            <p class="muted">"Open your authenticator app and enter the 6-digit code for Waymark. Lost your phone? Enter one of your recovery codes."</p>
            <ActionForm action=verify>
                <FormError error=form_error(value, &["code"]) />
                <input type="hidden" name="next" value=next />
                <Field label="Code" name="code" autocomplete="one-time-code" inputmode="text" error=field_error(value, "code") />
                <Submit label="Verify" busy_label="Verifying…" pending=verify.pending() />
            </ActionForm>
            <p class="muted small"><a href="/sign-in">"Start again"</a></p>
        </section>
    }
}
