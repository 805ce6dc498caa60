//! Items, their statuses, comments and history, and the filter and sort a
//! list of items is asked for with (the URL's query carries them).

use serde::{Deserialize, Serialize};

/// Where an item sits on the roadmap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Horizon {
    Now,
    Next,
    Later,
    #[default]
    Unplanned,
}

impl Horizon {
    pub const ALL: [Horizon; 4] = [Self::Now, Self::Next, Self::Later, Self::Unplanned];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Now => "now",
            Self::Next => "next",
            Self::Later => "later",
            Self::Unplanned => "unplanned",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Now => "Now",
            Self::Next => "Next",
            Self::Later => "Later",
            Self::Unplanned => "Unplanned",
        }
    }
}

impl std::fmt::Display for Horizon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Horizon {
    type Err = ();

    fn from_str(value: &str) -> Result<Self, ()> {
        Self::parse(value).ok_or(())
    }
}

/// What a status means for reports and views: not started, under way, or
/// finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusCategory {
    Planned,
    Active,
    Done,
}

impl StatusCategory {
    pub const ALL: [StatusCategory; 3] = [Self::Planned, Self::Active, Self::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Active => "active",
            Self::Done => "done",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Planned => "Planned",
            Self::Active => "Active",
            Self::Done => "Done",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub id: i64,
    pub name: String,
    /// `#rrggbb`
    pub color: String,
    pub category: StatusCategory,
}

/// Someone an item can be assigned to: a member of its workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

/// One row of the table and one card of the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemSummary {
    pub key: String,
    pub title: String,
    pub status_id: i64,
    pub assignee: Option<Person>,
    pub horizon: Horizon,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub tags: Vec<String>,
    pub archived: bool,
    pub version: i64,
    /// When it last changed, as people read it.
    pub updated: String,
    /// The same, in milliseconds since 1970.
    pub updated_ms: i64,
    /// The priority score (none until enough is rated).
    pub score: Option<f64>,
    /// Some criterion that counts is not rated yet.
    pub partly_rated: bool,
    /// Why a formula gives it no score although it is rated ("Effort is 0,
    /// and the formula divides by it").
    pub no_score_reason: Option<String>,
}

/// A page of items in the order asked for, with where the next one starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemPage {
    pub items: Vec<ItemSummary>,
    /// How many items match the filter in all.
    pub total: i64,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

/// One status's column of the board: its first cards in rank order and how
/// many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardColumn {
    pub status: Status,
    pub items: Vec<ItemSummary>,
    pub total: i64,
}

/// One horizon's lane of the roadmap: its first cards in roadmap order and
/// how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadmapLane {
    pub horizon: Horizon,
    pub items: Vec<ItemSummary>,
    pub total: i64,
}

/// Everything the item page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemDetail {
    pub summary: ItemSummary,
    pub description: String,
    /// The description rendered and sanitised on the server.
    pub description_html: String,
    pub created_by: String,
    pub created: String,
    /// When it was made, in milliseconds since 1970.
    pub created_ms: i64,
    pub updated_by: String,
    pub comments: Vec<CommentView>,
    pub activity: Vec<ActivityEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub body_html: String,
    pub created: String,
    /// When it was written, in milliseconds since 1970.
    pub created_ms: i64,
    pub edited: bool,
    /// Whether the viewer may edit it (its author) or delete it (its author
    /// or an owner).
    pub can_edit: bool,
    pub can_delete: bool,
}

/// One change to an item: who changed which field from what to what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub actor: String,
    pub at: String,
    /// When, in milliseconds since 1970: the entries of one action share it.
    pub at_ms: i64,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
}

/// What the statuses, members and tags of a workspace are, for the filter
/// bar and the edit controls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ItemChoices {
    pub statuses: Vec<Status>,
    pub people: Vec<Person>,
    pub tags: Vec<String>,
}

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

/// An item's fields as its forms post them, as typed: the table's row
/// selects, the timeline's dates and the item page's form all send these.
/// A field left out stays as it is, except on a form marked `full`, which
/// sends every field: a form drops an emptied field, so there a missing
/// one is an emptied one. `status` and `assignee` are ids (`none` for
/// nobody), `horizon` a horizon's name, `archived` `1` or `0`.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemForm {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub tags: Option<String>,
    pub assignee: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub horizon: Option<String>,
    pub archived: Option<String>,
    pub full: Option<String>,
}

/// The longest title an item may have, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest description or comment, in characters.
pub const MAX_BODY: usize = 20_000;
/// How many tags one item may carry.
pub const MAX_TAGS: usize = 20;

/// An item's title: one line of 1 to [`MAX_TITLE`] characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemTitle(String);

