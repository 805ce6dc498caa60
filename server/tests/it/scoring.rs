//! Ratings and scores: the framework a workspace starts with, a rating's
//! score as the engine computes it and as the table sorts by it, ratings
//! the scale does not take or for another workspace's criteria refused
//! with nothing changed, and each change in the item's history. Who may
//! call each function is checked in `access_matrix.rs`.

use std::collections::BTreeSet;

use crate::support::{TestApp, Visitor};
use serde_json::Value;

async fn scoring(visitor: &Visitor, slug: &str, key: &str) -> Value {
    visitor
        .call_json("w/items/scoring", &[("slug", slug), ("key", key)])
        .await
}

/// The criterion ids of a workspace's framework, by name.
pub(crate) async fn criteria(visitor: &Visitor, slug: &str, key: &str) -> Vec<(String, String)> {
    scoring(visitor, slug, key).await["framework"]["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["id"].as_i64().unwrap().to_string(),
            )
        })
        .collect()
}

/// Rates `key` with (criterion id, rating) pairs; the raw answer.
pub(crate) async fn rate(
    visitor: &Visitor,
    slug: &str,
    key: &str,
    ratings: &[(&str, &str)],
) -> reqwest::Response {
    let fields: Vec<(String, String)> = ratings
        .iter()
        .map(|(id, value)| (format!("ratings[{id}]"), (*value).to_owned()))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![("slug", slug), ("key", key)];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    visitor.call("w/items/rate", &form).await
}

/// The item's history as "field old → new", newest first.
async fn history(visitor: &Visitor, slug: &str, key: &str) -> Vec<String> {
    let item: Value = visitor
        .call_json("w/items/get", &[("slug", slug), ("key", key)])
        .await;
    item["activity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} {} → {}",
                a["field"].as_str().unwrap(),
                a["old_value"].as_str().unwrap(),
                a["new_value"].as_str().unwrap()
            )
        })
        .collect()
}

pub(crate) fn id_of<'a>(criteria: &'a [(String, String)], name: &str) -> &'a str {
    &criteria.iter().find(|(n, _)| n == name).expect(name).1
}

async fn table(visitor: &Visitor, slug: &str, params: &str) -> Value {
    visitor
        .call_json("w/items", &[("slug", slug), ("params", params)])
        .await
}

#[tokio::test]
async fn a_rating_gives_the_default_score_and_its_history() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let key = admin.create_item(&slug, "Offline mode").await;
        let criteria = criteria(&admin, &slug, &key).await;
        let names: Vec<&str> = criteria.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Business value",
                "Customer value",
                "Strategic fit",
                "Development effort",
                "Risk"
            ]
        );
        assert_eq!(scoring(&admin, &slug, &key).await["score"], Value::Null);

        // Value (8 + 6 + 10) / 30 = .8; effort (M = .5 + risk .2) / 2 = .35;
        // (.8 + (1 − .35)) / 2 × 100 = 72.5.
        let answer = rate(
            &admin,
            &slug,
            &key,
            &[
                (id_of(&criteria, "Business value"), "8"),
                (id_of(&criteria, "Customer value"), "6"),
                (id_of(&criteria, "Strategic fit"), "10"),
                (id_of(&criteria, "Development effort"), "2"),
                (id_of(&criteria, "Risk"), "2"),
            ],
        )
        .await;
        assert_eq!(answer.status(), 200, "{:?}", app.kind());
        let answer: Value = answer.json().await.unwrap();
        assert_eq!(answer["score"], 72.5);
        assert_eq!(answer["partly_rated"], false);

        // The table shows the same score.
        let page = table(&admin, &slug, "sort=score").await;
        assert_eq!(page["items"][0]["score"], 72.5);

        // Taking a rating away leaves a partly rated item with a score.
        let answer: Value = admin
            .call_ok(
                "w/items/rate",
                &[
                    ("slug", &slug),
                    ("key", &key),
                    (&format!("unrated[{}]", id_of(&criteria, "Risk")), "on"),
                ],
            )
            .await
            .json()
            .await
            .unwrap();
        // Effort is M alone: .5; (.8 + .5) / 2 × 100 = 65.
        assert_eq!(answer["score"], 65.0);
        assert_eq!(answer["partly_rated"], true);

        // History: each rating, and the score moving.
        let fields = history(&admin, &slug, &key).await;
        assert!(
            fields.contains(&"rating:Development effort unrated → M".to_owned()),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"rating:Risk 2 → unrated".to_owned()),
            "{fields:?}"
        );
        assert!(fields.contains(&"score — → 72.5".to_owned()), "{fields:?}");
        assert!(fields.contains(&"score 72.5 → 65".to_owned()), "{fields:?}");
    }
}

