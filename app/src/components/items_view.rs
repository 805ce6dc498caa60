//! The frame the five views of a workspace's items share (table, board,
//! roadmap, timeline, chart): the query from the URL, live updates, the
//! filter bar's choices, the "Loading…" pill, and the filter bar drawn
//! above the view once its data have arrived. Each view page keeps only its
//! own resource and body.

use std::future::Future;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::items::load_item_choices;
use crate::components::filter_bar::{FilterBar, parse_params, url_params};
use crate::components::live::LiveUpdates;
use crate::components::workspace_frame::slug_param;
use crate::components::{Loading, PendingTransition, error_view, suspend};
use crate::error::AppError;
use crate::model::{ItemChoices, ItemQuery};

/// What a view of the items reads and shares, made by its page outside
/// any `<Suspense>`: on the server a Suspense may draw its content more
/// than once, on another thread, and drop what an earlier draw made while
/// a later draw still uses it.
#[derive(Clone, Copy)]
pub struct ItemsFrame {
    /// The workspace's slug in the URL.
    pub slug: Memo<String>,
    /// The URL's query, without the `?`: the view's resource loads by it.
    pub params: Memo<String>,
    /// The filter, the sort and the page the query says.
    pub query: Memo<ItemQuery>,
    /// Other people's changes, which load the view again.
    pub live: LiveUpdates,
    /// The statuses, tags and people the filter bar offers.
    choices: Resource<Result<ItemChoices, AppError>>,
    /// Set by the view's `<Transition>`, read by its `<Loading>` pill.
    pending: RwSignal<bool>,
}

impl ItemsFrame {
    pub fn new() -> Self {
        Self::with_added(None)
    }

    /// A frame whose filter bar also learns what this page adds (the
    /// table's quick-add brings new tags): `added` counts the additions.
    pub fn with_added(added: Option<RwSignal<usize>>) -> Self {
        let slug = slug_param();
        let params = url_params();
        let live = LiveUpdates::listen(slug);
        Self {
            slug,
            params,
            query: Memo::new(move |_| parse_params(&params.get())),
            live,
            choices: Resource::new(
                move || (slug.get(), added.map(|n| n.get()), live.changes()),
                |(slug, ..)| load_item_choices(slug),
            ),
            pending: RwSignal::new(false),
        }
    }

    /// The view's own data, loaded by `fetch` from the slug and the URL's
    /// query, and again after each of this page's saves (`saved` counts
    /// them) and each change someone else makes.
    pub fn load<T, Fut>(
        self,
        saved: impl Fn() -> usize + Send + Sync + 'static,
        fetch: impl Fn(String, String) -> Fut + Send + Sync + 'static,
    ) -> Resource<Result<T, AppError>>
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
        Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    {
        let Self {
            slug, params, live, ..
        } = self;
        Resource::new(
            move || (slug.get(), params.get(), saved(), live.changes()),
            move |(slug, params, ..)| fetch(slug, params),
        )
    }
}

impl Default for ItemsFrame {
    fn default() -> Self {
        Self::new()
    }
}

/// How a view sets up the filter bar: the parameters of its own it keeps
/// (the chart's bubble size), and the filter it leaves out because its
/// lanes show them all (the board's statuses, the roadmap's horizons).
#[derive(Default)]
pub struct FilterOptions {
    pub keep: Vec<(&'static str, String)>,
    pub without_status: bool,
    pub without_horizon: bool,
}

/// Draws a view of the items: once the choices and the view's `data` have
/// arrived, the filter bar set up by `filter` and then `body`; the error
/// panel (or the sign-in page) if either could not be loaded.
pub fn items_view<T>(
    frame: ItemsFrame,
    data: Resource<Result<T, AppError>>,
    filter: impl Fn(&T) -> FilterOptions + Send + Sync + Clone + 'static,
    body: impl Fn(T, ItemChoices, ItemQuery) -> AnyView + Send + Sync + Clone + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    let pending = frame.pending;
    view! {
        <Loading pending />
        <PendingTransition pending>
            {move || {
                let (filter, body) = (filter.clone(), body.clone());
                suspend(async move {
                    let choices = match frame.choices.await {
                        Ok(choices) => choices,
                        Err(error) => return error_view(error, "/"),
                    };
                    let data = match data.await {
                        Ok(data) => data,
                        Err(error) => return error_view(error, "/"),
                    };
                    let query = frame.query.get_untracked();
                    let FilterOptions { keep, without_status, without_horizon } = filter(&data);
                    view! {
                        {view! {
                            <FilterBar query=query.clone() choices=choices.clone() keep without_status without_horizon />
                        }.into_any()}
                        {body(data, choices, query)}
                    }
                    .into_any()
                })
            }}
        </PendingTransition>
    }
}
