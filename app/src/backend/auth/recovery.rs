//! Single-use recovery codes for when the authenticator is lost. Only their
//! SHA-256 is stored.

use rand::Rng;
use sha2::{Digest, Sha256};

/// No look-alikes (0/o, 1/l/i).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
pub const COUNT: usize = 10;

/// Characters of randomness in a code: 20 from 31 is 99 bits, beyond
/// guessing even offline against a stolen hash.
const LENGTH: usize = 20;
/// Typed input longer than this cannot be a code (dashes and spaces
/// included) and is not hashed.
pub const MAX_INPUT_LENGTH: usize = 64;

/// Ten codes like `k7m2p-xq9rt-c4hwe-9bnzs`.
pub fn generate() -> Vec<String> {
    let mut rng = rand::rng();
    let mut codes: Vec<String> = Vec::with_capacity(COUNT);
    while codes.len() < COUNT {
        let mut code = String::with_capacity(LENGTH + LENGTH / 5);
        for i in 0..LENGTH {
            if i > 0 && i % 5 == 0 {
                code.push('-');
            }
            code.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes
}

/// The code as typed, reduced to what matters: case, spaces and dashes do not.
pub fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn hash(code: &str) -> String {
    let digest = Sha256::digest(normalise(code).as_bytes());
    data_encoding::HEXLOWER.encode(&digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_distinct_codes_of_the_expected_shape() {
        let codes = generate();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        for code in codes {
            assert_eq!(code.len(), 23);
            assert_eq!(code.matches('-').count(), 3);
            assert_eq!(&code[5..6], "-");
            assert!(
                code.bytes()
                    .filter(|b| *b != b'-')
                    .all(|b| ALPHABET.contains(&b)),
                "{code}"
            );
        }
    }

    #[test]
    fn each_code_carries_at_least_eighty_random_bits() {
        let bits = (LENGTH as f64) * (ALPHABET.len() as f64).log2();
        assert!(bits >= 80.0, "{bits}");
    }

    #[test]
    fn spelling_does_not_matter() {
        assert_eq!(normalise("ABCDE-fghjk "), "abcdefghjk");
        assert_eq!(hash("ABCDE-FGHJK"), hash("abcde fghjk"));
        assert_eq!(hash("abcde-fghjk").len(), 64);
        assert_ne!(hash("abcde-fghjk"), hash("abcde-fghjm"));
    }
}
