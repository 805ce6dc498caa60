//! Saved views and the read-only links that share them.

use serde::{Deserialize, Serialize};

use crate::model::ItemQuery;
use crate::model::item_query::{escape_query_value, query_pairs};

/// Which page a saved view opens: each lists the workspace's items its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViewKind {
    Items,
    Board,
    Roadmap,
    Timeline,
    Chart,
}

impl ViewKind {
    pub const ALL: [ViewKind; 5] = [
        ViewKind::Items,
        ViewKind::Board,
        ViewKind::Roadmap,
        ViewKind::Timeline,
        ViewKind::Chart,
    ];

    /// Its name in the database and its page's path under `/w/:slug/`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Items => "items",
            Self::Board => "board",
            Self::Roadmap => "roadmap",
            Self::Timeline => "timeline",
            Self::Chart => "chart",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Items => "Table",
            Self::Board => "Board",
            Self::Roadmap => "Roadmap",
            Self::Timeline => "Timeline",
            Self::Chart => "Chart",
        }
    }

    /// The parameters this view reads beside the filter's, and whether a
    /// value is one it takes.
    fn takes(self, name: &str, value: &str) -> bool {
        match (self, name) {
            (Self::Timeline, "scale") => matches!(value, "month" | "quarter"),
            (Self::Timeline, "group") => matches!(value, "status" | "tag"),
            (Self::Chart, "size") => value.parse::<i64>().is_ok_and(|id| id > 0),
            _ => false,
        }
    }

    /// `params` (a URL query without its `?`) as this view will store it:
    /// the filter, sort and grouping it understands, in a fixed order;
    /// paging, the saved view's own marker and anything unknown are left
    /// out. The filter as read, and the view's own parameters, come back too.
    pub fn normalise(self, params: &[(String, String)]) -> (ItemQuery, Vec<(String, String)>) {
        let mut query =
            ItemQuery::from_params(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        query.after = None;
        query.view = None;
        let mut own: Vec<(String, String)> = Vec::new();
        for (name, value) in params {
            let value = value.trim();
            if self.takes(name, value) && !own.iter().any(|(n, _)| n == name) {
                own.push((name.clone(), value.to_owned()));
            }
        }
        own.sort();
        (query, own)
    }

    /// `params` as a saved view stores them: [`Self::normalise`]d and
    /// written back as a query, so that equal views have equal text.
    pub fn canonical(self, params: &str) -> String {
        let (query, own) = self.normalise(&query_pairs(params));
        join_params(&query, &own)
    }

    /// The page showing this view of the workspace at `slug`, with `params`
    /// (canonical) and, for a saved one, `view=id`.
    pub fn href(self, slug: &str, params: &str, view: Option<i64>) -> String {
        let mut href = format!("/w/{slug}/{}", self.as_str());
        let mut separator = '?';
        if !params.is_empty() {
            href.push(separator);
            href.push_str(params);
            separator = '&';
        }
        if let Some(id) = view {
            href.push(separator);
            href.push_str(&format!("view={id}"));
        }
        href
    }
}

/// A filter and a view's own parameters as a URL query without the `?`.
pub fn join_params(query: &ItemQuery, own: &[(String, String)]) -> String {
    let filter = query.to_query_string();
    let mut parts: Vec<String> = Vec::new();
    if let Some(filter) = filter.strip_prefix('?') {
        parts.push(filter.to_owned());
    }
    parts.extend(
        own.iter()
            .map(|(name, value)| format!("{name}={}", escape_query_value(value))),
    );
    parts.join("&")
}

/// The longest name a saved view may have, in characters.
pub const MAX_VIEW_NAME: usize = 80;
/// How many saved views one workspace may hold.
pub const MAX_SAVED_VIEWS: usize = 200;
/// How many live share links one saved view may have.
pub const MAX_SHARE_LINKS: usize = 20;

/// A saved view's name, trimmed: 1 to [`MAX_VIEW_NAME`] characters, no
/// control characters.
pub fn parse_view_name(text: &str) -> Result<String, String> {
    let name = text.trim();
    if name.is_empty() {
        return Err("give the view a name".into());
    }
    if name.chars().count() > MAX_VIEW_NAME {
        return Err(format!("at most {MAX_VIEW_NAME} characters"));
    }
    if name.chars().any(char::is_control) {
        return Err("no control characters".into());
    }
    Ok(name.to_owned())
}

