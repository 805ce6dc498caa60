//! The formula language's unit tests: parsing, its errors, and values.

use super::*;

const RICE: &[&str] = &["reach", "impact", "confidence", "effort"];

fn value(source: &str, values: &[f64]) -> f64 {
    parse(source, RICE)
        .unwrap_or_else(|e| panic!("{source}: {e}"))
        .evaluate(values)
        .unwrap_or_else(|e| panic!("{source}: {e:?}"))
}

fn no_value(source: &str, values: &[f64]) -> NoValue {
    let formula = parse(source, RICE).unwrap_or_else(|e| panic!("{source}: {e}"));
    let reason = formula.evaluate(values).expect_err(source);
    assert_eq!(formula.to_tenth(values), Err(reason), "{source}");
    reason
}

fn error(source: &str) -> String {
    parse(source, RICE).expect_err(source).to_string()
}

#[test]
fn rice_is_reach_times_impact_times_confidence_over_effort() {
    let rice = "reach * impact * confidence / effort";
    assert_eq!(value(rice, &[1000.0, 2.0, 0.8, 4.0]), 400.0);
    assert_eq!(
        value("Reach × Impact ÷ EFFORT", &[10.0, 3.0, 0.0, 2.0]),
        15.0
    );
}

#[test]
fn operators_bind_as_in_arithmetic() {
    assert_eq!(value("1 + 2 * 3", &[]), 7.0);
    assert_eq!(value("(1 + 2) * 3", &[]), 9.0);
    assert_eq!(value("10 - 4 - 3", &[]), 3.0, "left to right");
    assert_eq!(value("2 ^ 3 ^ 2", &[]), 512.0, "powers to the right");
    assert_eq!(value("-2 ^ 2", &[]), -4.0, "the sign binds looser");
    assert_eq!(value("2 ^ -1", &[]), 0.5);
    assert_eq!(value("--3 + +1", &[]), 4.0);
    assert_eq!(value("8 − 2 × 3 ÷ 2", &[]), 5.0);
    assert_eq!(value(".5 + 1.25", &[]), 1.75);
}

#[test]
fn functions_take_their_arguments() {
    assert_eq!(value("min(reach, impact, 3)", &[5.0, 4.0]), 3.0);
    assert_eq!(value("max(reach, impact)", &[5.0, 4.0]), 5.0);
    assert_eq!(value("sqrt(16) + abs(-2)", &[]), 6.0);
    assert_eq!(value("log(1)", &[]), 0.0);
    assert!((value("LOG(2.718281828459045)", &[]) - 1.0).abs() < 1e-15);
}

#[test]
fn what_has_no_value_says_why() {
    let effort_0 = [1.0, 2.0, 3.0, 0.0];
    for (source, reason) in [
        ("reach / effort", NoValue::DividesByZero(Some(3))),
        ("1 / 0", NoValue::DividesByZero(None)),
        ("1 / 0 + 5", NoValue::DividesByZero(None)),
        ("1 / (reach - 1)", NoValue::DividesByZero(None)),
        // Zero in decimals, 5.6e-17 in binary.
        ("1 / (0.1 + 0.2 - 0.3)", NoValue::DividesByZero(None)),
        ("effort ^ -1", NoValue::DividesByZero(Some(3))),
        ("log(effort)", NoValue::LogarithmOfZeroOrLess(Some(3))),
        ("log(-1)", NoValue::LogarithmOfZeroOrLess(None)),
        ("sqrt(-4)", NoValue::SquareRootOfNegative),
        ("(-8) ^ 0.5", NoValue::FractionalPowerOfNegative),
        ("10 ^ 400", NoValue::Overflows),
        ("10 ^ 400 / 10 ^ 399", NoValue::Overflows),
        ("10 ^ 300 * 10 ^ 300", NoValue::Overflows),
    ] {
        assert_eq!(no_value(source, &effort_0), reason, "{source}");
    }
    assert_eq!(value("reach", &[]), 0.0, "a missing value counts as 0");
    let names = ["Reach", "Impact", "Confidence", "Effort"];
    assert_eq!(
        NoValue::DividesByZero(Some(3)).describe(&names),
        "Effort is 0, and the formula divides by it"
    );
    assert_eq!(
        NoValue::DividesByZero(None).describe(&names),
        "the formula divides by 0"
    );
    assert_eq!(
        NoValue::Overflows.describe(&names),
        "the formula overflows: a number in it is too large"
    );
}

