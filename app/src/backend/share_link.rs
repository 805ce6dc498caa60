//! What a share link shows: the saved view it publishes, read with the
//! view's own filter and nothing else, for a reader without an account.
//! A token that is malformed, unknown, revoked or expired finds nothing,
//! and every such case is the same `NotFound`.

use crate::backend::auth::token::SecretToken;
use crate::backend::db::share_links::{self, SharedView};
use crate::backend::db::{now_ms, statuses};
use crate::backend::{AppState, format_time, items, views};
use crate::error::AppError;
use crate::model::{
    BoardColumn, ChartData, ItemPage, ItemQuery, ItemSummary, RoadmapLane, Status, TimelineData,
    ViewKind, query_pairs,
};

/// A shared view, ready to draw.
#[derive(Debug, Clone)]
pub struct SharedPage {
    pub workspace: String,
    pub view: String,
    pub kind: ViewKind,
    pub show_names: bool,
    /// When the link stops working, if it does.
    pub expires: Option<String>,
    pub content: SharedContent,
}

/// The view's items, as its page draws them.
#[derive(Debug, Clone)]
pub enum SharedContent {
    Items {
        page: ItemPage,
        statuses: Vec<Status>,
        /// The next page's address, relative to this one.
        next: Option<String>,
    },
    Board(Vec<BoardColumn>),
    Roadmap {
        lanes: Vec<RoadmapLane>,
        statuses: Vec<Status>,
    },
    Timeline {
        data: TimelineData,
        statuses: Vec<Status>,
        /// The view's scale and grouping.
        params: String,
    },
    Chart(ChartData),
}

/// The live link with this token, or `NotFound`.
async fn live_link(state: &AppState, token: &str) -> Result<SharedView, AppError> {
    let token = SecretToken::from_client(token.to_owned()).ok_or(AppError::NotFound)?;
    share_links::find_live(&state.db, &token.hash().0, now_ms())
        .await?
        .ok_or(AppError::NotFound)
}

/// The shared view behind `token`. `after`: where the table's page starts
/// (the only thing a reader may choose; it pages through the view's own
/// filter and reaches nothing outside it).
pub async fn load(
    state: &AppState,
    token: &str,
    after: Option<&str>,
) -> Result<SharedPage, AppError> {
    let link = live_link(state, token).await?;
    let workspace = &link.workspace;
    let kind = link.view.kind;
    let (params, _dropped) = views::clean(state, workspace, kind, &link.view.params).await?;
    let pairs = query_pairs(&params);
    let mut query = ItemQuery::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let content = match kind {
        ViewKind::Items => {
            query.after = after
                .filter(|a| !a.is_empty() && a.len() <= 300)
                .map(str::to_owned);
            let page = items::list(state, workspace, &query).await?;
            let next = page.next.as_ref().map(|cursor| {
                ItemQuery {
                    after: Some(cursor.clone()),
                    ..ItemQuery::from_params([])
                }
                .to_query_string()
            });
            SharedContent::Items {
                page,
                statuses: statuses::list(&state.db, workspace.id).await?,
                next,
            }
        }
        ViewKind::Board => SharedContent::Board(items::board(state, workspace, &query).await?),
        ViewKind::Roadmap => SharedContent::Roadmap {
            lanes: items::roadmap(state, workspace, &query).await?,
            statuses: statuses::list(&state.db, workspace.id).await?,
        },
        ViewKind::Timeline => SharedContent::Timeline {
            data: items::timeline(state, workspace, &query).await?,
            statuses: statuses::list(&state.db, workspace.id).await?,
            params,
        },
        ViewKind::Chart => {
            let size = pairs
                .iter()
                .find(|(name, _)| name == "size")
                .and_then(|(_, id)| id.parse().ok());
            SharedContent::Chart(items::chart(state, workspace, &query, size).await?)
        }
    };
    let mut page = SharedPage {
        workspace: workspace.name.clone(),
        view: link.view.name.clone(),
        kind,
        show_names: link.show_names,
        expires: link.expires_at.map(format_time),
        content,
    };
    if !page.show_names {
        page.content.hide_names();
    }
    Ok(page)
}

impl SharedContent {
    /// Leaves out who each item is assigned to.
    fn hide_names(&mut self) {
        fn hide(items: &mut [ItemSummary]) {
            for item in items {
                item.assignee = None;
            }
        }
        match self {
            Self::Items { page, .. } => hide(&mut page.items),
            Self::Board(columns) => columns.iter_mut().for_each(|c| hide(&mut c.items)),
            Self::Roadmap { lanes, .. } => lanes.iter_mut().for_each(|l| hide(&mut l.items)),
            Self::Timeline { data, .. } => {
                hide(&mut data.scheduled);
                hide(&mut data.unscheduled);
            }
            Self::Chart(_) => {}
        }
    }
}
