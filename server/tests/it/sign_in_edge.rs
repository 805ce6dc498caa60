//! The sign-in edge as an attacker probes it: where a sign-in sends the
//! browser next, what an error in the address may say, which client
//! address counts, and what the request log keeps.

use crate::support::{ADMIN_EMAIL, PASSWORD, TestApp};

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

#[tokio::test]
async fn dropping_a_crafted_error_never_sends_the_browser_to_another_site() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    for (path, expected) in [
        ("//evil.example/?__err=x", "/"),
        ("/\\evil.example?__err=x", "/"),
        ("//evil.example/w?a=1&__path=%2Ffn%2Fsign_in&__err=x", "/"),
        ("/%2F/evil.example?__err=x", "/%2F/evil.example"),
        ("/sign-in?next=%2Fw&__err=x", "/sign-in?next=%2Fw"),
    ] {
        // Written on the wire as is: an HTTP client library would tidy
        // such a path up before sending it.
        let mut stream = tokio::net::TcpStream::connect(app.address.trim_start_matches("http://"))
            .await
            .unwrap();
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        stream
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
            )
            .await
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        let location = answer
            .lines()
            .find_map(|line| line.strip_prefix("location: "))
            .unwrap_or_else(|| panic!("{path}: {answer}"));
        assert!(answer.starts_with("HTTP/1.1 303"), "{path}: {answer}");
        assert_eq!(location, expected, "{path}");
    }
}

#[tokio::test]
async fn an_error_planted_in_next_is_never_signed() {
    let app = TestApp::sqlite().await;
    app.admin().await;
    let spoof = "Your password was leaked: change it at evil.example";
    let planted = crafted_error_address(spoof);
    let from = format!("/sign-in?next={}", app::api::auth::encode_query(&planted));
    // Signs in from the sign-in page whose `next` carries the error.
    let sign_in = |password: &'static str| {
        let (visitor, from, planted) = (app.visitor(), from.clone(), planted.clone());
        async move {
            let form = [
                ("email", ADMIN_EMAIL),
                ("password", password),
                ("next", planted.as_str()),
            ];
            let response = visitor.post_form(&from, "sign_in", &form).await;
            (visitor, response)
        }
    };

    // The right password: sign-in goes to `next`, without its error.
    let (_, response) = sign_in(PASSWORD).await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        !location.contains("__err") && !location.contains("__sig"),
        "{location}"
    );

    // A wrong password: only the real error comes back, signed.
    let (visitor, response) = sign_in("wrong password").await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location.matches("__err=").count(), 1, "{location}");
    assert_eq!(location.matches("__sig=").count(), 1, "{location}");
    let page = visitor
        .client
        .get(&location)
        .headers(crate::support::browser_accept())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "{location}");
    let text = page.text().await.unwrap();
    assert!(text.contains("That email and password do not match"));
    assert!(!text.contains("evil.example"), "{location}");
}

#[tokio::test]
async fn only_the_error_of_the_function_that_failed_is_signed() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    // A page address that already carries another function's error (a
    // Referer is the client's to write): the item's failure comes back
    // signed for its own function alone, and the planted keys go.
    let spoof = crafted_error_address("Call +1 555 0100");
    let response = admin
        .post_form(
            &spoof,
            "w/items/create",
            &[("slug", "no-such-workspace"), ("title", "x")],
        )
        .await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location.matches("__path=").count(), 1, "{location}");
    assert!(
        location.contains("__path=%2Ffn%2Fw%2Fitems%2Fcreate"),
        "{location}"
    );
    assert!(!location.contains("%2Ffn%2Fsign_in"), "{location}");
}
