//! The demo workspace: a filled backlog for a first-time user ("Try the
//! demo" on the start page), and the same generator at any size for the
//! benchmark (`waymark seed-demo`). One transaction writes it all.

use crate::backend::db::item_activity::{self, Change};
use crate::backend::db::items::{self, Fields, NewItem, StoredScore};
use crate::backend::db::saved_views::{self, NewView};
use crate::backend::db::workspaces::{self, NewWorkspace, SlugError};
use crate::backend::db::{comments, criteria, memberships, now_ms, ratings, statuses};
use crate::backend::workspaces::{WorkspaceLimits, check_limits};
use crate::backend::{AppState, scoring};
use crate::error::AppError;
use crate::model::{Horizon, Role, ViewKind};
use crate::rank;
use crate::scoring::framework::PRESETS;
use crate::scoring::score::Score;

/// The hand-written part of the demo: what a small product team's backlog
/// for a notes app looks like. (title, tags, status index, horizon,
/// description)
const CURATED: &[(&str, &str, usize, Horizon, &str)] = &[
    (
        "Dark mode that follows the system setting",
        "ui, accessibility",
        3,
        Horizon::Now,
        "Users on phones switch themes at sunset. Follow `prefers-color-scheme`, and keep a manual toggle in settings.",
    ),
    (
        "Offline editing with sync on reconnect",
        "sync, mobile",
        2,
        Horizon::Now,
        "Edits made without a connection are queued and merged when the device is back online.\n\n- conflict view for the rare clash\n- no data loss, ever",
    ),
    (
        "Share a note by link, read only",
        "sharing",
        2,
        Horizon::Now,
        "An unguessable link that shows one note without an account. Revocable from the note's menu.",
    ),
    (
        "Faster search across all notebooks",
        "search, performance",
        1,
        Horizon::Next,
        "Search should answer in under 100 ms for 10,000 notes. Index titles, bodies and tags.",
    ),
    (
        "Import from Evernote",
        "import",
        1,
        Horizon::Next,
        "The most requested import. Keep notebooks, tags and attachments.",
    ),
    (
        "Tags with colours",
        "ui",
        0,
        Horizon::Later,
        "Let people give a tag a colour so that it stands out in lists.",
    ),
    (
        "Two-factor sign-in",
        "security",
        3,
        Horizon::Now,
        "TOTP with recovery codes. Required for admins of team plans.",
    ),
    (
        "Web clipper for Firefox",
        "browser, import",
        0,
        Horizon::Later,
        "Save a page or a selection into a notebook.",
    ),
    (
        "Reminders on notes",
        "mobile",
        1,
        Horizon::Next,
        "A date and time on a note sends a notification on every signed-in device.",
    ),
    (
        "Export a notebook as Markdown",
        "export",
        3,
        Horizon::Now,
        "A zip of Markdown files with front matter for tags and dates.",
    ),
    (
        "Keyboard shortcuts cheat sheet",
        "ui, accessibility",
        0,
        Horizon::Unplanned,
        "Press `?` to see every shortcut.",
    ),
    (
        "Team workspaces with roles",
        "teams",
        2,
        Horizon::Now,
        "Owners, editors and readers per workspace.",
    ),
    (
        "Audit log for team admins",
        "teams, security",
        0,
        Horizon::Later,
        "Who changed what and when, exportable as CSV.",
    ),
    (
        "Pin notes to the top of a notebook",
        "ui",
        3,
        Horizon::Unplanned,
        "A pinned note stays above the others whatever the sort.",
    ),
    (
        "Handwriting on tablets",
        "mobile",
        0,
        Horizon::Later,
        "Pen input stored as vectors, searchable through recognition.",
    ),
    (
        "Templates for meeting notes",
        "productivity",
        1,
        Horizon::Next,
        "Agenda, attendees, decisions, actions.",
    ),
    (
        "Backlinks between notes",
        "productivity",
        1,
        Horizon::Next,
        "`[[Note title]]` links, with a list of notes that link here.",
    ),
    (
        "Reduce app start time on Android",
        "performance, mobile",
        2,
        Horizon::Now,
        "Cold start is 2.8 s on a mid-range phone. Target: 1.5 s.",
    ),
    (
        "Attachments up to 100 MB",
        "storage",
        0,
        Horizon::Later,
        "Today the limit is 25 MB and people hit it with scans.",
    ),
    (
        "Public API with tokens",
        "api, integrations",
        0,
        Horizon::Later,
        "Read and write notes from scripts; tokens per user with scopes.",
    ),
    (
        "Slack integration: save a message as a note",
        "integrations",
        0,
        Horizon::Unplanned,
        "A message action that files the message into a notebook.",
    ),
    (
        "Spell check in the editor",
        "editor",
        3,
        Horizon::Unplanned,
        "Use the platform's spell checker; respect the note's language.",
    ),
    (
        "Tables in the editor",
        "editor",
        1,
        Horizon::Next,
        "Insert, resize and sort simple tables.",
    ),
    (
        "Version history of a note",
        "editor, storage",
        0,
        Horizon::Later,
        "See and restore any earlier version from the last 30 days.",
    ),
    (
        "Onboarding checklist for new users",
        "growth",
        2,
        Horizon::Now,
        "Five steps that show what the app can do, dismissible.",
    ),
    (
        "Right-to-left languages in the editor",
        "editor, accessibility",
        0,
        Horizon::Later,
        "Arabic and Hebrew notes render and edit correctly.",
    ),
    (
        "Screen reader labels on every button",
        "accessibility",
        2,
        Horizon::Now,
        "An audit found 14 unlabelled icon buttons.",
    ),
    (
        "Trash that empties after 30 days",
        "storage",
        3,
        Horizon::Unplanned,
        "Deleted notes can be restored for 30 days.",
    ),
    (
        "Encrypted notes with a passphrase",
        "security",
        0,
        Horizon::Later,
        "End-to-end encrypted notes for sensitive content.",
    ),
    (
        "Calendar view of notes by date",
        "productivity",
        0,
        Horizon::Unplanned,
        "A month grid of notes by their created or reminder date.",
    ),
    (
        "Bulk move notes between notebooks",
        "ui",
        1,
        Horizon::Next,
        "Select many, move once.",
    ),
    (
        "Sign in with a passkey",
        "security",
        0,
        Horizon::Later,
        "WebAuthn passkeys as the primary sign-in.",
    ),
    (
        "Print a note with good margins",
        "export",
        3,
        Horizon::Unplanned,
        "A print stylesheet that hides the chrome.",
    ),
    (
        "Link previews for pasted URLs",
        "editor",
        0,
        Horizon::Unplanned,
        "Title, site name and image, fetched on the server.",
    ),
    (
        "Usage analytics dashboard for admins",
        "teams",
        0,
        Horizon::Later,
        "Active users, notes created, storage used.",
    ),
    (
        "Fix: sync stalls after waking from sleep",
        "sync, bug",
        2,
        Horizon::Now,
        "Reported by 12 customers this month. Reproducible on macOS 15.",
    ),
    (
        "Fix: tags lost when importing from CSV",
        "import, bug",
        1,
        Horizon::Next,
        "Tags in quoted cells with commas are dropped.",
    ),
    (
        "Widgets for the home screen",
        "mobile",
        0,
        Horizon::Later,
        "Recent notes and a quick-capture button.",
    ),
    (
        "Quick capture from the menu bar",
        "productivity",
        0,
        Horizon::Unplanned,
        "A global shortcut opens a small capture window.",
    ),
    (
        "Nested notebooks",
        "ui",
        0,
        Horizon::Later,
        "Notebooks inside notebooks, three levels deep.",
    ),
];

