//! Properties of the scoring engine over generated workspaces: whatever the
//! criteria and the valid ratings, the default priority is a number from 0
//! to 100, no score is NaN, scores sort in a total order, any text given as
//! a formula parses or is refused without a panic, and a priority is its
//! decimal value rounded to a tenth, halves away from zero (checked against
//! fractions of integers, on short decimals where ties are common).

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use super::formula::{self, MAX_LENGTH};
use super::framework::{Framework, preset, variable_name};
use super::score::{Criterion, Direction, Factor, Scale, Score};

/// A workspace's items, each rated against every criterion or not at all.
type Items = Vec<Vec<Option<f64>>>;

/// A weight the settings form takes: above 0 and at most 1000.
fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(1.0),
        Just(1000.0),
        // `5e-324`, the smallest weight the form parses above 0.
        Just(f64::from_bits(1)),
        (1..=1000_u16).prop_map(f64::from),
        (-300.0..3.0_f64).prop_map(|exponent| 10_f64.powf(exponent)),
    ]
}

fn any_criterion() -> impl Strategy<Value = Criterion> {
    (
        select(vec![Factor::Value, Factor::Effort]),
        weight(),
        select(Scale::ALL.to_vec()),
        select(vec![Direction::MoreIsMore, Direction::MoreIsLess]),
    )
        .prop_map(|(factor, weight, scale, direction)| Criterion {
            factor,
            weight,
            scale,
            direction,
        })
}

/// A rating `scale` takes. −0 is one: a form that says `-0` gives it.
fn rating(scale: Scale) -> BoxedStrategy<f64> {
    let whole = |most: u8| (0..=most).prop_map(f64::from);
    let ratings = match scale {
        Scale::ZeroToTen => whole(10).boxed(),
        Scale::Percentage => prop_oneof![whole(100), 0.0..=100.0_f64].boxed(),
        Scale::TShirt => whole(4).boxed(),
        Scale::YesNo => whole(1).boxed(),
        Scale::Number => prop_oneof![
            whole(100),
            0.0..1e6_f64,
            // Any finite number above 0, of any magnitude.
            proptest::num::f64::POSITIVE
                | proptest::num::f64::NORMAL
                | proptest::num::f64::SUBNORMAL,
            Just(f64::MAX),
        ]
        .boxed(),
    };
    prop_oneof![20 => ratings, 1 => Just(-0.0)].boxed()
}

/// Up to twenty items rated against `criteria`, each rating one its
/// criterion's scale takes, or none.
fn rated_items(criteria: &[Criterion]) -> impl Strategy<Value = Items> + use<> {
    let item: Vec<_> = criteria
        .iter()
        .map(|c| option::of(rating(c.scale)))
        .collect();
    vec(item, 1..=20)
}

/// Up to thirty criteria and the items rated against them.
fn workspace() -> impl Strategy<Value = (Vec<Criterion>, Items)> {
    vec(any_criterion(), 1..=30).prop_flat_map(|criteria| {
        let items = rated_items(&criteria);
        (Just(criteria), items)
    })
}

/// Up to eight criteria, a formula over them and items rated against them.
fn workspace_with_formula() -> impl Strategy<Value = (Vec<Criterion>, String, Items)> {
    vec(any_criterion(), 1..=8).prop_flat_map(|criteria| {
        let formula = formula_source(variables(criteria.len()));
        let items = rated_items(&criteria);
        (Just(criteria), formula, items)
    })
}

/// Each criterion's largest rating among `items`, 0 when none: what the
/// server hands the engine when it rescores a workspace
/// (`backend::scoring::recompute_with`).
fn largest(items: &Items, width: usize) -> Vec<f64> {
    let mut largest = vec![0.0_f64; width];
    for ratings in items {
        for (largest, rating) in largest.iter_mut().zip(ratings) {
            if let Some(rating) = rating {
                *largest = largest.max(*rating);
            }
        }
    }
    largest
}

/// The criteria's names: `Criterion 0`, `Criterion 1`…
fn names(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("Criterion {i}")).collect()
}

/// The names a formula reads those criteria by: `criterion_0`…
fn variables(count: usize) -> Vec<String> {
    names(count).iter().map(|n| variable_name(n)).collect()
}

fn framework(criteria: &[Criterion], formula: Option<&str>) -> Framework {
    let names = names(criteria.len());
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    Framework::new(criteria.to_vec(), &names, formula)
        .unwrap_or_else(|e| panic!("{formula:?} is refused: {e}"))
}

