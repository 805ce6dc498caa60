//! Password hashing (argon2id with OWASP's parameters) and the strength rule
//! for new passwords.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// A PHC-format argon2id hash. Never serialised, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash([redacted])")
    }
}

fn argon2() -> Argon2<'static> {
    // OWASP: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19_456, 2, 1, None).expect("OWASP's argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> PasswordHash {
    let salt = SaltString::generate(&mut OsRng);
    let hash = argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with valid parameters and a fresh salt cannot fail");
    PasswordHash(hash.to_string())
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    match argon2::password_hash::PasswordHash::new(hash) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(err) => {
            tracing::warn!(%err, "a stored password hash cannot be read");
            false
        }
    }
}

/// A hash to verify against when the account does not exist, so that an
/// unknown email costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not a password anyone has").0)
}

/// Hashes and verifies on the blocking pool, at most `permits` at a time,
/// so a burst of sign-ins cannot starve page requests. The queue in front of
/// them is bounded too: past it a request is refused at once
/// ([`HasherBusy`]) instead of waiting behind a flood of guesses.
#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    queue: Arc<Semaphore>,
}

/// Every hashing slot and queue place is taken; try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("password checks are queued up; try again in a moment")]
pub struct HasherBusy;

impl HasherBusy {
    /// Seconds a refused client is told to wait.
    pub const RETRY_AFTER_SECS: u64 = 2;
}

impl From<HasherBusy> for crate::error::AppError {
    fn from(_: HasherBusy) -> Self {
        Self::Busy {
            retry_after_secs: HasherBusy::RETRY_AFTER_SECS,
        }
    }
}

/// Requests that may wait for a hashing slot, per slot. At ~60 ms a hash,
/// a full queue drains in well under a second per slot.
const QUEUE_PER_PERMIT: usize = 8;

impl Hasher {
    pub fn new(permits: usize) -> Self {
        let permits = permits.max(1);
        Self {
            permits: Arc::new(Semaphore::new(permits)),
            queue: Arc::new(Semaphore::new(permits * (QUEUE_PER_PERMIT + 1))),
        }
    }

    /// Runs `work` on the blocking pool once a slot is free, or refuses at
    /// once when the queue is full.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HasherBusy> {
        let _place = self.queue.try_acquire().map_err(|_| HasherBusy)?;
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        tokio::task::spawn_blocking(work).await.map_err(|err| {
            tracing::error!(%err, "password hashing panicked");
            HasherBusy
        })
    }

    pub async fn hash(&self, password: &str) -> Result<PasswordHash, HasherBusy> {
        let password = password.to_owned();
        self.run(move || hash_blocking(&password)).await
    }

    /// Whether `password` matches `hash`; with no hash (unknown account) it
    /// does the same work and answers false.
    pub async fn verify(
        &self,
        password: &str,
        hash: Option<&PasswordHash>,
    ) -> Result<bool, HasherBusy> {
        let password = password.to_owned();
        let (hash, known) = match hash {
            Some(hash) => (hash.0.clone(), true),
            None => (dummy_hash().to_owned(), false),
        };
        let matches = self.run(move || verify_blocking(&password, &hash)).await?;
        Ok(matches && known)
    }
}

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

/// Refuses short, long, weak and common passwords with a reason a person
/// understands. `user_inputs` (email, name) count as easy to guess.
pub fn check_strength(password: &str, user_inputs: &[&str]) -> Result<(), String> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(format!("use at least {MIN_LENGTH} characters"));
    }
    if length > MAX_LENGTH {
        return Err(format!("use at most {MAX_LENGTH} characters"));
    }
    // zxcvbn splits inputs into words itself; also give it the parts of an
    // email so "ada2026" is weak for ada@example.com.
    let mut inputs: Vec<&str> = Vec::new();
    for input in user_inputs {
        inputs.push(input);
        inputs.extend(
            input
                .split(['@', '.', ' ', '-', '_'])
                .filter(|part| part.len() >= 3),
        );
    }
    let entropy = zxcvbn::zxcvbn(password, &inputs);
    if entropy.score() >= zxcvbn::Score::Three {
        return Ok(());
    }
    let mut message = String::new();
    if let Some(feedback) = entropy.feedback() {
        if let Some(warning) = feedback.warning() {
            message.push_str(&warning.to_string());
        }
        if let Some(suggestion) = feedback.suggestions().first() {
            if !message.is_empty() {
                message.push(' ');
            }
            message.push_str(&suggestion.to_string());
        }
    }
    if message.is_empty() {
        message.push_str("This password is too easy to guess. Add another word or two; uncommon words are better.");
    }
    // Stored as a sentence; the form shows it as it is.
    Err(message.trim_end_matches('.').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_only_the_right_password() {
        let hasher = Hasher::new(2);
        let hash = hasher.hash("correct horse battery staple").await.unwrap();
        assert!(hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let verify = |password: &'static str, hash: Option<PasswordHash>| {
            let hasher = hasher.clone();
            async move { hasher.verify(password, hash.as_ref()).await.unwrap() }
        };
        assert!(verify("correct horse battery staple", Some(hash.clone())).await);
        assert!(!verify("correct horse battery stable", Some(hash.clone())).await);
        assert!(!verify("correct horse battery staple", None).await);
        let broken = PasswordHash::from_stored("not a hash".into());
        assert!(!verify("anything", Some(broken)).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_flood_of_checks_is_refused_past_the_queue_not_queued_forever() {
        let hasher = Hasher::new(1);
        let hash = hasher.hash("correct horse battery staple").await.unwrap();
        let checks: Vec<_> = (0..40)
            .map(|_| {
                let hasher = hasher.clone();
                let hash = hash.clone();
                tokio::spawn(async move { hasher.verify("guess", Some(&hash)).await })
            })
            .collect();
        let mut refused = 0;
        let mut answered = 0;
        for check in checks {
            match check.await.unwrap() {
                Ok(_) => answered += 1,
                Err(HasherBusy) => refused += 1,
            }
        }
        assert!((1..=1 + QUEUE_PER_PERMIT).contains(&answered), "{answered}");
        assert_eq!(answered + refused, 40);
    }

    #[test]
    fn hashes_are_never_printed() {
        let hash = PasswordHash::from_stored("$argon2id$secret".into());
        assert_eq!(format!("{hash:?}"), "PasswordHash([redacted])");
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(
            check_strength("short", &[])
                .unwrap_err()
                .contains("at least 8")
        );
        assert!(
            check_strength(&"a".repeat(129), &[])
                .unwrap_err()
                .contains("at most 128")
        );
        for weak in ["password", "12345678", "password123", "qwertyuiop"] {
            let reason = check_strength(weak, &[]).expect_err(weak);
            assert!(!reason.is_empty(), "{weak}");
        }
        assert!(check_strength("waymark2026", &["waymark@example.com"]).is_err());
    }

    #[test]
    fn strong_passwords_pass() {
        assert_eq!(
            check_strength("correct horse battery staple", &["ada@example.com"]),
            Ok(())
        );
        assert_eq!(check_strength("Tr4vel-Plan!nine-Lakes", &[]), Ok(()));
    }
}
