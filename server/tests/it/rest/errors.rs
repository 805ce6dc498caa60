//! Every fault of a request answered with the one JSON error shape and a
//! 4xx.

use super::{Api, make_token};
use crate::support::TestApp;
use reqwest::Method;
use serde_json::json;

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
