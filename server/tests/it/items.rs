//! Items: keys that never repeat, edits that never overwrite someone else's
//! change, history, Markdown that cannot run script, another workspace's
//! data out of reach, and the table's filters and pages. Who may call each
//! function is checked in `access_matrix.rs`.

use std::collections::BTreeSet;

use crate::support::{TestApp, Visitor, lane_keys};
use serde_json::Value;

/// `count` items titled "TITLE 0", "TITLE 1", …; their keys in order.
async fn create_many(visitor: &Visitor, slug: &str, title: &str, count: usize) -> Vec<String> {
    let mut made = Vec::with_capacity(count);
    for n in 0..count {
        made.push(visitor.create_item(slug, &format!("{title} {n}")).await);
    }
    made
}

async fn list(visitor: &Visitor, slug: &str, params: &str) -> Value {
    let response = visitor
        .call("w/items", &[("slug", slug), ("params", params)])
        .await;
    assert_eq!(response.status(), 200, "w/items?{params}");
    response.json().await.expect("a page of items")
}

fn keys(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["key"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn keys_count_up_and_are_never_given_twice() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile app", "mobile").await;
        assert_eq!(admin.create_item(&slug, "First").await, "MOB-1");
        assert_eq!(admin.create_item(&slug, "Second").await, "MOB-2");
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", "MOB-2")])
            .await;
        assert_eq!(
            admin.create_item(&slug, "Third").await,
            "MOB-3",
            "{:?}",
            app.kind()
        );

        // Twenty at once: twenty different keys.
        let mut calls = tokio::task::JoinSet::new();
        for n in 0..20 {
            let visitor = admin.clone();
            let slug = slug.clone();
            calls.spawn(async move { visitor.create_item(&slug, &format!("Parallel {n}")).await });
        }
        let made: BTreeSet<String> = calls.join_all().await.into_iter().collect();
        assert_eq!(made.len(), 20);
        assert!(
            made.iter()
                .all(|k| !["MOB-1", "MOB-2", "MOB-3"].contains(&k.as_str()))
        );

        // Another workspace counts on its own.
        let other = admin.create_workspace("Web", "web").await;
        assert_eq!(admin.create_item(&other, "Elsewhere").await, "WEB-1");
    }
}

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

#[tokio::test]
async fn the_table_filters_searches_and_pages_without_gaps() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        for n in 0..120 {
            let title = format!(
                "Item {:03} {}",
                n,
                if n % 3 == 0 { "dark mode" } else { "sync" }
            );
            let key = admin.create_item(&slug, &title).await;
            if n % 10 == 0 {
                admin
                    .call_ok(
                        "w/items/update",
                        &[
                            ("slug", &slug),
                            ("key", &key),
                            ("version", "1"),
                            ("tags", "mobile, ios"),
                        ],
                    )
                    .await;
            }
        }
        // Every sort pages through all 120 exactly once, and through a
        // search's 80 (read from its matches rather than the workspace's
        // index, there being few).
        for (filter, expected) in [("", 120), ("q=sync&", 80)] {
            for sort in [
                "key", "title", "status", "assignee", "horizon", "start", "end", "tags", "updated",
                "score",
            ] {
                for dir in ["asc", "desc"] {
                    let mut seen = Vec::new();
                    let mut params = format!("{filter}sort={sort}&dir={dir}");
                    loop {
                        let page = list(&admin, &slug, &params).await;
                        assert_eq!(page["total"], expected);
                        seen.extend(keys(&page));
                        match page["next"].as_str() {
                            Some(next) => {
                                params = format!(
                                    "{filter}sort={sort}&dir={dir}&after={}",
                                    url::form_urlencoded::byte_serialize(next.as_bytes())
                                        .collect::<String>()
                                )
                            }
                            None => break,
                        }
                    }
                    let unique: BTreeSet<&String> = seen.iter().collect();
                    let case = format!("{:?} {filter}{sort} {dir}", app.kind());
                    assert_eq!(seen.len(), expected, "{case}");
                    assert_eq!(unique.len(), expected, "{case}");
                }
            }
        }
        let by_title = list(&admin, &slug, "sort=title&dir=asc").await;
        assert_eq!(by_title["items"][0]["title"], "Item 000 dark mode");

        assert_eq!(list(&admin, &slug, "tag=mobile").await["total"], 12);
        assert_eq!(list(&admin, &slug, "q=dark").await["total"], 40);
        assert_eq!(
            list(&admin, &slug, "q=DARK+mod").await["total"],
            40,
            "prefix, any case"
        );
        assert_eq!(list(&admin, &slug, "q=dark&tag=ios").await["total"], 4);
        assert_eq!(
            list(&admin, &slug, "q=ios").await["total"],
            12,
            "tags are searched"
        );
        assert_eq!(list(&admin, &slug, "horizon=now").await["total"], 0);
        assert_eq!(list(&admin, &slug, "assignee=none").await["total"], 120);

        // Crafted parameters neither fail nor widen the list.
        for crafted in [
            "q=%22%29+OR+1%3D1+--",
            "q=*",
            "q=NEAR%28a+b%29",
            "q=%3A%2A+%26+%21",
            "sort=id%3B+DROP+TABLE+items&dir=sideways",
            "after=not-a-cursor",
            "after=1%3A%27%3B",
            "status=1+OR+1%3D1",
            "tag=%3Cscript%3E",
        ] {
            let page = list(&admin, &slug, crafted).await;
            assert!(page["total"].as_i64().unwrap() <= 120, "{crafted}");
        }
    }
}

