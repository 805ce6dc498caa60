//! The roadmap: lanes that keep the order people give them, apart from the
//! board's; moves that lose a race are refused and change nothing; a page
//! without JavaScript moves cards with a plain form. Who may call each
//! function is checked in `access_matrix.rs`.

use crate::support::{CardMove, RandomMoves, TestApp, Visitor, create_many, lane_keys};
use serde_json::Value;

const HORIZONS: [&str; 4] = ["now", "next", "later", "unplanned"];

async fn roadmap(visitor: &Visitor, slug: &str, params: &str) -> Value {
    visitor
        .call_json("w/roadmap", &[("slug", slug), ("params", params)])
        .await
}

/// The keys of each lane, Now to Unplanned, top to bottom.
fn lanes(roadmap: &Value) -> Vec<Vec<String>> {
    let names: Vec<&str> = roadmap
        .as_array()
        .expect("lanes")
        .iter()
        .map(|l| l["horizon"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Now", "Next", "Later", "Unplanned"]);
    lane_keys(roadmap)
}

fn totals(roadmap: &Value) -> Vec<i64> {
    roadmap
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["total"].as_i64().unwrap())
        .collect()
}

pub(crate) async fn version(visitor: &Visitor, slug: &str, key: &str) -> String {
    visitor.item(slug, key).await["summary"]["version"]
        .as_i64()
        .unwrap()
        .to_string()
}

/// A roadmap move as the page sends it.
async fn plan(
    visitor: &Visitor,
    slug: &str,
    key: &str,
    version: &str,
    horizon: &str,
    after: Option<&str>,
    before: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![
        ("slug", slug),
        ("key", key),
        ("version", version),
        ("horizon", horizon),
    ];
    if let Some(after) = after {
        form.push(("after", after));
    }
    if let Some(before) = before {
        form.push(("before", before));
    }
    visitor.call("w/roadmap/move", &form).await
}

async fn board_keys(visitor: &Visitor, slug: &str) -> Vec<Vec<String>> {
    lane_keys(
        &visitor
            .call_json("w/board", &[("slug", slug), ("params", "")])
            .await,
    )
}

#[tokio::test]
async fn roadmap_moves_keep_their_order_and_leave_the_board_alone() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        create_many(&admin, &slug, "Card", 10).await;
        let board_before = board_keys(&admin, &slug).await;
        let mut moves = RandomMoves::new(
            0x0bad_cafe_f00d_1234,
            lanes(&roadmap(&admin, &slug, "").await),
        );
        // New items start at the top of the unplanned tray.
        assert_eq!(
            moves.expected[3].first().map(String::as_str),
            Some("MOB-10")
        );
        for round in 0..150 {
            let CardMove {
                key,
                lane: to,
                after,
                before,
            } = moves.next_move();
            let version = version(&admin, &slug, &key).await;
            let response = plan(
                &admin,
                &slug,
                &key,
                &version,
                HORIZONS[to],
                after.as_deref(),
                before.as_deref(),
            )
            .await;
            assert_eq!(
                response.status(),
                200,
                "round {round}: {}",
                response.text().await.unwrap()
            );
        }
        let server = roadmap(&admin, &slug, "").await;
        let expected = moves.expected;
        assert_eq!(lanes(&server), expected, "{:?}", app.kind());
        assert_eq!(
            totals(&server),
            expected.iter().map(|l| l.len() as i64).collect::<Vec<_>>()
        );
        // Each item's horizon is its lane's; the board kept its own order.
        for lane in server.as_array().unwrap() {
            for card in lane["items"].as_array().unwrap() {
                assert_eq!(
                    card["horizon"],
                    lane["horizon"],
                    "{}",
                    card["key"].as_str().unwrap()
                );
            }
        }
        assert_eq!(board_keys(&admin, &slug).await, board_before);
    }
}

#[tokio::test]
async fn a_move_records_the_horizon_and_a_lost_race_changes_nothing() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        for n in 0..3 {
            admin.create_item(&slug, &format!("Card {n}")).await;
        }
        // Into Now, then below it in Now: a history entry for the first only.
        let first = plan(&admin, &slug, "MOB-1", "1", "now", None, None).await;
        assert_eq!(first.status(), 200);
        assert_eq!(first.json::<i64>().await.unwrap(), 2);
        assert_eq!(
            plan(&admin, &slug, "MOB-2", "1", "now", Some("MOB-1"), None)
                .await
                .status(),
            200
        );
        let detail = admin.item(&slug, "MOB-1").await;
        assert_eq!(detail["summary"]["horizon"], "Now");
        assert_eq!(detail["activity"][0]["field"], "horizon");
        assert_eq!(detail["activity"][0]["old_value"], "Unplanned");
        assert_eq!(detail["activity"][0]["new_value"], "Now");
        let reordered = plan(&admin, &slug, "MOB-2", "2", "now", None, Some("MOB-1")).await;
        assert_eq!(reordered.status(), 200);
        let history = admin.item(&slug, "MOB-2").await["activity"].clone();
        let horizon_entries = history
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["field"] == "horizon")
            .count();
        assert_eq!(horizon_entries, 1, "{history}");
        let settled = lanes(&roadmap(&admin, &slug, "").await);
        assert_eq!(settled[0], ["MOB-2", "MOB-1"]);

        // A stale version: refused with who changed it.
        let stale = plan(&admin, &slug, "MOB-1", "1", "later", None, None).await;
        assert_eq!(stale.status(), 409);
        assert!(stale.text().await.unwrap().contains("changed by"));
        // Dropped beside a card that has left that lane meanwhile, beside
        // itself, or beside a card that does not exist: refused.
        for neighbour in ["MOB-3", "MOB-1", "MOB-99", "not a key"] {
            let response = plan(&admin, &slug, "MOB-1", "2", "now", Some(neighbour), None).await;
            assert_eq!(response.status(), 409, "{neighbour}");
            assert!(
                response.text().await.unwrap().contains("roadmap changed"),
                "{neighbour}"
            );
        }
        // A horizon that is not one: refused, naming the field.
        for bad in ["soon", "", "NOW OR 1=1"] {
            let response = plan(&admin, &slug, "MOB-1", "2", bad, None, None).await;
            assert_eq!(response.status(), 422, "{bad:?}");
            assert!(response.text().await.unwrap().contains("horizon"));
        }
        assert_eq!(lanes(&roadmap(&admin, &slug, "").await), settled);

        // Another workspace's card, by its key: as if it did not exist.
        let other = admin.create_workspace("Web", "web").await;
        admin.create_item(&other, "Elsewhere").await;
        let response = plan(&admin, &slug, "WEB-4", "1", "now", None, None).await;
        assert_eq!(response.status(), 404, "{:?}", app.kind());
        assert_eq!(lanes(&roadmap(&admin, &other, "").await)[3], ["WEB-1"]);
    }
}

