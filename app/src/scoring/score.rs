//! The default priority score of a framework's criteria: each rating
//! normalised to 0–1 by its scale, turned round for a "more is less"
//! criterion, averaged by weight within its factor (Value or Effort), and
//! `(Value + (1 − Effort)) / 2 × 100`, to one decimal.

use serde::{Deserialize, Serialize};

use super::exact::Exact;
use super::formula::NoValue;

/// How a criterion is rated, and how a rating maps to 0–1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scale {
    /// An integer 0..=10, as n / 10.
    ZeroToTen,
    /// 0..=100, as n / 100.
    Percentage,
    /// XS, S, M, L, XL, rated 0..=4, as 0, .25, .5, .75, 1.
    TShirt,
    /// 0 (no) or 1 (yes).
    YesNo,
    /// Any number ≥ 0, as n / the largest rating of the workspace's items
    /// (0 when that is 0).
    Number,
}

/// The sizes of the T-shirt scale, rated 0..=4.
pub const TSHIRT_SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];

/// Which factor a criterion counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Factor {
    Value,
    Effort,
}

impl Factor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Value => "value",
            Self::Effort => "effort",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Value => "Value",
            Self::Effort => "Effort",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Value, Self::Effort]
            .into_iter()
            .find(|f| f.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// A higher rating counts for more.
    MoreIsMore,
    /// A higher rating counts for less: normalised n counts as 1 − n.
    MoreIsLess,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MoreIsMore => "more_is_more",
            Self::MoreIsLess => "more_is_less",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::MoreIsMore, Self::MoreIsLess]
            .into_iter()
            .find(|d| d.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub factor: Factor,
    /// ≥ 0; a criterion of weight 0 does not count.
    pub weight: f64,
    pub scale: Scale,
    pub direction: Direction,
}

impl Scale {
    pub const ALL: [Scale; 5] = [
        Self::ZeroToTen,
        Self::Percentage,
        Self::TShirt,
        Self::YesNo,
        Self::Number,
    ];

    /// As stored and as written in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZeroToTen => "zero_to_ten",
            Self::Percentage => "percentage",
            Self::TShirt => "tshirt",
            Self::YesNo => "yes_no",
            Self::Number => "number",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// As a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::ZeroToTen => "0–10",
            Self::Percentage => "Percentage",
            Self::TShirt => "T-shirt size",
            Self::YesNo => "Yes / no",
            Self::Number => "Number",
        }
    }

    /// A rating as a person reads it: `M` for a T-shirt 2, `yes` for 1.
    pub fn show(self, rating: f64) -> String {
        match self {
            Self::TShirt => TSHIRT_SIZES
                .get(rating as usize)
                .copied()
                .unwrap_or("?")
                .to_owned(),
            Self::YesNo if rating == 1.0 => "yes".to_owned(),
            Self::YesNo => "no".to_owned(),
            Self::Percentage => format!("{rating}%"),
            _ => format!("{rating}"),
        }
    }

    /// Whether `rating` is a rating this scale takes.
    pub fn accepts(self, rating: f64) -> bool {
        let whole = rating.fract() == 0.0;
        match self {
            Self::ZeroToTen => whole && (0.0..=10.0).contains(&rating),
            Self::Percentage => (0.0..=100.0).contains(&rating),
            Self::TShirt => whole && (0.0..=4.0).contains(&rating),
            Self::YesNo => rating == 0.0 || rating == 1.0,
            Self::Number => rating.is_finite() && rating >= 0.0,
        }
    }

    /// `rating` as 0–1; `largest` is the largest rating of this criterion
    /// among the workspace's items (used by `Number` only). `None` for a
    /// rating the scale does not take.
    pub fn normalise(self, rating: f64, largest: f64) -> Option<f64> {
        if !self.accepts(rating) {
            return None;
        }
        Some(match self {
            Self::ZeroToTen => rating / 10.0,
            Self::Percentage => rating / 100.0,
            Self::TShirt => rating / 4.0,
            Self::YesNo => rating,
            Self::Number if largest > 0.0 && largest.is_finite() => (rating / largest).min(1.0),
            Self::Number => 0.0,
        })
    }

    /// `normalise`, exactly, over the decimals `rating` and `largest`
    /// print as; `None` when that takes more bits than `Exact` allows.
    fn normalise_exactly(self, rating: f64, largest: f64) -> Option<Exact> {
        let exact = Exact::decimal(rating)?;
        let over = |n: i64| exact.div(&Exact::integer(n));
        match self {
            Self::ZeroToTen => over(10),
            Self::Percentage => over(100),
            Self::TShirt => over(4),
            Self::YesNo => Some(exact),
            // f64s compare as the decimals they print as do.
            Self::Number if largest > 0.0 && largest.is_finite() && rating >= largest => {
                Some(Exact::integer(1))
            }
            Self::Number if largest > 0.0 && largest.is_finite() => {
                exact.div(&Exact::decimal(largest)?)
            }
            Self::Number => Some(Exact::integer(0)),
        }
    }
}

