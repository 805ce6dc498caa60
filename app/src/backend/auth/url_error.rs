//! Errors that travel in an address. A form posted without JavaScript that
//! fails is sent back to its page with the error in the query
//! (`__path`, `__err`), and the page shows it. Anyone can write such an
//! address, so the server signs the ones it makes (`__sig`: an expiry and
//! an HMAC-SHA256 over both values) and pages show only errors whose
//! signature holds; others are dropped from the address before the page
//! renders.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The query keys Leptos uses for an error, and ours for its signature.
pub const PATH_KEY: &str = "__path";
pub const ERROR_KEY: &str = "__err";
pub const SIGNATURE_KEY: &str = "__sig";

/// How long a signed error may be shown: long enough for a slow redirect,
/// short enough that a saved address stops showing it.
pub const LIFETIME_SECS: u64 = 10 * 60;

/// The instance's signing key (kept in the database, the same for every
/// instance). Never printed.
#[derive(Clone)]
pub struct UrlErrorKey(Vec<u8>);

impl std::fmt::Debug for UrlErrorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UrlErrorKey([redacted])")
    }
}

impl UrlErrorKey {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    fn mac(&self, path: &str, error: &str, expires: u64) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        for part in [
            path.as_bytes(),
            error.as_bytes(),
            expires.to_string().as_bytes(),
        ] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// The `__sig` value for an error made now (Unix seconds).
    pub fn sign(&self, path: &str, error: &str, now: u64) -> String {
        let expires = now + LIFETIME_SECS;
        let tag = self.mac(path, error, expires).finalize().into_bytes();
        format!("{expires}.{}", data_encoding::BASE64URL_NOPAD.encode(&tag))
    }

    /// Whether `signature` was made by [`sign`](Self::sign) for these values
    /// and has not expired.
    pub fn verify(&self, path: &str, error: &str, signature: &str, now: u64) -> bool {
        let Some((expires, tag)) = signature.split_once('.') else {
            return false;
        };
        let (Ok(expires), Ok(tag)) = (
            expires.parse::<u64>(),
            data_encoding::BASE64URL_NOPAD.decode(tag.as_bytes()),
        ) else {
            return false;
        };
        expires >= now && self.mac(path, error, expires).verify_slice(&tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn only_what_was_signed_verifies_until_it_expires() {
        let key = UrlErrorKey::new(vec![7; 32]);
        let sig = key.sign("/fn/sign_in", "eyJCYWQiOjF9", NOW);
        assert!(key.verify("/fn/sign_in", "eyJCYWQiOjF9", &sig, NOW));
        assert!(key.verify("/fn/sign_in", "eyJCYWQiOjF9", &sig, NOW + LIFETIME_SECS));
        assert!(!key.verify("/fn/sign_in", "eyJCYWQiOjF9", &sig, NOW + LIFETIME_SECS + 1));
        assert!(!key.verify("/fn/sign_in", "eyJPdGhlciI6MX0", &sig, NOW));
        assert!(!key.verify("/fn/sign_up", "eyJCYWQiOjF9", &sig, NOW));
        assert!(!UrlErrorKey::new(vec![8; 32]).verify("/fn/sign_in", "eyJCYWQiOjF9", &sig, NOW));
        let (expires, tag) = sig.split_once('.').unwrap();
        let later = format!("{}.{tag}", expires.parse::<u64>().unwrap() + 3600);
        assert!(!key.verify("/fn/sign_in", "eyJCYWQiOjF9", &later, NOW));
        assert!(!key.verify("/fn/sign_in", "eyJCYWQiOjF9", "garbage", NOW));
        assert_eq!(format!("{key:?}"), "UrlErrorKey([redacted])");
    }
}
