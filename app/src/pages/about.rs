//! `/about`: the running version and the database behind it.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::about::load_instance_info;
use crate::components::ErrorPanel;
use crate::components::suspend;

#[component]
pub fn AboutPage() -> impl IntoView {
    let info = Resource::new(|| (), |_| load_instance_info());

    view! {
        <Title text="About" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || suspend(async move {
                match info.await {
                    Ok(info) => {
                        view! {
                            <h1>"About this instance"</h1>
                            <dl class="facts">
                                <dt>"Version"</dt>
                                <dd data-fact="version">{info.version}</dd>
                                <dt>"Database"</dt>
                                <dd data-fact="database">{info.database.label()}</dd>
                                <dt>"Schema version"</dt>
                                <dd data-fact="schema-version">{info.schema_version}</dd>
                                <dt>"Running since"</dt>
                                <dd data-fact="created-at">
                                    <time datetime=info.created_at.clone()>{info.created_at.clone()}</time>
                                </dd>
                            </dl>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