/// A saved view as the sidebar lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: i64,
    pub name: String,
    pub kind: ViewKind,
    /// Its own address, `/w/:slug/views/:id`, which opens its page.
    pub href: String,
}

/// A saved view opened on its page: what it is, what of its filter no
/// longer applies, and (for editors) its share links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedView {
    pub view: SavedView,
    /// Its page with its filter, sort and grouping, and `view=id` so that
    /// the page knows which saved view it shows.
    pub target: String,
    /// The stored parameters, normalised (what "reset" goes back to).
    pub params: String,
    /// What the filter named that is gone (a deleted status, a tag no item
    /// has any more, a former member), said for people.
    pub dropped: Vec<String>,
    /// Empty unless the reader may manage share links.
    pub links: Vec<ShareLinkInfo>,
    /// The address of the link this reader made in the last five minutes,
    /// for a page loaded after a form post without JavaScript.
    pub new_link: Option<String>,
}

/// A live share link, as its view and the workspace's settings list it.
/// The token is not here: it is shown once, when the link is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLinkInfo {
    pub id: i64,
    pub view_id: i64,
    pub view_name: String,
    pub view_kind: ViewKind,
    pub show_names: bool,
    pub created_by: String,
    pub created: String,
    /// `None`: it does not expire.
    pub expires: Option<String>,
}

/// A share link just made: the whole address, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShareLink {
    pub url: String,
    pub link: ShareLinkInfo,
}

/// The longest a share link may live, in days (the form offers less).
pub const MAX_SHARE_DAYS: i64 = 3660;

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        text.split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    #[test]
    fn a_view_keeps_its_own_parameters_and_the_filter_only() {
        let (query, own) = ViewKind::Timeline.normalise(&pairs(
            "group=tag&scale=quarter&scale=month&size=3&after=x&view=9&status=2&evil=1",
        ));
        assert_eq!(query.status, Some(2));
        assert_eq!(query.after, None);
        assert_eq!(query.view, None);
        assert_eq!(
            own,
            vec![
                ("group".to_owned(), "tag".to_owned()),
                ("scale".to_owned(), "quarter".to_owned())
            ]
        );
        let (_, own) = ViewKind::Chart.normalise(&pairs("size=3&group=tag"));
        assert_eq!(own, vec![("size".to_owned(), "3".to_owned())]);
        let (_, own) = ViewKind::Board.normalise(&pairs("size=3&scale=month&size=-1"));
        assert!(own.is_empty());
        let (_, own) = ViewKind::Chart.normalise(&pairs("size=-1"));
        assert!(own.is_empty());
    }

    #[test]
    fn equal_views_have_equal_text() {
        let a = ViewKind::Timeline.canonical("scale=quarter&q=dark+mode&status=2&view=4&after=x");
        let b = ViewKind::Timeline.canonical("status=2&q=dark%20mode&scale=quarter&junk=1");
        assert_eq!(a, b);
        assert_eq!(a, "q=dark+mode&status=2&scale=quarter");
        assert_eq!(ViewKind::Board.canonical(""), "");
        assert_eq!(
            ViewKind::Timeline.href("acme", &a, Some(4)),
            "/w/acme/timeline?q=dark+mode&status=2&scale=quarter&view=4"
        );
        assert_eq!(
            ViewKind::Board.href("acme", "", Some(4)),
            "/w/acme/board?view=4"
        );
        assert_eq!(ViewKind::Board.href("acme", "", None), "/w/acme/board");
    }

    #[test]
    fn names() {
        assert_eq!(parse_view_name("  Q3 plan ").unwrap(), "Q3 plan");
        assert!(parse_view_name(" ").is_err());
        assert!(parse_view_name("a\u{7}b").is_err());
        assert!(parse_view_name(&"x".repeat(81)).is_err());
        assert!(parse_view_name(&"é".repeat(80)).is_ok());
        for kind in ViewKind::ALL {
            assert_eq!(ViewKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ViewKind::parse("admin"), None);
    }
}
