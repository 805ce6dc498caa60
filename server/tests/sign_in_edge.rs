//! The sign-in edge as an attacker probes it: where a sign-in sends the
//! browser next, what an error in the address may say, which client
//! address counts, and what the request log keeps.

mod common;

use common::{ADMIN_EMAIL, PASSWORD, TestApp};

#[tokio::test]
async fn signing_in_never_sends_the_browser_to_another_site() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    for next in [
        "/\t/evil.example",
        "/\\evil.example",
        "/\n/evil.example",
        "/\u{1}/evil.example",
        "//evil.example",
        "https://evil.example/",
        "/%09/evil.example",
    ] {
        let visitor = app.visitor();
        let response = visitor
            .post_form(
                "/sign-in",
                "sign_in",
                &[("email", ADMIN_EMAIL), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(response.status(), 302, "{next:?}");
        let location = response.headers()["location"].to_str().unwrap();
        assert!(
            location.starts_with('/') && !location.starts_with("//") && !location.contains('\\'),
            "{next:?} led to {location:?}"
        );
        assert!(
            !location.chars().any(|c| c.is_ascii_control() || c == ' '),
            "{next:?} led to {location:?}"
        );
    }
    // A safe path survives.
    let visitor = app.visitor();
    let response = visitor
        .post_form(
            "/sign-in",
            "sign_in",
            &[
                ("email", ADMIN_EMAIL),
                ("password", PASSWORD),
                ("next", "/settings/account"),
            ],
        )
        .await;
    assert_eq!(response.headers()["location"], "/settings/account");
}
