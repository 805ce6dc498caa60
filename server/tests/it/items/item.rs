//! `/w/:slug/items/:key`: edits that never overwrite someone else's change,
//! fields checked one by one, another workspace's data out of reach,
//! Markdown that cannot run script, comments, and a page many open at once.

use crate::support::TestApp;
use serde_json::Value;

#[tokio::test]
async fn a_stale_edit_is_refused_with_who_changed_it() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let key = admin.create_item(&slug, "Dark mode").await;
        let version = admin.item(&slug, &key).await["summary"]["version"]
            .as_i64()
            .unwrap();

        let first = admin
            .call(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", &key),
                    ("version", &version.to_string()),
                    ("title", "Dark mode everywhere"),
                    ("tags", "ui, Mobile"),
                    ("horizon", "next"),
                ],
            )
            .await;
        assert_eq!(first.status(), 200);
        assert_eq!(first.json::<i64>().await.unwrap(), version + 1);

        // A second edit based on the old version.
        let stale = admin
            .call(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", &key),
                    ("version", &version.to_string()),
                    ("title", "Something else"),
                ],
            )
            .await;
        assert_eq!(stale.status(), 409, "{:?}", app.kind());
        let message = stale.text().await.unwrap();
        assert!(
            message.contains("changed by Ada Admin") && message.contains("reload"),
            "{message}"
        );

        let detail = admin.item(&slug, &key).await;
        assert_eq!(detail["summary"]["title"], "Dark mode everywhere");
        assert_eq!(
            detail["summary"]["tags"],
            serde_json::json!(["mobile", "ui"])
        );
        assert_eq!(detail["summary"]["horizon"], "Next");
        let fields: Vec<&str> = detail["activity"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["field"].as_str().unwrap())
            .collect();
        // Newest first; one entry per changed field, in one transaction.
        assert_eq!(fields.last(), Some(&"created"));
        for field in ["title", "tags", "horizon"] {
            assert!(fields.contains(&field), "{fields:?}");
        }
        assert_eq!(fields.len(), 4, "{fields:?}");
        let title_change = detail["activity"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["field"] == "title")
            .unwrap();
        assert_eq!(title_change["old_value"], "Dark mode");
        assert_eq!(title_change["new_value"], "Dark mode everywhere");
        assert_eq!(title_change["actor"], "Ada Admin");
    }
}

#[tokio::test]
async fn bad_values_are_refused_field_by_field() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Mobile", "mobile").await;
    let key = admin.create_item(&slug, "Dark mode").await;
    for (field, value) in [
        ("title", ""),
        ("title", &"x".repeat(201)),
        ("start_date", "2026-02-30"),
        ("end_date", "tomorrow"),
        ("horizon", "someday"),
        ("status", "999999"),
        ("status", "x"),
        ("assignee", "999999"),
        ("tags", "<script>"),
        ("description", &"x".repeat(20_001)),
    ] {
        let mut form = vec![
            ("slug", slug.as_str()),
            ("key", key.as_str()),
            ("version", "1"),
            (field, value),
        ];
        if value.is_empty() {
            // A form posts an empty field as none; the item page's says so.
            form.push(("full", "1"));
        }
        let response = admin.call("w/items/update", &form).await;
        assert_eq!(response.status(), 422, "{field}={value:.20}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field, "{body}");
    }
    let backwards = admin
        .call(
            "w/items/update",
            &[
                ("slug", &slug),
                ("key", &key),
                ("version", "1"),
                ("start_date", "2026-05-02"),
                ("end_date", "2026-05-01"),
            ],
        )
        .await;
    assert_eq!(backwards.status(), 422);
    assert!(backwards.text().await.unwrap().contains("before the start"));
    // Nothing of that was saved.
    assert_eq!(admin.item(&slug, &key).await["summary"]["version"], 1);
}

