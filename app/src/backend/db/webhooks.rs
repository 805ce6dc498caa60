//! The `webhooks` table and its outbox, `webhook_deliveries`.

use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use super::Db;
use crate::model::{DeliveryState, HookEvent};

#[derive(Debug, Clone)]
pub struct WebhookRow {
    pub id: i64,
    pub workspace_id: i64,
    pub url: String,
    pub secret: String,
    pub events: Vec<HookEvent>,
    pub created_at: i64,
}

const SELECT: &str = "SELECT id, workspace_id, url, secret, events, created_at FROM webhooks";

fn from_row(row: &AnyRow) -> Result<WebhookRow, sqlx::Error> {
    let events: String = row.try_get("events")?;
    Ok(WebhookRow {
        id: row.try_get("id")?,
        workspace_id: row.try_get("workspace_id")?,
        url: row.try_get("url")?,
        secret: row.try_get("secret")?,
        events: events.split(',').filter_map(HookEvent::parse).collect(),
        created_at: row.try_get("created_at")?,
    })
}

fn join_events(events: &[HookEvent]) -> String {
    events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub struct NewWebhook<'a> {
    pub workspace_id: i64,
    pub url: &'a str,
    pub secret: &'a str,
    pub events: &'a [HookEvent],
    pub created_by: i64,
    pub now: i64,
}

pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    new: NewWebhook<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO webhooks (workspace_id, url, secret, events, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.workspace_id)
    .bind(new.url)
    .bind(new.secret)
    .bind(join_events(new.events))
    .bind(new.created_by)
    .bind(new.now)
    .fetch_one(&mut **tx)
    .await
}

