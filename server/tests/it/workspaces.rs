//! Workspaces: new ones (at a bounded rate), unique and renamed addresses,
//! deleting, and the list of mine. The access rule itself is checked for
//! every function and page in `access_matrix.rs`.

use crate::support::{TestApp, Visitor};

#[tokio::test]
async fn a_renamed_workspace_keeps_its_old_address_for_members_only() {
    let app = TestApp::sqlite().await;
    let owner = app.admin().await;
    let slug = owner.create_workspace("Mobile", "mobile").await;
    let outsider = app.member(&owner, "out@example.com").await;
    let response = owner
        .call(
            "w/update",
            &[
                ("slug", &slug),
                ("name", "Mobile apps"),
                ("new_slug", "apps"),
                ("description", ""),
                ("key_prefix", "APP"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let view: serde_json::Value = owner.call_json("w/load", &[("slug", "mobile")]).await;
    assert_eq!(view["slug"], "apps");
    let page = owner
        .client
        .get(app.url("/w/mobile/settings"))
        .headers(crate::support::browser_accept())
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 302);
    assert_eq!(page.headers()["location"], "/w/apps/settings");
    assert_eq!(
        outsider
            .call("w/load", &[("slug", "mobile")])
            .await
            .status(),
        404
    );
    // No other workspace may take the old address — not even a
    // stranger's: old links must not lead members into it.
    let create = |name: &'static str| {
        [
            ("name", name),
            ("slug", "mobile"),
            ("description", ""),
            ("key_prefix", ""),
        ]
    };
    let taken = outsider.call("workspaces/create", &create("Trap")).await;
    assert_eq!(taken.status(), 422);
    let taken = owner
        .call("workspaces/create", &create("Mobile again"))
        .await;
    assert_eq!(taken.status(), 422);
    let view: serde_json::Value = owner.call_json("w/load", &[("slug", "mobile")]).await;
    assert_eq!(view["name"], "Mobile apps");
    // The workspace itself may take its old address back.
    let response = owner
        .call(
            "w/update",
            &[
                ("slug", "apps"),
                ("name", "Mobile apps"),
                ("new_slug", "mobile"),
                ("description", ""),
                ("key_prefix", "APP"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let view: serde_json::Value = owner.call_json("w/load", &[("slug", "apps")]).await;
    assert_eq!(view["slug"], "mobile");
}

#[tokio::test]
async fn workspace_addresses_are_unique_and_deleting_needs_the_name() {
    let app = TestApp::sqlite().await;
    let owner = app.admin().await;
    let slug = owner.create_workspace("Mobile", "mobile").await;
    let response = owner
        .call(
            "workspaces/create",
            &[
                ("name", "Other"),
                ("slug", "mobile"),
                ("description", ""),
                ("key_prefix", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("another workspace has this address")
    );

    assert_eq!(
        owner
            .call("w/delete", &[("slug", &slug), ("confirm_name", "mobile")])
            .await
            .status(),
        422
    );
    assert_eq!(
        owner
            .call("w/delete", &[("slug", &slug), ("confirm_name", "Mobile")])
            .await
            .status(),
        200
    );
    assert_eq!(owner.call("w/load", &[("slug", &slug)]).await.status(), 404);
    let list: serde_json::Value = owner.call_json("workspaces", &[]).await;
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn my_workspaces_are_listed_most_recently_used_first_with_my_role() {
    let app = TestApp::sqlite().await;
    let me = app.admin().await;
    me.create_workspace("Alpha", "alpha").await;
    me.create_workspace("Beta", "beta").await;
    me.call("w/load", &[("slug", "alpha")]).await;
    let list: serde_json::Value = me.call_json("workspaces", &[]).await;
    assert_eq!(names(&list), ["Alpha", "Beta"]);
    assert_eq!(list[0]["role"], "Owner");
    assert_eq!(list[0]["members"], 1);

    // Opening the first one again changes nothing; opening the other swaps.
    me.call("w/load", &[("slug", "alpha")]).await;
    let list: serde_json::Value = me.call_json("workspaces", &[]).await;
    assert_eq!(names(&list), ["Alpha", "Beta"]);
    me.call("w/load", &[("slug", "beta")]).await;
    let list: serde_json::Value = me.call_json("workspaces", &[]).await;
    assert_eq!(names(&list), ["Beta", "Alpha"]);

    // Two opened in the same millisecond: still exactly one is the latest,
    // and opening the other makes it the latest.
    crate::support::write(
        &app.db,
        sqlx::query("UPDATE memberships SET last_used_at = 1000"),
    )
    .await
    .unwrap();
    for (open, expected) in [
        ("alpha", ["Alpha", "Beta"]),
        ("beta", ["Beta", "Alpha"]),
        ("alpha", ["Alpha", "Beta"]),
    ] {
        me.call("w/load", &[("slug", open)]).await;
        let list: serde_json::Value = me.call_json("workspaces", &[]).await;
        assert_eq!(names(&list), expected, "after opening {open}");
    }
}

fn names(list: &serde_json::Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect()
}

fn new_workspace(slug: &str) -> [(&'static str, String); 4] {
    [
        ("name", format!("Workspace {slug}")),
        ("slug", slug.to_owned()),
        ("description", String::new()),
        ("key_prefix", String::new()),
    ]
}

async fn try_create(visitor: &Visitor, slug: &str) -> (u16, String) {
    let form = new_workspace(slug);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = visitor.call("workspaces/create", &form).await;
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn an_account_makes_workspaces_at_a_bounded_rate_and_number_even_in_parallel() {
    let setup = crate::support::Setup {
        workspace_limits: Some(app::backend::workspaces::WorkspaceLimits {
            per_account: 6,
            per_hour: 4,
        }),
        ..crate::support::Setup::default()
    };
    for app in TestApp::each_backend_with(setup).await {
        let admin = app.admin().await;
        let member = app.member(&admin, "max@example.com").await;

        // Twelve at once, demos and named ones: four get through.
        let mut tries = Vec::new();
        for n in 0..12 {
            let member = member.clone();
            tries.push(tokio::spawn(async move {
                if n % 2 == 0 {
                    let response = member.call("workspaces/demo", &[]).await;
                    (
                        response.status().as_u16(),
                        response.text().await.unwrap_or_default(),
                    )
                } else {
                    try_create(&member, &format!("burst-{n}")).await
                }
            }));
        }
        let mut made = 0;
        for answer in tries {
            let (status, body) = answer.await.unwrap();
            match status {
                200 => made += 1,
                409 => assert!(body.contains("in the last hour; try again in"), "{body}"),
                other => panic!("{other}: {body}"),
            }
        }
        assert_eq!(made, 4);
        let mine: serde_json::Value = member.call_json("workspaces", &[]).await;
        assert_eq!(mine.as_array().map(Vec::len), Some(4), "{mine}");

        // An hour later two more fit; then the account has as many as it
        // may, until it deletes one.
        crate::support::write(
            &app.db,
            sqlx::query("UPDATE workspaces SET created_at = created_at - 3600001"),
        )
        .await
        .unwrap();
        for slug in ["later-1", "later-2"] {
            assert_eq!(try_create(&member, slug).await.0, 200, "{slug}");
        }
        let (status, body) = try_create(&member, "one-too-many").await;
        assert_eq!(status, 409, "{body}");
        assert!(body.contains("as many as one account may"), "{body}");

        // The instance admin is not held to them.
        for n in 0..8 {
            assert_eq!(try_create(&admin, &format!("admin-{n}")).await.0, 200);
        }
    }
}

#[tokio::test]
async fn hearing_that_addresses_are_taken_is_rationed_per_account() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        for slug in ["secret-0", "secret-1", "secret-2"] {
            admin.create_workspace("Hidden", slug).await;
        }
        let prober = app.member(&admin, "probe@example.com").await;

        // Ten taken addresses tried at once are answered as taken; after
        // that the account waits, whatever it tries.
        let mut tries = Vec::new();
        for n in 0..14 {
            let prober = prober.clone();
            tries.push(tokio::spawn(async move {
                try_create(&prober, &format!("secret-{}", n % 3)).await
            }));
        }
        let mut taken = 0;
        let mut waiting = 0;
        for answer in tries {
            match answer.await.unwrap() {
                (422, body) if body.contains("another workspace has this address") => taken += 1,
                (429, _) => waiting += 1,
                (status, body) => panic!("{status}: {body}"),
            }
        }
        assert_eq!((taken, waiting), (10, 4));
        assert_eq!(
            try_create(&prober, "secret-9").await.0,
            429,
            "even a free one"
        );

        // Free addresses never counted: another account that makes
        // workspaces is not slowed down.
        let maker = app.member(&admin, "maker@example.com").await;
        for n in 0..12 {
            assert_eq!(try_create(&maker, &format!("mine-{n}")).await.0, 200);
        }
    }
}
