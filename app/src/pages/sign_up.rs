//! `/sign-up`: a new account, when the instance's admin allows open sign-up.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::auth::{SignUp, load_accounts_state};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, NewAccountFields, Submit, field_error, form_error};
use crate::components::suspend;
use crate::model::AccountsState;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let accounts = Resource::new(|| (), |_| load_accounts_state());
    let sign_up = server_action::<SignUp>();
    let value = sign_up.value();

    view! {
        <Title text="Create an account" />
        <Suspense>
            {move || suspend(async move {
                match accounts.await {
                    Ok(AccountsState::FirstRun) => view! { <Redirect path="/setup" /> }.into_any(),
                    Ok(AccountsState::InviteOnly) => {
                        view! {
                            <section class="auth-card">
                                <h1>"Sign-up is by invitation"</h1>
                                <p>"To join this Waymark, ask someone who uses it for an invitation link."</p>
                                <p><a href="/sign-in">"Sign in"</a>" if you already have an account."</p>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(AccountsState::Open) => {
                        view! {
                            <section class="auth-card">
                                <h1>"Create an account"</h1>
                                <ActionForm action=sign_up>
                                    <FormError error=form_error(value, &["display_name", "email", "password"]) />
                                    <NewAccountFields
                                        name_error=field_error(value, "display_name")
                                        email_error=field_error(value, "email")
                                        password_error=field_error(value, "password")
                                    />
                                    <Submit label="Create account" busy_label="Creating the account…" pending=sign_up.pending() />
                                </ActionForm>
                                <p class="muted">"Have an account? " <a href="/sign-in">"Sign in"</a></p>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => error_view(error, "/sign-up"),
                }
            })}
        </Suspense>
    }
}
