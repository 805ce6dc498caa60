//! The REST API's resources: items (list with the filter bar's filters and
//! a cursor, get, create, change under `If-Match`, delete), comments,
//! scores, statuses, members and saved views; every fault of a request
//! answered with the one JSON error shape and a 4xx; and the access rule of
//! the pages, capped by the token's scope, for every operation the OpenAPI
//! document lists.

use std::collections::BTreeSet;

use crate::support::{TestApp, Visitor};
use reqwest::Method;
use serde_json::{Value, json};

async fn make_token(visitor: &Visitor, scope: &str) -> String {
    let made: Value = visitor
        .call_ok(
            "account/tokens/create",
            &[("name", "Script"), ("scope", scope), ("days", "")],
        )
        .await
        .json()
        .await
        .unwrap();
    made["token"].as_str().unwrap().to_owned()
}

/// A client of the API holding one token, without cookies.
struct Api {
    client: reqwest::Client,
    address: String,
    token: Option<String>,
}

struct Answer {
    status: u16,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

impl Answer {
    fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Api {
    fn new(app: &TestApp, token: Option<String>) -> Self {
        Self {
            client: crate::support::new_client(),
            address: app.address.clone(),
            token,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let request = match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
        };
        Answer {
            status,
            body,
            headers,
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}/api/v1{path}", self.address))
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(self.request(Method::GET, path)).await
    }

    async fn json(&self, method: Method, path: &str, body: Value) -> Answer {
        self.send(self.request(method, path).json(&body)).await
    }

    async fn patch(&self, path: &str, if_match: Option<&str>, body: Value) -> Answer {
        let mut request = self.request(Method::PATCH, path).json(&body);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        self.send(request).await
    }
}

/// Saves a view of the items; returns its id.
async fn create_view(visitor: &Visitor, slug: &str, name: &str, kind: &str, params: &str) -> i64 {
    let response = visitor
        .call_ok(
            "w/views/create",
            &[
                ("slug", slug),
                ("name", name),
                ("kind", kind),
                ("params", params),
            ],
        )
        .await;
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

fn keys(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn items_are_made_read_changed_under_if_match_and_deleted() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Api plans", "api-plans").await;
        let api = Api::new(&app, Some(make_token(&admin, "write").await));
        let members = api.get("/workspaces/api-plans/members").await;
        assert_eq!(members.status, 200, "{}", members.body);
        let me = members.body["members"][0]["user_id"].as_i64().unwrap();
        assert_eq!(members.body["members"][0]["role"], "owner");
        let statuses = api.get("/workspaces/api-plans/statuses").await;
        let done = statuses.body["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["category"] == "done")
            .unwrap()["id"]
            .as_i64()
            .unwrap();

        let made = api
            .json(
                Method::POST,
                "/workspaces/api-plans/items",
                json!({
                    "title": "  Dark mode ",
                    "description": "Follow the **system** setting.",
                    "tags": ["UI", "mobile"],
                    "assignee_id": me,
                    "horizon": "next",
                    "start_date": "2026-12-01",
                    "end_date": "2026-12-20",
                }),
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
        let key = made.body["key"].as_str().unwrap().to_owned();
        assert_eq!(made.body["title"], "Dark mode");
        assert_eq!(made.body["tags"], json!(["mobile", "ui"]));
        assert_eq!(made.body["assignee"]["id"], me);
        assert_eq!(made.body["horizon"], "next");
        assert_eq!(made.body["version"], 1);
        assert!(
            made.body["description_html"]
                .as_str()
                .unwrap()
                .contains("<strong>system</strong>")
        );
        assert!(made.body["created_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(made.headers["etag"], "\"1\"");
        assert!(
            made.headers["location"]
                .to_str()
                .unwrap()
                .ends_with(&format!("/api/v1/workspaces/api-plans/items/{key}"))
        );
        // The pages see what the API made: both call the same functions.
        let page = admin.item(&slug, &key).await;
        assert_eq!(page["summary"]["title"], "Dark mode");
        assert_eq!(page["activity"][0]["field"], "created");

        let path = format!("/workspaces/api-plans/items/{key}");
        let read = api.get(&path).await;
        assert_eq!(read.status, 200);
        assert_eq!(read.headers["etag"], "\"1\"");
        assert_eq!(read.body["description"], "Follow the **system** setting.");

        // No If-Match: 428; a malformed one: 422; a stale one: 412, and
        // nothing is written.
        let change = json!({ "status_id": done, "assignee_id": null, "end_date": null });
        assert_eq!(api.patch(&path, None, change.clone()).await.status, 428);
        let bad = api.patch(&path, Some("\"seven\""), change.clone()).await;
        assert_eq!((bad.status, bad.code()), (422, "invalid"));
        let changed = api.patch(&path, Some("\"1\""), change.clone()).await;
        assert_eq!(changed.status, 200, "{}", changed.body);
        assert_eq!(changed.headers["etag"], "\"2\"");
        assert_eq!(changed.body["status_id"], done);
        assert_eq!(changed.body["assignee"], Value::Null);
        assert_eq!(changed.body["end_date"], Value::Null);
        assert_eq!(changed.body["start_date"], "2026-12-01");
        assert_eq!(changed.body["tags"], json!(["mobile", "ui"]));
        let stale = api
            .patch(&path, Some("W/\"1\""), json!({ "title": "Lost" }))
            .await;
        assert_eq!((stale.status, stale.code()), (412, "precondition_failed"));
        assert!(
            stale.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Ada Admin")
        );
        assert_eq!(api.get(&path).await.body["title"], "Dark mode");
        // Someone changes it in the page meanwhile: the API's old version
        // is stale too.
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", &key),
                    ("version", "2"),
                    ("title", "Dark theme"),
                ],
            )
            .await;
        assert_eq!(
            api.patch(&path, Some("\"2\""), json!({ "archived": true }))
                .await
                .status,
            412
        );
        let any = api
            .patch(&path, Some("*"), json!({ "archived": true }))
            .await;
        assert_eq!(any.status, 200, "{}", any.body);
        assert_eq!(any.body["archived"], true);
        assert_eq!(any.body["title"], "Dark theme");
        // The same change again changes nothing and keeps the version.
        let same = api
            .patch(&path, Some("\"4\""), json!({ "archived": true }))
            .await;
        assert_eq!(same.headers["etag"], "\"4\"");

        // Comments and scores.
        let comments = format!("{path}/comments");
        let comment = api
            .json(Method::POST, &comments, json!({ "body": "Ship it *soon*" }))
            .await;
        assert_eq!(comment.status, 201, "{}", comment.body);
        assert_eq!(comment.body["author"], "Ada Admin");
        assert!(
            comment.body["body_html"]
                .as_str()
                .unwrap()
                .contains("<em>soon</em>")
        );
        let listed = api.get(&comments).await;
        assert_eq!(listed.body["comments"].as_array().unwrap().len(), 1);
        assert_eq!(listed.body["comments"][0]["id"], comment.body["id"]);
        let empty = api
            .json(Method::POST, &comments, json!({ "body": "  " }))
            .await;
        assert_eq!((empty.status, empty.code()), (422, "invalid"));

        let scores = api.get(&format!("{path}/scores")).await;
        assert_eq!(scores.status, 200);
        assert_eq!(scores.body["score"], Value::Null);
        let ratings = scores.body["ratings"].as_array().unwrap().clone();
        assert!(!ratings.is_empty());
        for rating in &ratings {
            let value = match rating["scale"].as_str().unwrap() {
                "zero_to_ten" => 5.0,
                "percentage" => 50.0,
                "tshirt" => 2.0,
                "yes_no" => 1.0,
                _ => 10.0,
            };
            let rated = api
                .json(
                    Method::PUT,
                    &format!("{path}/scores/{}", rating["criterion_id"]),
                    json!({ "value": value }),
                )
                .await;
            assert_eq!(rated.status, 200, "{}", rated.body);
        }
        let scores = api.get(&format!("{path}/scores")).await;
        assert!(scores.body["score"].is_number(), "{}", scores.body);
        assert_eq!(scores.body["partly_rated"], false);
        let first = &ratings[0]["criterion_id"];
        let wrong = api
            .json(
                Method::PUT,
                &format!("{path}/scores/{first}"),
                json!({ "value": -3 }),
            )
            .await;
        assert_eq!(
            (wrong.status, wrong.code()),
            (422, "invalid"),
            "{}",
            wrong.body
        );
        let missing = api
            .json(Method::PUT, &format!("{path}/scores/{first}"), json!({}))
            .await;
        assert_eq!(missing.status, 422);
        let unrated = api
            .json(
                Method::PUT,
                &format!("{path}/scores/{first}"),
                json!({ "value": null }),
            )
            .await;
        assert_eq!(unrated.body["partly_rated"], true, "{}", unrated.body);
        let foreign = api
            .json(
                Method::PUT,
                &format!("{path}/scores/999999"),
                json!({ "value": 1 }),
            )
            .await;
        assert_eq!(foreign.status, 422);

        let deleted = api.send(api.request(Method::DELETE, &path)).await;
        assert_eq!(deleted.status, 204);
        assert_eq!(api.get(&path).await.status, 404);
        assert_eq!(api.get(&comments).await.status, 404);
        let again = api.send(api.request(Method::DELETE, &path)).await;
        assert_eq!((again.status, again.code()), (404, "not_found"));
    }
}

#[tokio::test]
async fn lists_filter_like_the_filter_bar_and_page_by_cursor_across_inserts() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Api pages", "api-pages").await;
        let api = Api::new(&app, Some(make_token(&admin, "write").await));
        let mut made = BTreeSet::new();
        for n in 0..7 {
            made.insert(admin.create_item(&slug, &format!("Idea {n}")).await);
        }
        let tagged = api
            .json(
                Method::POST,
                "/workspaces/api-pages/items",
                json!({ "title": "Tagged idea", "tags": ["sync"], "horizon": "now" }),
            )
            .await;
        made.insert(tagged.body["key"].as_str().unwrap().to_owned());

        let list = api.get("/workspaces/api-pages/items?tag=sync").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert_eq!(list.body["total"], 1);
        assert_eq!(keys(&list.body), vec![tagged.body["key"].as_str().unwrap()]);
        let list = api
            .get("/workspaces/api-pages/items?horizon=unplanned&q=idea&sort=title&dir=asc")
            .await;
        assert_eq!(list.body["total"], 7);
        assert_eq!(list.body["items"][0]["title"], "Idea 0");
        let list = api
            .get("/workspaces/api-pages/items?assignee=none&archived=false")
            .await;
        assert_eq!(list.body["total"], 8);

        // Three at a time, newest change first, while new items arrive and
        // an old one is changed (it moves to the top, behind the cursor).
        let mut seen = Vec::new();
        let mut path = "/workspaces/api-pages/items?limit=3".to_owned();
        let mut round = 0;
        loop {
            let page = api.get(&path).await;
            assert_eq!(page.status, 200, "{}", page.body);
            assert!(page.body["items"].as_array().unwrap().len() <= 3);
            seen.extend(keys(&page.body));
            admin.create_item(&slug, &format!("Late {round}")).await;
            round += 1;
            match page.body["next_cursor"].as_str() {
                Some(cursor) => {
                    path = format!(
                        "/workspaces/api-pages/items?limit=3&cursor={}",
                        urlencode(cursor)
                    )
                }
                None => break,
            }
        }
        let unique: BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "no item twice: {seen:?}");
        assert_eq!(unique, made, "every item that was there, once");

