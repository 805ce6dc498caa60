//! The value-vs-effort chart's geometry: where each item's bubble goes, how
//! big it is, and which quadrant it falls in. Pure functions, no I/O; the
//! page draws what these return as SVG.

/// The chart's SVG coordinate space (its `viewBox`).
pub const WIDTH: f64 = 720.0;
pub const HEIGHT: f64 = 480.0;

/// The plot area inside it: room on the left and below for the axes, and
/// for the largest bubble at the top and on the right.
pub const PLOT_LEFT: f64 = 48.0;
pub const PLOT_RIGHT: f64 = WIDTH - 24.0;
pub const PLOT_TOP: f64 = 24.0;
pub const PLOT_BOTTOM: f64 = HEIGHT - 44.0;

/// A bubble's radius when nothing sizes it.
pub const PLAIN_RADIUS: f64 = 8.0;
/// The smallest and largest radius when a criterion sizes the bubbles.
const MIN_RADIUS: f64 = 4.0;
const MAX_RADIUS: f64 = 20.0;

/// Bubbles whose centres fall within this many units of each other are
/// spread out around their common centre.
const SAME_PLACE: f64 = 3.0;
/// How far apart the spread bubbles sit (the sunflower's spacing).
const SPREAD: f64 = 7.0;

/// The four named quadrants: value high or low against effort low or high.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quadrant {
    QuickWins,
    BigBets,
    FillIns,
    TimeSinks,
}

impl Quadrant {
    pub const ALL: [Quadrant; 4] = [
        Self::QuickWins,
        Self::BigBets,
        Self::FillIns,
        Self::TimeSinks,
    ];

    /// The quadrant of an item with these factors (each 0–1); a factor of
    /// exactly one half counts as high.
    pub fn of(value: f64, effort: f64) -> Self {
        match (value >= 0.5, effort >= 0.5) {
            (true, false) => Self::QuickWins,
            (true, true) => Self::BigBets,
            (false, false) => Self::FillIns,
            (false, true) => Self::TimeSinks,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::QuickWins => "Quick wins",
            Self::BigBets => "Big bets",
            Self::FillIns => "Fill-ins",
            Self::TimeSinks => "Time sinks",
        }
    }

    /// What to do with its items, in a few words.
    pub fn hint(self) -> &'static str {
        match self {
            Self::QuickWins => "high value, low effort: do these first",
            Self::BigBets => "high value, high effort: plan them",
            Self::FillIns => "low value, low effort: when there is time",
            Self::TimeSinks => "low value, high effort: question them",
        }
    }

    /// The CSS modifier its bubbles and area carry.
    pub fn class(self) -> &'static str {
        match self {
            Self::QuickWins => "quick-wins",
            Self::BigBets => "big-bets",
            Self::FillIns => "fill-ins",
            Self::TimeSinks => "time-sinks",
        }
    }

    /// Its area on the chart: x, y, width, height.
    pub fn area(self) -> (f64, f64, f64, f64) {
        let mid_x = x_of(0.5);
        let mid_y = y_of(0.5);
        let (x, w) = match self {
            Self::QuickWins | Self::FillIns => (PLOT_LEFT, mid_x - PLOT_LEFT),
            Self::BigBets | Self::TimeSinks => (mid_x, PLOT_RIGHT - mid_x),
        };
        let (y, h) = match self {
            Self::QuickWins | Self::BigBets => (PLOT_TOP, mid_y - PLOT_TOP),
            Self::FillIns | Self::TimeSinks => (mid_y, PLOT_BOTTOM - mid_y),
        };
        (x, y, w, h)
    }
}

/// Effort (0–1) along the x axis, low on the left.
pub fn x_of(effort: f64) -> f64 {
    PLOT_LEFT + effort.clamp(0.0, 1.0) * (PLOT_RIGHT - PLOT_LEFT)
}

/// Value (0–1) up the y axis, high at the top.
pub fn y_of(value: f64) -> f64 {
    PLOT_BOTTOM - value.clamp(0.0, 1.0) * (PLOT_BOTTOM - PLOT_TOP)
}