/// An item's score: each factor's value (0–1), and the priority (0–100, one
/// decimal) when both factors have a rated criterion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub value: Option<f64>,
    pub effort: Option<f64>,
    pub priority: Option<f64>,
    /// Some criterion that counts has no rating.
    pub partly_rated: bool,
    /// Why the custom formula gives no priority although every criterion
    /// it reads is rated.
    pub reason: Option<NoValue>,
}

/// How far the default priority computed in binary is at most from its
/// exact value: each factor is a weighted mean of terms in 0–1 whose
/// roundings add up to a few units in the last place per criterion, so
/// well below this for any number of criteria a framework holds.
const DEFAULT_PRIORITY_ERROR: f64 = 1e-9;

/// Below this, a factor's heaviest weight is scaled up before summing
/// (2⁻⁵⁰⁰: its products with ratings stay far from subnormal numbers).
const TINY_WEIGHT: f64 = 3.054936363499605e-151;

/// The score of one item: `ratings[i]` rates `criteria[i]` (`None`, or a
/// rating its scale does not take, leaves it out); `largest[i]` is the
/// largest rating of `criteria[i]` in the workspace (for `Number` scales).
pub fn score(criteria: &[Criterion], ratings: &[Option<f64>], largest: &[f64]) -> Score {
    let (mut sums, partly_rated, heaviest) = weighted_sums(criteria, ratings, largest, [0, 0]);
    // A factor whose weights all lie far below 1 loses precision in binary
    // (its products with ratings turn subnormal): it is summed again with
    // its weights scaled by a power of two, which changes no mean.
    let tiny = |weight: f64| weight > 0.0 && weight < TINY_WEIGHT;
    if heaviest.into_iter().any(tiny) {
        let shift = heaviest.map(|w| if tiny(w) { -libm::ilogb(w) } else { 0 });
        sums = weighted_sums(criteria, ratings, largest, shift).0;
    }
    let mean = |(total, weights): (f64, f64)| (weights > 0.0).then(|| total / weights);
    let (value, effort) = (mean(sums[0]), mean(sums[1]));
    let priority = match (value, effort) {
        (Some(v), Some(e)) => Some(round_to_tenth_exactly(
            (v + (1.0 - e)) / 2.0 * 100.0,
            DEFAULT_PRIORITY_ERROR,
            || exact_priority(criteria, ratings, largest),
        )),
        _ => None,
    };
    Score {
        value,
        effort,
        priority,
        partly_rated,
        reason: None,
    }
}

/// Each factor's (Value, then Effort) sum of its rated criteria's weights
/// times their normalised ratings, and of those weights, each weight times
/// 2 to the power `shift[factor]`; whether a criterion that counts is
/// unrated; and each factor's heaviest rated weight.
fn weighted_sums(
    criteria: &[Criterion],
    ratings: &[Option<f64>],
    largest: &[f64],
    shift: [i32; 2],
) -> ([(f64, f64); 2], bool, [f64; 2]) {
    let mut sums = [(0.0, 0.0); 2];
    let mut heaviest = [0.0_f64; 2];
    let mut partly_rated = false;
    for (index, criterion) in criteria.iter().enumerate() {
        if !(criterion.weight > 0.0 && criterion.weight.is_finite()) {
            continue;
        }
        let rating = ratings.get(index).copied().flatten();
        let largest = largest.get(index).copied().unwrap_or(0.0);
        let Some(normalised) = rating.and_then(|r| criterion.scale.normalise(r, largest)) else {
            partly_rated = true;
            continue;
        };
        let counted = match criterion.direction {
            Direction::MoreIsMore => normalised,
            Direction::MoreIsLess => 1.0 - normalised,
        };
        let factor = match criterion.factor {
            Factor::Value => 0,
            Factor::Effort => 1,
        };
        let weight = libm::scalbn(criterion.weight, shift[factor]);
        sums[factor].0 += weight * counted;
        sums[factor].1 += weight;
        heaviest[factor] = heaviest[factor].max(criterion.weight);
    }
    (sums, partly_rated, heaviest)
}

