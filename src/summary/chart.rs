//! Trend plot geometry: a series of dated values laid out in a fixed SVG coordinate box, with
//! "nice" value ticks and an optional reference band. Pure, so the layout rules are tested
//! without a browser; `ui::chart` only draws what this computes.

use super::observations::TrendPoint;
use super::vital_kinds::VitalKind;
use crate::fhir::decimal::shown;

const DAY_MS: f64 = 86_400_000.0;

/// Chart points from a series: in `kind`'s display unit for a vital sign, else the value
/// as written with `unit` (a lab test).
pub fn chart_points(kind: Option<VitalKind>, points: &[TrendPoint], unit: &str) -> Vec<ChartPoint> {
    points
        .iter()
        .map(|p| ChartPoint {
            day: p.at.epoch_millis() as f64 / DAY_MS,
            value: p.value,
            value_text: match kind {
                Some(kind) => kind.format(p.value),
                None => format!("{} {unit}", shown(p.value)),
            },
            date_text: p.at.to_string(),
        })
        .collect()
}

/// One measured value.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartPoint {
    /// When it was measured, in days since 1970-01-01 (fractional for times of day).
    pub day: f64,
    /// The value, in the series' display unit.
    pub value: f64,
    /// The value as the summary shows it, e.g. "128 mmHg".
    pub value_text: String,
    /// The date as the summary shows it, e.g. "12 Mar 2024".
    pub date_text: String,
}

/// A series ready to plot.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartInput {
    /// What is plotted, e.g. "Systolic blood pressure".
    pub title: String,
    /// Points in any order.
    pub points: Vec<ChartPoint>,
    /// The normal range, when known.
    pub reference: Option<(f64, f64)>,
}

/// Width and height of the SVG viewBox; the plot scales with CSS.
pub const WIDTH: f64 = 320.0;
/// See [`WIDTH`].
pub const HEIGHT: f64 = 120.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 20.0;

/// A placed point.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedPoint {
    /// SVG x.
    pub x: f64,
    /// SVG y.
    pub y: f64,
    /// Tooltip and accessible text: "128 mmHg on 12 Mar 2024".
    pub label: String,
}

/// Everything the drawing needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLayout {
    /// Points in time order.
    pub points: Vec<PlacedPoint>,
    /// The `points` attribute of the polyline.
    pub polyline: String,
    /// The reference band as (y of high, y of low), clipped to the plot.
    pub band: Option<(f64, f64)>,
    /// Value ticks as (y, text).
    pub ticks: Vec<(f64, String)>,
    /// First and last date texts, for the x axis.
    pub date_range: Option<(String, String)>,
    /// A one-sentence text alternative.
    pub summary: String,
}

/// At most this many of the most recent values are plotted: a trend a clinician can read, and
/// a bounded number of elements however long the record.
pub const MAX_POINTS: usize = 50;

/// At most this many value ticks are drawn, whatever the values: the tick count is computed,
/// never reached by adding a step (which adds nothing to 1e17, and loops forever).
pub const MAX_TICKS: usize = 12;

