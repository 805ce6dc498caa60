//! Live updates: after a change commits, the writer publishes an [`Event`];
//! every open page of the workspace hears it on its event stream
//! (`/w/{slug}/events`) and fetches what changed. The bus is a trait: one
//! process on SQLite uses an in-process channel ([`LocalBus`]); instances
//! sharing PostgreSQL pass events through `LISTEN`/`NOTIFY`
//! ([`postgres::PgBus`]), so a change made through one reaches pages open
//! on all.

pub mod postgres;
pub mod streams;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

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

/// An event, with its id when it is a change.
#[derive(Debug, Clone)]
pub struct Numbered {
    pub id: Option<EventId>,
    pub event: Event,
}

/// Where a change stands in its workspace's history as this instance heard
/// it: the `id` of its event, which the browser sends back as
/// `Last-Event-ID` when it reconnects. It counts the workspace's own
/// changes alone, which its members hear anyway, so it tells them nothing
/// of other workspaces. The era, drawn at random when the instance starts
/// and again whenever it may have missed events, sets apart the ids of
/// another instance, of an earlier run, or from before a loss: none of
/// them is ever current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventId {
    era: u64,
    seq: u64,
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}-{}", self.era, self.seq)
    }
}

impl FromStr for EventId {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let (era, seq) = text.split_once('-').ok_or(())?;
        Ok(Self {
            era: u64::from_str_radix(era, 16).map_err(|_| ())?,
            seq: seq.parse().map_err(|_| ())?,
        })
    }
}

/// Where writers publish and streams subscribe.
pub trait EventBus: Send + Sync + 'static {
    fn publish(&self, event: Event);
    fn subscribe(&self) -> broadcast::Receiver<Numbered>;
    /// The id of the workspace's last change (one that no change carries
    /// when it has had none since the instance started).
    fn last_id(&self, workspace_id: i64) -> EventId;
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
    history: Mutex<History>,
}

/// The ids given so far.
struct History {
    era: u64,
    /// Each workspace's last change's number; a workspace is missing
    /// until its first change.
    last: HashMap<i64, u64>,
}

impl History {
    fn new() -> Self {
        Self {
            era: rand::random(),
            last: HashMap::new(),
        }
    }

    fn last_id(&self, workspace_id: i64) -> EventId {
        EventId {
            era: self.era,
            seq: self.last.get(&workspace_id).copied().unwrap_or(0),
        }
    }
}

impl LocalBus {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        Self {
            sender,
            history: Mutex::new(History::new()),
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
        // Numbered and sent under one lock: streams hear a workspace's
        // changes in the order of their ids, and a stream that reads the
        // last id after subscribing hears every change after it.
        let mut history = self.history.lock().unwrap_or_else(PoisonError::into_inner);
        let id = match &event {
            Event::Changed { workspace_id, .. } => {
                let last = history.last.entry(*workspace_id).or_insert(0);
                *last += 1;
                let seq = *last;
                Some(EventId {
                    era: history.era,
                    seq,
                })
            }
            Event::Missed => {
                history.era = rand::random();
                None
            }
            _ => None,
        };
        // No stream open: nobody to tell.
        let _ = self.sender.send(Numbered { id, event });
    }

    fn subscribe(&self) -> broadcast::Receiver<Numbered> {
        self.sender.subscribe()
    }

    fn last_id(&self, workspace_id: i64) -> EventId {
        self.history
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .last_id(workspace_id)
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

    fn changed(workspace_id: i64) -> Event {
        Event::Changed {
            workspace_id,
            key: Some("W-1".into()),
            by: 7,
        }
    }

    #[tokio::test]
    async fn every_subscriber_hears_each_event_in_order() {
        let bus = LocalBus::shared();
        bus.publish(Event::Deleted { workspace_id: 9 });
        let mut a = bus.subscribe();
        let mut b = bus.subscribe();
        bus.publish(changed(1));
        bus.publish(changed(1));
        bus.publish(Event::Closing);
        for receiver in [&mut a, &mut b] {
            let first = receiver.recv().await.unwrap();
            let heard = Heard::Change {
                key: Some("W-1".into()),
                by: 7,
            };
            assert_eq!(hear(&first.event, 1, 7), heard);
            assert_eq!(hear(&first.event, 2, 7), Heard::Nothing);
            let second = receiver.recv().await.unwrap();
            assert_ne!(second.id, first.id);
            assert_eq!(second.id, Some(bus.last_id(1)));
            assert_eq!(receiver.recv().await.unwrap().id, None);
        }
    }

    #[test]
    fn ids_count_each_workspace_on_its_own() {
        let bus = LocalBus::new();
        let untouched = bus.last_id(1);
        for _ in 0..5 {
            bus.publish(changed(2));
        }
        assert_eq!(bus.last_id(1), untouched);
        bus.publish(changed(1));
        let first = bus.last_id(1);
        assert_ne!(first, untouched);
        bus.publish(changed(2));
        bus.publish(changed(1));
        let other = LocalBus::new();
        other.publish(changed(1));
        other.publish(changed(1));
        assert_eq!(bus.last_id(1).seq, 2);
        assert_eq!(other.last_id(1).seq, 2);
        assert_ne!(other.last_id(1), bus.last_id(1), "another instance");
    }

    #[test]
    fn after_a_loss_no_earlier_id_is_current() {
        let bus = LocalBus::new();
        bus.publish(changed(1));
        let before = bus.last_id(1);
        bus.publish(Event::Missed);
        assert_ne!(bus.last_id(1), before);
        assert_ne!(bus.last_id(2), before);
    }

    #[test]
    fn an_id_reads_back_as_written() {
        let bus = LocalBus::new();
        bus.publish(changed(1));
        let id = bus.last_id(1);
        assert_eq!(id.to_string().parse::<EventId>(), Ok(id));
        for garbage in ["", "7", "-1", "zz-1", "00-", "00-x"] {
            assert!(garbage.parse::<EventId>().is_err(), "{garbage}");
        }
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
