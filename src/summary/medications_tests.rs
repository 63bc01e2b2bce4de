use super::*;
use crate::summary::arrangements::built_in_any_order;
use serde_json::json;

const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";

fn coded(code: &str, display: &str) -> Value {
    json!({"coding": [{"system": RXNORM, "code": code, "display": display}]})
}

fn request(id: &str, status: &str, medication: Value) -> Value {
    json!({"resourceType": "MedicationRequest", "id": id, "status": status,
           "intent": "order", "medicationCodeableConcept": medication})
}

fn statement(id: &str, status: &str, medication: Value) -> Value {
    json!({"resourceType": "MedicationStatement", "id": id, "status": status,
           "medicationCodeableConcept": medication})
}

fn with(mut value: Value, key: &str, element: Value) -> Value {
    value[key] = element;
    value
}

fn names(lines: &[MedicationLine]) -> Vec<&str> {
    lines.iter().map(|l| l.name.as_str()).collect()
}

#[test]
fn active_and_on_hold_requests_are_current_and_on_hold_says_so() {
    let view = build(&[
        request("1", "active", coded("860975", "Metformin 500 MG")),
        request("2", "on-hold", coded("197361", "Amlodipine 5 MG")),
    ]);
    assert_eq!(view.current.len(), 2);
    let statuses: Vec<_> = view.current.iter().map(|l| l.status.as_deref()).collect();
    assert!(statuses.contains(&None) && statuses.contains(&Some("On hold")));
}

#[test]
fn stopped_completed_cancelled_and_draft_requests_are_collapsed() {
    let view = build(&[
        request("1", "stopped", json!({"text": "A"})),
        request("2", "completed", json!({"text": "B"})),
        request("3", "cancelled", json!({"text": "C"})),
        request("4", "draft", json!({"text": "D"})),
    ]);
    assert!(view.current.is_empty());
    assert_eq!(view.past.len(), 4);
}

#[test]
fn entered_in_error_medications_are_never_shown() {
    let view = build(&[
        request("1", "entered-in-error", json!({"text": "A"})),
        statement("2", "entered-in-error", json!({"text": "B"})),
    ]);
    assert!(view.current.is_empty() && view.past.is_empty());
}

#[test]
fn statements_follow_their_own_status_value_set() {
    let view = build(&[
        statement("1", "active", json!({"text": "Ibuprofen"})),
        statement("2", "intended", json!({"text": "Vitamin D"})),
        statement("3", "not-taken", json!({"text": "Statin"})),
        statement("4", "completed", json!({"text": "Amoxicillin"})),
    ]);
    assert_eq!(names(&view.current), vec!["Ibuprofen", "Vitamin D"]);
    assert_eq!(view.current[1].status.as_deref(), Some("Intended"));
    assert_eq!(view.past.len(), 2);
    assert!(view
        .current
        .iter()
        .all(|l| l.source == MedicationSource::Statement));
}

#[test]
fn a_referenced_medication_that_came_with_the_search_names_the_request() {
    let view = build(&[
        json!({"resourceType": "MedicationRequest", "id": "r", "status": "active",
               "medicationReference": {"reference": "Medication/m1"}}),
        json!({"resourceType": "Medication", "id": "m1", "code": coded("860975", "Metformin")}),
    ]);
    assert_eq!(names(&view.current), vec!["Metformin"]);
}

#[test]
fn a_contained_medication_names_the_request() {
    let view = build(&[
        json!({"resourceType": "MedicationRequest", "id": "r", "status": "active",
        "contained": [{"resourceType": "Medication", "id": "med", "code": {"text": "Insulin glargine"}}],
        "medicationReference": {"reference": "#med"}}),
    ]);
    assert_eq!(names(&view.current), vec!["Insulin glargine"]);
}

#[test]
fn an_unresolved_reference_falls_back_to_its_display_then_to_not_named() {
    let view = build(&[
        json!({"resourceType": "MedicationRequest", "id": "a", "status": "active",
               "medicationReference": {"reference": "Medication/missing", "display": "Warfarin"}}),
        json!({"resourceType": "MedicationRequest", "id": "b", "status": "active",
               "medicationReference": {"reference": "Medication/missing"}}),
    ]);
    assert_eq!(
        names(&view.current),
        vec!["Warfarin", "Medication not named"]
    );
}

