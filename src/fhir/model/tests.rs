use super::medication::NamesMedication;
use super::*;
use serde_json::json;

#[test]
fn unknown_elements_are_ignored() {
    let value = json!({"resourceType": "Condition", "id": "c1", "extension": [{"url": "x"}],
        "meta": {"versionId": "3"}, "code": {"text": "Asthma"}});
    let condition: Condition = parse_resource(&value).unwrap();
    assert_eq!(condition.code.unwrap().text.as_deref(), Some("Asthma"));
}

#[test]
fn a_resource_with_nothing_but_its_type_parses() {
    let observation: Observation = parse_resource(&json!({"resourceType": "Observation"})).unwrap();
    assert_eq!(observation, Observation::default());
}

#[test]
fn a_wrongly_shaped_element_names_the_resource_and_the_problem() {
    let value = json!({"resourceType": "Condition", "id": "c9", "code": "asthma"});
    let error = parse_resource::<Condition>(&value).unwrap_err();
    assert_eq!(error.resource_type, "Condition");
    assert_eq!(error.id.as_deref(), Some("c9"));
    assert!(
        error.problem.contains("CodeableConcept"),
        "{}",
        error.problem
    );
    assert!(error.to_string().starts_with("Condition/c9: "));
}

#[test]
fn another_resource_type_is_refused_by_name() {
    let error = parse_resource::<Encounter>(&json!({"resourceType": "Patient"})).unwrap_err();
    assert_eq!(error.problem, "it is a Patient");
    let untyped = parse_resource::<Encounter>(&json!({"id": "e1"})).unwrap_err();
    assert_eq!(untyped.problem, "it has no resourceType");
}

#[test]
fn parse_all_keeps_the_good_reports_the_bad_and_passes_over_other_types() {
    let values = vec![
        json!({"resourceType": "Immunization", "id": "i1"}),
        json!({"resourceType": "Immunization", "id": "i2", "status": 7}),
        json!({"resourceType": "Patient", "id": "p1"}),
        json!({"resourceType": "Immunization", "id": "i3"}),
    ];
    let parsed = parse_all::<Immunization>(&values);
    let ids: Vec<_> = parsed.resources.iter().map(|r| r.id()).collect();
    assert_eq!(ids, vec![Some("i1"), Some("i3")]);
    assert_eq!(parsed.malformed.len(), 1);
    assert_eq!(parsed.malformed[0].id.as_deref(), Some("i2"));
}

#[test]
fn a_malformed_resource_explains_itself_in_plain_words() {
    use crate::problem::UserFacing;
    let error =
        parse_resource::<Procedure>(&json!({"resourceType": "Procedure", "code": 1})).unwrap_err();
    assert!(error
        .message()
        .starts_with("The Procedure without an id could not be read"));
}

#[test]
fn a_contained_medication_is_found_by_its_local_id() {
    let value = json!({"resourceType": "MedicationRequest", "id": "r1",
        "contained": [{"resourceType": "Medication", "id": "other", "code": {"text": "No"}},
                      {"resourceType": "Medication", "id": "med1", "code": {"text": "Metformin"}}],
        "medicationReference": {"reference": "#med1"}});
    let request: MedicationRequest = parse_resource(&value).unwrap();
    let medication = request.contained_medication().unwrap();
    assert_eq!(medication.code.unwrap().text.as_deref(), Some("Metformin"));
}

#[test]
fn an_unreadable_contained_resource_spoils_only_itself() {
    let value = json!({"resourceType": "MedicationRequest", "id": "r1", "status": "active",
        "contained": [{"resourceType": "Medication", "id": "med1", "code": ["bad"]}],
        "medicationReference": {"reference": "#med1"}});
    let request: MedicationRequest = parse_resource(&value).unwrap();
    assert_eq!(request.status.as_deref(), Some("active"));
    assert_eq!(request.contained_medication(), None);
}

#[test]
fn each_value_choice_is_read() {
    let value_of = |extra: serde_json::Value| {
        let mut value = json!({"resourceType": "Observation"});
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        parse_resource::<Observation>(&value).unwrap()
    };
    let quantity = value_of(json!({"valueQuantity": {"value": 7.2, "unit": "%"}}));
    assert!(
        matches!(quantity.value.get(), Some(ObservationValue::Quantity(q)) if q.value == Some(7.2))
    );
    let text = value_of(json!({"valueString": "<b>cloudy</b>"}));
    assert_eq!(
        text.value.get(),
        Some(ObservationValue::Text("<b>cloudy</b>"))
    );
    let boolean = value_of(json!({"valueBoolean": false}));
    assert_eq!(boolean.value.get(), Some(ObservationValue::Boolean(false)));
    let integer = value_of(json!({"valueInteger": 3}));
    assert_eq!(integer.value.get(), Some(ObservationValue::Integer(3)));
    let concept = value_of(json!({"valueCodeableConcept": {"text": "Positive"}}));
    assert!(matches!(
        concept.value.get(),
        Some(ObservationValue::Concept(_))
    ));
    assert_eq!(value_of(json!({"valueRatio": {}})).value.get(), None);
}

#[test]
fn component_values_are_read_like_observation_values() {
    let value = json!({"resourceType": "Observation", "component": [
        {"code": {"text": "Systolic"}, "valueQuantity": {"value": 120, "code": "mm[Hg]"}}]});
    let observation: Observation = parse_resource(&value).unwrap();
    assert!(matches!(
        observation.component[0].value.get(),
        Some(ObservationValue::Quantity(q)) if q.value == Some(120.0)
    ));
}
