//! The item page's ratings and the score they give.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::api::scoring::RateItem;
use crate::components::form::{FormError, form_error};
use crate::model::{ItemScoring, show_score};
use crate::scoring::score::{Scale, TSHIRT_SIZES};

/// The item's ratings, one control per criterion in the scale's kind, and
/// the score they give, computed here as the user rates (by the engine the
/// server runs, so the saved score is the same). With JavaScript each
/// change saves at once; without, the Save button sends them all.
#[component]
pub(super) fn ScoringPanel(
    slug: String,
    key: String,
    scoring: ItemScoring,
    rate: ServerAction<RateItem>,
) -> impl IntoView {
    let value = rate.value();
    // What the server last said, and the ratings as the user has them now.
    let base = RwSignal::new(scoring.clone());
    let ratings = RwSignal::new(scoring.ratings.clone());
    Effect::new(move || match value.get() {
        Some(Ok(saved)) => {
            ratings.set(saved.ratings.clone());
            base.set(saved);
        }
        // Refused: back to what is stored.
        Some(Err(_)) => ratings.set(base.with_untracked(|b| b.ratings.clone())),
        None => {}
    });
    let preview = Memo::new(move |_| {
        ratings.with(|r| {
            base.with(|b| {
                b.preview(r).map_or((None, false, None), |s| {
                    (s.priority, s.partly_rated, b.framework.no_score_reason(&s))
                })
            })
        })
    });
    let save = {
        let (slug, key) = (slug.clone(), key.clone());
        move |id: i64, rating: Option<String>| {
            let (mut rated, mut cleared) = (HashMap::new(), HashMap::new());
            match rating {
                Some(text) => rated.insert(id.to_string(), text),
                None => cleared.insert(id.to_string(), "on".to_owned()),
            };
            rate.dispatch(RateItem {
                slug: slug.clone(),
                key: key.clone(),
                ratings: Some(rated),
                unrated: Some(cleared),
            });
        }
    };
    let can_rate = scoring.can_rate;
    let rows = scoring
        .framework
        .criteria
        .iter()
        .enumerate()
        .map(|(index, info)| {
            let save = save.clone();
            let set = move |rating: Option<f64>| {
                ratings.update(|r| {
                    if let Some(slot) = r.get_mut(index) {
                        *slot = rating;
                    }
                })
            };
            let current = move || ratings.with(|r| r.get(index).copied().flatten());
            // Properties are set in the browser only: the attributes carry
            // the stored rating into the server's HTML, for a form posted
            // without JavaScript.
            let initial = scoring.ratings.get(index).copied().flatten();
            let id = info.id;
            let name = info.name.clone();
            let criterion_name = info.name.clone();
            let field = format!("ratings[{id}]");
            let control = match info.criterion.scale {
                Scale::ZeroToTen => {
                    let save_slider = save.clone();
                    view! {
                        <div class="rating__slider">
                            <input
                                type="range"
                                min="0"
                                max="10"
                                step="1"
                                name=field.clone()
                                id=format!("rating-{id}")
                                disabled=!can_rate
                                value=initial.unwrap_or(5.0).to_string()
                                prop:value=move || current().unwrap_or(5.0).to_string()
                                on:input=move |ev| set(event_target_value(&ev).parse().ok())
                                on:change=move |ev| save_slider(id, Some(event_target_value(&ev)))
                            />
                            <output>{move || current().map_or_else(|| "—".to_owned(), |v| v.to_string())}</output>
                            <label class="rating__unrated">
                                <input
                                    type="checkbox"
                                    name=format!("unrated[{id}]")
                                    disabled=!can_rate
                                    checked=initial.is_none()
                                    prop:checked=move || current().is_none()
                                    on:change=move |ev| {
                                        if event_target_checked(&ev) {
                                            set(None);
                                            save(id, None);
                                        } else {
                                            set(Some(5.0));
                                            save(id, Some("5".to_owned()));
                                        }
                                    }
                                />
                                "Not rated"
                            </label>
                        </div>
                    }
                    .into_any()
                }
                Scale::Percentage | Scale::Number => {
                    let percent = info.criterion.scale == Scale::Percentage;
                    view! {
                        <input
                            type="number"
                            class="rating__number"
                            min="0"
                            max=percent.then_some("100")
                            step="any"
                            inputmode="decimal"
                            name=field.clone()
                            id=format!("rating-{id}")
                            disabled=!can_rate
                            value=initial.map(|v| v.to_string()).unwrap_or_default()
                            prop:value=move || current().map(|v| v.to_string()).unwrap_or_default()
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                set(text.trim().parse().ok().filter(|v: &f64| v.is_finite() && *v >= 0.0));
                            }
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                save(id, (!text.trim().is_empty()).then_some(text));
                            }
                        />
                        {percent.then_some(" %")}
                    }
                    .into_any()
                }
                scale @ (Scale::TShirt | Scale::YesNo) => {
                    let choices: Vec<(Option<f64>, &'static str)> = match scale {
                        Scale::TShirt => std::iter::once((None, "—"))
                            .chain(TSHIRT_SIZES.iter().enumerate().map(|(n, s)| (Some(n as f64), *s)))
                            .collect(),
                        _ => vec![(None, "—"), (Some(0.0), "No"), (Some(1.0), "Yes")],
                    };
                    view! {
                        <div class="segmented" role="radiogroup" aria-labelledby=format!("rating-{id}-label")>
                            {choices
                                .into_iter()
                                .map(|(rating, label)| {
                                    let save = save.clone();
                                    let input_id = format!("rating-{id}-{}", rating.map_or(-1, |r| r as i64));
                                    view! {
                                        <input
                                            type="radio"
                                            name=field.clone()
                                            id=input_id.clone()
                                            value=rating.map(|r| r.to_string()).unwrap_or_default()
                                            disabled=!can_rate
                                            checked=initial == rating
                                            prop:checked=move || current() == rating
                                            on:change=move |_| {
                                                set(rating);
                                                save(id, rating.map(|r| r.to_string()));
                                            }
                                        />
                                        <label for=input_id>{label}</label>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                    .into_any()
                }
            };
            let label_for = match info.criterion.scale {
                Scale::TShirt | Scale::YesNo => None,
                _ => Some(format!("rating-{id}")),
            };
            view! {
                <div class="rating" data-criterion=criterion_name>
                    <label class="rating__name" id=format!("rating-{id}-label") for=label_for>
                        {name}
                        <span class="muted small">{format!(" · {}", info.criterion.factor.label())}</span>
                    </label>
                    {control}
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="panel scoring" aria-labelledby="scoring-heading">
            <h3 id="scoring-heading">"Score"</h3>
            <p class="scoring__score">
                <span class="scoring__value" data-testid="score" aria-live="polite">
                    {move || show_score(preview.get().0)}
                </span>
                {move || {
                    let (priority, partly, reason) = preview.get();
                    if let Some(reason) = reason {
                        Some(view! { <span class="muted small" data-testid="no-score-reason">{format!(" No score: {reason}.")}</span> }.into_any())
                    } else if priority.is_none() {
                        Some(view! { <span class="muted small">" Not scored yet: rate more criteria."</span> }.into_any())
                    } else if partly {
                        Some(view! { <span class="muted small">" Partly rated."</span> }.into_any())
                    } else {
                        None
                    }
                }}
            </p>
            <ActionForm action=rate attr:class="scoring__form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="key" value=key />
                <FormError error=form_error(value, &[]) />
                {rows}
                {can_rate.then(|| view! { <button type="submit" class="button button--quiet">"Update score"</button> })}
            </ActionForm>
        </section>
    }
}
