use super::*;
use crate::fhir::model::parse_resource;
use serde_json::json;

fn observation(extra: serde_json::Value) -> Observation {
    let mut value = json!({"resourceType": "Observation"});
    value
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    parse_resource(&value).unwrap()
}

#[test]
fn entered_in_error_and_cancelled_observations_are_void_and_others_are_not() {
    for (status, void) in [
        ("entered-in-error", true),
        ("cancelled", true),
        ("final", false),
        ("preliminary", false),
        ("amended", false),
        ("corrected", false),
        ("registered", false),
        ("unknown", false),
    ] {
        assert_eq!(
            observation_is_void(&observation(json!({"status": status}))),
            void,
            "{status}"
        );
    }
}

#[test]
fn the_time_taken_comes_from_effective_never_from_issued() {
    let issued_only = observation(json!({"issued": "2020-01-01T00:00:00Z"}));
    assert_eq!(observation_time(&issued_only), None);
    let period = observation(json!({"effectivePeriod": {"start": "2020-01-02"}}));
    assert_eq!(observation_time(&period), FhirDateTime::parse("2020-01-02"));
    let instant = observation(json!({"effectiveInstant": "2020-01-03T10:00:00Z"}));
    assert_eq!(
        observation_time(&instant),
        FhirDateTime::parse("2020-01-03T10:00:00Z")
    );
}

#[test]
fn final_amended_and_corrected_need_no_status_note() {
    assert_eq!(
        notable_status(&observation(json!({"status": "corrected"}))),
        None
    );
    assert_eq!(
        notable_status(&observation(json!({"status": "preliminary"}))).as_deref(),
        Some("Preliminary")
    );
}

#[test]
fn values_read_as_text_whatever_their_type() {
    let text = |extra| {
        let o = observation(extra);
        value_text(o.value.get().unwrap())
    };
    assert_eq!(
        text(json!({"valueQuantity": {"value": 5, "comparator": "<"}})),
        "<5"
    );
    assert_eq!(text(json!({"valueBoolean": true})), "Yes");
    assert_eq!(
        text(json!({"valueCodeableConcept": {"coding": [{"display": "Positive"}]}})),
        "Positive"
    );
    assert_eq!(text(json!({"valueString": "<i>trace</i>"})), "<i>trace</i>");
}

#[test]
fn a_value_with_a_comparator_is_not_plotted() {
    let o = observation(json!({"valueQuantity": {"value": 5, "comparator": ">"}}));
    assert_eq!(numeric(o.value.get().unwrap()), None);
    let i = observation(json!({"valueInteger": 4}));
    assert_eq!(numeric(i.value.get().unwrap()), Some(4.0));
}

#[test]
fn components_read_as_one_line_with_units() {
    let o = observation(json!({"component": [
        {"code": {"text": "Systolic"}, "valueQuantity": {"value": 120, "unit": "mmHg"}},
        {"code": {"text": "Note"}},
        {"code": {"text": "Diastolic"}, "valueQuantity": {"value": 80, "unit": "mmHg"}}]}));
    assert_eq!(
        components_text(&o.component).as_deref(),
        Some("Systolic: 120 mmHg; Diastolic: 80 mmHg")
    );
}

#[test]
fn an_absent_value_names_its_reason() {
    let o = observation(json!({"dataAbsentReason": {"text": "Not performed"}}));
    assert_eq!(
        absent_text(o.data_absent_reason.as_ref()),
        "No value (Not performed)"
    );
    assert_eq!(absent_text(None), "No value");
}

fn recency(extra: serde_json::Value) -> Recency {
    let observation = observation(extra);
    Recency::of(&observation, observation_time(&observation).unwrap())
}

#[test]
fn one_instant_written_in_two_zones_is_the_same_time() {
    let utc = recency(json!({"effectiveDateTime": "2019-02-17T15:37:00Z"}));
    let eastern = recency(json!({"effectiveDateTime": "2019-02-17T10:37:00-05:00"}));
    assert!(utc.same_time(&eastern));
}

#[test]
fn a_day_and_a_time_on_that_day_are_not_the_same_time() {
    let day = recency(json!({"effectiveDateTime": "2019-02-17"}));
    let midnight = recency(json!({"effectiveDateTime": "2019-02-17T00:00:00Z"}));
    assert!(!day.same_time(&midnight));
}

#[test]
fn among_results_taken_at_the_same_time_issued_outranks_last_updated_and_id() {
    let when = "2019-02-17T10:37:00Z";
    let issued_later = recency(json!({"id": "a", "effectiveDateTime": when,
        "issued": "2019-02-17T12:00:00Z", "meta": {"lastUpdated": "2019-02-17T12:00:00Z"}}));
    let updated_later = recency(json!({"id": "z", "effectiveDateTime": when,
        "issued": "2019-02-17T11:00:00Z", "meta": {"lastUpdated": "2019-02-18T12:00:00Z"}}));
    assert!(issued_later > updated_later);
}

#[test]
fn the_same_time_marker_names_every_other_value() {
    assert_eq!(same_time_note(&[]), None);
    assert_eq!(
        same_time_note(&["10 mg/dL".into()]).as_deref(),
        Some("Another result at the same time: 10 mg/dL")
    );
    assert_eq!(
        same_time_note(&["10 mg/dL".into(), "9.1 mg/dL".into()]).as_deref(),
        Some("Other results at the same time: 10 mg/dL, 9.1 mg/dL")
    );
}
