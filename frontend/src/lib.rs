//! The browser entry point: hydrates the server-rendered page.

// The release build keeps every component's full view type (debug builds
// erase them); deep pages need more than the default limit to compile.
#![recursion_limit = "256"]

use leptos::prelude::document;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Most routes are lazy (a wasm chunk each), so hydration waits for the
    // current page's chunk. Once the whole page has hydrated, the mark on
    // `<body>` tells tests (and curious users) that it is interactive.
    wasm_bindgen_futures::spawn_local(async {
        let body = document().body().expect("a page has a body");
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
