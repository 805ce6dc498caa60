//! The browser entry point: hydrates the server-rendered page.

// The release build keeps every component's full view type (debug builds
// erase them); deep pages need more than the default limit to compile.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
