//! The one access rule, for every server function and page the app
//! registers: whoever is not signed in is asked to sign in; whoever is not a
//! member (the instance admin included) gets the very 404 a workspace that
//! does not exist gets, which says nothing about the workspace; a member
//! whose role is too small gets 403; everyone else gets the answer.
//!
//! The matrix is built from the registered server functions and page routes,
//! so a new one fails these tests until it has a row here or a reason in
//! the list of those that touch no workspace.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::support::{PASSWORD, TestApp, Visitor};
use app::model::Role;

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

/// The order of each row: the owner comes last, so what it changes
/// (removing, leaving, deleting) happens after everyone else has tried.
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
    /// 200: the access check passed and the action did what was asked (every
    /// row's arguments are valid, so nothing else may refuse it).
    Allowed,
    /// 401 from a function; a redirect to the sign-in page from a page.
    SignIn,
    /// 404: the workspace's existence is not revealed.
    Hidden,
    /// 403: a member whose role is too small.
    Forbidden,
    /// Anything else (5xx included): never what the rule promises.
    Other(u16),
}

fn classify(status: u16, location: Option<&str>) -> Expect {
    match status {
        200 => Expect::Allowed,
        401 => Expect::SignIn,
        302 if location.is_some_and(|l| l.starts_with("/sign-in?")) => Expect::SignIn,
        // A saved view's address opens its page in the same workspace.
        302 if location.is_some_and(|l| l.starts_with("/w/")) => Expect::Allowed,
        403 => Expect::Forbidden,
        404 => Expect::Hidden,
        other => Expect::Other(other),
    }
}