#[tokio::test]
async fn another_workspaces_items_statuses_and_people_are_out_of_reach() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let mine = admin.create_workspace("Mine", "mine").await;
        let stranger = app.member(&admin, "sam@example.com").await;
        let theirs = stranger.create_workspace("Theirs", "theirs").await;
        let their_key = stranger.create_item(&theirs, "Secret plan").await;
        let my_key = admin.create_item(&mine, "Mine").await;

        // Keys resolve inside the workspace of the address: a number mine
        // does not have is not found, whichever workspace has it.
        let their_second = stranger.create_item(&theirs, "Another secret").await;
        assert_eq!(their_second, "THE-2");
        for (function, extra) in [
            ("w/items/get", vec![]),
            ("w/items/update", vec![("version", "1"), ("title", "Taken")]),
            ("w/items/comments/add", vec![("body", "hello")]),
            ("w/items/delete", vec![]),
        ] {
            let mut form = vec![("slug", mine.as_str()), ("key", "THE-2")];
            form.extend(extra);
            let response = admin.call(function, &form).await;
            let expected = if function == "w/items/delete" {
                200
            } else {
                404
            };
            assert_eq!(response.status(), expected, "{function}");
        }
        // Their comment, by id, through my workspace's address.
        stranger
            .call_ok(
                "w/items/comments/add",
                &[("slug", &theirs), ("key", &their_key), ("body", "private")],
            )
            .await;
        let their_comment = stranger.item(&theirs, &their_key).await["comments"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        for function in ["w/items/comments/edit", "w/items/comments/delete"] {
            let response = admin
                .call(
                    function,
                    &[
                        ("slug", &mine),
                        ("comment_id", &their_comment),
                        ("body", "mine now"),
                    ],
                )
                .await;
            assert_eq!(response.status(), 404, "{function}");
        }
        // Their status id, or a non-member as assignee, in my workspace.
        let their_statuses: Value = stranger
            .call_json("w/items/choices", &[("slug", &theirs)])
            .await;
        let their_status = their_statuses["statuses"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let their_user = their_statuses["people"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        for (field, value) in [("status", &their_status), ("assignee", &their_user)] {
            let response = admin
                .call(
                    "w/items/update",
                    &[
                        ("slug", &mine),
                        ("key", &my_key),
                        ("version", "1"),
                        (field, value),
                    ],
                )
                .await;
            assert_eq!(response.status(), 422, "{field} of another workspace");
        }
        // And their items are untouched.
        let detail = stranger.item(&theirs, &their_key).await;
        assert_eq!(detail["summary"]["title"], "Secret plan");
        assert_eq!(detail["comments"][0]["body"], "private");
        assert_eq!(
            stranger.item(&theirs, "THE-2").await["summary"]["title"],
            "Another secret"
        );
    }
}

#[tokio::test]
async fn markdown_from_users_cannot_run_script() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Mobile", "mobile").await;
    let key = admin.create_item(&slug, "XSS").await;
    let attack = "**hi** <script>alert(1)</script><img src=x onerror=alert(2)> \
                  [a](javascript:alert(3)) [b](data:text/html,x) </textarea><b>out</b>";
    admin
        .call_ok(
            "w/items/update",
            &[
                ("slug", &slug),
                ("key", &key),
                ("version", "1"),
                ("description", attack),
            ],
        )
        .await;
    admin
        .call_ok(
            "w/items/comments/add",
            &[("slug", &slug), ("key", &key), ("body", attack)],
        )
        .await;
    let detail = admin.item(&slug, &key).await;
    for html in [
        detail["description_html"].as_str().unwrap(),
        detail["comments"][0]["body_html"].as_str().unwrap(),
    ] {
        assert!(html.contains("<strong>hi</strong>"), "{html}");
        for bad in ["<script", "onerror", "javascript:", "data:"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
    }
    // The page itself carries the sanitised HTML, not the source.
    let page = admin.page_text(&format!("/w/{slug}/items/{key}")).await;
    assert!(page.contains("<strong>hi</strong>"));
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        !page.contains("</textarea><b>out"),
        "the text cannot end its textarea"
    );
}

#[tokio::test]
async fn comments_are_changed_by_their_author_and_removed_by_an_owner() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Mobile", "mobile").await;
    let key = admin.create_item(&slug, "Dark mode").await;
    let member = app.member(&admin, "max@example.com").await;
    let token = admin.invite(&slug, "contributor", "").await;
    assert_eq!(member.accept(&token).await.status(), 200);

    member
        .call_ok(
            "w/items/comments/add",
            &[("slug", &slug), ("key", &key), ("body", "Yes please")],
        )
        .await;
    let id = admin.item(&slug, &key).await["comments"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let by_owner = admin
        .call(
            "w/items/comments/edit",
            &[("slug", &slug), ("comment_id", &id), ("body", "Rewritten")],
        )
        .await;
    assert_eq!(by_owner.status(), 403, "only the author edits");
    member
        .call_ok(
            "w/items/comments/edit",
            &[
                ("slug", &slug),
                ("comment_id", &id),
                ("body", "Yes, please!"),
            ],
        )
        .await;
    let comment = &member.item(&slug, &key).await["comments"][0];
    assert_eq!(comment["body"], "Yes, please!");
    assert_eq!(comment["edited"], true);
    assert_eq!(comment["can_edit"], true);

    let empty = member
        .call(
            "w/items/comments/add",
            &[("slug", &slug), ("key", &key), ("body", "   ")],
        )
        .await;
    assert_eq!(empty.status(), 422);

    admin
        .call_ok(
            "w/items/comments/delete",
            &[("slug", &slug), ("comment_id", &id)],
        )
        .await;
    assert_eq!(
        admin.item(&slug, &key).await["comments"],
        serde_json::json!([])
    );
}

/// Many people opening one item at once all get it. (Its title was once a
/// reactive value the server read after the page's values were dropped: a
/// few percent of parallel requests failed.)
#[tokio::test]
async fn an_item_page_opened_by_many_at_once_renders_every_time() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Crowd", "crowd").await;
        let key = admin.create_item(&slug, "Popular").await;
        let path = format!("/w/{slug}/items/{key}");
        let mut pages = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let visitor = admin.clone();
            let path = path.clone();
            pages.spawn(async move {
                let mut statuses = Vec::new();
                for _ in 0..20 {
                    let response = visitor.client.get(visitor.url(&path)).send().await;
                    statuses.push(response.expect("the page answers").status().as_u16());
                }
                statuses
            });
        }
        let statuses: Vec<u16> = pages.join_all().await.into_iter().flatten().collect();
        assert_eq!(statuses.len(), 320);
        assert!(
            statuses.iter().all(|s| *s == 200),
            "{statuses:?} on {:?}",
            app.kind()
        );
    }
}
