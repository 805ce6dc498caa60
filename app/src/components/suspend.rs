//! [`suspend`]: Leptos's `Suspend::new`, with the view built once per page
//! on the server.
//!
//! On the server, a `<Suspense>` or `<Transition>` walks its children once
//! or twice before it draws them, to learn which resources they read. A
//! child `move || Suspend::new(async move { … })` whose data have already
//! arrived runs to its end on each walk: the whole view is built and thrown
//! away, and with one Suspense inside another (the header's user menu, a
//! workspace page inside its frame) every component was built three times
//! per request. The future made here stops once before it starts, asking to
//! be polled again at once, so a walk only creates it; the Suspense then
//! waits for it as for any other pending future and the view is built once,
//! when it is drawn. The HTML is the same.
//!
//! What a view awaits is waited for as before. A resource read without
//! `.await` (`resource.get()` in a closure) is not: await it instead. In
//! the browser this is `Suspend::new` itself.

use std::future::Future;

use leptos::prelude::*;

/// A suspended view: `Suspend::new(fut)`, built once on the server.
#[allow(clippy::disallowed_methods)]
pub fn suspend<V, Fut>(fut: Fut) -> Suspend<V>
where
    Fut: Future<Output = V> + Send + 'static,
{
    #[cfg(feature = "ssr")]
    {
        Suspend::new(async move {
            after_the_walks().await;
            fut.await
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        Suspend::new(fut)
    }
}

/// Pending on its first poll, ready on the next; it wakes its task at once,
/// so the render is not held up.
#[cfg(feature = "ssr")]
async fn after_the_walks() {
    let mut first = true;
    std::future::poll_fn(move |cx| {
        if std::mem::take(&mut first) {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await
}