#[tokio::test]
async fn ratings_outside_the_scale_or_the_framework_change_nothing() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let other = admin.create_workspace("Web", "web").await;
        let key = admin.create_item(&slug, "Offline mode").await;
        admin.create_item(&other, "Elsewhere").await;
        // WEB-2: this workspace has no item 2.
        let other_key = admin.create_item(&other, "Elsewhere too").await;
        let criteria = criteria(&admin, &slug, &key).await;
        let theirs = criteria_of_other(&admin, &other, &other_key).await;
        let value = id_of(&criteria, "Business value");
        let effort = id_of(&criteria, "Development effort");
        for (ratings, why) in [
            (vec![(value, "11")], "above 10"),
            (vec![(value, "2.5")], "not whole on 0–10"),
            (vec![(value, "-1")], "negative"),
            (vec![(value, "NaN")], "not a number"),
            (vec![(value, "inf")], "infinite"),
            (vec![(value, "eight")], "words"),
            (vec![(effort, "5")], "no T-shirt size 5"),
            (
                vec![(value, "8"), (theirs.as_str(), "3")],
                "another workspace's criterion",
            ),
            (
                vec![(value, "8"), ("999999", "3")],
                "a criterion that does not exist",
            ),
            (vec![("x", "3")], "not an id"),
        ] {
            let answer = rate(&admin, &slug, &key, &ratings).await;
            assert_eq!(answer.status(), 422, "{why} ({:?})", app.kind());
            let body = answer.text().await.unwrap();
            assert!(body.contains("\"message\""), "{why}: {body}");
        }
        // Nothing was stored, not even the valid rating sent beside a bad one.
        let now = scoring(&admin, &slug, &key).await;
        assert!(
            now["ratings"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_null),
            "{now}"
        );
        // Hundreds of fields at once are refused too.
        let many: Vec<(String, &str)> = (0..200).map(|n| (format!("{n}"), "1")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(rate(&admin, &slug, &key, &many).await.status(), 422);
        // Another workspace's item cannot be rated through this one.
        assert_eq!(
            rate(
                &admin,
                &slug,
                &other_key.replace("WEB", "MOB"),
                &[(value, "3")]
            )
            .await
            .status(),
            404
        );
    }
}

async fn criteria_of_other(visitor: &Visitor, slug: &str, key: &str) -> String {
    criteria(visitor, slug, key).await[0].1.clone()
}