/// The default priority computed exactly over the decimals of the weights,
/// the ratings and the largest ratings, as `score` reads them; `None` when
/// a factor has no rated criterion or the numbers outgrow `Exact`.
fn exact_priority(
    criteria: &[Criterion],
    ratings: &[Option<f64>],
    largest: &[f64],
) -> Option<Exact> {
    let zero = || Exact::integer(0);
    let mut sums = [(zero(), zero()), (zero(), zero())];
    for (index, criterion) in criteria.iter().enumerate() {
        if !(criterion.weight > 0.0 && criterion.weight.is_finite()) {
            continue;
        }
        let Some(rating) = ratings
            .get(index)
            .copied()
            .flatten()
            .filter(|r| criterion.scale.accepts(*r))
        else {
            continue;
        };
        let largest = largest.get(index).copied().unwrap_or(0.0);
        let normalised = criterion.scale.normalise_exactly(rating, largest)?;
        let counted = match criterion.direction {
            Direction::MoreIsMore => normalised,
            Direction::MoreIsLess => Exact::integer(1).sub(&normalised)?,
        };
        let weight = Exact::decimal(criterion.weight)?;
        let sum = match criterion.factor {
            Factor::Value => &mut sums[0],
            Factor::Effort => &mut sums[1],
        };
        sum.0 = sum.0.add(&weight.mul(&counted)?)?;
        sum.1 = sum.1.add(&weight)?;
    }
    let [(value, value_weights), (effort, effort_weights)] = sums;
    let value = value.div(&value_weights)?;
    let effort = effort.div(&effort_weights)?;
    // (Value + (1 − Effort)) / 2 × 100 = 50 × (Value − Effort + 1).
    value
        .sub(&effort)?
        .add(&Exact::integer(1))?
        .mul(&Exact::integer(50))
}

/// To one decimal, halves away from zero. A number past 10^15 has no
/// tenths left to round (and ten times it could overflow to infinity), so
/// it stays as it is; −0, which a formula can give, becomes 0.
pub fn round_to_tenth(x: f64) -> f64 {
    if x.abs() >= 1e15 {
        return x;
    }
    (x * 10.0).round() / 10.0 + 0.0
}