/// Arguments of one call, made for the workspace of its row and the actor
/// who calls (so that each allowed actor can succeed at, say, deleting a
/// thing of its own).
type Arguments = fn(&Workspace, Actor) -> Vec<(&'static str, String)>;

/// One row of the matrix: a server function, the least role it needs, and
/// valid arguments. Each row runs on a workspace of its own, so what one
/// row changes cannot change another's outcome.
struct FunctionRow {
    endpoint: &'static str,
    least: Role,
    arguments: Arguments,
}

const FUNCTION_ROWS: &[FunctionRow] = &[
    FunctionRow {
        endpoint: "w/load",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/members",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        // Owners also get the invitations; the others an empty list.
        endpoint: "w/members/page",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/update",
        least: Role::Owner,
        // The same settings again: each allowed call succeeds.
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("name", w.name.clone()),
                ("new_slug", w.slug.clone()),
                ("description", w.description.clone()),
                ("key_prefix", w.key_prefix.clone()),
            ]
        },
    },
    FunctionRow {
        endpoint: "w/delete",
        least: Role::Owner,
        arguments: |w, _| vec![w.slug_arg(), ("confirm_name", w.name.clone())],
    },
    FunctionRow {
        endpoint: "w/members/role",
        least: Role::Owner,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("user_id", w.spare_member.to_string()),
                ("role", "editor".into()),
            ]
        },
    },
    FunctionRow {
        endpoint: "w/members/remove",
        least: Role::Owner,
        arguments: |w, _| vec![w.slug_arg(), ("user_id", w.spare_member.to_string())],
    },
    FunctionRow {
        endpoint: "w/invitations",
        least: Role::Owner,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/invitations/create",
        least: Role::Owner,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("role", "viewer".into()),
                ("email", String::new()),
                ("days", "7".into()),
            ]
        },
    },
    FunctionRow {
        endpoint: "w/invitations/revoke",
        least: Role::Owner,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("invitation_id", w.pending_invitation.to_string()),
            ]
        },
    },
    FunctionRow {
        // Every member may leave; a second owner stays behind, so the
        // owner may too.
        endpoint: "w/leave",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/items",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg(), ("params", "sort=title&tag=secret".into())],
    },
    FunctionRow {
        endpoint: "w/items/choices",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/items/get",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg(), ("key", w.item_key.clone())],
    },
    FunctionRow {
        endpoint: "w/items/scoring",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg(), ("key", w.item_key.clone())],
    },
    FunctionRow {
        // No rating given: each allowed call succeeds and changes nothing.
        endpoint: "w/items/rate",
        least: Role::Editor,
        arguments: |w, _| vec![w.slug_arg(), ("key", w.item_key.clone())],
    },
    FunctionRow {
        endpoint: "w/board",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg(), ("params", "tag=secret".into())],
    },
    FunctionRow {
        endpoint: "w/rounds",
        least: Role::Contributor,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/rounds/choices",
        least: Role::Editor,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/rounds/create",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("name", "Another round".into()),
                ("items[]", w.item_key.clone()),
                ("criteria[]", w.criterion.clone()),
                ("participants[]", w.raters[0].clone()),
            ]
        },
    },
    FunctionRow {
        endpoint: "w/rounds/get",
        least: Role::Contributor,
        arguments: |w, _| vec![w.slug_arg(), ("id", w.round.to_string())],
    },
    FunctionRow {
        // No rating given: each participant's call succeeds.
        endpoint: "w/rounds/rate",
        least: Role::Contributor,
        arguments: |w, _| vec![w.slug_arg(), ("id", w.round.to_string())],
    },
    FunctionRow {
        // Revealing a revealed round shows it again.
        endpoint: "w/rounds/reveal",
        least: Role::Editor,
        arguments: |w, _| vec![w.slug_arg(), ("id", w.round.to_string())],
    },
    FunctionRow {
        // A round is applied once: the editor and the owner each apply one.
        endpoint: "w/rounds/apply",
        least: Role::Editor,
        arguments: |w, actor| {
            let round = w.revealed_rounds[usize::from(actor == Actor::Owner)];
            vec![w.slug_arg(), ("id", round.to_string())]
        },
    },
    FunctionRow {
        endpoint: "w/chart",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg(), ("params", "tag=secret&size=1".into())],
    },
    FunctionRow {
        // To the top of the column it is already at the top of: each
        // allowed call succeeds without changing the version.
        endpoint: "w/items/move",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("key", w.item_key.clone()),
                ("version", "1".into()),
                ("status", w.statuses[0].to_string()),
            ]
        },
    },
    FunctionRow {
        endpoint: "w/timeline",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg(), ("params", "tag=secret&scale=quarter".into())],
    },
    FunctionRow {
        endpoint: "w/roadmap",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg(), ("params", "tag=secret".into())],
    },
    FunctionRow {
        // To the top of the lane it is already at the top of, as for
        // `w/items/move`.
        endpoint: "w/roadmap/move",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("key", w.item_key.clone()),
                ("version", "1".into()),
                ("horizon", "unplanned".into()),
            ]
        },
    },
    FunctionRow {
        endpoint: "w/views",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/views/open",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg(), ("id", w.view.to_string())],
    },
    FunctionRow {
        // A name of each actor's own: each allowed call makes a view.
        endpoint: "w/views/create",
        least: Role::Editor,
        arguments: |w, actor| {
            vec![
                w.slug_arg(),
                ("name", format!("Secret view of the {actor:?}")),
                ("kind", "board".into()),
                ("params", "tag=secret".into()),
            ]
        },
    },
    FunctionRow {
        // The name it already has: each allowed call succeeds.
        endpoint: "w/views/update",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("id", w.view.to_string()),
                ("name", VIEW_NAME.into()),
            ]
        },
    },
    FunctionRow {
        // The editor and the owner each delete a view of their own.
        endpoint: "w/views/delete",
        least: Role::Editor,
        arguments: |w, actor| {
            let view = w.spare_views[usize::from(actor == Actor::Owner)];
            vec![w.slug_arg(), ("id", view.to_string())]
        },
    },
    FunctionRow {
        endpoint: "w/views/share",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("id", w.view.to_string()),
                ("days", "7".into()),
            ]
        },
    },
    FunctionRow {
        // The editor and the owner each revoke a link of their own.
        endpoint: "w/links/revoke",
        least: Role::Editor,
        arguments: |w, actor| {
            let link = w.links[usize::from(actor == Actor::Owner)];
            vec![w.slug_arg(), ("link_id", link.to_string())]
        },
    },
    FunctionRow {
        endpoint: "w/links",
        least: Role::Owner,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/webhooks",
        least: Role::Editor,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/webhooks/create",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("url", "https://hooks.example.com/waymark".into()),
                ("item_created", "on".into()),
            ]
        },
    },
    FunctionRow {
        endpoint: "w/webhooks/delete",
        least: Role::Editor,
        arguments: |w, actor| {
            let hook = w.webhooks[usize::from(actor == Actor::Owner)];
            vec![w.slug_arg(), ("webhook_id", hook.to_string())]
        },
    },
    FunctionRow {
        endpoint: "w/items/create",
        least: Role::Editor,
        arguments: |w, _| vec![w.slug_arg(), ("title", "Another idea".into())],
    },
    FunctionRow {
        // The title it already has: each allowed call succeeds at the same
        // version.
        endpoint: "w/items/update",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("key", w.item_key.clone()),
                ("version", "1".into()),
                ("title", ITEM_TITLE.into()),
            ]
        },
    },
    FunctionRow {
        // The status it already has: each allowed call succeeds and
        // changes nothing.
        endpoint: "w/items/bulk",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("keys[0]", w.item_key.clone()),
                ("action", "status".into()),
                ("status", w.statuses[0].to_string()),
            ]
        },
    },
    FunctionRow {
        // Deleting what is already gone counts as done.
        endpoint: "w/items/delete",
        least: Role::Editor,
        arguments: |w, _| vec![w.slug_arg(), ("key", w.item_key.clone())],
    },
    FunctionRow {
        endpoint: "w/items/comments/add",
        least: Role::Contributor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("key", w.item_key.clone()),
                ("body", "Agreed".into()),
            ]
        },
    },
    FunctionRow {
        // Only its author edits a comment: the matrix's is the owner's, so
        // every other role is refused.
        endpoint: "w/items/comments/edit",
        least: Role::Owner,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("comment_id", w.comment.to_string()),
                ("body", "Edited".into()),
            ]
        },
    },
    FunctionRow {
        // Its author or an owner deletes a comment; the matrix's is the
        // owner's.
        endpoint: "w/items/comments/delete",
        least: Role::Owner,
        arguments: |w, _| vec![w.slug_arg(), ("comment_id", w.comment.to_string())],
    },
    FunctionRow {
        endpoint: "w/statuses",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/scoring",
        least: Role::Viewer,
        arguments: |w, _| vec![w.slug_arg()],
    },
    FunctionRow {
        endpoint: "w/scoring/preview",
        least: Role::Editor,
        arguments: |w, _| framework_arguments(w, "Reach"),
    },
    FunctionRow {
        // One criterion, new each time: each allowed call replaces the
        // framework and succeeds.
        endpoint: "w/scoring/save",
        least: Role::Editor,
        arguments: |w, actor| framework_arguments(w, &format!("Reach {actor:?}")),
    },
    FunctionRow {
        endpoint: "w/statuses/create",
        least: Role::Editor,
        arguments: |w, actor| {
            vec![
                w.slug_arg(),
                ("name", format!("Review {actor:?}")),
                ("color", "#aa00ff".into()),
                ("category", "active".into()),
            ]
        },
    },
    FunctionRow {
        // The first status as it is: each allowed call succeeds.
        endpoint: "w/statuses/update",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("status_id", w.statuses[0].to_string()),
                ("name", "Idea".into()),
                ("color", "#8a94a6".into()),
                ("category", "planned".into()),
            ]
        },
    },
    FunctionRow {
        // The first status up: already first, so nothing changes.
        endpoint: "w/statuses/shift",
        least: Role::Editor,
        arguments: |w, _| {
            vec![
                w.slug_arg(),
                ("status_id", w.statuses[0].to_string()),
                ("direction", "up".into()),
            ]
        },
    },
    FunctionRow {
        // The editor and the owner each delete a status of their own.
        endpoint: "w/statuses/delete",
        least: Role::Editor,
        arguments: |w, actor| {
            let gone = if actor == Actor::Owner { 2 } else { 1 };
            vec![
                w.slug_arg(),
                ("status_id", w.statuses[gone].to_string()),
                ("move_to", w.statuses[0].to_string()),
            ]
        },
    },
];

