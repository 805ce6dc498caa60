//! Waymark's shared crate: the site's shell and route table (this file), the
//! pages and components, the server functions behind them, and — with the
//! `ssr` feature — the server-only data layer.

#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod chart;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
pub mod rank;
pub mod scoring;
mod site_assets;
pub mod timeline;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::{Lazy, SsrMode, path};

use crate::api::auth::load_current_user;
use crate::components::form::CheckedUrlError;
use crate::components::{
    CurrentUserResource, Shortcuts, SiteFooter, SiteHeader, ThemeState, ToastRegion, Toasts,
};
use crate::model::Theme;
use crate::pages::{
    AboutPage, AccountSettingsRoute, AdminUsersRoute, ApiTokensRoute, BoardRoute, ChartRoute,
    HomePage, InvitationRoute, ItemRoute, ItemsRoute, NewWorkspaceRoute, NotFoundPage,
    ResetPasswordRoute, RoadmapRoute, RoundRoute, RoundsRoute, SavedViewRoute, SecurityLogRoute,
    SetupRoute, SignInCodePage, SignInPage, SignUpPage, TimelineRoute, TwoFactorSetupRoute,
    WebhooksRoute, WorkspaceMembersRoute, WorkspaceRoute, WorkspaceScoringRoute,
    WorkspaceSettingsRoute, WorkspaceStatusesRoute,
};
use crate::site_assets::SiteAssets;
pub use crate::site_assets::{stylesheet_href, use_built_in_hashes};

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
                <SiteAssets options=options.clone() />
                <AutoReload options />
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
    Toasts::provide();

    view! {
        <Title formatter=page_title />
        <Router>
            <Site />
        </Router>
    }
}

/// The document's title: the page's own (an item's title, a workspace's
/// name: text that people type) before the site's name. This is the only
/// title formatter: a page that set its own would replace it, escaping and
/// all.
///
/// leptos_meta writes the server's `<title>` into the HTML as it is, so
/// there the text is escaped; in the browser it sets `document.title`,
/// which takes text and must not be.
fn page_title(page: String) -> String {
    let title = if page.is_empty() {
        "Waymark".to_owned()
    } else {
        format!("{page} · Waymark")
    };
    #[cfg(feature = "ssr")]
    let title = components::markup::escape_html(&title);
    title
}

/// Everything inside the router: the header, the routes, the footer. Every
/// page renders once its data has arrived (`SsrMode::Async`), so the first
/// HTML is complete even without JavaScript.
#[component]
fn Site() -> impl IntoView {
    let location = use_location();
    CheckedUrlError::provide(&location.query.get_untracked());
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
                <Route path=path!("/setup") view={Lazy::<SetupRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/sign-in") view=SignInPage ssr=ssr.clone() />
                <Route path=path!("/sign-in/code") view=SignInCodePage ssr=ssr.clone() />
                <Route path=path!("/sign-up") view=SignUpPage ssr=ssr.clone() />
                <Route path=path!("/reset-password/:token") view={Lazy::<ResetPasswordRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/settings/account") view={Lazy::<AccountSettingsRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/settings/account/two-factor") view={Lazy::<TwoFactorSetupRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/settings/tokens") view={Lazy::<ApiTokensRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/admin/users") view={Lazy::<AdminUsersRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/admin/security") view={Lazy::<SecurityLogRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/invite/:token") view={Lazy::<InvitationRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/new") view={Lazy::<NewWorkspaceRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug") view={Lazy::<WorkspaceRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/settings") view={Lazy::<WorkspaceSettingsRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/settings/members") view={Lazy::<WorkspaceMembersRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/settings/statuses") view={Lazy::<WorkspaceStatusesRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/settings/scoring") view={Lazy::<WorkspaceScoringRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/settings/webhooks") view={Lazy::<WebhooksRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/items") view={Lazy::<ItemsRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/items/:key") view={Lazy::<ItemRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/board") view={Lazy::<BoardRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/roadmap") view={Lazy::<RoadmapRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/timeline") view={Lazy::<TimelineRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/chart") view={Lazy::<ChartRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/views/:id") view={Lazy::<SavedViewRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/rounds") view={Lazy::<RoundsRoute>::new()} ssr=ssr.clone() />
                <Route path=path!("/w/:slug/rounds/:id") view={Lazy::<RoundRoute>::new()} ssr=ssr />
            </Routes>
        </main>
        <SiteFooter />
        <Shortcuts />
        <ToastRegion />
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
