//! Reference scores, to the bit: the same cases run natively and compiled
//! to wasm (in Node, by `wasm-bindgen-test-runner`), so a score the browser
//! previews is the score the server stores.
//!
//! Each expected value is `f64::to_bits` of what the native build (x86_64
//! Linux) computed when the case was added, as a hex literal; a failing
//! case prints the bits it got in the same form. A few are also checked
//! against hand-computed values and `std`'s constants below
//! (`hand_computed_cases_match_the_table`).
//!
//! In wasm, with the `wasm-bindgen-test-runner` that comes with the
//! `wasm-bindgen` CLI, and `hydrate` as the browser build has it:
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test -p app --lib --target wasm32-unknown-unknown --features hydrate
//! scoring::` (not `cargo test -q`: the runner refuses `--quiet`).

use super::formula;
use super::framework::{PRESETS, Preset, PresetCriterion, variable_name};
use super::score::{Direction, Factor, Scale};

use Direction::{MoreIsLess, MoreIsMore};
use Factor::{Effort, Value};
use Scale::{Number, Percentage, TShirt, YesNo, ZeroToTen};

struct Case {
    /// What it exercises.
    name: &'static str,
    /// The id of a preset or of one of `CUSTOM`.
    framework: &'static str,
    ratings: &'static [Option<f64>],
    /// As the server computes it: each criterion's largest rating among the
    /// workspace's items, this one's included.
    largest: &'static [f64],
    /// `f64::to_bits` of the score's priority, value and effort, and of the
    /// formula's value before it is rounded to a tenth (`None` without a
    /// formula, or when it has no value).
    priority: Option<u64>,
    value: Option<u64>,
    effort: Option<u64>,
    formula: Option<u64>,
}

const fn criterion(
    name: &'static str,
    factor: Factor,
    weight: f64,
    scale: Scale,
    direction: Direction,
) -> PresetCriterion {
    PresetCriterion {
        name,
        factor,
        weight,
        scale,
        direction,
    }
}

/// Frameworks a workspace could set up, beyond the presets: odd weights and
/// number scales under the default score, and formulas that take powers,
/// roots, logarithms, minima and maxima.
const CUSTOM: &[Preset] = &[
    Preset {
        id: "weighted_numbers",
        name: "Weighted numbers",
        summary: "The default score over number scales and uneven weights.",
        criteria: &[
            criterion("Revenue", Value, 2.5, Number, MoreIsMore),
            criterion("Reach", Value, 0.3, Percentage, MoreIsMore),
            criterion("Cost", Value, 1000.0, Number, MoreIsLess),
            criterion("Size", Effort, 1.0, TShirt, MoreIsMore),
            criterion("Risky", Effort, 7.0, YesNo, MoreIsMore),
        ],
        formula: None,
    },
    Preset {
        id: "powers",
        name: "Powers",
        summary: "Reach to the 1.5 over the square root of effort.",
        criteria: &[
            criterion("Reach", Value, 1.0, Number, MoreIsMore),
            criterion("Impact", Value, 1.0, ZeroToTen, MoreIsMore),
            criterion("Effort", Effort, 1.0, Number, MoreIsMore),
        ],
        formula: Some("reach ^ 1.5 / (effort + 1) ^ 0.5 + impact ^ -2 ^ 0.5"),
    },
    Preset {
        id: "roots_and_logs",
        name: "Roots and logarithms",
        summary: "Diminishing returns on reach and impact.",
        criteria: &[
            criterion("Reach", Value, 1.0, Number, MoreIsMore),
            criterion("Impact", Value, 1.0, Percentage, MoreIsMore),
            criterion("Effort", Effort, 1.0, Number, MoreIsMore),
        ],
        formula: Some("sqrt(reach) * log(impact + 1) / log(effort + 2)"),
    },
    Preset {
        id: "bounds",
        name: "Bounds",
        summary: "The better of two estimates over the lesser cost, less their spread.",
        criteria: &[
            criterion("Low", Value, 1.0, Number, MoreIsMore),
            criterion("High", Value, 1.0, Number, MoreIsMore),
            criterion("Effort", Effort, 1.0, ZeroToTen, MoreIsMore),
            criterion("Risk", Effort, 2.0, Percentage, MoreIsLess),
        ],
        formula: Some("max(low, high) ÷ min(effort, risk) − abs(low - high) / 3"),
    },
    Preset {
        id: "partial_formula",
        name: "A formula that reads some criteria",
        summary: "Only reach and effort count; the rest are for the chart.",
        criteria: &[
            criterion("Reach", Value, 1.0, Number, MoreIsMore),
            criterion("Fit", Value, 3.0, ZeroToTen, MoreIsMore),
            criterion("Effort", Effort, 1.0, TShirt, MoreIsMore),
        ],
        formula: Some("(reach + 1) / (effort + 1) ^ 2"),
    },
    Preset {
        id: "less_ten",
        name: "Less ten",
        summary: "",
        criteria: &[criterion("A", Value, 1.0, Number, MoreIsMore)],
        formula: Some("a − 10"),
    },
    Preset {
        id: "square_root",
        name: "Square root",
        summary: "",
        criteria: &[criterion("X", Value, 1.0, Number, MoreIsMore)],
        formula: Some("sqrt(x)"),
    },
    Preset {
        id: "logarithm",
        name: "Logarithm",
        summary: "",
        criteria: &[criterion("X", Value, 1.0, Number, MoreIsMore)],
        formula: Some("log(x)"),
    },
    Preset {
        id: "cube_root",
        name: "Cube root",
        summary: "",
        criteria: &[criterion("X", Value, 1.0, Number, MoreIsMore)],
        formula: Some("x ^ (1 / 3)"),
    },
];

