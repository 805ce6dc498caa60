//! `/w/:slug/rounds` and `/w/:slug/rounds/:id`: scoring rounds. An editor
//! starts one on chosen items, criteria and members; each participant rates
//! privately while the page shows who has finished, never what anyone
//! rated; the editor reveals the ratings (each item × criterion's lowest,
//! highest, mean, agreement and distribution) and applies the agreed
//! values to the items. Every form posts without JavaScript too.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::{LazyRoute, lazy_route};

use crate::api::rounds::{
    ApplyRound, CreateRound, RateInRound, RevealRound, load_round, load_round_choices, load_rounds,
};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, form_error};
use crate::components::suspend;
use crate::components::toast::toast_results;
use crate::components::workspace_frame::{Section, slug_param, with_workspace};
use crate::error::AppError;
use crate::model::{
    CriterionInfo, Permission, RoundChoices, RoundState, RoundSummary, RoundView, WorkspaceView,
};
use crate::scoring::round::Summary;
use crate::scoring::score::{Scale, TSHIRT_SIZES};

/// The route to [`RoundsPage`], whose code the browser loads on the first visit.
pub struct RoundsRoute;

#[lazy_route]
impl LazyRoute for RoundsRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <RoundsPage /> }.into_any()
    }
}

/// The route to [`RoundPage`], whose code the browser loads on the first visit.
pub struct RoundRoute;

#[lazy_route]
impl LazyRoute for RoundRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <RoundPage /> }.into_any()
    }
}

#[component]
pub fn RoundsPage() -> impl IntoView {
    let slug = slug_param();
    let create = server_action::<CreateRound>();
    let rounds = Resource::new(
        move || (slug.get(), create.version().get()),
        |(slug, _)| load_rounds(slug),
    );
    // Made with the page, not inside the workspace's Suspense: on the
    // server that Suspense may draw its content more than once and drop a
    // resource an earlier draw made, which the browser then fetches again
    // and draws differently from the server's page.
    let choices = Resource::new(move || slug.get(), load_round_choices);
    // With JavaScript, a new round opens at once.
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(id)) = create.value().get() {
            navigate(
                &format!("/w/{}/rounds/{id}", slug.get_untracked()),
                Default::default(),
            );
        }
    });
    with_workspace(Section::Rounds, move |w: WorkspaceView| {
        let can_start = w.role.allows(Permission::Edit);
        let slug = w.slug.clone();
        view! {
            <section class="panel" aria-labelledby="rounds-heading">
                <h2 id="rounds-heading">"Scoring rounds"</h2>
                <p class="muted">
                    "Members rate the same items privately; the ratings show once an editor reveals them, "
                    "with how far everyone agrees; the editor then applies the agreed values."
                </p>
                <Transition>
                    {move || {
                        let slug = slug.clone();
                        suspend(async move {
                            match rounds.await {
                                Ok(list) => view! { <RoundList slug list /> }.into_any(),
                                Err(error) => error_view(error, "/"),
                            }
                        })
                    }}
                </Transition>
            </section>
            {can_start.then(|| view! { <StartRound choices create /> })}
        }
    })
}

