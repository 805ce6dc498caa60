//! Saved views (`/w/:slug/views/:id`) and the share links that publish
//! them (`/s/:token`, served outside the app: see `backend::share_link`).
//! Everyone in the workspace sees and opens its saved views; editors and
//! owners make, change and share them.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{NewShareLink, OpenedView, SavedView, ShareLinkInfo};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "w/views")]
pub async fn load_saved_views(slug: String) -> Result<Vec<SavedView>, AppError> {
    use crate::backend::{access, state, views};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        views::list(&state(), &access.workspace).await
    })
    .await
}

/// A saved view with its filter checked against what exists now; for
/// editors, its live share links and the one just made (once, after a
/// form post without JavaScript).
#[server(prefix = "/fn", endpoint = "w/views/open")]
pub async fn open_saved_view(slug: String, id: i64) -> Result<OpenedView, AppError> {
    use crate::backend::{access, state, views};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        let editor = access.role.allows(Permission::Edit);
        let mut opened = views::open(&state(), &access.workspace, id, editor).await?;
        if editor {
            opened.new_link = views::new_link(&state(), &opened).await?;
        }
        Ok(opened)
    })
    .await
}

/// Saves the page `kind` with `params` (its URL query) as a view called
/// `name`, and goes to it.
#[server(prefix = "/fn", endpoint = "w/views/create")]
pub async fn create_view(
    slug: String,
    name: String,
    kind: String,
    params: String,
) -> Result<SavedView, AppError> {
    use crate::backend::{access, request, state, views};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let saved = views::create(&state(), &access, &name, &kind, &params).await?;
        request::redirect(&saved.href);
        Ok(saved)
    })
    .await
}

/// Renames a saved view (`name`), or saves the page's current filter,
/// sort and grouping into it (`params`).
#[server(prefix = "/fn", endpoint = "w/views/update")]
pub async fn update_view(
    slug: String,
    id: i64,
    name: Option<String>,
    params: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{access, state, views};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        views::update(&state(), &access, id, name.as_deref(), params.as_deref()).await
    })
    .await
}

/// Deletes a saved view and its share links, and goes to its page without
/// it.
#[server(prefix = "/fn", endpoint = "w/views/delete")]
pub async fn delete_view(slug: String, id: i64) -> Result<(), AppError> {
    use crate::backend::{access, request, state, views};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let page = views::delete(&state(), &access, id).await?;
        request::redirect(&page);
        Ok(())
    })
    .await
}

/// Publishes a saved view behind a new read-only link. `days`: how long
/// it works (empty: until revoked); `show_names`: whether it shows who
/// items are assigned to.
#[server(prefix = "/fn", endpoint = "w/views/share")]
pub async fn share_view(
    slug: String,
    id: i64,
    days: Option<String>,
    show_names: Option<String>,
) -> Result<NewShareLink, AppError> {
    use crate::backend::{access, state, views};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let days = match days.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<i64>().map_err(|_| {
                AppError::invalid("days", "a number of days, or nothing for no expiry")
            })?),
        };
        let show_names = show_names.is_some_and(|v| !v.is_empty());
        let state = state();
        let made = views::share(&state, &access, id, days, show_names).await?;
        views::remember_new_link(&state, &access.workspace, &made);
        Ok(made)
    })
    .await
}

/// Revokes a share link: it stops working at once.
#[server(prefix = "/fn", endpoint = "w/links/revoke")]
pub async fn revoke_share_link(slug: String, link_id: i64) -> Result<(), AppError> {
    use crate::backend::{access, state, views};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        views::revoke(&state(), &access, link_id).await
    })
    .await
}

/// Every live share link of the workspace, for its owners' settings.
#[server(prefix = "/fn", endpoint = "w/links")]
pub async fn load_share_links(slug: String) -> Result<Vec<ShareLinkInfo>, AppError> {
    use crate::backend::{access, state, views};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Manage).await?;
        views::links(&state(), &access.workspace).await
    })
    .await
}
