//! The access rule of the pages, capped by the token's scope, for every
//! operation the OpenAPI document lists.

use std::collections::BTreeSet;

use super::{Api, create_view, make_token};
use crate::support::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

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
