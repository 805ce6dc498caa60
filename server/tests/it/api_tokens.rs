//! API tokens: made and revoked in `/settings/tokens`, shown once, stored
//! as a hash; the REST API takes them as bearer tokens and nothing else
//! (a session cookie is ignored), answers every refusal with the one JSON
//! error shape, and shows a non-member the same 404 as a workspace that
//! does not exist.

use crate::support::{TestApp, Visitor};
use serde_json::Value;

async fn make_token(visitor: &Visitor, name: &str, scope: &str, days: &str) -> (String, i64) {
    let made: Value = visitor
        .call_ok(
            "account/tokens/create",
            &[("name", name), ("scope", scope), ("days", days)],
        )
        .await
        .json()
        .await
        .unwrap();
    (
        made["token"].as_str().unwrap().to_owned(),
        made["info"]["id"].as_i64().unwrap(),
    )
}

/// A GET to the API with `authorization`, from a client without cookies.
async fn api(
    app: &TestApp,
    path: &str,
    authorization: Option<&str>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut request = crate::support::new_client().get(app.url(path));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, headers)
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn a_token_is_shown_once_works_as_its_user_and_stops_when_revoked() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        admin.create_workspace("Token plans", "token-plans").await;
        let (token, id) = make_token(&admin, "CI script", "read", "").await;
        assert!(token.starts_with("wm_") && token.len() == 46, "{token}");

        let list: Value = admin.call_json("account/tokens", &[]).await;
        let list = &list["tokens"];
        assert_eq!(list[0]["name"], "CI script");
        assert_eq!(list[0]["scope"], "Read");
        assert_eq!(list[0]["last_used"], Value::Null);
        assert!(
            !list.to_string().contains(&token[3..]),
            "the list never shows the token"
        );
        let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
        assert_eq!(stored.len(), 1);
        assert!(!stored[0].contains(&token[3..]));

        let bearer = format!("Bearer {token}");
        let (status, body, _) = api(&app, "/api/v1/workspaces", Some(&bearer)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["workspaces"][0]["slug"], "token-plans");
        assert_eq!(body["workspaces"][0]["role"], "owner");
        let (status, body, _) = api(&app, "/api/v1/workspaces/token-plans", Some(&bearer)).await;
        assert_eq!(status, 200);
        assert_eq!(body["name"], "Token plans");
        let list: Value = admin.call_json("account/tokens", &[]).await;
        assert!(list["tokens"][0]["last_used"].is_string(), "{list}");

        admin
            .call_ok("account/tokens/revoke", &[("token_id", &id.to_string())])
            .await;
        let (status, body, headers) = api(&app, "/api/v1/workspaces", Some(&bearer)).await;
        assert_eq!(status, 401);
        assert_eq!(error_code(&body), "unauthorized");
        assert!(
            headers["www-authenticate"]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
    }
}

#[tokio::test]
async fn only_a_live_well_formed_bearer_token_is_taken() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let member = app.member(&admin, "max@example.com").await;
    admin.create_workspace("Token plans", "token-plans").await;
    let (expired, expired_id) = make_token(&admin, "Old", "write", "7").await;
    crate::support::write(
        &app.db,
        sqlx::query(&format!(
            "UPDATE api_tokens SET expires_at = 1 WHERE id = {expired_id}"
        )),
    )
    .await
    .unwrap();
    let (members, _) = make_token(&member, "Max's", "write", "").await;
    let wrong = format!("wm_{}", "A".repeat(43));
    for authorization in [
        None,
        Some(String::new()),
        Some("Bearer".to_owned()),
        Some("Bearer nonsense".to_owned()),
        Some(format!("Basic {expired}")),
        Some(format!("Bearer {wrong}")),
        Some(format!("Bearer {expired}")),
    ] {
        let (status, body, _) = api(&app, "/api/v1/workspaces", authorization.as_deref()).await;
        assert_eq!(status, 401, "{authorization:?}");
        assert_eq!(error_code(&body), "unauthorized");
        assert!(body["error"]["message"].is_string());
        assert!(body["error"].get("details").is_some());
    }
    // The session cookie of a signed-in browser carries no authority here.
    let response = admin
        .client
        .get(admin.url("/api/v1/workspaces"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // A member of nothing sees nothing; another's workspace is the same 404
    // as one that does not exist.
    let bearer = format!("Bearer {members}");
    let (_, body, _) = api(&app, "/api/v1/workspaces", Some(&bearer)).await;
    assert_eq!(body["workspaces"], serde_json::json!([]));
    let (status, theirs, _) = api(&app, "/api/v1/workspaces/token-plans", Some(&bearer)).await;
    let (_, nobody, _) = api(&app, "/api/v1/workspaces/no-such-place", Some(&bearer)).await;
    assert_eq!(status, 404);
    assert_eq!(theirs, nobody);
    assert_eq!(error_code(&theirs), "not_found");
    let (status, body, _) = api(&app, "/api/v1/no-such-thing", Some(&bearer)).await;
    assert_eq!((status, error_code(&body)), (404, "not_found"));

    // A disabled account's tokens stop working.
    let users: Value = admin.call_json("admin/users", &[]).await;
    let max = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "max@example.com")
        .unwrap()["id"]
        .to_string();
    admin
        .call_ok(
            "admin/users/disabled",
            &[("user_id", &max), ("disabled", "true")],
        )
        .await;
    assert_eq!(api(&app, "/api/v1/workspaces", Some(&bearer)).await.0, 401);
}

