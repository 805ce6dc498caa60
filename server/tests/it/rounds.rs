//! Scoring rounds: each participant's ratings stay their own until an
//! editor reveals them (through the server functions and the page alike);
//! ratings go only to an open round one takes part in; the reveal
//! summarises them; applying writes the agreed values to the items with
//! their history, once. Who may call each function is checked in
//! `access_matrix.rs`.

use crate::support::{PASSWORD, TestApp, Visitor};
use serde_json::Value;

/// Someone who signs up as `name` and joins `slug` as `role`.
async fn join(app: &TestApp, owner: &Visitor, slug: &str, role: &str, name: &str) -> Visitor {
    owner
        .call_ok("admin/sign_up_mode/set", &[("mode", "open")])
        .await;
    let visitor = app.visitor();
    let email = format!("{}@example.com", name.to_lowercase());
    visitor
        .call_ok(
            "sign_up",
            &[
                ("email", &email),
                ("display_name", name),
                ("password", PASSWORD),
            ],
        )
        .await;
    let token = owner.invite(slug, role, "").await;
    assert_eq!(visitor.accept(&token).await.status(), 200);
    visitor
}

async fn round(visitor: &Visitor, slug: &str, id: &str) -> Value {
    visitor
        .call_json("w/rounds/get", &[("slug", slug), ("id", id)])
        .await
}

