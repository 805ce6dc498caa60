//! Static files: hashed build output is cached for a year and served
//! pre-compressed; other assets get a short cache.

use crate::support::TestApp;

#[tokio::test]
async fn hashed_build_output_is_immutable_and_served_precompressed() {
    let app = TestApp::sqlite().await;
    let pkg = app.site_root.join("pkg");
    std::fs::write(pkg.join("waymark.abc123.css"), "body{color:red}").unwrap();
    std::fs::write(pkg.join("waymark.abc123.css.br"), b"brotli-bytes").unwrap();

    let response = app
        .client
        .get(app.url("/pkg/waymark.abc123.css"))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["content-type"], "text/css");
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"brotli-bytes");

    let plain = app
        .client
        .get(app.url("/pkg/waymark.abc123.css"))
        .header("accept-encoding", "identity")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), "body{color:red}");
}

#[tokio::test]
async fn other_assets_get_a_short_cache_and_security_headers() {
    let app = TestApp::sqlite().await;
    std::fs::write(app.site_root.join("favicon.svg"), "<svg/>").unwrap();
    let response = app.get("/favicon.svg").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=3600");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn files_outside_the_site_folder_are_not_served() {
    let app = TestApp::sqlite().await;
    for path in [
        "/../Cargo.toml",
        "/pkg/../../Cargo.toml",
        "/%2e%2e/Cargo.toml",
    ] {
        let response = app.get(path).await;
        assert_ne!(response.status(), 200, "{path}");
    }
}