#[tokio::test]
async fn a_rice_workspace_scores_by_its_formula() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        admin
            .call_ok(
                "workspaces/create",
                &[
                    ("name", "Growth"),
                    ("slug", "growth"),
                    ("description", ""),
                    ("key_prefix", ""),
                    ("framework", "rice"),
                ],
            )
            .await;
        let key = admin.create_item("growth", "Referral programme").await;
        let criteria = criteria(&admin, "growth", &key).await;
        let names: Vec<&str> = criteria.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Reach", "Impact", "Confidence", "Effort"]);
        let answer: Value = rate(
            &admin,
            "growth",
            &key,
            &[
                (id_of(&criteria, "Reach"), "2000"),
                (id_of(&criteria, "Impact"), "2"),
                (id_of(&criteria, "Confidence"), "80"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
        // Effort not yet given: no score.
        assert_eq!(answer["score"], Value::Null, "{answer}");
        let answer: Value = rate(&admin, "growth", &key, &[(id_of(&criteria, "Effort"), "4")])
            .await
            .json()
            .await
            .unwrap();
        // 2,000 × 2 × 80 % ÷ 4 = 800.
        assert_eq!(answer["score"], 800.0, "{answer}");

        // A preset that does not exist is refused, and makes no workspace.
        let refused = admin
            .call(
                "workspaces/create",
                &[
                    ("name", "Nope"),
                    ("slug", "nope"),
                    ("description", ""),
                    ("key_prefix", ""),
                    ("framework", "moscow"),
                ],
            )
            .await;
        assert_eq!(refused.status(), 422);
        assert_eq!(
            admin.call("w/load", &[("slug", "nope")]).await.status(),
            404
        );
    }
}

#[tokio::test]
async fn the_table_sorts_by_score_with_unscored_items_last_and_pages_without_gaps() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let mut keys = Vec::new();
        for n in 0..60 {
            keys.push(admin.create_item(&slug, &format!("Item {n}")).await);
        }
        let criteria = criteria(&admin, &slug, &keys[0]).await;
        let value = id_of(&criteria, "Business value").to_owned();
        let effort = id_of(&criteria, "Risk").to_owned();
        // Two of every third item unscored; the rest in ten distinct
        // scores, so that pages break inside runs of equal scores.
        for (n, key) in keys.iter().enumerate() {
            if n % 3 == 2 {
                continue;
            }
            let rating = (n % 10).to_string();
            rate(&admin, &slug, key, &[(&value, &rating), (&effort, "0")]).await;
        }
        for dir in ["desc", "asc"] {
            let mut seen: Vec<Option<f64>> = Vec::new();
            let mut seen_keys = Vec::new();
            let mut params = format!("sort=score&dir={dir}");
            loop {
                let page = table(&admin, &slug, &params).await;
                for item in page["items"].as_array().unwrap() {
                    seen.push(item["score"].as_f64());
                    seen_keys.push(item["key"].as_str().unwrap().to_owned());
                }
                match page["next"].as_str() {
                    Some(next) => {
                        params = format!(
                            "sort=score&dir={dir}&after={}",
                            url::form_urlencoded::byte_serialize(next.as_bytes())
                                .collect::<String>()
                        )
                    }
                    None => break,
                }
            }
            let case = format!("{:?} {dir}", app.kind());
            assert_eq!(seen_keys.len(), 60, "{case}");
            assert_eq!(
                seen_keys.iter().collect::<BTreeSet<_>>().len(),
                60,
                "{case}"
            );
            let scored: Vec<f64> = seen.iter().map_while(|s| *s).collect();
            assert_eq!(scored.len(), 40, "unscored last: {case}");
            let mut sorted = scored.clone();
            sorted.sort_by(|a, b| {
                if dir == "desc" {
                    b.total_cmp(a)
                } else {
                    a.total_cmp(b)
                }
            });
            assert_eq!(scored, sorted, "{case}");
        }
        // A score range keeps the items scored inside it, and no unscored
        // one: scores here are 50 + 5 × (n mod 10).
        let expected = (0..60)
            .filter(|n| n % 3 != 2 && (2..=6).contains(&(n % 10)))
            .count();
        let page = table(&admin, &slug, "score_min=60&score_max=80&sort=score").await;
        assert_eq!(page["total"], expected, "{:?}", app.kind());
        let scores: Vec<f64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["score"].as_f64().unwrap())
            .collect();
        assert_eq!(scores.len(), expected);
        assert!(
            scores.iter().all(|s| (60.0..=80.0).contains(s)),
            "{scores:?}"
        );
        let board: Value = admin
            .call_json("w/board", &[("slug", &slug), ("params", "score_min=94")])
            .await;
        let on_board: i64 = board
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["total"].as_i64().unwrap())
            .sum();
        assert_eq!(
            on_board as usize,
            (0..60).filter(|n| n % 3 != 2 && n % 10 == 9).count()
        );
    }
}

