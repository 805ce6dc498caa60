//! Accounts and sessions, as users and attackers meet them: first-run
//! admin, sign-up policy, passwords, sessions, throttling, CSRF, two-factor
//! and admin actions.

use crate::support::{ADMIN_EMAIL, PASSWORD, TestApp, enable_two_factor, now_secs, set_cookie};
use app::backend::auth::totp;

async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    (status, body)
}

#[tokio::test]
async fn the_first_account_becomes_admin_and_set_up_then_closes() {
    for app in TestApp::each_backend().await {
        let (_, body) = app.get_text("/").await;
        assert!(!body.contains("Welcome"), "nobody is signed in yet");
        let admin = app.admin().await;
        assert_eq!(admin.whoami().await.as_deref(), Some(ADMIN_EMAIL));
        let me: serde_json::Value = admin.call_json("current_user", &[]).await;
        assert_eq!(me["is_admin"], true, "{:?}", app.kind());

        let late = app.visitor();
        let response = late
            .call(
                "create_admin",
                &[
                    ("email", "eve@example.com"),
                    ("display_name", "Eve"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        let (status, body) = error_code(response).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(late.whoami().await, None);
    }
}

#[tokio::test]
async fn sign_up_is_invitation_only_until_an_admin_opens_it() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let visitor = app.visitor();
    let form = [
        ("email", "max@example.com"),
        ("display_name", "Max"),
        ("password", PASSWORD),
    ];
    assert_eq!(visitor.call("sign_up", &form).await.status(), 403);

    let member = app.member(&admin, "max@example.com").await;
    assert_eq!(member.whoami().await.as_deref(), Some("max@example.com"));
    let me: serde_json::Value = member.call_json("current_user", &[]).await;
    assert_eq!(me["is_admin"], false, "only the first account is admin");

    // The same email, in other letters, is the same account.
    let again = app.visitor();
    let form = [
        ("email", "MAX@Example.com"),
        ("display_name", "Max"),
        ("password", PASSWORD),
    ];
    let (status, body) = error_code(again.call("sign_up", &form).await).await;
    assert_eq!(status, 422);
    assert!(body.contains("already exists"), "{body}");
}

#[tokio::test]
async fn weak_and_common_passwords_are_refused_with_a_reason() {
    let app = TestApp::sqlite().await;
    let visitor = app.visitor();
    for (password, reason) in [
        ("short", "at least 8"),
        ("password123", ""),
        ("ada@example.com1", ""),
    ] {
        let form = [
            ("email", "ada@example.com"),
            ("display_name", "Ada"),
            ("password", password),
        ];
        let (status, body) = error_code(visitor.call("create_admin", &form).await).await;
        assert_eq!(status, 422, "{password}: {body}");
        assert!(
            body.contains("\"password\""),
            "the error is about the password field: {body}"
        );
        assert!(body.contains(reason), "{password}: {body}");
    }
    assert_eq!(visitor.whoami().await, None);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    for app in TestApp::each_backend().await {
        app.admin().await;
        let visitor = app.visitor();
        let (unknown_status, unknown_body) =
            error_code(visitor.sign_in("nobody@example.com", PASSWORD).await).await;
        let (wrong_status, wrong_body) =
            error_code(visitor.sign_in(ADMIN_EMAIL, "not the password").await).await;
        assert_eq!(unknown_status, 401);
        assert_eq!((unknown_status, &unknown_body), (wrong_status, &wrong_body));
        assert_eq!(visitor.whoami().await, None);
    }
}

#[tokio::test]
async fn unknown_email_takes_as_long_as_a_wrong_password() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    let visitor = app.visitor();
    let time = |email: &'static str| {
        let visitor = &visitor;
        async move {
            let start = std::time::Instant::now();
            visitor.sign_in(email, "not the password").await;
            start.elapsed()
        }
    };
    // Warm up, then compare medians of a few tries each.
    time("warm@example.com").await;
    let mut unknown = Vec::new();
    let mut wrong = Vec::new();
    for _ in 0..3 {
        unknown.push(time("nobody@example.com").await);
        wrong.push(time(ADMIN_EMAIL).await);
    }
    unknown.sort();
    wrong.sort();
    let (u, w) = (unknown[1].as_secs_f64(), wrong[1].as_secs_f64());
    // Both run one full password hash: within a factor of two, not the
    // microseconds-versus-milliseconds gap of skipping it.
    assert!(
        u > w / 2.0 && u < w * 2.0,
        "unknown {u:.3}s vs wrong {w:.3}s"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled_and_the_throttle_resets() {
    for app in TestApp::each_backend().await {
        app.admin().await;
        let visitor = app.visitor();
        for _ in 0..5 {
            assert_eq!(
                visitor
                    .sign_in(ADMIN_EMAIL, "wrong password")
                    .await
                    .status(),
                401
            );
        }
        let response = visitor.sign_in(ADMIN_EMAIL, PASSWORD).await;
        assert_eq!(
            response.status(),
            429,
            "{:?}: even the right password waits",
            app.kind()
        );
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=30).contains(&retry_after), "{retry_after}");

        // Once the wait is over (moved into the past here), the right
        // password works and the account's count starts afresh.
        crate::support::write(
            &app.db,
            sqlx::query("UPDATE sign_in_failures SET at = at - 31000"),
        )
        .await
        .unwrap();
        assert_eq!(visitor.sign_in(ADMIN_EMAIL, PASSWORD).await.status(), 200);
        for _ in 0..4 {
            assert_eq!(
                visitor
                    .sign_in(ADMIN_EMAIL, "wrong password")
                    .await
                    .status(),
                401
            );
        }
        assert_eq!(
            visitor.sign_in(ADMIN_EMAIL, PASSWORD).await.status(),
            200,
            "{:?}",
            app.kind()
        );
    }
}

