//! Waymark's shared crate: the site's shell and route table (this file), the
//! pages and components, the server functions behind them, and — with the
//! `ssr` feature — the server-only data layer.

#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{SsrMode, path};

use crate::api::auth::load_current_user;
use crate::components::{CurrentUserResource, SiteFooter, SiteHeader, ThemeState};
use crate::model::Theme;
use crate::pages::{
    AboutPage, AccountSettingsPage, AdminUsersPage, HomePage, InvitationPage, NewWorkspacePage,
    NotFoundPage, ResetPasswordPage, SecurityLogPage, SetupPage, SignInCodePage, SignInPage,
    SignUpPage, TwoFactorSetupPage, WorkspaceMembersPage, WorkspacePage, WorkspaceSettingsPage,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_request_nonce();
    let theme = request_theme();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="description" content="Waymark: collect, score and plan what your product team builds next, on your own server." />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The route table: the map of the site.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(ThemeState::new(request_theme()));
    // Effects run only in the browser, after hydration: the mark tells
    // tests (and curious users) that the page is interactive.
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Waymark".to_owned() } else { format!("{page} · Waymark") }
        } />
        <Router>
            <Site />
        </Router>
    }
}

/// Everything inside the router: the header, the routes, the footer. Every
/// page renders once its data has arrived (`SsrMode::Async`), so the first
/// HTML is complete even without JavaScript.
#[component]
fn Site() -> impl IntoView {
    let location = use_location();
    let user = Resource::new(move || location.pathname.get(), |_| load_current_user());
    provide_context(CurrentUserResource(user));
    let ssr = SsrMode::Async;

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <SiteHeader />
        <main id="main" class="page" tabindex="-1">
            <Routes fallback=NotFoundPage>
                <Route path=path!("") view=HomePage ssr=ssr.clone() />
                <Route path=path!("/about") view=AboutPage ssr=ssr.clone() />
                <Route path=path!("/setup") view=SetupPage ssr=ssr.clone() />
                <Route path=path!("/sign-in") view=SignInPage ssr=ssr.clone() />
                <Route path=path!("/sign-in/code") view=SignInCodePage ssr=ssr.clone() />
                <Route path=path!("/sign-up") view=SignUpPage ssr=ssr.clone() />
                <Route path=path!("/reset-password/:token") view=ResetPasswordPage ssr=ssr.clone() />
                <Route path=path!("/settings/account") view=AccountSettingsPage ssr=ssr.clone() />
                <Route path=path!("/settings/account/two-factor") view=TwoFactorSetupPage ssr=ssr.clone() />
                <Route path=path!("/admin/users") view=AdminUsersPage ssr=ssr.clone() />
                <Route path=path!("/admin/security") view=SecurityLogPage ssr=ssr.clone() />
                <Route path=path!("/invite/:token") view=InvitationPage ssr=ssr.clone() />
                <Route path=path!("/w/new") view=NewWorkspacePage ssr=ssr.clone() />
                <Route path=path!("/w/:slug") view=WorkspacePage ssr=ssr.clone() />
                <Route path=path!("/w/:slug/settings") view=WorkspaceSettingsPage ssr=ssr.clone() />
                <Route path=path!("/w/:slug/settings/members") view=WorkspaceMembersPage ssr=ssr />
            </Routes>
        </main>
        <SiteFooter />
    }
}

/// The theme this page is drawn in: on the server from the request's cookie,
/// in the browser from the `<html>` element the server rendered, so both
/// sides start from the same value.
fn request_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Theme::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("data-theme"))
            .and_then(|value| Theme::parse(&value))
            .unwrap_or_default()
    }
}

/// The security-headers middleware puts a fresh nonce in the request and in
/// the `Content-Security-Policy` header; the page's scripts carry the same one.
#[cfg(feature = "ssr")]
fn provide_request_nonce() {
    use leptos::nonce::Nonce;
    if let Some(nonce) = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<backend::CspNonce>().cloned())
    {
        provide_context(Nonce::from_value(nonce.0));
    }
}
