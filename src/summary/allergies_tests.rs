use super::*;
use crate::summary::arrangements::built_in_any_order;
use serde_json::json;

fn allergy(id: &str, clinical: Option<&str>, verification: Option<&str>, code: Value) -> Value {
    let mut value = json!({"resourceType": "AllergyIntolerance", "id": id, "code": code});
    if let Some(clinical) = clinical {
        value["clinicalStatus"] =
            json!({"coding": [{"system": ALLERGY_CLINICAL, "code": clinical}]});
    }
    if let Some(verification) = verification {
        value["verificationStatus"] =
            json!({"coding": [{"system": ALLERGY_VERIFICATION, "code": verification}]});
    }
    value
}

fn named(text: &str) -> Value {
    json!({"text": text})
}

fn no_known(code: &str, display: &str) -> Value {
    json!({"coding": [{"system": SNOMED, "code": code, "display": display}]})
}

fn substances(lines: &[AllergyLine]) -> Vec<&str> {
    lines.iter().map(|l| l.substance.as_str()).collect()
}

#[test]
fn an_empty_list_means_none_recorded_not_no_known_allergies() {
    let view = build(&[]);
    assert_eq!(view.state, AllergyListState::NoneRecorded);
    assert!(view.no_known.is_empty());
}

#[test]
fn a_no_known_allergy_record_says_so_in_the_servers_words() {
    let view = build(&[allergy(
        "n",
        Some("active"),
        Some("confirmed"),
        no_known("716186003", "No known allergy"),
    )]);
    assert_eq!(view.state, AllergyListState::NoKnownAllergies);
    assert_eq!(view.no_known, vec!["No known allergy"]);
    assert!(view.current.is_empty());
}

#[test]
fn a_no_known_drug_allergy_stands_beside_a_listed_food_allergy() {
    let view = build(&[
        allergy(
            "n",
            Some("active"),
            None,
            no_known("409137002", "No known drug allergy"),
        ),
        allergy("a", Some("active"), None, named("Peanut")),
    ]);
    assert_eq!(view.state, AllergyListState::Listed);
    assert_eq!(substances(&view.current), vec!["Peanut"]);
    assert_eq!(view.no_known, vec!["No known drug allergy"]);
}

#[test]
fn an_inactive_no_known_allergy_statement_no_longer_counts() {
    let view = build(&[allergy(
        "n",
        Some("inactive"),
        None,
        no_known("716186003", "No known allergy"),
    )]);
    assert_eq!(view.state, AllergyListState::NoneRecorded);
}

#[test]
fn an_ips_no_known_allergies_code_is_a_negation_too() {
    let code = json!({"coding": [{"system": IPS_ABSENT, "code": "no-known-allergies"}]});
    let view = build(&[allergy("n", Some("active"), None, code)]);
    assert_eq!(view.state, AllergyListState::NoKnownAllergies);
    assert_eq!(view.no_known, vec!["No known allergies".to_owned()]);
}

#[test]
fn entered_in_error_and_refuted_allergies_are_never_shown() {
    let view = build(&[
        allergy(
            "e",
            Some("active"),
            Some("entered-in-error"),
            named("Penicillin"),
        ),
        allergy("r", Some("active"), Some("refuted"), named("Latex")),
    ]);
    assert!(view.current.is_empty() && view.other.is_empty());
    assert_eq!(view.state, AllergyListState::NoneRecorded);
}

#[test]
fn a_refuted_no_known_allergy_statement_is_not_believed() {
    let view = build(&[allergy(
        "n",
        Some("active"),
        Some("refuted"),
        no_known("716186003", "NKA"),
    )]);
    assert_eq!(view.state, AllergyListState::NoneRecorded);
}

#[test]
fn active_and_unconfirmed_come_first_inactive_and_resolved_are_collapsed() {
    let view = built_in_any_order(
        &[
            allergy("1", Some("resolved"), None, named("Egg")),
            allergy("2", Some("active"), Some("unconfirmed"), named("Sulfa")),
            allergy("3", Some("inactive"), None, named("Dust")),
            allergy("4", Some("active"), Some("confirmed"), named("Aspirin")),
        ],
        build,
    );
    assert_eq!(substances(&view.current), vec!["Aspirin", "Sulfa"]);
    assert!(view.current[1].unconfirmed && !view.current[0].unconfirmed);
    assert_eq!(substances(&view.other), vec!["Dust", "Egg"]);
    assert_eq!(view.other[1].status.as_deref(), Some("Resolved"));
}

