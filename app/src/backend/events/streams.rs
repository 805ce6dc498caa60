//! The live-update streams open on this instance, by session and by user:
//! a stream opened past a session's or a user's cap ends their oldest, so
//! one account cannot hold thousands of connections and their memory.
//!
//! Each instance counts its own streams; behind a load balancer a user may
//! hold up to the caps on every instance. Sharing the count would put a
//! database write on every stream's start and end.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;

/// A page of a workspace holds one stream, so this is a browser's tabs of
/// Waymark at once. Over HTTP/1.1 a browser opens at most six connections
/// to a site, so only one reaching Waymark over HTTP/2 can come near it,
/// with more tabs than a person keeps in view.
pub const DEFAULT_PER_SESSION: usize = 32;
/// Two browsers at their caps (a laptop and a desktop, say), with room for
/// a phone's few: a person's devices together. An account shared by many
/// (a wall display in each room) needs more.
pub const DEFAULT_PER_USER: usize = 64;

/// How many streams a session, and a user over all their sessions, may
/// hold open on one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamLimits {
    pub per_session: usize,
    pub per_user: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self {
            per_session: DEFAULT_PER_SESSION,
            per_user: DEFAULT_PER_USER,
        }
    }
}

/// The instance's open streams.
pub struct OpenStreams {
    limits: StreamLimits,
    registry: Mutex<Registry>,
    /// Streams not yet ended, those told to make room included: what the
    /// instance holds.
    open: AtomicUsize,
    /// Streams ended to make room for a newer one, since start.
    replaced: AtomicU64,
}

/// The streams that count against the caps, each under a ticket: a
/// number that grows with every stream opened, so the smallest is the
/// oldest.
#[derive(Default)]
struct Registry {
    next_ticket: u64,
    streams: HashMap<u64, Entry>,
    by_session: HashMap<i64, BTreeSet<u64>>,
    by_user: HashMap<i64, BTreeSet<u64>>,
}

struct Entry {
    session_id: i64,
    user_id: i64,
    /// Tells the stream to make room.
    end: oneshot::Sender<()>,
}

impl Registry {
    fn insert(&mut self, session_id: i64, user_id: i64, end: oneshot::Sender<()>) -> u64 {
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        self.streams.insert(
            ticket,
            Entry {
                session_id,
                user_id,
                end,
            },
        );
        self.by_session
            .entry(session_id)
            .or_default()
            .insert(ticket);
        self.by_user.entry(user_id).or_default().insert(ticket);
        ticket
    }

    /// Forgets the stream; `None` when it was forgotten already.
    fn remove(&mut self, ticket: u64) -> Option<Entry> {
        let entry = self.streams.remove(&ticket)?;
        forget(&mut self.by_session, entry.session_id, ticket);
        forget(&mut self.by_user, entry.user_id, ticket);
        Some(entry)
    }

    /// The oldest stream of the session, when it holds more than its cap;
    /// else the user's oldest, when they do.
    fn oldest_past(&self, limits: StreamLimits, session_id: i64, user_id: i64) -> Option<u64> {
        let oldest_of = |tickets: Option<&BTreeSet<u64>>, cap: usize| {
            tickets
                .filter(|tickets| tickets.len() > cap)
                .and_then(|tickets| tickets.first().copied())
        };
        oldest_of(self.by_session.get(&session_id), limits.per_session)
            .or_else(|| oldest_of(self.by_user.get(&user_id), limits.per_user))
    }
}

/// Drops the set of a session or user once it is empty, so the maps hold
/// only who has streams open.
fn forget(sets: &mut HashMap<i64, BTreeSet<u64>>, key: i64, ticket: u64) {
    if let Some(tickets) = sets.get_mut(&key) {
        tickets.remove(&ticket);
        if tickets.is_empty() {
            sets.remove(&key);
        }
    }
}

impl OpenStreams {
    /// Caps below one would end each stream as it opens; they count as one.
    pub fn new(limits: StreamLimits) -> Arc<Self> {
        Arc::new(Self {
            limits: StreamLimits {
                per_session: limits.per_session.max(1),
                per_user: limits.per_user.max(1),
            },
            registry: Mutex::default(),
            open: AtomicUsize::new(0),
            replaced: AtomicU64::new(0),
        })
    }

