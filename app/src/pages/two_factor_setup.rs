//! `/settings/account/two-factor`: turning on two-factor sign-in — start,
//! scan the QR code (or type the key), save the recovery codes, confirm a
//! code. Each step is a form post, so it works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::account::{BeginTwoFactor, ConfirmTwoFactor, load_two_factor_status};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{Field, FormError, Submit, field_error, form_error};
use crate::components::suspend;
use crate::model::{TwoFactorSetup, TwoFactorStatus};

const HERE: &str = "/settings/account/two-factor";

/// The route to [`TwoFactorSetupPage`], whose code the browser loads on the first visit.
pub struct TwoFactorSetupRoute;

#[lazy_route]
impl LazyRoute for TwoFactorSetupRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <TwoFactorSetupPage /> }.into_any()
    }
}

#[component]
pub fn TwoFactorSetupPage() -> impl IntoView {
    let begin = server_action::<BeginTwoFactor>();
    let status = Resource::new(move || begin.version().get(), |_| load_two_factor_status());

    view! {
        <Title text="Set up two-factor sign-in" />
        <p class="breadcrumbs"><a href="/settings/account">"Your account"</a>" / Two-factor sign-in"</p>
        <h1>"Two-factor sign-in"</h1>
        <Transition>
            {move || suspend(async move {
                match status.await {
                    Ok(TwoFactorStatus::On { .. }) => view! { <Redirect path="/settings/account" /> }.into_any(),
                    Ok(TwoFactorStatus::Off) => {
                        view! {
                            <section class="panel">
                                <p>"You need an authenticator app on your phone, such as Aegis, 2FAS, Google Authenticator or 1Password."</p>
                                <ActionForm action=begin>
                                    <Submit label="Start set-up" busy_label="Starting…" pending=begin.pending() />
                                </ActionForm>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(TwoFactorStatus::SettingUp(setup)) => view! { <SetUpSteps setup /> }.into_any(),
                    Err(error) => error_view(error, HERE),
                }
            })}
        </Transition>
    }
}

#[component]
fn SetUpSteps(setup: TwoFactorSetup) -> impl IntoView {
    let confirm = server_action::<ConfirmTwoFactor>();
    let value = confirm.value();
    view! {
        <ol class="steps">
            <li class="panel">
                <h2>"Scan this code with your app"</h2>
                // The SVG is generated on the server from the secret; it
                // contains no user-provided text.
                <div class="qr" inner_html=setup.qr_svg></div>
                <p class="muted">"Can't scan? Enter this key in the app instead:"</p>
                <p class="manual-key" data-testid="manual-key"><code>{setup.manual_key}</code></p>
            </li>
            <li class="panel">
                <h2>"Save your recovery codes"</h2>
                <p>"If you lose your phone, each of these codes signs you in once. Keep them somewhere safe: they are shown only now."</p>
                <ul class="recovery-codes" data-testid="recovery-codes">
                    {setup.recovery_codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
                </ul>
            </li>
            <li class="panel">
                <h2>"Enter the code your app shows"</h2>
                <ActionForm action=confirm>
                    <FormError error=form_error(value, &["code"]) />
                    <Field label="6-digit code" name="code" autocomplete="one-time-code" inputmode="numeric" error=field_error(value, "code") />
                    <Submit label="Turn on two-factor sign-in" busy_label="Checking…" pending=confirm.pending() />
                </ActionForm>
            </li>
        </ol>
    }
}
