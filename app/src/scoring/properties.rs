//! Properties of the scoring engine over generated workspaces: whatever the
//! criteria and the valid ratings, the default priority is a number from 0
//! to 100, no score is NaN, scores sort in a total order, and any text
//! given as a formula parses or is refused without a panic.

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
            prop_assert_eq!(score.priority.is_some(), complete, "{}: {:?}", source, score);
            let odd = |p: f64| !p.is_finite() || (p == 0.0 && p.is_sign_negative());
            prop_assert!(!score.priority.is_some_and(odd), "{}: {:?}", source, score);
        }
        sort_totally(&scores)?;
    }

    /// What formula.rs promises: division by zero, `log` and `sqrt` of what
    /// has none and overflow all give a defined, finite result.
    #[test]
    fn a_formula_over_finite_values_is_finite(
        source in formula_source(VARIABLES.map(str::to_owned).to_vec()),
        values in vec(finite(), VARIABLES.len()),
    ) {
        let formula = formula::parse(&source, &VARIABLES)
            .map_err(|e| TestCaseError::fail(format!("{source}: {e}")))?;
        let value = formula.evaluate(&values);
        prop_assert!(value.is_finite(), "{} over {:?} is {}", source, values, value);
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
            Ok(formula) => prop_assert!(formula.evaluate(&values).is_finite(), "{}", source),
            Err(e) => prop_assert!(e.line >= 1 && e.column >= 1, "{}: {}", source, e),
        }
    }
}
