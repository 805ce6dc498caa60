//! The site's files, served from memory: from inside the binary when the
//! release build put them there (see `build.rs`), else from the site
//! folder, each file read once, on its first request. Either way a file
//! comes with its pre-compressed `.br`/`.gz` siblings (written by the
//! release build), so a request costs no system call and nothing is
//! compressed per request. Hashed build output under `/pkg` is cached by
//! browsers for a year; other assets for an hour.

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderValue, Method, Request, Response, StatusCode};
use bytes::Bytes;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

pub type FileService = BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=3600";
/// Larger files are not kept in memory (the site has none).
const MAX_CACHED_BYTES: u64 = 16 * 1024 * 1024;

pub struct Asset {
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    content_type: HeaderValue,
    etag: HeaderValue,
}

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/site.rs"));
}

/// Where the site's files come from.
#[derive(Clone)]
pub enum Site {
    /// Built into the binary, every file ready, by its path in the site.
    Embedded(Arc<HashMap<PathBuf, Arc<Asset>>>),
    /// Read from this folder.
    Folder(PathBuf),
}

impl Site {
    /// The site inside the binary when it has one, else the folder.
    pub fn built_in_or(folder: &Path) -> Self {
        if embedded::FILES.is_empty() {
            return Self::Folder(folder.to_owned());
        }
        let by_path: HashMap<&str, &'static [u8]> = embedded::FILES.iter().copied().collect();
        let sibling = |path: &str, ext: &str| {
            by_path
                .get(format!("{path}{ext}").as_str())
                .map(|bytes| Bytes::from_static(bytes))
        };
        let is_sibling = |path: &str| {
            [".br", ".gz"].iter().any(|ext| {
                path.strip_suffix(ext)
                    .is_some_and(|base| by_path.contains_key(base))
            })
        };
        let files = embedded::FILES
            .iter()
            .filter(|(path, _)| !is_sibling(path))
            .filter_map(|(path, bytes)| {
                let asset = asset(
                    Path::new(path),
                    Bytes::from_static(bytes),
                    sibling(path, ".br"),
                    sibling(path, ".gz"),
                )?;
                Some((PathBuf::from(path), Arc::new(asset)))
            })
            .collect();
        Self::Embedded(Arc::new(files))
    }

    /// The hash file cargo-leptos wrote when the site was put inside.
    pub fn built_in_hashes() -> Option<&'static str> {
        embedded::HASHES
    }

    /// The hashed build output (`/pkg/...`, nested so paths arrive
    /// relative to `pkg_dir`).
    pub fn build_output(&self, pkg_dir: &str) -> FileService {
        self.serve(Some(pkg_dir), IMMUTABLE, None)
    }

    /// The other public assets; anything not found goes to `not_found`,
    /// which renders the site's 404 page.
    pub fn assets(&self, not_found: FileService) -> FileService {
        self.serve(None, SHORT, Some(not_found))
    }

    fn serve(
        &self,
        subfolder: Option<&str>,
        cache_control: &'static str,
        fallback: Option<FileService>,
    ) -> FileService {
        let source = match self {
            Self::Embedded(files) => Source::Embedded {
                files: files.clone(),
                prefix: subfolder.map(PathBuf::from).unwrap_or_default(),
            },
            Self::Folder(root) => Source::Folder {
                root: subfolder.map_or_else(|| root.clone(), |sub| root.join(sub)),
                files: Arc::default(),
            },
        };
        serve(
            Folder {
                source,
                cache_control,
            },
            fallback,
        )
    }
}

#[derive(Clone)]
enum Source {
    Embedded {
        files: Arc<HashMap<PathBuf, Arc<Asset>>>,
        prefix: PathBuf,
    },
    Folder {
        root: PathBuf,
        files: Arc<RwLock<HashMap<PathBuf, Arc<Asset>>>>,
    },
}

#[derive(Clone)]
struct Folder {
    source: Source,
    cache_control: &'static str,
}

fn serve(folder: Folder, fallback: Option<FileService>) -> FileService {
    BoxCloneSyncService::new(tower::service_fn(move |request: Request<Body>| {
        let folder = folder.clone();
        let fallback = fallback.clone();
        async move {
            let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
            let asset = match relative_path(request.uri().path()) {
                Some(path) if is_read => folder.load(path).await,
                _ => None,
            };
            match (asset, fallback) {
                (Some(asset), _) => Ok(respond(&request, &asset, folder.cache_control)),
                (None, Some(fallback)) => fallback.oneshot(request).await,
                (None, None) => Ok(not_found()),
            }
        }
    }))
}