/// The count a search shows and the items it lists (sorted), which must
/// agree.
async fn found(visitor: &Visitor, slug: &str, params: &str) -> (i64, Vec<String>) {
    let page = list(visitor, slug, params).await;
    let mut keys = keys(&page);
    keys.sort();
    (page["total"].as_i64().unwrap(), keys)
}

#[tokio::test]
async fn a_search_counts_its_own_workspace_and_follows_every_write() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let other = admin.create_workspace("Web", "web").await;
        for n in 0..3 {
            admin.create_item(&slug, &format!("Offline sync {n}")).await;
            admin
                .create_item(&other, &format!("Offline sync {n}"))
                .await;
        }
        admin.create_item(&slug, "Dark mode").await;
        let live = |params: &'static str| found(&admin, &slug, params);
        assert_eq!(
            live("q=sync").await,
            (3, vec!["MOB-1".into(), "MOB-2".into(), "MOB-3".into()]),
            "{:?}: the other workspace's items are neither counted nor listed",
            app.kind()
        );

        let update = |key: &'static str, version: &'static str, field, value| {
            let admin = admin.clone();
            let slug = slug.clone();
            async move {
                admin
                    .call_ok(
                        "w/items/update",
                        &[
                            ("slug", slug.as_str()),
                            ("key", key),
                            ("version", version),
                            (field, value),
                        ],
                    )
                    .await;
            }
        };
        update("MOB-1", "1", "archived", "1").await;
        assert_eq!(
            live("q=sync").await,
            (2, vec!["MOB-2".into(), "MOB-3".into()])
        );
        assert_eq!(live("q=sync&archived=1").await, (1, vec!["MOB-1".into()]));
        update("MOB-1", "2", "archived", "0").await;
        assert_eq!(live("q=sync").await.0, 3, "restored, found again");
        assert_eq!(live("q=sync&archived=1").await.0, 0);

        update("MOB-2", "1", "title", "Offline mode").await;
        update("MOB-4", "1", "tags", "sync").await;
        assert_eq!(
            live("q=sync").await,
            (3, vec!["MOB-1".into(), "MOB-3".into(), "MOB-4".into()]),
            "a new title and new tags are searched, the old title is not"
        );
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", "MOB-3")])
            .await;
        assert_eq!(live("q=sync").await.0, 2, "deleted, gone from the index");
        assert_eq!(found(&admin, &other, "q=sync").await.0, 3);

        // The index's own bookkeeping words are not searchable.
        for hidden in ["q=live", "q=archived", "q=w1live", "q=scope"] {
            assert_eq!(live(hidden).await.0, 0, "{hidden}");
        }
        // Other filters and keys still narrow or widen a search.
        assert_eq!(live("q=sync&horizon=now").await.0, 0);
        assert_eq!(live("q=MOB-2").await, (1, vec!["MOB-2".into()]));
    }
}

async fn board(visitor: &Visitor, slug: &str) -> Value {
    visitor
        .call_json("w/board", &[("slug", slug), ("params", "")])
        .await
}

/// The keys of each column, top to bottom.
fn columns(board: &Value) -> Vec<Vec<String>> {
    lane_keys(board)
}

