//! A scoring round's reveal: what the participants' ratings of one item on
//! one criterion say together — lowest, highest, mean, how far they agree,
//! how many gave each rating, and the value to apply unless the editor
//! picks another.

use serde::{Deserialize, Serialize};

use super::score::{Scale, round_to_tenth};

/// How closely the ratings agree, from their spread: the highest minus the
/// lowest, as a share of the scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Agreement {
    /// A spread of at most a fifth of the scale.
    High,
    /// At most two fifths.
    Medium,
    /// More.
    Low,
}

impl Agreement {
    pub fn of_spread(spread: f64) -> Self {
        if spread <= 0.2 {
            Self::High
        } else if spread <= 0.4 {
            Self::Medium
        } else {
            Self::Low
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

/// The ratings of one item on one criterion, taken together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub count: usize,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    /// The spread as a share of the scale, 0–1.
    pub spread: f64,
    pub agreement: Agreement,
    /// Each rating given and how many gave it, lowest first.
    pub distribution: Vec<(f64, usize)>,
    /// The mean as a rating the scale takes: what applying the round
    /// writes unless the editor chooses another.
    pub suggested: f64,
}

/// The summary of `ratings` on `scale`; `None` when nobody rated. A number
/// scale has no top: its spread is measured against the highest rating.
pub fn summarise(scale: Scale, ratings: &[f64]) -> Option<Summary> {
    let mut sorted: Vec<f64> = ratings.iter().copied().filter(|r| r.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    let mean = sorted.iter().sum::<f64>() / sorted.len() as f64;
    let span = match scale {
        Scale::ZeroToTen => 10.0,
        Scale::Percentage => 100.0,
        Scale::TShirt => 4.0,
        Scale::YesNo => 1.0,
        Scale::Number => max,
    };
    let spread = if span > 0.0 {
        ((max - min) / span).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mut distribution: Vec<(f64, usize)> = Vec::new();
    for rating in &sorted {
        match distribution.last_mut() {
            Some((value, count)) if value == rating => *count += 1,
            _ => distribution.push((*rating, 1)),
        }
    }
    Some(Summary {
        count: sorted.len(),
        min,
        max,
        mean,
        spread,
        agreement: Agreement::of_spread(spread),
        distribution,
        suggested: snap(scale, mean),
    })
}

/// `value` as the nearest rating `scale` takes (halves away from zero; a
/// number to a tenth).
pub fn snap(scale: Scale, value: f64) -> f64 {
    let snapped = match scale {
        Scale::ZeroToTen => value.round().clamp(0.0, 10.0),
        Scale::Percentage => value.round().clamp(0.0, 100.0),
        Scale::TShirt => value.round().clamp(0.0, 4.0),
        Scale::YesNo => value.round().clamp(0.0, 1.0),
        Scale::Number => round_to_tenth(value).max(0.0),
    };
    snapped + 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_rated_gives_no_summary() {
        assert_eq!(summarise(Scale::ZeroToTen, &[]), None);
    }

    #[test]
    fn a_summary_has_the_range_the_mean_and_the_distribution() {
        let s = summarise(Scale::ZeroToTen, &[7.0, 5.0, 7.0, 6.0]).unwrap();
        assert_eq!((s.count, s.min, s.max, s.mean), (4, 5.0, 7.0, 6.25));
        assert_eq!(s.distribution, vec![(5.0, 1), (6.0, 1), (7.0, 2)]);
        assert_eq!(s.spread, 0.2);
        assert_eq!(s.agreement, Agreement::High);
        assert_eq!(s.suggested, 6.0);
    }

    #[test]
    fn agreement_follows_the_spread_as_a_share_of_the_scale() {
        let agreement = |scale, ratings: &[f64]| summarise(scale, ratings).unwrap().agreement;
        assert_eq!(agreement(Scale::ZeroToTen, &[3.0, 3.0]), Agreement::High);
        assert_eq!(agreement(Scale::ZeroToTen, &[3.0, 6.0]), Agreement::Medium);
        assert_eq!(agreement(Scale::ZeroToTen, &[3.0, 8.0]), Agreement::Low);
        // Percent: 30 points of 100 apart.
        assert_eq!(
            agreement(Scale::Percentage, &[50.0, 80.0]),
            Agreement::Medium
        );
        // T-shirt: S and L are two sizes of four apart.
        assert_eq!(agreement(Scale::TShirt, &[1.0, 3.0]), Agreement::Low);
        assert_eq!(agreement(Scale::TShirt, &[2.0, 2.0, 2.0]), Agreement::High);
        // Yes against no is as far apart as it gets.
        assert_eq!(agreement(Scale::YesNo, &[0.0, 1.0]), Agreement::Low);
        // A number scale against its highest rating: 80 and 100 agree.
        assert_eq!(agreement(Scale::Number, &[80.0, 100.0]), Agreement::High);
        assert_eq!(agreement(Scale::Number, &[0.0, 0.0]), Agreement::High);
        assert_eq!(agreement(Scale::Number, &[10.0, 100.0]), Agreement::Low);
    }

    #[test]
    fn the_suggestion_is_the_mean_as_the_scale_takes_it() {
        let suggested = |scale, ratings: &[f64]| summarise(scale, ratings).unwrap().suggested;
        assert_eq!(suggested(Scale::ZeroToTen, &[6.0, 7.0]), 7.0);
        assert_eq!(suggested(Scale::TShirt, &[0.0, 1.0, 1.0]), 1.0);
        assert_eq!(suggested(Scale::YesNo, &[0.0, 1.0]), 1.0);
        assert_eq!(suggested(Scale::YesNo, &[0.0, 0.0, 1.0]), 0.0);
        assert_eq!(suggested(Scale::Percentage, &[33.0, 34.0]), 34.0);
        assert_eq!(suggested(Scale::Number, &[1000.0, 2000.0, 2500.0]), 1833.3);
        for scale in [
            Scale::ZeroToTen,
            Scale::Percentage,
            Scale::TShirt,
            Scale::YesNo,
            Scale::Number,
        ] {
            let s = summarise(scale, &[0.0, 1.0]).unwrap();
            assert!(
                scale.accepts(s.suggested),
                "{scale:?} takes {}",
                s.suggested
            );
        }
    }

    #[test]
    fn ratings_that_are_not_numbers_are_left_out() {
        let s = summarise(Scale::ZeroToTen, &[f64::NAN, 4.0]).unwrap();
        assert_eq!((s.count, s.mean), (1, 4.0));
        assert_eq!(summarise(Scale::ZeroToTen, &[f64::NAN]), None);
    }
}
