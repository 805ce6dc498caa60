//! The timeline's geometry: calendar days as numbers, the axis a set of
//! items spans (by month or by quarter), and where a day falls on it. Pure
//! functions, no I/O; the page draws what these return as SVG, and turns a
//! drag's distance back into whole days.

/// How wide the axis is drawn, and what its ticks mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    #[default]
    Month,
    Quarter,
}

impl Scale {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "month" => Some(Self::Month),
            "quarter" => Some(Self::Quarter),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Quarter => "quarter",
        }
    }

    /// SVG units one day takes.
    pub fn day_width(self) -> f64 {
        match self {
            Self::Month => 4.0,
            Self::Quarter => 1.5,
        }
    }

    /// Months per tick.
    fn months(self) -> u32 {
        match self {
            Self::Month => 1,
            Self::Quarter => 3,
        }
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian;
/// Howard Hinnant's `days_from_civil`). `None` for anything else.
pub fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (year, month, day): (i64, i64, i64) =
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    Some(from_civil(year, month, day))
}

fn from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day number: (year, month, day).
pub fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A day number as `YYYY-MM-DD`.
pub fn date_of(days: i64) -> String {
    let (year, month, day) = civil(days);
    format!("{year:04}-{month:02}-{day:02}")
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A mark on the axis: where a month or quarter starts, and its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub x: f64,
    pub label: String,
}

/// The stretch of days the timeline shows and how it is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub scale: Scale,
    /// The first day shown (the first of a month or quarter).
    pub first: i64,
    /// The day after the last one shown.
    pub end: i64,
    pub ticks: Vec<Tick>,
}

/// The shortest stretch shown, in ticks, so a lone item has context.
const MIN_TICKS: i64 = 4;
/// The longest, in days (about twenty years): one item dated far away
/// must not make the page miles wide.
const MAX_DAYS: i64 = 7_305;

impl Axis {
    /// From the first tick at or before the earliest of `days` (and
    /// `today`) to the tick after the latest, at least `MIN_TICKS` long.
    pub fn spanning(scale: Scale, days: impl IntoIterator<Item = i64>, today: i64) -> Axis {
        let (mut low, mut high) = (today, today);
        for day in days {
            low = low.min(day);
            high = high.max(day);
        }
        let high = high.min(low + MAX_DAYS);
        let first = tick_at_or_before(scale, low);
        let mut ticks = Vec::new();
        let mut at = first;
        while at <= high || (ticks.len() as i64) < MIN_TICKS {
            let (year, month, _) = civil(at);
            let label = match scale {
                Scale::Month if month == 1 || ticks.is_empty() => {
                    format!("{} {year}", MONTHS[(month - 1) as usize])
                }
                Scale::Month => MONTHS[(month - 1) as usize].to_owned(),
                Scale::Quarter => format!("Q{} {year}", (month - 1) / 3 + 1),
            };
            ticks.push(Tick {
                x: (at - first) as f64 * scale.day_width(),
                label,
            });
            at = add_months(at, scale.months());
        }
        Axis {
            scale,
            first,
            end: at,
            ticks,
        }
    }

    /// The x of the start of `day` (clamped to the axis).
    pub fn x(&self, day: i64) -> f64 {
        (day.clamp(self.first, self.end) - self.first) as f64 * self.scale.day_width()
    }

    pub fn width(&self) -> f64 {
        self.x(self.end)
    }

    /// The day under `x`.
    pub fn day_at(&self, x: f64) -> i64 {
        self.first + (x / self.scale.day_width()).floor() as i64
    }

    /// Whole days a drag of `dx` units moves something, to the nearest day.
    pub fn days_moved(&self, dx: f64) -> i64 {
        (dx / self.scale.day_width()).round() as i64
    }
}

fn tick_at_or_before(scale: Scale, day: i64) -> i64 {
    let (year, month, _) = civil(day);
    let month = month - (month - 1) % i64::from(scale.months());
    from_civil(year, month, 1)
}

fn add_months(day: i64, months: u32) -> i64 {
    let (year, month, _) = civil(day);
    let index = year * 12 + (month - 1) + i64::from(months);
    from_civil(index.div_euclid(12), index.rem_euclid(12) + 1, 1)
}

/// An item's bar: from the first day to the day after its last. An item
/// with only a start or only an end is one day long.
pub fn span(start: Option<&str>, end: Option<&str>) -> Option<(i64, i64)> {
    let start = start.and_then(day_number);
    let end = end.and_then(day_number);
    match (start, end) {
        (Some(s), Some(e)) if e >= s => Some((s, e + 1)),
        (Some(s), Some(_)) => Some((s, s + 1)),
        (Some(d), None) | (None, Some(d)) => Some((d, d + 1)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_through_dates() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(
            day_number("2026-11-30").map(date_of).as_deref(),
            Some("2026-11-30")
        );
        for day in (-30_000..80_000).step_by(7) {
            assert_eq!(day_number(&date_of(day)), Some(day), "{day}");
        }
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-1-01",
            "x",
            "2026-04-31",
            "",
        ] {
            assert_eq!(day_number(bad), None, "{bad}");
        }
        assert_eq!(
            day_number("2028-02-29").map(date_of).as_deref(),
            Some("2028-02-29")
        );
    }

    #[test]
    fn the_axis_starts_on_a_tick_and_covers_every_day() {
        let day = |d: &str| day_number(d).unwrap();
        let axis = Axis::spanning(
            Scale::Month,
            [day("2026-03-15"), day("2026-05-02")],
            day("2026-04-10"),
        );
        assert_eq!(date_of(axis.first), "2026-03-01");
        assert_eq!(date_of(axis.end), "2026-07-01");
        let labels: Vec<&str> = axis.ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["Mar 2026", "Apr", "May", "Jun"]);
        assert_eq!(axis.x(day("2026-03-02")), 4.0);
        assert_eq!(axis.day_at(5.0), day("2026-03-02"));
        assert_eq!(axis.days_moved(-9.9), -2);

        let quarters = Axis::spanning(Scale::Quarter, [day("2026-12-31")], day("2026-11-30"));
        assert_eq!(date_of(quarters.first), "2026-10-01");
        assert_eq!(quarters.ticks[0].label, "Q4 2026");
        assert_eq!(quarters.ticks[1].label, "Q1 2027");
        assert_eq!(quarters.ticks.len(), 4);
        // Far-off dates are cut, not drawn miles wide.
        let far = Axis::spanning(Scale::Month, [day("9999-12-31")], day("2026-11-30"));
        assert!(far.end - far.first < MAX_DAYS + 62);
        assert_eq!(far.x(day("9999-12-31")), far.width());
    }

    #[test]
    fn bars_span_from_start_to_the_day_after_the_end() {
        let d = day_number("2026-05-01").unwrap();
        assert_eq!(
            span(Some("2026-05-01"), Some("2026-05-03")),
            Some((d, d + 3))
        );
        assert_eq!(span(Some("2026-05-01"), None), Some((d, d + 1)));
        assert_eq!(span(None, Some("2026-05-01")), Some((d, d + 1)));
        assert_eq!(span(None, None), None);
        assert_eq!(span(Some("bad"), None), None);
    }
}
