//! A workspace's webhooks (`/w/:slug/settings/webhooks`): list with their
//! delivery logs, add, delete. Editors and owners only.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{NewWebhook, WebhookList};

#[cfg(feature = "ssr")]
use crate::backend::request::answer;

#[server(prefix = "/fn", endpoint = "w/webhooks")]
pub async fn load_webhooks(slug: String) -> Result<WebhookList, AppError> {
    use crate::backend::{access, state, webhooks};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        webhooks::list(&state(), &access).await
    })
    .await
}

/// Adds a webhook posting to `url`; each event is a checkbox of the form,
/// present when chosen.
#[server(prefix = "/fn", endpoint = "w/webhooks/create")]
pub async fn create_webhook(
    slug: String,
    url: String,
    item_created: Option<String>,
    item_updated: Option<String>,
    item_deleted: Option<String>,
    status_changed: Option<String>,
    comment_added: Option<String>,
) -> Result<NewWebhook, AppError> {
    use crate::backend::{access, state, webhooks};
    use crate::model::{HookEvent, Permission};

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        let chosen: Vec<String> = [
            (item_created, HookEvent::ItemCreated),
            (item_updated, HookEvent::ItemUpdated),
            (item_deleted, HookEvent::ItemDeleted),
            (status_changed, HookEvent::StatusChanged),
            (comment_added, HookEvent::CommentAdded),
        ]
        .into_iter()
        .filter(|(field, _)| field.is_some())
        .map(|(_, event)| event.as_str().to_owned())
        .collect();
        let state = state();
        let made = webhooks::create(&state, &access, &url, &chosen).await?;
        webhooks::remember_new(&state, &access.workspace, &made);
        Ok(made)
    })
    .await
}

#[server(prefix = "/fn", endpoint = "w/webhooks/delete")]
pub async fn delete_webhook(slug: String, webhook_id: i64) -> Result<(), AppError> {
    use crate::backend::{access, state, webhooks};
    use crate::model::Permission;

    answer(async {
        let access = access::require_current(&slug, Permission::Edit).await?;
        webhooks::delete(&state(), &access, webhook_id).await
    })
    .await
}
