use super::*;
use crate::summary::arrangements::built_in_any_order;
use serde_json::json;

fn now() -> FhirDateTime {
    FhirDateTime::parse("2026-11-29T12:00:00Z").unwrap()
}

fn loinc(code: &str) -> Value {
    json!({"coding": [{"system": "http://loinc.org", "code": code}]})
}

fn vital(id: &str, code: &str, value: f64, unit: &str, when: Option<&str>) -> Value {
    let mut o = json!({"resourceType": "Observation", "id": id, "status": "final",
        "code": loinc(code), "valueQuantity": {"value": value, "code": unit}});
    if let Some(when) = when {
        o["effectiveDateTime"] = json!(when);
    }
    o
}

fn bp_panel(id: &str, systolic: f64, diastolic: f64, when: &str) -> Value {
    json!({"resourceType": "Observation", "id": id, "status": "final", "code": loinc("85354-9"),
        "effectiveDateTime": when, "component": [
        {"code": loinc("8480-6"), "valueQuantity": {"value": systolic, "code": "mm[Hg]"}},
        {"code": loinc("8462-4"), "valueQuantity": {"value": diastolic, "code": "mm[Hg]"}}]})
}

fn latest(view: &VitalsView, kind: VitalKind) -> Option<&VitalReading> {
    view.latest.iter().find(|r| r.kind == kind)
}

fn values(view: &VitalsView, kind: VitalKind) -> Vec<f64> {
    let series = view.series.iter().find(|s| s.kind == kind);
    series
        .map(|s| s.points.iter().map(|p| p.value).collect())
        .unwrap_or_default()
}

#[test]
fn blood_pressure_is_read_from_the_panel_components() {
    let view = build(
        &[bp_panel("bp", 128.0, 82.0, "2026-11-29T09:00:00Z")],
        now(),
    );
    assert_eq!(latest(&view, VitalKind::Systolic).unwrap().text, "128 mmHg");
    assert_eq!(latest(&view, VitalKind::Diastolic).unwrap().value, 82.0);
    assert_eq!(view.blood_pressure.as_deref(), Some("128/82 mmHg"));
}

#[test]
fn blood_pressure_is_read_from_standalone_systolic_and_diastolic_too() {
    let view = build(
        &[
            vital("s", "8480-6", 140.0, "mm[Hg]", Some("2026-11-01")),
            vital("d", "8462-4", 90.0, "mm[Hg]", Some("2026-11-01")),
        ],
        now(),
    );
    assert_eq!(view.blood_pressure.as_deref(), Some("140/90 mmHg"));
}

#[test]
fn systolic_and_diastolic_from_different_times_are_not_paired() {
    let view = build(
        &[
            vital("s", "8480-6", 140.0, "mm[Hg]", Some("2026-11-01")),
            vital("d", "8462-4", 90.0, "mm[Hg]", Some("2026-11-02")),
        ],
        now(),
    );
    assert_eq!(view.blood_pressure, None);
    assert!(latest(&view, VitalKind::Systolic).is_some());
}

#[test]
fn the_latest_reading_wins_whatever_the_input_order() {
    let view = built_in_any_order(
        &[
            vital("b", "8867-4", 88.0, "/min", Some("2026-11-28T08:00:00Z")),
            vital("a", "8867-4", 72.0, "/min", Some("2026-11-29T08:00:00Z")),
            vital("c", "8867-4", 60.0, "/min", Some("2025")),
        ],
        |r| build(r, now()),
    );
    let heart_rate = latest(&view, VitalKind::HeartRate).unwrap();
    assert_eq!(
        (heart_rate.value, heart_rate.ago.as_deref()),
        (72.0, Some("4 h ago"))
    );
    assert_eq!(values(&view, VitalKind::HeartRate), vec![60.0, 88.0, 72.0]);
}

