//! Saved views and share links: a view keeps its page, filter, sort and
//! grouping under a name; one whose filter names what was deleted still
//! opens and says what it dropped; another workspace's views and links are
//! out of reach. A share link shows its view, read-only and without an
//! account, and nothing else of the workspace; a wrong, expired or revoked
//! link is one and the same 404. Who may call each function is checked in
//! `access_matrix.rs`.

use crate::support::{TestApp, Visitor, browser_accept, new_client};
use serde_json::Value;

const MEMBER: &str = "max@example.com";

/// A workspace with three items — "Dark mode" (tag ui, assigned to the
/// member, next, dated), "Offline sync" (tag sync) and "Secret pricing"
/// (tag secret, with a comment) — and the member as an editor.
async fn workspace(app: &TestApp) -> (Visitor, Visitor, String, String) {
    let admin = app.admin().await;
    let member = app.member(&admin, MEMBER).await;
    let slug = admin.create_workspace("Launch views", "launch-views").await;
    let token = admin.invite(&slug, "editor", "").await;
    assert_eq!(member.accept(&token).await.status(), 200);
    let members: Value = admin.call_json("w/members", &[("slug", &slug)]).await;
    let member_id = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == MEMBER)
        .unwrap()["user_id"]
        .to_string();
    let dark = admin.create_item(&slug, "Dark mode").await;
    admin
        .call_ok(
            "w/items/update",
            &[
                ("slug", &slug),
                ("key", &dark),
                ("version", "1"),
                ("tags", "ui"),
                ("assignee", &member_id),
                ("horizon", "next"),
                ("start_date", "2026-11-02"),
                ("end_date", "2026-11-20"),
            ],
        )
        .await;
    let sync = admin.create_item(&slug, "Offline sync").await;
    admin
        .call_ok(
            "w/items/update",
            &[
                ("slug", &slug),
                ("key", &sync),
                ("version", "1"),
                ("tags", "sync"),
            ],
        )
        .await;
    let secret = admin.create_item(&slug, "Secret pricing").await;
    admin
        .call_ok(
            "w/items/update",
            &[
                ("slug", &slug),
                ("key", &secret),
                ("version", "1"),
                ("tags", "secret"),
            ],
        )
        .await;
    admin
        .call_ok(
            "w/items/comments/add",
            &[
                ("slug", &slug),
                ("key", &secret),
                ("body", "Top secret remark"),
            ],
        )
        .await;
    (admin, member, slug, member_id)
}

async fn create_view(visitor: &Visitor, slug: &str, name: &str, kind: &str, params: &str) -> i64 {
    let view: Value = visitor
        .call_json(
            "w/views/create",
            &[
                ("slug", slug),
                ("name", name),
                ("kind", kind),
                ("params", params),
            ],
        )
        .await;
    view["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a view: {view}"))
}

async fn open(visitor: &Visitor, slug: &str, id: i64) -> reqwest::Response {
    visitor
        .call("w/views/open", &[("slug", slug), ("id", &id.to_string())])
        .await
}

/// Shares view `id`; returns the link's token and id.
async fn share(visitor: &Visitor, slug: &str, id: i64, extra: &[(&str, &str)]) -> (String, i64) {
    let id = id.to_string();
    let mut form = vec![("slug", slug), ("id", id.as_str())];
    form.extend_from_slice(extra);
    let made: Value = visitor
        .call_ok("w/views/share", &form)
        .await
        .json()
        .await
        .unwrap();
    let url = made["url"].as_str().unwrap();
    let token = url.rsplit('/').next().unwrap().to_owned();
    assert!(url.ends_with(&format!("/s/{token}")));
    (token, made["link"]["id"].as_i64().unwrap())
}

