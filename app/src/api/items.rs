//! Items: the list views, the item page, edits, comments. Each function
//! takes the workspace's slug, passes `access::require` first and hands the
//! work to `backend::items`, which the REST API calls too.

// A form's fields are a server function's arguments, and an item has many.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{BoardColumn, ChartData, ItemChoices, ItemDetail, ItemForm, ItemPage};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

/// A page of the workspace's items. `params` is the view's URL query
/// (`q=…&status=…&sort=…&after=…`), read the same way on every path.
#[server(prefix = "/fn", endpoint = "w/items")]
pub async fn load_items(slug: String, params: String) -> Result<ItemPage, AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        let query = item_query(&params);
        items::list(&state(), &access.workspace, &query).await
    })
    .await
}

/// The board's columns, with the filter of `params` (as for `load_items`).
#[server(prefix = "/fn", endpoint = "w/board")]
pub async fn load_board(slug: String, params: String) -> Result<Vec<BoardColumn>, AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        let query = item_query(&params);
        items::board(&state(), &access.workspace, &query).await
    })
    .await
}

/// The value-vs-effort chart, with the filter of `params` (as for
/// `load_items`) and `size=<criterion id>` to size the bubbles by.
#[server(prefix = "/fn", endpoint = "w/chart")]
pub async fn load_chart(slug: String, params: String) -> Result<ChartData, AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        let query = item_query(&params);
        let size = url::form_urlencoded::parse(params.as_bytes())
            .take(32)
            .find(|(name, _)| name == "size")
            .and_then(|(_, id)| id.trim().parse().ok());
        items::chart(&state(), &access.workspace, &query, size).await
    })
    .await
}

/// Moves a card: into the column of `status`, below the card `after` and
/// above the card `before` (keys; neither puts it on top). Returns the
/// item's new version.
#[server(prefix = "/fn", endpoint = "w/items/move")]
pub async fn move_item(
    slug: String,
    key: String,
    version: i64,
    status: String,
    after: Option<String>,
    before: Option<String>,
) -> Result<i64, AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let status_id = items::input::status_id(Some(status))?
            .ok_or_else(|| AppError::invalid("status", "choose one of the workspace's statuses"))?;
        let place = items::Placement {
            lane: items::Lane::Status(status_id),
            after,
            before,
        };
        items::move_to(&state(), &access, &key, version, place).await
    })
    .await
}

/// A view's URL query (`q=…&status=…`), at most 32 parameters of it.
#[cfg(feature = "ssr")]
pub(crate) fn item_query(params: &str) -> crate::model::ItemQuery {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(params.as_bytes())
        .into_owned()
        .take(32)
        .collect();
    crate::model::ItemQuery::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The workspace's statuses, members and tags: what the filter bar and the
/// edit controls offer.
#[server(prefix = "/fn", endpoint = "w/items/choices")]
pub async fn load_item_choices(slug: String) -> Result<ItemChoices, AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        items::choices(&state(), &access.workspace).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "w/items/get")]
pub async fn load_item(slug: String, key: String) -> Result<ItemDetail, AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        items::detail(&state(), &access, &key).await
    })
    .await
}

/// Adds an item; only the title is needed. With `open` set the browser
/// goes on to the new item's page; otherwise it stays where it was (the
/// quick-add field). Returns the new key.
#[server(prefix = "/fn", endpoint = "w/items/create")]
pub async fn create_item(
    slug: String,
    title: String,
    description: Option<String>,
    status: Option<String>,
    tags: Option<String>,
    assignee: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    horizon: Option<String>,
    open: Option<String>,
) -> Result<String, AppError> {
    use crate::backend::{access, items, request, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let input = items::ItemInput::from_form(ItemForm {
            title: Some(title),
            description,
            status,
            tags,
            assignee,
            start_date,
            end_date,
            horizon,
            ..ItemForm::default()
        })?;
        let key = items::create(&state(), &access, input).await?;
        if open.is_some() {
            request::redirect(&format!("/w/{}/items/{key}", access.workspace.slug));
        }
        Ok(key)
    })
    .await
}

/// Changes the fields the form gives (see [`ItemForm`]), if the item is
/// still at `version`; returns the new version.
#[server(prefix = "/fn", endpoint = "w/items/update")]
pub async fn update_item(
    slug: String,
    key: String,
    version: i64,
    #[server(flatten)] fields: ItemForm,
) -> Result<i64, AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let input = items::ItemInput::from_form(fields)?;
        items::update(&state(), &access, &key, version, input).await
    })
    .await
}

/// Applies one action to the selected items, in one transaction: `action`
/// is `status` (with `status`), `archive`, `restore` or `delete`. `keys`
/// comes from the table's checkboxes (`keys[3]=WAY-12`). Returns how many
/// items changed.
#[server(prefix = "/fn", endpoint = "w/items/bulk")]
pub async fn bulk_update_items(
    slug: String,
    #[server(default)] keys: Vec<String>,
    action: String,
    status: Option<String>,
) -> Result<usize, AppError> {
    use crate::backend::items::BulkAction;
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let action = match action.as_str() {
            "status" => BulkAction::SetStatus(
                items::input::status_id(status)?
                    .ok_or_else(|| AppError::invalid("status", "choose the status to give them"))?,
            ),
            "archive" => BulkAction::Archive,
            "restore" => BulkAction::Restore,
            "delete" => BulkAction::Delete,
            _ => {
                return Err(AppError::invalid(
                    "action",
                    "use status, archive, restore or delete",
                ));
            }
        };
        items::bulk(&state(), &access, &keys, action).await
    })
    .await
}

/// Deletes an item for good, with its comments and history. An item that
/// is already gone counts as deleted.
#[server(prefix = "/fn", endpoint = "w/items/delete")]
pub async fn delete_item(slug: String, key: String) -> Result<(), AppError> {
    use crate::backend::{access, items, request, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        match items::delete(&state(), &access, &key).await {
            Ok(()) | Err(AppError::NotFound) => {}
            Err(other) => return Err(other),
        }
        request::redirect(&format!("/w/{}/items", access.workspace.slug));
        Ok(())
    })
    .await
}

#[server(prefix = "/fn", endpoint = "w/items/comments/add")]
pub async fn add_comment(slug: String, key: String, body: String) -> Result<(), AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Contribute).await?;
        items::add_comment(&state(), &access, &key, &body)
            .await
            .map(drop)
    })
    .await
}

/// Changes a comment's text; only its author may.
#[server(prefix = "/fn", endpoint = "w/items/comments/edit")]
pub async fn edit_comment(slug: String, comment_id: i64, body: String) -> Result<(), AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Contribute).await?;
        items::edit_comment(&state(), &access, comment_id, &body).await
    })
    .await
}

/// Deletes a comment; its author or an owner may.
#[server(prefix = "/fn", endpoint = "w/items/comments/delete")]
pub async fn delete_comment(slug: String, comment_id: i64) -> Result<(), AppError> {
    use crate::backend::{access, items, state};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Contribute).await?;
        items::delete_comment(&state(), &access, comment_id).await
    })
    .await
}
