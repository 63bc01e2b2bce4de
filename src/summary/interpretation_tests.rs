use super::*;
use serde_json::json;

fn concepts(json: serde_json::Value) -> Vec<CodeableConcept> {
    serde_json::from_value(json).unwrap()
}

fn ranges(json: serde_json::Value) -> Vec<ReferenceRange> {
    serde_json::from_value(json).unwrap()
}

fn quantity(value: f64, code: &str) -> Quantity {
    Quantity {
        value: Some(value),
        code: Some(code.into()),
        ..Quantity::default()
    }
}

#[test]
fn each_v3_interpretation_code_maps_to_its_flag() {
    for (code, flag) in [
        ("LL", Flag::CriticalLow),
        ("L", Flag::Low),
        ("N", Flag::Normal),
        ("H", Flag::High),
        ("HH", Flag::CriticalHigh),
        ("A", Flag::Abnormal),
        ("AA", Flag::CriticalAbnormal),
    ] {
        let given = concepts(json!([{"coding": [{"system": V3_INTERPRETATION, "code": code}]}]));
        assert_eq!(server_flag(&given), Some(flag.clone()), "{code}");
        assert_eq!(flag.short(), code);
    }
}

#[test]
fn high_low_abnormal_and_critical_are_abnormal_normal_and_other_are_not() {
    assert!(
        Flag::High.is_abnormal() && Flag::CriticalLow.is_abnormal() && Flag::Abnormal.is_abnormal()
    );
    assert!(!Flag::Normal.is_abnormal());
    assert!(!Flag::Other("Susceptible".into()).is_abnormal());
}

#[test]
fn an_unknown_interpretation_is_shown_in_the_servers_words() {
    let given = concepts(
        json!([{"coding": [{"system": V3_INTERPRETATION, "code": "R", "display": "Resistant"}]}]),
    );
    assert_eq!(server_flag(&given), Some(Flag::Other("Resistant".into())));
}

#[test]
fn a_code_from_another_system_is_not_read_as_v3() {
    let given =
        concepts(json!([{"coding": [{"system": "urn:local", "code": "H"}], "text": "Raised"}]));
    assert_eq!(server_flag(&given), Some(Flag::Other("Raised".into())));
}

#[test]
fn no_interpretation_means_no_server_flag() {
    assert_eq!(server_flag(&[]), None);
}

#[test]
fn a_value_outside_the_range_is_computed_low_or_high_and_inside_normal() {
    let normal = ranges(
        json!([{"low": {"value": 3.5, "code": "mmol/L"}, "high": {"value": 5.1, "code": "mmol/L"}}]),
    );
    assert_eq!(
        computed_flag(&quantity(3.0, "mmol/L"), &normal),
        Some(Flag::Low)
    );
    assert_eq!(
        computed_flag(&quantity(5.5, "mmol/L"), &normal),
        Some(Flag::High)
    );
    assert_eq!(
        computed_flag(&quantity(5.1, "mmol/L"), &normal),
        Some(Flag::Normal)
    );
}

#[test]
fn a_range_in_another_unit_computes_nothing() {
    let range = ranges(
        json!([{"low": {"value": 63, "code": "mg/dL"}, "high": {"value": 92, "code": "mg/dL"}}]),
    );
    assert_eq!(computed_flag(&quantity(5.0, "mmol/L"), &range), None);
}

#[test]
fn a_value_with_a_comparator_is_not_computed() {
    let range = ranges(json!([{"high": {"value": 5}}]));
    let mut value = quantity(5.0, "mg/L");
    value.comparator = Some("<".into());
    assert_eq!(computed_flag(&value, &range), None);
}

#[test]
fn a_therapeutic_range_is_not_used_for_flags() {
    let range =
        ranges(json!([{"type": {"coding": [{"code": "therapeutic"}]}, "high": {"value": 2}}]));
    assert_eq!(computed_flag(&quantity(3.0, "1"), &range), None);
}

#[test]
fn a_range_reads_as_its_text_else_its_bounds() {
    assert_eq!(
        range_text(&ranges(json!([{"text": "negative"}]))).as_deref(),
        Some("negative")
    );
    let both = ranges(
        json!([{"low": {"value": 3.5, "unit": "mmol/L"}, "high": {"value": 5.1, "unit": "mmol/L"}}]),
    );
    assert_eq!(range_text(&both).as_deref(), Some("3.5–5.1 mmol/L"));
    assert_eq!(
        range_text(&ranges(json!([{"low": {"value": 60}}]))).as_deref(),
        Some("≥ 60")
    );
    assert_eq!(
        range_text(&ranges(json!([{"high": {"value": 200, "unit": "mg/dL"}}]))).as_deref(),
        Some("≤ 200 mg/dL")
    );
    assert_eq!(range_text(&[]), None);
}

#[test]
fn every_flag_but_normal_is_worth_showing_beside_the_value() {
    assert!(!Flag::Normal.is_noteworthy());
    for flag in [
        Flag::Low,
        Flag::CriticalHigh,
        Flag::Abnormal,
        Flag::Other("Detected".into()),
    ] {
        assert!(flag.is_noteworthy(), "{flag:?}");
    }
}