#[test]
fn each_kind_is_recognized_by_its_loinc_code() {
    let codes = [
        ("8867-4", "/min", VitalKind::HeartRate),
        ("9279-1", "/min", VitalKind::RespiratoryRate),
        ("8310-5", "Cel", VitalKind::Temperature),
        ("59408-5", "%", VitalKind::OxygenSaturation),
        ("2708-6", "%", VitalKind::OxygenSaturation),
        ("29463-7", "kg", VitalKind::Weight),
        ("8302-2", "cm", VitalKind::Height),
        ("39156-5", "kg/m2", VitalKind::Bmi),
    ];
    for (code, unit, kind) in codes {
        let view = build(&[vital("1", code, 1.0, unit, Some("2026-01-01"))], now());
        assert_eq!(view.latest.len(), 1, "{code}");
        assert_eq!(view.latest[0].kind, kind, "{code}");
    }
}

#[test]
fn a_pulse_oximetry_observation_coded_twice_counts_once() {
    let o = json!({"resourceType": "Observation", "id": "o", "effectiveDateTime": "2026-01-01",
        "code": {"coding": [{"system": "http://loinc.org", "code": "59408-5"},
                            {"system": "http://loinc.org", "code": "2708-6"}]},
        "valueQuantity": {"value": 97, "code": "%"}});
    assert_eq!(
        values(&build(&[o], now()), VitalKind::OxygenSaturation),
        vec![97.0]
    );
}

#[test]
fn fahrenheit_temperatures_are_shown_in_celsius_with_the_original_kept() {
    let view = build(
        &[vital("t", "8310-5", 99.5, "[degF]", Some("2026-11-29"))],
        now(),
    );
    let temperature = latest(&view, VitalKind::Temperature).unwrap();
    assert_eq!(temperature.text, "37.5 °C");
    assert_eq!(temperature.original.as_deref(), Some("99.5 [degF]"));
}

#[test]
fn a_value_already_in_the_display_unit_has_no_original() {
    let view = build(
        &[vital("w", "29463-7", 70.0, "kg", Some("2026-11-29"))],
        now(),
    );
    assert_eq!(latest(&view, VitalKind::Weight).unwrap().original, None);
}

#[test]
fn mixed_units_join_one_series_in_the_display_unit() {
    let view = build(
        &[
            vital("1", "29463-7", 220.462, "[lb_av]", Some("2026-01-01")),
            vital("2", "29463-7", 99.0, "kg", Some("2026-02-01")),
        ],
        now(),
    );
    let rounded: Vec<i64> = values(&view, VitalKind::Weight)
        .iter()
        .map(|v| v.round() as i64)
        .collect();
    assert_eq!(rounded, vec![100, 99]);
}

#[test]
fn entered_in_error_and_cancelled_vitals_are_excluded() {
    let mut wrong = vital("x", "8867-4", 200.0, "/min", Some("2026-11-29T11:00:00Z"));
    wrong["status"] = json!("entered-in-error");
    let mut cancelled = vital("y", "8867-4", 190.0, "/min", Some("2026-11-29T11:30:00Z"));
    cancelled["status"] = json!("cancelled");
    let view = build(
        &[
            vital("ok", "8867-4", 70.0, "/min", Some("2026-11-28")),
            wrong,
            cancelled,
        ],
        now(),
    );
    assert_eq!(values(&view, VitalKind::HeartRate), vec![70.0]);
}

#[test]
fn a_vital_without_an_effective_date_is_left_out_of_the_series_but_noted() {
    let view = build(&[vital("nodate", "8867-4", 70.0, "/min", None)], now());
    assert!(view.latest.is_empty() && view.series.is_empty());
    assert_eq!(view.excluded[0].id, "nodate");
    assert_eq!(view.excluded[0].reason, ExclusionReason::NoDate);
}

#[test]
fn a_vital_in_a_foreign_unit_is_noted_not_plotted() {
    let view = build(
        &[vital("k", "8310-5", 310.0, "K", Some("2026-11-29"))],
        now(),
    );
    assert!(view.latest.is_empty());
    assert_eq!(
        view.excluded[0].reason,
        ExclusionReason::UnitNotRecognized("K".into())
    );
}

