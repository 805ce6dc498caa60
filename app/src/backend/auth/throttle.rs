//! Sign-in throttling: failures are counted per account and per client
//! address; past a threshold each further attempt waits, twice as long after
//! each failure, up to a cap — so an attacker slows guessing to a crawl but
//! can never lock a user out for longer than the cap.

use crate::backend::db::{Db, sign_in_failures};

/// Failures older than this no longer count.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures on one account before attempts wait.
pub const ACCOUNT_THRESHOLD: i64 = 5;
/// Failures from one address (across accounts) before attempts wait: higher,
/// because many people may share an office's address.
pub const ADDRESS_THRESHOLD: i64 = 20;
const FIRST_DELAY_MS: i64 = 30 * 1000;
const MAX_DELAY_MS: i64 = 15 * 60 * 1000;

/// Seconds to wait before the next attempt, or `None` if it may go ahead.
pub fn retry_after(
    failures: i64,
    last_failure: Option<i64>,
    threshold: i64,
    now: i64,
) -> Option<u64> {
    if failures < threshold {
        return None;
    }
    let last = last_failure?;
    let doublings = u32::try_from((failures - threshold).min(20)).unwrap_or(20);
    let delay = FIRST_DELAY_MS
        .saturating_mul(1_i64 << doublings)
        .min(MAX_DELAY_MS);
    let wait_ms = last + delay - now;
    (wait_ms > 0).then(|| u64::try_from(wait_ms).unwrap_or(0).div_ceil(1000))
}

/// How long this account and address must wait, if at all.
pub async fn check(db: &Db, email: &str, ip: &str, now: i64) -> Result<Option<u64>, sqlx::Error> {
    let since = now - WINDOW_MS;
    let (account_failures, account_last) =
        sign_in_failures::recent(db, sign_in_failures::ACCOUNT, email, since).await?;
    let (address_failures, address_last) =
        sign_in_failures::recent(db, sign_in_failures::ADDRESS, ip, since).await?;
    let account = retry_after(account_failures, account_last, ACCOUNT_THRESHOLD, now);
    let address = retry_after(address_failures, address_last, ADDRESS_THRESHOLD, now);
    Ok(account.max(address))
}

pub async fn record_failure(db: &Db, email: &str, ip: &str, now: i64) -> Result<(), sqlx::Error> {
    sign_in_failures::record(db, sign_in_failures::ACCOUNT, email, now).await?;
    sign_in_failures::record(db, sign_in_failures::ADDRESS, ip, now).await
}

/// After a successful sign-in the account starts afresh; the address keeps
/// its count, so one good password does not reset a guessing run.
pub async fn record_success(db: &Db, email: &str) -> Result<(), sqlx::Error> {
    sign_in_failures::clear(db, sign_in_failures::ACCOUNT, email).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000_000;

    #[test]
    fn below_the_threshold_nothing_waits() {
        assert_eq!(retry_after(4, Some(NOW), 5, NOW), None);
    }

    #[test]
    fn at_the_threshold_the_first_wait_is_thirty_seconds() {
        assert_eq!(retry_after(5, Some(NOW), 5, NOW), Some(30));
        assert_eq!(retry_after(5, Some(NOW), 5, NOW + 29_500), Some(1));
        assert_eq!(retry_after(5, Some(NOW), 5, NOW + 30_000), None);
    }

    #[test]
    fn each_further_failure_doubles_the_wait_up_to_the_cap() {
        assert_eq!(retry_after(6, Some(NOW), 5, NOW), Some(60));
        assert_eq!(retry_after(7, Some(NOW), 5, NOW), Some(120));
        assert_eq!(retry_after(10, Some(NOW), 5, NOW), Some(900));
        assert_eq!(
            retry_after(500, Some(NOW), 5, NOW),
            Some(900),
            "capped at 15 minutes"
        );
    }
}
