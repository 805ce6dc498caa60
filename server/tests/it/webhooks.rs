//! Webhooks: a change queues its deliveries in its own transaction (a
//! rolled-back change queues none), the sender posts them signed with
//! HMAC-SHA256 over timestamp and body, tries a failed one again, sends
//! what was queued before a restart, refuses private addresses unless the
//! instance allows them, and the settings show each delivery.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{TestApp, Visitor};
use app::backend::Db;
use app::backend::webhooks::signature;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;
use server::webhooks::{Sender, SenderSettings};

/// What the receiver was sent: headers and body of each request.
type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on loopback that answers the statuses of `answers` in turn
/// (200 once they run out); its URL and what it got.
async fn receiver(answers: Vec<u16>) -> (String, Received) {
    let received: Received = Arc::default();
    let answers = Arc::new(Mutex::new(answers.into_iter()));
    let log = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let log = log.clone();
            let answers = answers.clone();
            async move {
                log.lock().unwrap().push((headers, body));
                let code = answers.lock().unwrap().next().unwrap_or(200);
                StatusCode::from_u16(code).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/hook"), received)
}

fn new_sender(db: Db, allow_private: bool) -> Sender {
    Sender::new(
        db,
        SenderSettings {
            allow_private,
            retry_after: Duration::ZERO,
            ..SenderSettings::default()
        },
    )
}

async fn add_webhook(owner: &Visitor, slug: &str, url: &str, events: &[&str]) -> (i64, String) {
    let mut form = vec![("slug", slug), ("url", url)];
    form.extend(events.iter().map(|e| (*e, "on")));
    let made: Value = owner
        .call_ok("w/webhooks/create", &form)
        .await
        .json()
        .await
        .unwrap();
    (
        made["webhook"]["id"].as_i64().unwrap(),
        made["secret"].as_str().unwrap().to_owned(),
    )
}

async fn deliveries(db: &Db) -> Vec<(String, String, i64, Option<i64>)> {
    sqlx::query_as("SELECT event, state, attempts, last_status FROM webhook_deliveries ORDER BY id")
        .fetch_all(db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn deliveries_are_signed_retried_and_survive_a_restart() {
    for app in TestApp::each_backend().await {
        let (url, received) = receiver(vec![500]).await;
        let owner = app.admin().await;
        let slug = owner.create_workspace("Hooked", "hooked").await;
        let (_, secret) = add_webhook(
            &owner,
            &slug,
            &url,
            &[
                "item_created",
                "item_updated",
                "status_changed",
                "comment_added",
            ],
        )
        .await;
        assert!(secret.starts_with("whsec_"), "{secret}");
        let listed: Value = owner.call_json("w/webhooks", &[("slug", &slug)]).await;
        assert!(
            !listed.to_string().contains(&secret),
            "the secret is shown once"
        );

        let key = owner.create_item(&slug, "Dark mode").await;
        assert_eq!(
            deliveries(&app.db).await,
            vec![("item.created".into(), "pending".into(), 0, None)]
        );
        let sender = new_sender(app.db.clone(), true);
        assert_eq!(sender.deliver_due().await.unwrap(), 1);
        assert_eq!(
            deliveries(&app.db).await,
            vec![("item.created".into(), "pending".into(), 1, Some(500))],
            "a failed attempt stays to be tried again"
        );
        assert_eq!(sender.deliver_due().await.unwrap(), 1);
        assert_eq!(
            deliveries(&app.db).await,
            vec![("item.created".into(), "delivered".into(), 2, Some(200))]
        );
        assert_eq!(
            sender.deliver_due().await.unwrap(),
            0,
            "nothing more is due"
        );
        {
            let got = received.lock().unwrap();
            assert_eq!(got.len(), 2);
            let (headers, body) = &got[1];
            assert_eq!(headers["waymark-event"], "item.created");
            assert_eq!(headers["content-type"], "application/json");
            let header = headers["waymark-signature"].to_str().unwrap();
            let timestamp: u64 = header
                .strip_prefix("t=")
                .and_then(|rest| rest.split(',').next())
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(header, signature(&secret, timestamp, body));
            assert_ne!(header, signature("whsec_wrong", timestamp, body));
            let payload: Value = serde_json::from_str(body).unwrap();
            assert_eq!(payload["event"], "item.created");
            assert_eq!(payload["workspace"]["slug"], "hooked");
            assert_eq!(payload["item"]["key"], key.as_str());
            assert_eq!(payload["item"]["title"], "Dark mode");
            assert_eq!(payload["actor"]["name"], "Ada Admin");
        }

        // A refused change queues nothing; a change of status queues both
        // events it is.
        let item = owner.item(&slug, &key).await;
        let first = item["summary"]["status_id"].as_i64().unwrap();
        let statuses: Value = owner.call_json("w/statuses", &[("slug", &slug)]).await;
        let done = statuses.as_array().unwrap().last().unwrap()["id"].to_string();
        let stale = owner
            .call(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", &key),
                    ("version", "7"),
                    ("status", &done),
                ],
            )
            .await;
        assert_eq!(stale.status(), 409);
        assert_eq!(deliveries(&app.db).await.len(), 1);
        owner
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", &key),
                    ("version", "1"),
                    ("status", &done),
                ],
            )
            .await;
        let events: Vec<String> = deliveries(&app.db).await.into_iter().map(|d| d.0).collect();
        assert_eq!(
            events,
            ["item.created", "item.updated", "item.status_changed"]
        );

        // Queued, then the process stops before sending: a new sender on a
        // new connection sends it.
        owner
            .call_ok(
                "w/items/comments/add",
                &[("slug", &slug), ("key", &key), ("body", "Ship it")],
            )
            .await;
        drop(sender);
        let restarted = new_sender(Db::connect(app.database_url()).await.unwrap(), true);
        assert_eq!(restarted.deliver_due().await.unwrap(), 3);
        let states: Vec<String> = deliveries(&app.db).await.into_iter().map(|d| d.1).collect();
        assert_eq!(states, ["delivered"; 4]);
        let got = received.lock().unwrap().clone();
        let moved = got
            .iter()
            .map(|(_, body)| serde_json::from_str::<Value>(body).unwrap())
            .find(|p| p["event"] == "item.status_changed")
            .unwrap();
        assert_eq!(moved["status"]["from"], first);
        assert_eq!(moved["status"]["to"].to_string(), done);
        let comment = got
            .iter()
            .map(|(_, body)| serde_json::from_str::<Value>(body).unwrap())
            .find(|p| p["event"] == "comment.added")
            .unwrap();
        assert_eq!(comment["comment"]["body"], "Ship it");

        // The settings show the log.
        let listed: Value = owner.call_json("w/webhooks", &[("slug", &slug)]).await;
        let log = &listed["webhooks"][0]["deliveries"];
        assert_eq!(log.as_array().unwrap().len(), 4);
        assert_eq!(log[3]["state"], "Delivered");
        assert_eq!(log[3]["attempts"], 2);
        assert_eq!(log[3]["status"], 200);
        assert!(log[3]["latency_ms"].is_number());
    }
}

