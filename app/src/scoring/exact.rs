//! Exact rational arithmetic over the decimals people typed: the value a
//! score has by hand, for the rare score whose binary value lies too close
//! to a rounding boundary to say which way that value rounds.
//!
//! Ratings, weights and a formula's numbers are stored as `f64`; each is
//! taken as the shortest decimal that prints as it (what the form showed),
//! so `0.1` is one tenth, not the binary number nearest to it.

use std::cmp::Ordering;

/// The most bits a numerator or a denominator may grow to: a thousand
/// decimal digits and more, beyond what the decimals of ratings and weights
/// a person types need. A value that outgrows it (a formula raising a
/// number to a large power) is rounded from its binary value instead, and
/// no score takes long: an operation costs at most `(MAX_BITS / 32)²` digit
/// products.
const MAX_BITS: u64 = 1 << 13;

/// A natural number in base 2³², least significant digit first, with no
/// zero digit at the top (0 has none). Only what `Exact` needs: the
/// numbers stay within `MAX_BITS`, so the schoolbook algorithms are enough,
/// and a general big-number crate would add its size to the browser's wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Natural(Vec<u32>);

impl Natural {
    fn new(n: u64) -> Self {
        Self(vec![n as u32, (n >> 32) as u32]).trimmed()
    }

    fn trimmed(mut self) -> Self {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bits(&self) -> u64 {
        self.0.last().map_or(0, |top| {
            32 * (self.0.len() as u64 - 1) + u64::from(32 - top.leading_zeros())
        })
    }

    fn trailing_zeros(&self) -> u64 {
        let zero_digits = self.0.iter().take_while(|d| **d == 0).count();
        self.0.get(zero_digits).map_or(0, |d| {
            32 * zero_digits as u64 + u64::from(d.trailing_zeros())
        })
    }

    /// `self / 2^shift`, rounded down.
    fn shifted_down(&self, shift: u64) -> Self {
        let (digits, bits) = ((shift / 32) as usize, (shift % 32) as u32);
        let rest = self.0.get(digits..).unwrap_or(&[]);
        let shifted = rest
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let above = rest.get(i + 1).copied().unwrap_or(0);
                if bits == 0 {
                    *d
                } else {
                    (d >> bits) | (above << (32 - bits))
                }
            })
            .collect();
        Self(shifted).trimmed()
    }

    fn add(&self, other: &Self) -> Self {
        let (long, short) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut sum = Vec::with_capacity(long.0.len() + 1);
        let mut carry = 0_u64;
        for (i, d) in long.0.iter().enumerate() {
            let total = u64::from(*d) + u64::from(short.0.get(i).copied().unwrap_or(0)) + carry;
            sum.push(total as u32);
            carry = total >> 32;
        }
        sum.push(carry as u32);
        Self(sum).trimmed()
    }

    /// `self − other`, for `other ≤ self`.
    fn sub(&self, other: &Self) -> Self {
        let mut difference = Vec::with_capacity(self.0.len());
        let mut borrow = 0_i64;
        for (i, d) in self.0.iter().enumerate() {
            let total = i64::from(*d) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            difference.push(total.rem_euclid(1 << 32) as u32);
            borrow = i64::from(total < 0);
        }
        Self(difference).trimmed()
    }

    fn mul(&self, other: &Self) -> Self {
        if self.is_zero() || other.is_zero() {
            return Self(Vec::new());
        }
        let mut product = vec![0_u32; self.0.len() + other.0.len()];
        for (i, a) in self.0.iter().enumerate() {
            let mut carry = 0_u64;
            for (j, b) in other.0.iter().enumerate() {
                let total = u64::from(*a) * u64::from(*b) + u64::from(product[i + j]) + carry;
                product[i + j] = total as u32;
                carry = total >> 32;
            }
            product[i + other.0.len()] = carry as u32;
        }
        Self(product).trimmed()
    }

    fn pow(&self, mut exponent: u32) -> Self {
        let (mut result, mut base) = (Self::new(1), self.clone());
        while exponent > 0 {
            if exponent & 1 == 1 {
                result = result.mul(&base);
            }
            exponent >>= 1;
            if exponent > 0 {
                base = base.mul(&base);
            }
        }
        result
    }

    fn to_u64(&self) -> Option<u64> {
        match self.0.as_slice() {
            [] => Some(0),
            [low] => Some(u64::from(*low)),
            [low, high] => Some(u64::from(*low) | u64::from(*high) << 32),
            _ => None,
        }
    }
}

impl PartialOrd for Natural {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Natural {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

/// `±numerator / denominator`, the denominator above 0, not reduced (a
/// common factor costs only bits, and finding it costs a division).
#[derive(Debug, Clone)]
pub struct Exact {
    negative: bool,
    numerator: Natural,
    denominator: Natural,
}

impl Exact {
    pub fn integer(n: i64) -> Self {
        Self {
            negative: n < 0,
            numerator: Natural::new(n.unsigned_abs()),
            denominator: Natural::new(1),
        }
    }