/// What the layout needs of an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub value: f64,
    pub effort: f64,
    /// The sizing criterion's rating normalised to 0–1, when the bubbles
    /// are sized and this item has one.
    pub size: Option<f64>,
}

/// A bubble as drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bubble {
    /// The item's index in the slice given to [`layout`].
    pub index: usize,
    pub x: f64,
    pub y: f64,
    pub r: f64,
    pub quadrant: Quadrant,
}

/// The bubbles for `places`, in drawing order: the largest first, and
/// among equals the earlier items last, so that small bubbles and the first
/// items (the page lists the highest scores first) are drawn on top.
/// Bubbles at the same spot are spread around it on a sunflower spiral, so
/// that each stays visible and can be pointed at. `sized`: whether a
/// criterion sizes the bubbles (unrated items then get the smallest).
pub fn layout(places: &[Place], sized: bool) -> Vec<Bubble> {
    let mut bubbles: Vec<Bubble> = places
        .iter()
        .enumerate()
        .map(|(index, place)| Bubble {
            index,
            x: x_of(place.effort),
            y: y_of(place.value),
            r: radius(place.size, sized),
            quadrant: Quadrant::of(place.value, place.effort),
        })
        .collect();
    spread_crowds(&mut bubbles);
    bubbles.sort_by(|a, b| b.r.total_cmp(&a.r).then(b.index.cmp(&a.index)));
    bubbles
}

/// The radius for a normalised size: by area, so that twice the rating
/// looks twice as big.
fn radius(size: Option<f64>, sized: bool) -> f64 {
    if !sized {
        return PLAIN_RADIUS;
    }
    match size {
        Some(n) if n.is_finite() => {
            MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * libm::sqrt(n.clamp(0.0, 1.0))
        }
        _ => MIN_RADIUS,
    }
}

