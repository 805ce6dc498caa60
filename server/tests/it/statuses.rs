//! `/w/:slug/settings/statuses`: statuses added, renamed, reordered and
//! deleted, with their items moved.

use crate::items::{board, columns};
use crate::support::TestApp;
use serde_json::Value;

#[tokio::test]
async fn statuses_are_added_renamed_reordered_and_deleted_with_their_items_moved() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let names = |board: &Value| -> Vec<String> {
            board
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["status"]["name"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            names(&board(&admin, &slug).await),
            ["Idea", "Planned", "In progress", "Shipped"]
        );
        admin
            .call_ok(
                "w/statuses/create",
                &[
                    ("slug", &slug),
                    ("name", "In review"),
                    ("color", "#AA00FF"),
                    ("category", "active"),
                ],
            )
            .await;
        let duplicate = admin
            .call(
                "w/statuses/create",
                &[
                    ("slug", &slug),
                    ("name", "in REVIEW"),
                    ("color", "#aa00ff"),
                    ("category", "active"),
                ],
            )
            .await;
        assert_eq!(duplicate.status(), 422);
        for (field, value) in [("color", "red"), ("category", "finished"), ("name", "")] {
            let mut form = vec![
                ("slug", slug.as_str()),
                ("name", "Fine"),
                ("color", "#000000"),
                ("category", "done"),
            ];
            form.retain(|(k, _)| *k != field);
            form.push((field, value));
            let response = admin.call("w/statuses/create", &form).await;
            assert_eq!(response.status(), 422, "{field}");
        }

        let statuses: Value = admin.call_json("w/statuses", &[("slug", &slug)]).await;
        let id = |name: &str| {
            statuses
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == name)
                .unwrap()["id"]
                .as_i64()
                .unwrap()
                .to_string()
        };
        assert_eq!(statuses[4]["color"], "#aa00ff");
        admin
            .call_ok(
                "w/statuses/shift",
                &[
                    ("slug", &slug),
                    ("status_id", &id("In review")),
                    ("direction", "up"),
                ],
            )
            .await;
        admin
            .call_ok(
                "w/statuses/update",
                &[
                    ("slug", &slug),
                    ("status_id", &id("Idea")),
                    ("name", "Inbox"),
                    ("color", "#123456"),
                    ("category", "planned"),
                ],
            )
            .await;
        assert_eq!(
            names(&board(&admin, &slug).await),
            ["Inbox", "Planned", "In progress", "In review", "Shipped"]
        );

        // Three items in Inbox, deleted into Planned, which has one.
        for n in 0..3 {
            admin.create_item(&slug, &format!("Idea {n}")).await;
        }
        admin
            .call_ok(
                "w/items/move",
                &[
                    ("slug", &slug),
                    ("key", "MOB-1"),
                    ("version", "1"),
                    ("status", &id("Planned")),
                ],
            )
            .await;
        let into_itself = admin
            .call(
                "w/statuses/delete",
                &[
                    ("slug", &slug),
                    ("status_id", &id("Idea")),
                    ("move_to", &id("Idea")),
                ],
            )
            .await;
        assert_eq!(into_itself.status(), 422);
        let moved: usize = admin
            .call_ok(
                "w/statuses/delete",
                &[
                    ("slug", &slug),
                    ("status_id", &id("Idea")),
                    ("move_to", &id("Planned")),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(moved, 2);
        let after = board(&admin, &slug).await;
        assert_eq!(
            names(&after),
            ["Planned", "In progress", "In review", "Shipped"]
        );
        // They keep their order, after what Planned had.
        assert_eq!(
            columns(&after)[0],
            ["MOB-1", "MOB-3", "MOB-2"],
            "{:?}",
            app.kind()
        );
        let history = &admin.item(&slug, "MOB-3").await["activity"][0];
        assert_eq!(history["field"], "status");
        assert_eq!(history["old_value"], "Inbox");
        assert_eq!(history["new_value"], "Planned");
    }
}