#[test]
fn only_inactive_allergies_mean_none_active() {
    let view = build(&[allergy("1", Some("resolved"), None, named("Egg"))]);
    assert_eq!(view.state, AllergyListState::NoneActive);
}

#[test]
fn an_allergy_without_clinical_status_is_treated_as_active() {
    let view = build(&[allergy("1", None, None, named("Shellfish"))]);
    assert_eq!(substances(&view.current), vec!["Shellfish"]);
}

#[test]
fn high_criticality_comes_first_then_unable_to_assess_then_low_then_unrecorded() {
    let mut values = Vec::new();
    for (id, criticality) in [
        ("a", None),
        ("b", Some("low")),
        ("c", Some("high")),
        ("d", Some("unable-to-assess")),
    ] {
        let mut value = allergy(id, Some("active"), None, named(&format!("S{id}")));
        if let Some(criticality) = criticality {
            value["criticality"] = json!(criticality);
        }
        values.push(value);
    }
    let view = built_in_any_order(&values, build);
    assert_eq!(substances(&view.current), vec!["Sc", "Sd", "Sb", "Sa"]);
    assert_eq!(
        view.current[0].criticality.map(Criticality::label),
        Some("High criticality")
    );
}

#[test]
fn reactions_show_manifestations_and_severity() {
    let mut value = allergy("1", Some("active"), None, named("Penicillin"));
    value["reaction"] = json!([
        {"manifestation": [{"coding": [{"system": SNOMED, "code": "247472004", "display": "Hives"}]},
                           {"text": "Wheeze"}], "severity": "severe"},
        {"description": "Felt odd", "severity": "catastrophic"}]);
    let reactions = &build(&[value]).current[0].reactions;
    assert_eq!(reactions[0].manifestations, vec!["Hives", "Wheeze"]);
    assert_eq!(reactions[0].severity.as_deref(), Some("Severe"));
    assert_eq!(reactions[1].manifestations, vec!["Felt odd"]);
    assert_eq!(reactions[1].severity, None);
}

#[test]
fn an_allergy_with_nothing_recorded_still_shows_a_line() {
    let view = build(&[json!({"resourceType": "AllergyIntolerance"})]);
    let line = &view.current[0];
    assert_eq!(line.substance, "Substance not recorded");
    assert_eq!(
        (line.criticality, line.onset.as_deref(), line.id.as_str()),
        (None, None, "")
    );
}

#[test]
fn markup_in_a_substance_stays_text() {
    let view = build(&[allergy(
        "1",
        Some("active"),
        None,
        named("<script>alert(1)</script>"),
    )]);
    assert_eq!(view.current[0].substance, "<script>alert(1)</script>");
}

#[test]
fn a_malformed_element_leaves_the_allergy_shown_without_it() {
    let mut odd = allergy("odd", Some("active"), None, named("Peanut"));
    odd["criticality"] = json!(7);
    let view = build(&[odd, allergy("ok", Some("active"), None, named("Latex"))]);
    assert_eq!(substances(&view.current), vec!["Latex", "Peanut"]);
    assert!(view.current.iter().all(|line| line.criticality.is_none()));
    assert!(view.unreadable.is_empty());
}

#[test]
fn an_stu3_string_clinical_status_is_read() {
    let mut stu3 = allergy("old", None, None, named("Penicillin"));
    stu3["clinicalStatus"] = json!("active");
    let view = build(&[stu3]);
    assert_eq!(substances(&view.current), vec!["Penicillin"]);
}

#[test]
fn onset_and_recorded_dates_keep_their_precision() {
    let mut value = allergy("1", Some("active"), None, named("Cat dander"));
    value["onsetDateTime"] = json!("1998");
    value["recordedDate"] = json!("2015-02-07T13:28:17-05:00");
    let line = &build(&[value]).current[0];
    assert_eq!(line.onset.as_deref(), Some("1998"));
    assert_eq!(line.recorded.as_deref(), Some("7 Feb 2015 13:28"));
}