#[tokio::test]
async fn an_edit_to_the_horizon_puts_the_card_on_top_of_its_new_lane() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Mobile", "mobile").await;
    for n in 0..3 {
        admin.create_item(&slug, &format!("Card {n}")).await;
    }
    plan(&admin, &slug, "MOB-1", "1", "next", None, None).await;
    plan(&admin, &slug, "MOB-2", "1", "next", Some("MOB-1"), None).await;
    admin
        .call_ok(
            "w/items/update",
            &[
                ("slug", &slug),
                ("key", "MOB-3"),
                ("version", "1"),
                ("horizon", "next"),
            ],
        )
        .await;
    assert_eq!(
        lanes(&roadmap(&admin, &slug, "").await)[1],
        ["MOB-3", "MOB-1", "MOB-2"]
    );
    // Without JavaScript the card's select posts a plain form: the card
    // goes to the top of its lane and the page comes back.
    let version = version(&admin, &slug, "MOB-2").await;
    let response = admin
        .post_form(
            &format!("/w/{slug}/roadmap"),
            "w/roadmap/move",
            &[
                ("slug", &slug),
                ("key", "MOB-2"),
                ("version", &version),
                ("horizon", "later"),
            ],
        )
        .await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.contains("/w/mobile/roadmap"), "{location}");
    assert_eq!(lanes(&roadmap(&admin, &slug, "").await)[2], ["MOB-2"]);
}

#[tokio::test]
async fn the_roadmap_filters_counts_and_cuts_each_lane() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Mobile", "mobile").await;
    for n in 0..34 {
        admin.create_item(&slug, &format!("Card {n}")).await;
    }
    for (n, key) in ["MOB-1", "MOB-2", "MOB-3"].into_iter().enumerate() {
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", key),
                    ("version", "1"),
                    ("horizon", HORIZONS[n]),
                    ("tags", "ios"),
                ],
            )
            .await;
    }
    admin
        .call_ok(
            "w/items/update",
            &[
                ("slug", &slug),
                ("key", "MOB-4"),
                ("version", "1"),
                ("horizon", "now"),
                ("archived", "true"),
            ],
        )
        .await;
    let all = roadmap(&admin, &slug, "").await;
    // Archived items are not on the roadmap; a long lane shows its first 30.
    assert_eq!(totals(&all), [1, 1, 1, 30]);
    let all = roadmap(&admin, &slug, "").await;
    assert_eq!(lanes(&all)[3].len(), 30);
    // A filter narrows every lane; the filter's own horizon is ignored,
    // since each lane is one.
    let tagged = roadmap(&admin, &slug, "tag=ios&horizon=later").await;
    assert_eq!(totals(&tagged), [1, 1, 1, 0]);
    assert_eq!(lanes(&tagged)[0], ["MOB-1"]);
    // "Card 1" is MOB-2; "Card 10" to "Card 19" are unplanned.
    let words = roadmap(&admin, &slug, "q=Card+1").await;
    assert_eq!(totals(&words), [0, 1, 0, 10]);
    assert_eq!(lanes(&words)[1], ["MOB-2"]);
    let archived = roadmap(&admin, &slug, "archived=1").await;
    assert_eq!(totals(&archived), [1, 0, 0, 0]);
}

#[tokio::test]
async fn the_roadmap_page_works_without_javascript() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Mobile", "mobile").await;
    admin.create_item(&slug, "Offline <sync>").await;
    plan(&admin, &slug, "MOB-1", "1", "next", None, None).await;
    let html = admin.page_text(&format!("/w/{slug}/roadmap")).await;
    for lane in ["Now", "Next", "Later", "Unplanned"] {
        assert!(html.contains(&format!("aria-label=\"{lane}\"")), "{lane}");
    }
    assert!(html.contains("Offline &lt;sync&gt;"));
    assert!(html.contains("action=\"/fn/w/roadmap/move\""));
    assert!(html.contains("<option selected value=\"next\">Next</option>"));
    // The item's status is on its card.
    assert!(html.contains("card__status"));

    // A viewer sees the same cards, without a way to move them.
    let viewer = app.member(&admin, "vera@example.com").await;
    let token = admin.invite(&slug, "viewer", "vera@example.com").await;
    assert_eq!(viewer.accept(&token).await.status(), 200);
    let html = viewer.page_text(&format!("/w/{slug}/roadmap")).await;
    assert!(html.contains("Offline &lt;sync&gt;"));
    assert!(!html.contains("w/roadmap/move") && !html.contains("draggable=\"true\""));
}
