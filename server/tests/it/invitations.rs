//! Invitations: expiry, single use (also when a link is used many times
//! at once), revocation, the wrong workspace, and signing up through one.

use crate::support::{PASSWORD, TestApp};

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