const COMMENTS: &[&str] = &[
    "Customers ask for this **every week** in support.",
    "I sketched a first version; see the design file.",
    "Could we ship a smaller first step and learn from it?",
    "Agreed — let's keep the scope tight for the first release.",
    "This depends on the sync rewrite landing first.",
];

const VERBS: &[&str] = &[
    "Improve", "Add", "Fix", "Speed up", "Redesign", "Simplify", "Support", "Remove",
];
const THINGS: &[&str] = &[
    "search results",
    "note sharing",
    "the sync engine",
    "tag filters",
    "the editor toolbar",
    "import from CSV",
    "offline mode",
    "notifications",
    "the sign-in page",
    "export to PDF",
    "team invitations",
    "attachments",
    "reminders",
    "keyboard shortcuts",
    "the mobile menu",
];
const TAGS: &[&str] = &[
    "ui",
    "mobile",
    "sync",
    "search",
    "performance",
    "security",
    "editor",
    "teams",
    "import",
    "export",
    "bug",
    "accessibility",
];

/// A small deterministic generator, so the same size gives the same data.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

/// One generated item before it is stored.
struct Spec {
    title: String,
    description: String,
    tags: Vec<String>,
    status: usize,
    horizon: Horizon,
    dates: Option<(String, String)>,
    assigned: bool,
}