/// The server lists items by score with `ORDER BY i.score DESC NULLS LAST,
/// i.id DESC` (`backend::db::items::list`): the database compares stored
/// scores as numbers, as `f64::partial_cmp` does, and puts unscored items
/// last. That is a total order only if `partial_cmp` answers for every pair
/// of scores, that is if none is NaN; and then it is `f64::total_cmp`'s
/// order, except that it takes 0 and −0 as equal (the id breaks the tie).
fn sort_totally(scores: &[Score]) -> Result<(), TestCaseError> {
    let priorities: Vec<f64> = scores.iter().filter_map(|s| s.priority).collect();
    for a in &priorities {
        for b in &priorities {
            let Some(order) = a.partial_cmp(b) else {
                return Err(TestCaseError::fail(format!("{a} and {b} do not compare")));
            };
            prop_assert!(order == a.total_cmp(b) || a == b, "{a} against {b}");
        }
    }
    Ok(())
}

/// The default score's promises for `framework`, without a formula.
fn check_default_scores(framework: &Framework, items: &Items) -> Result<(), TestCaseError> {
    let criteria = framework.criteria();
    let largest = largest(items, criteria.len());
    let scores: Vec<Score> = items
        .iter()
        .map(|ratings| framework.score(ratings, &largest))
        .collect();
    for (ratings, score) in items.iter().zip(&scores) {
        // Every generated weight is above 0, so every criterion counts.
        let rated = |factor| {
            criteria
                .iter()
                .zip(ratings)
                .any(|(c, r)| c.factor == factor && r.is_some())
        };
        prop_assert_eq!(
            score.priority.is_some(),
            rated(Factor::Value) && rated(Factor::Effort),
            "a priority when both factors are rated, none otherwise: {:?}",
            score
        );
        prop_assert_eq!(score.partly_rated, ratings.contains(&None));
        for factor in [score.value, score.effort].into_iter().flatten() {
            prop_assert!((0.0..=1.0).contains(&factor), "{:?}", score);
        }
        if let Some(priority) = score.priority {
            prop_assert!(
                (0.0..=100.0).contains(&priority) && priority.is_sign_positive(),
                "{:?}",
                score
            );
        }
    }
    sort_totally(&scores)
}

/// A number as a formula writes it: digits, perhaps a point, no sign.
fn literal() -> impl Strategy<Value = String> {
    prop_oneof![
        (0..=100_u8).prop_map(|n| n.to_string()),
        (0.0..1e4_f64).prop_map(|x| x.to_string()),
        select(vec![".5", "0.1", "1000000000000000000000", "0.000000001"]).prop_map(str::to_owned),
    ]
}

/// A formula over `variables` of every operator and function, written
/// within `MAX_LENGTH` and `MAX_DEPTH`.
fn formula_source(variables: Vec<String>) -> impl Strategy<Value = String> {
    let leaf = prop_oneof![select(variables), literal()];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                select(vec!["+", "-", "*", "/", "^", "−", "×", "÷"]),
                inner.clone()
            )
                .prop_map(|(a, operator, b)| format!("({a}) {operator} ({b})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (select(vec!["sqrt", "log", "abs"]), inner.clone())
                .prop_map(|(function, a)| format!("{function}({a})")),
            (select(vec!["min", "max"]), vec(inner, 2..=4))
                .prop_map(|(function, arguments)| format!("{function}({})", arguments.join(", "))),
        ]
    })
    .prop_filter("at most MAX_LENGTH characters", |source| {
        source.chars().count() <= MAX_LENGTH
    })
}

/// Any finite number, of either sign and any magnitude.
fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1000.0..1000.0_f64,
        select(vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE
        ]),
        proptest::num::f64::POSITIVE
            | proptest::num::f64::NEGATIVE
            | proptest::num::f64::NORMAL
            | proptest::num::f64::SUBNORMAL
            | proptest::num::f64::ZERO,
    ]
}

/// Pieces of formulas, right and wrong, that random text rarely makes.
const PIECES: &[&str] = &[
    "a", "b", "c", "d", "reech", "1", "0", "2.5", "1e9", ".", "..", "+", "-", "*", "/", "^", "(",
    ")", ",", "min(", "max(", "sqrt(", "log(", "abs(", "min", " ", "\n", "\t", "×", "÷", "−", "%",
    "é", "_x", "😀",
];

const VARIABLES: [&str; 4] = ["a", "b", "c", "d"];

