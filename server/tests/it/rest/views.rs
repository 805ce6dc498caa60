//! `/api/v1/workspaces/{slug}/views`: saved views list their items in
//! their order.

use super::{Api, create_view, make_token, urlencode};
use crate::support::TestApp;
use serde_json::Value;

#[tokio::test]
async fn saved_views_list_their_items_in_their_order() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Api views", "api-views").await;
    let api = Api::new(&app, Some(make_token(&admin, "read").await));
    for title in ["Beta", "Alpha", "Gamma"] {
        let key = admin.create_item(&slug, title).await;
        if title != "Gamma" {
            admin
                .call_ok(
                    "w/items/update",
                    &[
                        ("slug", &slug),
                        ("key", &key),
                        ("version", "1"),
                        ("tags", "mobile"),
                    ],
                )
                .await;
        }
    }
    let id = create_view(
        &admin,
        &slug,
        "Mobile by title",
        "board",
        "tag=mobile&sort=title&dir=asc",
    )
    .await;
    let views = api.get("/workspaces/api-views/views").await;
    assert_eq!(views.body["views"][0]["name"], "Mobile by title");
    assert_eq!(views.body["views"][0]["kind"], "board");
    let view = api.get(&format!("/workspaces/api-views/views/{id}")).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert!(view.body["query"].as_str().unwrap().contains("tag=mobile"));
    let items = api
        .get(&format!("/workspaces/api-views/views/{id}/items?limit=1"))
        .await;
    assert_eq!(items.body["total"], 2);
    assert_eq!(items.body["items"][0]["title"], "Alpha");
    let next = urlencode(items.body["next_cursor"].as_str().unwrap());
    let rest = api
        .get(&format!(
            "/workspaces/api-views/views/{id}/items?limit=1&cursor={next}"
        ))
        .await;
    assert_eq!(rest.body["items"][0]["title"], "Beta");
    assert_eq!(rest.body["next_cursor"], Value::Null);
    let unknown = api.get("/workspaces/api-views/views/999999/items").await;
    assert_eq!(unknown.status, 404);
    let extra = api
        .get(&format!("/workspaces/api-views/views/{id}/items?tag=other"))
        .await;
    assert_eq!((extra.status, extra.code()), (400, "invalid_query"));
}