/// The settings form's fields for `rows`: (id or "", name, factor, weight,
/// scale, direction, removed).
fn framework_form<'a>(
    slug: &'a str,
    rows: &[(&str, &str, &str, &str, &str, &str, bool)],
    formula: &'a str,
) -> Vec<(String, String)> {
    let mut form = vec![
        ("slug".to_owned(), slug.to_owned()),
        ("formula".to_owned(), formula.to_owned()),
    ];
    for (n, (id, name, factor, weight, scale, direction, removed)) in rows.iter().enumerate() {
        for (field, value) in [
            ("id", *id),
            ("name", *name),
            ("factor", *factor),
            ("weight", *weight),
            ("scale", *scale),
            ("direction", *direction),
        ] {
            form.push((format!("criteria[{n}][{field}]"), value.to_owned()));
        }
        if *removed {
            form.push((format!("criteria[{n}][remove]"), "on".to_owned()));
        }
    }
    form
}

/// A row that stays: weight 1, more is more.
fn row<'a>(
    id: &'a str,
    name: &'a str,
    factor: &'a str,
    scale: &'a str,
) -> (&'a str, &'a str, &'a str, &'a str, &'a str, &'a str, bool) {
    (id, name, factor, "1", scale, "more_is_more", false)
}

async fn post(visitor: &Visitor, function: &str, form: &[(String, String)]) -> reqwest::Response {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    visitor.call(function, &form).await
}

async fn framework(visitor: &Visitor, slug: &str) -> Value {
    visitor.call_json("w/scoring", &[("slug", slug)]).await
}