        // The same cursor with another sort is refused, as are unknown,
        // repeated and out-of-range parameters.
        let first = api.get("/workspaces/api-pages/items?limit=2").await;
        let cursor = urlencode(first.body["next_cursor"].as_str().unwrap());
        for (query, status, field) in [
            (format!("sort=title&cursor={cursor}"), 422, "cursor"),
            ("cursor=garbage".to_owned(), 422, "cursor"),
            ("limit=0".to_owned(), 422, "limit"),
            ("limit=201".to_owned(), 422, "limit"),
            ("limit=ten".to_owned(), 400, ""),
            ("status=0".to_owned(), 422, "status"),
            ("status=x".to_owned(), 400, ""),
            ("assignee=someone".to_owned(), 422, "assignee"),
            ("horizon=soon".to_owned(), 400, ""),
            ("sort=password".to_owned(), 400, ""),
            ("dir=up".to_owned(), 400, ""),
            ("tag=%3Cscript%3E".to_owned(), 422, "tag"),
            (format!("q={}", "x".repeat(201)), 422, "q"),
            ("score_min=NaN".to_owned(), 422, "score_min"),
            ("score_max=1e400".to_owned(), 422, "score_max"),
            ("archived=yes".to_owned(), 400, ""),
            ("colour=red".to_owned(), 400, ""),
            ("status=1&status=2".to_owned(), 400, ""),
        ] {
            let answer = api
                .get(&format!("/workspaces/api-pages/items?{query}"))
                .await;
            assert_eq!(answer.status, status, "{query}: {}", answer.body);
            if !field.is_empty() {
                assert_eq!(answer.body["error"]["details"]["field"], field, "{query}");
            } else {
                assert_eq!(answer.code(), "invalid_query", "{query}");
            }
        }
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn every_fault_of_a_request_is_a_json_4xx() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Api faults", "api-faults").await;
    let key = admin.create_item(&slug, "Target").await;
    let api = Api::new(&app, Some(make_token(&admin, "write").await));
    let items = "/workspaces/api-faults/items";
    let raw = |body: &'static str, content_type: &'static str| {
        api.request(Method::POST, items)
            .header("content-type", content_type)
            .body(body)
    };
    for (request, status, code) in [
        (
            raw("{\"title\": ", "application/json"),
            400,
            "malformed_json",
        ),
        (
            raw("title=x", "application/x-www-form-urlencoded"),
            415,
            "unsupported_media_type",
        ),
        (
            raw("{\"title\": \"x\"}", "text/plain"),
            415,
            "unsupported_media_type",
        ),
        (raw("[1, 2]", "application/json"), 422, "invalid_body"),
        (
            raw("{\"title\": \"x\", \"colour\": 1}", "application/json"),
            422,
            "invalid_body",
        ),
        (
            raw("{\"title\": 7}", "application/json"),
            422,
            "invalid_body",
        ),
        (raw("{}", "application/json"), 422, "invalid_body"),
        (
            raw(
                "{\"title\": \"x\", \"horizon\": \"soon\"}",
                "application/json",
            ),
            422,
            "invalid_body",
        ),
    ] {
        let answer = api.send(request).await;
        assert_eq!(
            (answer.status, answer.code()),
            (status, code),
            "{}",
            answer.body
        );
        assert!(answer.body["error"]["message"].as_str().unwrap().len() > 5);
    }
    for (body, field) in [
        (json!({ "title": "x".repeat(201) }), "title"),
        (json!({ "title": " " }), "title"),
        (
            json!({ "title": "x", "description": "y".repeat(20_001) }),
            "description",
        ),
        (
            json!({ "title": "x", "tags": (0..21).map(|_| "same").collect::<Vec<_>>() }),
            "tags",
        ),
        (json!({ "title": "x", "tags": ["a,b"] }), "tags"),
        (
            json!({ "title": "x", "start_date": "2026-02-30" }),
            "start_date",
        ),
        (
            json!({ "title": "x", "start_date": "2026-03-02", "end_date": "2026-03-01" }),
            "end_date",
        ),
        (json!({ "title": "x", "status_id": 999_999 }), "status"),
        (json!({ "title": "x", "assignee_id": 999_999 }), "assignee"),
    ] {
        let answer = api.json(Method::POST, items, body.clone()).await;
        assert_eq!(answer.status, 422, "{body}: {}", answer.body);
        assert_eq!(answer.body["error"]["details"]["field"], field, "{body}");
    }
    // Too large for the API, and too large for the server at all.
    let big = format!("{{\"title\": \"{}\"}}", "x".repeat(300 * 1024));
    let answer = api
        .send(
            api.request(Method::POST, items)
                .header("content-type", "application/json")
                .body(big),
        )
        .await;
    assert_eq!((answer.status, answer.code()), (413, "too_large"));
    let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(3 * 1024 * 1024));
    let answer = api
        .send(
            api.request(Method::POST, items)
                .header("content-type", "application/json")
                .body(huge),
        )
        .await;
    assert_eq!((answer.status, answer.code()), (413, "too_large"));
    // A method the resource does not take, a malformed path value.
    let answer = api.send(api.request(Method::PUT, items)).await;
    assert_eq!((answer.status, answer.code()), (405, "method_not_allowed"));
    let answer = api
        .json(
            Method::PUT,
            &format!("{items}/{key}/scores/first"),
            json!({ "value": 1 }),
        )
        .await;
    assert_eq!((answer.status, answer.code()), (400, "invalid_path"));
    let answer = api.get("/workspaces/api-faults/views/x/items").await;
    assert_eq!((answer.status, answer.code()), (400, "invalid_path"));
    for missing in [
        format!("{items}/NOPE"),
        format!("{items}/API-999"),
        format!("{items}/-1"),
    ] {
        let answer = api.get(&missing).await;
        assert_eq!(
            (answer.status, answer.code()),
            (404, "not_found"),
            "{missing}"
        );
    }
    // A cross-site request is no concern of the API's: it carries a token,
    // never a cookie.
    let answer = api
        .send(
            api.request(Method::POST, items)
                .header("origin", "https://evil.example")
                .json(&json!({ "title": "From a script" })),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.body);

