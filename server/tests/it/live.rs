//! Live updates: a change reaches every member with the workspace open, at
//! once, and never anyone else; a removed member's stream ends at once; a
//! reconnect that missed events is told to fetch everything, and event ids
//! tell nothing of other workspaces; one account holds a bounded number of
//! streams; the stream comes through the compression layer as it is
//! written.

use std::time::Duration;

use crate::support::{TestApp, Visitor};
use app::backend::events::streams;
use serde_json::Value;

/// An open event stream, read frame by frame.
struct Stream {
    response: reqwest::Response,
    buffer: String,
    /// The `id` of the last event read, as the browser keeps it.
    last_id: Option<String>,
}

impl Stream {
    async fn open(visitor: &Visitor, slug: &str, last_event_id: Option<&str>) -> reqwest::Response {
        let mut request = visitor
            .client
            .get(visitor.url(&format!("/w/{slug}/events")))
            .header("accept", "text/event-stream")
            .header("accept-encoding", "br, gzip");
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        request.send().await.expect("the stream answers")
    }

    async fn of(visitor: &Visitor, slug: &str, last_event_id: Option<&str>) -> Stream {
        let response = Self::open(visitor, slug, last_event_id).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        assert!(response.headers().get("content-encoding").is_none());
        Stream {
            response,
            buffer: String::new(),
            last_id: None,
        }
    }

    /// The next event as (name, data), skipping keep-alive comments; `None`
    /// when the stream ended or nothing came within `wait`.
    async fn next(&mut self, wait: Duration) -> Option<(String, String)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("id:") {
                        self.last_id = Some(value.trim().to_owned());
                    }
                }
                if frame.lines().all(|l| l.starts_with(':') || l.is_empty()) {
                    continue;
                }
                return Some((name, data));
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .expect("the stream reads")?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

impl Stream {
    /// The next event, which must be a change: its item's key and who
    /// made it.
    async fn change(&mut self) -> (Option<String>, i64) {
        let (name, data) = self.next(SOON).await.expect("an event");
        assert_eq!(name, "change", "{data}");
        let data: Value = serde_json::from_str(&data).expect("JSON data");
        (
            data["key"].as_str().map(str::to_owned),
            data["by"].as_i64().expect("who"),
        )
    }
}

const SOON: Duration = Duration::from_secs(2);
const QUIET: Duration = Duration::from_millis(400);

async fn retitle(visitor: &Visitor, slug: &str, key: &str, title: &str) {
    let version = visitor.item(slug, key).await["summary"]["version"].to_string();
    visitor
        .call_ok(
            "w/items/update",
            &[
                ("slug", slug),
                ("key", key),
                ("version", &version),
                ("title", title),
            ],
        )
        .await;
}

async fn remove_member(admin: &Visitor, slug: &str, email: &str) {
    let members: Value = admin.call_json("w/members", &[("slug", slug)]).await;
    let member_id = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email)
        .unwrap()["user_id"]
        .to_string();
    admin
        .call_ok(
            "w/members/remove",
            &[("slug", slug), ("user_id", &member_id)],
        )
        .await;
}