#[tokio::test]
async fn a_round_stays_private_until_revealed_and_applying_it_rates_the_items() {
    for app in TestApp::each_backend().await {
        let owner = app.admin().await;
        let slug = owner.create_workspace("Mobile", "mobile").await;
        let bea = join(&app, &owner, &slug, "contributor", "Bea").await;
        let cy = join(&app, &owner, &slug, "contributor", "Cy").await;
        let dan = join(&app, &owner, &slug, "contributor", "Dan").await;
        let vic = join(&app, &owner, &slug, "viewer", "Vic").await;
        let key: String = owner
            .call_ok(
                "w/items/create",
                &[("slug", &slug), ("title", "Offline mode")],
            )
            .await
            .json()
            .await
            .unwrap();

        let choices: Value = owner
            .call_json("w/rounds/choices", &[("slug", &slug)])
            .await;
        let member = |name: &str| {
            choices["members"]
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["name"] == name)
                .map(|m| m["id"].to_string())
                .expect(name)
        };
        assert!(
            !choices["members"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["name"] == "Vic"),
            "a viewer cannot take part"
        );
        let criterion = choices["criteria"][0]["id"].to_string();
        assert_eq!(choices["criteria"][0]["name"], "Business value");
        let id: i64 = owner
            .call_ok(
                "w/rounds/create",
                &[
                    ("slug", &slug),
                    ("name", "Q3 planning"),
                    ("items[]", &key),
                    ("criteria[]", &criterion),
                    ("participants[]", &member("Bea")),
                    ("participants[]", &member("Cy")),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        let id = id.to_string();
        let cell = format!("ratings[{key}:{criterion}]");

        // Each rates; Bea says she has finished.
        let rate = |who: &Visitor, value: &str, finished: bool| {
            let mut form = vec![
                ("slug".to_owned(), slug.clone()),
                ("id".to_owned(), id.clone()),
                (cell.clone(), value.to_owned()),
            ];
            if finished {
                form.push(("finished".to_owned(), "1".to_owned()));
            }
            let who = who.clone();
            async move {
                let form: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                who.call("w/rounds/rate", &form).await
            }
        };
        assert_eq!(
            rate(&bea, "8", true).await.status(),
            200,
            "{:?}",
            app.kind()
        );
        assert_eq!(rate(&cy, "4", false).await.status(), 200);

        // Before the reveal each sees their own rating alone, and who has
        // finished; the owner, not taking part, sees none.
        let seen_by_bea = round(&bea, &slug, &id).await;
        assert_eq!(seen_by_bea["mine"], serde_json::json!([[8.0]]));
        assert_eq!(seen_by_bea["revealed"], serde_json::json!([]));
        assert_eq!(seen_by_bea["finished"], true);
        let seen_by_cy = round(&cy, &slug, &id).await;
        assert_eq!(seen_by_cy["mine"], serde_json::json!([[4.0]]));
        let people: Vec<(String, bool)> = seen_by_cy["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_owned(),
                    p["finished"] == true,
                )
            })
            .collect();
        assert_eq!(people, [("Bea".to_owned(), true), ("Cy".to_owned(), false)]);
        let seen_by_owner = round(&owner, &slug, &id).await;
        assert_eq!(seen_by_owner["mine"], serde_json::json!([]));
        assert_eq!(seen_by_owner["revealed"], serde_json::json!([]));
        // The page shows Cy's rating to Cy and not Bea's.
        let page = cy.page_text(&format!("/w/{slug}/rounds/{id}")).await;
        assert!(page.contains("Your ratings"), "{page}");
        assert!(page.contains(r#"<option value="4" selected"#), "{page}");
        assert!(!page.contains(r#"<option value="8" selected"#));

        // Ratings go only to a round one takes part in, of its items, in
        // the scale; a viewer sees no round at all.
        assert_eq!(rate(&dan, "5", false).await.status(), 422);
        assert_eq!(
            vic.call("w/rounds/get", &[("slug", &slug), ("id", &id)])
                .await
                .status(),
            403
        );
        assert_eq!(rate(&bea, "11", false).await.status(), 422);
        assert_eq!(
            round(&bea, &slug, &id).await["mine"],
            serde_json::json!([[8.0]])
        );
        // A round of another workspace is not found.
        let other = owner.create_workspace("Web", "web").await;
        assert_eq!(
            owner
                .call("w/rounds/get", &[("slug", &other), ("id", &id)])
                .await
                .status(),
            404
        );

        // Only an editor reveals; then every rating is summarised.
        assert_eq!(
            cy.call("w/rounds/reveal", &[("slug", &slug), ("id", &id)])
                .await
                .status(),
            403
        );
        let revealed: Value = owner
            .call_ok("w/rounds/reveal", &[("slug", &slug), ("id", &id)])
            .await
            .json()
            .await
            .unwrap();
        let summary = &revealed["revealed"][0][0];
        assert_eq!(summary["min"], 4.0);
        assert_eq!(summary["max"], 8.0);
        assert_eq!(summary["mean"], 6.0);
        assert_eq!(summary["agreement"], "Medium");
        assert_eq!(summary["suggested"], 6.0);
        assert_eq!(
            round(&cy, &slug, &id).await["revealed"],
            revealed["revealed"]
        );
        // After the reveal nobody rates.
        assert_eq!(rate(&bea, "2", false).await.status(), 409);

        // Applying writes the agreed value (the editor's 7 over the
        // suggested 6) with the item's history, once.
        let agreed = format!("agreed[{key}:{criterion}]");
        owner
            .call_ok(
                "w/rounds/apply",
                &[("slug", &slug), ("id", &id), (&agreed, "7")],
            )
            .await;
        let scoring: Value = owner
            .call_json("w/items/scoring", &[("slug", &slug), ("key", &key)])
            .await;
        assert_eq!(scoring["ratings"][0], 7.0);
        let item: Value = owner
            .call_json("w/items/get", &[("slug", &slug), ("key", &key)])
            .await;
        let history: Vec<String> = item["activity"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    a["field"].as_str().unwrap(),
                    a["new_value"].as_str().unwrap()
                )
            })
            .collect();
        assert!(
            history.contains(&"round Q3 planning".to_owned()),
            "{history:?}"
        );
        assert!(
            history.contains(&"rating:Business value 7".to_owned()),
            "{history:?}"
        );
        assert_eq!(
            owner
                .call("w/rounds/apply", &[("slug", &slug), ("id", &id)])
                .await
                .status(),
            409
        );
    }
}

#[tokio::test]
async fn a_round_that_breaks_a_rule_is_refused_and_makes_nothing() {
    for app in TestApp::each_backend().await {
        let owner = app.admin().await;
        let slug = owner.create_workspace("Mobile", "mobile").await;
        let vic = join(&app, &owner, &slug, "viewer", "Vic").await;
        let _ = vic;
        let key: String = owner
            .call_ok(
                "w/items/create",
                &[("slug", &slug), ("title", "Offline mode")],
            )
            .await
            .json()
            .await
            .unwrap();
        let choices: Value = owner
            .call_json("w/rounds/choices", &[("slug", &slug)])
            .await;
        let criterion = choices["criteria"][0]["id"].to_string();
        let me = choices["members"][0]["id"].to_string();
        let long = "x".repeat(101);
        for (name, item, criterion, participant) in [
            ("", key.as_str(), criterion.as_str(), me.as_str()),
            (long.as_str(), &key, &criterion, &me),
            ("No such item", "MOB-999", &criterion, &me),
            ("No such criterion", &key, "999999", &me),
            ("Not a member", &key, &criterion, "999999"),
        ] {
            let answer = owner
                .call(
                    "w/rounds/create",
                    &[
                        ("slug", &slug),
                        ("name", name),
                        ("items[]", item),
                        ("criteria[]", criterion),
                        ("participants[]", participant),
                    ],
                )
                .await;
            assert_eq!(answer.status(), 422, "{name}");
        }
        let rounds: Value = owner.call_json("w/rounds", &[("slug", &slug)]).await;
        assert_eq!(rounds, serde_json::json!([]));
    }
}
