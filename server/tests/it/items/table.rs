//! `/w/:slug/items`: keys that never repeat, the table's filters, search
//! and pages, the start page's counts, and bulk actions.

use std::collections::BTreeSet;

use super::{keys, list};
use crate::support::{TestApp, Visitor, create_many};
use serde_json::Value;

#[tokio::test]
async fn keys_count_up_and_are_never_given_twice() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile app", "mobile").await;
        assert_eq!(admin.create_item(&slug, "First").await, "MOB-1");
        assert_eq!(admin.create_item(&slug, "Second").await, "MOB-2");
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", "MOB-2")])
            .await;
        assert_eq!(
            admin.create_item(&slug, "Third").await,
            "MOB-3",
            "{:?}",
            app.kind()
        );

        // Twenty at once: twenty different keys.
        let mut calls = tokio::task::JoinSet::new();
        for n in 0..20 {
            let visitor = admin.clone();
            let slug = slug.clone();
            calls.spawn(async move { visitor.create_item(&slug, &format!("Parallel {n}")).await });
        }
        let made: BTreeSet<String> = calls.join_all().await.into_iter().collect();
        assert_eq!(made.len(), 20);
        assert!(
            made.iter()
                .all(|k| !["MOB-1", "MOB-2", "MOB-3"].contains(&k.as_str()))
        );

        // Another workspace counts on its own.
        let other = admin.create_workspace("Web", "web").await;
        assert_eq!(admin.create_item(&other, "Elsewhere").await, "WEB-1");
    }
}

#[tokio::test]
async fn the_table_filters_searches_and_pages_without_gaps() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        for n in 0..120 {
            let title = format!(
                "Item {:03} {}",
                n,
                if n % 3 == 0 { "dark mode" } else { "sync" }
            );
            let key = admin.create_item(&slug, &title).await;
            if n % 10 == 0 {
                admin
                    .call_ok(
                        "w/items/update",
                        &[
                            ("slug", &slug),
                            ("key", &key),
                            ("version", "1"),
                            ("tags", "mobile, ios"),
                        ],
                    )
                    .await;
            }
        }
        // Every sort pages through all 120 exactly once, and through a
        // search's 80 (read from its matches rather than the workspace's
        // index, there being few).
        for (filter, expected) in [("", 120), ("q=sync&", 80)] {
            for sort in [
                "key", "title", "status", "assignee", "horizon", "start", "end", "tags", "updated",
                "score",
            ] {
                for dir in ["asc", "desc"] {
                    let mut seen = Vec::new();
                    let mut params = format!("{filter}sort={sort}&dir={dir}");
                    loop {
                        let page = list(&admin, &slug, &params).await;
                        assert_eq!(page["total"], expected);
                        seen.extend(keys(&page));
                        match page["next"].as_str() {
                            Some(next) => {
                                params = format!(
                                    "{filter}sort={sort}&dir={dir}&after={}",
                                    url::form_urlencoded::byte_serialize(next.as_bytes())
                                        .collect::<String>()
                                )
                            }
                            None => break,
                        }
                    }
                    let unique: BTreeSet<&String> = seen.iter().collect();
                    let case = format!("{:?} {filter}{sort} {dir}", app.kind());
                    assert_eq!(seen.len(), expected, "{case}");
                    assert_eq!(unique.len(), expected, "{case}");
                }
            }
        }
        let by_title = list(&admin, &slug, "sort=title&dir=asc").await;
        assert_eq!(by_title["items"][0]["title"], "Item 000 dark mode");

        assert_eq!(list(&admin, &slug, "tag=mobile").await["total"], 12);
        assert_eq!(list(&admin, &slug, "q=dark").await["total"], 40);
        assert_eq!(
            list(&admin, &slug, "q=DARK+mod").await["total"],
            40,
            "prefix, any case"
        );
        assert_eq!(list(&admin, &slug, "q=dark&tag=ios").await["total"], 4);
        assert_eq!(
            list(&admin, &slug, "q=ios").await["total"],
            12,
            "tags are searched"
        );
        assert_eq!(list(&admin, &slug, "horizon=now").await["total"], 0);
        assert_eq!(list(&admin, &slug, "assignee=none").await["total"], 120);

        // Crafted parameters neither fail nor widen the list.
        for crafted in [
            "q=%22%29+OR+1%3D1+--",
            "q=*",
            "q=NEAR%28a+b%29",
            "q=%3A%2A+%26+%21",
            "sort=id%3B+DROP+TABLE+items&dir=sideways",
            "after=not-a-cursor",
            "after=1%3A%27%3B",
            "status=1+OR+1%3D1",
            "tag=%3Cscript%3E",
        ] {
            let page = list(&admin, &slug, crafted).await;
            assert!(page["total"].as_i64().unwrap() <= 120, "{crafted}");
        }
    }
}