#[tokio::test]
async fn tokens_are_their_owner_s_and_refuse_bad_input() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let member = app.member(&admin, "max@example.com").await;
    let (_, id) = make_token(&admin, "Admin's", "read", "30").await;
    let response = member
        .call("account/tokens/revoke", &[("token_id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 404);
    let list: Value = member.call_json("account/tokens", &[]).await;
    assert_eq!(list["tokens"], serde_json::json!([]));
    for (name, scope, days, field) in [
        (" ", "read", "", "name"),
        (&"x".repeat(81) as &str, "read", "", "name"),
        ("Fine", "admin", "", "scope"),
        ("Fine", "read", "0", "days"),
        ("Fine", "read", "abc", "days"),
        ("Fine", "read", "99999", "days"),
    ] {
        let response = member
            .call(
                "account/tokens/create",
                &[("name", name), ("scope", scope), ("days", days)],
            )
            .await;
        assert_eq!(response.status(), 422, "{name} {scope} {days}");
        assert!(response.text().await.unwrap().contains(field));
    }
    assert_eq!(
        app.visitor().call("account/tokens", &[]).await.status(),
        401
    );
}

#[tokio::test]
async fn a_token_made_without_javascript_is_shown_once_more_on_its_page() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let response = admin
        .post_form(
            "/settings/tokens",
            "account/tokens/create",
            &[("name", "No script"), ("scope", "read"), ("days", "")],
        )
        .await;
    assert_eq!(response.status(), 302);
    let html = admin.page_text("/settings/tokens").await;
    let start = html.find("value=\"wm_").expect("the new token on the page") + 7;
    let token: String = html[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert_eq!(token.len(), 46);
    let (status, _, _) = api(&app, "/api/v1/workspaces", Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200);
    // Another browser of the same user never sees it.
    let elsewhere = app.visitor();
    elsewhere
        .sign_in(crate::support::ADMIN_EMAIL, crate::support::PASSWORD)
        .await;
    assert!(
        !elsewhere
            .page_text("/settings/tokens")
            .await
            .contains(&token)
    );
}

#[tokio::test]
async fn parallel_makes_never_pass_the_limit_of_fifty_tokens() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        for n in 0..48 {
            make_token(&admin, &format!("Token {n}"), "read", "").await;
        }
        // Five tabs at once, two places left.
        let mut tries = tokio::task::JoinSet::new();
        for n in 0..5 {
            let admin = admin.clone();
            tries.spawn(async move {
                let name = format!("Race {n}");
                admin
                    .call(
                        "account/tokens/create",
                        &[("name", name.as_str()), ("scope", "read"), ("days", "")],
                    )
                    .await
                    .status()
                    .as_u16()
            });
        }
        let mut statuses: Vec<u16> = tries.join_all().await;
        statuses.sort_unstable();
        assert_eq!(statuses, vec![200, 200, 422, 422, 422], "{:?}", app.kind());
        let list: Value = admin.call_json("account/tokens", &[]).await;
        assert_eq!(list["tokens"].as_array().unwrap().len(), 50);
    }
}

#[tokio::test]
async fn a_new_password_can_revoke_the_tokens_and_a_reset_link_always_does() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let member = app.member(&admin, "max@example.com").await;
        let works = |token: String| {
            let app = &app;
            async move {
                api(app, "/api/v1/workspaces", Some(&format!("Bearer {token}")))
                    .await
                    .0
            }
        };

        // Changing the password with the box ticked (as the form starts)
        // revokes every token of the account, and only of that account.
        let (kept_by_admin, _) = make_token(&admin, "admin's script", "read", "").await;
        let (first, _) = make_token(&member, "laptop script", "write", "").await;
        let (second, _) = make_token(&member, "CI", "read", "30").await;
        let page = member.page_text("/settings/account").await;
        assert!(page.contains("Also revoke my 2 API tokens"), "{page}");
        assert!(
            page.contains(r#"name="revoke_api_tokens" value="on" checked"#),
            "ticked to start with: {page}"
        );
        let new_password = "a brand new horse battery staple";
        member
            .call_ok(
                "account/password",
                &[
                    ("current_password", crate::support::PASSWORD),
                    ("new_password", new_password),
                    ("revoke_api_tokens", "on"),
                ],
            )
            .await;
        assert_eq!(works(first).await, 401);
        assert_eq!(works(second).await, 401);
        assert_eq!(works(kept_by_admin.clone()).await, 200);
        let list: Value = member.call_json("account/tokens", &[]).await;
        assert_eq!(list["tokens"], serde_json::json!([]));

        // With the box cleared the tokens keep working.
        let (kept, _) = make_token(&member, "kept", "read", "").await;
        member
            .call_ok(
                "account/password",
                &[
                    ("current_password", new_password),
                    ("new_password", "yet another horse battery staple"),
                ],
            )
            .await;
        assert_eq!(works(kept.clone()).await, 200);

        // A reset link sets a new password for someone who lost the
        // account: the tokens go with the old password.
        let link = admin.reset_link_for("max@example.com").await;
        let token = link.rsplit('/').next().unwrap();
        app.visitor()
            .call_ok(
                "password_reset",
                &[
                    ("token", token),
                    ("new_password", "recovered horse battery staple"),
                ],
            )
            .await;
        assert_eq!(works(kept).await, 401);
        assert_eq!(works(kept_by_admin).await, 200);
    }
}