#[tokio::test]
async fn a_framework_edit_keeps_the_ratings_of_criteria_that_stay_and_rescores() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let key = admin.create_item(&slug, "Offline mode").await;
        let c = criteria(&admin, &slug, &key).await;
        let id = |name: &str| id_of(&c, name).to_owned();
        let rated = rate(
            &admin,
            &slug,
            &key,
            &[
                (&id("Business value"), "8"),
                (&id("Customer value"), "6"),
                (&id("Strategic fit"), "10"),
                (&id("Development effort"), "2"),
                (&id("Risk"), "2"),
            ],
        )
        .await;
        assert_eq!(rated.status(), 200);

        // Business value renamed, customer value removed, reach added.
        let (bv, cv, sf, de, risk) = (
            id("Business value"),
            id("Customer value"),
            id("Strategic fit"),
            id("Development effort"),
            id("Risk"),
        );
        let form = framework_form(
            &slug,
            &[
                row(&bv, "Value to the business", "value", "zero_to_ten"),
                (
                    &cv,
                    "Customer value",
                    "value",
                    "1",
                    "zero_to_ten",
                    "more_is_more",
                    true,
                ),
                row(&sf, "Strategic fit", "value", "zero_to_ten"),
                row(&de, "Development effort", "effort", "tshirt"),
                row(&risk, "Risk", "effort", "zero_to_ten"),
                row("", "Reach", "value", "number"),
            ],
            "",
        );
        // The preview says what saving would do, and saves nothing.
        let preview: Value = post(&admin, "w/scoring/preview", &form)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(preview["rows"][0]["key"], key.as_str(), "{preview}");
        assert_eq!(preview["rows"][0]["before"], 72.5);
        // Value (8 + 10) / 20 = .9; effort .35: (.9 + .65) / 2 × 100.
        assert_eq!(preview["rows"][0]["after"], 77.5);
        assert_eq!(preview["unfit"], serde_json::json!([]), "no scale changed");

        // A new scale that does not take a rating says so before the save:
        // Risk's 2 is no yes or no; Strategic fit's 10 is a fine percentage.
        let rescaled = |risk_id: &str| {
            framework_form(
                &slug,
                &[
                    row(&bv, "Business value", "value", "zero_to_ten"),
                    row(&cv, "Customer value", "value", "zero_to_ten"),
                    row(&sf, "Strategic fit", "value", "percentage"),
                    row(&de, "Development effort", "effort", "tshirt"),
                    row(risk_id, "Risk", "effort", "yes_no"),
                ],
                "",
            )
        };
        let preview: Value = post(&admin, "w/scoring/preview", &rescaled(&risk))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            preview["unfit"],
            serde_json::json!([{"criterion": "Risk", "scale": "yes / no", "count": 1}]),
            "{preview}"
        );
        // Another workspace's criterion, named in this workspace's form,
        // tells nothing about that workspace's ratings.
        let other = admin.create_workspace("Other", "other-scales").await;
        let theirs = admin.create_item(&other, "Their item").await;
        let their_criteria = criteria(&admin, &other, &theirs).await;
        let their_risk = id_of(&their_criteria, "Risk").to_owned();
        assert_eq!(
            rate(&admin, &other, &theirs, &[(&their_risk, "7")])
                .await
                .status(),
            200
        );
        let preview: Value = post(&admin, "w/scoring/preview", &rescaled(&their_risk))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(preview["unfit"], serde_json::json!([]), "{preview}");
        assert_eq!(
            framework(&admin, &slug).await["criteria"]
                .as_array()
                .unwrap()
                .len(),
            5
        );

        let saved = post(&admin, "w/scoring/save", &form).await;
        assert_eq!(saved.status(), 200, "{:?}", app.kind());
        let now = scoring(&admin, &slug, &key).await;
        let names: Vec<&str> = now["framework"]["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "Value to the business",
                "Strategic fit",
                "Development effort",
                "Risk",
                "Reach"
            ]
        );
        assert_eq!(
            now["ratings"],
            serde_json::json!([8.0, 10.0, 2.0, 2.0, null])
        );
        assert_eq!(now["score"], 77.5);
        assert_eq!(now["partly_rated"], true);
        let page = table(&admin, &slug, "sort=score").await;
        assert_eq!(page["items"][0]["score"], 77.5);
        // The item's history says the framework moved its score.
        assert!(
            history(&admin, &slug, &key)
                .await
                .contains(&"score:framework 72.5 → 77.5".to_owned())
        );

        // Reach rates against the workspace's largest Reach: another item
        // rated above it moves this one's score, and its history says why.
        let reach = id_of(&criteria(&admin, &slug, &key).await, "Reach").to_owned();
        let own = rate(&admin, &slug, &key, &[(&reach, "5")]).await;
        assert_eq!(own.status(), 200);
        let other = admin.create_item(&slug, "Sync").await;
        let theirs = rate(&admin, &slug, &other, &[(&reach, "10")]).await;
        assert_eq!(theirs.status(), 200);
        let moved = history(&admin, &slug, &key).await;
        assert!(moved[0].starts_with("score:largest:Reach "), "{moved:?}");
        let own_history = history(&admin, &slug, &other).await;
        assert!(
            !own_history.iter().any(|h| h.starts_with("score:largest")),
            "the rated item's move is told by its rating: {own_history:?}"
        );

        // Two names swapped in one save, and the first row moved down.
        let form = framework_form(
            &slug,
            &[
                row(&bv, "Strategic fit", "value", "zero_to_ten"),
                row(&sf, "Value to the business", "value", "zero_to_ten"),
                row(&de, "Development effort", "effort", "tshirt"),
                row(&risk, "Risk", "effort", "zero_to_ten"),
            ],
            "",
        );
        let mut form = form;
        form.push(("shift".to_owned(), "0:down".to_owned()));
        assert_eq!(post(&admin, "w/scoring/save", &form).await.status(), 200);
        let names: Vec<String> = framework(&admin, &slug).await["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{}={}", c["id"], c["name"].as_str().unwrap()))
            .collect();
        assert_eq!(names[0], format!("{sf}=Value to the business"));
        assert_eq!(names[1], format!("{bv}=Strategic fit"));
    }
}

