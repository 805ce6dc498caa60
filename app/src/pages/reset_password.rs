//! `/reset-password/:token`: a new password through an admin's one-time link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::password_reset::{ResetPassword, check_reset_link};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, NewPasswordField, Submit, field_error, form_error};
use crate::components::suspend;

/// The route to [`ResetPasswordPage`], whose code the browser loads on the first visit.
pub struct ResetPasswordRoute;

#[lazy_route]
impl LazyRoute for ResetPasswordRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <ResetPasswordPage /> }.into_any()
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    let valid = Resource::new(token, check_reset_link);
    let reset = server_action::<ResetPassword>();
    let value = reset.value();

    view! {
        <Title text="Choose a new password" />
        <Suspense>
            {move || suspend(async move {
                match valid.await {
                    Ok(true) => {
                        view! {
                            <section class="auth-card">
                                <h1>"Choose a new password"</h1>
                                <p class="muted">"After this, you are signed in here and signed out everywhere else."</p>
                                <ActionForm action=reset>
                                    <FormError error=form_error(value, &["new_password"]) />
                                    <input type="hidden" name="token" value=token />
                                    <NewPasswordField label="New password" name="new_password" error=field_error(value, "new_password") />
                                    <Submit label="Set password" busy_label="Saving…" pending=reset.pending() />
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(false) => {
                        view! {
                            <section class="auth-card">
                                <h1>"This link no longer works"</h1>
                                <p>"It has expired or was used already. Ask an administrator for a new one."</p>
                                <p><a href="/sign-in">"Sign in"</a></p>
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => error_view(error, "/"),
                }
            })}
        </Suspense>
    }
}
