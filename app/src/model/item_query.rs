//! A view's query: the filter, the sort and the page of a list of items,
//! read from and written into the URL, so that every view is a link.

use serde::{Deserialize, Serialize};

use crate::model::{Horizon, parse_tag};

/// A column the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum SortColumn {
    Key,
    Title,
    Status,
    Assignee,
    Horizon,
    Start,
    End,
    Tags,
    #[default]
    Updated,
    Score,
}

impl SortColumn {
    pub const ALL: [SortColumn; 10] = [
        Self::Key,
        Self::Title,
        Self::Status,
        Self::Assignee,
        Self::Horizon,
        Self::Start,
        Self::End,
        Self::Tags,
        Self::Updated,
        Self::Score,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Key => "key",
            Self::Title => "title",
            Self::Status => "status",
            Self::Assignee => "assignee",
            Self::Horizon => "horizon",
            Self::Start => "start",
            Self::End => "end",
            Self::Tags => "tags",
            Self::Updated => "updated",
            Self::Score => "score",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The direction a click on the column's header sorts first.
    pub fn first_descending(self) -> bool {
        matches!(self, Self::Updated | Self::Key | Self::Score)
    }
}

/// Which items a view shows and in what order: what the filter bar and the
/// column headers set, read from and written to the URL's query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ItemQuery {
    /// Words that must all appear in the title, description or tags.
    pub text: String,
    pub status: Option<i64>,
    pub tag: Option<String>,
    /// A member's id; `Some(0)` means "nobody".
    pub assignee: Option<i64>,
    pub horizon: Option<Horizon>,
    /// Only items scored at least / at most this (items without a score
    /// are left out once either is set).
    pub score_min: Option<ScoreBound>,
    pub score_max: Option<ScoreBound>,
    /// Show archived items instead of the others.
    pub archived: bool,
    pub sort: SortColumn,
    pub descending: bool,
    /// Where the page starts (from a previous page's `next`).
    pub after: Option<String>,
    /// The saved view the page shows, if it is one: carried along as the
    /// filter changes, so that the view can be updated with the change.
    pub view: Option<i64>,
}

/// The longest search text taken; more is cut.
pub const MAX_QUERY_TEXT: usize = 200;

impl ItemQuery {
    /// Reads a query from URL parameters. Unknown or malformed values are
    /// dropped rather than refused: a hand-edited or old link still opens.
    pub fn from_params<'a>(params: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut query = Self {
            descending: true,
            ..Self::default()
        };
        let mut direction = None;
        for (name, value) in params {
            let value = value.trim();
            match name {
                "q" => query.text = value.chars().take(MAX_QUERY_TEXT).collect(),
                "status" => query.status = value.parse().ok().filter(|id| *id > 0),
                "tag" if !value.is_empty() => query.tag = parse_tag(value).ok(),
                "assignee" if value == "none" => query.assignee = Some(0),
                "assignee" => query.assignee = value.parse().ok().filter(|id| *id > 0),
                "horizon" => query.horizon = Horizon::parse(value),
                "score_min" => query.score_min = ScoreBound::parse(value),
                "score_max" => query.score_max = ScoreBound::parse(value),
                "archived" => query.archived = value == "1" || value == "true",
                "sort" => {
                    if let Some(column) = SortColumn::parse(value) {
                        query.sort = column;
                    }
                }
                "dir" => direction = Some(value == "desc"),
                "after" if !value.is_empty() && value.len() <= 300 => {
                    query.after = Some(value.to_owned())
                }
                "view" => query.view = value.parse().ok().filter(|id| *id > 0),
                _ => {}
            }
        }
        query.descending = direction.unwrap_or(query.sort.first_descending());
        query
    }

    /// The query as URL parameters, leaving out what is the default.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if !self.text.is_empty() {
            params.push(("q", self.text.clone()));
        }
        if let Some(status) = self.status {
            params.push(("status", status.to_string()));
        }
        if let Some(tag) = &self.tag {
            params.push(("tag", tag.clone()));
        }
        match self.assignee {
            Some(0) => params.push(("assignee", "none".to_owned())),
            Some(id) => params.push(("assignee", id.to_string())),
            None => {}
        }
        if let Some(horizon) = self.horizon {
            params.push(("horizon", horizon.as_str().to_owned()));
        }
        if let Some(min) = self.score_min {
            params.push(("score_min", min.to_string()));
        }
        if let Some(max) = self.score_max {
            params.push(("score_max", max.to_string()));
        }
        if self.archived {
            params.push(("archived", "1".to_owned()));
        }
        if self.sort != SortColumn::default() || self.descending != self.sort.first_descending() {
            params.push(("sort", self.sort.as_str().to_owned()));
            params.push((
                "dir",
                if self.descending { "desc" } else { "asc" }.to_owned(),
            ));
        }
        if let Some(after) = &self.after {
            params.push(("after", after.clone()));
        }
        if let Some(view) = self.view {
            params.push(("view", view.to_string()));
        }
        params
    }

    /// `?a=b&c=d` (or nothing), escaped for a link.
    pub fn to_query_string(&self) -> String {
        let params = self.to_params();
        if params.is_empty() {
            return String::new();
        }
        let pairs: Vec<String> = params
            .iter()
            .map(|(name, value)| format!("{name}={}", escape_query_value(value)))
            .collect();
        format!("?{}", pairs.join("&"))
    }

    /// Whether any filter narrows the list.
    pub fn is_filtered(&self) -> bool {
        !self.text.is_empty() || self.filters_fields()
    }

    /// Whether a filter other than the words narrows the list.
    pub fn filters_fields(&self) -> bool {
        self.status.is_some()
            || self.tag.is_some()
            || self.assignee.is_some()
            || self.horizon.is_some()
            || self.score_min.is_some()
            || self.score_max.is_some()
    }
}