/// Moves bubbles that share a spot onto a sunflower spiral around it: the
/// first stays in the middle, the n-th goes `SPREAD × √n` out at n golden
/// angles. Points stay inside the plot.
fn spread_crowds(bubbles: &mut [Bubble]) {
    const GOLDEN_ANGLE: f64 = 2.399_963_229_728_653;
    let cell = |b: &Bubble| {
        (
            (b.x / SAME_PLACE).round() as i64,
            (b.y / SAME_PLACE).round() as i64,
        )
    };
    let mut order: Vec<usize> = (0..bubbles.len()).collect();
    order.sort_by_key(|&i| (cell(&bubbles[i]), i));
    let mut start = 0;
    while start < order.len() {
        let here = cell(&bubbles[order[start]]);
        let mut end = start + 1;
        while end < order.len() && cell(&bubbles[order[end]]) == here {
            end += 1;
        }
        let (cx, cy) = (bubbles[order[start]].x, bubbles[order[start]].y);
        for (n, &i) in order[start..end].iter().enumerate().skip(1) {
            let distance = SPREAD * libm::sqrt(n as f64);
            let angle = n as f64 * GOLDEN_ANGLE;
            let bubble = &mut bubbles[i];
            bubble.x = (cx + distance * libm::cos(angle)).clamp(PLOT_LEFT, PLOT_RIGHT);
            bubble.y = (cy + distance * libm::sin(angle)).clamp(PLOT_TOP, PLOT_BOTTOM);
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(value: f64, effort: f64) -> Place {
        Place {
            value,
            effort,
            size: None,
        }
    }

    #[test]
    fn quadrants_split_at_one_half() {
        assert_eq!(Quadrant::of(0.9, 0.1), Quadrant::QuickWins);
        assert_eq!(Quadrant::of(0.9, 0.9), Quadrant::BigBets);
        assert_eq!(Quadrant::of(0.1, 0.1), Quadrant::FillIns);
        assert_eq!(Quadrant::of(0.1, 0.9), Quadrant::TimeSinks);
        assert_eq!(Quadrant::of(0.5, 0.5), Quadrant::BigBets);
        assert_eq!(Quadrant::of(0.49, 0.49), Quadrant::FillIns);
    }

    #[test]
    fn axes_put_high_value_at_the_top_and_low_effort_on_the_left() {
        assert_eq!(x_of(0.0), PLOT_LEFT);
        assert_eq!(x_of(1.0), PLOT_RIGHT);
        assert_eq!(y_of(1.0), PLOT_TOP);
        assert_eq!(y_of(0.0), PLOT_BOTTOM);
        // Out of range is kept on the plot.
        assert_eq!(x_of(7.0), PLOT_RIGHT);
        assert_eq!(y_of(-1.0), PLOT_BOTTOM);
    }

    #[test]
    fn quadrant_areas_tile_the_plot() {
        let area: f64 = Quadrant::ALL
            .iter()
            .map(|q| {
                let (_, _, w, h) = q.area();
                w * h
            })
            .sum();
        let plot = (PLOT_RIGHT - PLOT_LEFT) * (PLOT_BOTTOM - PLOT_TOP);
        assert!((area - plot).abs() < 1e-9);
        let (x, y, _, _) = Quadrant::QuickWins.area();
        assert_eq!((x, y), (PLOT_LEFT, PLOT_TOP));
    }

    #[test]
    fn a_lone_bubble_sits_on_its_factors() {
        let bubbles = layout(&[place(0.75, 0.25)], false);
        assert_eq!(bubbles.len(), 1);
        assert_eq!(bubbles[0].x, x_of(0.25));
        assert_eq!(bubbles[0].y, y_of(0.75));
        assert_eq!(bubbles[0].r, PLAIN_RADIUS);
        assert_eq!(bubbles[0].quadrant, Quadrant::QuickWins);
    }

    #[test]
    fn bubbles_at_the_same_spot_are_spread_apart() {
        let places = vec![place(0.5, 0.5); 40];
        let bubbles = layout(&places, false);
        for (i, a) in bubbles.iter().enumerate() {
            for b in &bubbles[i + 1..] {
                let d = ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt();
                assert!(d > 3.0, "{a:?} and {b:?} are {d} apart");
            }
        }
        // The first item keeps the true spot; the quadrant is the item's.
        let first = bubbles.iter().find(|b| b.index == 0).unwrap();
        assert_eq!((first.x, first.y), (x_of(0.5), y_of(0.5)));
        assert!(bubbles.iter().all(|b| b.quadrant == Quadrant::BigBets));
    }

    #[test]
    fn spread_bubbles_stay_on_the_plot() {
        let places = vec![place(1.0, 0.0); 100];
        for b in layout(&places, false) {
            assert!((PLOT_LEFT..=PLOT_RIGHT).contains(&b.x));
            assert!((PLOT_TOP..=PLOT_BOTTOM).contains(&b.y));
        }
    }

    #[test]
    fn sizes_grow_by_area_and_unrated_items_get_the_smallest() {
        let sized = |size| Place {
            size,
            ..place(0.2, 0.2)
        };
        let bubbles = layout(
            &[
                sized(Some(1.0)),
                sized(Some(0.25)),
                sized(None),
                sized(Some(f64::NAN)),
            ],
            true,
        );
        let r = |index| bubbles.iter().find(|b| b.index == index).unwrap().r;
        assert_eq!(r(0), MAX_RADIUS);
        assert_eq!(r(1), MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * 0.5);
        assert_eq!(r(2), MIN_RADIUS);
        assert_eq!(r(3), MIN_RADIUS);
    }

    #[test]
    fn larger_bubbles_are_drawn_first_and_earlier_items_on_top() {
        let places = [
            Place {
                size: Some(0.1),
                ..place(0.1, 0.1)
            },
            Place {
                size: Some(1.0),
                ..place(0.9, 0.9)
            },
            Place {
                size: Some(0.1),
                ..place(0.6, 0.3)
            },
        ];
        let order: Vec<usize> = layout(&places, true).iter().map(|b| b.index).collect();
        assert_eq!(order, vec![1, 2, 0]);
    }
}
