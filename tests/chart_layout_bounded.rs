//! The trend plot's layout finishes, with a bounded number of ticks and every coordinate inside
//! the viewBox, for any values a server can send: identical, huge, tiny, subnormal, infinite,
//! NaN, negative and mixed. Each layout runs under a watchdog, so a layout that never finishes
//! fails the property instead of hanging the suite.
//!
//! `BEDSIDE_FUZZ_CASES` sets the number of cases (default 2000), as in `parsers_never_panic`.
#![cfg(not(target_arch = "wasm32"))]

use bedside::summary::chart::{
    layout, ChartInput, ChartLayout, ChartPoint, HEIGHT, MAX_POINTS, MAX_TICKS, WIDTH,
};
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::sync::mpsc;
use std::time::Duration;

fn cases() -> u32 {
    std::env::var("BEDSIDE_FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(2000)
}

// Everyday readings, every class of f64 (proptest's `any` includes subnormals, infinities and
// NaN), and neighbours of large numbers whose difference is below the step a scale would pick.
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        (-300i32..300).prop_map(f64::from),
        any::<f64>(),
        (0u64..64, 10i32..300)
            .prop_map(|(ulps, exponent)| { f64::from_bits(10f64.powi(exponent).to_bits() + ulps) }),
        Just(f64::MAX),
        Just(-f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(f64::from_bits(1)),
    ]
}

fn day() -> impl Strategy<Value = f64> {
    prop_oneof![(0i32..30_000).prop_map(f64::from), any::<f64>()]
}

fn chart_input() -> impl Strategy<Value = ChartInput> {
    (
        prop::collection::vec((day(), value()), 0..(MAX_POINTS + 20)),
        proptest::option::of((value(), value())),
    )
        .prop_map(|(points, reference)| ChartInput {
            title: "Heart rate".into(),
            points: points
                .into_iter()
                .map(|(day, value)| ChartPoint {
                    day,
                    value,
                    value_text: format!("{value} /min"),
                    date_text: format!("day {day}"),
                })
                .collect(),
            reference,
        })
}

fn layout_within_a_second(input: ChartInput) -> Option<ChartLayout> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(layout(&input));
    });
    receiver.recv_timeout(Duration::from_secs(1)).ok()
}

fn inside(value: f64, low: f64, high: f64) -> bool {
    value.is_finite() && (low..=high).contains(&value)
}

proptest! {
    #![proptest_config(Config { cases: cases(), ..Config::default() })]

    #[test]
    fn the_layout_finishes_with_bounded_ticks_and_every_coordinate_in_the_box(
        input in chart_input(),
    ) {
        let plottable = input
            .points
            .iter()
            .filter(|p| p.value.is_finite() && p.day.is_finite())
            .count();
        let chart = layout_within_a_second(input.clone());
        prop_assert!(chart.is_some(), "the layout did not finish within a second");
        let chart = chart.unwrap();
        prop_assert!(chart.ticks.len() <= MAX_TICKS, "{} ticks", chart.ticks.len());
        prop_assert_eq!(chart.points.len(), plottable.min(MAX_POINTS));
        for point in &chart.points {
            prop_assert!(inside(point.x, 0.0, WIDTH), "x {}", point.x);
            prop_assert!(inside(point.y, 0.0, HEIGHT), "y {}", point.y);
        }
        for (y, text) in &chart.ticks {
            prop_assert!(inside(*y, 0.0, HEIGHT), "tick y {}", y);
            prop_assert!(text.len() <= 12, "tick text {:?}", text);
        }
        if let Some((top, bottom)) = chart.band {
            prop_assert!(inside(top, 0.0, HEIGHT) && inside(bottom, 0.0, HEIGHT));
        }
        prop_assert!(!chart.polyline.contains("NaN") && !chart.polyline.contains("inf"));
    }
}