const CASES: &[Case] = &[
    Case {
        name: "value_effort, all rated",
        framework: "value_effort",
        ratings: &[Some(8.0), Some(6.0), Some(10.0), Some(2.0), Some(2.0)],
        largest: &[],
        priority: Some(0x4052_2000_0000_0000),
        value: Some(0x3fe9_9999_9999_9999),
        effort: Some(0x3fd6_6666_6666_6666),
        formula: None,
    },
    // By hand (.6 + (1 − .425)) / 2 × 100 = 58.75, a half that rounds up to
    // 58.8; in binary the sum is 1.1749999999999998, so its exact value
    // decides.
    Case {
        name: "value_effort, 58.75 by hand and by the engine",
        framework: "value_effort",
        ratings: &[Some(9.0), Some(2.0), Some(7.0), Some(3.0), Some(1.0)],
        largest: &[],
        priority: Some(0x404d_6666_6666_6666),
        value: Some(0x3fe3_3333_3333_3333),
        effort: Some(0x3fdb_3333_3333_3333),
        formula: None,
    },
    // (0 + (1 − (.25 + .6) / 2)) / 2 × 100 = 28.75; 28.749999999999996 in
    // binary.
    Case {
        name: "value_effort, 28.75 exactly",
        framework: "value_effort",
        ratings: &[Some(0.0), Some(0.0), Some(0.0), Some(1.0), Some(6.0)],
        largest: &[],
        priority: Some(0x403c_cccc_cccc_cccd),
        value: Some(0x0000_0000_0000_0000),
        effort: Some(0x3fdb_3333_3333_3333),
        formula: None,
    },
    Case {
        name: "value_effort, thirds",
        framework: "value_effort",
        ratings: &[Some(1.0), Some(2.0), Some(2.0), Some(1.0), Some(7.0)],
        largest: &[],
        priority: Some(0x4041_4ccc_cccc_cccd),
        value: Some(0x3fc5_5555_5555_5555),
        effort: Some(0x3fde_6666_6666_6666),
        formula: None,
    },
    Case {
        name: "value_effort, partly rated",
        framework: "value_effort",
        ratings: &[Some(7.0), None, Some(3.0), None, Some(5.0)],
        largest: &[],
        priority: Some(0x4049_0000_0000_0000),
        value: Some(0x3fe0_0000_0000_0000),
        effort: Some(0x3fe0_0000_0000_0000),
        formula: None,
    },
    Case {
        name: "value_effort, no effort rated",
        framework: "value_effort",
        ratings: &[Some(7.0), Some(1.0), None, None, None],
        largest: &[],
        priority: None,
        value: Some(0x3fd9_9999_9999_9999),
        effort: None,
        formula: None,
    },
    Case {
        name: "value_effort, nothing rated",
        framework: "value_effort",
        ratings: &[None, None, None, None, None],
        largest: &[],
        priority: None,
        value: None,
        effort: None,
        formula: None,
    },
    Case {
        name: "rice, all rated",
        framework: "rice",
        ratings: &[Some(2000.0), Some(2.0), Some(80.0), Some(4.0)],
        largest: &[2000.0, 3.0, 100.0, 10.0],
        priority: Some(0x4089_0000_0000_0000),
        value: Some(0x3fea_4fa4_fa4f_a4fb),
        effort: Some(0x3fd9_9999_9999_999a),
        formula: Some(0x4089_0000_0000_0000),
    },
    Case {
        name: "rice, fractions",
        framework: "rice",
        ratings: &[Some(150.0), Some(0.5), Some(50.0), Some(0.5)],
        largest: &[2000.0, 3.0, 100.0, 10.0],
        priority: Some(0x4052_c000_0000_0000),
        value: Some(0x3fcf_a4fa_4fa4_fa50),
        effort: Some(0x3fa9_9999_9999_999a),
        formula: Some(0x4052_c000_0000_0000),
    },
    // 1 × 0.5 × 30 / 100 ÷ 3 = 0.05; 0.049999999999999996 in binary.
    Case {
        name: "rice, 0.05 exactly",
        framework: "rice",
        ratings: &[Some(1.0), Some(0.5), Some(30.0), Some(3.0)],
        largest: &[1.0, 0.5, 30.0, 3.0],
        priority: Some(0x3fb9_9999_9999_999a),
        value: Some(0x3fe8_8888_8888_8888),
        effort: Some(0x3ff0_0000_0000_0000),
        formula: Some(0x3fa9_9999_9999_9999),
    },
    // 9.55 − 10 = −0.45; −0.44999999999999929 in binary.
    Case {
        name: "less ten, −0.45 exactly",
        framework: "less_ten",
        ratings: &[Some(9.55)],
        largest: &[9.55],
        priority: Some(0xbfe0_0000_0000_0000),
        value: Some(0x3ff0_0000_0000_0000),
        effort: None,
        formula: Some(0xbfdc_cccc_cccc_ccc0),
    },
    Case {
        name: "rice, thirds",
        framework: "rice",
        ratings: &[Some(1234.5), Some(3.0), Some(33.3), Some(7.0)],
        largest: &[5000.0, 3.0, 100.0, 7.0],
        priority: Some(0x4066_0666_6666_6666),
        value: Some(0x3fe0_da2e_25f4_cde5),
        effort: Some(0x3ff0_0000_0000_0000),
        formula: Some(0x4066_05c8_ff1f_4e1e),
    },
    Case {
        name: "rice, effort 0 divides by zero: no score",
        framework: "rice",
        ratings: &[Some(150.0), Some(0.5), Some(50.0), Some(0.0)],
        largest: &[2000.0, 3.0, 100.0, 10.0],
        priority: None,
        value: Some(0x3fcf_a4fa_4fa4_fa50),
        effort: Some(0x0000_0000_0000_0000),
        formula: None,
    },
    Case {
        name: "rice, effort unrated",
        framework: "rice",
        ratings: &[Some(150.0), Some(0.5), Some(50.0), None],
        largest: &[2000.0, 3.0, 100.0, 10.0],
        priority: None,
        value: Some(0x3fcf_a4fa_4fa4_fa50),
        effort: None,
        formula: None,
    },
    Case {
        name: "ice, all rated",
        framework: "ice",
        ratings: &[Some(8.0), Some(5.0), Some(7.0)],
        largest: &[],
        priority: Some(0x4071_8000_0000_0000),
        value: Some(0x3fe4_cccc_cccc_cccd),
        effort: Some(0x3fd3_3333_3333_3334),
        formula: Some(0x4071_8000_0000_0000),
    },
    Case {
        name: "ice, ease 0",
        framework: "ice",
        ratings: &[Some(3.0), Some(9.0), Some(0.0)],
        largest: &[],
        priority: Some(0x0000_0000_0000_0000),
        value: Some(0x3fe3_3333_3333_3333),
        effort: Some(0x3ff0_0000_0000_0000),
        formula: Some(0x0000_0000_0000_0000),
    },
    Case {
        name: "wsjf, a third",
        framework: "wsjf",
        ratings: &[Some(8.0), Some(5.0), Some(3.0), Some(3.0)],
        largest: &[8.0, 5.0, 3.0, 13.0],
        priority: Some(0x4015_3333_3333_3333),
        value: Some(0x3ff0_0000_0000_0000),
        effort: Some(0x3fcd_89d8_9d89_d89e),
        formula: Some(0x4015_5555_5555_5555),
    },
    Case {
        name: "wsjf, job size 21",
        framework: "wsjf",
        ratings: &[Some(13.0), Some(8.0), Some(1.0), Some(21.0)],
        largest: &[20.0, 13.0, 8.0, 21.0],
        priority: Some(0x3ff0_0000_0000_0000),
        value: Some(0x3fdd_a95a_95a9_5a95),
        effort: Some(0x3ff0_0000_0000_0000),
        formula: Some(0x3ff0_c30c_30c3_0c31),
    },
    Case {
        name: "weighted numbers, all rated",
        framework: "weighted_numbers",
        ratings: &[
            Some(12500.0),
            Some(37.5),
            Some(3300.0),
            Some(3.0),
            Some(1.0),
        ],
        largest: &[40000.0, 37.5, 9900.0, 3.0, 1.0],
        priority: Some(0x4041_6666_6666_6666),
        value: Some(0x3fe5_4d62_ad1e_0e3b),
        effort: Some(0x3fef_0000_0000_0000),
        formula: None,
    },
    Case {
        name: "weighted numbers, the largest rating",
        framework: "weighted_numbers",
        ratings: &[Some(40000.0), Some(100.0), Some(0.0), Some(0.0), Some(0.0)],
        largest: &[40000.0, 100.0, 9900.0, 0.0, 0.0],
        priority: Some(0x4059_0000_0000_0000),
        value: Some(0x3ff0_0000_0000_0000),
        effort: Some(0x0000_0000_0000_0000),
        formula: None,
    },
    Case {
        name: "weighted numbers, none rated above 0",
        framework: "weighted_numbers",
        ratings: &[Some(0.0), Some(12.25), Some(0.0), Some(4.0), Some(0.0)],
        largest: &[0.0, 12.25, 0.0, 4.0, 0.0],
        priority: Some(0x4057_6666_6666_6666),
        value: Some(0x3fef_e96d_39ad_9918),
        effort: Some(0x3fc0_0000_0000_0000),
        formula: None,
    },
    Case {
        name: "powers, all rated",
        framework: "powers",
        ratings: &[Some(123456.789), Some(7.0), Some(2.5)],
        largest: &[200000.0, 7.0, 8.0],
        priority: Some(0x4176_1ccf_1666_6666),
        value: Some(0x3fe5_1398_5475_2241),
        effort: Some(0x3fd4_0000_0000_0000),
        formula: Some(0x4176_1ccf_1670_4522),
    },
    Case {
        name: "powers, impact 0 to a negative power: no score",
        framework: "powers",
        ratings: &[Some(10.0), Some(0.0), Some(3.0)],
        largest: &[200000.0, 7.0, 8.0],
        priority: None,
        value: Some(0x3efa_36e2_eb1c_432d),
        effort: Some(0x3fd8_0000_0000_0000),
        formula: None,
    },
    Case {
        name: "roots and logarithms, all rated",
        framework: "roots_and_logs",
        ratings: &[Some(1000.0), Some(42.5), Some(5.0)],
        largest: &[1000.0, 42.5, 5.0],
        priority: Some(0x404e_a666_6666_6666),
        value: Some(0x3fe6_cccc_cccc_cccd),
        effort: Some(0x3ff0_0000_0000_0000),
        formula: Some(0x404e_a7c6_13d6_a623),
    },
    Case {
        name: "roots and logarithms, fractions",
        framework: "roots_and_logs",
        ratings: &[Some(0.3), Some(0.7), Some(0.1)],
        largest: &[1000.0, 42.5, 5.0],
        priority: Some(0x3fd9_9999_9999_999a),
        value: Some(0x3f6d_e69a_d42c_3c9e),
        effort: Some(0x3f94_7ae1_47ae_147b),
        formula: Some(0x3fd9_120f_1928_dfcf),
    },
    Case {
        name: "bounds, all rated",
        framework: "bounds",
        ratings: &[Some(20.0), Some(45.0), Some(3.0), Some(12.5)],
        largest: &[50.0, 45.0, 3.0, 12.5],
        priority: Some(0x401a_cccc_cccc_cccd),
        value: Some(0x3fe6_6666_6666_6666),
        effort: Some(0x3fe5_dddd_dddd_dddd),
        formula: Some(0x401a_aaaa_aaaa_aaaa),
    },
    Case {
        name: "bounds, a minimum of 0 divides by zero: no score",
        framework: "bounds",
        ratings: &[Some(20.0), Some(45.0), Some(0.0), Some(60.0)],
        largest: &[50.0, 45.0, 0.0, 60.0],
        priority: None,
        value: Some(0x3fe6_6666_6666_6666),
        effort: Some(0x3fd1_1111_1111_1111),
        formula: None,
    },
    Case {
        name: "formula reading some criteria, the rest unrated",
        framework: "partial_formula",
        ratings: &[Some(99.0), None, Some(2.0)],
        largest: &[99.0, 0.0, 2.0],
        priority: Some(0x4026_3333_3333_3333),
        value: Some(0x3ff0_0000_0000_0000),
        effort: Some(0x3fe0_0000_0000_0000),
        formula: Some(0x4026_38e3_8e38_e38e),
    },
    Case {
        name: "formula reading some criteria, one it reads unrated",
        framework: "partial_formula",
        ratings: &[Some(99.0), Some(4.0), None],
        largest: &[99.0, 4.0, 0.0],
        priority: None,
        value: Some(0x3fe1_9999_9999_999a),
        effort: None,
        formula: Some(0x4059_0000_0000_0000),
    },
    Case {
        name: "square root of 2",
        framework: "square_root",
        ratings: &[Some(2.0)],
        largest: &[2.0],
        priority: Some(0x3ff6_6666_6666_6666),
        value: Some(0x3ff0_0000_0000_0000),
        effort: None,
        formula: Some(0x3ff6_a09e_667f_3bcd),
    },
    Case {
        name: "square root of 0.5",
        framework: "square_root",
        ratings: &[Some(0.5)],
        largest: &[2.0],
        priority: Some(0x3fe6_6666_6666_6666),
        value: Some(0x3fd0_0000_0000_0000),
        effort: None,
        formula: Some(0x3fe6_a09e_667f_3bcd),
    },
    Case {
        name: "logarithm of 2",
        framework: "logarithm",
        ratings: &[Some(2.0)],
        largest: &[10.0],
        priority: Some(0x3fe6_6666_6666_6666),
        value: Some(0x3fc9_9999_9999_999a),
        effort: None,
        formula: Some(0x3fe6_2e42_fefa_39ef),
    },
    Case {
        name: "logarithm of 10",
        framework: "logarithm",
        ratings: &[Some(10.0)],
        largest: &[10.0],
        priority: Some(0x4002_6666_6666_6666),
        value: Some(0x3ff0_0000_0000_0000),
        effort: None,
        formula: Some(0x4002_6bb1_bbb5_5516),
    },
    Case {
        name: "logarithm of 0: no score",
        framework: "logarithm",
        ratings: &[Some(0.0)],
        largest: &[10.0],
        priority: None,
        value: Some(0x0000_0000_0000_0000),
        effort: None,
        formula: None,
    },
    Case {
        name: "cube root of 27",
        framework: "cube_root",
        ratings: &[Some(27.0)],
        largest: &[27.0],
        priority: Some(0x4008_0000_0000_0000),
        value: Some(0x3ff0_0000_0000_0000),
        effort: None,
        formula: Some(0x4008_0000_0000_0000),
    },
    Case {
        name: "cube root of 1e-300",
        framework: "cube_root",
        ratings: &[Some(1e-300)],
        largest: &[27.0],
        priority: Some(0x0000_0000_0000_0000),
        value: Some(0x0159_6612_ae30_88b5),
        effort: None,
        formula: Some(0x2b2b_ff2e_e48e_0594),
    },
];