#[test]
fn dosage_text_of_every_instruction_is_shown() {
    let value = with(
        request("1", "active", json!({"text": "Prednisone"})),
        "dosageInstruction",
        json!([{"text": "40 mg daily for 5 days"}, {"timing": {"code": {"text": "then 20 mg"}}}]),
    );
    let line = &build(&[value]).current[0];
    assert_eq!(
        line.dosage.as_deref(),
        Some("40 mg daily for 5 days; then 20 mg")
    );
}

#[test]
fn newest_authored_first_and_undated_last() {
    let view = built_in_any_order(
        &[
            with(
                request("a", "active", json!({"text": "Old"})),
                "authoredOn",
                json!("2019"),
            ),
            request("b", "active", json!({"text": "Undated"})),
            with(
                request("c", "active", json!({"text": "New"})),
                "authoredOn",
                json!("2024-05-02T09:00:00Z"),
            ),
        ],
        build,
    );
    assert_eq!(names(&view.current), vec!["New", "Old", "Undated"]);
    assert_eq!(view.current[0].date.as_deref(), Some("2 May 2024 09:00"));
}

#[test]
fn a_statement_with_the_same_code_as_a_request_in_the_same_group_is_left_out() {
    let view = build(&[
        request(
            "r",
            "active",
            coded("860975", "Metformin 500 MG Oral Tablet"),
        ),
        statement("s", "active", coded("860975", "metformin")),
    ]);
    assert_eq!(view.current.len(), 1);
    assert_eq!(view.current[0].source, MedicationSource::Request);
}

#[test]
fn a_statement_with_only_similar_text_is_kept() {
    let view = build(&[
        request("r", "active", json!({"text": "Metformin"})),
        statement("s", "active", json!({"text": "Metformin"})),
    ]);
    assert_eq!(view.current.len(), 2);
}

#[test]
fn a_current_statement_mirroring_a_stopped_request_is_kept() {
    let view = build(&[
        request("r", "stopped", coded("860975", "Metformin")),
        statement("s", "active", coded("860975", "Metformin")),
    ]);
    assert_eq!(view.current.len(), 1);
    assert_eq!(view.past.len(), 1);
}

#[test]
fn a_do_not_perform_order_is_flagged() {
    let value = with(
        request("1", "active", json!({"text": "Aspirin"})),
        "doNotPerform",
        json!(true),
    );
    assert!(build(&[value]).current[0].do_not_perform);
}

#[test]
fn equal_dates_of_a_request_and_a_statement_order_deterministically() {
    let forward = build(&[
        with(
            request("x", "active", json!({"text": "R"})),
            "authoredOn",
            json!("2020"),
        ),
        with(
            statement("x", "active", json!({"text": "S"})),
            "dateAsserted",
            json!("2020"),
        ),
    ]);
    let backward = build(&[
        with(
            statement("x", "active", json!({"text": "S"})),
            "dateAsserted",
            json!("2020"),
        ),
        with(
            request("x", "active", json!({"text": "R"})),
            "authoredOn",
            json!("2020"),
        ),
    ]);
    assert_eq!(forward, backward);
}

#[test]
fn a_malformed_dosage_leaves_the_order_shown_without_it() {
    let mut odd = request("odd", "active", json!({"text": "Odd"}));
    odd["dosageInstruction"] = json!("daily");
    let view = build(&[odd]);
    assert_eq!(names(&view.current), vec!["Odd"]);
    assert_eq!(view.current[0].dosage, None);
    assert!(view.unreadable.is_empty());
}

#[test]
fn a_structured_dosage_is_shown_in_words() {
    let mut order = request("1", "active", json!({"text": "Simvastatin 10 MG"}));
    order["dosageInstruction"] = json!([{"timing": {"repeat": {"frequency": 1, "period": 1,
        "periodUnit": "d"}}, "asNeededBoolean": false, "doseAndRate": [{"doseQuantity": {"value": 1}}]}]);
    let view = build(&[order]);
    assert_eq!(
        view.current[0].dosage.as_deref(),
        Some("dose 1 \u{b7} once a day")
    );
}

#[test]
fn a_request_with_nothing_recorded_is_current_and_unnamed() {
    let view = build(&[json!({"resourceType": "MedicationRequest"})]);
    assert_eq!(names(&view.current), vec!["Medication not named"]);
    assert_eq!(view.current[0].status, None);
}

#[test]
fn an_stu3_statement_marked_not_taken_is_not_current() {
    let mut stopped = statement("s", "active", json!({"text": "Aspirin"}));
    stopped["taken"] = json!("n");
    let view = build(&[stopped]);
    assert!(view.current.is_empty());
    assert_eq!(names(&view.past), vec!["Aspirin"]);
}
