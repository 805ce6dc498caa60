//! A workspace's statuses: add, rename, recolour, reorder and delete, for
//! editors and owners. Deleting one moves its items to a status the user
//! picks, with a history entry each, in the same transaction.

use crate::backend::AppState;
use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::db::item_activity::{self, Change};
use crate::backend::db::{items, now_ms, statuses};
use crate::error::AppError;
use crate::model::{Permission, Status, StatusCategory};
use crate::rank;

/// The most statuses one workspace may have: a board stays readable.
pub const MAX_STATUSES: usize = 20;

/// A status's name: 1 to 40 characters on one line.
pub fn parse_name(input: &str) -> Result<String, AppError> {
    let name = input.trim();
    match name.chars().count() {
        0 => Err(AppError::invalid("name", "give the status a name")),
        n if n > 40 => Err(AppError::invalid("name", "use at most 40 characters")),
        _ if name.chars().any(char::is_control) => {
            Err(AppError::invalid("name", "use a single line"))
        }
        _ => Ok(name.to_owned()),
    }
}

/// A colour as a colour input sends it: `#rrggbb`.
pub fn parse_color(input: &str) -> Result<String, AppError> {
    let color = input.trim().to_lowercase();
    let ok = color.len() == 7
        && color.starts_with('#')
        && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(color)
    } else {
        Err(AppError::invalid("color", "use a colour like #3b82f6"))
    }
}

pub fn parse_category(input: &str) -> Result<StatusCategory, AppError> {
    StatusCategory::parse(input.trim())
        .ok_or_else(|| AppError::invalid("category", "choose planned, active or done"))
}

pub async fn list(state: &AppState, access: &WorkspaceAccess) -> Result<Vec<Status>, AppError> {
    Ok(statuses::list(&state.db, access.workspace.id).await?)
}

/// A status's name, colour and category as typed, checked.
fn parse_fields(
    name: &str,
    color: &str,
    category: &str,
) -> Result<(String, String, StatusCategory), AppError> {
    Ok((
        parse_name(name)?,
        parse_color(color)?,
        parse_category(category)?,
    ))
}

pub async fn create(
    state: &AppState,
    access: &WorkspaceAccess,
    name: &str,
    color: &str,
    category: &str,
) -> Result<(), AppError> {
    let (name, color, category) = parse_fields(name, color, category)?;
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    if statuses::list_in(&mut tx, workspace_id).await?.len() >= MAX_STATUSES {
        return Err(AppError::Conflict(format!(
            "a workspace has at most {MAX_STATUSES} statuses"
        )));
    }
    if statuses::name_taken(&mut tx, workspace_id, &name, None).await? {
        return Err(AppError::invalid("name", "another status has this name"));
    }
    statuses::insert(&mut tx, workspace_id, &name, &color, category).await?;
    tx.commit().await?;
    state.changed(access, None);
    Ok(())
}

pub async fn update(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
    name: &str,
    color: &str,
    category: &str,
) -> Result<(), AppError> {
    let (name, color, category) = parse_fields(name, color, category)?;
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    statuses::find_in(&mut tx, workspace_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if statuses::name_taken(&mut tx, workspace_id, &name, Some(id)).await? {
        return Err(AppError::invalid("name", "another status has this name"));
    }
    statuses::update(&mut tx, id, &name, &color, category).await?;
    tx.commit().await?;
    state.changed(access, None);
    Ok(())
}

/// Moves a status one place earlier (`up`) or later in the list.
pub async fn shift(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
    up: bool,
) -> Result<(), AppError> {
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let mut ids: Vec<i64> = statuses::list_in(&mut tx, workspace_id)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let at = ids
        .iter()
        .position(|s| *s == id)
        .ok_or(AppError::NotFound)?;
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    if let Some(other) = other.filter(|o| *o < ids.len()) {
        ids.swap(at, other);
        statuses::set_order(&mut tx, &ids).await?;
    }
    tx.commit().await?;
    state.changed(access, None);
    Ok(())
}

/// Deletes a status after moving its items, in their order, to the end of
/// the column of `move_to`.
pub async fn delete(
    state: &AppState,
    access: &WorkspaceAccess,
    id: i64,
    move_to: i64,
) -> Result<usize, AppError> {
    let workspace_id = access.workspace.id;
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Edit).await?;
    let gone = statuses::find_in(&mut tx, workspace_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if move_to == id {
        return Err(AppError::invalid(
            "move_to",
            "choose another status for its items",
        ));
    }
    let target = statuses::find_in(&mut tx, workspace_id, move_to)
        .await?
        .ok_or_else(|| AppError::invalid("move_to", "choose one of the workspace's statuses"))?;
    let moving = items::in_status(&mut tx, workspace_id, gone.id).await?;
    let last = items::in_status(&mut tx, workspace_id, target.id)
        .await?
        .pop()
        .map(|(_, rank)| rank);
    let ranks = rank::after_each(last.as_deref(), moving.len()).map_err(AppError::internal)?;
    let actor = access.actor.user.id;
    let now = now_ms();
    for ((item_id, _), rank) in moving.iter().zip(&ranks) {
        items::set_status(&mut tx, *item_id, target.id, rank, actor, now).await?;
        let change = Change {
            field: "status",
            old_value: &gone.name,
            new_value: &target.name,
        };
        item_activity::record(&mut tx, *item_id, actor, now, &[change]).await?;
    }
    statuses::delete(&mut tx, gone.id).await?;
    tx.commit().await?;
    state.changed(access, None);
    Ok(moving.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_colours() {
        assert_eq!(parse_name("  In review ").unwrap(), "In review");
        assert!(parse_name("").is_err());
        assert!(parse_name(&"x".repeat(41)).is_err());
        assert!(parse_name("a\nb").is_err());
        assert_eq!(parse_color("#3B82F6").unwrap(), "#3b82f6");
        for bad in ["3b82f6", "#3b82f", "#3b82fg", "red", "#3b82f6;x"] {
            assert!(parse_color(bad).is_err(), "{bad}");
        }
        assert!(parse_category("done").is_ok());
        assert!(parse_category("finished").is_err());
    }
}