fn framework(id: &str) -> &'static Preset {
    PRESETS
        .iter()
        .chain(CUSTOM)
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no framework `{id}`"))
}

/// The case's score, as the bits `Case` records.
fn actual(case: &Case) -> [Option<u64>; 4] {
    let preset = framework(case.framework);
    let score = preset.framework().score(case.ratings, case.largest);
    // The unrounded formula value, read with unrated criteria as 0, as
    // `Framework::score` reads them.
    let formula = preset.formula.map(|source| {
        let names: Vec<String> = preset
            .criteria
            .iter()
            .map(|c| variable_name(c.name))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let values: Vec<f64> = case.ratings.iter().map(|r| r.unwrap_or(0.0)).collect();
        formula::parse(source, &names)
            .expect("a reference formula parses")
            .evaluate(&values)
            .ok()
            .map(f64::to_bits)
    });
    let bits = |x: Option<f64>| x.map(f64::to_bits);
    [
        bits(score.priority),
        bits(score.value),
        bits(score.effort),
        formula.flatten(),
    ]
}

/// `Some(0x4052_2000_0000_0000)`, as the table writes it.
fn literal(bits: Option<u64>) -> String {
    let Some(bits) = bits else {
        return "None".to_owned();
    };
    let hex = format!("{bits:016x}");
    let groups: Vec<&str> = (0..4).map(|i| &hex[i * 4..i * 4 + 4]).collect();
    format!("Some(0x{})", groups.join("_"))
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_case_scores_to_the_recorded_bits() {
    let fields = ["priority", "value", "effort", "formula"];
    let mut differences = Vec::new();
    for case in CASES {
        let expected = [case.priority, case.value, case.effort, case.formula];
        for ((field, expected), actual) in fields.iter().zip(expected).zip(actual(case)) {
            if expected != actual {
                differences.push(format!(
                    "{}: {field} is {} ({:?}), the table says {}",
                    case.name,
                    literal(actual),
                    actual.map(f64::from_bits),
                    literal(expected),
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} cases differ:\n{}",
        differences.len(),
        CASES.len(),
        differences.join("\n")
    );
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn hand_computed_cases_match_the_table() {
    let case = |name: &str| {
        CASES
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case `{name}`"))
    };
    let bits = |x: f64| Some(x.to_bits());
    // Value (8 + 6 + 10) / 30 = .8; effort (M = .5, risk .2) / 2 = .35;
    // (.8 + .65) / 2 × 100 = 72.5.
    assert_eq!(case("value_effort, all rated").priority, bits(72.5));
    assert_eq!(
        case("value_effort, 58.75 by hand and by the engine").priority,
        bits(58.8)
    );
    assert_eq!(case("value_effort, 28.75 exactly").priority, bits(28.8));
    assert_eq!(case("rice, 0.05 exactly").priority, bits(0.1));
    assert_eq!(case("less ten, −0.45 exactly").priority, bits(-0.5));
    // 2,000 × 2 × 80 / 100 ÷ 4 = 800.
    assert_eq!(case("rice, all rated").priority, bits(800.0));
    assert_eq!(
        case("rice, effort 0 divides by zero: no score").priority,
        None
    );
    assert_eq!(case("ice, all rated").priority, bits(280.0));
    // (8 + 5 + 3) ÷ 3 = 5.333… → 5.3.
    assert_eq!(case("wsjf, a third").priority, bits(5.3));
    assert_eq!(
        case("square root of 2").formula,
        bits(std::f64::consts::SQRT_2)
    );
    assert_eq!(case("logarithm of 2").formula, bits(std::f64::consts::LN_2));
    assert_eq!(
        case("logarithm of 10").formula,
        bits(std::f64::consts::LN_10)
    );
}
