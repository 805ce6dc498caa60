//! Guess throttling for everything that checks a secret: passwords at
//! sign-in and when re-confirmed, two-factor codes, and sign-up (which would
//! otherwise tell which emails have accounts).
//!
//! Every attempt is recorded *before* the secret is checked, in the same
//! write transaction that counts the earlier ones, so parallel guesses cannot
//! slip past the count; an attempt that turns out right is then cleared.
//! Past a threshold each further attempt waits, twice as long after each
//! failure, up to a cap — an attacker slows to a crawl, a user is never
//! locked out for longer than the cap.

use crate::backend::db::{Db, sign_in_failures};

/// What is being guessed at, and how much failure it tolerates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Passwords of one account (keyed by its email).
    Account,
    /// Everything from one client network, across accounts: a higher
    /// threshold, because an office may share an address.
    Address,
    /// Two-factor codes of one account (keyed by its user id), counted
    /// apart from passwords so that a right password does not reset them.
    Code,
    /// Sign-ups refused because the email has an account, per network.
    SignUp,
    /// Workspace addresses chosen that another workspace has, per account
    /// (keyed by its user id): each tells that a workspace exists.
    TakenAddress,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Address => "address",
            Self::Code => "code",
            Self::SignUp => "sign_up",
            Self::TakenAddress => "taken_address",
        }
    }

    /// Failures within the window before attempts wait.
    pub fn threshold(self) -> i64 {
        match self {
            Self::Account | Self::Code => 5,
            Self::Address => 20,
            Self::SignUp | Self::TakenAddress => 10,
        }
    }

    /// How long a failure counts. A day for one account: long enough that
    /// the doubling wait reaches its cap and stays there (about a hundred
    /// guesses a day at most), rather than the count draining away while
    /// the attacker waits.
    pub fn window_ms(self) -> i64 {
        match self {
            Self::Account | Self::Code => DAY_MS,
            Self::Address | Self::SignUp | Self::TakenAddress => HOUR_MS,
        }
    }

    /// Whether a success clears every failure of the subject (an account
    /// starts afresh), or only its own attempt (one right password from an
    /// address does not reset a guessing run from it).
    fn success_clears_all(self) -> bool {
        matches!(self, Self::Account | Self::Code)
    }

    /// Whether the sign-in metrics count it (everything but addresses).
    fn is_about_signing_in(self) -> bool {
        self != Self::TakenAddress
    }
}

const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// The longest failures are kept: the longest window.
pub const RETENTION_MS: i64 = DAY_MS;
const FIRST_DELAY_MS: i64 = 30 * 1000;
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1000;

/// One thing an attempt counts against.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub scope: Scope,
    pub subject: String,
}

impl Key {
    pub fn new(scope: Scope, subject: impl Into<String>) -> Self {
        Self {
            scope,
            subject: subject.into(),
        }
    }
}

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

/// An attempt that has been counted and may go ahead. Until
/// [`Attempt::succeeded`] or [`Attempt::not_counted`], it stands as a
/// failure — also if the request dies half-way.
#[must_use = "an attempt counts as a failure until it is resolved"]
#[derive(Debug)]
pub struct Attempt {
    recorded: Vec<(Key, i64)>,
}

/// Counts an attempt against every key, or refuses it with the seconds to
/// wait. Atomic: the count and the new record are one write transaction,
/// so of many parallel attempts only as many go ahead as the rule allows.
pub async fn attempt(db: &Db, keys: &[Key], now: i64) -> Result<Result<Attempt, u64>, sqlx::Error> {
    let mut keys = keys.to_vec();
    // A fixed order, so two transactions lock the same keys without
    // deadlocking.
    keys.sort();
    keys.dedup();
    let mut tx = db.begin().await?;
    let mut wait: Option<u64> = None;
    for key in &keys {
        db.lock_subject(
            &mut tx,
            &["sign_in_failures", key.scope.as_str(), &key.subject],
        )
        .await?;
        let (failures, last) = sign_in_failures::recent(
            &mut tx,
            key.scope.as_str(),
            &key.subject,
            now - key.scope.window_ms(),
        )
        .await?;
        wait = wait.max(retry_after(failures, last, key.scope.threshold(), now));
    }
    if let Some(seconds) = wait {
        tx.rollback().await?;
        if keys.iter().any(|key| key.scope.is_about_signing_in()) {
            crate::backend::metrics::SIGN_INS_THROTTLED.inc();
        }
        return Ok(Err(seconds));
    }
    let mut recorded = Vec::with_capacity(keys.len());
    for key in keys {
        let id = sign_in_failures::record(&mut tx, key.scope.as_str(), &key.subject, now).await?;
        recorded.push((key, id));
    }
    tx.commit().await?;
    Ok(Ok(Attempt { recorded }))
}

impl Attempt {
    /// The secret was right: the attempt is no failure, and an account (or
    /// its codes) starts afresh.
    pub async fn succeeded(self, db: &Db) -> Result<(), sqlx::Error> {
        let mut tx = db.begin().await?;
        for (key, id) in &self.recorded {
            if key.scope.success_clears_all() {
                sign_in_failures::clear(&mut tx, key.scope.as_str(), &key.subject).await?;
            } else {
                sign_in_failures::delete(&mut tx, *id).await?;
            }
        }
        tx.commit().await
    }

    /// The secret was never checked (the server was busy, the input was
    /// refused before): the attempt does not count.
    pub async fn not_counted(self, db: &Db) -> Result<(), sqlx::Error> {
        let mut tx = db.begin().await?;
        for (_, id) in &self.recorded {
            sign_in_failures::delete(&mut tx, *id).await?;
        }
        tx.commit().await
    }

    /// The secret was wrong: the attempt stays counted.
    pub fn failed(self) {
        if self
            .recorded
            .iter()
            .any(|(key, _)| key.scope.is_about_signing_in())
        {
            crate::backend::metrics::SIGN_INS_FAILED.inc();
        }
    }
}

/// Deletes failures too old to count anywhere.
pub async fn purge(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    sign_in_failures::purge_before(db, now - RETENTION_MS).await
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000_000_000;

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

    /// Replays an attacker who guesses the moment each wait ends, for a
    /// day, with failures counted over the account's window.
    fn guesses_in_a_day(scope: Scope) -> usize {
        let mut failures: Vec<i64> = Vec::new();
        let mut now = NOW;
        let end = NOW + DAY_MS;
        while now < end {
            let counted: Vec<i64> = failures
                .iter()
                .copied()
                .filter(|at| *at > now - scope.window_ms())
                .collect();
            let last = counted.iter().copied().max();
            match retry_after(counted.len() as i64, last, scope.threshold(), now) {
                None => {
                    failures.push(now);
                    now += 1;
                }
                Some(wait) => now += i64::try_from(wait).unwrap() * 1000,
            }
        }
        failures.len()
    }

    #[test]
    fn the_wait_reaches_its_cap_and_stays_there() {
        // 5 free guesses, 30+60+120+240+480 s of doubling, then one guess
        // per 15 minutes: about a hundred a day, not six hundred.
        let guesses = guesses_in_a_day(Scope::Account);
        assert!((90..=110).contains(&guesses), "{guesses} guesses a day");
    }
}
