//! Guessing secrets, as an attacker would: parallel password bursts, two-
//! factor codes across fresh challenges, password re-checks from a stolen
//! session, oversized input, sign-up probing, and a reset link used to skip
//! the second factor. Each attack must be counted and slowed, and must not
//! grow the database without bound.

use crate::support::{
    ADMIN_EMAIL, PASSWORD, TestApp, Visitor, enable_two_factor, now_secs, set_cookie,
};
use app::backend::auth::totp;

/// How many of `responses` had each status.
fn tally(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn security_log_rows(app: &TestApp, kind: &str) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT email, repeats FROM security_events WHERE kind = $1 ORDER BY id")
        .bind(kind)
        .fetch_all(app.db.reader())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parallel_burst_of_guesses_gets_no_more_tries_than_one_at_a_time() {
    for app in TestApp::each_backend().await {
        app.admin().await;
        let mut guesses = tokio::task::JoinSet::new();
        for i in 0..60 {
            let attacker = app.visitor();
            guesses.spawn(async move {
                let guess = format!("wrong password {i}");
                attacker
                    .sign_in(ADMIN_EMAIL, &guess)
                    .await
                    .status()
                    .as_u16()
            });
        }
        let statuses: Vec<u16> = guesses.join_all().await;
        assert_eq!(
            tally(&statuses, 401),
            5,
            "{:?}: only the threshold's guesses are checked: {statuses:?}",
            app.kind()
        );
        assert_eq!(tally(&statuses, 429), 55, "{statuses:?}");

        // The refusals are one line of the security log, with a count.
        let throttled = security_log_rows(&app, "sign_in_throttled").await;
        assert_eq!(
            throttled,
            vec![(ADMIN_EMAIL.to_owned(), 55)],
            "{:?}",
            app.kind()
        );
    }
}

#[tokio::test]
async fn two_factor_codes_are_counted_across_fresh_challenges_and_logged() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let (secret, _) = enable_two_factor(&admin).await;

        // The attacker knows the password and asks for a new challenge
        // every few codes: the count is per account, not per challenge.
        let attacker = app.visitor();
        let mut wrong = 0;
        for round in 0..3 {
            let response = attacker.sign_in(ADMIN_EMAIL, PASSWORD).await;
            if round < 2 {
                assert_eq!(response.status(), 200, "{:?}", app.kind());
            }
            for _ in 0..2 {
                let status = attacker
                    .call("sign_in_code", &[("code", "000000")])
                    .await
                    .status();
                if status == 422 {
                    wrong += 1;
                } else {
                    assert_eq!(status, 429, "{:?}", app.kind());
                }
            }
        }
        assert_eq!(wrong, 5, "{:?}: five wrong codes, then a wait", app.kind());

        // Even the right code waits now, and the right password does not
        // reset the count.
        let owner = app.visitor();
        assert_eq!(owner.sign_in(ADMIN_EMAIL, PASSWORD).await.status(), 200);
        let code = totp::code_at(&secret, now_secs() + 30);
        let response = owner.call("sign_in_code", &[("code", &code)]).await;
        assert_eq!(response.status(), 429, "{:?}", app.kind());
        assert!(response.headers().contains_key("retry-after"));

        let failures = security_log_rows(&app, "two_factor_failed").await;
        assert_eq!(
            failures.len(),
            5,
            "{:?}: each wrong code is logged",
            app.kind()
        );

        // When the wait is over, the right code signs in and clears the
        // count.
        crate::support::write(
            &app.db,
            sqlx::query("UPDATE sign_in_failures SET at = at - 31000"),
        )
        .await
        .unwrap();
        let response = owner.call("sign_in_code", &[("code", &code)]).await;
        assert_eq!(response.status(), 200, "{:?}", app.kind());
        let left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sign_in_failures WHERE scope = 'code'")
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        assert_eq!(left, 0);
    }
}

#[tokio::test]
async fn a_stolen_session_cannot_guess_the_password_through_its_re_checks() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let attempts: [(&str, Vec<(&str, &str)>); 3] = [
            (
                "account/password",
                vec![("new_password", "a brand new long passphrase")],
            ),
            ("account/email", vec![("email", "eve@example.com")]),
            ("account/email", vec![("email", "eve@example.com")]),
        ];
        let mut statuses = Vec::new();
        for round in 0..3 {
            for (function, fields) in &attempts {
                let guess = format!("guess {round}");
                let mut form = fields.clone();
                form.push(("current_password", &guess));
                statuses.push(admin.call(function, &form).await.status().as_u16());
            }
        }
        assert_eq!(tally(&statuses, 422), 5, "{:?}: {statuses:?}", app.kind());
        assert_eq!(tally(&statuses, 429), 4, "{statuses:?}");
        // The same count guards sign-in: the account waits there too.
        assert_eq!(
            app.visitor().sign_in(ADMIN_EMAIL, PASSWORD).await.status(),
            429
        );
        assert_eq!(
            security_log_rows(&app, "password_check_failed").await.len(),
            5
        );
    }
}