/// The count a search shows and the items it lists (sorted), which must
/// agree.
async fn found(visitor: &Visitor, slug: &str, params: &str) -> (i64, Vec<String>) {
    let page = list(visitor, slug, params).await;
    let mut keys = keys(&page);
    keys.sort();
    (page["total"].as_i64().unwrap(), keys)
}

#[tokio::test]
async fn a_search_counts_its_own_workspace_and_follows_every_write() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let other = admin.create_workspace("Web", "web").await;
        for n in 0..3 {
            admin.create_item(&slug, &format!("Offline sync {n}")).await;
            admin
                .create_item(&other, &format!("Offline sync {n}"))
                .await;
        }
        admin.create_item(&slug, "Dark mode").await;
        let live = |params: &'static str| found(&admin, &slug, params);
        assert_eq!(
            live("q=sync").await,
            (3, vec!["MOB-1".into(), "MOB-2".into(), "MOB-3".into()]),
            "{:?}: the other workspace's items are neither counted nor listed",
            app.kind()
        );

        let update = |key: &'static str, version: &'static str, field, value| {
            let admin = admin.clone();
            let slug = slug.clone();
            async move {
                admin
                    .call_ok(
                        "w/items/update",
                        &[
                            ("slug", slug.as_str()),
                            ("key", key),
                            ("version", version),
                            (field, value),
                        ],
                    )
                    .await;
            }
        };
        update("MOB-1", "1", "archived", "1").await;
        assert_eq!(
            live("q=sync").await,
            (2, vec!["MOB-2".into(), "MOB-3".into()])
        );
        assert_eq!(live("q=sync&archived=1").await, (1, vec!["MOB-1".into()]));
        update("MOB-1", "2", "archived", "0").await;
        assert_eq!(live("q=sync").await.0, 3, "restored, found again");
        assert_eq!(live("q=sync&archived=1").await.0, 0);

        update("MOB-2", "1", "title", "Offline mode").await;
        update("MOB-4", "1", "tags", "sync").await;
        assert_eq!(
            live("q=sync").await,
            (3, vec!["MOB-1".into(), "MOB-3".into(), "MOB-4".into()]),
            "a new title and new tags are searched, the old title is not"
        );
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", "MOB-3")])
            .await;
        assert_eq!(live("q=sync").await.0, 2, "deleted, gone from the index");
        assert_eq!(found(&admin, &other, "q=sync").await.0, 3);

        // The index's own bookkeeping words are not searchable.
        for hidden in ["q=live", "q=archived", "q=w1live", "q=scope"] {
            assert_eq!(live(hidden).await.0, 0, "{hidden}");
        }
        // Other filters and keys still narrow or widen a search.
        assert_eq!(live("q=sync&horizon=now").await.0, 0);
        assert_eq!(live("q=MOB-2").await, (1, vec!["MOB-2".into()]));
    }
}

#[tokio::test]
async fn the_start_page_counts_items_that_are_not_archived() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        create_many(&admin, &slug, "Item", 4).await;
        let count = || async {
            let list: Value = admin.call_json("workspaces", &[]).await;
            list[0]["items"].as_i64().unwrap()
        };
        assert_eq!(count().await, 4);
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", "MOB-1"),
                    ("version", "1"),
                    ("archived", "1"),
                ],
            )
            .await;
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", "MOB-2")])
            .await;
        // Deleting an archived item leaves the count alone.
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", "MOB-1")])
            .await;
        assert_eq!(count().await, 2, "{:?}", app.kind());
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", "MOB-3"),
                    ("version", "1"),
                    ("archived", "1"),
                ],
            )
            .await;
        admin
            .call_ok(
                "w/items/update",
                &[
                    ("slug", &slug),
                    ("key", "MOB-3"),
                    ("version", "2"),
                    ("archived", "0"),
                ],
            )
            .await;
        assert_eq!(count().await, 2);
    }
}

