//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30 s),
//! as every authenticator app speaks them.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use subtle::ConstantTimeEq;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;

/// The shared secret. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret([redacted])")
    }
}

impl TotpSecret {
    /// 160 random bits, the size RFC 4226 recommends for SHA-1.
    pub fn generate() -> Self {
        let mut bytes = vec![0_u8; 20];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn to_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.0)
    }

    /// Reads a key as apps and people write it: any case, spaces allowed.
    pub fn from_base32(text: &str) -> Option<Self> {
        let clean: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = data_encoding::BASE32_NOPAD.decode(clean.as_bytes()).ok()?;
        (!bytes.is_empty()).then_some(Self(bytes))
    }

    #[cfg(test)]
    fn from_bytes(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

fn code_for_step(secret: &TotpSecret, step: i64) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(&secret.0).expect("HMAC takes keys of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // RFC 4226 dynamic truncation.
    let offset = usize::from(digest[19] & 0x0f);
    let binary = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    format!("{:06}", binary % 10_u32.pow(DIGITS))
}

/// The code an app shows at `unix_seconds`.
pub fn code_at(secret: &TotpSecret, unix_seconds: i64) -> String {
    code_for_step(secret, unix_seconds.div_euclid(STEP_SECONDS))
}

/// Checks a code against the current time step and one step either side
/// (clock drift). Steps at or before `last_used_step` are refused, so each
/// code works once. Returns the step that matched.
pub fn verify(
    secret: &TotpSecret,
    code: &str,
    unix_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = unix_seconds.div_euclid(STEP_SECONDS);
    let mut matched = None;
    // Check every candidate (no early exit) so timing says nothing.
    for step in [now - 1, now, now + 1] {
        let expected = code_for_step(secret, step);
        let equal: bool = expected.as_bytes().ct_eq(code.as_bytes()).into();
        if equal && last_used_step.is_none_or(|last| step > last) {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://` URI that authenticator apps read from a QR code.
pub fn otpauth_uri(secret: &TotpSecret, account: &str, issuer: &str) -> String {
    format!(
        "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        issuer = percent_encode(issuer),
        account = percent_encode(account),
        secret = secret.to_base32(),
    )
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890")
    }

    #[test]
    fn matches_the_rfc_6238_test_vectors() {
        // The RFC's 8-digit values, last 6 digits.
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_111_111_111, "050471"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
            (20_000_000_000, "353130"),
        ] {
            assert_eq!(code_at(&rfc_secret(), time), code, "at {time}");
        }
    }

    #[test]
    fn accepts_one_step_of_drift_and_nothing_more() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        assert!(verify(&secret, &code_at(&secret, now), now, None).is_some());
        assert!(verify(&secret, &code_at(&secret, now - 30), now, None).is_some());
        assert!(verify(&secret, &code_at(&secret, now + 30), now, None).is_some());
        assert!(verify(&secret, &code_at(&secret, now - 90), now, None).is_none());
        let spaced = code_at(&secret, now);
        let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
        assert!(verify(&secret, &spaced, now, None).is_some());
    }

    #[test]
    fn a_used_code_is_refused() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        let code = code_at(&secret, now);
        let step = verify(&secret, &code, now, None).unwrap();
        assert_eq!(verify(&secret, &code, now, Some(step)), None);
        assert!(verify(&secret, &code_at(&secret, now + 30), now, Some(step)).is_some());
    }

    #[test]
    fn wrong_and_malformed_codes_are_refused() {
        let secret = TotpSecret::generate();
        let now = 1_800_000_000;
        let right = code_at(&secret, now);
        let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
        assert_eq!(verify(&secret, &wrong, now, None), None);
        for bad in ["", "12345", "1234567", "abcdef"] {
            assert_eq!(verify(&secret, bad, now, None), None, "{bad}");
        }
    }

    #[test]
    fn base32_keys_round_trip_as_people_type_them() {
        let secret = TotpSecret::generate();
        let key = secret.to_base32();
        assert_eq!(key.len(), 32);
        assert_eq!(TotpSecret::from_base32(&key), Some(secret.clone()));
        let typed = key
            .to_lowercase()
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(TotpSecret::from_base32(&typed), Some(secret));
        assert_eq!(TotpSecret::from_base32("not base32!"), None);
        assert_eq!(
            format!("{:?}", TotpSecret::generate()),
            "TotpSecret([redacted])"
        );
    }

    #[test]
    fn the_uri_names_issuer_and_account() {
        let uri = otpauth_uri(&rfc_secret(), "ada+1@example.com", "Waymark");
        assert!(uri.starts_with("otpauth://totp/Waymark:ada%2B1%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Waymark"), "{uri}");
    }
}
