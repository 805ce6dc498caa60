//! `/w/:slug/settings/members`: the last-owner rule, also when two owners
//! demote each other at once. The access rule itself is checked for every
//! function and page in `access_matrix.rs`.

use crate::support::{TestApp, Visitor};

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