    /// The shortest decimal that prints as `x` (none for NaN or infinity).
    pub fn decimal(x: f64) -> Option<Self> {
        if !x.is_finite() {
            return None;
        }
        // Most ratings and weights are whole: no text needed.
        if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
            return Some(Self::integer(x as i64));
        }
        // `{}` writes that decimal in full: `9.55`, `1000…0`, `0.000…05`;
        // its significant digits, at most 17, fit a u64.
        let text = format!("{}", x.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
        let all = format!("{whole}{fraction}");
        let significant = all.trim_start_matches('0');
        let digits = significant.trim_end_matches('0');
        let power = (significant.len() - digits.len()) as i64 - fraction.len() as i64;
        let digits: u64 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let ten = |n: i64| Some(Natural::new(10).pow(u32::try_from(n).ok()?));
        let (numerator, denominator) = if power >= 0 {
            (Natural::new(digits).mul(&ten(power)?), Natural::new(1))
        } else {
            (Natural::new(digits), ten(-power)?)
        };
        Some(
            Self {
                negative: x < 0.0 && digits != 0,
                numerator,
                denominator,
            }
            .reduced_by_two(),
        )
    }

    pub fn is_zero(&self) -> bool {
        self.numerator.is_zero()
    }

    pub fn is_negative(&self) -> bool {
        self.negative && !self.is_zero()
    }

    /// A common power of two costs nothing to take out, and decimals carry
    /// many (10ⁿ = 2ⁿ × 5ⁿ).
    fn reduced_by_two(mut self) -> Self {
        let twos = self
            .numerator
            .trailing_zeros()
            .min(self.denominator.trailing_zeros());
        if twos > 0 {
            self.numerator = self.numerator.shifted_down(twos);
            self.denominator = self.denominator.shifted_down(twos);
        }
        self
    }

    /// `None` when a part outgrew `MAX_BITS`.
    fn checked(self) -> Option<Self> {
        let this = self.reduced_by_two();
        (this.numerator.bits() <= MAX_BITS && this.denominator.bits() <= MAX_BITS).then_some(this)
    }

    pub fn negated(&self) -> Self {
        Self {
            negative: !self.negative,
            ..self.clone()
        }
    }

    pub fn abs(&self) -> Self {
        Self {
            negative: false,
            ..self.clone()
        }
    }

    pub fn add(&self, other: &Self) -> Option<Self> {
        let (a, b, denominator) = if self.denominator == other.denominator {
            (
                self.numerator.clone(),
                other.numerator.clone(),
                self.denominator.clone(),
            )
        } else {
            (
                self.numerator.mul(&other.denominator),
                other.numerator.mul(&self.denominator),
                self.denominator.mul(&other.denominator),
            )
        };
        let (negative, numerator) = if self.is_negative() == other.is_negative() {
            (self.is_negative(), a.add(&b))
        } else if a >= b {
            (self.is_negative(), a.sub(&b))
        } else {
            (other.is_negative(), b.sub(&a))
        };
        Self {
            negative,
            numerator,
            denominator,
        }
        .checked()
    }

    pub fn sub(&self, other: &Self) -> Option<Self> {
        self.add(&other.negated())
    }

    pub fn mul(&self, other: &Self) -> Option<Self> {
        Self {
            negative: self.is_negative() != other.is_negative(),
            numerator: self.numerator.mul(&other.numerator),
            denominator: self.denominator.mul(&other.denominator),
        }
        .checked()
    }

    /// `None` for a divisor of 0 too: the caller asks `is_zero` first.
    pub fn div(&self, other: &Self) -> Option<Self> {
        if other.is_zero() {
            return None;
        }
        Self {
            negative: self.is_negative() != other.is_negative(),
            numerator: self.numerator.mul(&other.denominator),
            denominator: self.denominator.mul(&other.numerator),
        }
        .checked()
    }

    /// `self` to the power `n`; `None` for 0 to a negative power, or when
    /// the result would outgrow `MAX_BITS`.
    pub fn pow(&self, n: i64) -> Option<Self> {
        let bits = self.numerator.bits().max(self.denominator.bits());
        if bits.saturating_mul(n.unsigned_abs()) > MAX_BITS {
            return None;
        }
        let exponent = u32::try_from(n.unsigned_abs()).ok()?;
        let (numerator, denominator) = if n >= 0 {
            (self.numerator.pow(exponent), self.denominator.pow(exponent))
        } else if self.is_zero() {
            return None;
        } else {
            (self.denominator.pow(exponent), self.numerator.pow(exponent))
        };
        Some(Self {
            negative: self.is_negative() && exponent % 2 == 1,
            numerator,
            denominator,
        })
    }

