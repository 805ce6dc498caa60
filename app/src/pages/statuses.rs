//! `/w/:slug/settings/statuses`: the workspace's statuses in board order.
//! Editors and owners add, rename, recolour, reorder and delete them; the
//! others see the list.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use crate::api::statuses::{CreateStatus, DeleteStatus, ShiftStatus, UpdateStatus, load_statuses};
use crate::components::error_view;
use crate::components::form::server_action;
use crate::components::form::{FormError, Notice, field_error, form_error, succeeded};
use crate::components::workspace_frame::{Section, slug_param, with_workspace};
use crate::components::{StatusChip, suspend};
use crate::error::AppError;
use crate::model::{Permission, Status, StatusCategory, WorkspaceView};

#[derive(Clone, Copy)]
struct StatusesData {
    create: ServerAction<CreateStatus>,
    update: ServerAction<UpdateStatus>,
    shift: ServerAction<ShiftStatus>,
    delete: ServerAction<DeleteStatus>,
    statuses: Resource<Result<Vec<Status>, AppError>>,
}

/// The route to [`WorkspaceStatusesPage`], whose code the browser loads on the first visit.
pub struct WorkspaceStatusesRoute;

#[lazy_route]
impl LazyRoute for WorkspaceStatusesRoute {
    fn data() -> Self {
        Self
    }

    fn view(_route: Self) -> AnyView {
        view! { <WorkspaceStatusesPage /> }.into_any()
    }
}

#[component]
pub fn WorkspaceStatusesPage() -> impl IntoView {
    let slug = slug_param();
    let create = server_action::<CreateStatus>();
    let update = server_action::<UpdateStatus>();
    let shift = server_action::<ShiftStatus>();
    let delete = server_action::<DeleteStatus>();
    let data = StatusesData {
        create,
        update,
        shift,
        delete,
        statuses: Resource::new(
            move || {
                (
                    slug.get(),
                    create.version().get(),
                    update.version().get(),
                    shift.version().get(),
                    delete.version().get(),
                )
            },
            |(slug, ..)| load_statuses(slug),
        ),
    };
    with_workspace(
        Section::Statuses,
        move |w: WorkspaceView| view! { <Statuses workspace=w data /> },
    )
}