#[tokio::test]
async fn signing_in_always_issues_a_new_session_token() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    // An attacker plants a well-formed token in the victim's browser before
    // the victim signs in (session fixation).
    let planted = format!("waymark_session={}", "A".repeat(43));
    let sign_in = || {
        reqwest::Client::new()
            .post(app.url("/fn/sign_in"))
            .header("origin", &app.address)
            .header("cookie", &planted)
            .form(&[("email", ADMIN_EMAIL), ("password", PASSWORD)])
            .send()
    };
    let first = set_cookie(&sign_in().await.unwrap(), "waymark_session").expect("a session cookie");
    let second =
        set_cookie(&sign_in().await.unwrap(), "waymark_session").expect("a session cookie");
    assert_ne!(first, second, "every sign-in gets its own token");
    assert!(!first.contains(&"A".repeat(43)));

    let response = reqwest::Client::new()
        .post(app.url("/fn/current_user"))
        .header("origin", &app.address)
        .header("cookie", &planted)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.text().await.unwrap(),
        "null",
        "the planted token is nobody's session"
    );
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    for app in TestApp::each_backend().await {
        app.admin().await;
        let visitor = app.visitor();
        let response = visitor.sign_in(ADMIN_EMAIL, PASSWORD).await;
        let cookie = set_cookie(&response, "waymark_session").unwrap();
        let token = cookie.split(';').next().unwrap().to_owned();
        assert_eq!(visitor.call("sign_out", &[]).await.status(), 200);
        assert_eq!(visitor.whoami().await, None);

        // The old cookie, replayed by someone who copied it, is dead too.
        let replay = reqwest::Client::new()
            .post(app.url("/fn/current_user"))
            .header("origin", &app.address)
            .header("cookie", token)
            .send()
            .await
            .unwrap();
        assert_eq!(replay.text().await.unwrap(), "null", "{:?}", app.kind());
    }
}

#[tokio::test]
async fn sign_out_everywhere_else_keeps_only_this_device() {
    let app = TestApp::sqlite().await;
    let laptop = app.admin().await;
    let phone = app.visitor();
    assert_eq!(phone.sign_in(ADMIN_EMAIL, PASSWORD).await.status(), 200);

    let sessions: serde_json::Value = laptop.call_json("account/sessions", &[]).await;
    assert_eq!(sessions.as_array().unwrap().len(), 2);
    assert_eq!(
        sessions
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["is_current"] == true)
            .count(),
        1
    );

    let ended: u64 = laptop
        .call_json("account/sessions/revoke_others", &[])
        .await;
    assert_eq!(ended, 1);
    assert_eq!(phone.whoami().await, None);
    assert_eq!(laptop.whoami().await.as_deref(), Some(ADMIN_EMAIL));
}

