use super::*;
use crate::summary::arrangements::built_in_any_order;
use serde_json::json;

fn condition(id: &str, clinical: Option<&str>, name: &str) -> Value {
    let mut value = json!({"resourceType": "Condition", "id": id, "code": {"text": name}});
    if let Some(clinical) = clinical {
        value["clinicalStatus"] =
            json!({"coding": [{"system": CONDITION_CLINICAL, "code": clinical}]});
    }
    value
}

fn verified(mut value: Value, code: &str) -> Value {
    value["verificationStatus"] =
        json!({"coding": [{"system": CONDITION_VERIFICATION, "code": code}]});
    value
}

fn with(mut value: Value, key: &str, element: Value) -> Value {
    value[key] = element;
    value
}

fn names(lines: &[ProblemLine]) -> Vec<&str> {
    lines.iter().map(|l| l.name.as_str()).collect()
}

// Every Synthea condition, e.g. Kristie Effertz's hypertension: `onsetDateTime` and
// `recordedDate` both 1963-09-06T17:41:45+00:00.
#[test]
fn a_recorded_date_equal_to_the_onset_is_not_said_twice() {
    let same = with(
        with(
            condition("htn", Some("active"), "Hypertension"),
            "onsetDateTime",
            json!("1963-09-06T17:41:45+00:00"),
        ),
        "recordedDate",
        json!("1963-09-06T17:41:45+00:00"),
    );
    let later = with(
        with(
            condition("dm", Some("active"), "Diabetes"),
            "onsetDateTime",
            json!("2001"),
        ),
        "recordedDate",
        json!("2003-05-01"),
    );
    let view = build(&[same, later]);
    let shown: Vec<_> = view
        .current
        .iter()
        .map(|l| (l.onset.as_deref(), l.recorded.as_deref()))
        .collect();
    assert_eq!(
        shown,
        [
            (Some("2001"), Some("1 May 2003")),
            (Some("6 Sep 1963 17:41"), None)
        ]
    );
}

#[test]
fn active_recurrence_and_relapse_are_current() {
    let view = build(&[
        condition("1", Some("active"), "Asthma"),
        condition("2", Some("recurrence"), "Otitis"),
        condition("3", Some("relapse"), "Depression"),
    ]);
    assert_eq!(view.current.len(), 3);
    assert!(view.past.is_empty());
}

#[test]
fn resolved_inactive_and_remission_are_past() {
    let view = build(&[
        condition("1", Some("resolved"), "Fracture"),
        condition("2", Some("inactive"), "Eczema"),
        condition("3", Some("remission"), "Lymphoma"),
    ]);
    assert!(view.current.is_empty());
    assert_eq!(view.past.len(), 3);
    assert!(view
        .past
        .iter()
        .any(|l| l.status.as_deref() == Some("Remission")));
}

#[test]
fn entered_in_error_conditions_are_never_shown() {
    let view = build(&[verified(
        condition("1", Some("active"), "Diabetes"),
        "entered-in-error",
    )]);
    assert!(view.current.is_empty() && view.past.is_empty());
}

#[test]
fn refuted_conditions_are_never_shown() {
    let view = build(&[verified(
        condition("1", Some("active"), "Appendicitis"),
        "refuted",
    )]);
    assert!(view.current.is_empty() && view.past.is_empty());
}

#[test]
fn an_unsettled_verification_is_named_and_a_confirmed_one_is_not() {
    let view = build(&[
        verified(condition("1", Some("active"), "A"), "provisional"),
        verified(condition("2", Some("active"), "B"), "differential"),
        verified(condition("3", Some("active"), "C"), "confirmed"),
    ]);
    let verification: Vec<_> = view
        .current
        .iter()
        .map(|l| l.verification.as_deref())
        .collect();
    assert_eq!(
        verification,
        vec![Some("Provisional"), Some("Differential"), None]
    );
}

#[test]
fn a_condition_without_clinical_status_but_with_abatement_counts_as_resolved() {
    let value = with(
        condition("1", None, "Pneumonia"),
        "abatementDateTime",
        json!("2019-04"),
    );
    let view = build(&[value]);
    assert_eq!(names(&view.past), vec!["Pneumonia"]);
    assert_eq!(view.past[0].status.as_deref(), Some("Resolved"));
    assert_eq!(view.past[0].abated.as_deref(), Some("Apr 2019"));
}

#[test]
fn a_condition_without_clinical_status_or_abatement_stays_current_with_no_status() {
    let view = build(&[condition("1", None, "Back pain")]);
    assert_eq!(names(&view.current), vec!["Back pain"]);
    assert_eq!(view.current[0].status, None);
}

#[test]
fn current_problems_are_sorted_by_onset_newest_first_across_precisions() {
    let view = built_in_any_order(
        &[
            with(
                condition("a", Some("active"), "Old"),
                "onsetDateTime",
                json!("1990"),
            ),
            with(
                condition("b", Some("active"), "Undated"),
                "onsetString",
                json!("childhood"),
            ),
            with(
                condition("c", Some("active"), "Recent"),
                "onsetDateTime",
                json!("2021-03-04T10:00:00Z"),
            ),
            with(
                condition("d", Some("active"), "Mid"),
                "onsetPeriod",
                json!({"start": "2005-06"}),
            ),
        ],
        build,
    );
    assert_eq!(
        names(&view.current),
        vec!["Recent", "Mid", "Old", "Undated"]
    );
}