#[tokio::test]
async fn a_framework_that_breaks_a_rule_is_refused_and_changes_nothing() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let other = admin.create_workspace("Web", "web").await;
        let key = admin.create_item(&other, "Elsewhere").await;
        let theirs = criteria(&admin, &other, &key).await[0].1.clone();
        let before = framework(&admin, &slug).await;
        let reach = |weight: &'static str| {
            (
                "",
                "Reach",
                "value",
                weight,
                "number",
                "more_is_more",
                false,
            )
        };
        // Deeper than a formula may nest, yet shorter than its longest.
        let deep = format!("{}reach{}", "(".repeat(400), ")".repeat(400));
        let long = "reach + ".repeat(12_800) + "1";
        let cases: Vec<(Vec<(String, String)>, &str)> = vec![
            (framework_form(&slug, &[reach("0")], ""), "above 0"),
            (framework_form(&slug, &[reach("-2")], ""), "above 0"),
            (framework_form(&slug, &[reach("many")], ""), "above 0"),
            (framework_form(&slug, &[reach("NaN")], ""), "above 0"),
            (
                framework_form(
                    &slug,
                    &[("", "Reach", "", "1", "number", "more_is_more", false)],
                    "",
                ),
                "Value or Effort",
            ),
            (
                framework_form(&slug, &[row("", "Reach", "value", "stars")], ""),
                "scales",
            ),
            (
                framework_form(
                    &slug,
                    &[reach("1"), row("", "reach!", "effort", "number")],
                    "",
                ),
                "different names",
            ),
            (
                framework_form(&slug, &[reach("1")], "reech * 2"),
                "unknown variable `reech` at 1:1",
            ),
            (framework_form(&slug, &[reach("1")], "reach *"), "at 1:8"),
            (framework_form(&slug, &[reach("1")], &deep), "nest"),
            (
                framework_form(&slug, &[reach("1")], &long),
                "at most 1000 characters",
            ),
            (framework_form(&slug, &[], ""), "at least one criterion"),
            (
                framework_form(&slug, &[row("", "Re\u{1}ach", "value", "number")], ""),
                "one line",
            ),
            (
                framework_form(&slug, &[row("x", "Reach", "value", "number")], ""),
                "not part of this framework",
            ),
        ];
        for (form, why) in cases {
            let answer = post(&admin, "w/scoring/save", &form).await;
            assert_eq!(answer.status(), 422, "{why} ({:?})", app.kind());
            let body = answer.text().await.unwrap();
            assert!(body.contains(why), "{why}: {body}");
        }
        // Another workspace's criterion is not this framework's to keep.
        let form = framework_form(&slug, &[row(&theirs, "Reach", "value", "number")], "");
        assert_eq!(post(&admin, "w/scoring/save", &form).await.status(), 409);
        assert_eq!(framework(&admin, &slug).await, before);
    }
}

/// A read token of `visitor`'s, for the REST API.
async fn read_token(visitor: &Visitor) -> String {
    let made: Value = visitor
        .call_ok(
            "account/tokens/create",
            &[("name", "Script"), ("scope", "read"), ("days", "")],
        )
        .await
        .json()
        .await
        .unwrap();
    made["token"].as_str().unwrap().to_owned()
}

