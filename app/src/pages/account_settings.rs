//! `/settings/account`: the signed-in user's name, email, password,
//! two-factor sign-in and signed-in devices.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::account::{
    ChangeEmail, ChangePassword, DisableTwoFactor, RevokeOtherSessions, RevokeSession,
    UpdateDisplayName, list_sessions,
};
use crate::api::tokens::load_api_tokens;
use crate::components::CurrentUserResource;
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{
    Field, FormError, NewPasswordField, Notice, Submit, field_error, form_error, succeeded,
};
use crate::components::suspend;
use crate::error::AppError;
use crate::model::{CurrentUser, SessionInfo};

const HERE: &str = "/settings/account";

/// The route to [`AccountSettingsPage`], whose code the browser loads on the first visit.
pub struct AccountSettingsRoute;

#[lazy_route]
impl LazyRoute for AccountSettingsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <AccountSettingsPage /> }.into_any()
    }
}

#[component]
pub fn AccountSettingsPage() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    // Resources and the actions they follow live at page level, outside the
    // Suspense, so its re-renders do not drop them mid-request.
    let revoke = server_action::<RevokeSession>();
    let revoke_others = server_action::<RevokeOtherSessions>();
    let sessions = Resource::new(
        move || (revoke.version().get(), revoke_others.version().get()),
        |_| list_sessions(),
    );
    let change_password = server_action::<ChangePassword>();
    let tokens = Resource::new(|| (), |_| load_api_tokens());
    view! {
        <Title text="Your account" />
        <Suspense>
            {move || suspend(async move {
                let password = PasswordForm {
                    change: change_password,
                    api_tokens: tokens.await.map_or(0, |list| list.tokens.len()),
                };
                match user.await {
                    Ok(Some(me)) => view! { <AccountSettings me sessions revoke revoke_others password /> }.into_any(),
                    Ok(None) => error_view(AppError::Unauthorized, HERE),
                    Err(error) => error_view(error, HERE),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccountSettings(
    me: CurrentUser,
    sessions: Resource<Result<Vec<SessionInfo>, AppError>>,
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
    password: PasswordForm,
) -> impl IntoView {
    view! {
        <h1>"Your account"</h1>
        <div class="settings">
            <ProfileSection me=me.clone() />
            <EmailSection me=me.clone() />
            <PasswordSection password />
            <TwoFactorSection me=me.clone() />
            <SessionsSection sessions revoke revoke_others />
        </div>
    }
}

/// With JavaScript, a change to the account updates the page in place: the
/// signed-in user (header, two-factor state) is loaded again after each
/// submission of the form whose action this follows.
fn refetch_user_after(version: RwSignal<usize>) {
    let user = expect_context::<CurrentUserResource>().0;
    Effect::new(move |previous: Option<usize>| {
        let current = version.get();
        if previous.is_some_and(|previous| previous != current) {
            user.refetch();
        }
        current
    });
}

#[component]
fn ProfileSection(me: CurrentUser) -> impl IntoView {
    let save = server_action::<UpdateDisplayName>();
    let value = save.value();
    refetch_user_after(save.version());
    view! {
        <section class="panel" aria-labelledby="profile-heading">
            <h2 id="profile-heading">"Profile"</h2>
            <ActionForm action=save>
                <FormError error=form_error(value, &["display_name"]) />
                <Notice show=succeeded(value) message="Your name is saved." />
                <Field label="Name" name="display_name" autocomplete="name" value=me.display_name error=field_error(value, "display_name") />
                <Submit label="Save name" busy_label="Saving…" pending=save.pending() />
            </ActionForm>
        </section>
    }
}

#[component]
fn EmailSection(me: CurrentUser) -> impl IntoView {
    let change = server_action::<ChangeEmail>();
    let value = change.value();
    refetch_user_after(change.version());
    view! {
        <section class="panel" aria-labelledby="email-heading">
            <h2 id="email-heading">"Email"</h2>
            <ActionForm action=change>
                <FormError error=form_error(value, &["email", "current_password"]) />
                <Notice show=succeeded(value) message="Your email is changed. Use it to sign in from now on." />
                <Field label="Email" name="email" kind="email" autocomplete="email" value=me.email error=field_error(value, "email") />
                <Field
                    label="Current password"
                    name="current_password"
                    id="email-current-password"
                    kind="password"
                    autocomplete="current-password"
                    error=field_error(value, "current_password")
                />
                <Submit label="Change email" busy_label="Saving…" pending=change.pending() />
            </ActionForm>
        </section>
    }
}

/// The password form's action, and how many API tokens the account had
/// when the page was drawn (the form offers to revoke them).
#[derive(Clone, Copy)]
struct PasswordForm {
    change: ServerAction<ChangePassword>,
    api_tokens: usize,
}

#[component]
fn PasswordSection(password: PasswordForm) -> impl IntoView {
    let PasswordForm { change, api_tokens } = password;
    let value = change.value();
    let changed = succeeded(value);
    view! {
        <section class="panel" aria-labelledby="password-heading">
            <h2 id="password-heading">"Password"</h2>
            <p class="muted">"Changing it signs you out on every other device."</p>
            <ActionForm action=change>
                <FormError error=form_error(value, &["current_password", "new_password"]) />
                <Notice show=succeeded(value) message="Your password is changed; other devices are signed out." />
                <Field
                    label="Current password"
                    name="current_password"
                    id="password-current-password"
                    kind="password"
                    autocomplete="current-password"
                    error=field_error(value, "current_password")
                />
                <NewPasswordField label="New password" name="new_password" error=field_error(value, "new_password") />
                // Once the password is changed the count may be out of date:
                // the page offers it again when it is next drawn.
                {move || {
                    (api_tokens > 0 && !changed.get())
                        .then(|| view! { <RevokeTokensBox count=api_tokens /> })
                }}
                <Submit label="Change password" busy_label="Saving…" pending=change.pending() />
            </ActionForm>
        </section>
    }
}

/// Offers to revoke the account's API tokens with the new password, ticked
/// to start with: someone who took the account over may have made tokens,
/// and a new password alone would leave them working.
#[component]
fn RevokeTokensBox(count: usize) -> impl IntoView {
    let label = match count {
        1 => " Also revoke my API token (scripts that use it stop working)".to_owned(),
        n => format!(" Also revoke my {n} API tokens (scripts that use them stop working)"),
    };
    view! {
        <label class="check">
            <input type="checkbox" name="revoke_api_tokens" value="on" checked=true />
            {label}
        </label>
    }
}

#[component]
fn TwoFactorSection(me: CurrentUser) -> impl IntoView {
    let disable = server_action::<DisableTwoFactor>();
    let value = disable.value();
    refetch_user_after(disable.version());
    view! {
        <section class="panel" aria-labelledby="two-factor-heading">
            <h2 id="two-factor-heading">"Two-factor sign-in"</h2>
            {if me.two_factor {
                view! {
                    <p>
                        <span class="badge badge--ok">"On"</span>
                        " Signing in asks for a code from your authenticator app."
                    </p>
                    <details>
                        <summary>"Turn two-factor sign-in off"</summary>
                        <ActionForm action=disable>
                            <FormError error=form_error(value, &["current_password", "code"]) />
                            <Field
                                label="Current password"
                                name="current_password"
                                id="two-factor-current-password"
                                kind="password"
                                autocomplete="current-password"
                                error=field_error(value, "current_password")
                            />
                            <Field label="Code from your app, or a recovery code" name="code" id="two-factor-disable-code" autocomplete="one-time-code" error=field_error(value, "code") />
                            <Submit label="Turn off" busy_label="Turning off…" pending=disable.pending() class="button button--danger" />
                        </ActionForm>
                    </details>
                }
                    .into_any()
            } else {
                view! {
                    <p>
                        <span class="badge">"Off"</span>
                        " Add a code from an authenticator app to your password, so a stolen password is not enough."
                    </p>
                    <p><a class="button button--quiet" href="/settings/account/two-factor">"Set up two-factor sign-in"</a></p>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn SessionsSection(
    sessions: Resource<Result<Vec<SessionInfo>, AppError>>,
    revoke: ServerAction<RevokeSession>,
    revoke_others: ServerAction<RevokeOtherSessions>,
) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">"Signed-in devices"</h2>
            <Notice
                show=Signal::derive(move || matches!(revoke_others.value().get(), Some(Ok(_))))
                message="Every other device is signed out."
            />
            <Transition>
                {move || suspend(async move {
                    match sessions.await {
                        Ok(list) => {
                            let others = list.iter().filter(|s| !s.is_current).count();
                            view! {
                                <ul class="session-list">
                                    {list
                                        .into_iter()
                                        .map(|session| {
                                            view! {
                                                <li class="session" data-current=session.is_current.then_some("true")>
                                                    <div>
                                                        <strong>{session.browser}</strong>
                                                        {session.is_current.then(|| view! { <span class="badge badge--ok">"This device"</span> })}
                                                        <p class="muted small">
                                                            {format!("{} · last active {} · signed in {}", session.ip, session.last_seen_at, session.created_at)}
                                                        </p>
                                                    </div>
                                                    <ActionForm action=revoke>
                                                        <input type="hidden" name="session_id" value=session.id />
                                                        <button type="submit" class="button button--quiet">"Sign out"</button>
                                                    </ActionForm>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                                {(others > 0).then(|| view! {
                                    <ActionForm action=revoke_others>
                                        <button type="submit" class="button button--quiet">"Sign out everywhere else"</button>
                                    </ActionForm>
                                })}
                            }
                                .into_any()
                        }
                        Err(error) => error_view(error, HERE),
                    }
                })}
            </Transition>
        </section>
    }
}