#[test]
fn values_near_a_rounding_tie_round_as_their_decimals() {
    let tenth = |source: &str, values: &[f64]| parse(source, RICE).unwrap().to_tenth(values);
    // In binary: −0.44999999999999929, 0.049999999999999996, 2.3499…,
    // 2.2499999999999996, 0.04999999999999999.
    assert_eq!(tenth("reach - 10", &[9.55]), Ok(-0.5));
    assert_eq!(
        tenth(
            "reach * impact * confidence / 100 / effort",
            &[1.0, 0.5, 30.0, 3.0]
        ),
        Ok(0.1)
    );
    assert_eq!(tenth("reach + impact", &[1.1, 1.25]), Ok(2.4));
    // Halves that binary holds exactly, and values near but not at one.
    assert_eq!(tenth("reach / 8", &[5.0]), Ok(0.6));
    assert_eq!(tenth("-reach / 8", &[5.0]), Ok(-0.6));
    assert_eq!(tenth("reach - 0.0000001", &[0.05]), Ok(0.0));
    // Exact through whole powers, min, max, abs and square roots of squares.
    assert_eq!(tenth("reach ^ 2 * 100", &[0.15]), Ok(2.3));
    assert_eq!(tenth("reach ^ -1 - 0.2", &[4.0]), Ok(0.1));
    assert_eq!(tenth("sqrt(reach)", &[0.0225]), Ok(0.2));
    assert_eq!(tenth("reach ^ 0.5", &[0.0225]), Ok(0.2));
    assert_eq!(
        tenth("abs(min(reach, impact) - 10)", &[9.55, 20.0]),
        Ok(0.5)
    );
    assert_eq!(tenth("max(reach, impact) - 10", &[9.55, 2.0]), Ok(-0.5));
    // Irrational: from binary.
    assert_eq!(tenth("sqrt(2)", &[]), Ok(1.4));
}

#[test]
fn errors_say_what_is_wrong_and_where() {
    assert_eq!(error("reach * reech"), "unknown variable `reech` at 1:9");
    assert_eq!(error("reech"), "unknown variable `reech` at 1:1");
    assert_eq!(
        error("reach *\n  effrot"),
        "unknown variable `effrot` at 2:3"
    );
    assert_eq!(error("pow(reach, 2)"), "unknown function `pow` at 1:1");
    assert_eq!(
        error("min(reach)"),
        "`min` takes two or more arguments at 1:1"
    );
    assert_eq!(error("sqrt(1, 2)"), "`sqrt` takes one argument at 1:1");
    assert_eq!(
        error("sqrt"),
        "`sqrt` needs its arguments in parentheses at 1:1"
    );
    assert_eq!(error("2 * (reach + 1"), "this `(` is never closed at 1:5");
    assert_eq!(
        error("(reach + 1 impact)"),
        "expected `)` to close the `(` at 1:1, not `impact` at 1:12"
    );
    assert_eq!(
        error("reach +"),
        "the formula ends where a number, a criterion or `(` should come at 1:8"
    );
    assert_eq!(error("reach )"), "unexpected `)` at 1:7");
    assert_eq!(
        error("* reach"),
        "expected a number, a criterion or `(`, not `*` at 1:1"
    );
    assert_eq!(error("reach % 2"), "unexpected character `%` at 1:7");
    assert_eq!(error("1.2.3"), "`1.2.3` is not a number at 1:1");
    assert_eq!(error(" "), "the formula is empty at 1:2");
    assert_eq!(error("reach impact"), "unexpected `impact` at 1:7");
}

#[test]
fn any_input_parses_or_is_refused_and_every_value_is_finite() {
    // Formulas made of random pieces, from a fixed seed.
    const PIECES: &[&str] = &[
        "reach", "effort", "reech", "1", "0", "2.5", "1e9", "9999999", ".", "+", "-", "*", "/",
        "^", "(", ")", ",", "min(", "max(", "sqrt(", "log(", "abs(", " ", "\n", "×", "÷", "−", "%",
        "é", "_x",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move |bound: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % bound
    };
    let mut parsed = 0;
    for _ in 0..20_000 {
        let length = next(40);
        let source: String = (0..length).map(|_| PIECES[next(PIECES.len())]).collect();
        match parse(&source, RICE) {
            Ok(formula) => {
                parsed += 1;
                let values = [next(2000) as f64 - 1000.0, 0.0, 1e300, next(10) as f64];
                if let Ok(value) = formula.evaluate(&values) {
                    assert!(value.is_finite(), "{source}");
                }
                assert_eq!(
                    formula.evaluate(&values).err(),
                    formula.to_tenth(&values).err(),
                    "{source}"
                );
            }
            Err(e) => assert!(e.line >= 1 && e.column >= 1, "{source}: {e}"),
        }
    }
    assert!(
        parsed > 100,
        "only {parsed} parsed: the pieces make too few formulas"
    );
}

#[test]
fn nothing_can_nest_or_grow_without_bound() {
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(error(&deep).contains("at most 1000 characters"));
    let nested = format!("{}1{}", "(".repeat(400), ")".repeat(400));
    assert!(error(&nested).contains("nests at most 32 deep"));
    let signs = format!("{}1", "-".repeat(900));
    assert!(error(&signs).contains("nests at most 32 deep"));
    let powers = vec!["2"; 400].join("^");
    assert!(error(&powers).contains("nests at most 32 deep"));
    // Long but flat is fine: its depth is bounded by its length.
    let flat = vec!["reach"; 100].join(" + ");
    assert_eq!(value(&flat, &[2.0]), 200.0);
    let longest = vec!["1"; 500].join("+");
    assert_eq!(longest.len(), 999);
    assert_eq!(value(&longest, &[]), 500.0);
    let within = format!("{}1{}", "(".repeat(30), ")".repeat(30));
    assert_eq!(value(&within, &[]), 1.0);
}
