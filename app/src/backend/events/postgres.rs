//! Live updates across instances sharing PostgreSQL: an event published on
//! one instance is sent with `NOTIFY` and every instance, this one
//! included, hears it with `LISTEN` and hands it to its own streams.
//!
//! Notifications are sent after the change commits, in order, by one task
//! per instance; events published close together go in one notification (a
//! JSON array, under PostgreSQL's 8,000-byte limit). PostgreSQL delivers
//! them to every listening session in commit order. If the listening
//! connection breaks, notifications sent meanwhile are lost: when it is
//! back, every stream is told to fetch everything once ([`Event::Missed`]).

use std::sync::Arc;
use std::time::Duration;

use sqlx::AnyPool;
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, mpsc};

use super::{Event, EventBus, EventId, Events, LocalBus, Numbered};

/// The channel every instance listens on.
pub const CHANNEL: &str = "waymark_events";
/// PostgreSQL refuses payloads of 8,000 bytes or more.
const MAX_PAYLOAD: usize = 7_900;

pub struct PgBus {
    local: Arc<LocalBus>,
    outgoing: mpsc::UnboundedSender<Event>,
}

impl PgBus {
    /// Listens on `url` (a `postgres://` URL, with its TLS settings) and
    /// sends through `pool`. Returns once the instance is listening, so no
    /// event published after start-up is missed.
    pub async fn start(url: &str, pool: AnyPool) -> Result<Events, sqlx::Error> {
        let local = Arc::new(LocalBus::new());
        let mut listener = PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        tokio::spawn(listen(listener, Arc::clone(&local)));
        let (outgoing, queue) = mpsc::unbounded_channel();
        tokio::spawn(send(queue, pool, Arc::clone(&local)));
        Ok(Arc::new(Self { local, outgoing }))
    }
}

impl EventBus for PgBus {
    fn publish(&self, event: Event) {
        match event {
            // About this instance alone.
            Event::Closing | Event::Missed => self.local.publish(event),
            // Comes back through LISTEN, to this instance too.
            _ => {
                if self.outgoing.send(event).is_err() {
                    tracing::error!("live updates: the sending task has stopped");
                }
            }
        }
    }

    fn subscribe(&self) -> broadcast::Receiver<Numbered> {
        self.local.subscribe()
    }

    fn last_id(&self, workspace_id: i64) -> EventId {
        self.local.last_id(workspace_id)
    }
}

/// Hands every notification to this instance's streams.
async fn listen(mut listener: PgListener, local: Arc<LocalBus>) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                match serde_json::from_str::<Vec<Event>>(notification.payload()) {
                    Ok(events) => events.into_iter().for_each(|event| local.publish(event)),
                    Err(err) => tracing::warn!(%err, "live updates: an unreadable notification"),
                }
            }
            // The connection broke; the next call reconnects and listens
            // again. What was sent meanwhile is lost.
            Ok(None) => {
                tracing::warn!("live updates: the database connection broke; reconnecting");
                local.publish(Event::Missed);
            }
            Err(err) => {
                tracing::warn!(%err, "live updates: cannot listen; trying again in a second");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Sends queued events, as many at once as fit in one notification.
async fn send(mut queue: mpsc::UnboundedReceiver<Event>, pool: AnyPool, local: Arc<LocalBus>) {
    let mut waiting: Option<Event> = None;
    loop {
        let first = match waiting.take() {
            Some(event) => event,
            None => match queue.recv().await {
                Some(event) => event,
                None => return,
            },
        };
        let mut payload = serde_json::to_string(&[&first]).unwrap_or_default();
        while let Ok(next) = queue.try_recv() {
            let item = serde_json::to_string(&next).unwrap_or_default();
            if payload.len() + item.len() + 1 > MAX_PAYLOAD {
                waiting = Some(next);
                break;
            }
            payload.pop();
            payload.push(',');
            payload.push_str(&item);
            payload.push(']');
        }
        // Wrapped, because `Any` cannot carry the function's `void` result.
        let sent = sqlx::query("SELECT COUNT(*) FROM (SELECT pg_notify($1, $2)) AS sent")
            .bind(CHANNEL)
            .bind(&payload)
            .execute(&pool)
            .await;
        if let Err(err) = sent {
            // Other instances cannot be told; this one's pages can.
            tracing::warn!(%err, "live updates: could not notify the other instances");
            local.publish(Event::Missed);
        }
    }
}
