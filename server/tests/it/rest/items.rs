//! `/api/v1/workspaces/{slug}/items`: made, read, changed under `If-Match`
//! and deleted; lists that filter like the filter bar and page by cursor.

use std::collections::BTreeSet;

use super::{Api, keys, make_token, urlencode};
use crate::support::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

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
