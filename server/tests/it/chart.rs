//! `/w/:slug/chart`: items placed by their Value and Effort, and the
//! filter bar's filter obeyed.

use crate::scoring::{criteria, id_of, rate};
use crate::support::{TestApp, Visitor};
use serde_json::Value;

async fn chart(visitor: &Visitor, slug: &str, params: &str) -> Value {
    visitor
        .call_json("w/chart", &[("slug", slug), ("params", params)])
        .await
}

#[tokio::test]
async fn the_chart_places_items_with_both_factors_by_them_and_obeys_the_filter() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let offline = admin.create_item(&slug, "Offline mode").await;
        let sync = admin.create_item(&slug, "Sync settings").await;
        let half = admin.create_item(&slug, "Half rated").await;
        admin.create_item(&slug, "Not rated").await;
        let criteria = criteria(&admin, &slug, &offline).await;
        let id = |name| id_of(&criteria, name);
        rate(
            &admin,
            &slug,
            &offline,
            &[
                (id("Business value"), "8"),
                (id("Customer value"), "6"),
                (id("Strategic fit"), "10"),
                (id("Development effort"), "2"),
                (id("Risk"), "2"),
            ],
        )
        .await;
        // Value 2 / 10, effort XL = 1: the lowest score.
        rate(
            &admin,
            &slug,
            &sync,
            &[(id("Business value"), "2"), (id("Development effort"), "4")],
        )
        .await;
        // Value only: no effort, so no place on the chart.
        rate(&admin, &slug, &half, &[(id("Business value"), "9")]).await;

        let all = chart(&admin, &slug, "").await;
        assert_eq!(all["total"], 4, "{:?}", app.kind());
        assert_eq!(all["placed"], 2);
        let points = all["points"].as_array().unwrap();
        let keys: Vec<&str> = points.iter().map(|p| p["key"].as_str().unwrap()).collect();
        assert_eq!(
            keys,
            [offline.as_str(), sync.as_str()],
            "highest score first"
        );
        assert_eq!(points[0]["score"], 72.5);
        // Factors as the engine leaves them, unrounded.
        let near = |v: &Value, expected: f64| (v.as_f64().unwrap() - expected).abs() < 1e-9;
        assert!(near(&points[0]["value"], 0.8), "{points:?}");
        assert!(near(&points[0]["effort"], 0.35), "{points:?}");
        assert!(near(&points[1]["value"], 0.2), "{points:?}");
        assert!(near(&points[1]["effort"], 1.0), "{points:?}");
        assert_eq!(points[0]["size"], Value::Null);
        assert_eq!(all["size"], Value::Null);
        assert_eq!(all["sizes"].as_array().unwrap().len(), 5);

        // Sized by a criterion: its rating on the scale, unrated is none.
        let customer = id("Customer value");
        let sized = chart(&admin, &slug, &format!("size={customer}")).await;
        assert_eq!(sized["size"][1], "Customer value");
        assert!(near(&sized["points"][0]["size"], 0.6));
        assert_eq!(sized["points"][0]["size_label"], "6");
        assert_eq!(sized["points"][1]["size"], Value::Null);

        // A criterion of no framework of this workspace sizes nothing.
        let stale = chart(&admin, &slug, "size=999999").await;
        assert_eq!(stale["size"], Value::Null);
        assert_eq!(stale["points"].as_array().unwrap().len(), 2);

        // The filter bar's parameters narrow it, as they do the table.
        let words = chart(&admin, &slug, "q=offline").await;
        assert_eq!(words["total"], 1);
        assert_eq!(words["points"][0]["key"], offline.as_str());
        let low = chart(&admin, &slug, "score_max=50").await;
        assert_eq!(low["placed"], 1);
        assert_eq!(low["points"][0]["key"], sync.as_str());

        // Another workspace's chart holds none of these.
        let other = admin.create_workspace("Web", "web").await;
        admin.create_item(&other, "Web item").await;
        let elsewhere = chart(&admin, &other, "").await;
        assert_eq!(elsewhere["total"], 1);
        assert_eq!(elsewhere["placed"], 0);
    }
}
