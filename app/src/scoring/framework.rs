//! A workspace's scoring framework as the engine applies it: its criteria,
//! and the custom formula that, when there is one, gives the priority
//! instead of the default `(Value + (1 − Effort)) / 2 × 100`.
//!
//! A formula reads each criterion's rating as entered, in the criterion's
//! own units (RICE's reach is a number of people, its confidence a
//! percentage), by the criterion's variable name (`Business value` is
//! `business_value`). An item has a formula score only when every
//! criterion the formula reads is rated. The factors (Value and Effort, for
//! the chart) are the default weighted means either way.

use super::formula::{self, Formula, FormulaError};
use super::score::{Criterion, Direction, Factor, Scale, Score, score};

#[derive(Debug, Clone, PartialEq)]
pub struct Framework {
    criteria: Vec<Criterion>,
    formula: Option<Formula>,
}

/// The name a formula calls a criterion by: lower case, every run of
/// characters that are not letters or digits one `_` (`Time criticality`
/// is `time_criticality`), and a leading `_` before a digit.
pub fn variable_name(name: &str) -> String {
    let mut variable = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            variable.extend(c.to_lowercase());
        } else if !variable.is_empty() && !variable.ends_with('_') {
            variable.push('_');
        }
    }
    while variable.ends_with('_') {
        variable.pop();
    }
    if variable.starts_with(|c: char| c.is_numeric()) {
        variable.insert(0, '_');
    }
    variable
}

impl Framework {
    /// `names[i]` names `criteria[i]`; `formula` (blank: none) may read
    /// them by their variable names.
    pub fn new(
        criteria: Vec<Criterion>,
        names: &[&str],
        formula: Option<&str>,
    ) -> Result<Self, FormulaError> {
        let formula = match formula.map(str::trim).filter(|f| !f.is_empty()) {
            Some(source) => {
                let variables: Vec<String> = names.iter().map(|n| variable_name(n)).collect();
                let variables: Vec<&str> = variables.iter().map(String::as_str).collect();
                Some(formula::parse(source, &variables)?)
            }
            None => None,
        };
        Ok(Self { criteria, formula })
    }

    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    pub fn has_formula(&self) -> bool {
        self.formula.is_some()
    }

    /// The score of an item rated `ratings` (one per criterion, `None` for
    /// unrated); `largest[i]` is the largest rating of criterion `i` among
    /// the workspace's items, for number scales.
    pub fn score(&self, ratings: &[Option<f64>], largest: &[f64]) -> Score {
        let mut result = score(&self.criteria, ratings, largest);
        if let Some(formula) = &self.formula {
            let mut values = Vec::with_capacity(self.criteria.len());
            let mut complete = true;
            for (index, criterion) in self.criteria.iter().enumerate() {
                let rating = ratings
                    .get(index)
                    .copied()
                    .flatten()
                    .filter(|r| criterion.scale.accepts(*r));
                if rating.is_none() && formula.uses(index) {
                    complete = false;
                }
                values.push(rating.unwrap_or(0.0));
            }
            result.priority = None;
            if complete {
                match formula.to_tenth(&values) {
                    Ok(priority) => result.priority = Some(priority),
                    Err(reason) => result.reason = Some(reason),
                }
            }
        }
        result
    }
}

/// A framework a workspace can start from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preset {
    /// As stored in forms.
    pub id: &'static str,
    pub name: &'static str,
    /// One line on what it weighs.
    pub summary: &'static str,
    pub criteria: &'static [PresetCriterion],
    pub formula: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PresetCriterion {
    pub name: &'static str,
    pub factor: Factor,
    pub weight: f64,
    pub scale: Scale,
    pub direction: Direction,
}

const fn criterion(name: &'static str, factor: Factor, scale: Scale) -> PresetCriterion {
    PresetCriterion {
        name,
        factor,
        weight: 1.0,
        scale,
        direction: Direction::MoreIsMore,
    }
}