/// Lays out a series. Points are sorted by day (ties keep their order) and the most recent
/// [`MAX_POINTS`] kept; the value scale spans the data and the reference band, so an in-range
/// series never looks alarming. Values or days that are not finite numbers are not plottable
/// and left out; a reference band that is not a finite, ordered pair is left out too. Every
/// coordinate of the result is a finite number inside the viewBox, for any input.
pub fn layout(input: &ChartInput) -> ChartLayout {
    let mut points: Vec<&ChartPoint> = input
        .points
        .iter()
        .filter(|p| p.value.is_finite() && p.day.is_finite())
        .collect();
    crate::sort::sort_by(&mut points, |a, b| a.day.total_cmp(&b.day));
    let points = points.split_off(points.len().saturating_sub(MAX_POINTS));
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return ChartLayout {
            points: Vec::new(),
            polyline: String::new(),
            band: None,
            ticks: Vec::new(),
            date_range: None,
            summary: format!("{}: no values to plot.", input.title),
        };
    };
    let reference = input
        .reference
        .filter(|(low, high)| low.is_finite() && high.is_finite() && low <= high);
    let mut low = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
    let mut high = points
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    if let Some((band_low, band_high)) = reference {
        low = low.min(band_low);
        high = high.max(band_high);
    }
    let scale = Scale::spanning(low, high);
    let (start, end) = (first.day, last.day);
    let x_of = |day: f64| LEFT + fraction(day, start, end) * (WIDTH - LEFT - RIGHT);
    let y_of =
        |value: f64| TOP + (1.0 - fraction(value, scale.low, scale.high)) * (HEIGHT - TOP - BOTTOM);
    let placed: Vec<PlacedPoint> = points
        .iter()
        .map(|p| PlacedPoint {
            x: round(x_of(p.day)),
            y: round(y_of(p.value)),
            label: format!("{} on {}", p.value_text, p.date_text),
        })
        .collect();
    let polyline = placed
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect::<Vec<_>>()
        .join(" ");
    let mut ticks: Vec<(f64, String)> = Vec::with_capacity(scale.ticks.len());
    for tick in &scale.ticks {
        let text = tick_text(*tick);
        // Ticks a number's precision cannot tell apart (1e17 and 1e17 + 5) are drawn once.
        if ticks.last().is_none_or(|(_, previous)| *previous != text) {
            ticks.push((round(y_of(*tick)), text));
        }
    }
    ChartLayout {
        summary: format!(
            "{}: {} values from {} to {}; latest {}.",
            input.title,
            placed.len(),
            first.date_text,
            last.date_text,
            last.value_text
        ),
        band: reference
            .map(|(band_low, band_high)| (round(y_of(band_high)), round(y_of(band_low)))),
        date_range: Some((first.date_text.clone(), last.date_text.clone())),
        points: placed,
        polyline,
        ticks,
    }
}

// The value axis: its ends and the values that get a tick.
struct Scale {
    low: f64,
    high: f64,
    ticks: Vec<f64>,
}

impl Scale {
    // From a round number below the data to one above it, in 1, 2 or 5 × 10^n steps, with about
    // four intervals: readable ticks whatever the unit. Where rounding cannot work (spans beyond
    // f64, steps below its precision) the scale is the data's own ends.
    fn spanning(low: f64, high: f64) -> Scale {
        Scale::nice(low, high).unwrap_or_else(|| {
            let ticks = if high > low {
                vec![low, high]
            } else {
                vec![low]
            };
            Scale { low, high, ticks }
        })
    }

    fn nice(low: f64, high: f64) -> Option<Scale> {
        let span = if high > low {
            high - low
        } else {
            low.abs().max(1.0)
        };
        let raw = span / 4.0;
        if !raw.is_normal() {
            return None;
        }
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        let (mut nice_low, mut nice_high) =
            ((low / step).floor() * step, (high / step).ceil() * step);
        if nice_high <= nice_low {
            nice_low -= step;
            nice_high += step;
        }
        let intervals = ((nice_high - nice_low) / step).round();
        let usable = step.is_normal()
            && nice_low.is_finite()
            && nice_high.is_finite()
            && nice_high > nice_low
            && intervals >= 1.0
            && intervals < MAX_TICKS as f64;
        usable.then(|| Scale {
            low: nice_low,
            high: nice_high,
            ticks: (0..=intervals as usize)
                .map(|i| nice_low + i as f64 * step)
                .collect(),
        })
    }
}

// Where `value` sits between `low` (0) and `high` (1), clamped; the middle when the range is a
// single value. Halving first keeps the arithmetic finite when `high - low` exceeds f64.
fn fraction(value: f64, low: f64, high: f64) -> f64 {
    if high <= low {
        return 0.5;
    }
    let mut share = (value - low) / (high - low);
    if !share.is_finite() {
        share = (value / 2.0 - low / 2.0) / (high / 2.0 - low / 2.0);
    }
    if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.5
    }
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

