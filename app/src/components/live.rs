//! Live updates in the browser: while a page of a workspace is open, it
//! listens to the workspace's event stream (`/w/:slug/events`) and counts
//! the changes it hears; the page's resources depend on the count, so
//! each change refetches what the page shows, in place. The browser's
//! `EventSource` reconnects by itself (the server says when it missed
//! something); a stream that ends because the member lost access is not
//! reopened.

use leptos::prelude::*;

/// What the open page heard last.
#[derive(Clone, Copy)]
pub struct LiveUpdates {
    /// How many changes were heard: a resource that reads it refetches on
    /// each.
    changes: ReadSignal<u64>,
    /// The item the last change was to, and who made it (`None`: many
    /// items, or a resync).
    last: ReadSignal<Option<(String, i64)>>,
}

impl LiveUpdates {
    /// Listens to the workspace at `slug` while the page lives.
    pub fn listen(slug: Memo<String>) -> Self {
        let (changes, set_changes) = signal(0_u64);
        let (last, set_last) = signal(None::<(String, i64)>);
        #[cfg(feature = "hydrate")]
        Effect::new(move || {
            let slug = slug.get();
            if let Some(open) = browser::open(&slug, set_changes, set_last) {
                let open = StoredValue::new_local(Some(open));
                on_cleanup(move || {
                    if let Some(Some(open)) = open.try_update_value(Option::take) {
                        open.close();
                    }
                });
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (slug, set_changes, set_last);
        Self { changes, last }
    }

    /// Every change heard: for views of many items.
    pub fn changes(self) -> u64 {
        self.changes.get()
    }

    /// The changes to the item at `key` made by someone else (`me`: the
    /// signed-in user, whose own edits the page has applied already), and
    /// those to many items at once.
    pub fn of_item(self, key: Memo<String>, me: Signal<Option<i64>>) -> Memo<u64> {
        Memo::new(move |previous: Option<&u64>| {
            let count = self.changes.get();
            let relevant = self.last.with(|last| match last {
                None => true,
                Some((changed, by)) => {
                    changed.eq_ignore_ascii_case(&key.get()) && Some(*by) != me.get()
                }
            });
            match previous {
                Some(previous) if !relevant => *previous,
                _ => count,
            }
        })
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::web_sys::{EventSource, MessageEvent};

    /// An open stream and the handlers it calls.
    pub struct Open {
        source: EventSource,
        _handlers: Vec<Closure<dyn FnMut(MessageEvent)>>,
    }

    impl Open {
        pub fn close(self) {
            self.source.close();
        }
    }

    pub fn open(
        slug: &str,
        changes: WriteSignal<u64>,
        last: WriteSignal<Option<(String, i64)>>,
    ) -> Option<Open> {
        if slug.is_empty() {
            return None;
        }
        let source = EventSource::new(&format!("/w/{slug}/events")).ok()?;
        let change = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data().as_string().unwrap_or_default();
            last.set(parse(&data));
            changes.update(|n| *n += 1);
        });
        let resync = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            last.set(None);
            changes.update(|n| *n += 1);
        });
        let closing = source.clone();
        // Access is gone: do not reconnect.
        let gone = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            closing.close();
        });
        for (name, handler) in [("change", &change), ("resync", &resync), ("gone", &gone)] {
            source
                .add_event_listener_with_callback(name, handler.as_ref().unchecked_ref())
                .ok()?;
        }
        Some(Open {
            source,
            _handlers: vec![change, resync, gone],
        })
    }

    /// `{"key":"WAY-1","by":7}` as (key, who); `None` for a change to many
    /// items (`"key":null`) or data that does not read.
    fn parse(data: &str) -> Option<(String, i64)> {
        use leptos::web_sys::js_sys::{JSON, Reflect};

        let value = JSON::parse(data).ok()?;
        let key = Reflect::get(&value, &"key".into()).ok()?.as_string()?;
        let by = Reflect::get(&value, &"by".into()).ok()?.as_f64()?;
        Some((key, by as i64))
    }
}