impl ItemTitle {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl PartialEq<&str> for ItemTitle {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for ItemTitle {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Display for ItemTitle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn parse_title(input: &str) -> Result<ItemTitle, String> {
    let title = input.trim();
    match title.chars().count() {
        0 => Err("give the item a title".into()),
        n if n > MAX_TITLE => Err(format!("use at most {MAX_TITLE} characters")),
        _ if title.chars().any(char::is_control) => {
            Err("use a single line without control characters".into())
        }
        _ => Ok(ItemTitle(title.to_owned())),
    }
}

pub fn parse_body(input: &str, what: &str) -> Result<String, String> {
    let body = input.trim_end();
    if body.chars().count() > MAX_BODY {
        return Err(format!("keep the {what} under {MAX_BODY} characters"));
    }
    Ok(body.replace("\r\n", "\n"))
}

/// A tag: 1 to 32 characters, lower-cased; letters, digits, spaces and
/// `-_./+#` only, so that it reads the same in a URL, a list and a chip.
pub fn parse_tag(input: &str) -> Result<String, String> {
    let tag = input.trim().to_lowercase();
    let length = tag.chars().count();
    if length == 0 || length > 32 {
        return Err("tags have 1 to 32 characters".into());
    }
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '/' | '+' | '#'))
    {
        return Err(format!(
            "“{tag}”: use letters, digits, spaces and - _ . / + # in tags"
        ));
    }
    Ok(tag.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Tags typed as one comma-separated field: each parsed, duplicates
/// dropped, sorted.
pub fn parse_tags(input: &str) -> Result<Vec<String>, String> {
    parse_tag_list(input.split(',').filter(|p| !p.trim().is_empty()))
}

/// Tags given one by one (as the REST API takes them): each parsed,
/// duplicates dropped, sorted.
pub fn parse_tag_list<'a>(parts: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, String> {
    let mut tags = Vec::new();
    for part in parts {
        let tag = parse_tag(part)?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("use at most {MAX_TAGS} tags"));
    }
    tags.sort();
    Ok(tags)
}

/// A date as `YYYY-MM-DD` (what a date input sends), between the years 1900
/// and 9999; empty means none.
pub fn parse_date(input: &str) -> Result<Option<String>, String> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let bad = || format!("“{value}” is not a date (use YYYY-MM-DD)");
    let parts: Vec<&str> = value.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(bad());
    };
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return Err(bad());
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<u32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return Err(bad());
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if !(1900..=9999).contains(&year) || day == 0 || day > days_in_month {
        return Err(bad());
    }
    Ok(Some(value.to_owned()))
}

/// An item's key: its workspace's prefix, a dash and its number (`WAY-12`).
pub fn key_of(key_prefix: &str, number: i64) -> String {
    format!("{key_prefix}-{number}")
}

/// The item's number from a key in a URL; any prefix is accepted, so a
/// link keeps working after the workspace's prefix changed.
pub fn number_of(key: &str) -> Result<i64, crate::error::AppError> {
    split_key(key)
        .map(|(_, number)| number)
        .ok_or(crate::error::AppError::NotFound)
}

/// `WAY-12` → (`WAY`, 12).
pub fn split_key(key: &str) -> Option<(&str, i64)> {
    let (prefix, number) = key.rsplit_once('-')?;
    let number: i64 = number.parse().ok().filter(|n| *n > 0)?;
    let well_formed = !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_alphanumeric());
    well_formed.then_some((prefix, number))
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

    #[test]
    fn tags_and_titles() {
        assert_eq!(
            parse_tags(" Mobile ,api,mobile,  Dark   Mode ").unwrap(),
            vec!["api", "dark mode", "mobile"]
        );
        assert!(parse_tags("a,<b>").is_err());
        assert!(
            parse_tags(
                &(0..21)
                    .map(|i| format!("t{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
            .is_err()
        );
        assert!(parse_title("  ").is_err());
        assert!(parse_title("a\u{0}b").is_err());
        assert_eq!(parse_title("  Dark mode ").unwrap(), "Dark mode");
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("").unwrap(), None);
        assert_eq!(
            parse_date("2026-02-28").unwrap().as_deref(),
            Some("2026-02-28")
        );
        assert_eq!(
            parse_date("2028-02-29").unwrap().as_deref(),
            Some("2028-02-29")
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "26-01-01",
            "2026-1-1",
            "1800-01-01",
            "x",
            "2026-04-31",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys() {
        assert_eq!(split_key("WAY-12"), Some(("WAY", 12)));
        assert_eq!(split_key("ab1-3"), Some(("ab1", 3)));
        for bad in ["WAY", "WAY-", "-3", "WAY-0", "WAY--1", "WAY-x", "A-B-3"] {
            assert_eq!(split_key(bad), None, "{bad}");
        }
    }
}