#[component]
fn RoundList(slug: String, list: Vec<RoundSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty-state">"No round yet."</p> }.into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="rounds-table">
                <thead>
                    <tr>
                        <th scope="col">"Round"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Items"</th>
                        <th scope="col">"Finished"</th>
                        <th scope="col">"Started"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.into_iter().map(|r| view! {
                        <tr data-round=r.id>
                            <td>
                                <a href=format!("/w/{slug}/rounds/{}", r.id)>{r.name}</a>
                                {r.mine.then(|| view! { " " <span class="badge">"You take part"</span> })}
                            </td>
                            <td>{r.state.label()}</td>
                            <td>{r.items}</td>
                            <td>{format!("{} of {}", r.finished, r.participants)}</td>
                            <td class="muted small">{format!("{} by {}", r.created, r.created_by)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn StartRound(
    choices: Resource<Result<RoundChoices, AppError>>,
    create: ServerAction<CreateRound>,
) -> impl IntoView {
    let value = create.value();
    view! {
        <section class="panel" aria-labelledby="start-round-heading">
            <h2 id="start-round-heading">"Start a round"</h2>
            <Suspense>
                {move || suspend(async move {
                    match choices.await {
                        Ok(choices) => view! { <StartForm choices create /> }.into_any(),
                        Err(error) => error_view(error, "/"),
                    }
                })}
            </Suspense>
            <FormError error=form_error(value, &[]) />
        </section>
    }
}

#[component]
fn StartForm(choices: RoundChoices, create: ServerAction<CreateRound>) -> impl IntoView {
    let slug = slug_param().get_untracked();
    view! {
        <ActionForm action=create attr:class="round-form">
            <input type="hidden" name="slug" value=slug />
            <div class="field">
                <label for="round-name">"Name"</label>
                <input id="round-name" name="name" type="text" maxlength="100" required placeholder="Q3 planning" />
            </div>
            <Choices
                legend="Items (the highest scores first)"
                name="items[]"
                checked=false
                options=choices.items.into_iter().map(|i| (i.key.clone(), format!("{} {}", i.key, i.title))).collect()
            />
            <Choices
                legend="Criteria"
                name="criteria[]"
                checked=true
                options=choices.criteria.into_iter().map(|c| (c.id.to_string(), c.name)).collect()
            />
            <Choices
                legend="Who rates"
                name="participants[]"
                checked=true
                options=choices.members.into_iter().map(|m| (m.id.to_string(), m.name)).collect()
            />
            <button type="submit" class="button">"Start the round"</button>
        </ActionForm>
    }
}

/// One list of the start form: a checkbox per option, (value, label).
#[component]
fn Choices(
    legend: &'static str,
    name: &'static str,
    checked: bool,
    options: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <fieldset class="round-form__choices">
            <legend>{legend}</legend>
            {options.into_iter().enumerate().map(|(n, (value, label))| {
                let id = format!("{}-{n}", name.trim_end_matches("[]"));
                view! {
                    <label class="check" for=id.clone()>
                        <input id=id.clone() type="checkbox" name=name value=value checked=checked />
                        {format!(" {label}")}
                    </label>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn RoundPage() -> impl IntoView {
    let slug = slug_param();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .with(|p| p.get("id"))
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let rate = server_action::<RateInRound>();
    let reveal = server_action::<RevealRound>();
    let apply = server_action::<ApplyRound>();
    toast_results(rate.value(), |_: &RoundView| {
        Some("Your ratings are saved.".to_owned())
    });
    toast_results(reveal.value(), |_: &RoundView| Some("Revealed.".to_owned()));
    toast_results(apply.value(), |_: &RoundView| {
        Some("Applied: the items carry the agreed ratings.".to_owned())
    });
    let round = Resource::new(
        move || {
            (
                slug.get(),
                id.get(),
                rate.version().get(),
                reveal.version().get(),
                apply.version().get(),
            )
        },
        |(slug, id, ..)| load_round(slug, id),
    );
    with_workspace(Section::Rounds, move |w: WorkspaceView| {
        let slug = w.slug.clone();
        view! {
            <FormError error=form_error(rate.value(), &[]) />
            <FormError error=form_error(reveal.value(), &[]) />
            <FormError error=form_error(apply.value(), &[]) />
            <Transition>
                {move || {
                    let slug = slug.clone();
                    suspend(async move {
                        match round.await {
                            Ok(round) => view! { <Round slug round rate reveal apply /> }.into_any(),
                            Err(error) => error_view(error, "/"),
                        }
                    })
                }}
            </Transition>
        }
    })
}

#[component]
fn Round(
    slug: String,
    round: RoundView,
    rate: ServerAction<RateInRound>,
    reveal: ServerAction<RevealRound>,
    apply: ServerAction<ApplyRound>,
) -> impl IntoView {
    let open = round.state == RoundState::Open;
    let finished = round.participants.iter().filter(|p| p.finished).count();
    let (rate_slug, reveal_slug) = (slug.clone(), slug.clone());
    let (rate_round, results_round, round_id) = (round.clone(), round.clone(), round.id);
    view! {
        <section class="panel round" aria-labelledby="round-heading" data-state=round.state.as_str()>
            <p class="muted"><a href=format!("/w/{slug}/rounds")>"Rounds"</a>" / "{round.name.clone()}</p>
            <h2 id="round-heading">{round.name.clone()}" "<span class="badge">{round.state.label()}</span></h2>
            <p class="muted small">{format!("Started {} by {}", round.created, round.created_by)}</p>
            <h3>"Who has finished"</h3>
            <p data-testid="round-progress">{format!("{finished} of {} finished.", round.participants.len())}</p>
            <ul class="round__people">
                {round.participants.iter().map(|p| view! {
                    <li>{p.name.clone()}" "<span class="muted small">{if p.finished { "finished" } else { "rating" }}</span></li>
                }).collect_view()}
            </ul>
        </section>
        {(open && round.participant).then(move || view! { <RateForm slug=rate_slug round=rate_round rate /> })}
        {(open && !round.participant).then(|| view! {
            <p class="notice">"You are not taking part in this round; its ratings show once it is revealed."</p>
        })}
        {(open && round.can_manage).then(move || view! {
            <ActionForm action=reveal attr:class="round__reveal">
                <input type="hidden" name="slug" value=reveal_slug />
                <input type="hidden" name="id" value=round_id />
                <button type="submit" class="button">"Reveal the ratings"</button>
            </ActionForm>
        })}
        {(!open).then(move || view! { <Reveal slug round=results_round apply /> })}
    }
}

/// A round grid's header: the item column, then a column per criterion.
#[component]
fn GridHead<'a>(criteria: &'a [CriterionInfo]) -> impl IntoView {
    let names: Vec<String> = criteria.iter().map(|c| c.name.clone()).collect();
    view! {
        <thead>
            <tr>
                <th scope="col">"Item"</th>
                {names.into_iter().map(|name| view! { <th scope="col">{name}</th> }).collect_view()}
            </tr>
        </thead>
    }
}

/// The participant's own ratings: one control per item and criterion.
#[component]
fn RateForm(slug: String, round: RoundView, rate: ServerAction<RateInRound>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="rate-heading">
            <h3 id="rate-heading">"Your ratings"</h3>
            <p class="muted">"Nobody else sees them until the round is revealed."</p>
            <ActionForm action=rate attr:class="round-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="id" value=round.id />
                <div class="table-scroll">
                    <table class="round-grid">
                        <GridHead criteria=&round.criteria />
                        <tbody>
                            {round.items.iter().enumerate().map(|(i, item)| view! {
                                <tr>
                                    <th scope="row">{format!("{} {}", item.key, item.title)}</th>
                                    {round.criteria.iter().enumerate().map(|(c, criterion)| {
                                        let mine = round.mine.get(i).and_then(|row| row.get(c)).copied().flatten();
                                        let name = format!("ratings[{}:{}]", item.key, criterion.id);
                                        let label = format!("{} on {}", item.key, criterion.name);
                                        view! { <td><RatingInput name label criterion=criterion.clone() value=mine /></td> }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <label class="check">
                    <input type="checkbox" name="finished" value="1" checked=round.finished />
                    " I have finished rating"
                </label>
                <button type="submit" class="button">"Save my ratings"</button>
            </ActionForm>
        </section>
    }
}

/// One rating's control, as its scale takes it; empty for not rated.
#[component]
fn RatingInput(
    name: String,
    label: String,
    criterion: CriterionInfo,
    value: Option<f64>,
) -> impl IntoView {
    let options: Option<Vec<(String, String)>> = match criterion.criterion.scale {
        Scale::ZeroToTen => Some((0..=10).map(|n| (n.to_string(), n.to_string())).collect()),
        Scale::TShirt => Some(
            TSHIRT_SIZES
                .iter()
                .enumerate()
                .map(|(n, size)| (n.to_string(), (*size).to_owned()))
                .collect(),
        ),
        Scale::YesNo => Some(vec![("1".into(), "yes".into()), ("0".into(), "no".into())]),
        Scale::Percentage | Scale::Number => None,
    };
    let current = value.map(|v| format!("{v}"));
    match options {
        Some(options) => view! {
            <select name=name aria-label=label>
                <option value="">"—"</option>
                {options.into_iter().map(|(v, text)| {
                    let selected = current.as_deref() == Some(v.as_str());
                    view! { <option value=v selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
        None => {
            let max = (criterion.criterion.scale == Scale::Percentage).then_some("100");
            view! {
                <input type="number" name=name aria-label=label min="0" max=max step="any" value=current />
            }
            .into_any()
        }
    }
}

/// After the reveal: each item × criterion's summary, and for an editor of
/// a round not yet applied, the value to apply.
#[component]
fn Reveal(slug: String, round: RoundView, apply: ServerAction<ApplyRound>) -> impl IntoView {
    let applying = round.can_manage && round.state == RoundState::Revealed;
    let grid = view! {
        <div class="table-scroll">
            <table class="round-grid round-grid--revealed" data-testid="round-results">
                <GridHead criteria=&round.criteria />
                <tbody>
                    {round.items.iter().enumerate().map(|(i, item)| view! {
                        <tr data-key=item.key.clone()>
                            <th scope="row">{format!("{} {}", item.key, item.title)}</th>
                            {round.criteria.iter().enumerate().map(|(c, criterion)| {
                                let summary = round.revealed.get(i).and_then(|row| row.get(c)).cloned().flatten();
                                let agreed = applying.then(|| {
                                    let name = format!("agreed[{}:{}]", item.key, criterion.id);
                                    let label = format!("Agreed {} for {}", criterion.name, item.key);
                                    let value = summary.as_ref().map(|s| s.suggested);
                                    view! { <RatingInput name label criterion=criterion.clone() value /> }
                                });
                                view! {
                                    <td>
                                        <SummaryCell criterion=criterion.clone() summary />
                                        {agreed}
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    };
    view! {
        <section class="panel" aria-labelledby="results-heading">
            <h3 id="results-heading">"The ratings"</h3>
            {if applying {
                view! {
                    <p class="muted">"Each cell offers the mean as the scale takes it; change any before applying."</p>
                    <ActionForm action=apply attr:class="round-form">
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="id" value=round.id />
                        {grid}
                        <button type="submit" class="button">"Apply to the items"</button>
                    </ActionForm>
                }
                .into_any()
            } else {
                view! {
                    {(round.state == RoundState::Applied).then(|| view! {
                        <p class="notice" role="status">"Applied: the items carry the agreed ratings."</p>
                    })}
                    {grid}
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn SummaryCell(criterion: CriterionInfo, summary: Option<Summary>) -> impl IntoView {
    let scale = criterion.criterion.scale;
    let Some(s) = summary else {
        return view! { <span class="muted small">"Nobody rated"</span> }.into_any();
    };
    let distribution: Vec<String> = s
        .distribution
        .iter()
        .map(|(rating, count)| format!("{} ×{count}", scale.show(*rating)))
        .collect();
    view! {
        <span class="round-summary">
            <span>{format!("{}–{}, mean {:.1}", scale.show(s.min), scale.show(s.max), s.mean)}</span>
            " "
            <span class=format!("agreement agreement--{}", s.agreement.label())>
                {format!("{} agreement", s.agreement.label())}
            </span>
            <span class="muted small round-summary__spread">{distribution.join(" · ")}</span>
        </span>
    }
    .into_any()
}