/// A shared page as a stranger's fresh browser gets it.
async fn shared(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let response = new_client()
        .get(app.url(path))
        .headers(browser_accept())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

#[tokio::test]
async fn a_saved_view_keeps_its_page_and_filter_under_a_name() {
    for app in TestApp::each_backend().await {
        let (admin, editor, slug, _) = workspace(&app).await;
        let id = create_view(
            &editor,
            &slug,
            "  UI work ",
            "board",
            "tag=ui&junk=1&after=x&view=99&status=&scale=month",
        )
        .await;
        let list: Value = admin.call_json("w/views", &[("slug", &slug)]).await;
        assert_eq!(list[0]["name"], "UI work");
        assert_eq!(list[0]["kind"], "Board");
        assert_eq!(list[0]["href"], format!("/w/{slug}/views/{id}"));

        let opened: Value = open(&admin, &slug, id).await.json().await.unwrap();
        assert_eq!(opened["params"], "tag=ui");
        assert_eq!(
            opened["target"],
            format!("/w/{slug}/board?tag=ui&view={id}")
        );
        assert_eq!(opened["dropped"], serde_json::json!([]));

        // Its own address opens its page with its filter.
        let page = admin
            .client
            .get(admin.url(&format!("/w/{slug}/views/{id}")))
            .headers(browser_accept())
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 302);
        assert_eq!(
            page.headers()["location"],
            format!("/w/{slug}/board?tag=ui&view={id}").as_str()
        );

        // Bad input.
        for (name, kind, params, field) in [
            ("ui work", "board", "", None),
            ("UI work", "board", "", Some("name")),
            (" ", "board", "", Some("name")),
            ("Other", "calendar", "", Some("kind")),
            (
                "Other",
                "board",
                &"q=x&".repeat(600) as &str,
                Some("params"),
            ),
        ] {
            let response = editor
                .call(
                    "w/views/create",
                    &[
                        ("slug", &slug),
                        ("name", name),
                        ("kind", kind),
                        ("params", params),
                    ],
                )
                .await;
            match field {
                None => assert_eq!(response.status(), 200, "{name}"),
                Some(field) => {
                    assert_eq!(response.status(), 422, "{name} {kind}");
                    let body = response.text().await.unwrap();
                    assert!(body.contains(field), "{body}");
                }
            }
        }

        // New filter and sort, then a new name.
        editor
            .call_ok(
                "w/views/update",
                &[
                    ("slug", &slug),
                    ("id", &id.to_string()),
                    ("params", "tag=sync&sort=title&dir=asc&view=5"),
                ],
            )
            .await;
        editor
            .call_ok(
                "w/views/update",
                &[
                    ("slug", &slug),
                    ("id", &id.to_string()),
                    ("name", "Sync work"),
                ],
            )
            .await;
        let opened: Value = open(&admin, &slug, id).await.json().await.unwrap();
        assert_eq!(opened["view"]["name"], "Sync work");
        assert_eq!(opened["params"], "tag=sync&sort=title&dir=asc");
        let clash = editor
            .call(
                "w/views/update",
                &[
                    ("slug", &slug),
                    ("id", &id.to_string()),
                    ("name", "ui work"),
                ],
            )
            .await;
        assert_eq!(clash.status(), 422);

        editor
            .call_ok(
                "w/views/delete",
                &[("slug", &slug), ("id", &id.to_string())],
            )
            .await;
        assert_eq!(open(&admin, &slug, id).await.status(), 404);
        let (status, _) = app.get_text(&format!("/w/{slug}/views/{id}")).await;
        assert_ne!(status, 200);
        let gone = admin.page_text(&format!("/w/{slug}/views/{id}")).await;
        assert!(!gone.contains("Sync work"));
    }
}

