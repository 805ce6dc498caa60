//! Workspaces and the one authorization rule: the access matrix over every
//! workspace server function and page, the last-owner rules, and
//! invitations (expiry, single use, revocation, the wrong workspace).

mod common;

use std::collections::BTreeSet;

use app::model::Role;
use common::{PASSWORD, TestApp, Visitor};

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    NonMember,
    Viewer,
    Contributor,
    Editor,
    Owner,
    /// The instance admin, who is not a member of the workspace.
    InstanceAdmin,
}

const ACTORS: [Actor; 7] = [
    Actor::Anonymous,
    Actor::NonMember,
    Actor::InstanceAdmin,
    Actor::Viewer,
    Actor::Contributor,
    Actor::Editor,
    Actor::Owner,
];

impl Actor {
    fn role(self) -> Option<Role> {
        match self {
            Actor::Viewer => Some(Role::Viewer),
            Actor::Contributor => Some(Role::Contributor),
            Actor::Editor => Some(Role::Editor),
            Actor::Owner => Some(Role::Owner),
            _ => None,
        }
    }

    /// The outcome the one rule promises for an action needing `least`.
    fn expected(self, least: Role) -> Expect {
        match (self, self.role()) {
            (Actor::Anonymous, _) => Expect::SignIn,
            (_, None) => Expect::Hidden,
            (_, Some(role)) if role >= least => Expect::Allowed,
            _ => Expect::Forbidden,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Passed the access check (the action may still refuse bad input).
    Allowed,
    /// 401, or a redirect to the sign-in page.
    SignIn,
    /// 404: the workspace's existence is not revealed.
    Hidden,
    /// 403: a member whose role is too small.
    Forbidden,
}

fn classify(status: u16, location: Option<&str>) -> Expect {
    match status {
        401 => Expect::SignIn,
        302 if location.is_some_and(|l| l.starts_with("/sign-in")) => Expect::SignIn,
        404 => Expect::Hidden,
        403 => Expect::Forbidden,
        _ => Expect::Allowed,
    }
}

struct World {
    app: TestApp,
    slug: String,
    visitors: Vec<(Actor, Visitor)>,
    spare_member: i64,
    pending_invitation: i64,
}

impl World {
    async fn new() -> World {
        let app = TestApp::sqlite().await;
        let admin = app.admin().await;
        let owner = app.member(&admin, "owner@example.com").await;
        let slug = owner.create_workspace("Roadmap", "roadmap").await;
        let mut visitors = vec![
            (Actor::Anonymous, app.visitor()),
            (Actor::InstanceAdmin, admin),
        ];
        let outsider = app.visitor();
        let form = [
            ("email", "outsider@example.com"),
            ("display_name", "Out Sider"),
            ("password", PASSWORD),
        ];
        assert_eq!(outsider.call("sign_up", &form).await.status(), 200);
        visitors.push((Actor::NonMember, outsider));
        for (actor, role) in [
            (Actor::Viewer, "viewer"),
            (Actor::Contributor, "contributor"),
            (Actor::Editor, "editor"),
        ] {
            let person = app.visitor();
            let email = format!("{role}@example.com");
            let name = format!("The {role}");
            let form = [
                ("email", email.as_str()),
                ("display_name", name.as_str()),
                ("password", PASSWORD),
            ];
            assert_eq!(person.call("sign_up", &form).await.status(), 200);
            let token = owner.invite(&slug, role, "").await;
            assert_eq!(person.accept(&token).await.status(), 200);
            visitors.push((actor, person));
        }
        let spare = app.visitor();
        let form = [
            ("email", "spare@example.com"),
            ("display_name", "Spare"),
            ("password", PASSWORD),
        ];
        assert_eq!(spare.call("sign_up", &form).await.status(), 200);
        let token = owner.invite(&slug, "viewer", "").await;
        assert_eq!(spare.accept(&token).await.status(), 200);
        owner.invite(&slug, "editor", "someone@example.com").await;
        let invitations: serde_json::Value =
            owner.call_json("w/invitations", &[("slug", &slug)]).await;
        let pending_invitation = invitations[0]["id"].as_i64().unwrap();
        let members: serde_json::Value = owner.call_json("w/members", &[("slug", &slug)]).await;
        let spare_member = members
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == "spare@example.com")
            .unwrap()["user_id"]
            .as_i64()
            .unwrap();
        visitors.push((Actor::Owner, owner));
        World {
            app,
            slug,
            visitors,
            spare_member,
            pending_invitation,
        }
    }

    fn visitor(&self, actor: Actor) -> &Visitor {
        &self.visitors.iter().find(|(a, _)| *a == actor).unwrap().1
    }
}

/// Every workspace server function: its endpoint, its arguments, and the
/// least role it needs. Arguments are chosen so an allowed call changes
/// nothing that later rows depend on (`w/leave` runs last).
/// One row of the access table: endpoint, form arguments, least role.
type Row = (&'static str, Vec<(&'static str, String)>, Role);

