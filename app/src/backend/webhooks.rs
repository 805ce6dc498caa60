//! Webhooks: a workspace's owners and editors name a URL and the events it
//! wants; every change of such an event queues a delivery in the change's
//! own transaction (the outbox), and the server's sender posts it, signed,
//! retrying with backoff (`server/src/webhooks.rs`).

use serde::Serialize;
use sqlx::{Any, Transaction};

use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::auth::session::read_cookie;
use crate::backend::auth::token::SecretToken;
use crate::backend::db::webhooks::{self, DeliveryRow, WebhookRow};
use crate::backend::db::workspaces::WorkspaceRow;
use crate::backend::db::{items::ItemRow, now_ms};
use crate::backend::{AppState, format_time, request, rfc3339};
use crate::error::AppError;
use crate::model::{
    DELIVERIES_SHOWN, DeliveryInfo, HookEvent, MAX_WEBHOOK_URL, MAX_WEBHOOKS, NewWebhook,
    Permission, WebhookInfo, WebhookList,
};

fn delivery(row: DeliveryRow) -> DeliveryInfo {
    DeliveryInfo {
        id: row.id,
        event: row.event,
        state: row.state,
        attempts: row.attempts,
        status: row.last_status,
        error: row.last_error,
        latency_ms: row.latency_ms,
        created: format_time(row.created_at),
    }
}

async fn info(state: &AppState, row: &WebhookRow) -> Result<WebhookInfo, AppError> {
    let deliveries = webhooks::recent(&state.db, row.id, DELIVERIES_SHOWN)
        .await?
        .into_iter()
        .map(delivery)
        .collect();
    Ok(WebhookInfo {
        id: row.id,
        url: row.url.clone(),
        events: row.events.clone(),
        created: format_time(row.created_at),
        deliveries,
    })
}

/// The cookie that holds a webhook's secret just made, for five minutes,
/// so that the page loaded after a form post without JavaScript can show
/// it once more: `<webhook id>.<secret>`.
const NEW_SECRET_COOKIE: &str = "waymark_new_webhook";

/// The workspace's webhooks with their latest deliveries; for editors and
/// owners.
pub async fn list(state: &AppState, access: &WorkspaceAccess) -> Result<WebhookList, AppError> {
    access.permit(Permission::Edit)?;
    let mut webhooks = Vec::new();
    for row in webhooks::list(&state.db, access.workspace.id).await? {
        webhooks.push(info(state, &row).await?);
    }
    let new_secret = read_cookie(&request::parts(), NEW_SECRET_COOKIE).and_then(|value| {
        let (id, secret) = value.split_once('.')?;
        let id: i64 = id.parse().ok()?;
        webhooks
            .iter()
            .any(|hook: &WebhookInfo| hook.id == id)
            .then(|| secret.to_owned())
    });
    Ok(WebhookList {
        webhooks,
        new_secret,
    })
}

/// Keeps a webhook's secret just made in a cookie for its page (see
/// [`list`]).
pub fn remember_new(state: &AppState, workspace: &WorkspaceRow, made: &NewWebhook) {
    let secure = if state.auth.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    request::set_cookie(&format!(
        "{NEW_SECRET_COOKIE}={}.{}; Path=/w/{}/settings/webhooks; Max-Age=300; HttpOnly; SameSite=Strict{secure}",
        made.webhook.id, made.secret, workspace.slug
    ));
}

