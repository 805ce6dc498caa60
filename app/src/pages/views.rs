//! `/w/:slug/views/:id`: a saved view's own address. It opens the view's
//! page with the view's filter, sort and grouping (and `view=id`, so that
//! the page shows the view's bar), leaving out what no longer exists.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_params_map};
use leptos_router::{LazyRoute, lazy_route};

use crate::api::views::open_saved_view;
use crate::components::error_view;
use crate::components::suspend;
use crate::components::workspace_frame::slug_param;
use crate::error::AppError;

/// The route to [`SavedViewPage`], whose code the browser loads on the first visit.
pub struct SavedViewRoute;

#[lazy_route]
impl LazyRoute for SavedViewRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <SavedViewPage /> }.into_any()
    }
}

#[component]
pub fn SavedViewPage() -> impl IntoView {
    let slug = slug_param();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|id| id.parse::<i64>().ok())
    });
    let location = use_location();
    let opened = Resource::new(
        move || (slug.get(), id.get()),
        |(slug, id)| async move {
            match id {
                Some(id) if id > 0 => open_saved_view(slug, id).await,
                _ => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense>
            {move || suspend(async move {
                match opened.await {
                    Ok(opened) => view! { <Redirect path=opened.target /> }.into_any(),
                    Err(error) => error_view(error, &location.pathname.get_untracked()),
                }
            })}
        </Suspense>
    }
}
