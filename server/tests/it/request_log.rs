//! What the request log keeps: the route's template, never the path itself
//! (invitation and reset links carry their secret token in it) nor the
//! query; and that a client's malformed call is no error of the server's.
//! It captures the logs of its own thread only: the app it starts runs on
//! the test's single-threaded runtime, and the other tests' apps on theirs.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::support::TestApp;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secret_tokens_in_paths_never_reach_the_request_log() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("info")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    admin.create_workspace("Mobile", "mobile").await;
    let invitation = admin.invite("mobile", "viewer", "").await;
    let reset = "S3cretResetTokenS3cretResetTokenS3cretRese";
    app.get(&format!("/invite/{invitation}")).await;
    app.get(&format!("/reset-password/{reset}?also=S3cretQuery"))
        .await;
    app.get("/no/such/page/S3cretUnmatched").await;

    // A call whose arguments do not decode is the client's fault: 400 and
    // a message that says what is wrong, and nothing logged as an error.
    let response = admin.call("w/items/create", &[("slug", "mobile")]).await;
    assert_eq!(response.status(), 400);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("BadRequest") && body.contains("title"),
        "{body}"
    );
    let response = admin
        .call(
            "w/statuses/delete",
            &[("slug", "mobile"), ("status_id", "first"), ("move_to", "2")],
        )
        .await;
    assert_eq!(response.status(), 400);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(!log.contains("ERROR"), "{log}");
    assert!(log.contains("route=\"/invite/{token}\""), "{log}");
    for secret in [invitation.as_str(), reset, "S3cretQuery", "S3cretUnmatched"] {
        assert!(!log.contains(secret), "{secret} is in the log:\n{log}");
    }
}
