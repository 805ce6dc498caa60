//! Workspaces: the last-owner rules and invitations (expiry, single use,
//! revocation, the wrong workspace). The access rule itself is checked for
//! every function and page in `access_matrix.rs`.

use crate::support::{PASSWORD, TestApp, Visitor};

#[tokio::test]
async fn the_last_owner_cannot_leave_be_removed_or_be_demoted() {
    for app in TestApp::each_backend().await {
        let admin = app.admin().await;
        let slug = admin.create_workspace("Mobile", "mobile").await;
        let members: serde_json::Value = admin.call_json("w/members", &[("slug", &slug)]).await;
        let me = members[0]["user_id"].as_i64().unwrap().to_string();

        assert_eq!(
            admin.call("w/leave", &[("slug", &slug)]).await.status(),
            409,
            "{:?}",
            app.kind()
        );
        assert_eq!(
            admin
                .call("w/members/remove", &[("slug", &slug), ("user_id", &me)])
                .await
                .status(),
            409
        );
        let demote = admin
            .call(
                "w/members/role",
                &[("slug", &slug), ("user_id", &me), ("role", "editor")],
            )
            .await;
        assert_eq!(demote.status(), 409);
        assert!(demote.text().await.unwrap().contains("needs an owner"));

        // With a second owner, the first may step down.
        let member = app.member(&admin, "max@example.com").await;
        let token = admin.invite(&slug, "owner", "").await;
        assert_eq!(member.accept(&token).await.status(), 200);
        let demote = admin
            .call(
                "w/members/role",
                &[("slug", &slug), ("user_id", &me), ("role", "editor")],
            )
            .await;
        assert_eq!(demote.status(), 200);
        assert_eq!(
            member.call("w/leave", &[("slug", &slug)]).await.status(),
            409,
            "now max is the last owner"
        );
    }
}

#[tokio::test]
async fn an_invitation_works_once_and_not_after_it_expires_or_is_revoked() {
    for app in TestApp::each_backend().await {
        let owner = app.admin().await;
        let slug = owner.create_workspace("Mobile", "mobile").await;
        let first = app.member(&owner, "first@example.com").await;
        let second = app.member(&owner, "second@example.com").await;

        let token = owner.invite(&slug, "editor", "").await;
        assert_eq!(first.accept(&token).await.status(), 200);
        let view: serde_json::Value = first.call_json("w/load", &[("slug", &slug)]).await;
        assert_eq!(view["role"], "Editor", "{:?}", app.kind());
        assert_eq!(second.accept(&token).await.status(), 422, "single use");
        assert_eq!(
            second.call("w/load", &[("slug", &slug)]).await.status(),
            404
        );

        let token = owner.invite(&slug, "viewer", "").await;
        crate::support::write(
            &app.db,
            sqlx::query("UPDATE invitations SET expires_at = 1 WHERE accepted_at IS NULL"),
        )
        .await
        .unwrap();
        assert_eq!(second.accept(&token).await.status(), 422, "expired");

        let token = owner.invite(&slug, "viewer", "").await;
        let pending: serde_json::Value = owner.call_json("w/invitations", &[("slug", &slug)]).await;
        let id = pending[0]["id"].as_i64().unwrap().to_string();
        assert_eq!(
            owner
                .call(
                    "w/invitations/revoke",
                    &[("slug", &slug), ("invitation_id", &id)]
                )
                .await
                .status(),
            200
        );
        assert_eq!(second.accept(&token).await.status(), 422, "revoked");
        assert_eq!(
            second.call("w/load", &[("slug", &slug)]).await.status(),
            404
        );
    }
}