/// Value vs Effort (the default), RICE, ICE and WSJF.
pub const PRESETS: [Preset; 4] = [
    Preset {
        id: "value_effort",
        name: "Value vs Effort",
        summary: "Business value, customer value and strategic fit against development effort and risk.",
        criteria: &[
            criterion("Business value", Factor::Value, Scale::ZeroToTen),
            criterion("Customer value", Factor::Value, Scale::ZeroToTen),
            criterion("Strategic fit", Factor::Value, Scale::ZeroToTen),
            criterion("Development effort", Factor::Effort, Scale::TShirt),
            criterion("Risk", Factor::Effort, Scale::ZeroToTen),
        ],
        formula: None,
    },
    Preset {
        id: "rice",
        name: "RICE",
        summary: "Reach × impact × confidence ÷ effort (effort in person-months).",
        criteria: &[
            criterion("Reach", Factor::Value, Scale::Number),
            criterion("Impact", Factor::Value, Scale::Number),
            criterion("Confidence", Factor::Value, Scale::Percentage),
            criterion("Effort", Factor::Effort, Scale::Number),
        ],
        formula: Some("reach * impact * confidence / 100 / effort"),
    },
    Preset {
        id: "ice",
        name: "ICE",
        summary: "Impact × confidence × ease, each 0–10.",
        criteria: &[
            criterion("Impact", Factor::Value, Scale::ZeroToTen),
            criterion("Confidence", Factor::Value, Scale::ZeroToTen),
            PresetCriterion {
                direction: Direction::MoreIsLess,
                ..criterion("Ease", Factor::Effort, Scale::ZeroToTen)
            },
        ],
        formula: Some("impact * confidence * ease"),
    },
    Preset {
        id: "wsjf",
        name: "WSJF",
        summary: "Cost of delay (business value + time criticality + risk reduction) ÷ job size.",
        criteria: &[
            criterion("Business value", Factor::Value, Scale::Number),
            criterion("Time criticality", Factor::Value, Scale::Number),
            criterion("Risk reduction", Factor::Value, Scale::Number),
            criterion("Job size", Factor::Effort, Scale::Number),
        ],
        formula: Some("(business_value + time_criticality + risk_reduction) / job_size"),
    },
];

pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}

