//! Compresses what the server makes per request (pages, server functions'
//! answers) whole: with gzip at its fastest level, from a compressor each
//! thread keeps, or with brotli for a client that takes only that.
//!
//! Pages render whole before their first byte is sent (`SsrMode::Async`),
//! so nothing is lost by compressing the body in one piece; a streaming
//! compressor per response (tower-http's) costs several times as much for
//! the same few kilobytes: its state is allocated, zeroed and freed every
//! time, and brotli, which browsers list too, takes three to four times
//! gzip's time at sizes like these, for a tenth fewer bytes. The build's
//! assets arrive already compressed (their `Content-Encoding` set) and pass
//! untouched; a text file without a compressed copy (`robots.txt`, an SVG)
//! is compressed like a page. An event stream, or a body past `LIMIT`,
//! passes through as it comes.

use std::cell::RefCell;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, VARY,
};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use flate2::{Compress, Compression, FlushCompress, Status};
use http_body_util::BodyExt;

/// Bodies smaller than this are sent as they are: the gzip frame and the
/// work would outweigh the saving.
const SMALLEST: usize = 512;
/// Bodies are gathered up to this size to be compressed; a larger one is
/// sent as it comes, uncompressed.
const LIMIT: usize = 8 * 1024 * 1024;

pub async fn compress(request: Request, next: Next) -> Response {
    let coding = if request.method() == Method::HEAD {
        None
    } else {
        Coding::accepted(request.headers())
    };
    let mut response = next.run(request).await;
    if !is_compressible(&response) {
        return response;
    }
    // Whatever the answer, it depends on the request's Accept-Encoding.
    let varies = response.headers().get_all(VARY).iter().any(|v| {
        v.to_str()
            .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
    });
    if !varies {
        response
            .headers_mut()
            .append(VARY, HeaderValue::from_static("accept-encoding"));
    }
    let Some(coding) = coding else {
        return response;
    };
    let (mut parts, mut body) = response.into_parts();
    let mut gathered: Vec<u8> = Vec::new();
    loop {
        match body.frame().await {
            None => break,
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    gathered.extend_from_slice(&data);
                }
                if gathered.len() > LIMIT {
                    // Too long to hold: what came so far, then the rest.
                    let head = futures_util::stream::once(async move {
                        Ok::<_, axum::Error>(Bytes::from(gathered))
                    });
                    let rest = body.into_data_stream();
                    parts.headers.remove(CONTENT_LENGTH);
                    return Response::from_parts(
                        parts,
                        Body::from_stream(futures_util::StreamExt::chain(head, rest)),
                    );
                }
            }
            Some(Err(err)) => {
                // The page failed half-way: the client sees a broken
                // response, as it would have without compression.
                tracing::warn!(%err, "a response body failed while it was compressed");
                parts.headers.remove(CONTENT_LENGTH);
                let failed = futures_util::stream::once(async move { Err::<Bytes, _>(err) });
                return Response::from_parts(parts, Body::from_stream(failed));
            }
        }
    }
    let body = if gathered.len() < SMALLEST {
        gathered
    } else {
        match coding.compress(&gathered) {
            Some(compressed) if compressed.len() < gathered.len() => {
                parts
                    .headers
                    .insert(CONTENT_ENCODING, HeaderValue::from_static(coding.name()));
                compressed
            }
            _ => gathered,
        }
    };
    parts
        .headers
        .insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
    Response::from_parts(parts, Body::from(body))
}

/// Whether `Accept-Encoding` names `coding` (or `*`) with a quality above
/// zero.
pub fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|item| {
            let mut pieces = item.split(';');
            let name = pieces.next().unwrap_or_default().trim();
            let refused = pieces.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        })
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Coding {
    Gzip,
    Brotli,
}

impl Coding {
    /// gzip if the client takes it, else brotli if it takes that.
    fn accepted(headers: &HeaderMap) -> Option<Self> {
        if accepts(headers, "gzip") {
            Some(Self::Gzip)
        } else if accepts(headers, "br") {
            Some(Self::Brotli)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Brotli => "br",
        }
    }

    fn compress(self, data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Gzip => gzip(data),
            Self::Brotli => Some(brotli(data)),
        }
    }
}

/// Text the server made that is not yet encoded and not a stream kept open.
fn is_compressible(response: &Response) -> bool {
    if response.headers().contains_key(CONTENT_ENCODING)
        || matches!(
            response.status(),
            StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT
        )
    {
        return false;
    }
    let Some(content_type) = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence != "text/event-stream"
        && (essence.starts_with("text/")
            || matches!(
                essence.as_str(),
                "application/json"
                    | "application/javascript"
                    | "application/xml"
                    | "application/manifest+json"
                    | "image/svg+xml"
            ))
}

thread_local! {
    /// Allocating and zeroing a compressor's state costs more than
    /// compressing a page with it, so each thread keeps one.
    static COMPRESSOR: RefCell<Option<Compress>> = const { RefCell::new(None) };
}