fn specs(count: usize) -> Vec<Spec> {
    let mut sequence = Sequence(0x2545_f491_4f6c_dd1d);
    (0..count)
        .map(|n| {
            let dates = |sequence: &mut Sequence| {
                let month = 1 + sequence.next(12);
                let day = 1 + sequence.next(20);
                Some((
                    format!("2027-{month:02}-{day:02}"),
                    format!("2027-{month:02}-{:02}", day + 1 + sequence.next(7)),
                ))
            };
            if let Some((title, tags, status, horizon, description)) = CURATED.get(n) {
                let mut tags: Vec<String> = tags.split(", ").map(str::to_owned).collect();
                tags.sort();
                return Spec {
                    title: (*title).to_owned(),
                    description: (*description).to_owned(),
                    tags,
                    status: *status,
                    horizon: *horizon,
                    dates: (*horizon != Horizon::Unplanned)
                        .then(|| dates(&mut sequence))
                        .flatten(),
                    assigned: n % 3 != 2,
                };
            }
            let verb = VERBS[sequence.next(VERBS.len())];
            let thing = THINGS[sequence.next(THINGS.len())];
            let mut tags = vec![TAGS[sequence.next(TAGS.len())].to_owned()];
            let second = TAGS[sequence.next(TAGS.len())].to_owned();
            if !tags.contains(&second) {
                tags.push(second);
            }
            tags.sort();
            let horizon = Horizon::ALL[sequence.next(Horizon::ALL.len())];
            Spec {
                title: format!("{verb} {thing} ({n})"),
                description: format!("{verb} {thing}: found in feedback round {}.", n % 97),
                tags,
                status: sequence.next(4),
                horizon,
                dates: (sequence.next(3) == 0)
                    .then(|| dates(&mut sequence))
                    .flatten(),
                assigned: sequence.next(2) == 0,
            }
        })
        .collect()
}

/// Ratings on the Value vs Effort criteria (three values 0–10, a T-shirt
/// size, a risk 0–10): most items rated on all, some on a few, every fifth
/// not at all, so that the table shows scored, partly rated and unscored
/// items.
fn demo_ratings(count: usize) -> Vec<[Option<f64>; 5]> {
    let mut sequence = Sequence(0x9e37_79b9_7f4a_7c15);
    (0..count)
        .map(|n| {
            let mut ratings = [
                Some(sequence.next(11) as f64),
                Some(sequence.next(11) as f64),
                Some(sequence.next(11) as f64),
                Some(sequence.next(5) as f64),
                Some(sequence.next(11) as f64),
            ];
            match n % 5 {
                4 => ratings = [None; 5],
                3 => ratings[sequence.next(5)] = None,
                _ => {}
            }
            ratings
        })
        .collect()
}