fn function_table(world: &World) -> Vec<Row> {
    let slug = world.slug.clone();
    let s = || ("slug", slug.clone());
    vec![
        ("w/load", vec![s()], Role::Viewer),
        ("w/members", vec![s()], Role::Viewer),
        (
            "w/update",
            vec![
                s(),
                ("name", "Roadmap".into()),
                ("new_slug", slug.clone()),
                ("description", String::new()),
                ("key_prefix", "ROA".into()),
            ],
            Role::Owner,
        ),
        (
            "w/delete",
            vec![s(), ("confirm_name", "not the name".into())],
            Role::Owner,
        ),
        (
            "w/members/role",
            vec![
                s(),
                ("user_id", world.spare_member.to_string()),
                ("role", "viewer".into()),
            ],
            Role::Owner,
        ),
        ("w/invitations", vec![s()], Role::Owner),
        (
            "w/invitations/create",
            vec![s(), ("role", "viewer".into()), ("email", String::new())],
            Role::Owner,
        ),
        ("w/invitations/new_link", vec![s()], Role::Owner),
        (
            "w/invitations/revoke",
            vec![s(), ("invitation_id", world.pending_invitation.to_string())],
            Role::Owner,
        ),
        (
            "w/members/remove",
            vec![s(), ("user_id", world.spare_member.to_string())],
            Role::Owner,
        ),
        ("w/leave", vec![s()], Role::Viewer),
    ]
}

#[tokio::test]
async fn every_workspace_function_and_page_follows_the_one_access_rule() {
    let world = World::new().await;
    let table = function_table(&world);

    // A new workspace server function without a row here fails the test.
    let registered: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|path| path.starts_with("/fn/w/"))
        .collect();
    let covered: BTreeSet<String> = table
        .iter()
        .map(|(endpoint, _, _)| format!("/fn/{endpoint}"))
        .collect();
    assert_eq!(
        registered, covered,
        "every /fn/w/… server function needs a row in the access table"
    );

    // Likewise every page under /w/:slug.
    const PAGES: [&str; 3] = ["", "/settings", "/settings/members"];
    let routes: BTreeSet<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|route| route.path().to_owned())
        .filter(|path| path.starts_with("/w/{"))
        .collect();
    let covered: BTreeSet<String> = PAGES
        .iter()
        .map(|page| format!("/w/{{slug}}{page}"))
        .collect();
    assert_eq!(
        routes, covered,
        "every /w/:slug page needs a place in the access matrix"
    );

    let mut failures = Vec::new();
    // Pages first (read-only), then functions; `w/leave` is the last row.
    for page in PAGES {
        let path = format!("/w/{}{page}", world.slug);
        for actor in ACTORS {
            let response = world
                .visitor(actor)
                .client
                .get(world.app.url(&path))
                .headers(common::browser_accept())
                .send()
                .await
                .unwrap();
            let location = response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .map(str::to_owned);
            let got = classify(response.status().as_u16(), location.as_deref());
            let want = actor.expected(Role::Viewer);
            if got != want {
                failures.push(format!(
                    "GET {path} as {actor:?}: expected {want:?}, got {got:?} ({})",
                    response.status()
                ));
            }
        }
    }
    for (endpoint, args, least) in &table {
        // The owner goes last in each row so its changes (revoking, removing,
        // leaving) happen after everyone else has tried.
        for actor in ACTORS {
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = world.visitor(actor).call(endpoint, &form).await;
            let status = response.status().as_u16();
            let got = classify(status, None);
            let want = actor.expected(*least);
            if got != want {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!(
                    "{endpoint} as {actor:?}: expected {want:?}, got {got:?} ({status} {body})"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "access matrix:\n{}",
        failures.join("\n")
    );
}

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
        sqlx::query("UPDATE invitations SET expires_at = 1 WHERE accepted_at IS NULL")
            .execute(app.db.reader())
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
async fn an_invitation_for_an_email_is_for_that_person_only() {
    let app = TestApp::sqlite().await;
    let owner = app.admin().await;
    let slug = owner.create_workspace("Mobile", "mobile").await;
    let other = app.member(&owner, "other@example.com").await;
    let token = owner.invite(&slug, "viewer", "meant@example.com").await;
    assert_eq!(other.accept(&token).await.status(), 422);
    assert_eq!(other.call("w/load", &[("slug", &slug)]).await.status(), 404);
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
        .headers(common::browser_accept())
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
    // Another workspace may take over the old address.
    assert_eq!(
        owner.create_workspace("Mobile again", "mobile").await,
        "mobile"
    );
    let view: serde_json::Value = owner.call_json("w/load", &[("slug", "mobile")]).await;
    assert_eq!(view["name"], "Mobile again");
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
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    me.call("w/load", &[("slug", "alpha")]).await;
    let list: serde_json::Value = me.call_json("workspaces", &[]).await;
    assert_eq!(names(&list), ["Alpha", "Beta"]);
    assert_eq!(list[0]["role"], "Owner");
    assert_eq!(list[0]["members"], 1);

    // Opening the first one again changes nothing; opening the other swaps.
    me.call("w/load", &[("slug", "alpha")]).await;
    let list: serde_json::Value = me.call_json("workspaces", &[]).await;
    assert_eq!(names(&list), ["Alpha", "Beta"]);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    me.call("w/load", &[("slug", "beta")]).await;
    let list: serde_json::Value = me.call_json("workspaces", &[]).await;
    assert_eq!(names(&list), ["Beta", "Alpha"]);
}

fn names(list: &serde_json::Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect()
}
