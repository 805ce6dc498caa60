//! Live updates: after a change commits, the writer publishes an [`Event`];
//! every open page of the workspace hears it on its event stream
//! (`/w/{slug}/events`) and fetches what changed. The bus is a trait: one
//! process on SQLite uses an in-process channel ([`LocalBus`]); instances
//! sharing PostgreSQL pass events through `LISTEN`/`NOTIFY`
//! ([`postgres::PgBus`]), so a change made through one reaches pages open
//! on all.

pub mod postgres;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use tokio::sync::broadcast;

/// What happened, as the streams hear it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Event {
    /// Something the workspace's views show changed: an item (`key`), or
    /// many at once (`None`: statuses, scores, a bulk edit).
    Changed {
        workspace_id: i64,
        key: Option<String>,
        /// Who made the change (a page may skip the echo of its own edit).
        by: i64,
    },
    /// A member left or was removed: their streams of the workspace end.
    Left { workspace_id: i64, user_id: i64 },
    /// The workspace is gone: all its streams end.
    Deleted { workspace_id: i64 },
    /// The instance is shutting down: every stream ends, and the browser
    /// reconnects (to another instance, behind a load balancer). Never
    /// leaves the instance.
    Closing,
    /// Events from other instances may have been lost (the link to the
    /// database broke): every page fetches everything once. Never leaves
    /// the instance.
    Missed,
}

/// An event with its number, which the browser sends back as
/// `Last-Event-ID` when it reconnects.
#[derive(Debug, Clone)]
pub struct Numbered {
    pub id: u64,
    pub event: Event,
}

/// Where writers publish and streams subscribe.
pub trait EventBus: Send + Sync + 'static {
    fn publish(&self, event: Event);
    fn subscribe(&self) -> broadcast::Receiver<Numbered>;
    /// The number of the last event published (0: none yet).
    fn last_id(&self) -> u64;
    /// How many streams are open now.
    fn subscribers(&self) -> &AtomicUsize;
}

/// The bus every part of the server shares.
pub type Events = Arc<dyn EventBus>;

/// How many events a slow stream may fall behind before it is told to
/// fetch everything again.
const BACKLOG: usize = 1024;

/// One process's bus: a broadcast channel. Right for SQLite, where there
/// is one instance.
pub struct LocalBus {
    sender: broadcast::Sender<Numbered>,
    last: AtomicU64,
    subscribers: AtomicUsize,
}

impl LocalBus {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        Self {
            sender,
            last: AtomicU64::new(0),
            subscribers: AtomicUsize::new(0),
        }
    }

    /// A new bus, ready to share.
    pub fn shared() -> Events {
        Arc::new(Self::new())
    }
}

impl Default for LocalBus {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBus for LocalBus {
    fn publish(&self, event: Event) {
        let id = self.last.fetch_add(1, Ordering::Relaxed) + 1;
        // No stream open: nobody to tell.
        let _ = self.sender.send(Numbered { id, event });
    }

    fn subscribe(&self) -> broadcast::Receiver<Numbered> {
        self.sender.subscribe()
    }

    fn last_id(&self) -> u64 {
        self.last.load(Ordering::Relaxed)
    }

    fn subscribers(&self) -> &AtomicUsize {
        &self.subscribers
    }
}

/// What one stream — one member's page of one workspace — makes of an
/// event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// Tell the page; `key` says which item, if one, `by` who changed it.
    Change { key: Option<String>, by: i64 },
    /// Not for this stream.
    Nothing,
    /// End the stream: access is gone, or the instance is stopping.
    End,
    /// Fetch everything: what changed is not known.
    Resync,
}

pub fn hear(event: &Event, workspace_id: i64, user_id: i64) -> Heard {
    match event {
        Event::Changed {
            workspace_id: w,
            key,
            by,
        } if *w == workspace_id => Heard::Change {
            key: key.clone(),
            by: *by,
        },
        Event::Left {
            workspace_id: w,
            user_id: u,
        } if *w == workspace_id && *u == user_id => Heard::End,
        Event::Deleted { workspace_id: w } if *w == workspace_id => Heard::End,
        Event::Closing => Heard::End,
        Event::Missed => Heard::Resync,
        _ => Heard::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_subscriber_hears_each_event_in_order() {
        let bus = LocalBus::shared();
        bus.publish(Event::Deleted { workspace_id: 9 });
        let mut a = bus.subscribe();
        let mut b = bus.subscribe();
        bus.publish(Event::Changed {
            workspace_id: 1,
            key: Some("W-1".into()),
            by: 7,
        });
        bus.publish(Event::Closing);
        for receiver in [&mut a, &mut b] {
            let first = receiver.recv().await.unwrap();
            assert_eq!(first.id, 2);
            let heard = Heard::Change {
                key: Some("W-1".into()),
                by: 7,
            };
            assert_eq!(hear(&first.event, 1, 7), heard);
            assert_eq!(hear(&first.event, 2, 7), Heard::Nothing);
            assert_eq!(receiver.recv().await.unwrap().id, 3);
        }
        assert_eq!(bus.last_id(), 3);
    }

    #[test]
    fn a_stream_ends_when_its_member_leaves_or_the_workspace_goes() {
        let left = Event::Left {
            workspace_id: 1,
            user_id: 7,
        };
        assert_eq!(hear(&left, 1, 7), Heard::End);
        assert_eq!(hear(&left, 1, 8), Heard::Nothing);
        assert_eq!(hear(&left, 2, 7), Heard::Nothing);
        assert_eq!(hear(&Event::Deleted { workspace_id: 1 }, 1, 8), Heard::End);
        assert_eq!(hear(&Event::Closing, 3, 3), Heard::End);
        assert_eq!(hear(&Event::Missed, 3, 3), Heard::Resync);
    }
}