#[tokio::test]
async fn a_change_reaches_every_member_at_once_and_nobody_else() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let member = app.member(&admin, "max@example.com").await;
        let stranger = app.member(&admin, "sam@example.com").await;
        let slug = admin.create_workspace("Live plans", "live-plans").await;
        let other = admin.create_workspace("Other plans", "other-plans").await;
        let token = admin.invite(&slug, "viewer", "").await;
        assert_eq!(member.accept(&token).await.status(), 200);
        let key = admin.create_item(&slug, "Dark mode").await;
        let elsewhere = admin.create_item(&other, "Elsewhere").await;

        // Outsiders get no stream: the same answers as for the pages.
        assert_eq!(
            Stream::open(&app.visitor(), &slug, None).await.status(),
            401
        );
        assert_eq!(Stream::open(&stranger, &slug, None).await.status(), 404);
        assert_eq!(
            Stream::open(&stranger, "no-such-place", None)
                .await
                .status(),
            404
        );

        let me: Value = admin.call_json("current_user", &[]).await;
        let admin_id = me["id"].as_i64().expect("the admin's id");
        let mut theirs = Stream::of(&member, &slug, None).await;
        let mut mine = Stream::of(&admin, &slug, None).await;
        // Another workspace's change is not heard here.
        retitle(&admin, &other, &elsewhere, "Still elsewhere").await;
        retitle(&admin, &slug, &key, "Dark mode everywhere").await;
        for stream in [&mut theirs, &mut mine] {
            assert_eq!(stream.change().await, (Some(key.clone()), admin_id));
            assert_eq!(stream.next(QUIET).await, None);
        }

        // A status change or a bulk edit may touch many items: no key.
        let choices: Value = admin.call_json("w/items/choices", &[("slug", &slug)]).await;
        let status = choices["statuses"][1]["id"].to_string();
        admin
            .call_ok(
                "w/items/bulk",
                &[
                    ("slug", &slug),
                    ("keys[0]", &key),
                    ("action", "status"),
                    ("status", &status),
                ],
            )
            .await;
        for stream in [&mut theirs, &mut mine] {
            assert_eq!(stream.change().await, (None, admin_id));
        }

        // Removed: the stream ends at once, and cannot be opened again.
        remove_member(&admin, &slug, "max@example.com").await;
        assert_eq!(
            theirs.next(SOON).await,
            Some(("gone".into(), String::new()))
        );
        assert_eq!(theirs.next(QUIET).await, None);
        assert_eq!(Stream::open(&member, &slug, None).await.status(), 404);
        // The others keep listening.
        retitle(&admin, &slug, &key, "Dark mode, again").await;
        assert_eq!(mine.change().await, (Some(key.clone()), admin_id));
    }
}

/// Instances sharing PostgreSQL pass events through it: a change made
/// through one reaches a page open on another, and a removal ends the
/// member's stream there too.
#[tokio::test]
async fn a_change_through_one_instance_reaches_pages_open_on_another() {
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    let (elsewhere, _server) = app.another_instance().await;
    let admin = app.admin().await;
    let member = app.member(&admin, "max@example.com").await;
    let slug = admin.create_workspace("Live plans", "live-plans").await;
    let token = admin.invite(&slug, "viewer", "").await;
    assert_eq!(member.accept(&token).await.status(), 200);
    let key = admin.create_item(&slug, "Dark mode").await;
    // The same browsers, on the other instance (cookies do not depend on
    // the port).
    let member_there = Visitor {
        client: member.client.clone(),
        address: elsewhere.clone(),
    };
    let admin_there = Visitor {
        client: admin.client.clone(),
        address: elsewhere,
    };
    let mut theirs = Stream::of(&member_there, &slug, None).await;
    let mut mine = Stream::of(&admin, &slug, None).await;
    let me: Value = admin.call_json("current_user", &[]).await;
    let admin_id = me["id"].as_i64().expect("the admin's id");

    retitle(&admin, &slug, &key, "Heard on the other instance").await;
    assert_eq!(theirs.change().await, (Some(key.clone()), admin_id));
    assert_eq!(mine.change().await, (Some(key.clone()), admin_id));
    // Each instance hears each event once.
    assert_eq!(theirs.next(QUIET).await, None);
    assert_eq!(mine.next(QUIET).await, None);
    // And the other way round.
    retitle(&admin_there, &slug, &key, "Made over there").await;
    assert_eq!(mine.change().await, (Some(key.clone()), admin_id));
    assert_eq!(theirs.change().await, (Some(key.clone()), admin_id));

    remove_member(&admin, &slug, "max@example.com").await;
    assert_eq!(
        theirs.next(SOON).await,
        Some(("gone".into(), String::new()))
    );
}