    // The document that describes all this.
    let document = api.get("/openapi.json").await;
    assert_eq!(document.status, 200);
    assert_eq!(document.body["openapi"], "3.1.0");
    assert!(document.body["paths"]["/api/v1/workspaces/{slug}/items/{key}"]["patch"].is_object());
    assert!(document.body["components"]["securitySchemes"]["token"].is_object());
}

#[tokio::test]
async fn saved_views_list_their_items_in_their_order() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Api views", "api-views").await;
    let api = Api::new(&app, Some(make_token(&admin, "read").await));
    for title in ["Beta", "Alpha", "Gamma"] {
        let key = admin.create_item(&slug, title).await;
        if title != "Gamma" {
            admin
                .call_ok(
                    "w/items/update",
                    &[
                        ("slug", &slug),
                        ("key", &key),
                        ("version", "1"),
                        ("tags", "mobile"),
                    ],
                )
                .await;
        }
    }
    let id = create_view(
        &admin,
        &slug,
        "Mobile by title",
        "board",
        "tag=mobile&sort=title&dir=asc",
    )
    .await;
    let views = api.get("/workspaces/api-views/views").await;
    assert_eq!(views.body["views"][0]["name"], "Mobile by title");
    assert_eq!(views.body["views"][0]["kind"], "board");
    let view = api.get(&format!("/workspaces/api-views/views/{id}")).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert!(view.body["query"].as_str().unwrap().contains("tag=mobile"));
    let items = api
        .get(&format!("/workspaces/api-views/views/{id}/items?limit=1"))
        .await;
    assert_eq!(items.body["total"], 2);
    assert_eq!(items.body["items"][0]["title"], "Alpha");
    let next = urlencode(items.body["next_cursor"].as_str().unwrap());
    let rest = api
        .get(&format!(
            "/workspaces/api-views/views/{id}/items?limit=1&cursor={next}"
        ))
        .await;
    assert_eq!(rest.body["items"][0]["title"], "Beta");
    assert_eq!(rest.body["next_cursor"], Value::Null);
    let unknown = api.get("/workspaces/api-views/views/999999/items").await;
    assert_eq!(unknown.status, 404);
    let extra = api
        .get(&format!("/workspaces/api-views/views/{id}/items?tag=other"))
        .await;
    assert_eq!((extra.status, extra.code()), (400, "invalid_query"));
}