    /// The value as a whole number that fits an `i64`, if it is one.
    pub fn as_integer(&self) -> Option<i64> {
        let numerator = self.numerator.to_u64()?;
        let denominator = self.denominator.to_u64()?;
        if numerator % denominator != 0 {
            return None;
        }
        let whole = i64::try_from(numerator / denominator).ok()?;
        Some(if self.is_negative() { -whole } else { whole })
    }

    /// The square root, when it is the decimal of `near` (the binary
    /// root): exact for the squares of short decimals, `None` otherwise.
    pub fn sqrt_near(&self, near: f64) -> Option<Self> {
        let root = Self::decimal(near)?;
        (root.mul(&root)? == *self).then_some(root)
    }

    /// The nearest f64, give or take a few units in its last place: enough
    /// to find the tenth the exact comparisons then check.
    pub fn approximate(&self) -> f64 {
        let top = |n: &Natural| {
            let shift = n.bits().saturating_sub(64);
            let high = n.shifted_down(shift).to_u64().unwrap_or(u64::MAX);
            (high as f64, shift as i32)
        };
        let (numerator, up) = top(&self.numerator);
        let (denominator, down) = top(&self.denominator);
        let magnitude = libm::scalbn(numerator / denominator, up - down);
        if self.is_negative() {
            -magnitude
        } else {
            magnitude
        }
    }

    fn compare(&self, other: &Self) -> Ordering {
        match (self.is_negative(), other.is_negative()) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (negative, _) => {
                let ours = self.numerator.mul(&other.denominator);
                let theirs = other.numerator.mul(&self.denominator);
                let order = ours.cmp(&theirs);
                if negative { order.reverse() } else { order }
            }
        }
    }