#[tokio::test]
async fn a_reconnect_that_missed_events_fetches_everything() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Live plans", "live-plans").await;
    let key = admin.create_item(&slug, "Dark mode").await;
    let mut stream = Stream::of(&admin, &slug, None).await;
    retitle(&admin, &slug, &key, "One").await;
    assert!(stream.next(SOON).await.is_some());
    let missed = stream.last_id.clone().expect("events carry an id");
    retitle(&admin, &slug, &key, "Two").await;
    assert!(stream.next(SOON).await.is_some());
    let latest = stream.last_id.clone().unwrap();
    drop(stream);

    // Up to date: nothing to fetch.
    let mut current = Stream::of(&admin, &slug, Some(&latest)).await;
    assert_eq!(current.next(QUIET).await, None);
    // Behind, or from an instance that restarted since: fetch everything.
    for id in [missed.as_str(), "999999"] {
        let mut behind = Stream::of(&admin, &slug, Some(id)).await;
        assert_eq!(
            behind.next(SOON).await,
            Some(("resync".into(), String::new())),
            "{id}"
        );
    }
}

/// The router answers a request that takes longer than its timeout with
/// 408; a stream is not held to it: it stays open past it, with keep-alive
/// comments meanwhile, and still delivers.
#[tokio::test]
async fn a_stream_outlives_the_request_timeout() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Live plans", "live-plans").await;
    let key = admin.create_item(&slug, "Dark mode").await;
    let mut stream = Stream::of(&admin, &slug, None).await;
    tokio::time::sleep(server::router::REQUEST_TIMEOUT + Duration::from_secs(1)).await;
    assert!(stream.buffer.is_empty() || stream.buffer.starts_with(':'));
    retitle(&admin, &slug, &key, "Still heard").await;
    assert_eq!(stream.change().await.0, Some(key));
}

/// An event's id is the browser's to send back when it reconnects; it must
/// not tell a member how much happens in workspaces they cannot see. Two
/// workspaces with the same history give the same ids however busy a
/// third one is, and a reconnect after the third's changes has nothing to
/// fetch.
#[tokio::test]
async fn event_ids_tell_nothing_of_other_workspaces() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let member = app.member(&admin, "max@example.com").await;
        let north = admin.create_workspace("North", "north").await;
        let south = admin.create_workspace("South", "south").await;
        let hidden = admin.create_workspace("Hidden", "hidden").await;
        for slug in [&north, &south] {
            let token = admin.invite(slug, "viewer", "").await;
            assert_eq!(member.accept(&token).await.status(), 200);
        }
        // Open before the first change, so each stream hears them all.
        let mut streams = [
            Stream::of(&member, &north, None).await,
            Stream::of(&member, &south, None).await,
        ];
        let secret = admin.create_item(&hidden, "Secret plan").await;
        let mut keys = Vec::new();
        for (i, slug) in [&north, &south].into_iter().enumerate() {
            keys.push(admin.create_item(slug, "Dark mode").await);
            streams[i].change().await;
        }
        let ids = |stream: &Stream| stream.last_id.clone().expect("a change carries an id");

        let mut seen = vec![ids(&streams[0])];
        assert_eq!(seen[0], ids(&streams[1]));
        for round in 0..3 {
            for (i, slug) in [&north, &south].into_iter().enumerate() {
                for n in 0..=round + i {
                    retitle(&admin, &hidden, &secret, &format!("Secret {round} {i} {n}")).await;
                }
                retitle(&admin, slug, &keys[i], &format!("Round {round}")).await;
                streams[i].change().await;
            }
            let (north_id, south_id) = (ids(&streams[0]), ids(&streams[1]));
            assert_eq!(north_id, south_id, "round {round}");
            seen.push(north_id);
        }
        seen.dedup();
        assert_eq!(seen.len(), 4, "{seen:?}");

        // Busy elsewhere meanwhile: nothing to fetch on reconnecting.
        let [north_stream, _] = streams;
        let last = north_stream.last_id.clone().unwrap();
        drop(north_stream);
        retitle(&admin, &hidden, &secret, "Still secret").await;
        let mut back = Stream::of(&member, &north, Some(&last)).await;
        assert_eq!(back.next(QUIET).await, None);
    }
}