/// The title of the item every matrix workspace has.
const ITEM_TITLE: &str = "Secret launch item";
/// The name of the saved view every matrix workspace has.
const VIEW_NAME: &str = "Secret launch view";

/// Every page of one workspace (as the router lists it) and the least role
/// it needs.
const PAGE_ROWS: &[(&str, Role)] = &[
    ("/w/{slug}", Role::Viewer),
    ("/w/{slug}/settings", Role::Viewer),
    ("/w/{slug}/settings/members", Role::Viewer),
    ("/w/{slug}/items", Role::Viewer),
    ("/w/{slug}/items/{key}", Role::Viewer),
    ("/w/{slug}/board", Role::Viewer),
    ("/w/{slug}/roadmap", Role::Viewer),
    ("/w/{slug}/timeline", Role::Viewer),
    ("/w/{slug}/chart", Role::Viewer),
    ("/w/{slug}/views/{id}", Role::Viewer),
    ("/w/{slug}/rounds", Role::Contributor),
    ("/w/{slug}/rounds/{id}", Role::Contributor),
    ("/w/{slug}/settings/statuses", Role::Viewer),
    ("/w/{slug}/settings/scoring", Role::Viewer),
    ("/w/{slug}/settings/webhooks", Role::Editor),
];

/// Server functions that touch no existing workspace by its address, each
/// with the reason.
const FUNCTIONS_OUTSIDE_ANY_WORKSPACE: &[(&str, &str)] = &[
    (
        "accounts_state",
        "whether the instance has an admin and who may sign up",
    ),
    ("create_admin", "first-run set-up of the instance"),
    (
        "current_user",
        "the caller's own account and own memberships",
    ),
    ("sign_up", "makes an account"),
    ("sign_in", "signs in"),
    ("sign_in_code", "the second sign-in step"),
    ("sign_out", "signs out"),
    (
        "instance_info",
        "the version and database facts of the about page",
    ),
    ("set_theme", "a cookie with the caller's theme"),
    ("password_reset", "the reset link's token is the permission"),
    (
        "password_reset/check",
        "the reset link's token is the permission",
    ),
    ("account/display_name", "the caller's own account"),
    ("account/email", "the caller's own account"),
    ("account/password", "the caller's own account"),
    ("account/sessions", "the caller's own sessions"),
    ("account/tokens", "the caller's own API tokens"),
    ("account/tokens/create", "the caller's own API tokens"),
    ("account/tokens/revoke", "the caller's own API tokens"),
    ("account/sessions/revoke", "the caller's own sessions"),
    (
        "account/sessions/revoke_others",
        "the caller's own sessions",
    ),
    ("account/two_factor", "the caller's own two-factor sign-in"),
    (
        "account/two_factor/begin",
        "the caller's own two-factor sign-in",
    ),
    (
        "account/two_factor/confirm",
        "the caller's own two-factor sign-in",
    ),
    (
        "account/two_factor/disable",
        "the caller's own two-factor sign-in",
    ),
    ("admin/users", "instance administration, for the admin only"),
    (
        "admin/users/disabled",
        "instance administration, for the admin only",
    ),
    (
        "admin/users/reset_link",
        "instance administration, for the admin only",
    ),
    (
        "admin/users/new_reset_link",
        "instance administration, for the admin only",
    ),
    (
        "admin/sign_up_mode",
        "instance administration, for the admin only",
    ),
    (
        "admin/sign_up_mode/set",
        "instance administration, for the admin only",
    ),
    (
        "admin/security_log",
        "instance administration, for the admin only",
    ),
    ("workspaces", "lists the caller's own memberships"),
    (
        "workspaces/create",
        "makes a new workspace; its maker is its owner",
    ),
    (
        "workspaces/demo",
        "makes a new demo workspace; its maker is its owner",
    ),
    (
        "invitation",
        "reaches a workspace by an invitation token, the permission itself",
    ),
    (
        "invitation/accept",
        "reaches a workspace by an invitation token, the permission itself",
    ),
    (
        "invitation/sign_up",
        "reaches a workspace by an invitation token, the permission itself",
    ),
];