    /// Counts a new stream of `session_id`, signed in as `user_id`, and
    /// tells the oldest streams past a cap to make room. One lock around
    /// both, so streams opened at the same moment are counted exactly.
    pub fn open(self: &Arc<Self>, session_id: i64, user_id: i64) -> Slot {
        let (end, told) = oneshot::channel();
        let mut registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        let ticket = registry.insert(session_id, user_id, end);
        while let Some(oldest) = registry.oldest_past(self.limits, session_id, user_id) {
            if let Some(entry) = registry.remove(oldest) {
                // Its stream may be ending by itself already.
                let _ = entry.end.send(());
                self.replaced.fetch_add(1, Ordering::Relaxed);
            }
        }
        drop(registry);
        self.open.fetch_add(1, Ordering::Relaxed);
        Slot {
            ticket,
            streams: Arc::clone(self),
            told,
        }
    }

    /// Streams open on this instance now.
    pub fn open_count(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Streams ended to make room for a newer one since the instance
    /// started.
    pub fn replaced_count(&self) -> u64 {
        self.replaced.load(Ordering::Relaxed)
    }
}

/// One stream's place, given back when it is dropped, however the stream
/// ends.
pub struct Slot {
    ticket: u64,
    streams: Arc<OpenStreams>,
    told: oneshot::Receiver<()>,
}

impl Slot {
    /// Returns once a newer stream of the same session or user took this
    /// one's place. Not to be awaited again after it returned.
    pub async fn replaced(&mut self) {
        // The sender goes only with this slot or with the message.
        let _ = (&mut self.told).await;
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.streams
            .registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(self.ticket);
        self.streams.open.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_session: usize, per_user: usize) -> Arc<OpenStreams> {
        OpenStreams::new(StreamLimits {
            per_session,
            per_user,
        })
    }

    /// Whether the slot was told to make room.
    fn told(slot: &mut Slot) -> bool {
        slot.told.try_recv().is_ok()
    }

    #[test]
    fn past_a_sessions_cap_its_oldest_stream_makes_room() {
        let streams = limits(2, 10);
        let mut first = streams.open(1, 7);
        let mut second = streams.open(1, 7);
        let mut elsewhere = streams.open(2, 7);
        assert!(!told(&mut first));
        let mut third = streams.open(1, 7);
        assert!(told(&mut first));
        assert!(!told(&mut second) && !told(&mut third) && !told(&mut elsewhere));
        assert_eq!(streams.replaced_count(), 1);
        // Told, not gone: it holds its connection until it ends.
        assert_eq!(streams.open_count(), 4);
        drop(first);
        assert_eq!(streams.open_count(), 3);
    }

    #[test]
    fn past_a_users_cap_their_oldest_stream_makes_room_in_any_session() {
        let streams = limits(5, 3);
        let mut phone = streams.open(1, 7);
        let mut laptop = [streams.open(2, 7), streams.open(2, 7)];
        let mut someone_else = streams.open(3, 8);
        let mut desktop = streams.open(4, 7);
        assert!(told(&mut phone));
        assert!(laptop.iter_mut().all(|slot| !told(slot)));
        assert!(!told(&mut desktop) && !told(&mut someone_else));
    }

    #[test]
    fn every_end_gives_the_place_back() {
        let streams = limits(2, 3);
        let slots: Vec<Slot> = (0..10).map(|i| streams.open(i % 3, 7)).collect();
        assert_eq!(streams.open_count(), 10);
        drop(slots);
        assert_eq!(streams.open_count(), 0);
        let registry = streams.registry.lock().unwrap();
        assert!(registry.streams.is_empty());
        assert!(registry.by_session.is_empty() && registry.by_user.is_empty());
        drop(registry);
        let mut fresh: Vec<Slot> = (0..3).map(|i| streams.open(i, 7)).collect();
        assert!(fresh.iter_mut().all(|slot| !told(slot)));
    }
}
