//! The bar at the top of every page: the product, the main sections, the
//! theme switch and the signed-in user's menu.

use leptos::prelude::*;

use super::ThemeToggle;
use super::suspend;
use crate::api::auth::SignOut;
use crate::components::form::server_action;
use crate::error::AppError;
use crate::model::CurrentUser;

/// The signed-in user, loaded once per page by the app and read by the
/// header and pages. It reloads on every navigation, so signing in or out
/// shows at once.
#[derive(Clone, Copy)]
pub struct CurrentUserResource(pub Resource<Result<Option<CurrentUser>, AppError>>);

#[component]
pub fn SiteHeader() -> impl IntoView {
    let user = expect_context::<CurrentUserResource>().0;
    // Created here, outside the Transition: a resource created inside it
    // would be dropped and re-created whenever it re-renders.
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                <img src="/logo.svg" alt="" width="24" height="24" />
                <span>"Waymark"</span>
            </a>
            <nav class="site-nav" aria-label="Main">
                <a href="/">"Workspaces"</a>
                <a href="/about">"About"</a>
            </nav>
            <ThemeToggle />
            <Transition>
                {move || suspend(async move {
                    match user.await {
                        Ok(Some(me)) => view! { <WorkspaceSwitcher me=me.clone() /> <UserMenu me /> }.into_any(),
                        _ => view! { <a class="button button--quiet" href="/sign-in">"Sign in"</a> }.into_any(),
                    }
                })}
            </Transition>
        </header>
    }
}

/// Every workspace of the signed-in user, one click away on every page.
#[component]
fn WorkspaceSwitcher(me: CurrentUser) -> impl IntoView {
    view! {
        <details class="user-menu workspace-switcher">
            <summary data-testid="workspace-switcher">"Switch workspace"</summary>
            <div class="user-menu__panel">
                {me
                    .workspaces
                    .into_iter()
                    .map(|w| view! { <a href=format!("/w/{}", w.slug)>{w.name}</a> })
                    .collect_view()}
                <a href="/w/new">"New workspace…"</a>
            </div>
        </details>
    }
}

#[component]
fn UserMenu(me: CurrentUser) -> impl IntoView {
    let sign_out = server_action::<SignOut>();
    view! {
        <details class="user-menu">
            <summary data-testid="user-menu">{me.display_name.clone()}</summary>
            <div class="user-menu__panel">
                <p class="muted small">{me.email.clone()}</p>
                <a href="/settings/account">"Your account"</a>
                <a href="/settings/tokens">"API tokens"</a>
                {me.is_admin.then(|| view! { <a href="/admin/users">"Administration"</a> })}
                <ActionForm action=sign_out>
                    <button type="submit" class="button button--quiet">"Sign out"</button>
                </ActionForm>
            </div>
        </details>
    }
}