/// The demo's saved views: name, page, filter.
const SAVED_VIEWS: [(&str, ViewKind, &str); 3] = [
    ("Mobile roadmap", ViewKind::Roadmap, "tag=mobile"),
    ("Highest scores", ViewKind::Items, "sort=score"),
    ("Quarter plan", ViewKind::Timeline, "scale=quarter"),
];

/// What `seed` made.
pub struct Seeded {
    pub slug: String,
    pub items: usize,
}

/// Creates a workspace owned by `owner_id` with `count` items (the first
/// 40 hand-written, the rest generated), comments on the first few, and
/// `comments_on_first` comments on the first item. Tries `slug`, then
/// `slug-2`, `slug-3`… until one is free. With `limits`, the owner is held
/// to them (a person through the site; not the operator's command line).
pub async fn seed(
    state: &AppState,
    owner_id: i64,
    owner_name: &str,
    slug: &str,
    count: usize,
    comments_on_first: usize,
    limits: Option<WorkspaceLimits>,
) -> Result<Seeded, AppError> {
    let mut tx = state.db.begin().await?;
    if let Some(limits) = limits {
        check_limits(&state.db, &mut tx, owner_id, limits).await?;
    }
    let mut attempt = 1;
    let (workspace_id, slug) = loop {
        let candidate = if attempt == 1 {
            slug.to_owned()
        } else {
            format!("{slug}-{attempt}")
        };
        // Checked first: on PostgreSQL a failed insert would end the
        // transaction.
        if !workspaces::slug_is_free(&mut tx, &candidate).await? {
            attempt += 1;
            if attempt > 100 {
                return Err(AppError::Conflict("no free address for the demo".into()));
            }
            continue;
        }
        let made = workspaces::insert(
            &mut tx,
            NewWorkspace {
                name: "Demo: Acme Notes",
                slug: &candidate,
                description: "A sample backlog for a notes app, to try Waymark with. Change or delete anything.",
                key_prefix: "DEMO",
                created_by: owner_id,
            },
        )
        .await;
        match made {
            Ok(id) => break (id, candidate),
            Err(SlugError::Taken) => {
                return Err(AppError::Conflict(
                    "the demo's address was just taken; try again".into(),
                ));
            }
            Err(SlugError::Db(err)) => return Err(err.into()),
        }
    };
    memberships::insert(&mut tx, workspace_id, owner_id, Role::Owner).await?;
    statuses::insert_defaults(&mut tx, workspace_id).await?;
    let status_ids: Vec<i64> = statuses::list_in(&mut tx, workspace_id)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();

    let specs = specs(count);
    let first_number = items::take_numbers(&mut tx, workspace_id, count as i64).await?;
    // Each status's column in the order the items come.
    let mut ranks: Vec<std::vec::IntoIter<String>> = Vec::new();
    for (index, _) in status_ids.iter().enumerate() {
        let in_column = specs.iter().filter(|s| s.status == index).count();
        ranks.push(
            rank::after_each(None, in_column)
                .map_err(AppError::internal)?
                .into_iter(),
        );
    }
    // Each roadmap lane in the order the items come.
    let mut roadmap_ranks: Vec<(Horizon, std::vec::IntoIter<String>)> = Vec::new();
    for horizon in Horizon::ALL {
        let in_lane = specs.iter().filter(|s| s.horizon == horizon).count();
        roadmap_ranks.push((
            horizon,
            rank::after_each(None, in_lane)
                .map_err(AppError::internal)?
                .into_iter(),
        ));
    }
    let now = now_ms();
    let unscored = StoredScore {
        score: Score {
            value: None,
            effort: None,
            priority: None,
            partly_rated: false,
            reason: None,
        },
        no_score_reason: None,
    };
    let mut item_ids = Vec::with_capacity(count);
    for (n, spec) in specs.iter().enumerate() {
        let rank = ranks[spec.status]
            .next()
            .ok_or_else(|| AppError::internal("a rank for every item"))?;
        let roadmap_rank = roadmap_ranks
            .iter_mut()
            .find(|(horizon, _)| *horizon == spec.horizon)
            .and_then(|(_, ranks)| ranks.next())
            .ok_or_else(|| AppError::internal("a roadmap rank for every item"))?;
        let id = items::insert(
            &mut tx,
            NewItem {
                workspace_id,
                number: first_number + n as i64,
                fields: Fields {
                    title: &spec.title,
                    description: &spec.description,
                    status_id: status_ids[spec.status],
                    assignee_id: spec.assigned.then_some(owner_id),
                    start_date: spec.dates.as_ref().map(|d| d.0.as_str()),
                    end_date: spec.dates.as_ref().map(|d| d.1.as_str()),
                    horizon: spec.horizon,
                    rank: &rank,
                    roadmap_rank: &roadmap_rank,
                    tags: &spec.tags,
                },
                // Scored with the rest once they are rated, below.
                score: &unscored,
                actor_id: owner_id,
                now,
            },
        )
        .await?;
        item_ids.push(id);
        let created = Change {
            field: "created",
            old_value: "",
            new_value: &spec.title,
        };
        item_activity::record(&mut tx, id, owner_id, now, &[created]).await?;
        let comment_count = match n {
            0 => comments_on_first.max(2),
            1..=7 => 1 + n % 3,
            _ => 0,
        };
        for c in 0..comment_count {
            let body = format!("{} — {owner_name}", COMMENTS[(n + c) % COMMENTS.len()]);
            comments::insert(&mut tx, id, owner_id, &body, now).await?;
        }
    }
    // Rated on the default framework, Value vs Effort.
    criteria::insert_preset(&mut tx, workspace_id, &PRESETS[0]).await?;
    let criterion_ids: Vec<i64> = criteria::framework_in(&mut tx, workspace_id)
        .await?
        .criteria
        .iter()
        .map(|c| c.id)
        .collect();
    let rated: Vec<(i64, i64, f64)> = demo_ratings(count)
        .into_iter()
        .zip(&item_ids)
        .flat_map(|(ratings, item_id)| {
            ratings
                .into_iter()
                .zip(&criterion_ids)
                .filter_map(move |(rating, criterion_id)| {
                    rating.map(|r| (*item_id, *criterion_id, r))
                })
        })
        .collect();
    ratings::insert_many(&mut tx, &rated, owner_id, now).await?;
    scoring::recompute_all(&mut tx, workspace_id).await?;
    for (name, kind, params) in SAVED_VIEWS {
        let new = NewView {
            workspace_id,
            name,
            kind,
            params: &kind.canonical(params),
            created_by: owner_id,
        };
        saved_views::insert(&mut tx, new)
            .await
            .map_err(AppError::internal)?;
    }
    tx.commit().await?;
    Ok(Seeded { slug, items: count })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_the_same_every_time_and_well_formed() {
        let first = specs(200);
        let again = specs(200);
        assert_eq!(first.len(), 200);
        for (a, b) in first.iter().zip(&again) {
            assert_eq!(a.title, b.title);
            assert_eq!(a.tags, b.tags);
        }
        for spec in &first {
            assert!(
                crate::model::parse_title(&spec.title).is_ok(),
                "{}",
                spec.title
            );
            assert!(spec.status < 4);
            assert!(
                spec.tags
                    .iter()
                    .all(|t| crate::model::parse_tag(t).as_ref() == Ok(t))
            );
            if let Some((start, end)) = &spec.dates {
                assert!(crate::model::parse_date(start).unwrap().is_some());
                assert!(crate::model::parse_date(end).unwrap().is_some());
                assert!(end > start);
            }
        }
        assert_eq!(first[0].title, CURATED[0].0);
    }
}
