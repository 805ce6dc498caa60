//! What a form or an API call asks to change in an item, parsed once where
//! it comes in: the server functions read the forms' text with
//! [`ItemInput::from_form`], the REST API builds it from typed JSON. What
//! only the database can tell (is the status the workspace's, is the
//! assignee a member, does the end follow the start it keeps) is checked
//! in the write's transaction.

use crate::error::AppError;
use crate::model::{
    Horizon, ItemForm, ItemTitle, parse_body, parse_date, parse_tag_list, parse_tags, parse_title,
};

/// Each field parsed; `None` leaves a field as it is. For the fields that
/// may be empty, `Some(None)` empties them.
#[derive(Debug, Default, Clone)]
pub struct ItemInput {
    pub title: Option<ItemTitle>,
    pub description: Option<String>,
    pub status_id: Option<i64>,
    pub tags: Option<Vec<String>>,
    /// A member's user id, or nobody.
    pub assignee: Option<Option<i64>>,
    pub start_date: Option<Option<String>>,
    pub end_date: Option<Option<String>>,
    pub horizon: Option<Horizon>,
    pub archived: Option<bool>,
}

impl ItemInput {
    /// Reads the forms' text (see [`ItemForm`]).
    pub fn from_form(form: ItemForm) -> Result<Self, AppError> {
        let archived = match form.archived.as_deref().map(str::trim) {
            None => None,
            Some("1" | "true") => Some(true),
            Some("0" | "false") => Some(false),
            Some(_) => return Err(AppError::invalid("archived", "use 1 or 0")),
        };
        let status_id = status_id(form.status)?;
        let full = form.full.is_some();
        let emptied = |field: Option<String>| match full {
            true => Some(field.unwrap_or_default()),
            false => field,
        };
        let assignee = match emptied(form.assignee).as_deref().map(str::trim) {
            None => None,
            // A select's "Nobody" posts `none`: a form drops an empty field.
            Some("" | "none") => Some(None),
            Some(text) => {
                Some(Some(text.parse().map_err(|_| {
                    AppError::invalid("assignee", "choose a member")
                })?))
            }
        };
        Ok(Self {
            title: emptied(form.title).as_deref().map(title).transpose()?,
            description: emptied(form.description)
                .as_deref()
                .map(description)
                .transpose()?,
            status_id,
            tags: emptied(form.tags)
                .map(|text| parse_tags(&text).map_err(|m| AppError::invalid("tags", m)))
                .transpose()?,
            assignee,
            start_date: emptied(form.start_date)
                .map(|text| date("start_date", &text))
                .transpose()?,
            end_date: emptied(form.end_date)
                .map(|text| date("end_date", &text))
                .transpose()?,
            horizon: form
                .horizon
                .map(|text| {
                    Horizon::parse(text.trim()).ok_or_else(|| {
                        AppError::invalid("horizon", "choose Now, Next, Later or Unplanned")
                    })
                })
                .transpose()?,
            archived,
        })
    }
}

/// A status's id as a select posts it; empty for none.
pub fn status_id(text: Option<String>) -> Result<Option<i64>, AppError> {
    text.filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| AppError::invalid("status", "choose one of the workspace's statuses"))
        })
        .transpose()
}

pub fn title(text: &str) -> Result<ItemTitle, AppError> {
    parse_title(text).map_err(|m| AppError::invalid("title", m))
}

pub fn description(text: &str) -> Result<String, AppError> {
    parse_body(text, "description").map_err(|m| AppError::invalid("description", m))
}

/// Tags given one by one.
pub fn tags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, AppError> {
    parse_tag_list(tags).map_err(|m| AppError::invalid("tags", m))
}

/// A date as `YYYY-MM-DD`; empty for none.
pub fn date(field: &'static str, text: &str) -> Result<Option<String>, AppError> {
    parse_date(text).map_err(|m| AppError::invalid(field, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ItemForm {
        ItemForm::default()
    }

    #[test]
    fn a_field_left_out_stays_unless_the_form_sends_every_field() {
        let partial = ItemInput::from_form(ItemForm {
            status: Some("4".into()),
            ..form()
        })
        .unwrap();
        assert_eq!(partial.status_id, Some(4));
        assert!(partial.title.is_none() && partial.tags.is_none() && partial.assignee.is_none());

        let full = ItemInput::from_form(ItemForm {
            title: Some(" Dark mode ".into()),
            full: Some("1".into()),
            ..form()
        })
        .unwrap();
        assert_eq!(full.title.unwrap(), "Dark mode");
        assert_eq!(full.description.as_deref(), Some(""));
        assert_eq!(full.tags, Some(vec![]));
        assert_eq!(full.assignee, Some(None));
        assert_eq!((full.start_date, full.end_date), (Some(None), Some(None)));
        // A form always sends its horizon and status; none means "as it is".
        assert_eq!((full.horizon, full.status_id), (None, None));
    }

    #[test]
    fn each_field_is_checked_under_its_own_name() {
        let field_of = |form: ItemForm| match ItemInput::from_form(form) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field_of(ItemForm {
                archived: Some("yes".into()),
                ..form()
            }),
            "archived"
        );
        assert_eq!(
            field_of(ItemForm {
                status: Some("x".into()),
                ..form()
            }),
            "status"
        );
        assert_eq!(
            field_of(ItemForm {
                assignee: Some("7x".into()),
                ..form()
            }),
            "assignee"
        );
        assert_eq!(
            field_of(ItemForm {
                end_date: Some("2026-02-30".into()),
                ..form()
            }),
            "end_date"
        );
        assert_eq!(
            field_of(ItemForm {
                horizon: Some("soon".into()),
                ..form()
            }),
            "horizon"
        );
        assert_eq!(
            field_of(ItemForm {
                full: Some("1".into()),
                ..form()
            }),
            "title"
        );
        let nobody = ItemInput::from_form(ItemForm {
            assignee: Some(" none ".into()),
            horizon: Some(" next".into()),
            archived: Some("0".into()),
            ..form()
        })
        .unwrap();
        assert_eq!(nobody.assignee, Some(None));
        assert_eq!(nobody.horizon, Some(Horizon::Next));
        assert_eq!(nobody.archived, Some(false));
    }
}