/// A bound of the score filter, kept in tenths (a score has one decimal),
/// so that a query can be compared and hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScoreBound(i64);

impl ScoreBound {
    /// A number as typed (`50`, `72.5`); anything else, or a number no
    /// score reaches, is no bound.
    pub fn parse(text: &str) -> Option<Self> {
        let value: f64 = text.trim().parse().ok()?;
        (value.is_finite() && value.abs() < 1e15).then(|| Self((value * 10.0).round() as i64))
    }

    pub fn value(self) -> f64 {
        self.0 as f64 / 10.0
    }
}

impl std::fmt::Display for ScoreBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 % 10 == 0 {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{:.1}", self.value())
        }
    }
}

/// A URL query (`a=b&c=d`, without the `?`) as decoded pairs, at most 32
/// of them; a pair that does not decode is dropped.
pub fn query_pairs(params: &str) -> Vec<(String, String)> {
    params
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode_query_part(name)?, decode_query_part(value)?))
        })
        .take(32)
        .collect()
}

/// `application/x-www-form-urlencoded` decoding of one name or value.
fn decode_query_part(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

pub(crate) fn escape_query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_round_trip_through_the_url() {
        let query = ItemQuery {
            text: "dark mode".into(),
            status: Some(3),
            tag: Some("mobile app".into()),
            assignee: Some(0),
            horizon: Some(Horizon::Next),
            score_min: ScoreBound::parse("40"),
            score_max: ScoreBound::parse("72.5"),
            archived: true,
            sort: SortColumn::Title,
            descending: false,
            after: Some("t:abc".into()),
            view: Some(7),
        };
        let params = query.to_params();
        let read = ItemQuery::from_params(params.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!(read, query);
        assert_eq!(
            query.to_query_string(),
            "?q=dark+mode&status=3&tag=mobile+app&assignee=none&horizon=next&score_min=40&score_max=72.5&archived=1&sort=title&dir=asc&after=t%3Aabc&view=7"
        );
        assert_eq!(ItemQuery::from_params([]).to_query_string(), "");
    }

    #[test]
    fn bad_parameters_are_dropped() {
        let read = ItemQuery::from_params([
            ("status", "-1"),
            ("status", "x"),
            ("tag", "<script>"),
            ("assignee", "1 OR 1=1"),
            ("horizon", "soon"),
            ("sort", "password"),
            ("q", &"x".repeat(500)),
            ("score_min", "NaN"),
            ("score_max", "1e400"),
        ]);
        assert_eq!(read.score_min, None);
        assert_eq!(read.score_max, None);
        assert_eq!(read.status, None);
        assert_eq!(read.tag, None);
        assert_eq!(read.assignee, None);
        assert_eq!(read.horizon, None);
        assert_eq!(read.sort, SortColumn::Updated);
        assert_eq!(read.text.len(), MAX_QUERY_TEXT);
    }
}