/// A webhook's address: `http` or `https`, with a host, no credentials,
/// at most [`MAX_WEBHOOK_URL`] characters. Where it points is checked
/// again at every delivery (`server/src/webhooks.rs`), after the name is
/// resolved, so that a name cannot be pointed inside the network later.
pub fn parse_url(input: &str) -> Result<String, AppError> {
    let text = input.trim();
    let bad = |m: &str| AppError::invalid("url", m);
    if text.is_empty() || text.chars().count() > MAX_WEBHOOK_URL {
        return Err(bad("give the address deliveries are posted to"));
    }
    let url = url::Url::parse(text).map_err(|_| bad("not an address: use https://…"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("use an http or https address"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("the address needs a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("put no user or password in the address"));
    }
    if url.fragment().is_some() {
        return Err(bad("the address cannot have a #fragment"));
    }
    Ok(url.to_string())
}

/// The events chosen on the form (their names), at least one.
pub fn parse_events(names: &[String]) -> Result<Vec<HookEvent>, AppError> {
    let mut events = Vec::new();
    for name in names {
        let event = HookEvent::parse(name.trim())
            .ok_or_else(|| AppError::invalid("events", format!("no event is called {name:?}")))?;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    if events.is_empty() {
        return Err(AppError::invalid("events", "choose at least one event"));
    }
    events.sort_by_key(|e| HookEvent::ALL.iter().position(|a| a == e));
    Ok(events)
}

/// Adds a webhook; its secret is in the answer, this once.
pub async fn create(
    state: &AppState,
    access: &WorkspaceAccess,
    url: &str,
    events: &[String],
) -> Result<NewWebhook, AppError> {
    let url = parse_url(url)?;
    let events = parse_events(events)?;
    let secret = format!("whsec_{}", SecretToken::generate().as_str());
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    state
        .db
        .lock_subject(&mut tx, &["webhooks", &workspace_id.to_string()])
        .await?;
    if webhooks::count_in(&mut tx, workspace_id).await? >= MAX_WEBHOOKS as i64 {
        return Err(AppError::invalid(
            "url",
            format!("a workspace has at most {MAX_WEBHOOKS} webhooks; delete one first"),
        ));
    }
    let now = now_ms();
    let id = webhooks::insert(
        &mut tx,
        webhooks::NewWebhook {
            workspace_id,
            url: &url,
            secret: &secret,
            events: &events,
            created_by: access.actor.user.id,
            now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NewWebhook {
        webhook: WebhookInfo {
            id,
            url,
            events,
            created: format_time(now),
            deliveries: Vec::new(),
        },
        secret,
    })
}

/// Deletes a webhook and its delivery log; nothing more is sent to it.
pub async fn delete(state: &AppState, access: &WorkspaceAccess, id: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    if !webhooks::delete(&mut tx, access.workspace.id, id).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// The body of a delivery: what happened, where, by whom, to what.
#[derive(Debug, Serialize)]
pub struct Payload<'a> {
    pub event: &'static str,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub workspace: PayloadWorkspace<'a>,
    pub actor: PayloadActor<'a>,
    pub item: PayloadItem,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<PayloadComment<'a>>,
    /// For `item.status_changed`: the status ids before and after.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusChange>,
}

#[derive(Debug, Serialize)]
pub struct PayloadWorkspace<'a> {
    pub slug: &'a str,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
pub struct PayloadActor<'a> {
    pub id: i64,
    pub name: &'a str,
}

#[derive(Debug, Serialize)]
pub struct PayloadItem {
    pub key: String,
    pub title: String,
    pub status_id: i64,
    pub version: i64,
    /// Its page.
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct PayloadComment<'a> {
    pub id: i64,
    pub body: &'a str,
}

#[derive(Debug, Serialize)]
pub struct StatusChange {
    pub from: i64,
    pub to: i64,
}

/// An item as a payload names it: its key, title, status and version as
/// they are after the change.
#[derive(Debug, Clone, Copy)]
pub struct HookItem<'a> {
    pub number: i64,
    pub title: &'a str,
    pub status_id: i64,
    pub version: i64,
}

impl<'a> From<&'a ItemRow> for HookItem<'a> {
    fn from(row: &'a ItemRow) -> Self {
        Self {
            number: row.number,
            title: &row.title,
            status_id: row.status_id,
            version: row.version,
        }
    }
}

/// Queues `event` for every webhook of the workspace that wants it, in the
/// change's transaction `tx`: it is sent if and only if the change
/// commits. Costs one read when the workspace has no webhook.
pub async fn queue(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    access: &WorkspaceAccess,
    event: HookEvent,
    item: HookItem<'_>,
    detail: Detail<'_>,
) -> Result<(), AppError> {
    let workspace = &access.workspace;
    let hooks = webhooks::wanting(tx, workspace.id, event).await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let now = now_ms();
    let key = crate::model::key_of(&workspace.key_prefix, item.number);
    let payload = Payload {
        event: event.as_str(),
        occurred_at: rfc3339(now),
        workspace: PayloadWorkspace {
            slug: &workspace.slug,
            name: &workspace.name,
        },
        actor: PayloadActor {
            id: access.actor.user.id,
            name: &access.actor.user.display_name,
        },
        item: PayloadItem {
            url: format!("{}/w/{}/items/{key}", state.auth.public_url, workspace.slug),
            key,
            title: item.title.to_owned(),
            status_id: item.status_id,
            version: item.version,
        },
        comment: match detail {
            Detail::Comment { id, body } => Some(PayloadComment { id, body }),
            _ => None,
        },
        status: match detail {
            Detail::Status { from, to } => Some(StatusChange { from, to }),
            _ => None,
        },
    };
    let body = serde_json::to_string(&payload).map_err(AppError::internal)?;
    for hook in hooks {
        webhooks::enqueue(tx, hook, event, &body, now).await?;
    }
    Ok(())
}

/// Tells of a change to an item (its values after the change), and of its
/// move to another status when `status_before` differs.
pub async fn queue_changed(
    state: &AppState,
    tx: &mut Transaction<'static, Any>,
    access: &WorkspaceAccess,
    item: HookItem<'_>,
    status_before: i64,
) -> Result<(), AppError> {
    queue(
        state,
        tx,
        access,
        HookEvent::ItemUpdated,
        item,
        Detail::None,
    )
    .await?;
    if status_before != item.status_id {
        let moved = Detail::Status {
            from: status_before,
            to: item.status_id,
        };
        queue(state, tx, access, HookEvent::StatusChanged, item, moved).await?;
    }
    Ok(())
}

/// The `Waymark-Signature` header of a delivery sent at `timestamp`
/// (seconds since 1970): `t=<timestamp>,v1=<hex HMAC-SHA256 of
/// "<timestamp>.<body>" keyed with the webhook's secret>`. A receiver
/// recomputes it over the raw body and rejects an old timestamp.
pub fn signature(secret: &str, timestamp: u64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    use sha2::Sha256;

    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    format!(
        "t={timestamp},v1={}",
        data_encoding::HEXLOWER.encode(&digest)
    )
}

/// What else an event says.
#[derive(Debug, Clone, Copy)]
pub enum Detail<'a> {
    None,
    Comment { id: i64, body: &'a str },
    Status { from: i64, to: i64 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            parse_url(" https://hooks.example.com/waymark?x=1 ").unwrap(),
            "https://hooks.example.com/waymark?x=1"
        );
        for bad in [
            "",
            "hooks.example.com",
            "ftp://example.com/",
            "https://user:pw@example.com/",
            "https://example.com/#x",
            "javascript:alert(1)",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        assert!(parse_url(&format!("https://example.com/{}", "a".repeat(2000))).is_err());
    }

    #[test]
    fn signatures_are_hmac_sha256_of_timestamp_and_body() {
        // The same as: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }

    #[test]
    fn events() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            parse_events(&names(&["comment.added", "item.created", "item.created"])).unwrap(),
            vec![HookEvent::ItemCreated, HookEvent::CommentAdded]
        );
        assert!(parse_events(&[]).is_err());
        assert!(parse_events(&names(&["item.exploded"])).is_err());
    }
}