/// Who calls an operation in the matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Caller {
    NoToken,
    NonMember,
    Member(&'static str, &'static str),
}

/// Every operation the OpenAPI document lists, tried by every kind of
/// caller: no token is 401, a non-member 404 (the same as no such
/// workspace), a role below the operation's or a read token writing 403,
/// and everyone else gets the answer. A new operation fails this test
/// until it has a row.
#[tokio::test]
async fn every_operation_obeys_the_roles_and_the_token_scope() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Api matrix", "api-matrix").await;
    let view = create_view(&admin, &slug, "All", "items", "").await;
    let mut callers: Vec<(Caller, Api)> = vec![(Caller::NoToken, Api::new(&app, None))];
    let outsider = app.member(&admin, "out@example.com").await;
    callers.push((
        Caller::NonMember,
        Api::new(&app, Some(make_token(&outsider, "write").await)),
    ));
    for role in ["viewer", "contributor", "editor"] {
        let member = app.member(&admin, &format!("{role}@example.com")).await;
        let invitation = admin.invite(&slug, role, "").await;
        assert_eq!(member.accept(&invitation).await.status(), 200);
        for scope in ["read", "write"] {
            callers.push((
                Caller::Member(role, scope),
                Api::new(&app, Some(make_token(&member, scope).await)),
            ));
        }
    }
    for scope in ["read", "write"] {
        callers.push((
            Caller::Member("owner", scope),
            Api::new(&app, Some(make_token(&admin, scope).await)),
        ));
    }
    let owner = Api::new(&app, Some(make_token(&admin, "write").await));
    let probe = admin.create_item(&slug, "Probe").await;
    let scores = owner
        .get(&format!("/workspaces/{slug}/items/{probe}/scores"))
        .await;
    let criterion = scores.body["ratings"][0]["criterion_id"].as_i64().unwrap();

    // (method, path, least role, writes, body)
    let rows: Vec<(&str, &str, &str, bool, Value)> = vec![
        ("get", "/api/v1/workspaces", "none", false, Value::Null),
        (
            "get",
            "/api/v1/workspaces/{slug}",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/statuses",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/members",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/views",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/views/{id}",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/views/{id}/items",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/items",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "post",
            "/api/v1/workspaces/{slug}/items",
            "editor",
            true,
            json!({ "title": "New" }),
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/items/{key}",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "patch",
            "/api/v1/workspaces/{slug}/items/{key}",
            "editor",
            true,
            json!({ "title": "Changed" }),
        ),
        (
            "delete",
            "/api/v1/workspaces/{slug}/items/{key}",
            "editor",
            true,
            Value::Null,
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/items/{key}/comments",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "post",
            "/api/v1/workspaces/{slug}/items/{key}/comments",
            "contributor",
            true,
            json!({ "body": "Hello" }),
        ),
        (
            "get",
            "/api/v1/workspaces/{slug}/items/{key}/scores",
            "viewer",
            false,
            Value::Null,
        ),
        (
            "put",
            "/api/v1/workspaces/{slug}/items/{key}/scores/{criterion_id}",
            "editor",
            true,
            json!({ "value": 1 }),
        ),
    ];
    let document = owner.get("/openapi.json").await.body;
    let mut listed = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for method in operations.as_object().unwrap().keys() {
            listed.insert(format!("{method} {path}"));
        }
    }
    let covered: BTreeSet<String> = rows.iter().map(|r| format!("{} {}", r.0, r.1)).collect();
    assert_eq!(listed, covered, "every operation has a row, and only those");

    let rank = |role: &str| {
        ["viewer", "contributor", "editor", "owner"]
            .iter()
            .position(|r| *r == role)
    };
    for (method, template, least, writes, body) in &rows {
        for (caller, api) in &callers {
            let key = admin.create_item(&slug, "Target").await;
            let path = template
                .trim_start_matches("/api/v1")
                .replace("{slug}", &slug)
                .replace("{key}", &key)
                .replace("{id}", &view.to_string())
                .replace("{criterion_id}", &criterion.to_string());
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut request = api
                .request(method.clone(), &path)
                .header("if-match", "\"1\"");
            if !body.is_null() {
                request = request.json(body);
            }
            let answer = api.send(request).await;
            let expected = match caller {
                Caller::NoToken => 401,
                Caller::NonMember if *least == "none" => 0,
                Caller::NonMember => 404,
                Caller::Member(role, scope) => {
                    let below = *least != "none" && rank(role) < rank(least);
                    if below || (*writes && *scope == "read") {
                        403
                    } else {
                        0
                    }
                }
            };
            if expected == 0 {
                assert!(
                    (200..300).contains(&answer.status),
                    "{method} {template} as {caller:?}: {} {}",
                    answer.status,
                    answer.body
                );
            } else {
                assert_eq!(
                    answer.status, expected,
                    "{method} {template} as {caller:?}: {}",
                    answer.body
                );
                assert!(
                    answer.body["error"]["code"].is_string(),
                    "{method} {template} as {caller:?}: {} {:?}",
                    answer.body,
                    answer.headers
                );
            }
        }
    }
}