proptest! {
    #[test]
    fn value_vs_effort_gives_a_priority_from_0_to_100(
        items in rated_items(preset("value_effort").expect("a preset").framework().criteria())
    ) {
        check_default_scores(&preset("value_effort").expect("a preset").framework(), &items)?;
    }

    #[test]
    fn any_criteria_give_a_default_priority_from_0_to_100((criteria, items) in workspace()) {
        check_default_scores(&framework(&criteria, None), &items)?;
    }

    /// A formula's priority is its value to a tenth: finite, never −0,
    /// present exactly when every criterion the formula reads is rated.
    #[test]
    fn a_formula_priority_is_finite((criteria, source, items) in workspace_with_formula()) {
        let engine = framework(&criteria, Some(&source));
        let variables = variables(criteria.len());
        let variables: Vec<&str> = variables.iter().map(String::as_str).collect();
        let formula = formula::parse(&source, &variables).expect("it parsed for the framework");
        let largest = largest(&items, criteria.len());
        let scores: Vec<Score> =
            items.iter().map(|ratings| engine.score(ratings, &largest)).collect();
        for (ratings, score) in items.iter().zip(&scores) {
            let read = |(i, r): (usize, &Option<f64>)| r.is_some() || !formula.uses(i);
            let complete = ratings.iter().enumerate().all(read);
            prop_assert_eq!(
                score.priority.is_some(),
                complete && score.reason.is_none(),
                "{}: {:?}", source, score
            );
            prop_assert!(complete || score.reason.is_none(), "{}: {:?}", source, score);
            let odd = |p: f64| !p.is_finite() || (p == 0.0 && p.is_sign_negative());
            prop_assert!(!score.priority.is_some_and(odd), "{}: {:?}", source, score);
        }
        sort_totally(&scores)?;
    }

    /// What formula.rs promises: division by zero, `log` and `sqrt` of what
    /// has none and overflow give no value, anything else a finite one, and
    /// its tenth agrees.
    #[test]
    fn a_formula_over_finite_values_is_finite_or_has_none(
        source in formula_source(VARIABLES.map(str::to_owned).to_vec()),
        values in vec(finite(), VARIABLES.len()),
    ) {
        let formula = formula::parse(&source, &VARIABLES)
            .map_err(|e| TestCaseError::fail(format!("{source}: {e}")))?;
        let value = formula.evaluate(&values);
        prop_assert!(value.is_err() || value.is_ok_and(f64::is_finite), "{} over {:?} is {:?}", source, values, value);
        let tenth = formula.to_tenth(&values);
        prop_assert!(tenth.is_err() || tenth.is_ok_and(f64::is_finite), "{} over {:?} is {:?}", source, values, tenth);
    }

    #[test]
    fn any_text_parses_or_is_refused(
        source in prop_oneof![
            "(?s).{0,4000}",
            vec(select(PIECES), 0..=600).prop_map(|pieces| pieces.concat()),
        ],
        values in vec(finite(), VARIABLES.len()),
    ) {
        match formula::parse(&source, &VARIABLES) {
            Ok(formula) => {
                let value = formula.evaluate(&values);
                prop_assert!(value.is_err() || value.is_ok_and(f64::is_finite), "{}", source);
            }
            Err(e) => prop_assert!(e.line >= 1 && e.column >= 1, "{}: {}", source, e),
        }
    }
}

/// A fraction of integers in lowest terms, denominator above 0; `None`
/// from an operation whose result does not fit.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Fraction(i128, i128);

impl Fraction {
    fn new(numerator: i128, denominator: i128) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        let (mut a, mut b) = (numerator.unsigned_abs(), denominator.unsigned_abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        let common = i128::try_from(a.max(1)).ok()?;
        let sign = denominator.signum();
        Some(Self(sign * numerator / common, sign * denominator / common))
    }

    fn add(self, other: Self) -> Option<Self> {
        let numerator = self
            .0
            .checked_mul(other.1)?
            .checked_add(other.0.checked_mul(self.1)?)?;
        Self::new(numerator, self.1.checked_mul(other.1)?)
    }

    fn sub(self, other: Self) -> Option<Self> {
        self.add(Self(-other.0, other.1))
    }

    fn mul(self, other: Self) -> Option<Self> {
        Self::new(self.0.checked_mul(other.0)?, self.1.checked_mul(other.1)?)
    }

    fn div(self, other: Self) -> Option<Self> {
        Self::new(self.0.checked_mul(other.1)?, self.1.checked_mul(other.0)?)
    }

