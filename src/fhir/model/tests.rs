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
fn a_wrongly_shaped_element_is_unknown_and_the_rest_of_the_record_is_read() {
    let value = json!({"resourceType": "Condition", "id": "c9", "code": "asthma",
        "onsetDateTime": "2020-01-02", "note": [{"text": "ok"}, 7]});
    let condition = parse_resource::<Condition>(&value).unwrap();
    assert_eq!(condition.code, None);
    assert_eq!(condition.onset_date_time.as_deref(), Some("2020-01-02"));
    assert_eq!(condition.note.len(), 1);
}

#[test]
fn stu3_string_statuses_are_read_as_their_codes() {
    let value = json!({"resourceType": "Condition", "clinicalStatus": "active",
        "verificationStatus": "confirmed"});
    let condition = parse_resource::<Condition>(&value).unwrap();
    let code =
        |c: Option<crate::fhir::datatypes::CodeableConcept>| c.unwrap().coding[0].code.clone();
    assert_eq!(code(condition.clinical_status).as_deref(), Some("active"));
    assert_eq!(
        code(condition.verification_status).as_deref(),
        Some("confirmed")
    );
    let allergy = json!({"resourceType": "AllergyIntolerance", "clinicalStatus": "active"});
    let allergy = parse_resource::<AllergyIntolerance>(&allergy).unwrap();
    assert_eq!(code(allergy.clinical_status).as_deref(), Some("active"));
}

#[test]
fn stu3_immunization_date_and_encounter_reason_are_read() {
    let immunization = json!({"resourceType": "Immunization", "date": "2019-01-21"});
    let immunization = parse_resource::<Immunization>(&immunization).unwrap();
    assert_eq!(immunization.date.as_deref(), Some("2019-01-21"));
    let encounter = json!({"resourceType": "Encounter", "reason": [{"text": "Checkup"}]});
    let encounter = parse_resource::<Encounter>(&encounter).unwrap();
    assert_eq!(encounter.reason[0].text.as_deref(), Some("Checkup"));
}

#[test]
fn another_resource_type_is_refused_by_name() {
    let error = parse_resource::<Encounter>(&json!({"resourceType": "Patient"})).unwrap_err();
    assert_eq!(error.problem, "it is a Patient");
    let untyped = parse_resource::<Encounter>(&json!({"id": "e1"})).unwrap_err();
    assert_eq!(untyped.problem, "it has no resourceType");
}

#[test]
fn parse_all_reads_every_record_of_its_type_and_passes_over_other_types() {
    let values = vec![
        json!({"resourceType": "Immunization", "id": "i1"}),
        json!({"resourceType": "Immunization", "id": "i2", "status": 7}),
        json!({"resourceType": "Patient", "id": "p1"}),
        json!({"resourceType": "Immunization", "id": "i3"}),
    ];
    let parsed = parse_all::<Immunization>(&values);
    let ids: Vec<_> = parsed.resources.iter().map(|r| r.id()).collect();
    // A wrongly shaped element leaves its record readable, without that element.
    assert_eq!(ids, vec![Some("i1"), Some("i2"), Some("i3")]);
    assert_eq!(parsed.resources[1].status, None);
    assert!(parsed.malformed.is_empty());
}

#[test]
fn records_read_in_parts_are_those_read_at_once_in_the_same_order() {
    let values = vec![
        json!({"resourceType": "Observation", "id": "o1"}),
        json!({"resourceType": "DiagnosticReport", "id": "r1"}),
        json!({"resourceType": "Observation", "id": "o2", "status": "final"}),
        json!({"resourceType": "Observation", "id": "o3"}),
        json!({"resourceType": "Observation", "id": 5}),
    ];
    let at_once = parse_all::<Observation>(&values);
    let mut in_parts = Parsed::<Observation>::none();
    for part in values.chunks(2) {
        in_parts.read_more(part);
    }
    assert_eq!(in_parts.resources, at_once.resources);
    assert_eq!(in_parts.malformed, at_once.malformed);
    assert_eq!(in_parts.resources.len() + in_parts.malformed.len(), 4);
}

#[test]
fn a_malformed_resource_explains_itself_in_plain_words() {
    use crate::problem::UserFacing;
    let error = parse_resource::<Procedure>(&json!({"resourceType": "Observation"})).unwrap_err();
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
    let medication = request.contained_medication().unwrap();
    assert_eq!(medication.code, None);
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

// Lenient reading (`fhir::lenient`), seen through the models that use it.
#[test]
fn an_element_that_fails_halfway_is_unknown_and_the_elements_around_it_are_read() {
    let value = json!({"resourceType": "Observation", "status": "final",
        "code": {"coding": [{"code": 5}], "text": "Potassium"},
        "valueQuantity": {"unit": "mmol/L", "value": "high"}, "issued": "2020-01-01"});
    let observation: Observation = parse_resource(&value).unwrap();
    assert_eq!(observation.code, None);
    assert_eq!(observation.value.value_quantity, None);
    assert_eq!(observation.status.as_deref(), Some("final"));
    assert_eq!(observation.issued.as_deref(), Some("2020-01-01"));
}

#[test]
fn an_array_is_never_read_positionally_into_a_single_element() {
    let value =
        json!({"resourceType": "Condition", "code": ["http://snomed.info/sct", "1", "Asthma"]});
    let condition: Condition = parse_resource(&value).unwrap();
    assert_eq!(condition.code, None);
}

#[test]
fn null_reads_as_absent() {
    let value = json!({"resourceType": "Condition", "code": null, "note": null});
    let condition: Condition = parse_resource(&value).unwrap();
    assert_eq!(condition.code, None);
    assert!(condition.note.is_empty());
}
