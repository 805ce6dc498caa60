//! `/w/:slug/board`: moves that keep the order, a move that lost a race,
//! and the columns' filters, counts and cuts.

use super::{board, columns};
use crate::support::{CardMove, RandomMoves, TestApp, create_many};
use serde_json::Value;

#[tokio::test]
async fn board_moves_keep_the_order_through_200_random_moves() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        create_many(&admin, &slug, "Card", 12).await;
        let statuses: Vec<i64> = board(&admin, &slug)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"]["id"].as_i64().unwrap())
            .collect();
        // The expected board, kept beside the server's.
        let mut moves =
            RandomMoves::new(0x1234_5678_9abc_def1, columns(&board(&admin, &slug).await));
        for round in 0..200 {
            let CardMove {
                key,
                lane: to,
                after,
                before,
            } = moves.next_move();
            let version = admin.item(&slug, &key).await["summary"]["version"]
                .as_i64()
                .unwrap()
                .to_string();
            let status = statuses[to].to_string();
            let mut form = vec![
                ("slug", slug.as_str()),
                ("key", key.as_str()),
                ("version", version.as_str()),
                ("status", status.as_str()),
            ];
            if let Some(after) = &after {
                form.push(("after", after));
            }
            if let Some(before) = &before {
                form.push(("before", before));
            }
            let response = admin.call("w/items/move", &form).await;
            assert_eq!(
                response.status(),
                200,
                "round {round}: {}",
                response.text().await.unwrap()
            );
        }
        assert_eq!(
            columns(&board(&admin, &slug).await),
            moves.expected,
            "{:?}",
            app.kind()
        );
    }
}

#[tokio::test]
async fn a_move_between_cards_that_moved_meanwhile_is_refused() {
    let app = TestApp::sqlite().await;
    let admin = app.admin().await;
    let slug = admin.create_workspace("Mobile", "mobile").await;
    for n in 0..3 {
        admin.create_item(&slug, &format!("Card {n}")).await;
    }
    let first = board(&admin, &slug).await;
    let idea = first[0]["status"]["id"].as_i64().unwrap().to_string();
    let planned = first[1]["status"]["id"].as_i64().unwrap().to_string();
    // Someone moves MOB-2 to Planned; then a stale drop names it as a
    // neighbour in Idea.
    admin
        .call_ok(
            "w/items/move",
            &[
                ("slug", &slug),
                ("key", "MOB-2"),
                ("version", "1"),
                ("status", &planned),
            ],
        )
        .await;
    let refused = admin
        .call(
            "w/items/move",
            &[
                ("slug", &slug),
                ("key", "MOB-1"),
                ("version", "1"),
                ("status", &idea),
                ("after", "MOB-2"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("board changed"));
    // A neighbour from another workspace, or the card itself, is no better.
    for neighbour in ["MOB-99", "MOB-1", "not a key"] {
        let response = admin
            .call(
                "w/items/move",
                &[
                    ("slug", &slug),
                    ("key", "MOB-1"),
                    ("version", "1"),
                    ("status", &idea),
                    ("before", neighbour),
                ],
            )
            .await;
        assert_eq!(response.status(), 409, "{neighbour}");
    }
    // The move to Planned is in the history; nothing else moved.
    let detail = admin.item(&slug, "MOB-2").await;
    assert_eq!(detail["activity"][0]["field"], "status");
    assert_eq!(detail["activity"][0]["new_value"], "Planned");
    assert_eq!(
        columns(&board(&admin, &slug).await)[0],
        vec!["MOB-3", "MOB-1"]
    );
}

/// Each column's (items that match, cards shown).
fn cut(board: &Value) -> Vec<(i64, usize)> {
    board
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["total"].as_i64().unwrap(),
                c["items"].as_array().unwrap().len(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_board_filters_counts_and_cuts_each_column() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let made = create_many(&admin, &slug, "Card", 57).await;
        let statuses: Vec<i64> = board(&admin, &slug)
            .await
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"]["id"].as_i64().unwrap())
            .collect();
        // Five to the second column, three of them tagged; one archived.
        for (n, key) in made.iter().take(5).enumerate() {
            let mut form = vec![
                ("slug", slug.clone()),
                ("key", key.clone()),
                ("version", "1".to_owned()),
                ("status", statuses[1].to_string()),
            ];
            if n < 3 {
                form.push(("tags", "sync".to_owned()));
            }
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.call_ok("w/items/update", &pairs).await;
        }
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", &made[5]),
                    ("version", "1"),
                    ("archived", "1"),
                ],
            )
            .await;

        assert_eq!(
            cut(&board(&admin, &slug).await),
            vec![(51, 30), (5, 5), (0, 0), (0, 0)],
            "{:?}",
            app.kind()
        );

        let tagged: Value = admin
            .call_json(
                "w/board",
                &[("slug", &slug), ("params", "tag=sync&status=1")],
            )
            .await;
        assert_eq!(
            cut(&tagged),
            vec![(0, 0), (3, 3), (0, 0), (0, 0)],
            "the board ignores status="
        );
        let found: Value = admin
            .call_json("w/board", &[("slug", &slug), ("params", "q=card")])
            .await;
        assert_eq!(found[0]["total"], 51);
        assert_eq!(found[1]["total"], 5);
    }
}
