//! The timeline: dated items by date, undated ones aside, the same picture
//! without JavaScript.

use crate::roadmap::version;
use crate::support::{TestApp, Visitor};
use serde_json::Value;

async fn set_dates(
    visitor: &Visitor,
    slug: &str,
    key: &str,
    start: &str,
    end: &str,
) -> reqwest::Response {
    let version = version(visitor, slug, key).await;
    visitor
        .call(
            "w/items/update",
            &[
                ("slug", slug),
                ("key", key),
                ("version", &version),
                ("start_date", start),
                ("end_date", end),
            ],
        )
        .await
}

#[tokio::test]
async fn the_timeline_lists_dated_items_by_date_and_the_rest_aside() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        for n in 0..5 {
            admin.create_item(&slug, &format!("Card <{n}>")).await;
        }
        assert_eq!(
            set_dates(&admin, &slug, "MOB-3", "2026-06-01", "2026-06-20")
                .await
                .status(),
            200
        );
        assert_eq!(
            set_dates(&admin, &slug, "MOB-1", "", "2026-05-02")
                .await
                .status(),
            200
        );
        assert_eq!(
            set_dates(&admin, &slug, "MOB-5", "2026-05-10", "")
                .await
                .status(),
            200
        );
        // An end before the start, or a date that is not one: refused,
        // naming the field, and nothing changes.
        for (start, end) in [
            ("2026-07-10", "2026-07-01"),
            ("2026-02-30", ""),
            ("10000-01-01", ""),
        ] {
            let response = set_dates(&admin, &slug, "MOB-2", start, end).await;
            assert_eq!(response.status(), 422, "{start} {end}");
            let body = response.text().await.unwrap();
            assert!(
                body.contains("start_date") || body.contains("end_date"),
                "{body}"
            );
        }
        let timeline: Value = admin
            .call_json(
                "w/timeline",
                &[("slug", &slug), ("params", "scale=quarter")],
            )
            .await;
        let keys = |list: &Value| -> Vec<String> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|i| i["key"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            keys(&timeline["scheduled"]),
            ["MOB-1", "MOB-5", "MOB-3"],
            "{:?}",
            app.kind()
        );
        assert_eq!(timeline["scheduled_total"], 3);
        assert_eq!(timeline["unscheduled_total"], 2);
        assert_eq!(keys(&timeline["unscheduled"]).len(), 2);
        assert_eq!(timeline["today"].as_str().unwrap().len(), 10);
        // The filter bar narrows it as any other view.
        let narrowed: Value = admin
            .call_json("w/timeline", &[("slug", &slug), ("params", "q=MOB-3")])
            .await;
        assert_eq!(keys(&narrowed["scheduled"]), ["MOB-3"]);
        assert_eq!(narrowed["unscheduled_total"], 0);

        // Without JavaScript: the same bars, escaped, each a link to its item.
        let html = admin
            .page_text(&format!("/w/{slug}/timeline?group=tag"))
            .await;
        assert!(html.contains("href=\"/w/mobile/items/MOB-3\""));
        assert!(html.contains("MOB-3 Card &lt;2&gt;, 2026-06-01 to 2026-06-20"));
        assert!(html.contains("No tag"));
        assert!(!html.contains("Card <2>"));
    }
}
