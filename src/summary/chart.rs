//! Trend plot geometry: a series of dated values laid out in a fixed SVG coordinate box, with
//! "nice" value ticks and an optional reference band. Pure, so the layout rules are tested
//! without a browser; `ui::chart` only draws what this computes.

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
pub const MAX_POINTS: usize = crate::fhir::plan::TREND_POINTS;

/// Lays out a series. Points are sorted by day (ties keep their order) and the most recent
/// [`MAX_POINTS`] kept; the value scale spans the data and the reference band, so an in-range
/// series never looks alarming.
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
    let mut low = points.iter().map(|p| p.value).fold(f64::INFINITY, f64::min);
    let mut high = points
        .iter()
        .map(|p| p.value)
        .fold(f64::NEG_INFINITY, f64::max);
    if let Some((band_low, band_high)) = input.reference {
        low = low.min(band_low);
        high = high.max(band_high);
    }
    let (low, high, step) = nice_scale(low, high);
    let (start, end) = (first.day, last.day);
    let x_of = |day: f64| {
        if end > start {
            LEFT + (day - start) / (end - start) * (WIDTH - LEFT - RIGHT)
        } else {
            (LEFT + WIDTH - RIGHT) / 2.0
        }
    };
    let y_of = |value: f64| TOP + (high - value) / (high - low) * (HEIGHT - TOP - BOTTOM);
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
    let mut ticks = Vec::new();
    let mut tick = low;
    while tick <= high + step / 2.0 {
        ticks.push((round(y_of(tick)), trim_number(tick)));
        tick += step;
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
        band: input
            .reference
            .map(|(band_low, band_high)| (round(y_of(band_high)), round(y_of(band_low)))),
        date_range: Some((first.date_text.clone(), last.date_text.clone())),
        points: placed,
        polyline,
        ticks,
    }
}

// A scale from a round number below the data to one above it, in 1, 2 or 5 × 10^n steps, with
// about four intervals: readable ticks whatever the unit.
fn nice_scale(low: f64, high: f64) -> (f64, f64, f64) {
    let span = if high > low {
        high - low
    } else {
        low.abs().max(1.0)
    };
    let raw = span / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let (mut low, mut high) = ((low / step).floor() * step, (high / step).ceil() * step);
    if high <= low {
        low -= step;
        high += step;
    }
    (low, high, step)
}

fn round(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn trim_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
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

    #[test]
    fn the_text_alternative_names_count_range_and_latest_value() {
        let chart = layout(&input(vec![point(1.0, 120.0), point(9.0, 135.0)], None));
        assert_eq!(
            chart.summary,
            "Systolic: 2 values from day 1 to day 9; latest 135 mmHg."
        );
    }
}