#[tokio::test]
async fn an_invitation_cannot_be_revoked_through_another_workspace() {
    let app = TestApp::sqlite().await;
    let owner = app.admin().await;
    let mobile = owner.create_workspace("Mobile", "mobile").await;
    let web = owner.create_workspace("Web", "web").await;
    owner.invite(&mobile, "viewer", "").await;
    let pending: serde_json::Value = owner.call_json("w/invitations", &[("slug", &mobile)]).await;
    let id = pending[0]["id"].as_i64().unwrap().to_string();
    let response = owner
        .call(
            "w/invitations/revoke",
            &[("slug", &web), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(response.status(), 404);
    let still: serde_json::Value = owner.call_json("w/invitations", &[("slug", &mobile)]).await;
    assert_eq!(still.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_invitations_email_is_a_note_not_a_lock() {
    // Waymark does not verify email addresses, so it cannot promise that
    // only the named person uses a link: whoever holds it can.
    let app = TestApp::sqlite().await;
    let owner = app.admin().await;
    let slug = owner.create_workspace("Mobile", "mobile").await;
    let other = app.member(&owner, "other@example.com").await;
    let token = owner.invite(&slug, "viewer", "meant@example.com").await;
    let page = owner
        .client
        .get(owner.url("/w/mobile/settings/members"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Who it is for"), "{page}");
    assert!(
        !page.contains("only this person"),
        "no such promise is made"
    );
    assert_eq!(other.accept(&token).await.status(), 200);
    assert_eq!(other.call("w/load", &[("slug", &slug)]).await.status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_invitation_link_used_many_times_at_once_makes_one_account() {
    for app in TestApp::each_backend().await {
        let owner = app.admin().await;
        let slug = owner.create_workspace("Mobile", "mobile").await;
        let token = owner.invite(&slug, "viewer", "").await;
        let mut uses = tokio::task::JoinSet::new();
        for i in 0..5 {
            let visitor = app.visitor();
            let token = token.clone();
            uses.spawn(async move {
                let email = format!("racer{i}@example.com");
                visitor
                    .call(
                        "invitation/sign_up",
                        &[
                            ("token", token.as_str()),
                            ("email", email.as_str()),
                            ("display_name", "Racer"),
                            ("password", PASSWORD),
                        ],
                    )
                    .await
                    .status()
                    .as_u16()
            });
        }
        let statuses = uses.join_all().await;
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{:?}: {statuses:?}",
            app.kind()
        );
        assert!(
            statuses.iter().all(|s| *s == 200 || *s == 422),
            "{statuses:?}"
        );
        let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(accounts, 2, "{:?}: the owner and one newcomer", app.kind());
        let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM memberships")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(members, 2);
    }
}

#[tokio::test]
async fn a_visitor_signs_up_through_an_invitation_even_when_sign_up_is_invite_only() {
    for app in TestApp::each_backend().await {
        let owner = app.admin().await;
        let slug = owner.create_workspace("Mobile", "mobile").await;
        let token = owner.invite(&slug, "contributor", "").await;
        let newcomer = app.visitor();
        let plain = [
            ("email", "new@example.com"),
            ("display_name", "New"),
            ("password", PASSWORD),
        ];
        assert_eq!(
            newcomer.call("sign_up", &plain).await.status(),
            403,
            "sign-up itself is closed"
        );
        let response = newcomer
            .call(
                "invitation/sign_up",
                &[
                    ("token", &token),
                    ("email", "new@example.com"),
                    ("display_name", "New"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        let view: serde_json::Value = newcomer.call_json("w/load", &[("slug", &slug)]).await;
        assert_eq!(view["role"], "Contributor", "{:?}", app.kind());
        let again = app.visitor();
        let response = again
            .call(
                "invitation/sign_up",
                &[
                    ("token", &token),
                    ("email", "late@example.com"),
                    ("display_name", "Late"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(response.status(), 422, "the link was used");
        assert_eq!(
            again.whoami().await,
            None,
            "and no account was made with it"
        );
    }
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    for app in TestApp::each_backend().await {
        let owner = app.admin().await;
        for round in 0..5 {
            let slug = format!("race{round}");
            owner.create_workspace("Race", &slug).await;
            let email = format!("second{round}@example.com");
            let second = app.member(&owner, &email).await;
            let token = owner.invite(&slug, "owner", "").await;
            assert_eq!(second.accept(&token).await.status(), 200);
            let id_of = |who: &'static str| {
                let owner = &owner;
                let slug = slug.clone();
                async move {
                    let members: serde_json::Value =
                        owner.call_json("w/members", &[("slug", &slug)]).await;
                    members
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|m| m["email"].as_str().unwrap().starts_with(who))
                        .unwrap()["user_id"]
                        .as_i64()
                        .unwrap()
                        .to_string()
                }
            };
            let (first_id, second_id) = (id_of("ada").await, id_of("second").await);
            let demote = |who: &Visitor, whom: String| {
                let client = who.client.clone();
                let url = who.url("/fn/w/members/role");
                let origin = who.address.clone();
                let slug = slug.clone();
                async move {
                    client
                        .post(url)
                        .header("origin", origin)
                        .form(&[
                            ("slug", slug.as_str()),
                            ("user_id", &whom),
                            ("role", "editor"),
                        ])
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16()
                }
            };
            let (a, b) = tokio::join!(demote(&owner, second_id), demote(&second, first_id));
            let owners: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM memberships m JOIN workspaces w ON w.id = m.workspace_id \
                 WHERE w.slug = $1 AND m.role = 'owner'",
            )
            .bind(&slug)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
            assert_eq!(owners, 1, "{:?} round {round}: {a} {b}", app.kind());
            assert!([a, b].contains(&200), "{a} {b}");
        }
    }
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