/// Pages that show no existing workspace, each with the reason.
const PAGES_OUTSIDE_ANY_WORKSPACE: &[(&str, &str)] = &[
    ("/", "the start page: the caller's own workspaces"),
    ("/about", "facts about the instance"),
    ("/setup", "first-run set-up of the instance"),
    ("/sign-in", "signs in"),
    ("/sign-in/code", "the second sign-in step"),
    ("/sign-up", "makes an account"),
    (
        "/reset-password/{token}",
        "the reset link's token is the permission",
    ),
    ("/settings/account", "the caller's own account"),
    ("/settings/tokens", "the caller's own API tokens"),
    (
        "/settings/account/two-factor",
        "the caller's own two-factor sign-in",
    ),
    (
        "/admin/users",
        "instance administration, for the admin only",
    ),
    (
        "/admin/security",
        "instance administration, for the admin only",
    ),
    ("/invite/{token}", "the invitation token is the permission"),
    ("/w/new", "the form for a new workspace"),
];

/// A slug no workspace has: what a non-member sees must not differ from it.
const MISSING_SLUG: &str = "no-such-workspace";

/// The registered server functions, without their `/fn/` prefix.
fn registered_functions() -> BTreeSet<String> {
    server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.strip_prefix("/fn/").unwrap_or(path).to_owned())
        .collect()
}

/// The router's page routes. Listing them renders the app with resource
/// loading switched off for the whole process, so every test here lists
/// them (once per process) before any server starts rendering pages.
fn registered_pages() -> &'static BTreeSet<String> {
    static PAGES: OnceLock<BTreeSet<String>> = OnceLock::new();
    PAGES.get_or_init(|| {
        leptos_axum::generate_route_list(app::App)
            .iter()
            .map(|route| route.path().to_owned())
            .collect()
    })
}

/// What of `registered` has neither a row nor a reason.
fn unclassified<'a>(
    registered: impl IntoIterator<Item = &'a String>,
    rows: &[&str],
    outside: &[(&str, &str)],
) -> Vec<String> {
    registered
        .into_iter()
        .filter(|name| !rows.contains(&name.as_str()))
        .filter(|name| !outside.iter().any(|(listed, _)| listed == name))
        .cloned()
        .collect()
}

/// Someone in the matrix: an account with a name the workspaces' 404s must
/// never show.
struct Person {
    email: &'static str,
    name: &'static str,
}

const OWNER: Person = Person {
    email: "olive.owner@example.com",
    name: "Olive Owner",
};
const VIEWER: Person = Person {
    email: "vera.viewer@example.com",
    name: "Vera Viewer",
};
const CONTRIBUTOR: Person = Person {
    email: "connie.contributor@example.com",
    name: "Connie Contributor",
};
const EDITOR: Person = Person {
    email: "eddie.editor@example.com",
    name: "Eddie Editor",
};
/// A second owner, so that the owner may leave.
const CO_OWNER: Person = Person {
    email: "otto.second@example.com",
    name: "Otto Second",
};
/// The member whose role is changed and who is removed.
const SPARE: Person = Person {
    email: "sam.spare@example.com",
    name: "Sam Spare",
};
const OUTSIDER: Person = Person {
    email: "nora.outsider@example.com",
    name: "Nora Outsider",
};
/// The address of a pending invitation.
const INVITEE: &str = "ivy.invitee@example.com";

