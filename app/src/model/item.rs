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