/// To one decimal, halves away from zero, as the exact decimal value
/// rounds: `x` is that value computed in binary, at most `error` from it.
/// Binary lands a value at a half-tenth on either side of it (the default
/// preset's 28.75 comes out just below), so within `error` of one,
/// `exact` computes the value exactly to decide; it is not asked otherwise,
/// and when it cannot (`None`), binary decides.
pub fn round_to_tenth_exactly(x: f64, error: f64, exact: impl FnOnce() -> Option<Exact>) -> f64 {
    if x.is_nan() || x.abs() >= 1e15 {
        return round_to_tenth(x);
    }
    let tenths = x * 10.0;
    let boundary = tenths.floor() + 0.5;
    // Twice the error, in tenths, and that of multiplying by ten: a margin
    // for the bound's own rounding.
    let margin = 2.0 * (10.0 * error + tenths.abs() * f64::EPSILON);
    let near = margin.is_nan() || (tenths - boundary).abs() <= margin;
    if near && let Some(rounded) = exact().and_then(|value| value.to_tenth()) {
        return rounded;
    }
    round_to_tenth(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(factor: Factor, weight: f64, scale: Scale) -> Criterion {
        Criterion {
            factor,
            weight,
            scale,
            direction: Direction::MoreIsMore,
        }
    }

    #[test]
    fn scales_normalise_as_the_product_says() {
        assert_eq!(Scale::ZeroToTen.normalise(7.0, 0.0), Some(0.7));
        assert_eq!(Scale::ZeroToTen.normalise(7.5, 0.0), None, "integers only");
        assert_eq!(Scale::ZeroToTen.normalise(11.0, 0.0), None);
        assert_eq!(Scale::Percentage.normalise(42.5, 0.0), Some(0.425));
        assert_eq!(Scale::Percentage.normalise(-1.0, 0.0), None);
        let shirts: Vec<_> = (0..5)
            .map(|n| Scale::TShirt.normalise(f64::from(n), 0.0))
            .collect();
        assert_eq!(
            shirts,
            [Some(0.0), Some(0.25), Some(0.5), Some(0.75), Some(1.0)]
        );
        assert_eq!(Scale::YesNo.normalise(1.0, 0.0), Some(1.0));
        assert_eq!(Scale::YesNo.normalise(0.5, 0.0), None);
        assert_eq!(Scale::Number.normalise(30.0, 120.0), Some(0.25));
        assert_eq!(
            Scale::Number.normalise(0.0, 0.0),
            Some(0.0),
            "0 when max is 0"
        );
        assert_eq!(Scale::Number.normalise(-3.0, 10.0), None);
        assert_eq!(Scale::Number.normalise(f64::NAN, 10.0), None);
        assert_eq!(Scale::Number.normalise(f64::INFINITY, 10.0), None);
    }

    #[test]
    fn the_priority_is_value_against_effort_to_one_decimal() {
        let criteria = [
            criterion(Factor::Value, 2.0, Scale::ZeroToTen),
            criterion(Factor::Value, 1.0, Scale::TShirt),
            criterion(Factor::Effort, 1.0, Scale::ZeroToTen),
        ];
        // Value = (2 × 0.9 + 1 × 0.5) / 3 = 0.7667; Effort = 0.3.
        let s = score(&criteria, &[Some(9.0), Some(2.0), Some(3.0)], &[]);
        assert!((s.value.unwrap() - 2.3 / 3.0).abs() < 1e-12);
        assert_eq!(s.effort, Some(0.3));
        assert_eq!(s.priority, Some(73.3));
        assert!(!s.partly_rated);
    }

    #[test]
    fn more_is_less_turns_a_criterion_round() {
        let mut cost = criterion(Factor::Value, 1.0, Scale::ZeroToTen);
        cost.direction = Direction::MoreIsLess;
        let criteria = [cost, criterion(Factor::Effort, 1.0, Scale::YesNo)];
        let s = score(&criteria, &[Some(8.0), Some(0.0)], &[]);
        assert!((s.value.unwrap() - 0.2).abs() < 1e-12);
        assert_eq!(s.priority, Some(60.0));
    }

    #[test]
    fn unrated_criteria_are_left_out_and_an_unrated_factor_has_no_score() {
        let criteria = [
            criterion(Factor::Value, 1.0, Scale::ZeroToTen),
            criterion(Factor::Value, 1.0, Scale::ZeroToTen),
            criterion(Factor::Effort, 1.0, Scale::Percentage),
        ];
        let partly = score(&criteria, &[Some(10.0), None, Some(50.0)], &[]);
        assert_eq!(partly.value, Some(1.0));
        assert_eq!(partly.priority, Some(75.0));
        assert!(partly.partly_rated);
        let no_effort = score(&criteria, &[Some(10.0), Some(4.0), None], &[]);
        assert_eq!(no_effort.effort, None);
        assert_eq!(no_effort.priority, None);
        assert!(no_effort.partly_rated);
        // A rating the scale does not take counts as none.
        let bad = score(&criteria, &[Some(10.0), Some(4.5), Some(50.0)], &[]);
        assert_eq!(bad.value, Some(1.0));
        assert!(bad.partly_rated);
        // A criterion of weight 0 does not count, rated or not.
        let weightless = [
            criterion(Factor::Value, 0.0, Scale::ZeroToTen),
            criterion(Factor::Effort, 1.0, Scale::ZeroToTen),
        ];
        let s = score(&weightless, &[None, Some(5.0)], &[]);
        assert_eq!((s.value, s.priority, s.partly_rated), (None, None, false));
    }

    #[test]
    fn the_tiniest_weights_still_give_a_weighted_mean() {
        // 5e-324 × 0.7 is 5e-324 in binary, which made Value 1, not 0.7.
        let criteria = [
            criterion(Factor::Value, 5e-324, Scale::ZeroToTen),
            criterion(Factor::Value, 1e-320, Scale::ZeroToTen),
            criterion(Factor::Effort, 1e-300, Scale::ZeroToTen),
        ];
        let s = score(&criteria, &[Some(7.0), None, Some(5.0)], &[]);
        assert_eq!(s.value, Some(0.7));
        assert_eq!(s.priority, Some(60.0));
        // 5e-324 and 1e-320 are 1 and 2024 times 2⁻¹⁰⁷⁴.
        let s = score(&criteria, &[Some(7.0), Some(2.0), Some(5.0)], &[]);
        let expected = (0.7 + 0.2 * 2024.0) / 2025.0;
        assert!((s.value.unwrap() - expected).abs() < 1e-12, "{s:?}");
    }

    #[test]
    fn numbers_are_measured_against_the_largest_in_the_workspace() {
        let criteria = [
            criterion(Factor::Value, 1.0, Scale::Number),
            criterion(Factor::Effort, 1.0, Scale::Number),
        ];
        let s = score(&criteria, &[Some(500.0), Some(0.0)], &[2000.0, 0.0]);
        assert_eq!(s.value, Some(0.25));
        assert_eq!(s.effort, Some(0.0));
        assert_eq!(s.priority, Some(62.5));
    }

    #[test]
    fn rounding_takes_halves_away_from_zero() {
        assert_eq!(round_to_tenth(62.25), 62.3);
        assert_eq!(round_to_tenth(62.24), 62.2);
        assert_eq!(round_to_tenth(0.05), 0.1);
        assert_eq!(round_to_tenth(-0.05), -0.1);
        assert_eq!(round_to_tenth(100.0), 100.0);
        // −0 is 0; a number with no tenths left is kept, not made infinite.
        assert!(round_to_tenth(-0.0).is_sign_positive());
        assert!(round_to_tenth(-0.01).is_sign_positive());
        assert_eq!(round_to_tenth(1e308), 1e308);
        assert_eq!(round_to_tenth(-1e308), -1e308);
    }
}