    /// To one decimal, halves away from zero, as an f64 (the nearest one to
    /// that decimal, as `n / 10.0` gives it); `None` when the exact value
    /// is too far from its approximation to find its tenth.
    pub fn to_tenth(&self) -> Option<f64> {
        let tenths = self.mul(&Self::integer(10))?;
        let mut whole = tenths.approximate().floor();
        if whole.is_nan() || whole.abs() >= 9e15 {
            return None;
        }
        // Make `whole ≤ tenths < whole + 1`; the approximation is off by
        // at most a few units.
        for _ in 0..8 {
            let below = Self::integer(whole as i64);
            if tenths < below {
                whole -= 1.0;
            } else if tenths >= Self::integer(whole as i64 + 1) {
                whole += 1.0;
            } else {
                let half = Self::integer(2 * whole as i64 + 1).div(&Self::integer(2))?;
                let rounded = match tenths.cmp(&half) {
                    Ordering::Less => whole,
                    Ordering::Greater => whole + 1.0,
                    // A tie: away from zero.
                    Ordering::Equal if whole < 0.0 => whole,
                    Ordering::Equal => whole + 1.0,
                };
                return Some(rounded / 10.0 + 0.0);
            }
        }
        None
    }
}

impl PartialEq for Exact {
    fn eq(&self, other: &Self) -> bool {
        self.compare(other).is_eq()
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By value: `1/2` and `2/4` are equal.
impl Ord for Exact {
    fn cmp(&self, other: &Self) -> Ordering {
        self.compare(other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random numbers of up to `digits` base-2³² digits, from a fixed seed.
    fn naturals(count: usize, digits: usize) -> Vec<Natural> {
        let mut seed: u64 = 0x5eed;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 32) as u32
        };
        (0..count)
            .map(|_| {
                let length = next() as usize % (digits + 1);
                // Runs of zero and full digits, where carries go wrong.
                let digit = |n: &mut dyn FnMut() -> u32| match n() % 4 {
                    0 => 0,
                    1 => u32::MAX,
                    _ => n(),
                };
                Natural((0..length).map(|_| digit(&mut next)).collect()).trimmed()
            })
            .collect()
    }

    fn wide(n: &Natural) -> u128 {
        n.0.iter()
            .rev()
            .fold(0, |acc, d| acc << 32 | u128::from(*d))
    }

    #[test]
    fn naturals_agree_with_u128_where_it_reaches() {
        let small = naturals(300, 2);
        for a in &small {
            assert_eq!(a.to_u64().map(u128::from), Some(wide(a)));
            assert_eq!(a.bits(), u64::from(128 - wide(a).leading_zeros()));
            if !a.is_zero() {
                assert_eq!(a.trailing_zeros(), u64::from(wide(a).trailing_zeros()));
            }
            for shift in [0, 1, 31, 32, 33, 64, 70] {
                assert_eq!(wide(&a.shifted_down(shift)), wide(a) >> shift.min(127));
            }
            assert_eq!(wide(&a.pow(2)), wide(a) * wide(a));
            for b in &small {
                assert_eq!(wide(&a.add(b)), wide(a) + wide(b));
                assert_eq!(wide(&a.mul(b)), wide(a) * wide(b));
                assert_eq!(a.cmp(b), wide(a).cmp(&wide(b)), "{a:?} {b:?}");
                if a >= b {
                    assert_eq!(wide(&a.sub(b)), wide(a) - wide(b));
                }
            }
        }
    }

    #[test]
    fn large_naturals_keep_the_laws_of_arithmetic() {
        let large = naturals(40, 12);
        for (a, (b, c)) in large
            .iter()
            .zip(large.iter().skip(1).zip(large.iter().skip(2)))
        {
            assert_eq!(a.mul(b).mul(c), a.mul(&b.mul(c)));
            assert_eq!(a.mul(&b.add(c)), a.mul(b).add(&a.mul(c)));
            assert_eq!(a.add(b).sub(b), *a);
            assert_eq!(a.pow(3), a.mul(a).mul(a));
            assert_eq!(a.mul(b).shifted_down(0), a.mul(b));
            assert!(a.add(b) >= *a && a.add(b) >= *b);
            let shifted = Natural::new(1).mul(a).mul(&Natural::new(1 << 40));
            assert_eq!(shifted.shifted_down(40), *a);
        }
    }

    fn decimal(x: f64) -> Exact {
        Exact::decimal(x).unwrap()
    }

    fn ratio(numerator: i64, denominator: i64) -> Exact {
        Exact::integer(numerator)
            .div(&Exact::integer(denominator))
            .unwrap()
    }

    #[test]
    fn a_decimal_is_the_one_the_number_prints_as() {
        assert_eq!(decimal(0.1), ratio(1, 10));
        assert_eq!(decimal(9.55), ratio(955, 100));
        assert_eq!(decimal(-0.45), ratio(-45, 100));
        assert_eq!(decimal(1e300), Exact::integer(10).pow(300).unwrap());
        assert_eq!(
            decimal(5e-324),
            Exact::integer(5)
                .div(&Exact::integer(10).pow(324).unwrap())
                .unwrap()
        );
        assert!(decimal(-0.0).is_zero() && !decimal(-0.0).is_negative());
        assert!(Exact::decimal(f64::NAN).is_none());
        assert!(Exact::decimal(f64::INFINITY).is_none());
    }

    #[test]
    fn arithmetic_is_exact() {
        let sum = decimal(0.1).add(&decimal(0.2)).unwrap();
        assert_eq!(sum, decimal(0.3), "not 0.30000000000000004");
        assert!(sum.sub(&decimal(0.3)).unwrap().is_zero());
        assert_eq!(
            decimal(9.55).sub(&Exact::integer(10)).unwrap(),
            ratio(-9, 20)
        );
        assert_eq!(
            ratio(1, 3).mul(&Exact::integer(3)).unwrap(),
            Exact::integer(1)
        );
        assert_eq!(ratio(-2, 3).pow(-3).unwrap(), ratio(-27, 8));
        assert!(Exact::integer(0).pow(-1).is_none());
        assert!(decimal(1.5).pow(1_000_000).is_none(), "too many bits");
        assert_eq!(
            decimal(2.25).sqrt_near(1.5).map(|r| r.approximate()),
            Some(1.5)
        );
        assert!(decimal(2.0).sqrt_near(std::f64::consts::SQRT_2).is_none());
        assert_eq!(ratio(30, 4).as_integer(), None);
        assert_eq!(ratio(-32, 4).as_integer(), Some(-8));
        assert_eq!(ratio(1, 3).min(ratio(1, 4)), ratio(1, 4));
        assert_eq!(ratio(-1, 3).max(ratio(-1, 2)), ratio(-1, 3));
    }

    #[test]
    fn tenths_round_halves_away_from_zero() {
        assert_eq!(ratio(2875, 100).to_tenth(), Some(28.8));
        assert_eq!(ratio(2874, 100).to_tenth(), Some(28.7));
        assert_eq!(ratio(1, 20).to_tenth(), Some(0.1));
        assert_eq!(ratio(-1, 20).to_tenth(), Some(-0.1));
        assert_eq!(ratio(-9, 20).to_tenth(), Some(-0.5));
        assert_eq!(
            ratio(-1, 100).to_tenth().map(f64::is_sign_positive),
            Some(true)
        );
        assert_eq!(ratio(1, 3).to_tenth(), Some(0.3));
        assert_eq!(Exact::integer(100).to_tenth(), Some(100.0));
        assert_eq!(decimal(1e300).to_tenth(), None, "no tenths left");
    }
}
