//! `/s/:token`: a saved view behind a share link, for a reader without an
//! account. A whole document drawn on the server with no script at all:
//! nothing to hydrate, no server function to call, no link into the
//! workspace. Served by the server's own handler, not the app's router.

use leptos::prelude::*;

use crate::backend::share_link::{SharedContent, SharedPage};
use crate::components::markup::escape_html;
use crate::pages::board::SharedBoard;
use crate::pages::chart::Plot;
use crate::pages::items::SharedTable;
use crate::pages::roadmap::SharedRoadmap;
use crate::pages::timeline::SharedTimeline;

/// The shared view as a whole HTML document; `stylesheet` is the site's
/// stylesheet's address.
pub fn document(page: SharedPage, stylesheet: &str) -> String {
    let owner = Owner::new();
    owner.with(|| {
        let title = format!("{} · {}", page.view, page.workspace);
        let expiry = match &page.expires {
            Some(at) => format!(" The link works until {at}."),
            None => String::new(),
        };
        let body = match page.content {
            SharedContent::Items {
                page: items,
                statuses,
                next,
            } => view! { <SharedTable page=items statuses show_names=page.show_names next /> }.into_any(),
            SharedContent::Board(columns) => view! { <SharedBoard columns /> }.into_any(),
            SharedContent::Roadmap { lanes, statuses } => {
                view! { <SharedRoadmap lanes statuses /> }.into_any()
            }
            SharedContent::Timeline {
                data,
                statuses,
                params,
            } => view! { <SharedTimeline timeline=data statuses params /> }.into_any(),
            SharedContent::Chart(chart) => view! { <Plot slug=None chart /> }.into_any(),
        };
        let html = view! {
            <html lang="en">
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <meta name="color-scheme" content="light dark" />
                    <meta name="robots" content="noindex, nofollow" />
                    <meta name="referrer" content="no-referrer" />
                    // Text inside a title is all text, so the marker a
                    // view puts after text would show in the tab.
                    <title inner_html=escape_html(&title)></title>
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                    <link rel="stylesheet" href=stylesheet.to_owned() />
                </head>
                <body>
                    <main class="page shared-view" id="main">
                        <header class="shared-view__header">
                            <p class="muted small">{page.workspace.clone()}</p>
                            <h1>{page.view.clone()}</h1>
                            <p class="muted small">
                                {format!("A read-only {} shared from Waymark.{expiry}", page.kind.label().to_lowercase())}
                            </p>
                        </header>
                        {body}
                    </main>
                </body>
            </html>
        }
        .to_html();
        format!("<!DOCTYPE html>{html}")
    })
}
