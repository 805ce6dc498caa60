//! Rules for making workspaces and choosing their addresses: how many an
//! account may make, how fast, and how often it may hear that an address
//! is taken (which says that a workspace exists).

use sqlx::{Any, Transaction};

use crate::backend::auth::throttle::{self, Key, Scope};
use crate::backend::db::{Db, now_ms, workspaces};
use crate::error::AppError;

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
