//! Puts the built site inside the release binary, so that `waymark serve`
//! needs nothing beside it.
//!
//! cargo-leptos builds the site (wasm, JavaScript, CSS, `public/`, and with
//! `--precompress` their `.br`/`.gz` variants) before it compiles the
//! server, and tells this script where through `LEPTOS_SITE_ROOT`. In a
//! release build every file of the site is included with `include_bytes!`,
//! together with the hash file that names the hashed assets. Debug builds
//! (and builds without cargo-leptos) include nothing and serve the site
//! from its folder, so a changed stylesheet shows without relinking.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=LEPTOS_SITE_ROOT");
    println!("cargo:rerun-if-env-changed=LEPTOS_HASH_FILE_NAME");
    println!("cargo:rerun-if-env-changed=WAYMARK_EMBED_SITE");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));

    let release = std::env::var("PROFILE").as_deref() == Ok("release");
    let wanted = match std::env::var("WAYMARK_EMBED_SITE").as_deref() {
        Ok("0" | "false") => false,
        Ok(_) => true,
        Err(_) => release,
    };
    let site_root = std::env::var("LEPTOS_SITE_ROOT")
        .ok()
        .map(|root| manifest_dir.join("..").join(root))
        .filter(|root| wanted && root.is_dir());

    let mut code = String::from("// Written by build.rs.\n");
    match site_root {
        Some(root) => {
            println!("cargo:rerun-if-changed={}", root.display());
            let mut files = Vec::new();
            collect(&root, &root, &mut files);
            files.sort();
            code.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
            for (relative, full) in &files {
                let _ = writeln!(code, "    ({relative:?}, include_bytes!({full:?})),");
            }
            code.push_str("];\n");
            let hashes = hash_file(&out_dir)
                .and_then(|path| {
                    println!("cargo:rerun-if-changed={}", path.display());
                    std::fs::read_to_string(path).ok()
                })
                .filter(|_| std::env::var("LEPTOS_HASH_FILES").as_deref() == Ok("true"));
            let _ = writeln!(code, "pub static HASHES: Option<&str> = {hashes:?};");
        }
        None => {
            code.push_str("pub static FILES: &[(&str, &[u8])] = &[];\n");
            code.push_str("pub static HASHES: Option<&str> = None;\n");
        }
    }
    std::fs::write(out_dir.join("site.rs"), code).expect("OUT_DIR is writable");
}

/// Every file under `folder`, as (path relative to `root` with `/`, full path).
fn collect(root: &Path, folder: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push((relative, path.display().to_string()));
        }
    }
}

/// cargo-leptos writes the hash file beside the executable:
/// `OUT_DIR` is `<profile dir>/build/server-<hash>/out`.
fn hash_file(out_dir: &Path) -> Option<PathBuf> {
    let name = std::env::var("LEPTOS_HASH_FILE_NAME").unwrap_or_else(|_| "hash.txt".into());
    Some(out_dir.ancestors().nth(3)?.join(name))
}
