//! Live-update fan-out, for `make bench`: opens N event streams of one
//! workspace as one member, changes an item once, and reports how long the
//! change took to reach every stream, as one line of JSON.
//!
//! Usage: event_fanout BASE_URL COOKIE SLUG N

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, mpsc};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, cookie, slug, count] = &args[..] else {
        eprintln!("usage: event_fanout BASE_URL COOKIE SLUG N");
        std::process::exit(2);
    };
    let count: usize = count.parse().expect("N is a number");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("an HTTP client");

    // Open the streams, a hundred connecting at a time.
    let connecting = Arc::new(Semaphore::new(100));
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<bool>();
    let (heard_tx, mut heard_rx) = mpsc::unbounded_channel::<Instant>();
    let started = Instant::now();
    for _ in 0..count {
        let (client, connecting) = (client.clone(), connecting.clone());
        let (ready, heard) = (ready_tx.clone(), heard_tx.clone());
        let url = format!("{base}/w/{slug}/events");
        let cookie = cookie.clone();
        tokio::spawn(async move {
            let permit = connecting
                .acquire_owned()
                .await
                .expect("the semaphore lives");
            let response = client
                .get(&url)
                .header("cookie", cookie)
                .header("accept", "text/event-stream")
                .send()
                .await;
            drop(permit);
            let Ok(mut response) = response.and_then(|r| r.error_for_status()) else {
                let _ = ready.send(false);
                return;
            };
            let _ = ready.send(true);
            let mut text = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                text.push_str(&String::from_utf8_lossy(&chunk));
                if text.contains("event: change") {
                    let _ = heard.send(Instant::now());
                    break;
                }
            }
            // Held open until the process ends, like a page left open.
            std::future::pending::<()>().await;
        });
    }
    drop(ready_tx);
    let mut connected = 0;
    let mut refused = 0;
    while connected + refused < count {
        match tokio::time::timeout(Duration::from_secs(60), ready_rx.recv()).await {
            Ok(Some(true)) => connected += 1,
            Ok(Some(false)) => refused += 1,
            _ => break,
        }
    }
    let connect_seconds = started.elapsed().as_secs_f64();

    // One change, through the server function the item page calls.
    let origin = base.as_str();
    let form = [("slug", slug.as_str()), ("params", "")];
    let page: serde_json::Value = client
        .post(format!("{base}/fn/w/items"))
        .header("cookie", cookie)
        .header("origin", origin)
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .expect("the items answer")
        .json()
        .await
        .expect("items as JSON");
    let item = &page["items"][0];
    let key = item["key"].as_str().expect("an item").to_owned();
    let version = item["version"].to_string();
    let title = format!("Fan-out check {}", started.elapsed().as_micros());
    let sent = Instant::now();
    let answer = client
        .post(format!("{base}/fn/w/items/update"))
        .header("cookie", cookie)
        .header("origin", origin)
        .header("accept", "application/json")
        .form(&[
            ("slug", slug.as_str()),
            ("key", &key),
            ("version", &version),
            ("title", &title),
        ])
        .send()
        .await
        .expect("the update answers");
    assert!(
        answer.status().is_success(),
        "the update: {}",
        answer.status()
    );

    let mut delays: Vec<f64> = Vec::with_capacity(connected);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while delays.len() < connected {
        match tokio::time::timeout_at(deadline, heard_rx.recv()).await {
            Ok(Some(at)) => delays.push(at.duration_since(sent).as_secs_f64() * 1000.0),
            _ => break,
        }
    }
    delays.sort_by(f64::total_cmp);
    let at = |q: f64| -> f64 {
        if delays.is_empty() {
            return 0.0;
        }
        delays[((delays.len() as f64 * q).ceil() as usize).clamp(1, delays.len()) - 1]
    };
    println!(
        "{{\"streams\":{count},\"connected\":{connected},\"refused\":{refused},\"connect_s\":{connect_seconds:.2},\"reached\":{},\"p50_ms\":{:.1},\"p99_ms\":{:.1},\"all_ms\":{:.1}}}",
        delays.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