impl Folder {
    async fn load(&self, path: PathBuf) -> Option<Arc<Asset>> {
        let (root, files) = match &self.source {
            Source::Embedded { files, prefix } => return files.get(&prefix.join(path)).cloned(),
            Source::Folder { root, files } => (root, files),
        };
        if let Some(asset) = files.read().ok()?.get(&path) {
            return Some(asset.clone());
        }
        let asset = Arc::new(read_asset(root, &path).await?);
        if let Ok(mut files) = files.write() {
            files.insert(path, asset.clone());
        }
        Some(asset)
    }
}

async fn read_asset(root: &Path, relative: &Path) -> Option<Asset> {
    let full = root.join(relative);
    let metadata = tokio::fs::metadata(&full).await.ok()?;
    if !metadata.is_file() || metadata.len() > MAX_CACHED_BYTES {
        return None;
    }
    // A symbolic link must not lead out of the site folder.
    let real = tokio::fs::canonicalize(&full).await.ok()?;
    let real_root = tokio::fs::canonicalize(root).await.ok()?;
    if !real.starts_with(&real_root) {
        return None;
    }
    let identity = Bytes::from(tokio::fs::read(&full).await.ok()?);
    let sibling = |ext: &str| {
        let mut name = full.clone().into_os_string();
        name.push(ext);
        PathBuf::from(name)
    };
    let brotli = tokio::fs::read(sibling(".br")).await.ok().map(Bytes::from);
    let gzip = tokio::fs::read(sibling(".gz")).await.ok().map(Bytes::from);
    asset(relative, identity, brotli, gzip)
}

fn asset(
    relative: &Path,
    identity: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
) -> Option<Asset> {
    let mime = mime_guess::from_path(relative).first_or_octet_stream();
    let content_type = HeaderValue::from_str(mime.essence_str()).ok()?;
    let etag =
        HeaderValue::from_str(&format!("\"{:x}-{:x}\"", identity.len(), fnv1a(&identity))).ok()?;
    Some(Asset {
        identity,
        brotli,
        gzip,
        content_type,
        etag,
    })
}

/// The request path as a relative file path, or `None` if it tries to leave
/// the folder or names no file.
fn relative_path(uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(uri_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let path = Path::new(decoded.trim_start_matches('/'));
    let clean = path
        .components()
        .all(|component| matches!(component, Component::Normal(_)));
    (clean && path.components().next().is_some()).then(|| path.to_owned())
}

fn respond(request: &Request<Body>, asset: &Asset, cache_control: &'static str) -> Response<Body> {
    let mut builder = Response::builder()
        .header(CONTENT_TYPE, asset.content_type.clone())
        .header(ETAG, asset.etag.clone())
        .header(CACHE_CONTROL, cache_control)
        .header(VARY, "accept-encoding");
    let not_modified = request
        .headers()
        .get(IF_NONE_MATCH)
        .is_some_and(|tag| tag == asset.etag);
    if not_modified {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_else(|_| not_found());
    }
    let accepts = |coding: &str| crate::compression::accepts(request.headers(), coding);
    let (body, encoding) = match (&asset.brotli, &asset.gzip) {
        (Some(br), _) if accepts("br") => (br.clone(), Some("br")),
        (_, Some(gz)) if accepts("gzip") => (gz.clone(), Some("gzip")),
        _ => (asset.identity.clone(), None),
    };
    if let Some(encoding) = encoding {
        builder = builder.header(CONTENT_ENCODING, encoding);
    }
    builder = builder.header(CONTENT_LENGTH, body.len());
    let body = if request.method() == Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    };
    builder.body(body).unwrap_or_else(|_| not_found())
}

fn not_found() -> Response<Body> {
    let mut response = Response::new(Body::from("not found"));
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}

/// A fast, stable content hash for ETags (not for security).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_folder() {
        assert_eq!(
            relative_path("/pkg/app.css"),
            Some(PathBuf::from("pkg/app.css"))
        );
        assert_eq!(
            relative_path("/favicon.svg"),
            Some(PathBuf::from("favicon.svg"))
        );
        for bad in [
            "/",
            "/../Cargo.toml",
            "/pkg/../../x",
            "/%2e%2e/x",
            "/a\\..\\b",
            "/a%00b",
        ] {
            assert_eq!(relative_path(bad), None, "{bad}");
        }
    }
}
