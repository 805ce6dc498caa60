//! Exact rational arithmetic over the decimals people typed: the value a
//! score has by hand, for the rare score whose binary value lies too close
//! to a rounding boundary to say which way that value rounds.
//!
//! Ratings, weights and a formula's numbers are stored as `f64`; each is
//! taken as the shortest decimal that prints as it (what the form showed),
//! so `0.1` is one tenth, not the binary number nearest to it.

use std::cmp::Ordering;

use num_bigint::BigUint;

/// The most bits a numerator or a denominator may grow to. Ratings and
/// weights within f64's range need a few thousand at most; a formula that
/// raises a number to a large power can need more, and is then rounded from
/// its binary value instead of taking unbounded time and memory.
const MAX_BITS: u64 = 1 << 18;

/// `±numerator / denominator`, the denominator above 0, not reduced (a
/// common factor costs only bits, and finding it costs a division).
#[derive(Debug, Clone)]
pub struct Exact {
    negative: bool,
    numerator: BigUint,
    denominator: BigUint,
}

impl Exact {
    pub fn integer(n: i64) -> Self {
        Self {
            negative: n < 0,
            numerator: BigUint::from(n.unsigned_abs()),
            denominator: BigUint::ONE,
        }
    }

    /// The shortest decimal that prints as `x` (none for NaN or infinity).
    pub fn decimal(x: f64) -> Option<Self> {
        if !x.is_finite() {
            return None;
        }
        // `{:e}` writes that decimal as digits and a power of ten:
        // `9.55e0`, `5e-324`, `1e300`.
        let text = format!("{:e}", x.abs());
        let (mantissa, exponent) = text.split_once('e')?;
        let exponent: i64 = exponent.parse().ok()?;
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: u64 = format!("{whole}{fraction}").parse().ok()?;
        let power = exponent - fraction.len() as i64;
        let ten = |n: i64| Some(BigUint::from(10_u32).pow(u32::try_from(n).ok()?));
        let (numerator, denominator) = if power >= 0 {
            (BigUint::from(digits) * ten(power)?, BigUint::ONE)
        } else {
            (BigUint::from(digits), ten(-power)?)
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
        self.numerator.bits() == 0
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
            .unwrap_or(0)
            .min(self.denominator.trailing_zeros().unwrap_or(0));
        if twos > 0 {
            self.numerator >>= twos;
            self.denominator >>= twos;
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
                &self.numerator * &other.denominator,
                &other.numerator * &self.denominator,
                &self.denominator * &other.denominator,
            )
        };
        let (negative, numerator) = if self.is_negative() == other.is_negative() {
            (self.is_negative(), a + b)
        } else if a >= b {
            (self.is_negative(), a - b)
        } else {
            (other.is_negative(), b - a)
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
            numerator: &self.numerator * &other.numerator,
            denominator: &self.denominator * &other.denominator,
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
            numerator: &self.numerator * &other.denominator,
            denominator: &self.denominator * &other.numerator,
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
        let numerator = u64::try_from(&self.numerator).ok()?;
        let denominator = u64::try_from(&self.denominator).ok()?;
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
        let top = |n: &BigUint| {
            let shift = n.bits().saturating_sub(64);
            let high = u64::try_from(&(n >> shift)).unwrap_or(u64::MAX);
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
                let ours = &self.numerator * &other.denominator;
                let theirs = &other.numerator * &self.denominator;
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