#[tokio::test]
async fn each_token_has_its_own_rate_limit_counted_across_instances() {
    for app in TestApp::each_backend_with_api_rate_limit(20).await {
        let admin = app.admin().await;
        admin.create_workspace("Api limits", "api-limits").await;
        let token = make_token(&admin, "write").await;
        let busy = Api::new(&app, Some(token.clone()));
        let other = Api::new(&app, Some(make_token(&admin, "read").await));
        // Half the requests through this instance, half through another on
        // the same database: one count.
        let (elsewhere_address, _elsewhere) = app.another_instance().await;
        let elsewhere = Api {
            client: crate::support::new_client(),
            address: elsewhere_address,
            token: Some(token),
        };
        // All of it within one minute's window.
        let into_minute = crate::support::now_secs() % 60;
        if into_minute > 50 {
            tokio::time::sleep(std::time::Duration::from_secs((61 - into_minute) as u64)).await;
        }
        for n in 1..=20_i64 {
            let api = if n % 2 == 0 { &busy } else { &elsewhere };
            let answer = api.get("/workspaces").await;
            assert_eq!(answer.status, 200, "request {n}: {}", answer.body);
            assert_eq!(answer.headers["ratelimit-limit"], "20");
            assert_eq!(
                answer.headers["ratelimit-remaining"],
                (20 - n).to_string().as_str()
            );
            assert_eq!(answer.headers["ratelimit-policy"], "20;w=60");
            let reset: i64 = answer.headers["ratelimit-reset"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&reset));
        }
        // One too many: refused before its handler runs (nothing is made).
        let refused = busy
            .json(
                Method::POST,
                "/workspaces/api-limits/items",
                json!({ "title": "Over the limit" }),
            )
            .await;
        assert_eq!((refused.status, refused.code()), (429, "too_many_requests"));
        let wait: i64 = refused.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait));
        assert_eq!(refused.headers["ratelimit-remaining"], "0");
        assert_eq!(elsewhere.get("/workspaces").await.status, 429);
        let items = other.get("/workspaces/api-limits/items").await;
        assert_eq!(items.status, 200, "another token counts on its own");
        assert_eq!(items.body["total"], 0);

        // Calls without a valid token are counted by address, at a tenth
        // of a token's limit (never below 10).
        let nobody = Api::new(&app, Some("wm_nonsense".to_owned()));
        let into_minute = crate::support::now_secs() % 60;
        if into_minute > 55 {
            tokio::time::sleep(std::time::Duration::from_secs((61 - into_minute) as u64)).await;
        }
        for _ in 0..10 {
            assert_eq!(nobody.get("/workspaces").await.status, 401);
        }
        let refused = nobody.get("/workspaces").await;
        assert_eq!(refused.status, 429);
        assert_eq!(refused.headers["ratelimit-limit"], "10");
        // The description is never counted.
        assert_eq!(nobody.get("/openapi.json").await.status, 200);
    }
}