/// `data` as a gzip member, at the fastest level.
fn gzip(data: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let compressor = cell.get_or_insert_with(|| Compress::new_gzip(Compression::fast(), 15));
        compressor.reset();
        let mut out = Vec::with_capacity(data.len() / 3 + 64);
        loop {
            let read = usize::try_from(compressor.total_in()).ok()?;
            match compressor.compress_vec(&data[read..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Some(out),
                Ok(_) => out.reserve(out.capacity().max(64)),
                Err(err) => {
                    tracing::error!(%err, "gzip failed");
                    // Leave no half-used state for the next response.
                    compressor.reset();
                    return None;
                }
            }
        }
    })
}

/// `data` in brotli at its fastest quality, with a window no larger than
/// the data needs.
fn brotli(data: &[u8]) -> Vec<u8> {
    let window = (usize::BITS - data.len().leading_zeros()).clamp(10, 22);
    let mut out = Vec::with_capacity(data.len() / 3 + 64);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 1, window);
        // Writing into a Vec cannot fail.
        let _ = std::io::Write::write_all(&mut writer, data);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    fn app() -> Router {
        let page = "<p>Waymark</p>".repeat(200);
        Router::new()
            .route(
                "/page",
                get(move || async move { axum::response::Html(page.clone()) }),
            )
            .route(
                "/small",
                get(|| async { axum::response::Html("<p>hi</p>") }),
            )
            .route(
                "/asset",
                get(|| async {
                    Response::builder()
                        .header(CONTENT_TYPE, "text/css")
                        .header(CONTENT_ENCODING, "br")
                        .body(Body::from(vec![1u8; 2000]))
                        .expect("a response")
                }),
            )
            .route(
                "/events",
                get(|| async {
                    Response::builder()
                        .header(CONTENT_TYPE, "text/event-stream")
                        .body(Body::from("data: x\n\n".repeat(100)))
                        .expect("a response")
                }),
            )
            .layer(axum::middleware::from_fn(compress))
    }

    async fn fetch(path: &str, accept: Option<&str>) -> (HeaderMap, Vec<u8>) {
        let mut request = Request::builder().uri(path);
        if let Some(accept) = accept {
            request = request.header(ACCEPT_ENCODING, accept);
        }
        let response = app()
            .oneshot(request.body(Body::empty()).expect("a request"))
            .await
            .expect("an answer");
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        (headers, body.to_vec())
    }

    #[tokio::test]
    async fn a_page_comes_back_gzipped_whole_and_decodes_to_itself() {
        for _ in 0..3 {
            // Several times: the thread's compressor is reused.
            let (headers, body) = fetch("/page", Some("br, gzip, deflate")).await;
            assert_eq!(headers[CONTENT_ENCODING], "gzip");
            assert_eq!(headers[CONTENT_LENGTH], body.len().to_string().as_str());
            assert_eq!(headers[VARY], "accept-encoding");
            let mut text = String::new();
            flate2::read::GzDecoder::new(&body[..])
                .read_to_string(&mut text)
                .expect("valid gzip");
            assert_eq!(text, "<p>Waymark</p>".repeat(200));
            assert!(body.len() < text.len() / 10);
        }
    }

    #[tokio::test]
    async fn without_gzip_in_accept_encoding_the_page_is_plain() {
        for accept in [None, Some("identity"), Some("gzip;q=0"), Some("deflate")] {
            let (headers, body) = fetch("/page", accept).await;
            assert!(!headers.contains_key(CONTENT_ENCODING), "{accept:?}");
            assert_eq!(body, "<p>Waymark</p>".repeat(200).as_bytes());
        }
        let (headers, _) = fetch("/page", Some("*")).await;
        assert_eq!(headers[CONTENT_ENCODING], "gzip");
    }

    #[tokio::test]
    async fn a_client_that_takes_only_brotli_gets_brotli() {
        for accept in ["br", "gzip;q=0, br"] {
            let (headers, body) = fetch("/page", Some(accept)).await;
            assert_eq!(headers[CONTENT_ENCODING], "br", "{accept}");
            let mut text = String::new();
            brotli::Decompressor::new(&body[..], 4096)
                .read_to_string(&mut text)
                .expect("valid brotli");
            assert_eq!(text, "<p>Waymark</p>".repeat(200));
        }
    }

    #[tokio::test]
    async fn small_bodies_encoded_bodies_and_event_streams_pass_as_they_are() {
        let (headers, body) = fetch("/small", Some("gzip")).await;
        assert!(!headers.contains_key(CONTENT_ENCODING));
        assert_eq!(body, b"<p>hi</p>");
        let (headers, body) = fetch("/asset", Some("gzip")).await;
        assert_eq!(headers[CONTENT_ENCODING], "br");
        assert_eq!(body, vec![1u8; 2000]);
        let (headers, body) = fetch("/events", Some("gzip")).await;
        assert!(!headers.contains_key(CONTENT_ENCODING));
        assert_eq!(body, "data: x\n\n".repeat(100).as_bytes());
    }
}
