//! Rank keys: strings that sort in the order of cards in a column, so that
//! moving a card writes one new key between its neighbours' and no other
//! row changes.
//!
//! A key is an integer part, whose first character says how long it is
//! (`a`–`z` for 2 to 27 characters, `A`–`Z` for the negative side), then an
//! optional fraction in base 62. Adding at either end steps the integer
//! part, so keys stay short when cards are always added at the top or the
//! bottom; a move between two cards takes the midpoint of their fractions.
//! Keys compare as bytes (SQLite's default; PostgreSQL's column is
//! `COLLATE "C"`). This is the scheme of David Greenspan's "Implementing
//! Fractional Indexing", as in the `fractional-indexing` libraries.

const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ZERO: u8 = b'0';
const LAST: u8 = b'z';
/// The smallest integer part, which has no predecessor.
const SMALLEST_INTEGER: &str = "A00000000000000000000000000";

/// Why a key could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RankError {
    #[error("`{0}` is not a rank key")]
    Invalid(String),
    #[error("`{0}` does not sort before `{1}`")]
    OutOfOrder(String, String),
    #[error("no key is left at this end")]
    Exhausted,
}

fn digit(c: u8) -> Option<usize> {
    DIGITS.iter().position(|&d| d == c)
}

fn integer_length(head: u8) -> Option<usize> {
    match head {
        b'a'..=b'z' => Some(usize::from(head - b'a') + 2),
        b'A'..=b'Z' => Some(usize::from(b'Z' - head) + 2),
        _ => None,
    }
}

/// Splits a valid key into its integer part and its fraction.
fn split(key: &str) -> Result<(&str, &str), RankError> {
    let invalid = || RankError::Invalid(key.to_owned());
    let bytes = key.as_bytes();
    let length = bytes
        .first()
        .and_then(|&h| integer_length(h))
        .ok_or_else(invalid)?;
    if length > bytes.len() || !bytes[1..].iter().all(|&c| digit(c).is_some()) {
        return Err(invalid());
    }
    let (integer, fraction) = key.split_at(length);
    if integer == SMALLEST_INTEGER && fraction.is_empty() || fraction.ends_with('0') {
        return Err(invalid());
    }
    Ok((integer, fraction))
}

/// Whether `key` is a key this module could have made.
pub fn is_valid(key: &str) -> bool {
    split(key).is_ok()
}

/// A fraction strictly between `a` and `b` (`None`: the end); neither ends
/// in the zero digit, nor does the result.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> Vec<u8> {
    if let Some(b) = b {
        let common = (0..b.len())
            .take_while(|&i| a.get(i).copied().unwrap_or(ZERO) == b[i])
            .count();
        if common > 0 {
            let mut out = b[..common].to_vec();
            out.extend(midpoint(a.get(common..).unwrap_or(&[]), Some(&b[common..])));
            return out;
        }
    }
    let digit_a = a.first().map_or(0, |&c| digit(c).unwrap_or(0));
    let digit_b = b.map_or(DIGITS.len(), |b| digit(b[0]).unwrap_or(DIGITS.len()));
    if digit_b - digit_a > 1 {
        // Round half up, as the reference implementation does.
        vec![DIGITS[(digit_a + digit_b).div_ceil(2)]]
    } else if let Some(b) = b.filter(|b| b.len() > 1) {
        vec![b[0]]
    } else {
        let mut out = vec![DIGITS[digit_a]];
        out.extend(midpoint(a.get(1..).unwrap_or(&[]), None));
        out
    }
}

fn increment_integer(integer: &str) -> Option<String> {
    let bytes = integer.as_bytes();
    let head = bytes[0];
    let mut digits = bytes[1..].to_vec();
    let mut carry = true;
    for d in digits.iter_mut().rev() {
        let next = digit(*d).unwrap_or(0) + 1;
        if next == DIGITS.len() {
            *d = ZERO;
        } else {
            *d = DIGITS[next];
            carry = false;
            break;
        }
    }
    if !carry {
        return Some(string(head, &digits));
    }
    match head {
        b'Z' => Some("a0".to_owned()),
        b'z' => None,
        _ => {
            let head = head + 1;
            if head > b'a' {
                digits.push(ZERO);
            } else {
                digits.pop();
            }
            Some(string(head, &digits))
        }
    }
}

fn decrement_integer(integer: &str) -> Option<String> {
    let bytes = integer.as_bytes();
    let head = bytes[0];
    let mut digits = bytes[1..].to_vec();
    let mut borrow = true;
    for d in digits.iter_mut().rev() {
        match digit(*d).unwrap_or(0) {
            0 => *d = LAST,
            n => {
                *d = DIGITS[n - 1];
                borrow = false;
                break;
            }
        }
    }
    if !borrow {
        return Some(string(head, &digits));
    }
    match head {
        b'a' => Some("Zz".to_owned()),
        b'A' => None,
        _ => {
            let head = head - 1;
            if head < b'Z' {
                digits.push(LAST);
            } else {
                digits.pop();
            }
            Some(string(head, &digits))
        }
    }
}

fn string(head: u8, digits: &[u8]) -> String {
    let mut out = String::with_capacity(digits.len() + 1);
    out.push(char::from(head));
    out.extend(digits.iter().map(|&d| char::from(d)));
    out
}

fn join(integer: &str, fraction: &[u8]) -> String {
    let mut out = integer.to_owned();
    out.extend(fraction.iter().map(|&d| char::from(d)));
    out
}

