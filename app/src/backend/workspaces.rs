//! Workspaces: making, opening, renaming and deleting one, and the rules
//! for their addresses: how many an account may make, how fast, and how
//! often it may hear that an address is taken (which says that a
//! workspace exists).

use sqlx::{Any, Transaction};

use crate::backend::AppState;
use crate::backend::access::{self, WorkspaceAccess};
use crate::backend::auth::session::Authenticated;
use crate::backend::auth::throttle::{self, Key, Scope};
use crate::backend::db::workspaces::{Changes, NewWorkspace, SlugError};
use crate::backend::db::{Db, criteria, memberships, now_ms, statuses, workspaces};
use crate::backend::events::Event;
use crate::error::AppError;
use crate::model::{Permission, Role, Slug};
use crate::scoring::framework::Preset;

pub use crate::backend::db::memberships::MyWorkspace;
pub use crate::backend::db::workspaces::WorkspaceRow;

/// A workspace's name, address, description and key prefix, each parsed.
pub struct WorkspaceFields {
    pub name: String,
    pub slug: Slug,
    pub description: String,
    pub key_prefix: String,
}

/// Makes a workspace with the default statuses and the criteria of
/// `preset`; its creator is its first owner. An account is held to
/// `limits` (an instance admin is not: `None`).
pub async fn create(
    state: &AppState,
    creator: &Authenticated,
    fields: &WorkspaceFields,
    preset: &Preset,
    limits: Option<WorkspaceLimits>,
) -> Result<(), AppError> {
    let user_id = creator.user.id;
    let address = try_address(&state.db, user_id).await?;
    let mut taken = false;
    let made = async {
        let mut tx = state.db.begin().await?;
        if let Some(limits) = limits {
            check_limits(&state.db, &mut tx, user_id, limits).await?;
        }
        let id = workspaces::insert(
            &mut tx,
            NewWorkspace {
                name: &fields.name,
                slug: fields.slug.as_str(),
                description: &fields.description,
                key_prefix: &fields.key_prefix,
                created_by: user_id,
            },
        )
        .await
        .map_err(|err| address_error(err, "slug", &mut taken))?;
        memberships::insert(&mut tx, id, user_id, Role::Owner).await?;
        statuses::insert_defaults(&mut tx, id).await?;
        criteria::insert_preset(&mut tx, id, preset).await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    address.settle(&state.db, taken).await?;
    made
}

/// The user's workspaces, most recently used first.
pub async fn mine(state: &AppState, user_id: i64) -> Result<Vec<MyWorkspace>, AppError> {
    Ok(memberships::list_for_user(&state.db, user_id).await?)
}

/// Counts opening the workspace as using it (which orders the member's
/// list of workspaces).
pub async fn opened(state: &AppState, access: &WorkspaceAccess) -> Result<(), AppError> {
    // A write per page view would queue behind every other write; only a
    // change of order needs one.
    if !access.most_recently_used {
        memberships::touch(&state.db, access.workspace.id, access.actor.user.id).await?;
    }
    Ok(())
}

/// Saves the general settings. A new slug keeps the old one working as a
/// redirect for members.
pub async fn update(
    state: &AppState,
    access: &WorkspaceAccess,
    fields: &WorkspaceFields,
) -> Result<(), AppError> {
    let moves = fields.slug != access.workspace.slug;
    let address = match moves {
        true => Some(try_address(&state.db, access.actor.user.id).await?),
        false => None,
    };
    let mut taken = false;
    let saved = async {
        let mut tx = state.db.begin().await?;
        access::recheck_in(state, &mut tx, access, Permission::Manage).await?;
        workspaces::update(
            &mut tx,
            &access.workspace,
            Changes {
                name: &fields.name,
                slug: fields.slug.as_str(),
                description: &fields.description,
                key_prefix: &fields.key_prefix,
            },
        )
        .await
        .map_err(|err| address_error(err, "new_slug", &mut taken))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Some(address) = address {
        address.settle(&state.db, taken).await?;
    }
    saved
}

/// Deletes the workspace and everything in it, once the owner has typed
/// its name to confirm.
pub async fn delete(
    state: &AppState,
    access: &WorkspaceAccess,
    confirm_name: &str,
) -> Result<(), AppError> {
    if confirm_name.trim() != access.workspace.name {
        return Err(AppError::invalid(
            "confirm_name",
            "type the workspace's name exactly to confirm",
        ));
    }
    let mut tx = state.db.begin().await?;
    access::recheck_in(state, &mut tx, access, Permission::Delete).await?;
    workspaces::delete(&mut tx, access.workspace.id).await?;
    tx.commit().await?;
    state.events.publish(Event::Deleted {
        workspace_id: access.workspace.id,
    });
    Ok(())
}

/// A workspace address refused, as the form's `field` shows it; notes in
/// `taken` whether another workspace has it (which counts against the
/// caller, see [`try_address`]).
fn address_error(err: SlugError, field: &str, taken: &mut bool) -> AppError {
    match err {
        SlugError::Taken => {
            *taken = true;
            AppError::invalid(field, "another workspace has this address; choose another")
        }
        SlugError::Db(err) => err.into(),
    }
}

const HOUR_MS: i64 = 60 * 60 * 1000;

/// How many workspaces one account may make through the site. An instance
/// admin is not held to them, nor is the operator's `waymark seed-demo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkspaceLimits {
    /// Workspaces made by the account that still exist.
    pub per_account: i64,
    /// Workspaces made by the account in the last hour.
    pub per_hour: i64,
}

impl WorkspaceLimits {
    pub const DEFAULT_PER_ACCOUNT: i64 = 100;
    pub const DEFAULT_PER_HOUR: i64 = 10;
}

impl Default for WorkspaceLimits {
    fn default() -> Self {
        Self {
            per_account: Self::DEFAULT_PER_ACCOUNT,
            per_hour: Self::DEFAULT_PER_HOUR,
        }
    }
}

/// Refuses one more workspace by `user_id` past either limit. Call in the
/// transaction that makes it: the account's count is held until it ends,
/// so parallel requests cannot pass it together.
pub async fn check_limits(
    db: &Db,
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    limits: WorkspaceLimits,
) -> Result<(), AppError> {
    db.lock_subject(tx, &["workspaces made", &user_id.to_string()])
        .await?;
    let now = now_ms();
    let made = workspaces::made_by(tx, user_id, now - HOUR_MS).await?;
    if made.total >= limits.per_account {
        return Err(AppError::Conflict(format!(
            "you have made {} workspaces, as many as one account may; delete one to make another",
            made.total
        )));
    }
    if made.recent >= limits.per_hour {
        let free_at = made.first_recent_at.unwrap_or(now) + HOUR_MS;
        let minutes = ((free_at - now).max(0) + 59_999) / 60_000;
        let minutes = minutes.max(1);
        return Err(AppError::Conflict(format!(
            "you have made {} workspaces in the last hour; try again in {minutes} minute{}",
            made.recent,
            if minutes == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// Choosing an address that another workspace has tells the chooser that
/// the workspace exists, which nothing else tells a non-member: each
/// account hears it a few times an hour before it must wait (see
/// [`Scope::TakenAddress`]). Counted before the address is tried, so
/// parallel tries cannot pass the count; [`AddressAttempt::settle`] it
/// with what came of the try.
pub async fn try_address(db: &Db, user_id: i64) -> Result<AddressAttempt, AppError> {
    let key = Key::new(Scope::TakenAddress, user_id.to_string());
    match throttle::attempt(db, &[key], now_ms()).await? {
        Ok(attempt) => Ok(AddressAttempt(attempt)),
        Err(retry_after_secs) => Err(AppError::TooManyRequests { retry_after_secs }),
    }
}

/// An address being tried, counted as taken until settled.
#[must_use = "an address tried counts as taken until it is settled"]
pub struct AddressAttempt(throttle::Attempt);

impl AddressAttempt {
    /// Keeps the try counted if the address was `taken`; otherwise (it was
    /// free, or the change failed before it got that far) forgets it.
    pub async fn settle(self, db: &Db, taken: bool) -> Result<(), AppError> {
        if taken {
            self.0.failed();
            Ok(())
        } else {
            Ok(self.0.not_counted(db).await?)
        }
    }
}