    /// To one decimal, halves away from zero, as an f64.
    fn to_tenth(self) -> Option<f64> {
        let tenths = self.0.checked_mul(10)?;
        let whole = tenths.div_euclid(self.1);
        let twice_rest = 2 * tenths.rem_euclid(self.1);
        let rounded = match twice_rest.cmp(&self.1) {
            std::cmp::Ordering::Less => whole,
            std::cmp::Ordering::Greater => whole + 1,
            std::cmp::Ordering::Equal if tenths < 0 => whole,
            std::cmp::Ordering::Equal => whole + 1,
        };
        Some(rounded as f64 / 10.0 + 0.0)
    }
}

/// A short decimal `digits / 10^places`, as the f64 a form makes of it and
/// as a fraction.
fn short_decimal(digits: i64, places: u32) -> (f64, Fraction) {
    let text = format!("{digits}e-{places}");
    let fraction = Fraction::new(i128::from(digits), 10_i128.pow(places)).expect("a decimal");
    (text.parse().expect("a number"), fraction)
}

/// A weight of up to three decimals, mostly small whole numbers.
fn decimal_weight() -> impl Strategy<Value = (f64, Fraction)> {
    prop_oneof![
        3 => (1..=3_i64).prop_map(|w| short_decimal(w, 0)),
        1 => ((1..=100_000_i64), 0..=3_u32).prop_map(|(digits, places)| short_decimal(digits, places)),
    ]
}

/// A rating `scale` takes, of up to two decimals.
fn decimal_rating(scale: Scale) -> BoxedStrategy<(f64, Fraction)> {
    let whole = |most: i64| (0..=most).prop_map(|r| short_decimal(r, 0));
    match scale {
        Scale::ZeroToTen => whole(10).boxed(),
        Scale::Percentage => prop_oneof![
            whole(100),
            (0..=10_000_i64).prop_map(|r| short_decimal(r, 2))
        ]
        .boxed(),
        Scale::TShirt => whole(4).boxed(),
        Scale::YesNo => whole(1).boxed(),
        Scale::Number => prop_oneof![
            whole(20),
            ((0..=100_000_i64), 0..=2_u32).prop_map(|(d, p)| short_decimal(d, p))
        ]
        .boxed(),
    }
}

type DecimalItems = Vec<Vec<Option<(f64, Fraction)>>>;

/// Up to six criteria of short decimal weights, and up to eight items
/// rated against them in short decimals.
fn decimal_workspace() -> impl Strategy<Value = (Vec<(Criterion, Fraction)>, DecimalItems)> {
    let criterion = (
        select(vec![Factor::Value, Factor::Effort]),
        decimal_weight(),
        select(Scale::ALL.to_vec()),
        select(vec![Direction::MoreIsMore, Direction::MoreIsLess]),
    )
        .prop_map(|(factor, (weight, exact_weight), scale, direction)| {
            (
                Criterion {
                    factor,
                    weight,
                    scale,
                    direction,
                },
                exact_weight,
            )
        });
    vec(criterion, 1..=6).prop_flat_map(|criteria| {
        let item: Vec<_> = criteria
            .iter()
            .map(|(c, _)| option::weighted(0.9, decimal_rating(c.scale)))
            .collect();
        (Just(criteria), vec(item, 1..=8))
    })
}

/// The default priority of `ratings` in fractions: §4's definition.
fn fraction_priority(
    criteria: &[(Criterion, Fraction)],
    ratings: &[Option<(f64, Fraction)>],
    largest: &[(f64, Fraction)],
) -> Option<Option<f64>> {
    let zero = Fraction(0, 1);
    let mut sums = [(zero, zero); 2];
    for (((criterion, weight), rating), (largest, exact_largest)) in
        criteria.iter().zip(ratings).zip(largest)
    {
        let Some((rating, exact)) = rating else {
            continue;
        };
        let normalised = match criterion.scale {
            Scale::ZeroToTen => exact.div(Fraction(10, 1))?,
            Scale::Percentage => exact.div(Fraction(100, 1))?,
            Scale::TShirt => exact.div(Fraction(4, 1))?,
            Scale::YesNo => *exact,
            Scale::Number if *largest > 0.0 && rating >= largest => Fraction(1, 1),
            Scale::Number if *largest > 0.0 => exact.div(*exact_largest)?,
            Scale::Number => zero,
        };
        let counted = match criterion.direction {
            Direction::MoreIsMore => normalised,
            Direction::MoreIsLess => Fraction(1, 1).sub(normalised)?,
        };
        let sum = &mut sums[usize::from(criterion.factor == Factor::Effort)];
        sum.0 = sum.0.add(weight.mul(counted)?)?;
        sum.1 = sum.1.add(*weight)?;
    }
    if sums.iter().any(|(_, weights)| weights.0 == 0) {
        return Some(None);
    }
    let value = sums[0].0.div(sums[0].1)?;
    let effort = sums[1].0.div(sums[1].1)?;
    let priority = value
        .sub(effort)?
        .add(Fraction(1, 1))?
        .mul(Fraction(50, 1))?;
    Some(Some(priority.to_tenth()?))
}