/// Everyone who asks, with their own browser, on one app.
struct World {
    app: TestApp,
    visitors: Vec<(Actor, Visitor)>,
    co_owner: Visitor,
    spare: Visitor,
    workspaces_made: std::cell::Cell<usize>,
}

/// One workspace of the matrix, with every role among its members.
struct Workspace {
    slug: String,
    name: String,
    description: String,
    key_prefix: String,
    spare_member: i64,
    pending_invitation: i64,
    /// An item, with a comment of the owner's.
    item_key: String,
    comment: i64,
    /// The ids of the workspace's statuses, in order; the item has the first.
    statuses: Vec<i64>,
    /// The first criterion, and the ids of the contributor, the editor and
    /// the owner, who take part in its rounds.
    criterion: String,
    raters: Vec<String>,
    /// An open round on the item, and two revealed ones: the editor's and
    /// the owner's to apply.
    round: i64,
    revealed_rounds: [i64; 2],
    /// A saved view of the item's tag, two more for the editor and the
    /// owner to delete, and two links to it for them to revoke.
    view: i64,
    spare_views: [i64; 2],
    links: [i64; 2],
    /// Two webhooks, for the editor and the owner to delete.
    webhooks: [i64; 2],
}

/// A framework of one Value criterion called `name`, as the settings form
/// sends it.
fn framework_arguments(w: &Workspace, name: &str) -> Vec<(&'static str, String)> {
    vec![
        w.slug_arg(),
        ("criteria[0][name]", name.to_owned()),
        ("criteria[0][factor]", "value".into()),
        ("criteria[0][weight]", "1".into()),
        ("criteria[0][scale]", "number".into()),
        ("criteria[0][direction]", "more_is_more".into()),
    ]
}

impl Workspace {
    fn slug_arg(&self) -> (&'static str, String) {
        ("slug", self.slug.clone())
    }

    /// Everything a 404 must not give away: the workspace's own words and
    /// who is in it.
    fn secrets(&self) -> Vec<String> {
        let mut secrets = vec![
            ITEM_TITLE.to_owned(),
            "Top secret remark".to_owned(),
            self.name.clone(),
            self.slug.clone(),
            self.description.clone(),
            self.key_prefix.clone(),
            INVITEE.to_owned(),
        ];
        for person in [OWNER, VIEWER, CONTRIBUTOR, EDITOR, CO_OWNER, SPARE] {
            secrets.push(person.email.to_owned());
            secrets.push(person.name.to_owned());
        }
        secrets
    }
}

impl World {
    async fn new(app: TestApp) -> World {
        let admin = app.admin().await;
        admin
            .call_ok("admin/sign_up_mode/set", &[("mode", "open")])
            .await;
        let mut visitors = vec![
            (Actor::Anonymous, app.visitor()),
            (Actor::InstanceAdmin, admin),
        ];
        for (actor, person) in [
            (Actor::NonMember, OUTSIDER),
            (Actor::Viewer, VIEWER),
            (Actor::Contributor, CONTRIBUTOR),
            (Actor::Editor, EDITOR),
            (Actor::Owner, OWNER),
        ] {
            visitors.push((actor, sign_up(&app, &person).await));
        }
        let co_owner = sign_up(&app, &CO_OWNER).await;
        let spare = sign_up(&app, &SPARE).await;
        World {
            app,
            visitors,
            co_owner,
            spare,
            workspaces_made: std::cell::Cell::new(0),
        }
    }

    fn visitor(&self, actor: Actor) -> &Visitor {
        &self
            .visitors
            .iter()
            .find(|(a, _)| *a == actor)
            .expect("every actor has a visitor")
            .1
    }