#[tokio::test]
async fn one_user_cannot_end_another_users_session() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let member = app.member(&admin, "max@example.com").await;
    let sessions: serde_json::Value = admin.call_json("account/sessions", &[]).await;
    let admin_session = sessions[0]["id"].as_i64().unwrap().to_string();
    let response = member
        .call("account/sessions/revoke", &[("session_id", &admin_session)])
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(admin.whoami().await.as_deref(), Some(ADMIN_EMAIL));
}

#[tokio::test]
async fn a_disabled_users_live_session_stops_working_at_once() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let member = app.member(&admin, "max@example.com").await;
        let users: serde_json::Value = admin.call_json("admin/users", &[]).await;
        let max = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "max@example.com")
            .unwrap()["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let response = admin
            .call(
                "admin/users/disabled",
                &[("user_id", &max), ("disabled", "true")],
            )
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(member.whoami().await, None, "{:?}", app.kind());

        let (status, body) = error_code(member.sign_in("max@example.com", PASSWORD).await).await;
        assert_eq!(status, 403);
        assert!(body.contains("AccountDisabled"), "{body}");

        // Members cannot use admin functions.
        let again = app.visitor();
        assert_eq!(again.call("admin/users", &[]).await.status(), 401);
        let response = admin
            .call(
                "admin/users/disabled",
                &[("user_id", &max), ("disabled", "false")],
            )
            .await;
        assert_eq!(response.status(), 200);
        let member = app.visitor();
        assert_eq!(
            member.sign_in("max@example.com", PASSWORD).await.status(),
            200
        );
        assert_eq!(member.call("admin/users", &[]).await.status(), 403);
    }
}