#[tokio::test]
async fn board_moves_keep_the_order_through_200_random_moves() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        for n in 0..12 {
            admin.create_item(&slug, &format!("Card {n}")).await;
        }
        let statuses: Vec<i64> = board(&admin, &slug)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"]["id"].as_i64().unwrap())
            .collect();
        // The expected board, kept beside the server's.
        let mut expected = columns(&board(&admin, &slug).await);
        let mut seed: u64 = 0x1234_5678_9abc_def1;
        let mut next = move |below: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % below as u64) as usize
        };
        for round in 0..200 {
            let from = loop {
                let c = next(expected.len());
                if !expected[c].is_empty() {
                    break c;
                }
            };
            let at = next(expected[from].len());
            let key = expected[from].remove(at);
            let to = next(expected.len());
            let index = next(expected[to].len() + 1);
            let after = index.checked_sub(1).map(|i| expected[to][i].clone());
            let before = expected[to].get(index).cloned();
            expected[to].insert(index, key.clone());
            let version = admin.item(&slug, &key).await["summary"]["version"]
                .as_i64()
                .unwrap()
                .to_string();
            let status = statuses[to].to_string();
            let mut form = vec![
                ("slug", slug.as_str()),
                ("key", key.as_str()),
                ("version", version.as_str()),
                ("status", status.as_str()),
            ];
            if let Some(after) = &after {
                form.push(("after", after));
            }
            if let Some(before) = &before {
                form.push(("before", before));
            }
            let response = admin.call("w/items/move", &form).await;
            assert_eq!(
                response.status(),
                200,
                "round {round}: {}",
                response.text().await.unwrap()
            );
        }
        assert_eq!(
            columns(&board(&admin, &slug).await),
            expected,
            "{:?}",
            app.kind()
        );
    }
}

#[tokio::test]
async fn a_move_between_cards_that_moved_meanwhile_is_refused() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Mobile", "mobile").await;
    for n in 0..3 {
        admin.create_item(&slug, &format!("Card {n}")).await;
    }
    let first = board(&admin, &slug).await;
    let idea = first[0]["status"]["id"].as_i64().unwrap().to_string();
    let planned = first[1]["status"]["id"].as_i64().unwrap().to_string();
    // Someone moves MOB-2 to Planned; then a stale drop names it as a
    // neighbour in Idea.
    admin
        .call_ok(
            "w/items/move",
            &[
                ("slug", &slug),
                ("key", "MOB-2"),
                ("version", "1"),
                ("status", &planned),
            ],
        )
        .await;
    let refused = admin
        .call(
            "w/items/move",
            &[
                ("slug", &slug),
                ("key", "MOB-1"),
                ("version", "1"),
                ("status", &idea),
                ("after", "MOB-2"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("board changed"));
    // A neighbour from another workspace, or the card itself, is no better.
    for neighbour in ["MOB-99", "MOB-1", "not a key"] {
        let response = admin
            .call(
                "w/items/move",
                &[
                    ("slug", &slug),
                    ("key", "MOB-1"),
                    ("version", "1"),
                    ("status", &idea),
                    ("before", neighbour),
                ],
            )
            .await;
        assert_eq!(response.status(), 409, "{neighbour}");
    }
    // The move to Planned is in the history; nothing else moved.
    let detail = admin.item(&slug, "MOB-2").await;
    assert_eq!(detail["activity"][0]["field"], "status");
    assert_eq!(detail["activity"][0]["new_value"], "Planned");
    assert_eq!(
        columns(&board(&admin, &slug).await)[0],
        vec!["MOB-3", "MOB-1"]
    );
}

#[tokio::test]
async fn statuses_are_added_renamed_reordered_and_deleted_with_their_items_moved() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let names = |board: &Value| -> Vec<String> {
            board
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["status"]["name"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            names(&board(&admin, &slug).await),
            ["Idea", "Planned", "In progress", "Shipped"]
        );
        admin
            .call_ok(
                "w/statuses/create",
                &[
                    ("slug", &slug),
                    ("name", "In review"),
                    ("color", "#AA00FF"),
                    ("category", "active"),
                ],
            )
            .await;
        let duplicate = admin
            .call(
                "w/statuses/create",
                &[
                    ("slug", &slug),
                    ("name", "in REVIEW"),
                    ("color", "#aa00ff"),
                    ("category", "active"),
                ],
            )
            .await;
        assert_eq!(duplicate.status(), 422);
        for (field, value) in [("color", "red"), ("category", "finished"), ("name", "")] {
            let mut form = vec![
                ("slug", slug.as_str()),
                ("name", "Fine"),
                ("color", "#000000"),
                ("category", "done"),
            ];
            form.retain(|(k, _)| *k != field);
            form.push((field, value));
            let response = admin.call("w/statuses/create", &form).await;
            assert_eq!(response.status(), 422, "{field}");
        }

        let statuses: Value = admin.call_json("w/statuses", &[("slug", &slug)]).await;
        let id = |name: &str| {
            statuses
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == name)
                .unwrap()["id"]
                .as_i64()
                .unwrap()
                .to_string()
        };
        assert_eq!(statuses[4]["color"], "#aa00ff");
        admin
            .call_ok(
                "w/statuses/shift",
                &[
                    ("slug", &slug),
                    ("status_id", &id("In review")),
                    ("direction", "up"),
                ],
            )
            .await;
        admin
            .call_ok(
                "w/statuses/update",
                &[
                    ("slug", &slug),
                    ("status_id", &id("Idea")),
                    ("name", "Inbox"),
                    ("color", "#123456"),
                    ("category", "planned"),
                ],
            )
            .await;
        assert_eq!(
            names(&board(&admin, &slug).await),
            ["Inbox", "Planned", "In progress", "In review", "Shipped"]
        );

        // Three items in Inbox, deleted into Planned, which has one.
        for n in 0..3 {
            admin.create_item(&slug, &format!("Idea {n}")).await;
        }
        admin
            .call_ok(
                "w/items/move",
                &[
                    ("slug", &slug),
                    ("key", "MOB-1"),
                    ("version", "1"),
                    ("status", &id("Planned")),
                ],
            )
            .await;
        let into_itself = admin
            .call(
                "w/statuses/delete",
                &[
                    ("slug", &slug),
                    ("status_id", &id("Idea")),
                    ("move_to", &id("Idea")),
                ],
            )
            .await;
        assert_eq!(into_itself.status(), 422);
        let moved: usize = admin
            .call_ok(
                "w/statuses/delete",
                &[
                    ("slug", &slug),
                    ("status_id", &id("Idea")),
                    ("move_to", &id("Planned")),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(moved, 2);
        let after = board(&admin, &slug).await;
        assert_eq!(
            names(&after),
            ["Planned", "In progress", "In review", "Shipped"]
        );
        // They keep their order, after what Planned had.
        assert_eq!(
            columns(&after)[0],
            ["MOB-1", "MOB-3", "MOB-2"],
            "{:?}",
            app.kind()
        );
        let history = &admin.item(&slug, "MOB-3").await["activity"][0];
        assert_eq!(history["field"], "status");
        assert_eq!(history["old_value"], "Inbox");
        assert_eq!(history["new_value"], "Planned");
    }
}

#[tokio::test]
async fn the_start_page_counts_items_that_are_not_archived() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        for n in 0..4 {
            admin.create_item(&slug, &format!("Item {n}")).await;
        }
        let count = || async {
            let list: Value = admin.call_json("workspaces", &[]).await;
            list[0]["items"].as_i64().unwrap()
        };
        assert_eq!(count().await, 4);
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", "MOB-1"),
                    ("version", "1"),
                    ("archived", "1"),
                ],
            )
            .await;
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", "MOB-2")])
            .await;
        // Deleting an archived item leaves the count alone.
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", "MOB-1")])
            .await;
        assert_eq!(count().await, 2, "{:?}", app.kind());
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", "MOB-3"),
                    ("version", "1"),
                    ("archived", "1"),
                ],
            )
            .await;
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", "MOB-3"),
                    ("version", "2"),
                    ("archived", "0"),
                ],
            )
            .await;
        assert_eq!(count().await, 2);
    }
}

