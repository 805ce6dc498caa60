//! Opaque secrets handed to browsers: session cookies, two-factor
//! challenges, password-reset links. 256 random bits; only the SHA-256 is
//! stored, so a copy of the database signs nobody in.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A token as the browser holds it. Never printed, never serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

/// What the database keeps: lowercase hex SHA-256 of the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHash(pub String);

const ENCODED_LENGTH: usize = 43;

impl SecretToken {
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(data_encoding::BASE64URL_NOPAD.encode(&bytes))
    }

    /// Accepts a token from a cookie or URL only if it has the exact shape
    /// of one: anything else is not looked up at all.
    pub fn from_client(text: String) -> Option<Self> {
        let well_formed = text.len() == ENCODED_LENGTH
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then_some(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(data_encoding::HEXLOWER.encode(&Sha256::digest(self.0.as_bytes())))
    }
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let a = SecretToken::generate();
        let b = SecretToken::generate();
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 43);
        assert_eq!(
            SecretToken::from_client(a.as_str().to_owned()),
            Some(a.clone())
        );
        assert_eq!(format!("{a:?}"), "SecretToken([redacted])");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert_eq!(SecretToken::from_client("short".into()), None);
        assert_eq!(SecretToken::from_client("+".repeat(43)), None);
        assert_eq!(SecretToken::from_client("a".repeat(44)), None);
    }

    #[test]
    fn the_hash_is_stable_hex() {
        let token = SecretToken::from_client("a".repeat(43)).unwrap();
        assert_eq!(token.hash(), token.hash());
        assert_eq!(token.hash().0.len(), 64);
        assert!(token.hash().0.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