    /// A new workspace made by the owner, with a viewer, a contributor, an
    /// editor, a second owner, a spare viewer and a pending invitation.
    async fn workspace(&self) -> Workspace {
        let n = self.workspaces_made.get() + 1;
        self.workspaces_made.set(n);
        let owner = self.visitor(Actor::Owner);
        let w = Workspace {
            slug: format!("zephyr-{n}"),
            name: format!("Zephyr plan {n}"),
            description: format!("Launch secrets number {n}"),
            key_prefix: format!("ZQX{n}"),
            spare_member: 0,
            pending_invitation: 0,
            item_key: String::new(),
            comment: 0,
            statuses: Vec::new(),
            criterion: String::new(),
            raters: Vec::new(),
            round: 0,
            revealed_rounds: [0; 2],
            view: 0,
            spare_views: [0; 2],
            links: [0; 2],
            webhooks: [0; 2],
        };
        owner
            .call_ok(
                "workspaces/create",
                &[
                    ("name", &w.name),
                    ("slug", &w.slug),
                    ("description", &w.description),
                    ("key_prefix", &w.key_prefix),
                ],
            )
            .await;
        for (member, role) in [
            (self.visitor(Actor::Viewer), "viewer"),
            (self.visitor(Actor::Contributor), "contributor"),
            (self.visitor(Actor::Editor), "editor"),
            (&self.co_owner, "owner"),
            (&self.spare, "viewer"),
        ] {
            let token = owner.invite(&w.slug, role, "").await;
            let response = member.accept(&token).await;
            assert_eq!(response.status(), 200, "joining as {role}");
        }
        owner.invite(&w.slug, "editor", INVITEE).await;
        let invitations: serde_json::Value =
            owner.call_json("w/invitations", &[("slug", &w.slug)]).await;
        let pending_invitation = find(&invitations, "email", INVITEE)["id"]
            .as_i64()
            .expect("an invitation id");
        let members: serde_json::Value = owner.call_json("w/members", &[("slug", &w.slug)]).await;
        let spare_member = find(&members, "email", SPARE.email)["user_id"]
            .as_i64()
            .expect("a user id");
        let item_key: String = owner
            .call_ok(
                "w/items/create",
                &[("slug", &w.slug), ("title", ITEM_TITLE)],
            )
            .await
            .json()
            .await
            .expect("the new item's key");
        owner
            .call_ok(
                "w/items/comments/add",
                &[
                    ("slug", &w.slug),
                    ("key", &item_key),
                    ("body", "Top secret remark"),
                ],
            )
            .await;
        let item: serde_json::Value = owner
            .call_json("w/items/get", &[("slug", &w.slug), ("key", &item_key)])
            .await;
        let comment = item["comments"][0]["id"].as_i64().expect("a comment id");
        let choices: serde_json::Value = owner
            .call_json("w/items/choices", &[("slug", &w.slug)])
            .await;
        let statuses = choices["statuses"]
            .as_array()
            .expect("statuses")
            .iter()
            .map(|s| s["id"].as_i64().expect("a status id"))
            .collect();
        let round_choices: serde_json::Value = owner
            .call_json("w/rounds/choices", &[("slug", &w.slug)])
            .await;
        let criterion = round_choices["criteria"][0]["id"].to_string();
        let raters: Vec<String> = [CONTRIBUTOR, EDITOR, OWNER]
            .iter()
            .map(|p| find(&round_choices["members"], "name", p.name)["id"].to_string())
            .collect();
        let mut rounds = Vec::new();
        for _ in 0..3 {
            let id: i64 = owner
                .call_ok(
                    "w/rounds/create",
                    &[
                        ("slug", &w.slug),
                        ("name", "Top secret round"),
                        ("items[]", &item_key),
                        ("criteria[]", &criterion),
                        ("participants[]", &raters[0]),
                        ("participants[]", &raters[1]),
                        ("participants[]", &raters[2]),
                    ],
                )
                .await
                .json()
                .await
                .expect("a round id");
            rounds.push(id);
        }
        for id in &rounds[1..] {
            owner
                .call_ok(
                    "w/rounds/reveal",
                    &[("slug", &w.slug), ("id", &id.to_string())],
                )
                .await;
        }
        let mut views = Vec::new();
        for name in [VIEW_NAME, "Spare view 1", "Spare view 2"] {
            let view: serde_json::Value = owner
                .call_json(
                    "w/views/create",
                    &[
                        ("slug", &w.slug),
                        ("name", name),
                        ("kind", "board"),
                        ("params", "tag=secret"),
                    ],
                )
                .await;
            views.push(view["id"].as_i64().expect("a view id"));
        }
        let mut links = Vec::new();
        for _ in 0..2 {
            let link: serde_json::Value = owner
                .call_json(
                    "w/views/share",
                    &[("slug", &w.slug), ("id", &views[0].to_string())],
                )
                .await;
            links.push(link["link"]["id"].as_i64().expect("a link id"));
        }
        let mut webhooks = Vec::new();
        for _ in 0..2 {
            let made: serde_json::Value = owner
                .call_json(
                    "w/webhooks/create",
                    &[
                        ("slug", &w.slug),
                        ("url", "https://hooks.example.com/secret"),
                        ("comment_added", "on"),
                    ],
                )
                .await;
            webhooks.push(made["webhook"]["id"].as_i64().expect("a webhook id"));
        }
        Workspace {
            webhooks: [webhooks[0], webhooks[1]],
            view: views[0],
            spare_views: [views[1], views[2]],
            links: [links[0], links[1]],
            spare_member,
            pending_invitation,
            item_key,
            comment,
            statuses,
            criterion,
            raters,
            round: rounds[0],
            revealed_rounds: [rounds[1], rounds[2]],
            ..w
        }
    }
}