/// The workspace's webhooks, oldest first.
pub async fn list(db: &Db, workspace_id: i64) -> Result<Vec<WebhookRow>, sqlx::Error> {
    let rows = sqlx::query(&format!("{SELECT} WHERE workspace_id = $1 ORDER BY id"))
        .bind(workspace_id)
        .fetch_all(db.reader())
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn count_in(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE workspace_id = $1")
        .bind(workspace_id)
        .fetch_one(&mut **tx)
        .await
}

/// The workspace's webhooks that want `event`, read in the transaction
/// that makes the change.
pub async fn wanting(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    event: HookEvent,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query(&format!("{SELECT} WHERE workspace_id = $1"))
        .bind(workspace_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows
        .iter()
        .map(from_row)
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .filter(|hook| hook.events.contains(&event))
        .map(|hook| hook.id)
        .collect())
}

/// Deletes one of the workspace's webhooks, and with it its deliveries;
/// false if it has no such webhook.
pub async fn delete(
    tx: &mut Transaction<'static, Any>,
    workspace_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM webhooks WHERE id = $1 AND workspace_id = $2)")
        .bind(id)
        .bind(workspace_id)
        .execute(&mut **tx)
        .await?;
    let done = sqlx::query("DELETE FROM webhooks WHERE id = $1 AND workspace_id = $2")
        .bind(id)
        .bind(workspace_id)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Queues a delivery, in the transaction of the change it tells of.
pub async fn enqueue(
    tx: &mut Transaction<'static, Any>,
    webhook_id: i64,
    event: HookEvent,
    payload: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (webhook_id, event, payload, state, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
    )
    .bind(webhook_id)
    .bind(event.as_str())
    .bind(payload)
    .bind(now)
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// A delivery taken to be sent.
#[derive(Debug, Clone)]
pub struct Due {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub payload: String,
    /// This attempt's number, from 1.
    pub attempt: i64,
    pub url: String,
    pub secret: String,
}

/// Takes up to `limit` deliveries that are due at `now`, oldest first, and
/// leases them until `lease_until`: another sender (another instance) does
/// not take them meanwhile, and one that dies mid-attempt leaves them to be
/// taken again when the lease ends.
pub async fn take_due(
    db: &Db,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Due>, sqlx::Error> {
    let mut tx = db.begin().await?;
    // The outer condition is checked again on PostgreSQL against a row
    // another sender leased meanwhile, which then no longer matches.
    // Several instances send at once on PostgreSQL: each skips the rows
    // another is taking instead of waiting for them, so each takes a
    // batch of its own.
    let skip_locked = match db.kind() {
        crate::model::DatabaseKind::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::model::DatabaseKind::Sqlite => "",
    };
    let taken: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(&format!(
        "UPDATE webhook_deliveries SET next_attempt_at = $2, attempts = attempts + 1 \
         WHERE state = 'pending' AND next_attempt_at <= $1 AND id IN ( \
           SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at <= $1 \
           ORDER BY id LIMIT $3{skip_locked}) \
         RETURNING id, webhook_id, event, payload, attempts"
    ))
    .bind(now)
    .bind(lease_until)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    // The addresses and secrets of the webhooks these belong to, at once.
    let hooks: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, url, secret FROM webhooks WHERE id IN \
         (SELECT webhook_id FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at = $1)",
    )
    .bind(lease_until)
    .fetch_all(&mut *tx)
    .await?;
    let mut due: Vec<Due> = taken
        .into_iter()
        .filter_map(|(id, webhook_id, event, payload, attempt)| {
            let (_, url, secret) = hooks.iter().find(|h| h.0 == webhook_id)?;
            Some(Due {
                id,
                webhook_id,
                event,
                payload,
                attempt,
                url: url.clone(),
                secret: secret.clone(),
            })
        })
        .collect();
    tx.commit().await?;
    due.sort_by_key(|d| d.id);
    Ok(due)
}

/// The outbox at a glance, for `/metrics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Deliveries waiting to be sent (first attempts and retries).
    pub pending: i64,
    /// Of those, the ones due now or overdue.
    pub due: i64,
    /// Deliveries given up, still kept (30 days).
    pub failed: i64,
}

pub async fn queue_depth(db: &Db, now: i64) -> Result<QueueDepth, sqlx::Error> {
    let (pending, due, failed): (i64, i64, i64) = sqlx::query_as(
        "SELECT CAST(COUNT(CASE WHEN state = 'pending' THEN 1 END) AS BIGINT), \
                CAST(COUNT(CASE WHEN state = 'pending' AND next_attempt_at <= $1 THEN 1 END) AS BIGINT), \
                CAST(COUNT(CASE WHEN state = 'failed' THEN 1 END) AS BIGINT) \
         FROM webhook_deliveries WHERE state IN ('pending', 'failed')",
    )
    .bind(now)
    .fetch_one(db.reader())
    .await?;
    Ok(QueueDepth {
        pending,
        due,
        failed,
    })
}

/// What an attempt came to.
pub struct Outcome<'a> {
    pub state: DeliveryState,
    /// When to try again, for a pending delivery.
    pub next_attempt_at: i64,
    pub status: Option<i64>,
    pub error: Option<&'a str>,
    pub latency_ms: i64,
    pub now: i64,
}

pub async fn record(db: &Db, id: i64, outcome: Outcome<'_>) -> Result<(), sqlx::Error> {
    let finished = (outcome.state != DeliveryState::Pending).then_some(outcome.now);
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE webhook_deliveries SET state = $2, next_attempt_at = $3, last_status = $4, \
         last_error = $5, latency_ms = $6, finished_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(outcome.state.as_str())
    .bind(outcome.next_attempt_at)
    .bind(outcome.status)
    .bind(outcome.error)
    .bind(outcome.latency_ms)
    .bind(finished)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub id: i64,
    pub event: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub latency_ms: Option<i64>,
    pub created_at: i64,
}

/// A webhook's latest deliveries, newest first.
pub async fn recent(db: &Db, webhook_id: i64, limit: i64) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, event, state, attempts, last_status, last_error, latency_ms, created_at \
         FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(webhook_id)
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            let state: String = row.try_get("state")?;
            Ok(DeliveryRow {
                id: row.try_get("id")?,
                event: row.try_get("event")?,
                state: DeliveryState::parse(&state).ok_or_else(|| {
                    sqlx::Error::Decode(format!("unknown delivery state {state:?}").into())
                })?,
                attempts: row.try_get("attempts")?,
                last_status: row.try_get("last_status")?,
                last_error: row.try_get("last_error")?,
                latency_ms: row.try_get("latency_ms")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Forgets finished deliveries (delivered or given up) older than `before`.
pub async fn purge_finished(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    let done =
        sqlx::query("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND finished_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