/// Each instance numbers its events on its own, even when both heard the
/// same ones: a browser that reconnects to another instance, after the one
/// it was on stopped, fetches everything.
#[tokio::test]
async fn a_reconnect_to_another_instance_fetches_everything() {
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    let (elsewhere, _server) = app.another_instance().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Live plans", "live-plans").await;
    let mut here = Stream::of(&admin, &slug, None).await;
    admin.create_item(&slug, "Heard on both").await;
    here.change().await;
    let last = here.last_id.clone().expect("a change carries an id");
    drop(here);

    let admin_there = Visitor {
        client: admin.client.clone(),
        address: elsewhere,
    };
    let mut there = Stream::of(&admin_there, &slug, Some(&last)).await;
    assert_eq!(
        there.next(SOON).await,
        Some(("resync".into(), String::new()))
    );
}

/// When the instance's link to PostgreSQL breaks, changes made through
/// other instances meanwhile are lost to it: an open stream is told to
/// fetch everything, and so is a browser that reconnects with an id from
/// before the break.
#[tokio::test]
async fn a_reconnect_after_the_database_link_broke_fetches_everything() {
    let Some(app) = TestApp::postgres().await else {
        return;
    };
    let admin = app.admin().await;
    let slug = admin.create_workspace("Live plans", "live-plans").await;
    let mut before = Stream::of(&admin, &slug, None).await;
    admin.create_item(&slug, "Before the break").await;
    before.change().await;
    let last = before.last_id.clone().expect("a change carries an id");
    let mut open = Stream::of(&admin, &slug, Some(&last)).await;
    drop(before);
    assert_eq!(open.next(QUIET).await, None, "up to date");

    let broken: i64 = sqlx::query_scalar(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    )
    .fetch_one(app.db.postgres_pool().expect("a PostgreSQL pool"))
    .await
    .unwrap();
    assert_eq!(broken, 1, "the instance's listening connection");
    assert_eq!(
        open.next(Duration::from_secs(10)).await,
        Some(("resync".into(), String::new()))
    );
    let mut back = Stream::of(&admin, &slug, Some(&last)).await;
    assert_eq!(
        back.next(SOON).await,
        Some(("resync".into(), String::new()))
    );
}

/// The streams one session may hold open, and one user over all their
/// sessions.
const PER_SESSION: usize = streams::DEFAULT_PER_SESSION;
const PER_USER: usize = streams::DEFAULT_PER_USER;

/// How many streams the instance counts as open.
fn open_streams(app: &TestApp) -> usize {
    app.state.streams.open_count()
}