#[tokio::test]
async fn a_view_whose_filter_names_what_is_gone_still_opens_and_says_so() {
    for app in TestApp::each_backend().await {
        let (admin, _, slug, member_id) = workspace(&app).await;
        let choices: Value = admin.call_json("w/items/choices", &[("slug", &slug)]).await;
        let statuses: Vec<i64> = choices["statuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect();
        let params = format!(
            "status={}&tag=sync&assignee={member_id}&q=mode",
            statuses[2]
        );
        let id = create_view(&admin, &slug, "Everything gone", "items", &params).await;

        admin
            .call_ok(
                "w/statuses/delete",
                &[
                    ("slug", &slug),
                    ("status_id", &statuses[2].to_string()),
                    ("move_to", &statuses[0].to_string()),
                ],
            )
            .await;
        let sync: Value = admin
            .call_json("w/items", &[("slug", &slug), ("params", "tag=sync")])
            .await;
        let key = sync["items"][0]["key"].as_str().unwrap().to_owned();
        let version = sync["items"][0]["version"].to_string();
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", &key),
                    ("version", &version),
                    ("tags", "offline"),
                ],
            )
            .await;
        admin
            .call_ok(
                "w/members/remove",
                &[("slug", &slug), ("user_id", &member_id)],
            )
            .await;

        let opened: Value = open(&admin, &slug, id).await.json().await.unwrap();
        let dropped: Vec<&str> = opened["dropped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        assert_eq!(dropped.len(), 3, "{dropped:?}");
        assert!(dropped[0].contains("status"));
        assert!(dropped[1].contains("sync"));
        assert!(dropped[2].contains("member"));
        assert_eq!(opened["params"], "q=mode");
        assert_eq!(
            opened["target"],
            format!("/w/{slug}/items?q=mode&view={id}")
        );
        let page = admin.page_text(opened["target"].as_str().unwrap()).await;
        assert!(
            page.contains("It shows the items without that part of the filter"),
            "{page}"
        );
        assert!(page.contains("Dark mode"));
    }
}

#[tokio::test]
async fn another_workspace_s_views_and_links_are_out_of_reach() {
    for app in TestApp::each_backend().await {
        let (admin, editor, slug, _) = workspace(&app).await;
        let other = admin.create_workspace("Other plans", "other-plans").await;
        let theirs = create_view(&admin, &other, "Their view", "board", "").await;
        let (token, link) = share(&admin, &other, theirs, &[]).await;
        let theirs = theirs.to_string();
        let link = link.to_string();
        // The editor of `slug`, naming the other workspace's ids.
        for (function, form) in [
            ("w/views/open", vec![("id", theirs.as_str())]),
            (
                "w/views/update",
                vec![("id", theirs.as_str()), ("name", "Mine now")],
            ),
            (
                "w/views/update",
                vec![("id", theirs.as_str()), ("params", "tag=x")],
            ),
            ("w/views/share", vec![("id", theirs.as_str())]),
            ("w/views/delete", vec![("id", theirs.as_str())]),
            ("w/links/revoke", vec![("link_id", link.as_str())]),
        ] {
            let mut form = form;
            form.push(("slug", &slug));
            let response = editor.call(function, &form).await;
            assert_eq!(response.status(), 404, "{function}");
        }
        // The same as a no-JavaScript form post.
        let response = editor
            .post_form(
                &format!("/w/{slug}/board"),
                "w/views/delete",
                &[("slug", &slug), ("id", &theirs)],
            )
            .await;
        assert_ne!(response.status(), 200);
        let opened: Value = open(&admin, &other, theirs.parse().unwrap())
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(opened["view"]["name"], "Their view");
        assert_eq!(shared(&app, &format!("/s/{token}")).await.0, 200);
    }
}

