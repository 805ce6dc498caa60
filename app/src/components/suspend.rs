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
/// so the render is not held up (tokio's `yield_now` would instead send the
/// page to the back of its worker's queue).
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use futures_util::StreamExt;
    use leptos::prelude::*;

    use super::suspend;

    /// Draws `view` as the server draws a page, and returns its HTML.
    async fn draw<V: IntoView + 'static>(view: impl FnOnce() -> V) -> String {
        let _ = any_spawner::Executor::init_tokio();
        let owner = Owner::new();
        let html = owner
            .with(|| view().into_view().to_html_stream_in_order())
            .collect::<String>()
            .await;
        drop(owner);
        html
    }

    /// A view still to be built, as the pages hand it to a `Suspend`.
    type Pending = std::pin::Pin<Box<dyn Future<Output = AnyView> + Send>>;

    /// A Suspense around a Suspense, as on a workspace page: the outer one
    /// waits for the workspace, the inner one for the page's data. `wrap`
    /// makes the suspended views; the counters say how often each was built.
    async fn nested(wrap: fn(Pending) -> Suspend<AnyView>) -> (String, usize, usize) {
        let outer_built = Arc::new(AtomicUsize::new(0));
        let inner_built = Arc::new(AtomicUsize::new(0));
        let (outer, inner) = (outer_built.clone(), inner_built.clone());
        let html = draw(move || {
            let workspace = AsyncDerived::new(|| async { "Bench".to_owned() });
            let members = AsyncDerived::new(|| async { vec!["Ada", "Grace"] });
            view! {
                <Suspense>
                    {move || {
                        let (outer, inner) = (outer.clone(), inner.clone());
                        wrap(Box::pin(async move {
                            let name = workspace.await;
                            outer.fetch_add(1, Ordering::SeqCst);
                            view! {
                                <h1>{name}</h1>
                                <Transition>
                                    {move || {
                                        let inner = inner.clone();
                                        wrap(Box::pin(async move {
                                            let list = members.await;
                                            inner.fetch_add(1, Ordering::SeqCst);
                                            view! { <ul>{list.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul> }
                                                .into_any()
                                        }))
                                    }}
                                </Transition>
                            }
                            .into_any()
                        }))
                    }}
                </Suspense>
            }
        })
        .await;
        (
            html,
            outer_built.load(Ordering::SeqCst),
            inner_built.load(Ordering::SeqCst),
        )
    }

    #[tokio::test]
    async fn each_suspended_view_is_built_once_per_render() {
        let (html, outer, inner) = nested(suspend).await;
        assert!(html.contains("<h1>Bench"), "{html}");
        assert!(
            html.contains("<li>Ada") && html.contains("<li>Grace"),
            "{html}"
        );
        assert_eq!((outer, inner), (1, 1));
    }

    /// What `suspend` is for: with Leptos's own `Suspend::new` the same page
    /// builds its views more than once. Should a Leptos release stop doing
    /// that, this fails, and `suspend` can go.
    #[tokio::test]
    #[allow(clippy::disallowed_methods)]
    async fn suspend_new_builds_the_same_views_more_than_once() {
        let (html, outer, inner) = nested(Suspend::new).await;
        assert!(
            html.contains("<li>Ada") && html.contains("<li>Grace"),
            "{html}"
        );
        assert!(outer + inner > 2, "built {outer} and {inner} times");
    }
}