#[tokio::test]
async fn calls_without_a_token_count_by_ipv6_network_not_by_address() {
    let setup = crate::support::Setup {
        api_rate_limit: Some(20),
        behind_proxy: true,
        ..crate::support::Setup::default()
    };
    for app in TestApp::each_backend_with(setup).await {
        // One client hopping across the addresses of its /64, as any
        // IPv6 host can: each call from a new address, all counted as one.
        let from = |n: u32| format!("2001:db8:1:2::{n:x}");
        let client = crate::support::new_client();
        let call = |address: String| {
            let request = client
                .get(app.url("/api/v1/workspaces"))
                .header("authorization", "Bearer wm_nonsense")
                .header("x-forwarded-for", address);
            async move { request.send().await.unwrap().status().as_u16() }
        };
        let into_minute = crate::support::now_secs() % 60;
        if into_minute > 55 {
            tokio::time::sleep(std::time::Duration::from_secs((61 - into_minute) as u64)).await;
        }
        for n in 1..=10 {
            assert_eq!(call(from(n)).await, 401, "call {n}");
        }
        assert_eq!(call(from(11)).await, 429, "the /64 is out of calls");
        // Another network still has its own.
        assert_eq!(call("2001:db8:1:3::1".to_owned()).await, 401);
    }
}
