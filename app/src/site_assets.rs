//! The stylesheet and the hydration scripts every page names in its head,
//! under the hashed names cargo-leptos gave them.

use leptos::prelude::*;

/// The stylesheet and the scripts that hydrate the page, under the hashed
/// names cargo-leptos gave them. The same tags as Leptos's
/// `HashedStylesheet` and `HydrationScripts`, which read the names from disk
/// on every render; they cannot change while the server runs, so they are
/// read once. `hydration_script.js` is Leptos's own (MIT), byte for byte.
///
/// Most pages are lazy routes whose code is a wasm chunk of its own
/// (`cargo leptos build --split`). The split manifest is not provided, so
/// the page names none of its chunks: the loader fetches them as hydration
/// needs them. A page that names them (a preload tag per chunk, up to a
/// hundred) cost the server a fifth of its throughput and the browser no
/// measurable time on a first visit.
#[component]
pub(crate) fn SiteAssets(options: LeptosOptions) -> impl IntoView {
    let assets = BuiltAssets::of(&options);
    let nonce = leptos::nonce::use_nonce();
    view! {
        <link id="leptos" rel="stylesheet" href=assets.css_href.as_str() />
        <link rel="modulepreload" href=assets.js_href.as_str() crossorigin=nonce.clone() />
        <link
            rel="preload"
            href=assets.wasm_href.as_str()
            r#as="fetch"
            r#type="application/wasm"
            crossorigin=nonce.as_ref().map(|n| n.as_inner().clone()).unwrap_or_default()
        />
        <script type="module" nonce=nonce>
            {assets.script.as_str()}
        </script>
    }
}

/// The site's stylesheet's address, under its hashed name.
pub fn stylesheet_href(options: &LeptosOptions) -> &'static str {
    &BuiltAssets::of(options).css_href
}

/// The hash file's text when the server carries the site inside it (and
/// so has no hash file beside it); set once, before the first render.
static BUILT_IN_HASHES: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

/// Names the hashed assets from the given hash file text instead of the
/// file beside the executable.
pub fn use_built_in_hashes(hashes: &'static str) {
    let _ = BUILT_IN_HASHES.set(hashes);
}

/// The built site's addresses under their hashed names, and the script
/// that loads them, made once.
struct BuiltAssets {
    css_href: String,
    js_href: String,
    wasm_href: String,
    script: String,
}

impl BuiltAssets {
    fn of(options: &LeptosOptions) -> &'static BuiltAssets {
        static NAMES: std::sync::OnceLock<BuiltAssets> = std::sync::OnceLock::new();
        NAMES.get_or_init(|| {
            let (css, js, wasm) = Self::read(options);
            let pkg = &options.site_pkg_dir;
            BuiltAssets {
                css_href: format!("/{pkg}/{css}.css"),
                js_href: format!("/{pkg}/{js}.js"),
                wasm_href: format!("/{pkg}/{wasm}.wasm"),
                script: format!(
                    "{}(\"\", {pkg:?}, {js:?}, {wasm:?}, false);",
                    include_str!("hydration_script.js")
                ),
            }
        })
    }

    /// The names of the stylesheet, the script and the wasm, without their
    /// extensions, as Leptos finds them: `hash.txt` beside the executable
    /// holds a line `css: …`, `js: …` and `wasm: …` when cargo-leptos hashed
    /// the files.
    fn read(options: &LeptosOptions) -> (String, String, String) {
        let name = options.output_name.to_string();
        let (mut css, mut js, mut wasm) = (name.clone(), name.clone(), name);
        if !options.hash_files {
            if option_env!("LEPTOS_OUTPUT_NAME").is_none() {
                wasm.push_str("_bg");
            }
            return (css, js, wasm);
        }
        let hashes = BUILT_IN_HASHES
            .get()
            .map(|text| (*text).to_owned())
            .or_else(|| {
                std::env::current_exe()
                    .ok()
                    .and_then(|exe| exe.parent().map(|dir| dir.join(options.hash_file.as_ref())))
                    .and_then(|path| std::fs::read_to_string(path).ok())
            });
        let Some(hashes) = hashes else {
            leptos::logging::error!("File hashing is active but no hash file was found");
            return (css, js, wasm);
        };
        for (kind, hash) in hashes.lines().filter_map(|line| line.split_once(':')) {
            let target = match kind.trim() {
                "css" => &mut css,
                "js" => &mut js,
                "wasm" => &mut wasm,
                _ => continue,
            };
            target.push('.');
            target.push_str(hash.trim());
        }
        (css, js, wasm)
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use leptos::config::LeptosOptions;
    use leptos::hydration::HydrationScripts;

    use super::*;

    /// `hydration_script.js` and the tags around it are Leptos's own,
    /// vendored only so that the hashed names are read once: after a Leptos
    /// upgrade this fails until the copy is brought up to date.
    #[test]
    fn the_hydration_tags_are_the_ones_leptos_renders() {
        let options = LeptosOptions::builder()
            .output_name("waymark")
            .site_pkg_dir("pkg")
            .build();
        Owner::new().with(|| {
            let leptos = view! { <HydrationScripts options=options.clone() /> }.to_html();
            let ours = view! { <SiteAssets options /> }.to_html();
            let stylesheet = r#"<link id="leptos" rel="stylesheet" href="/pkg/waymark.css">"#;
            assert_eq!(ours, format!("{stylesheet}{leptos}"));
        });
    }
}