#[tokio::test]
async fn a_share_link_shows_its_view_and_nothing_else() {
    for app in TestApp::each_backend().await {
        let (admin, editor, slug, _) = workspace(&app).await;
        let board = create_view(&editor, &slug, "UI board", "board", "tag=ui").await;
        let (token, _) = share(&editor, &slug, board, &[]).await;
        let path = format!("/s/{token}");
        let (status, headers, body) = shared(&app, &path).await;
        assert_eq!(status, 200);
        assert!(
            headers["x-robots-tag"]
                .to_str()
                .unwrap()
                .contains("noindex")
        );
        assert_eq!(headers["cache-control"], "no-store");
        assert!(body.contains("<meta name=\"robots\" content=\"noindex, nofollow\""));
        assert!(body.contains("UI board") && body.contains("Launch views"));
        assert!(body.contains("Dark mode"));
        for secret in [
            "Offline sync",
            "Secret pricing",
            "Top secret remark",
            "Max Member",
            "Ada Admin",
        ] {
            assert!(!body.contains(secret), "{secret} in {body}");
        }
        assert!(!body.contains("<script"), "no script: {body}");
        assert!(!body.contains("/w/"), "no link into the workspace: {body}");
        assert!(!body.contains("<form"), "read-only: {body}");

        // Parameters of its own do not widen the view.
        for query in [
            "?tag=secret",
            "?q=Secret&tag=&view=1",
            "?after=t%3Azzz&status=1",
            "?archived=1",
        ] {
            let (status, _, body) = shared(&app, &format!("{path}{query}")).await;
            assert_eq!(status, 200);
            assert!(!body.contains("Secret pricing"), "{query}");
        }
        // Paths beside it reach nothing.
        for beside in [
            format!("{path}/"),
            format!("{path}/items"),
            format!("/s/{token}x"),
        ] {
            assert_eq!(shared(&app, &beside).await.0, 404, "{beside}");
        }
        let post = new_client()
            .post(app.url(&path))
            .header("origin", &app.address)
            .send()
            .await
            .unwrap();
        assert_eq!(post.status(), 405);

        // Whoever has the link, signed in or not, has no more access than
        // before: the workspace's pages and functions stay closed.
        let stranger = app.member(&admin, "stranger@example.com").await;
        let with_cookie = stranger.page_text(&path).await;
        assert!(with_cookie.contains("Dark mode") && !with_cookie.contains("Secret pricing"));
        let items: Value = admin
            .call_json("w/items", &[("slug", &slug), ("params", "")])
            .await;
        let key = items["items"][0]["key"].as_str().unwrap().to_owned();
        assert_eq!(
            stranger
                .call("w/items/get", &[("slug", &slug), ("key", &key)])
                .await
                .status(),
            404
        );
        assert_eq!(
            stranger
                .call(
                    "w/views/open",
                    &[("slug", &slug), ("id", &board.to_string())]
                )
                .await
                .status(),
            404
        );
        let anonymous = app.visitor();
        assert!(anonymous.page_text(&path).await.contains("Dark mode"));
        assert_eq!(
            anonymous
                .call("w/items/get", &[("slug", &slug), ("key", &key)])
                .await
                .status(),
            401
        );
        assert_eq!(
            anonymous.call("w/views", &[("slug", &slug)]).await.status(),
            401
        );
        let page = anonymous
            .client
            .get(anonymous.url(&format!("/w/{slug}/items/{key}")))
            .headers(browser_accept())
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 302);

        // Names only when the link says so.
        let (named, _) = share(&editor, &slug, board, &[("show_names", "1"), ("days", "7")]).await;
        let (_, _, body) = shared(&app, &format!("/s/{named}")).await;
        assert!(body.contains("Max Member"), "{body}");
        assert!(body.contains("The link works until"));

        // Every kind of view draws, each with the view's filter.
        for (kind, params, drawn) in [
            (
                "items",
                "tag=ui&sort=title&dir=asc",
                "data-testid=\"items-table\"",
            ),
            ("roadmap", "tag=ui", "data-testid=\"roadmap\""),
            (
                "timeline",
                "tag=ui&scale=quarter&group=tag",
                "data-testid=\"timeline\"",
            ),
            ("chart", "tag=ui", "data-testid=\"chart\""),
        ] {
            let id = create_view(&editor, &slug, &format!("UI {kind}"), kind, params).await;
            let (token, _) = share(&editor, &slug, id, &[]).await;
            let (status, _, body) = shared(&app, &format!("/s/{token}")).await;
            assert_eq!(status, 200, "{kind}");
            assert!(body.contains(drawn), "{kind}: {body}");
            assert!(
                !body.contains("Secret pricing") && !body.contains("Offline sync"),
                "{kind}"
            );
            assert!(
                !body.contains("<script") && !body.contains("/w/"),
                "{kind}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn wrong_expired_and_revoked_links_are_the_same_404() {
    for app in TestApp::each_backend().await {
        let (admin, editor, slug, _) = workspace(&app).await;
        let id = create_view(&editor, &slug, "UI board", "board", "tag=ui").await;
        let (revoked, revoked_id) = share(&editor, &slug, id, &[]).await;
        let (expired, expired_id) = share(&editor, &slug, id, &[("days", "1")]).await;
        let (live, live_id) = share(&editor, &slug, id, &[]).await;
        for days in ["0", "-1", "abc", "4000"] {
            let response = editor
                .call(
                    "w/views/share",
                    &[("slug", &slug), ("id", &id.to_string()), ("days", days)],
                )
                .await;
            assert_eq!(response.status(), 422, "{days}");
        }

        editor
            .call_ok(
                "w/links/revoke",
                &[("slug", &slug), ("link_id", &revoked_id.to_string())],
            )
            .await;
        crate::support::write(
            &app.db,
            sqlx::query(&format!(
                "UPDATE share_links SET expires_at = 1 WHERE id = {expired_id}"
            )),
        )
        .await
        .unwrap();

        let (_, _, not_found) = shared(&app, &format!("/s/{}", "A".repeat(43))).await;
        for token in [
            revoked.as_str(),
            expired.as_str(),
            "short",
            "%00",
            &"A".repeat(43),
        ] {
            let (status, headers, body) = shared(&app, &format!("/s/{token}")).await;
            assert_eq!(status, 404, "{token}");
            assert_eq!(body, not_found, "{token}");
            assert!(
                headers["x-robots-tag"]
                    .to_str()
                    .unwrap()
                    .contains("noindex")
            );
            assert!(!body.contains("UI board") && !body.contains("Dark mode"));
        }
        assert_eq!(shared(&app, &format!("/s/{live}")).await.0, 200);

        // The owner's list holds the live links only.
        let links: Value = admin.call_json("w/links", &[("slug", &slug)]).await;
        let ids: Vec<i64> = links
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![live_id]);
        assert_eq!(links[0]["view_name"], "UI board");
        assert_eq!(links[0]["created_by"], "Max Member");

        // Deleting the view ends its links too.
        editor
            .call_ok(
                "w/views/delete",
                &[("slug", &slug), ("id", &id.to_string())],
            )
            .await;
        let (status, _, body) = shared(&app, &format!("/s/{live}")).await;
        assert_eq!(status, 404);
        assert_eq!(body, not_found);
    }
}

#[tokio::test]
async fn a_link_made_without_javascript_is_shown_once_more_on_the_view_s_page() {
    let app = TestApp::sqlite().await;
    let (_, editor, slug, _) = workspace(&app).await;
    let id = create_view(&editor, &slug, "UI board", "board", "tag=ui").await;
    let page = format!("/w/{slug}/board?tag=ui&view={id}");
    let response = editor
        .post_form(
            &page,
            "w/views/share",
            &[("slug", &slug), ("id", &id.to_string()), ("days", "")],
        )
        .await;
    assert_eq!(response.status(), 302);
    let html = editor.page_text(&page).await;
    let start = html.find("/s/").expect("the new link on the page");
    let token: String = html[start + 3..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert_eq!(token.len(), 43);
    let (status, _, body) = shared(&app, &format!("/s/{token}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("Dark mode"));
}