#[tokio::test]
async fn bulk_actions_change_every_selected_item_or_none() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let made = create_many(&admin, &slug, "Item", 5).await;
        let choices: Value = admin.call_json("w/items/choices", &[("slug", &slug)]).await;
        let shipped = choices["statuses"][3]["id"].as_i64().unwrap().to_string();
        let shipped_name = choices["statuses"][3]["name"].as_str().unwrap().to_owned();
        let bulk = |action: &'static str, keys: &[&str], extra: Vec<(&'static str, String)>| {
            let mut form: Vec<(String, String)> = vec![
                ("slug".into(), slug.clone()),
                ("action".into(), action.into()),
            ];
            // As the table's checkboxes post them: only the ticked rows.
            for (i, key) in keys.iter().enumerate() {
                form.push((format!("keys[{}]", i * 2 + 1), (*key).to_owned()));
            }
            form.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
            form
        };
        let call = |form: Vec<(String, String)>| {
            let admin = &admin;
            async move {
                let pairs: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                admin.call("w/items/bulk", &pairs).await
            }
        };

        // Three to Shipped: each with its history row.
        let response = call(bulk(
            "status",
            &[&made[0], &made[2], &made[4]],
            vec![("status", shipped.clone())],
        ))
        .await;
        assert_eq!(response.status(), 200, "{:?}", app.kind());
        assert_eq!(response.json::<usize>().await.unwrap(), 3);
        for (n, key) in made.iter().enumerate() {
            let detail = admin.item(&slug, key).await;
            let moved = detail["summary"]["status_id"].as_i64().unwrap().to_string() == shipped;
            assert_eq!(moved, n % 2 == 0, "{key}");
            let history = detail["activity"].as_array().unwrap();
            assert_eq!(
                history
                    .iter()
                    .any(|a| a["field"] == "status" && a["new_value"] == shipped_name.as_str()),
                n % 2 == 0
            );
        }

        // Archive two, then restore them; the same again changes nothing.
        let archived = call(bulk("archive", &[&made[0], &made[1]], vec![])).await;
        assert_eq!(archived.json::<usize>().await.unwrap(), 2);
        assert_eq!(list(&admin, &slug, "").await["total"], 3);
        assert_eq!(keys(&list(&admin, &slug, "archived=1").await).len(), 2);
        let again = call(bulk("archive", &[&made[0], &made[1]], vec![])).await;
        assert_eq!(again.json::<usize>().await.unwrap(), 0);
        call(bulk("restore", &[&made[0], &made[1]], vec![])).await;
        assert_eq!(list(&admin, &slug, "").await["total"], 5);

        // Bad input: nothing selected, too many, a foreign status, an
        // unknown action, a key that is not one. Nothing is written.
        let their = app.member(&admin, "sam@example.com").await;
        let theirs = their.create_workspace("Theirs", "theirs").await;
        let their_status = their
            .call_json::<Value>("w/items/choices", &[("slug", &theirs)])
            .await["statuses"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let many: Vec<String> = (1..=201).map(|n| format!("MOB-{n}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        for (form, field) in [
            (bulk("archive", &[], vec![]), "keys"),
            (bulk("archive", &many, vec![]), "keys"),
            (
                bulk(
                    "status",
                    &[&made[1]],
                    vec![("status", their_status.clone())],
                ),
                "status",
            ),
            (bulk("status", &[&made[1]], vec![]), "status"),
            (bulk("shred", &[&made[1]], vec![]), "action"),
            (bulk("archive", &[&made[1], "not a key"], vec![]), "keys"),
        ] {
            let response = call(form).await;
            assert_eq!(response.status(), 422, "{field}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["Invalid"]["field"], field, "{body}");
        }
        let untouched = admin.item(&slug, &made[1]).await;
        assert_eq!(untouched["summary"]["archived"], false);
        assert_eq!(
            untouched["summary"]["version"], 3,
            "archived and restored only"
        );

        // Delete, with a key deleted meanwhile skipped.
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", &made[3])])
            .await;
        let deleted = call(bulk("delete", &[&made[3], &made[4]], vec![])).await;
        assert_eq!(deleted.json::<usize>().await.unwrap(), 1);
        assert_eq!(list(&admin, &slug, "").await["total"], 3);
        let gone = admin
            .call("w/items/get", &[("slug", &slug), ("key", &made[4])])
            .await;
        assert_eq!(gone.status(), 404);
    }
}

/// Each column's (items that match, cards shown).
fn cut(board: &Value) -> Vec<(i64, usize)> {
    board
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["total"].as_i64().unwrap(),
                c["items"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_board_filters_counts_and_cuts_each_column() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let made = create_many(&admin, &slug, "Card", 57).await;
        let statuses: Vec<i64> = board(&admin, &slug)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"]["id"].as_i64().unwrap())
            .collect();
        // Five to the second column, three of them tagged; one archived.
        for (n, key) in made.iter().take(5).enumerate() {
            let mut form = vec![
                ("slug", slug.clone()),
                ("key", key.clone()),
                ("version", "1".to_owned()),
                ("status", statuses[1].to_string()),
            ];
            if n < 3 {
                form.push(("tags", "sync".to_owned()));
            }
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.call_ok("w/items/update", &pairs).await;
        }
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", &made[5]),
                    ("version", "1"),
                    ("archived", "1"),
                ],
            )
            .await;

        assert_eq!(
            cut(&board(&admin, &slug).await),
            vec![(51, 30), (5, 5), (0, 0), (0, 0)],
            "{:?}",
            app.kind()
        );

        let tagged: Value = admin
            .call_json(
                "w/board",
                &[("slug", &slug), ("params", "tag=sync&status=1")],
            )
            .await;
        assert_eq!(
            cut(&tagged),
            vec![(0, 0), (3, 3), (0, 0), (0, 0)],
            "the board ignores status="
        );
        let found: Value = admin
            .call_json("w/board", &[("slug", &slug), ("params", "q=card")])
            .await;
        assert_eq!(found[0]["total"], 51);
        assert_eq!(found[1]["total"], 5);
    }
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