#[tokio::test]
async fn cross_origin_posts_to_server_functions_are_refused() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let forged = |origin: Option<&str>, site: Option<&str>| {
        let mut request = admin
            .client
            .post(app.url("/fn/admin/sign_up_mode/set"))
            .form(&[("mode", "open")]);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    assert_eq!(
        forged(Some("https://evil.example"), None)
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        forged(None, Some("cross-site")).await.unwrap().status(),
        403
    );
    assert_eq!(
        forged(None, None).await.unwrap().status(),
        403,
        "no evidence of origin"
    );
    let mode: serde_json::Value = admin.call_json("admin/sign_up_mode", &[]).await;
    assert_eq!(mode, "InviteOnly", "nothing changed");
    assert_eq!(
        forged(None, Some("same-origin")).await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn cookies_are_http_only_and_lax_over_http() {
    let app = TestApp::sqlite().await;
    let visitor = app.visitor();
    let response = visitor
        .call(
            "create_admin",
            &[
                ("email", ADMIN_EMAIL),
                ("display_name", "Ada"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let cookie = set_cookie(&response, "waymark_session").expect("session cookie");
    assert!(cookie.contains("; HttpOnly"), "{cookie}");
    assert!(cookie.contains("; SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("; Path=/"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http cannot carry Secure cookies: {cookie}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("waymark_session=");
    assert_eq!(token.len(), 43, "256 random bits, base64url");
}

#[tokio::test]
async fn cookies_are_secure_and_host_prefixed_over_https() {
    let app = TestApp::sqlite_with_public_url("https://roadmap.example.com").await;
    let response = app
        .client
        .post(app.url("/fn/create_admin"))
        .header("origin", "https://roadmap.example.com")
        .form(&[
            ("email", ADMIN_EMAIL),
            ("display_name", "Ada"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cookie = set_cookie(&response, "__Host-waymark_session").expect("a __Host- session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("; HttpOnly"), "{cookie}");
    assert!(cookie.contains("; Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain="), "{cookie}");
}

#[tokio::test]
async fn only_a_hash_of_the_session_token_is_stored() {
    let app = TestApp::sqlite().await;
    let visitor = app.visitor();
    let response = visitor
        .call(
            "create_admin",
            &[
                ("email", ADMIN_EMAIL),
                ("display_name", "Ada"),
                ("password", PASSWORD),
            ],
        )
        .await;
    let cookie = set_cookie(&response, "waymark_session").unwrap();
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("waymark_session=")
        .to_owned();
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM sessions")
        .fetch_all(app.db.reader())
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
    assert_eq!(stored[0].len(), 64, "hex SHA-256");
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_rotates_this_one() {
    for app in TestApp::each_backend().await {
        let laptop = app.admin().await;
        let phone = app.visitor();
        assert_eq!(phone.sign_in(ADMIN_EMAIL, PASSWORD).await.status(), 200);
        let new_password = "a new and rather long passphrase";

        let (status, body) = error_code(
            laptop
                .call(
                    "account/password",
                    &[
                        ("current_password", "wrong"),
                        ("new_password", new_password),
                    ],
                )
                .await,
        )
        .await;
        assert_eq!(status, 422);
        assert!(body.contains("current_password"), "{body}");

        let response = laptop
            .call(
                "account/password",
                &[
                    ("current_password", PASSWORD),
                    ("new_password", new_password),
                ],
            )
            .await;
        assert_eq!(response.status(), 200);
        assert!(
            set_cookie(&response, "waymark_session").is_some(),
            "a new token for this device"
        );
        assert_eq!(laptop.whoami().await.as_deref(), Some(ADMIN_EMAIL));
        assert_eq!(phone.whoami().await, None, "{:?}", app.kind());
        assert_eq!(phone.sign_in(ADMIN_EMAIL, PASSWORD).await.status(), 401);
        assert_eq!(phone.sign_in(ADMIN_EMAIL, new_password).await.status(), 200);
    }
}

#[tokio::test]
async fn two_factor_sign_in_takes_a_valid_code_once_and_recovery_codes_once() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let (secret, recovery_codes) = enable_two_factor(&admin).await;
        let status: serde_json::Value = admin.call_json("account/two_factor", &[]).await;
        assert_eq!(status["On"]["recovery_codes_left"], 10);

        // The password alone no longer signs in: it leads to the code step.
        let visitor = app.visitor();
        let response = visitor.sign_in(ADMIN_EMAIL, PASSWORD).await;
        assert_eq!(response.status(), 200);
        assert!(set_cookie(&response, "waymark_session").is_none());
        assert!(set_cookie(&response, "waymark_2fa").is_some());
        assert_eq!(visitor.whoami().await, None);

        let (status, body) =
            error_code(visitor.call("sign_in_code", &[("code", "123456")]).await).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(visitor.whoami().await, None);

        // The code just used to confirm set-up was used: take the next step's.
        let code = totp::code_at(&secret, now_secs() + 30);
        let response = visitor.call("sign_in_code", &[("code", &code)]).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        assert_eq!(visitor.whoami().await.as_deref(), Some(ADMIN_EMAIL));

        // The same code again, in another sign-in, is a replay.
        let other = app.visitor();
        assert_eq!(other.sign_in(ADMIN_EMAIL, PASSWORD).await.status(), 200);
        assert_eq!(
            other
                .call("sign_in_code", &[("code", &code)])
                .await
                .status(),
            422
        );
        assert_eq!(other.whoami().await, None);

        // A recovery code works once, in any spelling.
        let recovery = recovery_codes[0].to_uppercase();
        assert_eq!(
            other
                .call("sign_in_code", &[("code", &recovery)])
                .await
                .status(),
            200
        );
        assert_eq!(other.whoami().await.as_deref(), Some(ADMIN_EMAIL));
        let third = app.visitor();
        assert_eq!(third.sign_in(ADMIN_EMAIL, PASSWORD).await.status(), 200);
        assert_eq!(
            third
                .call("sign_in_code", &[("code", &recovery)])
                .await
                .status(),
            422,
            "{:?}",
            app.kind()
        );
        let status: serde_json::Value = admin.call_json("account/two_factor", &[]).await;
        assert_eq!(status["On"]["recovery_codes_left"], 9);
    }
}

#[tokio::test]
async fn a_code_without_the_password_step_is_refused() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let (secret, _) = enable_two_factor(&admin).await;
    let stranger = app.visitor();
    let code = totp::code_at(&secret, now_secs() + 30);
    assert_eq!(
        stranger
            .call("sign_in_code", &[("code", &code)])
            .await
            .status(),
        422
    );
    assert_eq!(stranger.whoami().await, None);
}

#[tokio::test]
async fn turning_two_factor_off_needs_password_and_code() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let (secret, _) = enable_two_factor(&admin).await;
    let code = totp::code_at(&secret, now_secs() + 30);
    let response = admin
        .call(
            "account/two_factor/disable",
            &[("current_password", "wrong"), ("code", &code)],
        )
        .await;
    assert_eq!(response.status(), 422);
    let response = admin
        .call(
            "account/two_factor/disable",
            &[("current_password", PASSWORD), ("code", &code)],
        )
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let visitor = app.visitor();
    let response = visitor.sign_in(ADMIN_EMAIL, PASSWORD).await;
    assert!(
        set_cookie(&response, "waymark_session").is_some(),
        "password alone signs in again"
    );
}

#[tokio::test]
async fn an_admin_reset_link_works_once_and_ends_old_sessions() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let member = app.member(&admin, "max@example.com").await;
        let link = admin.reset_link_for("max@example.com").await;
        assert!(
            link.starts_with(&format!("{}/reset-password/", app.address)),
            "{link}"
        );
        let token = link.rsplit('/').next().unwrap().to_owned();

        let (status, body) = app.get_text(&format!("/reset-password/{token}")).await;
        assert_eq!(status, 200);
        assert!(body.contains("Choose a new password"), "{body}");

        let stranger = app.visitor();
        let new_password = "another long passphrase for max";
        let response = stranger
            .call(
                "password_reset",
                &[("token", &token), ("new_password", new_password)],
            )
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        assert_eq!(stranger.whoami().await.as_deref(), Some("max@example.com"));
        assert_eq!(member.whoami().await, None, "old sessions end");

        let again = app.visitor();
        let response = again
            .call(
                "password_reset",
                &[
                    ("token", &token),
                    ("new_password", "yet another long passphrase"),
                ],
            )
            .await;
        assert_eq!(response.status(), 422, "{:?}: single use", app.kind());
        let (_, body) = app.get_text(&format!("/reset-password/{token}")).await;
        assert!(body.contains("no longer works"), "{body}");
    }
}

#[tokio::test]
async fn the_security_log_records_what_happened_and_only_admins_read_it() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let visitor = app.visitor();
    visitor.sign_in(ADMIN_EMAIL, "wrong password").await;
    visitor.sign_in(ADMIN_EMAIL, PASSWORD).await;
    let events: serde_json::Value = admin.call_json("admin/security_log", &[]).await;
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds[..3],
        ["sign_in", "sign_in_failed", "sign_up"],
        "{kinds:?}"
    );
    assert_eq!(
        app.visitor().call("admin/security_log", &[]).await.status(),
        401
    );
}

#[tokio::test]
async fn without_javascript_a_wrong_password_comes_back_to_the_form_with_the_message() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    let visitor = app.visitor();
    let response = visitor
        .post_form(
            "/sign-in",
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", "wrong password")],
        )
        .await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let page = visitor
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("That email and password do not match an account."),
        "{page}"
    );
}

#[tokio::test]
async fn without_javascript_the_new_reset_link_is_shown_after_the_post() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let member = app.member(&admin, "max@example.com").await;
    drop(member);
    let users: serde_json::Value = admin.call_json("admin/users", &[]).await;
    let max = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "max@example.com")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let response = admin
        .post_form(
            "/admin/users",
            "admin/users/reset_link",
            &[("user_id", &max)],
        )
        .await;
    assert_eq!(response.status(), 302);
    let page = admin
        .client
        .get(admin.url("/admin/users"))
        .headers(crate::support::browser_accept())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("{}/reset-password/", app.address)),
        "{page}"
    );
}
