//! Live updates in the browser: while a page of a workspace is open, it
//! listens to the workspace's event stream (`/w/:slug/events`) and counts
//! the changes other people make; the page's resources depend on the
//! count, so each change refetches what the page shows, in place. The
//! signed-in user's own changes are not counted: the page that made one
//! has applied it already, and refetching under the user's hands would
//! redraw what they are moving. The browser's `EventSource` reconnects by
//! itself (the server says when it missed something); a stream that ends
//! because the member lost access, or because newer pages of the same
//! session or user took its place, is not reopened.

use leptos::prelude::*;

/// What the open page heard last.
#[derive(Clone, Copy)]
pub struct LiveUpdates {
    /// How many changes by others were heard: a resource that reads it
    /// refetches on each.
    changes: ReadSignal<u64>,
    /// The item the last of them was to (`None`: many items, or a resync).
    last: ReadSignal<Option<String>>,
}

impl LiveUpdates {
    /// Listens to the workspace at `slug` while the page lives.
    pub fn listen(slug: Memo<String>) -> Self {
        let (changes, set_changes) = signal(0_u64);
        let (last, set_last) = signal(None::<String>);
        #[cfg(feature = "hydrate")]
        let me = match use_context::<crate::components::CurrentUserResource>() {
            Some(crate::components::CurrentUserResource(user)) => {
                Signal::derive(move || user.get().and_then(Result::ok).flatten().map(|u| u.id))
            }
            None => Signal::derive(|| None),
        };
        #[cfg(feature = "hydrate")]
        Effect::new(move || {
            let slug = slug.get();
            if let Some(open) = browser::open(&slug, me, set_changes, set_last) {
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

    /// The changes to the item at `key`, and those to many items at once.
    pub fn of_item(self, key: Memo<String>) -> Memo<u64> {
        Memo::new(move |previous: Option<&u64>| {
            let count = self.changes.get();
            let relevant = self.last.with(|last| match last {
                None => true,
                Some(changed) => changed.eq_ignore_ascii_case(&key.get()),
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
        me: Signal<Option<i64>>,
        changes: WriteSignal<u64>,
        last: WriteSignal<Option<String>>,
    ) -> Option<Open> {
        if slug.is_empty() {
            return None;
        }
        let source = EventSource::new(&format!("/w/{slug}/events")).ok()?;
        let change = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data().as_string().unwrap_or_default();
            let (key, by) = parse(&data);
            if by.is_some() && by == me.get_untracked() {
                return;
            }
            last.set(key);
            changes.update(|n| *n += 1);
        });
        let resync = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
            last.set(None);
            changes.update(|n| *n += 1);
        });
        let closing = source.clone();
        // Access is gone, or newer pages took this one's place: do not
        // reconnect, which would push out another page in turn.
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

    /// `{"key":"WAY-1","by":7}` as (key, who); no key for a change to many
    /// items (`"key":null`), nothing for data that does not read.
    fn parse(data: &str) -> (Option<String>, Option<i64>) {
        use leptos::web_sys::js_sys::{JSON, Reflect};

        let Ok(value) = JSON::parse(data) else {
            return (None, None);
        };
        let field = |name: &str| Reflect::get(&value, &name.into()).ok();
        let key = field("key").and_then(|k| k.as_string());
        let by = field("by").and_then(|b| b.as_f64()).map(|b| b as i64);
        (key, by)
    }
}
