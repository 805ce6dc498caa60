//! `/w/:slug/settings/scoring`: the workspace's scoring framework. Editors
//! and owners add, rename, reweigh, reorder and remove criteria and write
//! the formula; with JavaScript the top ten items' scores under the edit
//! show before it is saved. Saving rescores every item. The others see the
//! framework.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::scoring::{PreviewFramework, SaveFramework, load_framework};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, Notice, Submit, form_error, succeeded};
use crate::components::suspend;
use crate::components::workspace_frame::{Section, slug_param, with_workspace};
use crate::error::AppError;
use crate::model::{
    CriterionInfo, Permission, PreviewRow, ScoringFramework, WorkspaceView, show_score,
};
use crate::scoring::score::{Direction, Factor, Scale};

#[derive(Clone, Copy)]
struct ScoringData {
    save: ServerAction<SaveFramework>,
    preview: ServerAction<PreviewFramework>,
    framework: Resource<Result<ScoringFramework, AppError>>,
}

/// The route to [`WorkspaceScoringPage`], whose code the browser loads on the first visit.
pub struct WorkspaceScoringRoute;

#[lazy_route]
impl LazyRoute for WorkspaceScoringRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <WorkspaceScoringPage /> }.into_any()
    }
}

#[component]
pub fn WorkspaceScoringPage() -> impl IntoView {
    let slug = slug_param();
    let save = server_action::<SaveFramework>();
    let data = ScoringData {
        save,
        preview: server_action::<PreviewFramework>(),
        framework: Resource::new(
            move || (slug.get(), save.version().get()),
            |(slug, _)| load_framework(slug),
        ),
    };
    with_workspace(
        Section::Scoring,
        move |w: WorkspaceView| view! { <Scoring workspace=w data /> },
    )
}

#[component]
fn Scoring(workspace: WorkspaceView, data: ScoringData) -> impl IntoView {
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    let saved = data.save.value();
    view! {
        <section class="panel" aria-labelledby="scoring-heading">
            <h2 id="scoring-heading">"Scoring framework"</h2>
            <p class="muted">
                "Each item's score comes from its ratings on these criteria: "
                "(Value + (1 − Effort)) / 2 × 100, each factor the weighted mean of its rated criteria, "
                "unless a formula says otherwise."
            </p>
            <FormError error=form_error(saved, &[]) />
            <Notice show=succeeded(saved) message="Saved; every item was scored again." />
            <Transition>
                {move || {
                    let slug = slug.clone();
                    suspend(async move {
                        match data.framework.await {
                            Ok(framework) => view! { <FrameworkForm slug framework can_edit data /> }.into_any(),
                            Err(error) => error_view(error, "/"),
                        }
                    })
                }}
            </Transition>
        </section>
        {can_edit.then(|| view! { <Preview data /> })}
    }
}

/// Every criterion as a row of the one form, and a blank row for a new
/// one; the arrows save the form with that row moved.
#[component]
fn FrameworkForm(
    slug: String,
    framework: ScoringFramework,
    can_edit: bool,
    data: ScoringData,
) -> impl IntoView {
    let form = NodeRef::<leptos::html::Form>::new();
    // With JavaScript, each change asks for the preview of the form as it
    // stands.
    let preview = move || {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form.get_untracked()
            && let Ok(form_data) = web_sys::FormData::new_with_form(&form)
            && let Ok(input) =
                <PreviewFramework as leptos::form::FromFormData>::from_form_data(&form_data)
        {
            data.preview.dispatch(input);
        }
    };
    let variables: Vec<String> = framework
        .criteria
        .iter()
        .map(CriterionInfo::variable)
        .collect();
    let last = framework.criteria.len().saturating_sub(1);
    let rows = framework
        .criteria
        .iter()
        .enumerate()
        .map(|(row, c)| view! { <CriterionRow row criterion=Some(c.clone()) first=row == 0 last=row == last can_edit /> })
        .collect_view();
    let blank = can_edit.then(|| {
        let row = framework.criteria.len();
        view! { <CriterionRow row criterion=None first=true last=true can_edit /> }
    });
    view! {
        <ActionForm action=data.save node_ref=form attr:class="framework-form" on:input=move |_| preview() on:change=move |_| preview()>
            <input type="hidden" name="slug" value=slug />
            <fieldset disabled=!can_edit>
                <legend class="visually-hidden">"Criteria"</legend>
                <div class="table-scroll">
                <table class="criteria-table">
                    <thead>
                        <tr>
                            <th scope="col">"Criterion"</th>
                            <th scope="col">"Factor"</th>
                            <th scope="col">"Weight"</th>
                            <th scope="col">"Scale"</th>
                            <th scope="col">"Direction"</th>
                            {can_edit.then(|| view! {
                                <th scope="col">"Order"</th>
                                <th scope="col">"Remove"</th>
                            })}
                        </tr>
                    </thead>
                    <tbody>{rows}{blank}</tbody>
                </table>
                </div>
                <div class="field">
                    <label for="formula">"Formula"</label>
                    <textarea id="formula" name="formula" rows="2" maxlength="1000" aria-describedby="formula-hint">
                        {framework.formula.clone().unwrap_or_default()}
                    </textarea>
                    <p id="formula-hint" class="muted small">
                        "Empty: the default score. Otherwise numbers, + − × ÷ ^, parentheses, min, max, sqrt, log, abs, "
                        "and each criterion's rating as entered: "
                        {variables.iter().map(|v| view! { <code>{v.clone()}</code>" " }).collect_view()}
                    </p>
                </div>
            </fieldset>
            {can_edit.then(|| view! {
                <Submit label="Save framework" busy_label="Saving and rescoring…" pending=data.save.pending() />
            })}
        </ActionForm>
    }
}