/// Waits until the instance counts `wanted` open streams: a stream's end
/// reaches the server a moment after the client's.
async fn wait_for_open_streams(app: &TestApp, wanted: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while open_streams(app) != wanted {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} streams open, not {wanted}",
            open_streams(app)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `count` streams of `slug` opened at the same moment, as one browser's
/// tabs.
async fn open_at_once(visitor: &Visitor, slug: &str, count: usize) -> Vec<Stream> {
    futures_util::future::join_all((0..count).map(|_| Stream::of(visitor, slug, None))).await
}

/// Which of `streams` were ended for newer ones: each must say `gone`
/// (so its page does not reconnect) and then end; the others hear nothing
/// meanwhile.
async fn ended(streams: &mut [Stream]) -> Vec<bool> {
    futures_util::future::join_all(streams.iter_mut().map(|stream| async move {
        match stream.next(SOON).await {
            None => false,
            Some((name, _)) => {
                assert_eq!(name, "gone");
                assert_eq!(stream.next(QUIET).await, None, "the stream ends");
                true
            }
        }
    }))
    .await
}

/// Every one of `streams` hears the change to `key`.
async fn all_hear(streams: &mut [Stream], key: &str) {
    for heard in futures_util::future::join_all(streams.iter_mut().map(Stream::change)).await {
        assert_eq!(heard.0.as_deref(), Some(key));
    }
}

/// One account cannot hold thousands of connections: past a session's cap,
/// and past a user's over all their sessions, a new stream ends the oldest
/// (`gone`, which its page takes as final: no reconnecting, so tabs cannot
/// keep pushing each other out). Streams opened at the same moment are
/// counted exactly, and every way a stream ends gives its place back.
#[tokio::test]
async fn one_account_holds_a_bounded_number_of_streams() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let member = app.member(&admin, "max@example.com").await;
        let slug = admin.create_workspace("Live plans", "live-plans").await;
        let token = admin.invite(&slug, "viewer", "").await;
        assert_eq!(member.accept(&token).await.status(), 200);
        // Once the item's creation has reached a stream, it will not reach
        // those opened below (on PostgreSQL it comes back a moment later).
        let mut probe = Stream::of(&member, &slug, None).await;
        let key = admin.create_item(&slug, "Dark mode").await;
        probe.change().await;
        drop(probe);
        wait_for_open_streams(&app, 0).await;

        // One browser: the oldest tab, then more than the cap at once.
        let mut oldest = Stream::of(&admin, &slug, None).await;
        let mut first = open_at_once(&admin, &slug, PER_SESSION + 3).await;
        assert_eq!(
            oldest.next(SOON).await.map(|(name, _)| name).as_deref(),
            Some("gone"),
            "the oldest stream makes room"
        );
        assert_eq!(oldest.next(QUIET).await, None);
        let gone = ended(&mut first).await;
        assert_eq!(gone.iter().filter(|g| **g).count(), 3, "{gone:?}");
        let mut first: Vec<Stream> = first
            .into_iter()
            .zip(gone)
            .filter_map(|(stream, gone)| (!gone).then_some(stream))
            .collect();
        assert_eq!(first.len(), PER_SESSION);
        wait_for_open_streams(&app, PER_SESSION).await;
        retitle(&admin, &slug, &key, "Heard by the cap's worth").await;
        all_hear(&mut first, &key).await;

        // The same person signed in on two more devices: the user's cap
        // ends the oldest streams, the first device's, and only those.
        let mut devices = Vec::new();
        for _ in 0..2 {
            let device = app.visitor();
            let signed_in = device
                .sign_in(crate::support::ADMIN_EMAIL, crate::support::PASSWORD)
                .await;
            assert_eq!(signed_in.status(), 200);
            devices.push(device);
        }
        let (second, third) = futures_util::future::join(
            open_at_once(&devices[0], &slug, PER_SESSION),
            open_at_once(&devices[1], &slug, PER_SESSION),
        )
        .await;
        let gone = ended(&mut first).await;
        assert!(gone.iter().all(|g| *g), "{gone:?}");
        let mut newer: Vec<Stream> = second.into_iter().chain(third).collect();
        assert_eq!(newer.len(), PER_USER);
        wait_for_open_streams(&app, PER_USER).await;
        retitle(&admin, &slug, &key, "Heard on the newer devices").await;
        all_hear(&mut newer, &key).await;
        // Another member is not held to the admin's count.
        let mut theirs = open_at_once(&member, &slug, 3).await;
        assert!(ended(&mut newer).await.iter().all(|g| !g));
        wait_for_open_streams(&app, PER_USER + 3).await;

        // Closed by the browser, ended by a removal, ended at shutdown:
        // each gives its place back.
        drop(newer);
        wait_for_open_streams(&app, 3).await;
        remove_member(&admin, &slug, "max@example.com").await;
        for stream in &mut theirs {
            assert_eq!(
                stream.next(SOON).await,
                Some(("gone".into(), String::new()))
            );
        }
        drop(theirs);
        wait_for_open_streams(&app, 0).await;
        let mut again = open_at_once(&devices[0], &slug, PER_SESSION).await;
        wait_for_open_streams(&app, PER_SESSION).await;
        retitle(&admin, &slug, &key, "Heard after the others left").await;
        all_hear(&mut again, &key).await;
        app.state
            .events
            .publish(app::backend::events::Event::Closing);
        for stream in &mut again {
            assert_eq!(
                stream.next(SOON).await.map(|(name, _)| name).as_deref(),
                Some("closing")
            );
        }
        drop(again);
        wait_for_open_streams(&app, 0).await;
    }
}