impl Preset {
    pub fn framework(&self) -> Framework {
        let criteria = self
            .criteria
            .iter()
            .map(|c| Criterion {
                factor: c.factor,
                weight: c.weight,
                scale: c.scale,
                direction: c.direction,
            })
            .collect();
        let names: Vec<&str> = self.criteria.iter().map(|c| c.name).collect();
        Framework::new(criteria, &names, self.formula).expect("a preset's formula parses")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::formula::NoValue;

    fn rated(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().copied().map(Some).collect()
    }

    #[test]
    fn variable_names_are_lower_case_words_joined_by_underscores() {
        assert_eq!(variable_name("Business value"), "business_value");
        assert_eq!(variable_name("  Risk / opportunity  "), "risk_opportunity");
        assert_eq!(variable_name("2nd order"), "_2nd_order");
        assert_eq!(variable_name("Coût"), "coût");
    }

    #[test]
    fn every_preset_parses_and_names_distinct_variables() {
        for preset in PRESETS {
            let framework = preset.framework();
            assert_eq!(framework.criteria().len(), preset.criteria.len());
            let mut names: Vec<String> = preset
                .criteria
                .iter()
                .map(|c| variable_name(c.name))
                .collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), preset.criteria.len(), "{}", preset.name);
        }
    }

    #[test]
    fn rice_is_reach_times_impact_times_confidence_over_effort() {
        let rice = preset("rice").unwrap().framework();
        // 2,000 people × impact 2 × 80 % ÷ 4 person-months = 800.
        let largest = [2000.0, 3.0, 100.0, 10.0];
        let score = rice.score(&rated(&[2000.0, 2.0, 80.0, 4.0]), &largest);
        assert_eq!(score.priority, Some(800.0));
        // 150 × 0.5 × 50 % ÷ 0.5 = 75.
        assert_eq!(
            rice.score(&rated(&[150.0, 0.5, 50.0, 0.5]), &largest)
                .priority,
            Some(75.0)
        );
        // No effort given: no score, and the item is partly rated.
        let partial = rice.score(&[Some(150.0), Some(0.5), Some(50.0), None], &largest);
        assert_eq!(partial.priority, None);
        assert!(partial.partly_rated);
        // Effort 0 divides by zero: no score, and the reason.
        let score = rice.score(&rated(&[150.0, 0.5, 50.0, 0.0]), &largest);
        assert_eq!(score.priority, None);
        assert_eq!(score.reason, Some(NoValue::DividesByZero(Some(3))));
    }

    #[test]
    fn ice_and_wsjf_match_their_hand_computed_values() {
        let ice = preset("ice").unwrap().framework();
        assert_eq!(
            ice.score(&rated(&[8.0, 5.0, 7.0]), &[]).priority,
            Some(280.0)
        );
        let wsjf = preset("wsjf").unwrap().framework();
        // (8 + 5 + 3) ÷ 3 = 5.333… → 5.3.
        assert_eq!(
            wsjf.score(&rated(&[8.0, 5.0, 3.0, 3.0]), &[8.0, 5.0, 3.0, 13.0])
                .priority,
            Some(5.3)
        );
    }

    #[test]
    fn the_default_preset_uses_the_default_score() {
        let framework = preset("value_effort").unwrap().framework();
        assert!(!framework.has_formula());
        // Value (8 + 6 + 10) / 30 = .8; effort (M = .5, risk .2) = .35;
        // (.8 + .65) / 2 × 100 = 72.5.
        let score = framework.score(&rated(&[8.0, 6.0, 10.0, 2.0, 2.0]), &[]);
        assert_eq!(score.priority, Some(72.5));
        assert!(!score.partly_rated);
    }

    /// A formula with no value for an item (a division by zero, an
    /// overflow) gives it no score, not 0, so it sorts with the unscored.
    #[test]
    fn a_formula_without_a_value_gives_no_score() {
        let rice = preset("rice").unwrap().framework();
        let score = rice.score(
            &rated(&[150.0, 0.5, 50.0, 0.0]),
            &[2000.0, 3.0, 100.0, 10.0],
        );
        assert_eq!(score.priority, None);
        assert_eq!(score.reason, Some(NoValue::DividesByZero(Some(3))));
        assert!(!score.partly_rated);
        let power = Framework::new(
            vec![Criterion {
                factor: Factor::Value,
                weight: 1.0,
                scale: Scale::Number,
                direction: Direction::MoreIsMore,
            }],
            &["B"],
            Some("b ^ 400"),
        )
        .unwrap();
        assert_eq!(power.score(&rated(&[10.0]), &[10.0]).priority, None);
        assert_eq!(
            power.score(&rated(&[10.0]), &[10.0]).reason,
            Some(NoValue::Overflows)
        );
        assert_eq!(
            power.score(&rated(&[1.5]), &[10.0]).priority,
            Some(libm::pow(1.5, 400.0))
        );
    }

    /// The priority a person computes by hand from the decimals they
    /// typed, to one decimal, halves away from zero.
    #[test]
    fn exact_ties_round_away_from_zero_as_their_decimals_do() {
        let value_effort = preset("value_effort").unwrap().framework();
        // (0 + (1 − (.25 + .6) / 2)) / 2 × 100 = 28.75 exactly.
        let score = value_effort.score(&rated(&[0.0, 0.0, 0.0, 1.0, 6.0]), &[]);
        assert_eq!(score.priority, Some(28.8));
        // (.6 + (1 − .425)) / 2 × 100 = 58.75.
        let score = value_effort.score(&rated(&[9.0, 2.0, 7.0, 3.0, 1.0]), &[]);
        assert_eq!(score.priority, Some(58.8));
        // 1 × 0.5 × 30 % ÷ 3 = 0.05.
        let rice = preset("rice").unwrap().framework();
        let score = rice.score(&rated(&[1.0, 0.5, 30.0, 3.0]), &[1.0, 0.5, 30.0, 3.0]);
        assert_eq!(score.priority, Some(0.1));
        // 9.55 − 10 = −0.45: away from zero is −0.5.
        let less_ten = Framework::new(
            vec![Criterion {
                factor: Factor::Value,
                weight: 1.0,
                scale: Scale::Number,
                direction: Direction::MoreIsMore,
            }],
            &["A"],
            Some("a − 10"),
        )
        .unwrap();
        assert_eq!(
            less_ten.score(&rated(&[9.55]), &[9.55]).priority,
            Some(-0.5)
        );
    }

    /// Every rating of the default preset, each criterion rated or not,
    /// against the priority computed in integers: Value is the sum of the
    /// rated 0–10 ratings over 10 per rated criterion, Effort the T-shirt
    /// size's quarters and the risk's tenths over the rated effort
    /// criteria, so ten times the priority is
    /// `25 × (2 × value_sum × efforts − effort_twentieths × values + 20 ×
    /// values × efforts) / (values × efforts)`.
    #[test]
    fn every_default_preset_rating_rounds_as_its_exact_value() {
        let framework = preset("value_effort").unwrap().framework();
        let tens: Vec<Option<i64>> = std::iter::once(None).chain((0..=10).map(Some)).collect();
        let sizes: Vec<Option<i64>> = std::iter::once(None).chain((0..=4).map(Some)).collect();
        let (mut ties, mut wrong) = (0, Vec::new());
        for &business in &tens {
            for &customer in &tens {
                for &fit in &tens {
                    for &size in &sizes {
                        for &risk in &tens {
                            let values: Vec<i64> =
                                [business, customer, fit].into_iter().flatten().collect();
                            let rated_values = values.len() as i64;
                            let rated_efforts =
                                i64::from(size.is_some()) + i64::from(risk.is_some());
                            let ratings: Vec<Option<f64>> = [business, customer, fit, size, risk]
                                .iter()
                                .map(|r| r.map(|r| r as f64))
                                .collect();
                            let score = framework.score(&ratings, &[]);
                            if rated_values == 0 || rated_efforts == 0 {
                                assert_eq!(score.priority, None, "{ratings:?}");
                                continue;
                            }
                            let value_sum: i64 = values.iter().sum();
                            let effort_twentieths = 5 * size.unwrap_or(0) + 2 * risk.unwrap_or(0);
                            let numerator = 25
                                * (2 * value_sum * rated_efforts
                                    - effort_twentieths * rated_values
                                    + 20 * rated_values * rated_efforts);
                            let denominator = rated_values * rated_efforts;
                            if (2 * numerator) % (2 * denominator) == denominator {
                                ties += 1;
                            }
                            let tenths = (2 * numerator + denominator).div_euclid(2 * denominator);
                            let expected = tenths as f64 / 10.0;
                            if score.priority != Some(expected) {
                                wrong.push(format!(
                                    "{ratings:?}: {:?}, not {expected}",
                                    score.priority
                                ));
                            }
                        }
                    }
                }
            }
        }
        assert!(ties > 10_000, "only {ties} ties: the oracle is off");
        assert!(
            wrong.is_empty(),
            "{} ratings round the wrong way ({ties} exact ties in all), e.g.\n{}",
            wrong.len(),
            wrong[..wrong.len().min(5)].join("\n")
        );
    }

    #[test]
    fn a_formula_that_reads_a_missing_criterion_is_refused() {
        let error = Framework::new(
            vec![Criterion {
                factor: Factor::Value,
                weight: 1.0,
                scale: Scale::ZeroToTen,
                direction: Direction::MoreIsMore,
            }],
            &["Reach"],
            Some("reech * 2"),
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "unknown variable `reech` at 1:1");
    }
}