#[component]
fn CriterionRow(
    row: usize,
    criterion: Option<CriterionInfo>,
    first: bool,
    last: bool,
    can_edit: bool,
) -> impl IntoView {
    let field = move |name: &str| format!("criteria[{row}][{name}]");
    let new = criterion.is_none();
    let c = criterion.unwrap_or(CriterionInfo {
        id: 0,
        name: String::new(),
        criterion: crate::scoring::score::Criterion {
            factor: Factor::Value,
            weight: 1.0,
            scale: Scale::ZeroToTen,
            direction: Direction::MoreIsMore,
        },
    });
    let label = if new {
        "new criterion".to_owned()
    } else {
        c.name.clone()
    };
    view! {
        <tr class:criteria-table__new=new>
            <td>
                <input type="hidden" name=field("id") value=if new { String::new() } else { c.id.to_string() } />
                <input
                    type="text"
                    name=field("name")
                    value=c.name.clone()
                    maxlength="60"
                    placeholder=new.then_some("Add a criterion")
                    aria-label=if new { "Name of a new criterion".to_owned() } else { format!("Name of {}", c.name) }
                />
            </td>
            <td>
                <select name=field("factor") aria-label=format!("Factor of {label}")>
                    {[Factor::Value, Factor::Effort].into_iter().map(|f| view! {
                        <option value=f.as_str() selected=f == c.criterion.factor>{f.label()}</option>
                    }).collect_view()}
                </select>
            </td>
            <td>
                <input
                    type="number"
                    name=field("weight")
                    value=c.criterion.weight.to_string()
                    min="0"
                    step="any"
                    class="criteria-table__weight"
                    aria-label=format!("Weight of {label}")
                />
            </td>
            <td>
                <select name=field("scale") aria-label=format!("Scale of {label}")>
                    {Scale::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=s == c.criterion.scale>{s.label()}</option>
                    }).collect_view()}
                </select>
            </td>
            <td>
                <select name=field("direction") aria-label=format!("Direction of {label}")>
                    <option value=Direction::MoreIsMore.as_str() selected=c.criterion.direction == Direction::MoreIsMore>"More is more"</option>
                    <option value=Direction::MoreIsLess.as_str() selected=c.criterion.direction == Direction::MoreIsLess>"More is less"</option>
                </select>
            </td>
            {(can_edit && !new).then(|| view! {
                <td class="criteria-table__order">
                    <button type="submit" name="shift" value=format!("{row}:up") class="button button--quiet button--small" disabled=first aria-label=format!("Move {label} up")>"↑"</button>
                    <button type="submit" name="shift" value=format!("{row}:down") class="button button--quiet button--small" disabled=last aria-label=format!("Move {label} down")>"↓"</button>
                </td>
                <td>
                    <input type="checkbox" name=field("remove") aria-label=format!("Remove {label}") />
                </td>
            })}
            {(can_edit && new).then(|| view! { <td></td><td></td> })}
        </tr>
    }
}

/// The top ten items by score, now and as the form stands.
#[component]
fn Preview(data: ScoringData) -> impl IntoView {
    let value = data.preview.value();
    view! {
        <section class="panel" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <FormError error=form_error(value, &[]) />
            {move || match value.get() {
                Some(Ok(preview)) => view! {
                    {(!preview.unfit.is_empty()).then(|| view! {
                        <div class="notice" role="status" data-testid="unfit-ratings">
                            {preview.unfit.iter().map(|u| view! { <p>{u.sentence()}</p> }).collect_view()}
                        </div>
                    })}
                    <PreviewTable rows=preview.rows />
                }
                .into_any(),
                _ => view! {
                    <p class="muted">"Change the framework to see what it does to the top ten items' scores before you save it."</p>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn PreviewTable(rows: Vec<PreviewRow>) -> impl IntoView {
    view! {
        <div class="table-scroll">
        <table class="preview-table" data-testid="preview">
            <thead>
                <tr>
                    <th scope="col">"Item"</th>
                    <th scope="col">"Score now"</th>
                    <th scope="col">"After the change"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{format!("{} {}", r.key, r.title)}</td>
                        <td class="items-table__score">{show_score(r.before)}</td>
                        <td class="items-table__score">{show_score(r.after)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
