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
                &[
                    ("email", ADMIN_EMAIL),
                    ("password", PASSWORD),
                    ("next", next),
                ],
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

/// `?__path=/fn/sign_in&__err=…`: the address a failed form post comes back
/// to, here written by an attacker.
fn crafted_error_address(message: &str) -> String {
    use data_encoding::BASE64URL;
    let error = serde_json::json!({ "Conflict": message }).to_string();
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("__path", "/fn/sign_in")
        .append_pair("__err", &BASE64URL.encode(error.as_bytes()));
    format!("/sign-in?{}", query.finish())
}

#[tokio::test]
async fn a_crafted_error_in_the_address_is_never_shown() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    let spoof = "Your account is locked: call +1 555 0100 to unlock it";
    let response = app.get(&crafted_error_address(spoof)).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in");
    let (_, page) = app.get_text("/sign-in").await;
    assert!(!page.contains("555 0100"));

    // A genuine error, signed by the server, still shows; swapping in
    // another error or changing the signature does not.
    let visitor = app.visitor();
    let response = visitor
        .post_form(
            "/sign-in",
            "sign_in",
            &[("email", ADMIN_EMAIL), ("password", "wrong password")],
        )
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__sig="), "{location}");
    let page = visitor.client.get(&location).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("That email and password do not match")
    );

    let crafted = crafted_error_address(spoof);
    let signature = location.split("__sig=").nth(1).unwrap();
    let swapped = format!("{}{crafted}&__sig={signature}", app.address);
    let response = visitor.client.get(&swapped).send().await.unwrap();
    assert_eq!(
        response.status(),
        303,
        "another error under a real signature"
    );
    let tampered = location.replace("__sig=", "__sig=1");
    let response = visitor.client.get(&tampered).send().await.unwrap();
    assert_eq!(response.status(), 303, "a changed signature");
}
