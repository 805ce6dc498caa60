//! The site over HTTP: pages render on the server with their data, unknown
//! paths get a real 404, and every response carries the security headers.

use crate::support::TestApp;

#[tokio::test]
async fn a_new_instance_leads_to_creating_the_admin_account() {
    let app = TestApp::sqlite().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/setup");
    let (status, body) = app.get_text("/setup").await;
    assert_eq!(status, 200);
    assert!(body.contains("Create the admin account"), "{body}");
    assert!(body.contains("self-hosted place where product teams collect ideas"));
}

#[tokio::test]
async fn landing_page_says_what_waymark_is() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    let (status, body) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(body.contains("<title>Waymark</title>"), "{body}");
    assert!(body.contains("self-hosted place where product teams collect ideas"));
    assert!(body.contains(r#"href="/sign-in""#));
    let (status, _) = app.get_text("/setup").await;
    assert_eq!(status, 302, "set-up is over once there is an admin");
}

#[tokio::test]
async fn about_page_shows_version_database_and_schema_from_the_database() {
    for app in TestApp::each_backend().await {
        let (status, body) = app.get_text("/about").await;
        assert_eq!(status, 200, "{:?}: {body}", app.kind());
        assert!(body.contains(&format!(
            r#"data-fact="version">{}<"#,
            env!("CARGO_PKG_VERSION")
        )));
        let label = app.kind().label();
        assert!(
            body.contains(&format!(r#"data-fact="database">{label}<"#)),
            "{body}"
        );
        let schema = app.db.schema_version().await.unwrap();
        assert!(schema >= 1);
        assert!(
            body.contains(&format!(r#"data-fact="schema-version">{schema}<"#)),
            "{body}"
        );
        assert!(
            body.contains(r#"<time datetime="20"#),
            "created-at is an RFC 3339 date: {body}"
        );
    }
}

#[tokio::test]
async fn unknown_paths_get_the_not_found_page_with_status_404() {
    let app = TestApp::sqlite().await;
    for path in ["/no-such-page", "/about/extra", "/pkg/missing.js"] {
        let (status, body) = app.get_text(path).await;
        assert_eq!(status, 404, "{path}");
        if !path.starts_with("/pkg") {
            assert!(body.contains("Page not found"), "{path}: {body}");
        }
    }
}

#[tokio::test]
async fn a_database_failure_shows_the_error_page_and_readiness_fails() {
    let app = TestApp::sqlite().await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.db.close().await;

    // The markers catch this very failure's own message.
    let cause = app.db.ping().await.expect_err("the database is closed");
    assert!(
        !crate::support::internal_details(&cause.to_string()).is_empty(),
        "{cause}"
    );

    let mut answers = Vec::new();
    let response = app.get("/about").await;
    assert_eq!(response.status(), 500);
    let body = readable(response).await;
    assert!(body.contains("Something went wrong"), "{body}");
    answers.push(("GET /about".to_owned(), body));
    for function in ["instance_info", "accounts_state"] {
        let response = app
            .client
            .post(app.url(&format!("/fn/{function}")))
            .header("origin", &app.address)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 500, "{function}");
        answers.push((format!("POST /fn/{function}"), readable(response).await));
    }
    // A form posted without JavaScript comes back to its page, which shows
    // the error.
    let response = app
        .client
        .post(app.url("/fn/sign_in"))
        .header("origin", &app.address)
        .header("referer", app.url("/sign-in"))
        .headers(crate::support::browser_accept())
        .form(&[
            ("email", crate::support::ADMIN_EMAIL),
            ("password", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let back = response.headers()["location"].to_str().unwrap().to_owned();
    answers.push(("POST /fn/sign_in".to_owned(), readable(response).await));
    let page = app.get(back.trim_start_matches(&app.address)).await;
    answers.push((format!("GET {back}"), readable(page).await));

    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    let body = readable(response).await;
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["status"], "unavailable");
    answers.push(("GET /readyz".to_owned(), body));

    for (what, answer) in &answers {
        let leaks = crate::support::internal_details(answer);
        assert!(
            leaks.is_empty(),
            "{what} shows internal details {leaks:?}: {answer}"
        );
    }
    // Liveness does not depend on the database.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

/// The body a client reads, with the random script nonce blanked out (a
/// nonce is random letters, which now and then spell a marker).
async fn readable(response: reqwest::Response) -> String {
    let nonce = response
        .headers()
        .get("content-security-policy")
        .and_then(|csp| csp.to_str().ok())
        .and_then(|csp| csp.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .map(str::to_owned);
    let body = response.text().await.expect("the body reads");
    match nonce {
        Some(nonce) => body.replace(&nonce, "NONCE"),
        None => body,
    }
}

#[tokio::test]
async fn health_endpoints_answer_json() {
    for app in TestApp::each_backend().await {
        let live: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
        assert_eq!(live["status"], "ok");
        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 200);
        let ready: serde_json::Value = ready.json().await.unwrap();
        assert_eq!(ready["database"], "ok");
    }
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_fresh_script_nonce() {
    let app = TestApp::sqlite().await;
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let response = app.get("/").await;
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        let csp = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(!csp.contains("'unsafe-inline'"), "{csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .expect("script-src has a nonce")
            .to_owned();
        assert!(
            body.contains(&format!(r#"nonce="{nonce}""#)),
            "the hydration script carries the header's nonce"
        );
        nonces.push(nonce);
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert_eq!(headers["referrer-policy"], "same-origin");
        assert_eq!(headers["cache-control"], "private, no-cache");
        assert!(
            headers.get("strict-transport-security").is_none(),
            "no HSTS over http"
        );
        assert!(!headers["x-request-id"].is_empty());
    }
    assert_ne!(nonces[0], nonces[1], "each response has its own nonce");
}

#[tokio::test]
async fn a_request_id_from_the_client_is_kept() {
    let app = TestApp::sqlite().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn pages_are_compressed_when_the_browser_accepts_it() {
    let app = TestApp::sqlite().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
}

#[tokio::test]
async fn oversized_request_bodies_are_refused() {
    let app = TestApp::sqlite().await;
    let big = "x".repeat(server::router::BODY_LIMIT_BYTES + 1);
    let response = app
        .client
        .post(app.url("/fn/set_theme"))
        .header("origin", &app.address)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("theme={big}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn the_chosen_theme_is_remembered_and_rendered_by_the_server() {
    let app = TestApp::sqlite().await;
    let (_, body) = app.get_text("/").await;
    assert!(
        body.contains(r#"<html lang="en" data-theme="system""#),
        "{body}"
    );

    // A form post without JavaScript: the server stores the choice in a
    // cookie and sends the browser back to the page it came from.
    let response = app.post_form("/fn/set_theme", &[("theme", "dark")]).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("waymark_theme=dark;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");

    let (_, body) = app.get_text("/about").await;
    assert!(
        body.contains(r#"<html lang="en" data-theme="dark""#),
        "{body}"
    );
    assert!(body.contains("Dark theme"));
}

#[tokio::test]
async fn an_unknown_theme_is_refused() {
    let app = TestApp::sqlite().await;
    let response = app
        .client
        .post(app.url("/fn/set_theme"))
        .header("origin", &app.address)
        .header("accept", "application/json")
        .form(&[("theme", "purple")])
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("set-cookie").is_none());
    let body = response.text().await.unwrap();
    assert!(body.contains("choose system, light or dark"), "{body}");
}

#[tokio::test]
async fn a_page_keeps_its_status_whatever_the_client_accepts() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    // An anonymous visitor's start page loads data that needs a session; its
    // refusal must not turn the page into a 401 for clients that do not ask
    // for HTML (crawlers, monitors, load tools).
    let response = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_page_redirects_whatever_the_client_accepts() {
    let app = TestApp::sqlite().await;
    for accept in ["*/*", "application/json", "text/html"] {
        let response = app
            .client
            .get(app.url("/"))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "Accept: {accept}");
        assert_eq!(response.headers()["location"], "/setup");
        assert!(response.headers().get("serverfnredirect").is_none());
    }
}

/// Listing a router's routes switches resource loading off for the whole
/// process while it runs; pages rendered meanwhile by another server must
/// still get their data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_servers_start() {
    let app = TestApp::sqlite().await;
    let starting = tokio::spawn(async {
        for _ in 0..8 {
            drop(TestApp::sqlite().await);
        }
    });
    let mut rendered_meanwhile = 0;
    while !starting.is_finished() {
        let response = tokio::time::timeout(std::time::Duration::from_secs(5), app.get("/about"))
            .await
            .expect("a page renders while other servers start");
        assert_eq!(response.status(), 200);
        rendered_meanwhile += 1;
    }
    starting.await.unwrap();
    assert!(
        rendered_meanwhile >= 1,
        "no page was rendered while the other servers started"
    );
}

/// What a hostile editor types as an item's title or a workspace's name:
/// markup that would end the `<title>`, redirect the reader, or plant a
/// form that posts as them.
const HOSTILE: &str = "Q3 & \"plan\"</title><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\"><form method=post action=/fn/w/members/role>";

/// The same, short enough for a saved view's name.
const HOSTILE_NAME: &str = "&\"</title><form method=post action=/fn/w/members/role>";

/// The `<head>` of a page's HTML.
fn head_of(page: &str) -> &str {
    let end = page.find("</head>").expect("the page has a head");
    &page[..end]
}

/// Markup in the head would have turned into elements; escaped, it is text
/// inside the one `<title>`.
fn assert_head_shows_as_text(page: &str, expected_title: &str, what: &str) {
    let head = head_of(page);
    assert_eq!(head.matches("<title>").count(), 1, "{what}: {head}");
    assert_eq!(head.matches("</title>").count(), 1, "{what}: {head}");
    assert!(!head.contains("<meta http-equiv"), "{what}: {head}");
    assert!(!head.contains("<form"), "{what}: {head}");
    assert!(
        !page.contains("<form method=post action=/fn/w/members/role>"),
        "{what}"
    );
    let title = head
        .split("<title>")
        .nth(1)
        .and_then(|rest| rest.split("</title>").next())
        .expect("a title");
    assert_eq!(as_text(title), expected_title, "{what}");
}

/// What a browser shows for the text of a `<title>`: its character
/// references decoded, nothing else (tags are not read there).
fn as_text(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn markup_typed_into_titles_and_names_comes_back_as_text() {
    for app in TestApp::each_backend().await {
        let owner = app.admin().await;
        let workspace = &HOSTILE[..80];
        let slug = owner.create_workspace(workspace, "hostile").await;
        let key = owner.create_item(&slug, HOSTILE).await;

        for path in [
            format!("/w/{slug}"),
            format!("/w/{slug}/items"),
            format!("/w/{slug}/board"),
            format!("/w/{slug}/settings"),
        ] {
            let page = owner.page_text(&path).await;
            assert_head_shows_as_text(&page, &format!("{workspace} · Waymark"), &path);
        }
        let path = format!("/w/{slug}/items/{key}");
        let page = owner.page_text(&path).await;
        assert_head_shows_as_text(&page, &format!("{key} {HOSTILE} · Waymark"), &path);

        // The share page draws its own document, titled by the view's and
        // the workspace's names.
        let view: serde_json::Value = owner
            .call_json(
                "w/views/create",
                &[
                    ("slug", slug.as_str()),
                    ("name", HOSTILE_NAME),
                    ("kind", "board"),
                    ("params", ""),
                ],
            )
            .await;
        let id = view["id"].as_i64().expect("a saved view").to_string();
        let made: serde_json::Value = owner
            .call_ok(
                "w/views/share",
                &[("slug", slug.as_str()), ("id", id.as_str())],
            )
            .await
            .json()
            .await
            .expect("a share link");
        let url = made["url"].as_str().expect("the link's address");
        let token = url.rsplit('/').next().expect("a token");
        let (status, page) = app.get_text(&format!("/s/{token}")).await;
        assert_eq!(status, 200);
        assert_head_shows_as_text(&page, &format!("{HOSTILE_NAME} · {workspace}"), "share");
    }
}
