//! `/setup`: a new instance's first page — create the admin account.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::auth::{CreateFirstAdmin, load_accounts_state};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, NewAccountFields, Submit, field_error, form_error};
use crate::components::suspend;
use crate::model::AccountsState;

/// The route to [`SetupPage`], whose code the browser loads on the first visit.
pub struct SetupRoute;

#[lazy_route]
impl LazyRoute for SetupRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <SetupPage /> }.into_any()
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let accounts = Resource::new(|| (), |_| load_accounts_state());
    let create = server_action::<CreateFirstAdmin>();
    let value = create.value();

    view! {
        <Title text="Create the admin account" />
        <Suspense>
            {move || suspend(async move {
                match accounts.await {
                    Ok(AccountsState::FirstRun) => {
                        view! {
                            <section class="auth-card">
                                <h1>"Create the admin account"</h1>
                                <p class="muted">
                                    "Waymark is an open-source, self-hosted place where product teams collect ideas, score them and plan their roadmap. "
                                    "This instance is new: the account you create now administers it."
                                </p>
                                <ActionForm action=create>
                                    <FormError error=form_error(value, &["display_name", "email", "password"]) />
                                    <NewAccountFields
                                        name_error=field_error(value, "display_name")
                                        email_error=field_error(value, "email")
                                        password_error=field_error(value, "password")
                                    />
                                    <Submit label="Create the admin account" busy_label="Creating the account…" pending=create.pending() />
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(_) => view! { <Redirect path="/sign-in" /> }.into_any(),
                    Err(error) => error_view(error, "/setup"),
                }
            })}
        </Suspense>
    }
}