#[test]
fn a_vital_without_a_value_is_noted() {
    let o = json!({"resourceType": "Observation", "id": "n", "code": loinc("8867-4"),
        "effectiveDateTime": "2026-11-29", "dataAbsentReason": {"text": "Refused"}});
    let view = build(&[o], now());
    assert_eq!(view.excluded[0].reason, ExclusionReason::NoValue);
}

#[test]
fn observations_that_are_not_vital_signs_are_ignored() {
    let view = build(
        &[vital("g", "2345-7", 5.4, "mmol/L", Some("2026-11-29"))],
        now(),
    );
    assert!(view.latest.is_empty() && view.excluded.is_empty());
}

#[test]
fn a_preliminary_reading_says_so() {
    let mut o = vital("p", "8867-4", 70.0, "/min", Some("2026-11-29"));
    o["status"] = json!("preliminary");
    let view = build(&[o], now());
    assert_eq!(view.latest[0].status.as_deref(), Some("Preliminary"));
}

#[test]
fn readings_at_the_same_instant_are_ordered_by_observation_id() {
    let a = vital("a", "8867-4", 60.0, "/min", Some("2026-11-29T08:00:00Z"));
    let b = vital("b", "8867-4", 80.0, "/min", Some("2026-11-29T08:00:00Z"));
    let forward = build(&[a.clone(), b.clone()], now());
    let backward = build(&[b, a], now());
    assert_eq!(forward, backward);
    assert_eq!(
        latest(&forward, VitalKind::HeartRate)
            .unwrap()
            .observation_id,
        "b"
    );
}

#[test]
fn ten_thousand_observations_give_the_right_latest_values_and_full_series() {
    let start = FhirDateTime::parse("2000-01-01T00:00:00Z")
        .unwrap()
        .epoch_millis();
    let kinds = [
        ("8867-4", "/min"),
        ("9279-1", "/min"),
        ("29463-7", "kg"),
        ("8310-5", "Cel"),
    ];
    let observations: Vec<Value> = (0..10_000)
        .map(|i: usize| {
            // Scrambled order, one reading per hour.
            let n = (i * 7919) % 10_000;
            let (code, unit) = kinds[n % kinds.len()];
            let seconds = (start / 1000) + n as i64 * 3600;
            let (days, rest) = (seconds / 86_400, seconds % 86_400);
            let date = civil_date(days);
            let when = format!("{date}T{:02}:00:00Z", rest / 3600);
            vital(&format!("o{n}"), code, n as f64, unit, Some(&when))
        })
        .collect();
    let view = build(&observations, now());
    assert_eq!(
        view.series.iter().map(|s| s.points.len()).sum::<usize>(),
        10_000
    );
    for series in &view.series {
        assert!(series.points.windows(2).all(|w| w[0].at < w[1].at));
    }
    assert_eq!(
        latest(&view, VitalKind::Temperature).unwrap().value,
        9_999.0
    );
    assert_eq!(latest(&view, VitalKind::HeartRate).unwrap().value, 9_996.0);
}

// `YYYY-MM-DD` for days since 1970-01-01 (H. Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[test]
fn of_two_readings_taken_at_the_same_time_the_one_released_last_is_shown_and_the_other_beside_it() {
    let at = Some("2026-11-29T08:00:00Z");
    let released = |o: Value, issued: &str| {
        let mut o = o;
        o["issued"] = json!(issued);
        o
    };
    let view = build(
        &[
            released(
                vital("a", "8867-4", 60.0, "/min", at),
                "2026-11-29T09:00:00Z",
            ),
            released(
                vital("b", "8867-4", 80.0, "/min", at),
                "2026-11-29T08:30:00Z",
            ),
        ],
        now(),
    );
    let heart_rate = latest(&view, VitalKind::HeartRate).unwrap();
    assert_eq!(heart_rate.observation_id, "a");
    assert_eq!(heart_rate.same_time, ["80 /min"]);
}
