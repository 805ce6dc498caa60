//! Account input parsed once at the edge: an `Email` is trimmed, lower-case
//! and plausibly deliverable; a display name is short printable text.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        // Checked before any copy is made: input can be megabytes long.
        if input.len() > 4 * MAX_CHARS {
            return Err(too_long());
        }
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err("enter your email address".into());
        }
        if email.chars().count() > MAX_CHARS {
            return Err(too_long());
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("an email address has an @, like name@example.com".into());
        };
        let plausible = !local.is_empty()
            && !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && !local.contains('@');
        if plausible {
            Ok(Self(email))
        } else {
            Err("this does not look like an email address".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The longest an email address can be (RFC 5321's path limit).
const MAX_CHARS: usize = 254;

fn too_long() -> String {
    format!("an email address has at most {MAX_CHARS} characters")
}

/// A display name: 1 to 80 characters, no control characters.
pub fn parse_display_name(input: &str) -> Result<String, String> {
    let name = input.trim();
    if name.is_empty() {
        return Err("enter a name".into());
    }
    if name.chars().count() > 80 {
        return Err("use at most 80 characters".into());
    }
    if name.chars().any(char::is_control) {
        return Err("use letters, digits and punctuation only".into());
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
        assert_eq!(
            Email::parse("admin@localhost").unwrap().as_str(),
            "admin@localhost"
        );
    }

    #[test]
    fn implausible_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@.com",
            "a da@example.com",
            "a@b@c",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn display_names_are_checked() {
        assert_eq!(
            parse_display_name("  Ada Lovelace ").unwrap(),
            "Ada Lovelace"
        );
        assert!(parse_display_name("   ").is_err());
        assert!(parse_display_name(&"x".repeat(81)).is_err());
        assert!(parse_display_name("a\u{0007}b").is_err());
    }
}