/// A formula of `+ − × ÷` over the four variables and short decimals.
#[derive(Debug, Clone)]
enum Arithmetic {
    Variable(usize),
    /// Hundredths.
    Number(i64),
    Operation(char, Box<Arithmetic>, Box<Arithmetic>),
}

impl Arithmetic {
    fn source(&self) -> String {
        match self {
            Self::Variable(index) => VARIABLES[*index].to_owned(),
            Self::Number(hundredths) => format!("{}.{:02}", hundredths / 100, hundredths % 100),
            Self::Operation(operator, a, b) => {
                format!("({}) {operator} ({})", a.source(), b.source())
            }
        }
    }

    /// Its value in fractions: `None` when that does not fit, `Some(None)`
    /// for a division by zero.
    fn value(&self, values: &[Fraction]) -> Option<Option<Fraction>> {
        Some(Some(match self {
            Self::Variable(index) => values[*index],
            Self::Number(hundredths) => Fraction::new(i128::from(*hundredths), 100)?,
            Self::Operation(operator, a, b) => {
                let (Some(a), Some(b)) = (a.value(values)?, b.value(values)?) else {
                    return Some(None);
                };
                match operator {
                    '+' => a.add(b)?,
                    '-' => a.sub(b)?,
                    '*' => a.mul(b)?,
                    _ if b.0 == 0 => return Some(None),
                    _ => a.div(b)?,
                }
            }
        }))
    }
}

fn arithmetic() -> impl Strategy<Value = Arithmetic> {
    let leaf = prop_oneof![
        (0..VARIABLES.len()).prop_map(Arithmetic::Variable),
        (0..=2_000_i64).prop_map(Arithmetic::Number),
    ];
    leaf.prop_recursive(4, 16, 2, |inner| {
        (select(vec!['+', '-', '*', '/']), inner.clone(), inner)
            .prop_map(|(operator, a, b)| Arithmetic::Operation(operator, Box::new(a), Box::new(b)))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_default_priority_is_its_decimal_value_to_a_tenth((criteria, items) in decimal_workspace()) {
        let engine = framework(&criteria.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(), None);
        let mut largest = vec![(0.0, Fraction(0, 1)); criteria.len()];
        for ratings in &items {
            for (largest, rating) in largest.iter_mut().zip(ratings) {
                if let Some(rating) = rating && rating.0 > largest.0 {
                    *largest = *rating;
                }
            }
        }
        let binary_largest: Vec<f64> = largest.iter().map(|l| l.0).collect();
        for ratings in &items {
            let Some(expected) = fraction_priority(&criteria, ratings, &largest) else { continue };
            let binary: Vec<Option<f64>> = ratings.iter().map(|r| r.map(|r| r.0)).collect();
            let score = engine.score(&binary, &binary_largest);
            prop_assert_eq!(score.priority, expected, "{:?} {:?}", criteria, ratings);
        }
    }

    #[test]
    fn a_formula_priority_is_its_decimal_value_to_a_tenth(
        formula in arithmetic(),
        hundredths in vec(0..=2_000_i64, VARIABLES.len()),
    ) {
        let source = formula.source();
        let parsed = formula::parse(&source, &VARIABLES).expect("it parses");
        let values: Vec<(f64, Fraction)> = hundredths.iter().map(|h| short_decimal(*h, 2)).collect();
        let Some(expected) = formula.value(&values.iter().map(|v| v.1).collect::<Vec<_>>()) else {
            return Ok(());
        };
        let binary: Vec<f64> = values.iter().map(|v| v.0).collect();
        match expected {
            Some(value) => {
                let Some(tenth) = value.to_tenth() else { return Ok(()) };
                if tenth.abs() < 1e14 {
                    prop_assert_eq!(parsed.to_tenth(&binary), Ok(tenth), "{} over {:?}", source, binary);
                }
            }
            None => prop_assert!(
                matches!(parsed.to_tenth(&binary), Err(formula::NoValue::DividesByZero(_))),
                "{} over {:?}: {:?}", source, binary, parsed.to_tenth(&binary)
            ),
        }
    }
}
