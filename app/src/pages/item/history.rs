//! An item's history as its page lists it: every change, and the score's
//! moves with their causes.

use leptos::prelude::*;

use crate::model::ActivityEntry;

fn field_label(field: &str) -> &str {
    match field {
        "title" => "title",
        "description" => "description",
        "status" => "status",
        "tags" => "tags",
        "assignee" => "assignee",
        "start_date" => "start date",
        "end_date" => "end date",
        "horizon" => "horizon",
        "archived" => "archive state",
        other => other,
    }
}

fn shorten(text: &str) -> String {
    if text.is_empty() {
        return "nothing".to_owned();
    }
    let short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        format!("“{short}…”")
    } else {
        format!("“{short}”")
    }
}

#[component]
pub(super) fn Activity(entries: Vec<ActivityEntry>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="activity-heading">
            <h3 id="activity-heading">"History"</h3>
            <ol class="activity">
                {entries.into_iter().map(|e| {
                    let rating = e.field.strip_prefix("rating:");
                    let what = if let Some(criterion) = rating {
                        format!("rated {criterion} {} (was {})", e.new_value, e.old_value)
                    } else if let Some(cause) = e.field.strip_prefix("score:") {
                        format!("moved the score from {} to {}: {}", e.old_value, e.new_value, score_cause(cause))
                    } else if e.field == "round" {
                        format!("applied the scoring round “{}”", e.new_value)
                    } else if e.field == "created" {
                        "created the item".to_owned()
                    } else if e.field == "description" {
                        "changed the description".to_owned()
                    } else {
                        format!("changed the {} from {} to {}", field_label(&e.field), shorten(&e.old_value), shorten(&e.new_value))
                    };
                    view! {
                        <li>
                            <strong>{e.actor}</strong>" "{what}
                            <span class="muted small">{format!(" · {}", e.at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Why a score moved when no rating of the item did: the cause a rescore
/// wrote after `score:`.
fn score_cause(cause: &str) -> String {
    match cause.strip_prefix("largest:") {
        Some(criteria) => format!(
            "the largest {criteria} rating in the workspace changed, and number scales rate against it"
        ),
        None if cause == "framework" => "the scoring framework was edited".to_owned(),
        None => cause.to_owned(),
    }
}

/// How many of the last score changes the item page explains.
const SCORE_CHANGES_SHOWN: usize = 5;

/// "Why did this move?": the item's last score changes, newest first, each
/// with what moved it — the ratings changed in the same action, an edit of
/// the framework, or another item's rating on a number scale.
#[component]
pub(super) fn ScoreHistory(entries: Vec<ActivityEntry>) -> impl IntoView {
    let moves: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.field == "score" || e.field.starts_with("score:"))
        .take(SCORE_CHANGES_SHOWN)
        .map(|e| {
            let cause = match e.field.strip_prefix("score:") {
                Some(cause) => score_cause(cause),
                None => {
                    let same_action = |r: &&ActivityEntry| r.at_ms == e.at_ms && r.actor == e.actor;
                    let round = entries
                        .iter()
                        .filter(same_action)
                        .find(|r| r.field == "round")
                        .map(|r| format!(", applying the scoring round “{}”", r.new_value))
                        .unwrap_or_default();
                    let ratings: Vec<String> = entries
                        .iter()
                        .filter(same_action)
                        .filter_map(|r| {
                            let criterion = r.field.strip_prefix("rating:")?;
                            Some(format!("{criterion} {} (was {})", r.new_value, r.old_value))
                        })
                        .collect();
                    if ratings.is_empty() {
                        format!("{} changed its ratings{round}", e.actor)
                    } else {
                        format!("{} rated {}{round}", e.actor, ratings.join(", "))
                    }
                }
            };
            let change = format!("{} → {}", e.old_value, e.new_value);
            (change, format!("{cause} · {}", e.at))
        })
        .collect();
    (!moves.is_empty()).then(|| {
        view! {
            <section class="panel score-history" aria-labelledby="score-history-heading" data-testid="score-history">
                <h3 id="score-history-heading">"Why the score moved"</h3>
                <ol class="score-history__list">
                    {moves.into_iter().map(|(change, why)| view! {
                        <li>
                            <strong class="score-history__change">{change}</strong>
                            " "
                            <span class="muted small">{why}</span>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        }
    })
}