/// A key that sorts after `before` and before `after` (`None`: that end of
/// the column is open).
pub fn between(before: Option<&str>, after: Option<&str>) -> Result<String, RankError> {
    let a = before.map(split).transpose()?;
    let b = after.map(split).transpose()?;
    if let (Some(before), Some(after)) = (before, after)
        && before >= after
    {
        return Err(RankError::OutOfOrder(before.to_owned(), after.to_owned()));
    }
    match (a, b) {
        (None, None) => Ok("a0".to_owned()),
        (None, Some((integer_b, fraction_b))) => {
            if integer_b == SMALLEST_INTEGER {
                Ok(join(integer_b, &midpoint(&[], Some(fraction_b.as_bytes()))))
            } else if !fraction_b.is_empty() {
                Ok(integer_b.to_owned())
            } else {
                decrement_integer(integer_b).ok_or(RankError::Exhausted)
            }
        }
        (Some((integer_a, fraction_a)), None) => Ok(match increment_integer(integer_a) {
            Some(next) => next,
            None => join(integer_a, &midpoint(fraction_a.as_bytes(), None)),
        }),
        (Some((integer_a, fraction_a)), Some((integer_b, fraction_b))) => {
            if integer_a == integer_b {
                return Ok(join(
                    integer_a,
                    &midpoint(fraction_a.as_bytes(), Some(fraction_b.as_bytes())),
                ));
            }
            let next = increment_integer(integer_a).ok_or(RankError::Exhausted)?;
            if next.as_str() < after.unwrap_or_default() {
                Ok(next)
            } else {
                Ok(join(integer_a, &midpoint(fraction_a.as_bytes(), None)))
            }
        }
    }
}

/// `count` keys in order, each after the one before, starting after
/// `before` (for putting many items at the end of a column at once).
pub fn after_each(before: Option<&str>, count: usize) -> Result<Vec<String>, RankError> {
    let mut keys: Vec<String> = Vec::with_capacity(count);
    for _ in 0..count {
        let previous = keys.last().map(String::as_str).or(before);
        keys.push(between(previous, None)?);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_key_and_ends() {
        assert_eq!(between(None, None).unwrap(), "a0");
        assert_eq!(between(Some("a0"), None).unwrap(), "a1");
        assert_eq!(between(None, Some("a0")).unwrap(), "Zz");
        assert_eq!(between(Some("az"), None).unwrap(), "b00");
        assert_eq!(between(Some("Zz"), None).unwrap(), "a0");
        assert_eq!(between(None, Some("b00")).unwrap(), "az");
    }

    #[test]
    fn midpoints() {
        assert_eq!(between(Some("a0"), Some("a1")).unwrap(), "a0V");
        assert_eq!(between(Some("a0V"), Some("a1")).unwrap(), "a0l");
        assert_eq!(between(Some("a0"), Some("a0V")).unwrap(), "a0G");
        assert_eq!(between(Some("a1"), Some("a2")).unwrap(), "a1V");
        assert_eq!(between(Some("a0"), Some("a3")).unwrap(), "a1");
        assert_eq!(between(Some("Zz"), Some("a01")).unwrap(), "a0");
    }

    /// The roadmap's migration numbers existing items `d0000`, `d0001`, …
    /// (five characters, base 62): keys that moves can go between and
    /// around.
    #[test]
    fn keys_the_roadmap_migration_wrote_take_moves() {
        for key in ["d0000", "d0001", "d00C5", "dzzzz"] {
            assert!(is_valid(key), "{key}");
        }
        let middle = between(Some("d0000"), Some("d0001")).unwrap();
        assert!("d0000" < middle.as_str() && middle.as_str() < "d0001");
        assert!(between(None, Some("d0000")).unwrap().as_str() < "d0000");
        assert!(between(Some("dzzzz"), None).unwrap().as_str() > "dzzzz");
    }

    #[test]
    fn refuses_bad_input() {
        assert!(matches!(
            between(Some("a1"), Some("a0")),
            Err(RankError::OutOfOrder(..))
        ));
        assert!(matches!(
            between(Some("a1"), Some("a1")),
            Err(RankError::OutOfOrder(..))
        ));
        for bad in ["", "a", "a0 ", "a00", "!0", "b0", "a0é", SMALLEST_INTEGER] {
            assert!(!is_valid(bad), "{bad:?} should be invalid");
            assert!(between(Some(bad), None).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn appending_many_keeps_keys_short() {
        let keys = after_each(None, 10_000).unwrap();
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert!(keys.iter().all(|k| k.len() <= 4), "{:?}", keys.last());
        let mut first = keys[0].clone();
        for _ in 0..10_000 {
            let next = between(None, Some(&first)).unwrap();
            assert!(next < first);
            first = next;
        }
        assert!(first.len() <= 4, "{first}");
    }

    /// Random moves into random gaps, checked against a plain list.
    #[test]
    fn random_inserts_stay_ordered_and_valid() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut keys: Vec<String> = vec![between(None, None).unwrap()];
        for _ in 0..3_000 {
            let at = (next() % (keys.len() as u64 + 1)) as usize;
            let before = at.checked_sub(1).map(|i| keys[i].as_str());
            let after = keys.get(at).map(String::as_str);
            let key = between(before, after).unwrap();
            assert!(is_valid(&key), "{key}");
            assert!(before.is_none_or(|b| b < key.as_str()));
            assert!(after.is_none_or(|a| key.as_str() < a));
            keys.insert(at, key);
        }
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
    }

    /// Always inserting at the same spot: keys grow, but slowly.
    #[test]
    fn repeated_inserts_between_two_neighbours() {
        let low = "a0".to_owned();
        let mut high = "a1".to_owned();
        for _ in 0..500 {
            high = between(Some(&low), Some(&high)).unwrap();
        }
        assert!(high.len() < 120, "{}", high.len());
    }
}