async fn api_get(app: &TestApp, token: &str, path: &str) -> Value {
    let response = crate::support::new_client()
        .get(app.url(&format!("/api/v1{path}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_formula_that_divides_by_zero_gives_no_score_and_says_why() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        admin
            .call_ok(
                "workspaces/create",
                &[
                    ("name", "Growth"),
                    ("slug", "growth"),
                    ("description", ""),
                    ("key_prefix", ""),
                    ("framework", "rice"),
                ],
            )
            .await;
        let no_effort = admin.create_item("growth", "No effort").await;
        let no_reach = admin.create_item("growth", "No reach").await;
        let c = criteria(&admin, "growth", &no_effort).await;
        let id = |name| id_of(&c, name).to_owned();
        let (reach, impact, confidence, effort) =
            (id("Reach"), id("Impact"), id("Confidence"), id("Effort"));
        // Effort 0: the formula divides by zero.
        let answer: Value = rate(
            &admin,
            "growth",
            &no_effort,
            &[
                (&reach, "100"),
                (&impact, "2"),
                (&confidence, "50"),
                (&effort, "0"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
        let reason = "Effort is 0, and the formula divides by it";
        assert_eq!(answer["score"], Value::Null, "{:?}: {answer}", app.kind());
        assert_eq!(answer["no_score_reason"], reason, "{answer}");
        // Reach 0: a real 0.
        let answer: Value = rate(
            &admin,
            "growth",
            &no_reach,
            &[
                (&reach, "0"),
                (&impact, "2"),
                (&confidence, "50"),
                (&effort, "1"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
        assert_eq!(answer["score"], 0.0, "{answer}");
        assert_eq!(answer["no_score_reason"], Value::Null);

        // The real 0 sorts above the item with no score, either way.
        for dir in ["desc", "asc"] {
            let page = table(&admin, "growth", &format!("sort=score&dir={dir}")).await;
            let items = page["items"].as_array().unwrap();
            let keys: Vec<&str> = items.iter().map(|i| i["key"].as_str().unwrap()).collect();
            assert_eq!(keys, [no_reach.as_str(), no_effort.as_str()], "{dir}");
            assert_eq!(items[1]["score"], Value::Null);
            assert_eq!(items[1]["no_score_reason"], reason);
        }
        // The history says the score is gone, not that it is 0.
        assert!(
            history(&admin, "growth", &no_effort)
                .await
                .iter()
                .all(|h| !h.starts_with("score ") || h.ends_with("→ —")),
        );
        // So do the item page and the REST API, whose document lists it.
        let page = admin
            .page_text(&format!("/w/growth/items/{no_effort}"))
            .await;
        assert!(page.contains(reason), "the item page says why");
        let token = read_token(&admin).await;
        let item = api_get(
            &app,
            &token,
            &format!("/workspaces/growth/items/{no_effort}"),
        )
        .await;
        assert_eq!(item["score"], Value::Null);
        assert_eq!(item["no_score_reason"], reason, "{item}");
        let scores = api_get(
            &app,
            &token,
            &format!("/workspaces/growth/items/{no_effort}/scores"),
        )
        .await;
        assert_eq!(scores["no_score_reason"], reason, "{scores}");
        let document = api_get(&app, &token, "/openapi.json").await;
        let brief = &document["components"]["schemas"]["ItemBrief"]["properties"];
        assert!(brief["no_score_reason"].is_object(), "{brief}");

        // Rated again, it has a score and no reason.
        let answer: Value = rate(&admin, "growth", &no_effort, &[(&effort, "4")])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(answer["score"], 25.0);
        assert_eq!(answer["no_score_reason"], Value::Null);
    }
}

#[tokio::test]
async fn a_new_item_is_partly_rated_from_its_creation() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let key = admin.create_item(&slug, "Offline mode").await;
        let fresh = scoring(&admin, &slug, &key).await;
        assert_eq!(fresh["score"], Value::Null);
        assert_eq!(fresh["partly_rated"], true, "{:?}: {fresh}", app.kind());
        let page = table(&admin, &slug, "").await;
        assert_eq!(page["items"][0]["partly_rated"], true, "{page}");
        // A rescore (an edit of the framework that changes nothing) says
        // the same.
        let c = criteria(&admin, &slug, &key).await;
        let rows: Vec<_> = [
            ("Business value", "value", "zero_to_ten"),
            ("Customer value", "value", "zero_to_ten"),
            ("Strategic fit", "value", "zero_to_ten"),
            ("Development effort", "effort", "tshirt"),
            ("Risk", "effort", "zero_to_ten"),
        ]
        .iter()
        .map(|(name, factor, scale)| row(id_of(&c, name), name, factor, scale))
        .collect();
        let saved = post(&admin, "w/scoring/save", &framework_form(&slug, &rows, "")).await;
        assert_eq!(saved.status(), 200);
        assert_eq!(scoring(&admin, &slug, &key).await["partly_rated"], true);
        assert_eq!(
            table(&admin, &slug, "").await["items"][0]["partly_rated"],
            true
        );
    }
}

#[tokio::test]
async fn deleting_the_item_with_the_largest_number_rating_rescores_the_rest() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let first = admin.create_item(&slug, "First").await;
        let form = framework_form(
            &slug,
            &[
                row("", "Reach", "value", "number"),
                row("", "Size", "effort", "tshirt"),
            ],
            "",
        );
        assert_eq!(post(&admin, "w/scoring/save", &form).await.status(), 200);
        let c = criteria(&admin, &slug, &first).await;
        let (reach, size) = (id_of(&c, "Reach").to_owned(), id_of(&c, "Size").to_owned());
        let largest = admin.create_item(&slug, "Largest reach").await;
        let second = admin.create_item(&slug, "Second largest").await;
        for (key, rating) in [(&largest, "100"), (&second, "80"), (&first, "50")] {
            let rated = rate(&admin, &slug, key, &[(&reach, rating), (&size, "2")]).await;
            assert_eq!(rated.status(), 200);
        }
        // Reach 50 of 100 and size M: (.5 + .5) / 2 × 100.
        assert_eq!(scoring(&admin, &slug, &first).await["score"], 50.0);

        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", &largest)])
            .await;
        // Now 50 of 80: (.625 + .5) / 2 × 100 = 56.25, as the item page
        // computes it from the largest rating left.
        let now = scoring(&admin, &slug, &first).await;
        assert_eq!(now["score"], 56.3, "{:?}: {now}", app.kind());
        let page = table(&admin, &slug, "sort=score").await;
        let scores: Vec<(String, f64)> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["key"].as_str().unwrap().to_owned(),
                    i["score"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(scores, [(second.clone(), 75.0), (first.clone(), 56.3)]);
        assert!(
            history(&admin, &slug, &first)
                .await
                .contains(&"score:largest:Reach 50 → 56.3".to_owned())
        );

        // Deleted with the table's bulk action, the same.
        admin
            .call_ok(
                "w/items/bulk",
                &[("slug", &slug), ("action", "delete"), ("keys[0]", &second)],
            )
            .await;
        assert_eq!(scoring(&admin, &slug, &first).await["score"], 75.0);
        assert_eq!(table(&admin, &slug, "").await["items"][0]["score"], 75.0);

        // An archived item still counts: archiving the largest moves nothing.
        let big = admin.create_item(&slug, "Big").await;
        rate(&admin, &slug, &big, &[(&reach, "500"), (&size, "2")]).await;
        let before = scoring(&admin, &slug, &first).await["score"].clone();
        admin
            .call_ok(
                "w/items/bulk",
                &[("slug", &slug), ("action", "archive"), ("keys[0]", &big)],
            )
            .await;
        assert_eq!(scoring(&admin, &slug, &first).await["score"], before);
    }
}

#[tokio::test]
async fn an_upgrade_scores_every_item_again_once() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let rated = admin.create_item(&slug, "Rated").await;
        let unrated = admin.create_item(&slug, "Unrated").await;
        let c = criteria(&admin, &slug, &rated).await;
        let ratings: Vec<(&str, &str)> = [
            ("Business value", "0"),
            ("Customer value", "0"),
            ("Strategic fit", "0"),
            ("Development effort", "1"),
            ("Risk", "6"),
        ]
        .iter()
        .map(|(name, rating)| (id_of(&c, name), *rating))
        .collect();
        rate(&admin, &slug, &rated, &ratings).await;
        // As an older build left them: 28.75 rounded the binary way, and an
        // item nobody rated stored as fully rated.
        crate::support::write(
            &app.db,
            sqlx::query("UPDATE items SET score = 28.7 WHERE score IS NOT NULL"),
        )
        .await
        .unwrap();
        crate::support::write(&app.db, sqlx::query("UPDATE items SET score_partial = 0"))
            .await
            .unwrap();
        // A new instance's migrations found no items: nothing to do.
        assert_eq!(
            app::backend::scoring::rescore_if_asked(&app.db)
                .await
                .unwrap(),
            0
        );
        // What the migration leaves in a database that holds items.
        crate::support::write(
            &app.db,
            sqlx::query(
                "INSERT INTO instance_settings (key, value, updated_at) \
                 VALUES ('scoring.rescore_all', '', 0)",
            ),
        )
        .await
        .unwrap();

        // The migration asked for it; the server does it as it starts.
        let rescored = app::backend::scoring::rescore_if_asked(&app.db)
            .await
            .unwrap();
        assert_eq!(rescored, 2, "{:?}", app.kind());
        assert_eq!(scoring(&admin, &slug, &rated).await["score"], 28.8);
        assert_eq!(scoring(&admin, &slug, &unrated).await["partly_rated"], true);
        assert_eq!(
            app::backend::scoring::rescore_if_asked(&app.db)
                .await
                .unwrap(),
            0
        );
    }
}