#[tokio::test]
async fn private_addresses_are_refused_unless_the_instance_allows_them() {
    let app = TestApp::sqlite().await;
    let (url, received) = receiver(vec![]).await;
    let owner = app.admin().await;
    let slug = owner.create_workspace("Guarded", "guarded").await;
    let port = url.split(':').nth(2).unwrap().split('/').next().unwrap();
    add_webhook(&owner, &slug, &url, &["item_created"]).await;
    add_webhook(
        &owner,
        &slug,
        &format!("http://localhost:{port}/hook"),
        &["item_created"],
    )
    .await;
    owner.create_item(&slug, "Probe").await;
    let guarded = new_sender(app.db.clone(), false);
    assert_eq!(guarded.deliver_due().await.unwrap(), 2);
    assert!(
        received.lock().unwrap().is_empty(),
        "nothing reached the receiver"
    );
    let errors: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT state, last_error FROM webhook_deliveries ORDER BY id")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    for (state, error) in &errors {
        assert_eq!(state, "pending");
        // Not which address the name resolved to: an editor could map the
        // instance's internal names with it.
        assert_eq!(
            error.as_deref(),
            Some("refused: not a public address"),
            "{error:?}"
        );
    }
    let allowed = new_sender(app.db.clone(), true);
    assert_eq!(allowed.deliver_due().await.unwrap(), 2);
    assert_eq!(received.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_failed_lookup_says_the_same_whatever_the_resolver_answered() {
    let app = TestApp::sqlite().await;
    let owner = app.admin().await;
    let slug = owner.create_workspace("Lookups", "lookups").await;
    for url in [
        "http://no-such-host.invalid/hook",
        "http://another-missing-name.invalid:8080/hook",
    ] {
        add_webhook(&owner, &slug, url, &["item_created"]).await;
    }
    owner.create_item(&slug, "Probe").await;
    let sender = new_sender(app.db.clone(), false);
    assert_eq!(sender.deliver_due().await.unwrap(), 2);
    let errors: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT last_error FROM webhook_deliveries ORDER BY id")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    for (error,) in &errors {
        assert_eq!(
            error.as_deref(),
            Some("the host name could not be resolved")
        );
    }
}