// Two decimals for everyday values; scientific notation where that would print dozens of digits
// (a tick label has about five characters of room).
fn tick_text(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude != 0.0 && !(0.01..1e6).contains(&magnitude) {
        let text = format!("{value:.2e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(day: f64, value: f64) -> ChartPoint {
        ChartPoint {
            day,
            value,
            value_text: format!("{value} mmHg"),
            date_text: format!("day {day}"),
        }
    }

    fn input(points: Vec<ChartPoint>, reference: Option<(f64, f64)>) -> ChartInput {
        ChartInput {
            title: "Systolic".into(),
            points,
            reference,
        }
    }

    #[test]
    fn points_are_placed_in_time_order_across_the_plot_width() {
        let chart = layout(&input(
            vec![point(20.0, 140.0), point(10.0, 120.0), point(30.0, 130.0)],
            None,
        ));
        let xs: Vec<f64> = chart.points.iter().map(|p| p.x).collect();
        assert_eq!(
            xs,
            vec![LEFT, round((LEFT + WIDTH - RIGHT) / 2.0), WIDTH - RIGHT]
        );
        assert_eq!(chart.points[0].label, "120 mmHg on day 10");
        assert!(
            chart.points[1].y < chart.points[0].y,
            "a higher value is drawn higher"
        );
    }

    #[test]
    fn the_scale_includes_the_reference_band() {
        let chart = layout(&input(
            vec![point(1.0, 100.0), point(2.0, 110.0)],
            Some((90.0, 140.0)),
        ));
        let (high_y, low_y) = chart.band.unwrap();
        assert!(high_y >= TOP && low_y <= HEIGHT - BOTTOM);
        assert!(chart.ticks.first().unwrap().1.parse::<f64>().unwrap() <= 90.0);
        assert!(chart.ticks.last().unwrap().1.parse::<f64>().unwrap() >= 140.0);
    }

    #[test]
    fn only_the_most_recent_values_are_plotted() {
        let many: Vec<ChartPoint> = (0..500)
            .map(|d| point(d as f64, 100.0 + d as f64))
            .collect();
        let chart = layout(&input(many, None));
        assert_eq!(chart.points.len(), MAX_POINTS);
        assert_eq!(chart.points.last().unwrap().label, "599 mmHg on day 499");
        assert!(chart
            .summary
            .starts_with("Systolic: 50 values from day 450"));
    }

    #[test]
    fn ticks_are_round_numbers() {
        let chart = layout(&input(vec![point(1.0, 4.3), point(2.0, 6.8)], None));
        let texts: Vec<&str> = chart.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(texts, vec!["4", "5", "6", "7"]);
    }

    #[test]
    fn a_single_point_is_centred_and_a_flat_series_still_has_a_scale() {
        let chart = layout(&input(vec![point(5.0, 98.0)], None));
        assert_eq!(chart.points.len(), 1);
        assert_eq!(chart.points[0].x, round((LEFT + WIDTH - RIGHT) / 2.0));
        assert!(chart.ticks.len() >= 2);
    }

    #[test]
    fn an_empty_or_non_finite_series_says_so_in_words() {
        let chart = layout(&input(vec![point(1.0, f64::NAN)], None));
        assert!(chart.points.is_empty());
        assert_eq!(chart.summary, "Systolic: no values to plot.");
    }

    fn values(values: &[f64]) -> ChartInput {
        input(
            values
                .iter()
                .enumerate()
                .map(|(day, value)| point(day as f64, *value))
                .collect(),
            None,
        )
    }

    fn assert_drawable(chart: &ChartLayout) {
        assert!(
            chart.ticks.len() <= MAX_TICKS,
            "{} ticks",
            chart.ticks.len()
        );
        let ys = chart
            .points
            .iter()
            .map(|p| p.y)
            .chain(chart.ticks.iter().map(|t| t.0));
        for y in ys {
            assert!(
                (TOP..=HEIGHT - BOTTOM).contains(&y),
                "y {y} outside the plot"
            );
        }
        for point in &chart.points {
            assert!(
                (LEFT..=WIDTH - RIGHT).contains(&point.x),
                "x {} outside the plot",
                point.x
            );
        }
    }

    #[test]
    fn two_values_closer_than_their_precision_allows_still_get_a_bounded_scale() {
        // 1e17 + 16 is the next f64 after 1e17: adding the step 5 to 1e17 adds nothing.
        let chart = layout(&values(&[1e17, 1e17 + 16.0]));
        assert_drawable(&chart);
        assert_eq!(chart.points.len(), 2);
        assert!(!chart.ticks.is_empty());
    }

    #[test]
    fn identical_values_get_a_scale_around_them() {
        let chart = layout(&values(&[72.0, 72.0, 72.0]));
        assert_drawable(&chart);
        let texts: Vec<&str> = chart.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(texts, vec!["60", "80"]);
    }

    #[test]
    fn values_at_the_ends_of_f64_are_plotted_inside_the_box() {
        let chart = layout(&values(&[f64::MAX, -f64::MAX, f64::MAX]));
        assert_drawable(&chart);
        assert!(chart.points[0].y < chart.points[1].y);
    }

    #[test]
    fn subnormal_values_are_plotted_inside_the_box() {
        let tiny = f64::from_bits(1);
        let chart = layout(&values(&[tiny, 2.0 * tiny, 0.0, -tiny]));
        assert_drawable(&chart);
        assert_eq!(chart.points.len(), 4);
    }

    #[test]
    fn infinite_and_nan_values_are_not_plotted() {
        let chart = layout(&values(&[
            f64::INFINITY,
            98.0,
            f64::NAN,
            f64::NEG_INFINITY,
            99.0,
        ]));
        assert_drawable(&chart);
        assert_eq!(chart.points.len(), 2);
        assert!(!chart.polyline.contains("NaN") && !chart.polyline.contains("inf"));
    }

    #[test]
    fn negative_values_get_ticks_below_zero() {
        let chart = layout(&values(&[-12.0, -3.0]));
        assert_drawable(&chart);
        assert_eq!(chart.ticks.first().unwrap().1, "-15");
        assert_eq!(chart.ticks.last().unwrap().1, "0");
    }

    #[test]
    fn an_everyday_series_beside_an_extreme_outlier_stays_inside_the_box() {
        let chart = layout(&values(&[72.0, 1e300, 74.0, -5e-300]));
        assert_drawable(&chart);
        assert!(
            chart.ticks.iter().all(|t| t.1.len() <= 8),
            "{:?}",
            chart.ticks
        );
    }

    #[test]
    fn a_reference_band_that_is_not_a_finite_ordered_pair_is_left_out() {
        for reference in [(f64::NAN, 100.0), (60.0, f64::INFINITY), (100.0, 60.0)] {
            let chart = layout(&input(vec![point(1.0, 80.0)], Some(reference)));
            assert_drawable(&chart);
            assert_eq!(chart.band, None, "{reference:?}");
        }
    }

    #[test]
    fn huge_and_tiny_ticks_are_written_in_scientific_notation() {
        assert_eq!(tick_text(1e17), "1e17");
        assert_eq!(tick_text(2.5e-7), "2.5e-7");
        assert_eq!(tick_text(-0.0), "0");
        assert_eq!(tick_text(140.0), "140");
    }

    #[test]
    fn the_text_alternative_names_count_range_and_latest_value() {
        let chart = layout(&input(vec![point(1.0, 120.0), point(9.0, 135.0)], None));
        assert_eq!(
            chart.summary,
            "Systolic: 2 values from day 1 to day 9; latest 135 mmHg."
        );
    }

    #[test]
    fn chart_points_place_each_reading_on_its_day_and_word_it_like_the_summary() {
        use crate::fhir::date::FhirDateTime;
        let at = FhirDateTime::parse("1970-01-03T12:00:00Z").unwrap();
        let series = [TrendPoint { at, value: 5.25 }];
        let lab = chart_points(None, &series, "mmol/L");
        assert_eq!(lab[0].day, 2.5);
        assert_eq!(lab[0].value_text, "5.25 mmol/L");
        let vital = chart_points(Some(VitalKind::HeartRate), &series, "ignored");
        assert_eq!(vital[0].value_text, VitalKind::HeartRate.format(5.25));
    }
}