#[component]
fn Statuses(workspace: WorkspaceView, data: StatusesData) -> impl IntoView {
    let can_edit = workspace.role.allows(Permission::Edit);
    let slug = workspace.slug.clone();
    let add_slug = workspace.slug.clone();
    let create_value = data.create.value();
    view! {
        <section class="panel" aria-labelledby="statuses-heading">
            <h2 id="statuses-heading">"Statuses"</h2>
            <p class="muted">"Items move through these, in this order: they are the board's columns."</p>
            <FormError error=form_error(data.update.value(), &[]) />
            <FormError error=form_error(data.shift.value(), &[]) />
            <FormError error=form_error(data.delete.value(), &[]) />
            {move || data.delete.value().get().and_then(Result::ok).map(|moved| view! {
                <p class="notice" role="status">{format!("Deleted; {moved} items moved.")}</p>
            })}
            <Transition>
                {move || {
                    let slug = slug.clone();
                    suspend(async move {
                        match data.statuses.await {
                            Ok(list) => {
                                let all = list.clone();
                                let last = list.len().saturating_sub(1);
                                view! {
                                    <ol class="status-list">
                                        {list.into_iter().enumerate().map(|(index, status)| {
                                            view! {
                                                <StatusRow status slug=slug.clone() all=all.clone() first=index == 0 last=index == last can_edit data />
                                            }
                                            .into_any()
                                        }).collect_view()}
                                    </ol>
                                }
                                .into_any()
                            }
                            Err(error) => error_view(error, "/"),
                        }
                    })
                }}
            </Transition>
        </section>
        {can_edit.then(|| view! {
            <section class="panel" aria-labelledby="add-status-heading">
                <h2 id="add-status-heading">"Add a status"</h2>
                <ActionForm action=data.create attr:class="status-form">
                    <FormError error=form_error(create_value, &["name", "color", "category"]) />
                    <Notice show=succeeded(create_value) message="Added." />
                    <input type="hidden" name="slug" value=add_slug.clone() />
                    <div class="field">
                        <label for="new-status-name">"Name"</label>
                        <input id="new-status-name" name="name" type="text" maxlength="40" required />
                        {move || field_error(create_value, "name").get().map(|m| view! { <p class="field-error">{m}</p> })}
                    </div>
                    <div class="field">
                        <label for="new-status-color">"Colour"</label>
                        <input id="new-status-color" name="color" type="color" value="#6366f1" />
                    </div>
                    <CategorySelect id="new-status-category".to_owned() current=StatusCategory::Planned />
                    <button type="submit" class="button">"Add status"</button>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
fn CategorySelect(id: String, current: StatusCategory) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>"Category"</label>
            <select id=id name="category">
                {StatusCategory::ALL.iter().map(|c| view! {
                    <option value=c.as_str() selected=*c == current>{c.label()}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn StatusRow(
    status: Status,
    slug: String,
    all: Vec<Status>,
    first: bool,
    last: bool,
    can_edit: bool,
    data: StatusesData,
) -> impl IntoView {
    let id = status.id;
    if !can_edit {
        return view! {
            <li class="status-row">
                <StatusChip status=Some(status.clone()) />
                <span class="muted small">{status.category.label()}</span>
            </li>
        }
        .into_any();
    }
    let others: Vec<Status> = all.into_iter().filter(|s| s.id != id).collect();
    let (s1, s2, s3, s4) = (slug.clone(), slug.clone(), slug.clone(), slug);
    let name_id = format!("status-name-{id}");
    let color_id = format!("status-color-{id}");
    let move_id = format!("status-move-to-{id}");
    let name = status.name.clone();
    let color = status.color.clone();
    let category = status.category;
    let save_label = format!("Save {name}");
    let name_value = name.clone();
    let up_label = format!("Move {name} up");
    let down_label = format!("Move {name} down");
    let delete_summary = format!("Delete {name}…");
    let delete_label = format!("Delete {name}");
    view! {
        <li class="status-row" data-status=name.clone()>
            <ActionForm action=data.update attr:class="status-form">
                <input type="hidden" name="slug" value=s1 />
                <input type="hidden" name="status_id" value=id />
                <div class="field">
                    <label for=name_id.clone()>"Name"</label>
                    <input id=name_id name="name" type="text" maxlength="40" required value=name_value />
                </div>
                <div class="field">
                    <label for=color_id.clone()>"Colour"</label>
                    <input id=color_id name="color" type="color" value=color />
                </div>
                <CategorySelect id=format!("status-category-{id}") current=category />
                <button type="submit" class="button button--quiet">{save_label}</button>
            </ActionForm>
            <div class="status-row__order">
                <ActionForm action=data.shift>
                    <input type="hidden" name="slug" value=s2 />
                    <input type="hidden" name="status_id" value=id />
                    <input type="hidden" name="direction" value="up" />
                    <button type="submit" class="button button--quiet button--small" disabled=first aria-label=up_label>"↑"</button>
                </ActionForm>
                <ActionForm action=data.shift>
                    <input type="hidden" name="slug" value=s3 />
                    <input type="hidden" name="status_id" value=id />
                    <input type="hidden" name="direction" value="down" />
                    <button type="submit" class="button button--quiet button--small" disabled=last aria-label=down_label>"↓"</button>
                </ActionForm>
            </div>
            {(!others.is_empty()).then(move || view! {
                <details class="confirm">
                    <summary class="button button--quiet button--small">{delete_summary}</summary>
                    <ActionForm action=data.delete attr:class="status-form">
                        <input type="hidden" name="slug" value=s4 />
                        <input type="hidden" name="status_id" value=id />
                        <div class="field">
                            <label for=move_id.clone()>"Move its items to"</label>
                            <select id=move_id name="move_to">
                                {others.iter().map(|s| view! { <option value=s.id>{s.name.clone()}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button button--danger">{delete_label}</button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
    .into_any()
}
