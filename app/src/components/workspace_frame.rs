//! What every page of a workspace has around its own content: the
//! breadcrumbs, the name and the reader's role, the tab bar, and on a view
//! of the items the saved views beside it. [`with_workspace`] loads the
//! workspace for the page, follows a renamed slug and turns non-members
//! away.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_params_map};

use crate::api::workspaces::load_workspace;
use crate::components::error_view;
use crate::components::saved_views::{SavedViews, SavedViewsNav, ViewBar};
use crate::components::suspend;
use crate::model::{Permission, ViewKind, WorkspaceView};

/// The part of a workspace a page belongs to: its tab, and its address
/// under `/w/:slug`. The route table in `lib.rs` spells the same paths
/// (`path!` takes only literals); a test holds the two together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Overview,
    Items,
    /// One item's page: under the Items tab, without the saved views.
    Item,
    Board,
    Roadmap,
    Timeline,
    Chart,
    Rounds,
    Settings,
    Members,
    Statuses,
    Scoring,
    Webhooks,
}

impl Section {
    /// The tabs, in the order the tab bar shows them.
    pub const TABS: [Section; 12] = [
        Section::Overview,
        Section::Items,
        Section::Board,
        Section::Roadmap,
        Section::Timeline,
        Section::Chart,
        Section::Rounds,
        Section::Settings,
        Section::Members,
        Section::Statuses,
        Section::Scoring,
        Section::Webhooks,
    ];

    /// The section's address after `/w/:slug`.
    pub const fn path(self) -> &'static str {
        match self {
            Section::Overview => "",
            Section::Items | Section::Item => "/items",
            Section::Board => "/board",
            Section::Roadmap => "/roadmap",
            Section::Timeline => "/timeline",
            Section::Chart => "/chart",
            Section::Rounds => "/rounds",
            Section::Settings => "/settings",
            Section::Members => "/settings/members",
            Section::Statuses => "/settings/statuses",
            Section::Scoring => "/settings/scoring",
            Section::Webhooks => "/settings/webhooks",
        }
    }

    /// The tab's name.
    pub const fn label(self) -> &'static str {
        match self {
            Section::Overview => "Overview",
            Section::Items | Section::Item => "Items",
            Section::Board => "Board",
            Section::Roadmap => "Roadmap",
            Section::Timeline => "Timeline",
            Section::Chart => "Chart",
            Section::Rounds => "Rounds",
            Section::Settings => "Settings",
            Section::Members => "Members",
            Section::Statuses => "Statuses",
            Section::Scoring => "Scoring",
            Section::Webhooks => "Webhooks",
        }
    }

    /// Which saved views a section lists beside it: those of its kind,
    /// on the five views of the items.
    pub const fn view_kind(self) -> Option<ViewKind> {
        match self {
            Section::Items => Some(ViewKind::Items),
            Section::Board => Some(ViewKind::Board),
            Section::Roadmap => Some(ViewKind::Roadmap),
            Section::Timeline => Some(ViewKind::Timeline),
            Section::Chart => Some(ViewKind::Chart),
            _ => None,
        }
    }

    /// Whether a reader with this role sees the tab: rounds are for those
    /// who rate, webhooks for editors.
    fn shown_to(self, workspace: &WorkspaceView) -> bool {
        match self {
            Section::Rounds => workspace.role.allows(Permission::Contribute),
            Section::Webhooks => workspace.role.allows(Permission::Edit),
            _ => true,
        }
    }
}

/// The slug in the URL.
pub fn slug_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("slug")).unwrap_or_default())
}

/// Loads the workspace for a page and renders `page` with it; redirects an
/// old slug to the current one and shows 404 to non-members.
pub fn with_workspace<V: IntoView + 'static>(
    section: Section,
    page: impl Fn(WorkspaceView) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let slug = slug_param();
    let location = use_location();
    let workspace = Resource::new(move || slug.get(), load_workspace);
    let views = section.view_kind().map(|kind| SavedViews::new(slug, kind));
    view! {
        <Suspense>
            {move || {
                let page = page.clone();
                suspend(async move {
                    let here = location.pathname.get_untracked();
                    match workspace.await {
                        Ok(w) if w.slug != slug.get_untracked() => {
                            view! { <Redirect path=format!("/w/{}{}", w.slug, section.path()) /> }.into_any()
                        }
                        Ok(w) => view! { <WorkspaceFrame workspace=w.clone() section views>{page(w)}</WorkspaceFrame> }.into_any(),
                        Err(error) => error_view(error, &here),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn WorkspaceFrame(
    workspace: WorkspaceView,
    section: Section,
    /// On a view of the items: the saved views beside it.
    views: Option<SavedViews>,
    children: Children,
) -> impl IntoView {
    let base = format!("/w/{}", workspace.slug);
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    let body = match views {
        Some(views) => view! {
            <div class="with-views">
                <SavedViewsNav views slug=slug.clone() can_edit />
                <div class="with-views__main">
                    <ViewBar views slug can_edit />
                    {children()}
                </div>
            </div>
        }
        .into_any(),
        None => children().into_any(),
    };
    let here = section.path();
    let tabs = Section::TABS
        .into_iter()
        .filter(|tab| tab.shown_to(&workspace))
        .map(|tab| {
            view! {
                <a href=format!("{base}{}", tab.path()) aria-current=(tab.path() == here).then_some("page")>
                    {tab.label()}
                </a>
            }
        })
        .collect_view();
    view! {
        <Title text=workspace.name.clone() />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/">"Workspaces"</a>
            " / "
            <a href=base.clone()>{workspace.name.clone()}</a>
        </nav>
        <header class="workspace-header">
            <h1>{workspace.name.clone()}</h1>
            <span class="badge" data-testid="my-role">{workspace.role.label()}</span>
        </header>
        <nav class="tabs" aria-label="Workspace">{tabs}</nav>
        {body}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tab_is_a_route_of_the_site() {
        let routes = include_str!("../lib.rs");
        for tab in Section::TABS {
            let route = format!("path!(\"/w/:slug{}\")", tab.path());
            assert!(routes.contains(&route), "no route {route}");
        }
        assert!(routes.contains("path!(\"/w/:slug/items/:key\")"));
    }

    #[test]
    fn the_views_of_the_items_list_their_saved_views() {
        for kind in ViewKind::ALL {
            let section = Section::TABS
                .into_iter()
                .find(|s| s.view_kind() == Some(kind))
                .expect("a tab for every kind of view");
            assert_eq!(section.path(), format!("/{}", kind.as_str()));
        }
        assert_eq!(Section::Item.view_kind(), None);
    }
}
