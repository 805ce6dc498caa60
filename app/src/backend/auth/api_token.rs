//! API tokens as third-party tools hold them: `wm_` and 256 random bits,
//! URL-safe. Only the SHA-256 is stored, so a copy of the database
//! authenticates nobody; the prefix makes a leaked token easy to recognise
//! (and to scan for).

use rand::RngCore;
use sha2::{Digest, Sha256};

/// The prefix every token starts with.
pub const PREFIX: &str = "wm_";
const ENCODED_LENGTH: usize = 43;

/// A token as its holder has it. Never printed, never serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiToken(String);

impl ApiToken {
    pub fn generate() -> Self {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(format!(
            "{PREFIX}{}",
            data_encoding::BASE64URL_NOPAD.encode(&bytes)
        ))
    }

    /// Accepts a token from an `Authorization` header only if it has the
    /// exact shape of one: anything else is not looked up at all.
    pub fn from_client(text: &str) -> Option<Self> {
        let rest = text.strip_prefix(PREFIX)?;
        let well_formed = rest.len() == ENCODED_LENGTH
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(text.to_owned()))
    }

    /// The whole token, to show its maker once.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// Lowercase hex SHA-256: what the database keeps.
    pub fn hash(&self) -> String {
        data_encoding::HEXLOWER.encode(&Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiToken([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_prefix_and_256_random_bits() {
        let a = ApiToken::generate();
        let b = ApiToken::generate();
        assert_ne!(a, b);
        assert!(a.reveal().starts_with("wm_"));
        assert_eq!(a.reveal().len(), 46);
        assert_eq!(ApiToken::from_client(a.reveal()), Some(a.clone()));
        assert_eq!(format!("{a:?}"), "ApiToken([redacted])");
        assert_eq!(a.hash().len(), 64);
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for bad in [
            "",
            "wm_",
            "wm_short",
            &"a".repeat(46),
            &format!("wm_{}", "+".repeat(43)),
            &format!("WM_{}", "a".repeat(43)),
            &format!("wm_{}", "a".repeat(44)),
        ] {
            assert_eq!(ApiToken::from_client(bad), None, "{bad}");
        }
    }
}