#[tokio::test]
async fn webhooks_refuse_bad_input_and_other_workspaces_ids() {
    let app = TestApp::sqlite().await;
    let owner = app.admin().await;
    let slug = owner.create_workspace("Checked", "checked").await;
    let other = owner.create_workspace("Other", "other").await;
    for (url, events, field) in [
        ("", vec!["item_created"], "url"),
        ("ftp://example.com/x", vec!["item_created"], "url"),
        ("https://user:pw@example.com/", vec!["item_created"], "url"),
        ("https://hooks.example.com/", vec![], "events"),
    ] {
        let mut form = vec![("slug", slug.as_str()), ("url", url)];
        form.extend(events.iter().map(|e| (*e, "on")));
        let response = owner.call("w/webhooks/create", &form).await;
        assert_eq!(response.status(), 422, "{url}");
        assert!(response.text().await.unwrap().contains(field));
    }
    let (id, _) = add_webhook(
        &owner,
        &other,
        "https://hooks.example.com/",
        &["item_created"],
    )
    .await;
    let response = owner
        .call(
            "w/webhooks/delete",
            &[("slug", &slug), ("webhook_id", &id.to_string())],
        )
        .await;
    assert_eq!(response.status(), 404, "another workspace's webhook");
    let listed: Value = owner.call_json("w/webhooks", &[("slug", &other)]).await;
    assert_eq!(listed["webhooks"].as_array().unwrap().len(), 1);
}

/// Several instances send from one outbox: each delivery goes out once,
/// however many senders work at the same moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn senders_on_several_instances_send_each_delivery_once() {
    for app in TestApp::each_backend().await {
        let (url, received) = receiver(Vec::new()).await;
        let owner = app.admin().await;
        let slug = owner.create_workspace("Hooks", "hooks").await;
        add_webhook(&owner, &slug, &url, &["item_created"]).await;
        for n in 0..60 {
            owner.create_item(&slug, &format!("Item {n}")).await;
        }
        let mut senders = Vec::new();
        for _ in 0..4 {
            // Each instance has its own connections.
            let db = Db::connect(app.database_url()).await.unwrap();
            senders.push(tokio::spawn(async move {
                let sender = new_sender(db, true);
                while sender.deliver_due().await.unwrap() > 0 {}
            }));
        }
        for sender in senders {
            sender.await.unwrap();
        }
        let bodies: Vec<String> = received
            .lock()
            .unwrap()
            .iter()
            .map(|(_, body)| body.clone())
            .collect();
        let unique: std::collections::HashSet<&String> = bodies.iter().collect();
        assert_eq!(bodies.len(), 60, "{:?}", app.kind());
        assert_eq!(unique.len(), 60, "{:?}", app.kind());
        let states = deliveries(&app.db).await;
        assert!(
            states
                .iter()
                .all(|(_, state, attempts, _)| state == "delivered" && *attempts == 1)
        );
    }
}
