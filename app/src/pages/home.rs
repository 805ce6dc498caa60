//! `/`: what Waymark is, for visitors; the start page for signed-in users;
//! and, on a new instance, the way to its set-up.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use crate::api::auth::load_accounts_state;
use crate::api::workspaces::{CreateDemoWorkspace, list_my_workspaces};
use crate::components::CurrentUserResource;
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, form_error};
use crate::components::suspend;
use crate::error::AppError;
use crate::model::{AccountsState, CurrentUser, WorkspaceSummary};

#[component]
pub fn HomePage() -> impl IntoView {
    let accounts = Resource::new(|| (), |_| load_accounts_state());
    let user = expect_context::<CurrentUserResource>().0;
    // Anonymous visitors get `Unauthorized`, which the page never shows.
    let workspaces = Resource::new(|| (), |_| list_my_workspaces());

    view! {
        <Title text="" />
        <Suspense>
            {move || suspend(async move {
                match (accounts.await, user.await) {
                    (Ok(AccountsState::FirstRun), _) => view! { <Redirect path="/setup" /> }.into_any(),
                    (Ok(_), Ok(Some(me))) => view! { <Welcome me workspaces /> }.into_any(),
                    (Ok(state), Ok(None)) => view! { <Landing state /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => error_view(error, "/"),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Landing(state: AccountsState) -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"Plan what your team builds next, on your own server."</h1>
            <p class="lead">
                "Waymark is an open-source, self-hosted place where product teams collect ideas, "
                "score them and lay them out on a roadmap they can share. "
                "Your backlog stays in a database you own: one SQLite file, or your PostgreSQL."
            </p>
            <p class="hero-actions">
                <a class="button" href="/sign-in">"Sign in"</a>
                {(state == AccountsState::Open)
                    .then(|| view! { <a class="button button--quiet" href="/sign-up">"Create an account"</a> })}
            </p>
        </section>
    }
}

/// Makes a workspace filled with a sample backlog and opens it.
#[component]
fn DemoButton() -> impl IntoView {
    let demo = server_action::<CreateDemoWorkspace>();
    view! {
        <ActionForm action=demo attr:class="demo-form">
            <button type="submit" class="button button--quiet" disabled=move || demo.pending().get()>
                {move || if demo.pending().get() { "Filling the demo…" } else { "Try the demo" }}
            </button>
            <FormError error=form_error(demo.value(), &[]) />
        </ActionForm>
    }
}

#[component]
fn Welcome(
    me: CurrentUser,
    workspaces: Resource<Result<Vec<WorkspaceSummary>, AppError>>,
) -> impl IntoView {
    view! {
        <section>
            <h1>{format!("Welcome, {}", me.display_name)}</h1>
            <div class="section-head">
                <h2>"Your workspaces"</h2>
                <div class="section-head__actions">
                    <DemoButton />
                    <a class="button" href="/w/new">"New workspace"</a>
                </div>
            </div>
            <Suspense>
                {move || suspend(async move {
                    match workspaces.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="muted">"You are not in a workspace yet. Create one, or ask a colleague for an invitation link."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <div class="cards" data-testid="workspaces">
                                {list.into_iter().map(|w| view! {
                                    <a class="card" href=format!("/w/{}", w.slug)>
                                        <h3>{w.name}</h3>
                                        <p class="muted">{w.description}</p>
                                        <p class="small">
                                            <span class="badge">{w.role.label()}</span>
                                            {match w.items { 1 => "1 item · ".to_owned(), n => format!("{n} items · ") }}
                                            {match w.members { 1 => "1 member".to_owned(), n => format!("{n} members") }}
                                        </p>
                                    </a>
                                }).collect_view()}
                            </div>
                        }.into_any(),
                        Err(error) => error_view(error, "/"),
                    }
                })}
            </Suspense>
            <h2>"More"</h2>
            <div class="cards">
                <a class="card" href="/settings/account">
                    <h2>"Your account"</h2>
                    <p class="muted">"Name, email, password, signed-in devices and two-factor sign-in."</p>
                </a>
                {me.is_admin.then(|| view! {
                    <a class="card" href="/admin/users">
                        <h2>"Administration"</h2>
                        <p class="muted">"Users, who may sign up, and the security log of this instance."</p>
                    </a>
                })}
                <a class="card" href="/about">
                    <h2>"About this instance"</h2>
                    <p class="muted">"Version and database."</p>
                </a>
            </div>
        </section>
    }
}
