//! A workspace's statuses: the list everyone sees, and the changes editors
//! and owners make in `/w/:slug/settings/statuses`.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::Status;

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "w/statuses")]
pub async fn load_statuses(slug: String) -> Result<Vec<Status>, AppError> {
    use crate::backend::{access, state, statuses};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::View).await?;
        statuses::list(&state(), &access).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "w/statuses/create")]
pub async fn create_status(
    slug: String,
    name: String,
    color: String,
    category: String,
) -> Result<(), AppError> {
    use crate::backend::{access, state, statuses};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        statuses::create(&state(), &access, &name, &color, &category).await
    })
    .await
}

#[server(prefix = "/fn", endpoint = "w/statuses/update")]
pub async fn update_status(
    slug: String,
    status_id: i64,
    name: String,
    color: String,
    category: String,
) -> Result<(), AppError> {
    use crate::backend::{access, state, statuses};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        statuses::update(&state(), &access, status_id, &name, &color, &category).await
    })
    .await
}

/// Moves a status one place `up` or `down` in the list (and on the board).
#[server(prefix = "/fn", endpoint = "w/statuses/shift")]
pub async fn shift_status(slug: String, status_id: i64, direction: String) -> Result<(), AppError> {
    use crate::backend::{access, state, statuses};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let up = match direction.as_str() {
            "up" => true,
            "down" => false,
            _ => return Err(AppError::invalid("direction", "use up or down")),
        };
        statuses::shift(&state(), &access, status_id, up).await
    })
    .await
}

/// Deletes a status; its items move to `move_to` first. Returns how many
/// moved.
#[server(prefix = "/fn", endpoint = "w/statuses/delete")]
pub async fn delete_status(slug: String, status_id: i64, move_to: i64) -> Result<usize, AppError> {
    use crate::backend::{access, state, statuses};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        statuses::delete(&state(), &access, status_id, move_to).await
    })
    .await
}