#[tokio::test]
async fn bulk_actions_change_every_selected_item_or_none() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let made = create_many(&admin, &slug, "Item", 5).await;
        let choices: Value = admin.call_json("w/items/choices", &[("slug", &slug)]).await;
        let shipped = choices["statuses"][3]["id"].as_i64().unwrap().to_string();
        let shipped_name = choices["statuses"][3]["name"].as_str().unwrap().to_owned();
        let bulk = |action: &'static str, keys: &[&str], extra: Vec<(&'static str, String)>| {
            let mut form: Vec<(String, String)> = vec![
                ("slug".into(), slug.clone()),
                ("action".into(), action.into()),
            ];
            // As the table's checkboxes post them: only the ticked rows.
            for (i, key) in keys.iter().enumerate() {
                form.push((format!("keys[{}]", i * 2 + 1), (*key).to_owned()));
            }
            form.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v)));
            form
        };
        let call = |form: Vec<(String, String)>| {
            let admin = &admin;
            async move {
                let pairs: Vec<(&str, &str)> =
                    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                admin.call("w/items/bulk", &pairs).await
            }
        };

        // Three to Shipped: each with its history row.
        let response = call(bulk(
            "status",
            &[&made[0], &made[2], &made[4]],
            vec![("status", shipped.clone())],
        ))
        .await;
        assert_eq!(response.status(), 200, "{:?}", app.kind());
        assert_eq!(response.json::<usize>().await.unwrap(), 3);
        for (n, key) in made.iter().enumerate() {
            let detail = admin.item(&slug, key).await;
            let moved = detail["summary"]["status_id"].as_i64().unwrap().to_string() == shipped;
            assert_eq!(moved, n % 2 == 0, "{key}");
            let history = detail["activity"].as_array().unwrap();
            assert_eq!(
                history
                    .iter()
                    .any(|a| a["field"] == "status" && a["new_value"] == shipped_name.as_str()),
                n % 2 == 0
            );
        }

        // Archive two, then restore them; the same again changes nothing.
        let archived = call(bulk("archive", &[&made[0], &made[1]], vec![])).await;
        assert_eq!(archived.json::<usize>().await.unwrap(), 2);
        assert_eq!(list(&admin, &slug, "").await["total"], 3);
        assert_eq!(keys(&list(&admin, &slug, "archived=1").await).len(), 2);
        let again = call(bulk("archive", &[&made[0], &made[1]], vec![])).await;
        assert_eq!(again.json::<usize>().await.unwrap(), 0);
        call(bulk("restore", &[&made[0], &made[1]], vec![])).await;
        assert_eq!(list(&admin, &slug, "").await["total"], 5);

        // Bad input: nothing selected, too many, a foreign status, an
        // unknown action, a key that is not one. Nothing is written.
        let their = app.member(&admin, "sam@example.com").await;
        let theirs = their.create_workspace("Theirs", "theirs").await;
        let their_status = their
            .call_json::<Value>("w/items/choices", &[("slug", &theirs)])
            .await["statuses"][0]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let many: Vec<String> = (1..=201).map(|n| format!("MOB-{n}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        for (form, field) in [
            (bulk("archive", &[], vec![]), "keys"),
            (bulk("archive", &many, vec![]), "keys"),
            (
                bulk(
                    "status",
                    &[&made[1]],
                    vec![("status", their_status.clone())],
                ),
                "status",
            ),
            (bulk("status", &[&made[1]], vec![]), "status"),
            (bulk("shred", &[&made[1]], vec![]), "action"),
            (bulk("archive", &[&made[1], "not a key"], vec![]), "keys"),
        ] {
            let response = call(form).await;
            assert_eq!(response.status(), 422, "{field}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["Invalid"]["field"], field, "{body}");
        }
        let untouched = admin.item(&slug, &made[1]).await;
        assert_eq!(untouched["summary"]["archived"], false);
        assert_eq!(
            untouched["summary"]["version"], 3,
            "archived and restored only"
        );

        // Delete, with a key deleted meanwhile skipped.
        admin
            .call_ok("w/items/delete", &[("slug", &slug), ("key", &made[3])])
            .await;
        let deleted = call(bulk("delete", &[&made[3], &made[4]], vec![])).await;
        assert_eq!(deleted.json::<usize>().await.unwrap(), 1);
        assert_eq!(list(&admin, &slug, "").await["total"], 3);
        let gone = admin
            .call("w/items/get", &[("slug", &slug), ("key", &made[4])])
            .await;
        assert_eq!(gone.status(), 404);
    }
}
