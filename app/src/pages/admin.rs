//! `/admin/users` and `/admin/security`: the instance admin's pages.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::admin::{
    CreatePasswordResetLink, SetSignUpMode, SetUserDisabled, list_users, load_new_reset_link,
    load_security_log, load_sign_up_mode,
};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, Notice, form_error, succeeded};
use crate::components::suspend;
use crate::model::{SignUpMode, UserSummary};

#[component]
fn AdminNav(current: &'static str) -> impl IntoView {
    view! {
        <nav class="tabs" aria-label="Administration">
            <a href="/admin/users" aria-current=(current == "/admin/users").then_some("page")>"Users"</a>
            <a href="/admin/security" aria-current=(current == "/admin/security").then_some("page")>"Security log"</a>
        </nav>
    }
}

/// The route to [`AdminUsersPage`], whose code the browser loads on the first visit.
pub struct AdminUsersRoute;

#[lazy_route]
impl LazyRoute for AdminUsersRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <AdminUsersPage /> }.into_any()
    }
}

#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let toggle = server_action::<SetUserDisabled>();
    let reset = server_action::<CreatePasswordResetLink>();
    let set_mode = server_action::<SetSignUpMode>();
    let users = Resource::new(move || toggle.version().get(), |_| list_users());
    let mode = Resource::new(move || set_mode.version().get(), |_| load_sign_up_mode());
    let new_link = Resource::new(|| (), |_| load_new_reset_link());

    view! {
        <Title text="Users" />
        <h1>"Administration"</h1>
        <AdminNav current="/admin/users" />
        <Transition>
            {move || suspend(async move {
                match (mode.await, users.await) {
                    (Ok(mode), Ok(users)) => {
                        let link_after_reload = new_link.await.ok().flatten();
                        view! {
                            <SignUpPolicy mode set_mode />
                            <section class="panel" aria-labelledby="users-heading">
                                <h2 id="users-heading">"Users"</h2>
                                <FormError error=form_error(toggle.value(), &[]) />
                                <FormError error=form_error(reset.value(), &[]) />
                                {move || reset.value().get().and_then(Result::ok).or_else(|| link_after_reload.clone()).map(|link| view! {
                                    <div class="notice" role="status">
                                        <p>"Send this link to the user. It works once, for 24 hours:"</p>
                                        <p><input class="copy-field" type="text" readonly value=link aria-label="Password reset link" /></p>
                                    </div>
                                })}
                                <UserTable users toggle reset />
                            </section>
                        }
                            .into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => error_view(error, "/admin/users"),
                }
            })}
        </Transition>
    }
}

#[component]
fn SignUpPolicy(mode: SignUpMode, set_mode: ServerAction<SetSignUpMode>) -> impl IntoView {
    let next = match mode {
        SignUpMode::Open => SignUpMode::InviteOnly,
        SignUpMode::InviteOnly => SignUpMode::Open,
    };
    view! {
        <section class="panel" aria-labelledby="sign-up-heading">
            <h2 id="sign-up-heading">"Who may sign up"</h2>
            <Notice show=succeeded(set_mode.value()) message="Saved." />
            <p data-sign-up-mode=mode.as_str()>
                {match mode {
                    SignUpMode::Open => "Anyone who can reach this site may create an account.",
                    SignUpMode::InviteOnly => "Only people with an invitation link may create an account.",
                }}
            </p>
            <ActionForm action=set_mode>
                <input type="hidden" name="mode" value=next.as_str() />
                <button type="submit" class="button button--quiet">
                    {match next {
                        SignUpMode::Open => "Open sign-up to everyone",
                        SignUpMode::InviteOnly => "Make sign-up invitation-only",
                    }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn UserTable(
    users: Vec<UserSummary>,
    toggle: ServerAction<SetUserDisabled>,
    reset: ServerAction<CreatePasswordResetLink>,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Signed in on"</th>
                        <th scope="col">"Since"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {users
                        .into_iter()
                        .map(|user| {
                            view! {
                                <tr data-user=user.email.clone()>
                                    <td>{user.display_name.clone()}</td>
                                    <td>{user.email.clone()}</td>
                                    <td>
                                        {user.is_admin.then(|| view! { <span class="badge">"Admin"</span> })}
                                        {user.two_factor.then(|| view! { <span class="badge badge--ok">"2FA"</span> })}
                                        {if user.disabled {
                                            view! { <span class="badge badge--danger">"Disabled"</span> }.into_any()
                                        } else {
                                            view! { <span class="badge">"Active"</span> }.into_any()
                                        }}
                                    </td>
                                    <td>
                                        {match user.active_sessions {
                                            1 => "1 device".to_owned(),
                                            n => format!("{n} devices"),
                                        }}
                                    </td>
                                    <td>{user.created_at.clone()}</td>
                                    <td class="actions">
                                        <ActionForm action=toggle>
                                            <input type="hidden" name="user_id" value=user.id />
                                            <input type="hidden" name="disabled" value=(!user.disabled).to_string() />
                                            <button type="submit" class="button button--quiet">
                                                {if user.disabled { "Enable" } else { "Disable" }}
                                            </button>
                                        </ActionForm>
                                        <ActionForm action=reset>
                                            <input type="hidden" name="user_id" value=user.id />
                                            <button type="submit" class="button button--quiet">"Reset link"</button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The route to [`SecurityLogPage`], whose code the browser loads on the first visit.
pub struct SecurityLogRoute;

#[lazy_route]
impl LazyRoute for SecurityLogRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <SecurityLogPage /> }.into_any()
    }
}

#[component]
pub fn SecurityLogPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || {
        query
            .with(|q| q.get("before"))
            .and_then(|v| v.parse::<i64>().ok())
    };
    let events = Resource::new(before, load_security_log);

    view! {
        <Title text="Security log" />
        <h1>"Administration"</h1>
        <AdminNav current="/admin/security" />
        <Transition>
            {move || suspend(async move {
                match events.await {
                    Ok(events) => {
                        let older = (events.len() == 100).then(|| events.last().map(|e| e.id)).flatten();
                        view! {
                            <section class="panel" aria-labelledby="log-heading">
                                <h2 id="log-heading">"Security log"</h2>
                                <div class="table-scroll">
                                    <table class="table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"When"</th>
                                                <th scope="col">"Event"</th>
                                                <th scope="col">"Account"</th>
                                                <th scope="col">"By"</th>
                                                <th scope="col">"Address"</th>
                                                <th scope="col">"Detail"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {events
                                                .into_iter()
                                                .map(|event| {
                                                    let account = event.user.clone().unwrap_or(event.email.clone());
                                                    view! {
                                                        <tr data-event=event.kind.clone()>
                                                            <td class="nowrap">{event.at}</td>
                                                            <td>{event.kind.replace('_', " ")}</td>
                                                            <td>{account}</td>
                                                            <td>{event.actor.unwrap_or_default()}</td>
                                                            <td>{event.ip}</td>
                                                            <td>{event.detail}</td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                {older.map(|id| view! { <p><a href=format!("/admin/security?before={id}")>"Older events"</a></p> })}
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => error_view(error, "/admin/security"),
                }
            })}
        </Transition>
    }
}