#[tokio::test]
async fn disabling_two_factor_is_throttled_like_sign_in() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    enable_two_factor(&admin).await;
    let mut statuses = Vec::new();
    for i in 0..7 {
        let guess = format!("guess {i}");
        let response = admin
            .call(
                "account/two_factor/disable",
                &[("current_password", &guess), ("code", "000000")],
            )
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 422, 422, 429, 429]);
}

#[tokio::test]
async fn a_megabyte_email_is_refused_without_writing_it_anywhere() {
    for app in TestApp::each_backend().await {
        app.admin().await;
        let attacker = app.visitor();
        let huge = format!("{}@example.com", "a".repeat(1_500_000));
        for _ in 0..3 {
            let response = attacker.sign_in(&huge, "whatever").await;
            assert_eq!(response.status(), 401, "{:?}", app.kind());
        }
        let longest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(LENGTH(email)) FROM security_events")
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        assert!(longest.unwrap_or(0) <= 254, "{longest:?}");
        let longest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(LENGTH(subject)) FROM sign_in_failures")
                .fetch_one(app.db.reader())
                .await
                .unwrap();
        assert!(longest.unwrap_or(0) <= 254, "{longest:?}");

        // Throttled attempts with ever-new emails from one address are
        // refused, and logged as one line with a count.
        for i in 0..25 {
            let email = format!("probe{i}@example.com");
            attacker.sign_in(&email, "whatever").await;
        }
        let throttled = security_log_rows(&app, "sign_in_throttled").await;
        assert_eq!(throttled.len(), 1, "{:?}: {throttled:?}", app.kind());
        assert_eq!(throttled[0].1, 5);
    }
}

#[tokio::test]
async fn the_purge_removes_old_failures_and_log_lines() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    let visitor = app.visitor();
    visitor.sign_in(ADMIN_EMAIL, "wrong password").await;
    let year_ms: i64 = 365 * 24 * 60 * 60 * 1000;
    crate::support::write(
        &app.db,
        sqlx::query("UPDATE security_events SET at = at - $1").bind(year_ms),
    )
    .await
    .unwrap();
    crate::support::write(
        &app.db,
        sqlx::query("UPDATE sign_in_failures SET at = at - $1").bind(year_ms),
    )
    .await
    .unwrap();
    let now = app::backend::db::now_ms();
    app::backend::auth::throttle::purge(&app.db, now)
        .await
        .unwrap();
    use app::backend::db::security_events;
    security_events::purge_before(&app.db, now - security_events::RETENTION_MS)
        .await
        .unwrap();
    let (events, failures): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM security_events), (SELECT COUNT(*) FROM sign_in_failures)",
    )
    .fetch_one(app.db.reader())
    .await
    .unwrap();
    assert_eq!((events, failures), (0, 0));
}

#[tokio::test]
async fn a_reset_link_does_not_skip_the_second_factor() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let member = app.member(&admin, "max@example.com").await;
        let (secret, _) = enable_two_factor(&member).await;
        let link = admin.reset_link_for("max@example.com").await;
        let token = link.rsplit('/').next().unwrap().to_owned();

        let holder = app.visitor();
        let response = holder
            .call(
                "password_reset",
                &[
                    ("token", &token),
                    ("new_password", "another long passphrase for max"),
                ],
            )
            .await;
        assert_eq!(response.status(), 200, "{:?}", app.kind());
        assert!(set_cookie(&response, "waymark_session").is_none());
        assert!(set_cookie(&response, "waymark_2fa").is_some());
        assert_eq!(holder.whoami().await, None, "{:?}", app.kind());

        let code = totp::code_at(&secret, now_secs() + 30);
        let response = holder.call("sign_in_code", &[("code", &code)]).await;
        assert_eq!(response.status(), 200, "{:?}", app.kind());
        assert_eq!(holder.whoami().await.as_deref(), Some("max@example.com"));
    }
}

#[tokio::test]
async fn probing_sign_up_for_existing_emails_is_throttled() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        admin
            .call_ok("admin/sign_up_mode/set", &[("mode", "open")])
            .await;
        // New accounts are not probes: they do not count.
        for i in 0..12 {
            let email = format!("new{i}@example.com");
            sign_up(&app.visitor(), &email).await;
        }
        let prober = app.visitor();
        let mut statuses = Vec::new();
        for _ in 0..12 {
            let response = prober
                .call(
                    "sign_up",
                    &[
                        ("email", ADMIN_EMAIL),
                        ("display_name", "Probe"),
                        ("password", PASSWORD),
                    ],
                )
                .await;
            statuses.push(response.status().as_u16());
        }
        assert_eq!(tally(&statuses, 422), 10, "{:?}: {statuses:?}", app.kind());
        assert_eq!(tally(&statuses, 429), 2, "{statuses:?}");
    }
}

async fn sign_up(visitor: &Visitor, email: &str) {
    visitor
        .call_ok(
            "sign_up",
            &[
                ("email", email),
                ("display_name", "New Person"),
                ("password", PASSWORD),
            ],
        )
        .await;
}