async fn sign_up(app: &TestApp, person: &Person) -> Visitor {
    let visitor = app.visitor();
    visitor
        .call_ok(
            "sign_up",
            &[
                ("email", person.email),
                ("display_name", person.name),
                ("password", PASSWORD),
            ],
        )
        .await;
    visitor
}

fn find<'a>(list: &'a serde_json::Value, key: &str, value: &str) -> &'a serde_json::Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|entry| entry[key] == value)
        .unwrap_or_else(|| panic!("no entry with {key} = {value} in {list}"))
}

/// A response as the client sees it, with what differs on every request (the
/// date, the request id, the script nonce) blanked out, so that two answers
/// can be compared byte for byte.
struct Seen {
    status: u16,
    location: Option<String>,
    /// Status, headers and body, normalised.
    fingerprint: String,
    /// The body with nonces blanked out.
    body: String,
}

async fn seen(response: reqwest::Response) -> Seen {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let location = headers
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    let nonce = headers
        .get("content-security-policy")
        .and_then(|csp| csp.to_str().ok())
        .and_then(|csp| csp.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .map(str::to_owned);
    let blank = |text: &str| match &nonce {
        Some(nonce) => text.replace(nonce.as_str(), "NONCE"),
        None => text.to_owned(),
    };
    let body = blank(&response.text().await.expect("the body reads"));
    let mut lines: Vec<String> = headers
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
        .map(|(name, value)| format!("{name}: {}", blank(value.to_str().unwrap_or("?"))))
        .collect();
    lines.sort();
    let fingerprint = format!("{status}\n{}\n\n{body}", lines.join("\n"));
    Seen {
        status,
        location,
        fingerprint,
        body,
    }
}

/// One request of the matrix: a page (GET) or a server function (POST).
#[derive(Clone, Copy)]
enum Request<'a> {
    /// A page route, the item key its `{key}` stands for and the round
    /// id its `{id}` does.
    Page(&'a str, &'a str, &'a str),
    Function(&'a str, &'a [(&'a str, String)]),
}

impl Request<'_> {
    /// The same request for the workspace at `slug` instead of `from`.
    async fn send(&self, visitor: &Visitor, from: &str, slug: &str) -> Seen {
        let response = match *self {
            Request::Page(route, key, id) => {
                let path = route
                    .replace("{slug}", slug)
                    .replace("{key}", key)
                    .replace("{id}", id);
                visitor
                    .client
                    .get(visitor.url(&path))
                    .headers(crate::support::browser_accept())
                    .send()
                    .await
                    .expect("the page answers")
            }
            Request::Function(endpoint, arguments) => {
                let form: Vec<(&str, &str)> = arguments
                    .iter()
                    .map(|(k, v)| (*k, if v == from { slug } else { v.as_str() }))
                    .collect();
                visitor.call(endpoint, &form).await
            }
        };
        seen(response).await
    }

    fn name(&self) -> String {
        match self {
            Request::Page(route, ..) => format!("GET {route}"),
            Request::Function(endpoint, _) => format!("POST /fn/{endpoint}"),
        }
    }
}

/// Asks as `actor` and checks the answer against the rule; for anyone who
/// may not know the workspace, also that the answer is the one for a
/// workspace that does not exist and names nothing of it.
async fn check(
    world: &World,
    workspace: &Workspace,
    request: Request<'_>,
    least: Role,
    actor: Actor,
    failures: &mut Vec<String>,
) {
    let visitor = world.visitor(actor);
    let want = actor.expected(least);
    let mut fail = |what: String| {
        failures.push(format!(
            "{:?}: {} as {actor:?}: {what}",
            world.app.kind(),
            request.name()
        ));
    };
    // Asked first: the real call may delete the workspace or its member.
    let missing = match want {
        Expect::SignIn | Expect::Hidden => {
            Some(request.send(visitor, &workspace.slug, MISSING_SLUG).await)
        }
        _ => None,
    };
    let got = request
        .send(visitor, &workspace.slug, &workspace.slug)
        .await;
    let outcome = classify(got.status, got.location.as_deref());
    if outcome != want {
        fail(format!(
            "expected {want:?}, got {outcome:?} ({} {:?}) {}",
            got.status,
            got.location,
            excerpt(&got.body)
        ));
    }
    if outcome != Expect::Allowed {
        let leaks = crate::support::internal_details(&got.body);
        if !leaks.is_empty() {
            fail(format!("the answer shows internal details {leaks:?}"));
        }
    }
    let Some(missing) = missing else { return };
    match want {
        Expect::Hidden => {
            for answer in [&got, &missing] {
                let lower = answer.body.to_lowercase();
                let told: Vec<String> = workspace
                    .secrets()
                    .into_iter()
                    .filter(|secret| lower.contains(&secret.to_lowercase()))
                    .collect();
                if !told.is_empty() {
                    fail(format!("the 404 tells {told:?}"));
                }
            }
            if got.fingerprint != missing.fingerprint {
                fail(format!(
                    "the answer differs from the one for a workspace that does not exist:\n{}\n--- versus ---\n{}",
                    got.fingerprint, missing.fingerprint
                ));
            }
        }
        _ => {
            // The sign-in redirect names the address asked for, nothing more.
            let masked = |seen: &Seen, slug: &str| seen.fingerprint.replace(slug, "SLUG");
            if masked(&got, &workspace.slug) != masked(&missing, MISSING_SLUG) {
                fail(format!(
                    "an anonymous visitor can tell the workspace exists:\n{}\n--- versus ---\n{}",
                    got.fingerprint, missing.fingerprint
                ));
            }
        }
    }
}

fn excerpt(body: &str) -> String {
    body.chars().take(300).collect()
}

#[tokio::test]
async fn every_workspace_function_and_page_follows_the_one_access_rule() {
    let pages = registered_pages();
    let functions = registered_functions();
    let row_names: Vec<&str> = FUNCTION_ROWS.iter().map(|row| row.endpoint).collect();
    let page_names: Vec<&str> = PAGE_ROWS.iter().map(|(route, _)| *route).collect();
    let missing_functions = unclassified(&functions, &row_names, FUNCTIONS_OUTSIDE_ANY_WORKSPACE);
    let missing_pages = unclassified(pages, &page_names, PAGES_OUTSIDE_ANY_WORKSPACE);
    assert!(
        missing_functions.is_empty() && missing_pages.is_empty(),
        "give each a row of the access matrix (with the least role it needs) or a \
         reason in the list of those outside any workspace:\n\
         server functions: {missing_functions:?}\npages: {missing_pages:?}"
    );

    let mut failures = Vec::new();
    let mut checked = 0;
    let apps = TestApp::each_backend().await;
    let backends = apps.len();
    for app in apps {
        let world = World::new(app).await;
        let workspace = world.workspace().await;
        for route in pages.iter().filter(|p| page_names.contains(&p.as_str())) {
            let (_, least) = PAGE_ROWS.iter().find(|(r, _)| r == route).unwrap();
            for actor in ACTORS {
                // `{id}`: the round's, or the saved view's.
                let id = if route.contains("/views/") {
                    workspace.view
                } else {
                    workspace.round
                };
                let id = id.to_string();
                let request = Request::Page(route, &workspace.item_key, &id);
                check(&world, &workspace, request, *least, actor, &mut failures).await;
                checked += 1;
            }
        }
        for endpoint in functions.iter().filter(|f| row_names.contains(&f.as_str())) {
            let row = FUNCTION_ROWS
                .iter()
                .find(|row| row.endpoint == endpoint)
                .unwrap();
            let workspace = world.workspace().await;
            for actor in ACTORS {
                let arguments = (row.arguments)(&workspace, actor);
                let request = Request::Function(row.endpoint, &arguments);
                check(&world, &workspace, request, row.least, actor, &mut failures).await;
                checked += 1;
            }
        }
    }
    assert_eq!(
        checked,
        backends * ACTORS.len() * (PAGE_ROWS.len() + FUNCTION_ROWS.len()),
        "every row ran for every actor on every database"
    );
    assert!(
        failures.is_empty(),
        "access matrix:\n{}",
        failures.join("\n")
    );
}

// Listing the routes renders the app, which needs a runtime.
#[tokio::test]
async fn the_access_classification_lists_only_registered_functions_and_pages() {
    let pages = registered_pages();
    let functions = registered_functions();
    let mut stale = Vec::new();
    let mut seen = BTreeSet::new();
    let listed_functions = FUNCTION_ROWS.iter().map(|row| row.endpoint).chain(
        FUNCTIONS_OUTSIDE_ANY_WORKSPACE
            .iter()
            .map(|(name, _)| *name),
    );
    for name in listed_functions {
        if !functions.contains(name) {
            stale.push(format!("server function {name} is not registered"));
        }
        if !seen.insert(name) {
            stale.push(format!("server function {name} is listed twice"));
        }
    }
    let listed_pages = PAGE_ROWS
        .iter()
        .map(|(route, _)| *route)
        .chain(PAGES_OUTSIDE_ANY_WORKSPACE.iter().map(|(route, _)| *route));
    for route in listed_pages {
        if !pages.contains(route) {
            stale.push(format!("page {route} is not a route"));
        }
        if !seen.insert(route) {
            stale.push(format!("page {route} is listed twice"));
        }
    }
    for (route, reason) in PAGES_OUTSIDE_ANY_WORKSPACE {
        if route.contains("{slug}") {
            stale.push(format!(
                "page {route} has a workspace in its address but is listed as outside any ({reason})"
            ));
        }
    }
    assert!(stale.is_empty(), "{}", stale.join("\n"));
}
