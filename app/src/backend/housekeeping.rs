//! The instance-wide purge: what is kept only for a while is deleted once
//! an hour, by whichever instance claims the turn. It deletes
//!
//! - sessions past their lifetime or idle longer than the idle limit;
//! - two-factor sign-in challenges past their five minutes;
//! - throttle records (sign-in, sign-up, taken addresses) that no longer
//!   hold anyone back;
//! - the REST API's rate-limit buckets older than an hour;
//! - webhook deliveries finished (sent or given up) over 30 days ago;
//! - security-log lines past their retention
//!   (`db::security_events::RETENTION_MS`).

use crate::backend::AppState;
use crate::backend::auth::session::DAY_MS;
use crate::backend::auth::throttle;
use crate::backend::db::{self, now_ms, sessions};

/// How often the purge runs, across all instances together.
pub const PURGE_EVERY_MS: i64 = 60 * 60 * 1000;

/// Runs [`purge`] if no instance has in the last hour; true if it ran here.
pub async fn purge_if_due(state: &AppState) -> Result<bool, sqlx::Error> {
    let due =
        db::settings::claim_turn(&state.db, "purge.last_run", PURGE_EVERY_MS, now_ms()).await?;
    if due {
        purge(state).await?;
    }
    Ok(due)
}

/// Deletes everything the module's documentation lists, now.
pub async fn purge(state: &AppState) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let removed = sessions::purge_expired(&state.db, now, state.auth.session_idle_ms).await?;
    db::two_factor::purge_challenges(&state.db, now).await?;
    throttle::purge(&state.db, now).await?;
    db::api_rate_limits::purge(&state.db, now - 3_600_000).await?;
    db::webhooks::purge_finished(&state.db, now - 30 * DAY_MS).await?;
    db::security_events::purge_before(&state.db, now - db::security_events::RETENTION_MS).await?;
    if removed > 0 {
        tracing::info!(removed, "purged expired sessions");
    }
    Ok(())
}