#[test]
fn without_an_onset_date_the_recorded_date_orders_the_problem() {
    let view = build(&[
        with(
            condition("a", Some("active"), "Onset 2000"),
            "onsetDateTime",
            json!("2000"),
        ),
        with(
            condition("b", Some("active"), "Recorded 2010"),
            "recordedDate",
            json!("2010-01-01"),
        ),
    ]);
    assert_eq!(names(&view.current), vec!["Recorded 2010", "Onset 2000"]);
}

#[test]
fn equal_onsets_are_ordered_by_id() {
    let view = built_in_any_order(
        &[
            with(
                condition("z", Some("active"), "Z"),
                "onsetDateTime",
                json!("2000"),
            ),
            with(
                condition("a", Some("active"), "A"),
                "onsetDateTime",
                json!("2000"),
            ),
        ],
        build,
    );
    assert_eq!(names(&view.current), vec!["A", "Z"]);
}

#[test]
fn past_problems_are_sorted_by_abatement_newest_first() {
    let view = built_in_any_order(
        &[
            with(
                condition("a", Some("resolved"), "Early"),
                "abatementDateTime",
                json!("2001"),
            ),
            with(
                condition("b", Some("resolved"), "Late"),
                "abatementPeriod",
                json!({"start": "2019-02-01"}),
            ),
        ],
        build,
    );
    assert_eq!(names(&view.past), vec!["Late", "Early"]);
}

#[test]
fn onset_is_shown_as_written_whichever_choice_carries_it() {
    let view = build(&[
        with(
            condition("1", Some("active"), "A"),
            "onsetAge",
            json!({"value": 45, "unit": "a"}),
        ),
        with(
            condition("2", Some("active"), "B"),
            "onsetString",
            json!("after the accident"),
        ),
        with(
            condition("3", Some("active"), "C"),
            "onsetDateTime",
            json!("1980-03"),
        ),
    ]);
    let onsets: Vec<_> = view.current.iter().map(|l| l.onset.as_deref()).collect();
    assert_eq!(
        onsets,
        vec![
            Some("Mar 1980"),
            Some("at age 45 a"),
            Some("after the accident")
        ]
    );
}

#[test]
fn a_condition_coded_without_text_is_named_by_its_coding_display() {
    let value = json!({"resourceType": "Condition", "id": "1", "code": {"coding": [
        {"system": "http://snomed.info/sct", "code": "44054006", "display": "Diabetes mellitus type 2"}]}});
    assert_eq!(
        names(&build(&[value]).current),
        vec!["Diabetes mellitus type 2"]
    );
}

#[test]
fn a_condition_with_nothing_recorded_still_shows_a_line() {
    let view = build(&[json!({"resourceType": "Condition"})]);
    assert_eq!(names(&view.current), vec!["Condition not named"]);
}

#[test]
fn a_very_long_name_is_kept_whole() {
    let long = "Ω".repeat(20_000);
    let view = build(&[condition("1", Some("active"), &long)]);
    assert_eq!(view.current[0].name, long);
}

#[test]
fn a_malformed_onset_leaves_the_condition_shown_without_it() {
    let mut odd = condition("odd", Some("active"), "Gout");
    odd["onsetPeriod"] = json!("2001");
    let view = build(&[odd]);
    assert_eq!(names(&view.current), vec!["Gout"]);
    assert_eq!(view.current[0].onset, None);
    assert!(view.unreadable.is_empty());
}

#[test]
fn stu3_string_statuses_sort_conditions_into_current_and_past() {
    let active = json!({"resourceType": "Condition", "id": "a", "code": {"text": "Hypertension"},
        "clinicalStatus": "active", "verificationStatus": "confirmed"});
    let resolved = json!({"resourceType": "Condition", "id": "r", "code": {"text": "Sinusitis"},
        "clinicalStatus": "resolved", "verificationStatus": "confirmed",
        "abatementDateTime": "2012-06-29"});
    let refuted = json!({"resourceType": "Condition", "id": "x", "code": {"text": "Gout"},
        "clinicalStatus": "active", "verificationStatus": "refuted"});
    let view = build(&[active, resolved, refuted]);
    assert_eq!(names(&view.current), vec!["Hypertension"]);
    assert_eq!(names(&view.past), vec!["Sinusitis"]);
}

#[test]
fn an_stu3_abatement_boolean_makes_a_condition_past() {
    let mut abated = condition("a", None, "Otitis");
    abated["abatementBoolean"] = json!(true);
    let mut ongoing = condition("o", None, "Asthma");
    ongoing["abatementBoolean"] = json!(false);
    let view = build(&[abated, ongoing]);
    assert_eq!(names(&view.current), vec!["Asthma"]);
    assert_eq!(names(&view.past), vec!["Otitis"]);
}
