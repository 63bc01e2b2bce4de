use super::*;
use crate::summary::arrangements::built_in_any_order;
use serde_json::json;

fn dose(id: &str, status: &str, cvx: Option<&str>, name: &str, date: Option<&str>) -> Value {
    let mut coding = Vec::new();
    if let Some(cvx) = cvx {
        coding.push(json!({"system": CVX, "code": cvx, "display": name}));
    }
    let mut value = json!({"resourceType": "Immunization", "id": id, "status": status,
        "vaccineCode": {"coding": coding, "text": name}});
    if let Some(date) = date {
        value["occurrenceDateTime"] = json!(date);
    }
    value
}

fn names(view: &ImmunizationsView) -> Vec<&str> {
    view.vaccines.iter().map(|v| v.name.as_str()).collect()
}

#[test]
fn doses_with_the_same_cvx_code_are_one_vaccine_whatever_their_text() {
    let view = build(&[
        dose(
            "1",
            "completed",
            Some("140"),
            "Influenza, seasonal",
            Some("2023-10-01"),
        ),
        dose(
            "2",
            "completed",
            Some("140"),
            "Flu shot",
            Some("2024-10-03"),
        ),
    ]);
    assert_eq!(view.vaccines.len(), 1);
    let flu = &view.vaccines[0];
    assert_eq!((flu.completed_doses, flu.cvx.as_deref()), (2, Some("140")));
    assert_eq!(flu.name, "Flu shot");
    assert_eq!(flu.latest_dose.as_deref(), Some("3 Oct 2024"));
}

#[test]
fn uncoded_doses_group_by_name_ignoring_case() {
    let view = build(&[
        dose("1", "completed", None, "Tetanus", Some("2010")),
        dose("2", "completed", None, "tetanus", Some("2020")),
    ]);
    assert_eq!(view.vaccines.len(), 1);
    assert_eq!(view.vaccines[0].completed_doses, 2);
}

#[test]
fn a_not_done_dose_is_shown_with_its_reason_and_not_counted() {
    let mut refused = dose("2", "not-done", Some("08"), "Hep B", Some("2021-01-01"));
    refused["statusReason"] = json!({"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "PATOBJ", "display": "patient objection"}]});
    let view = build(&[
        dose("1", "completed", Some("08"), "Hep B", Some("2000-01-01")),
        refused,
    ]);
    let group = &view.vaccines[0];
    assert_eq!(group.completed_doses, 1);
    assert_eq!(group.latest_dose.as_deref(), Some("1 Jan 2000"));
    assert_eq!(
        group.doses[0].status,
        DoseStatus::NotDone {
            reason: Some("patient objection".into())
        }
    );
}

#[test]
fn a_vaccine_only_ever_refused_has_no_latest_dose() {
    let view = build(&[dose("1", "not-done", Some("62"), "HPV", Some("2022"))]);
    assert_eq!(view.vaccines[0].latest_dose, None);
    assert_eq!(view.vaccines[0].completed_doses, 0);
}

#[test]
fn entered_in_error_immunizations_are_never_shown() {
    let view = build(&[dose(
        "1",
        "entered-in-error",
        Some("03"),
        "MMR",
        Some("1990"),
    )]);
    assert!(view.vaccines.is_empty());
}

#[test]
fn vaccines_are_ordered_by_their_newest_record_then_by_name() {
    let view = built_in_any_order(
        &[
            dose("1", "completed", Some("03"), "MMR", Some("1990")),
            dose("2", "completed", Some("140"), "Influenza", Some("2024-10")),
            dose("3", "completed", None, "Zoster", None),
            dose("4", "completed", Some("115"), "Tdap", Some("2024-10")),
        ],
        build,
    );
    assert_eq!(names(&view), vec!["Influenza", "Tdap", "MMR", "Zoster"]);
}

#[test]
fn doses_within_a_vaccine_are_newest_first_with_text_dates_last() {
    let mut childhood = dose("c", "completed", Some("03"), "MMR", None);
    childhood["occurrenceString"] = json!("as a child");
    let view = built_in_any_order(
        &[
            childhood,
            dose("a", "completed", Some("03"), "MMR", Some("2001")),
        ],
        build,
    );
    let dates: Vec<_> = view.vaccines[0]
        .doses
        .iter()
        .map(|d| d.date.as_deref())
        .collect();
    assert_eq!(dates, vec![Some("2001"), Some("as a child")]);
}

#[test]
fn a_dose_without_status_is_shown_but_not_counted() {
    let view = build(&[
        json!({"resourceType": "Immunization", "id": "1", "vaccineCode": {"text": "BCG"}}),
    ]);
    let group = &view.vaccines[0];
    assert_eq!(group.completed_doses, 0);
    assert_eq!(
        group.doses[0].status,
        DoseStatus::Other("Status not recorded".into())
    );
}

#[test]
fn an_immunization_with_nothing_recorded_is_an_unnamed_vaccine() {
    let view = build(&[json!({"resourceType": "Immunization"})]);
    assert_eq!(names(&view), vec!["Vaccine not named"]);
}

#[test]
fn a_malformed_element_leaves_the_dose_shown_without_it() {
    let mut odd = dose("odd", "completed", Some("03"), "MMR", Some("1990"));
    odd["statusReason"] = json!("none");
    let view = build(&[odd]);
    assert_eq!(names(&view), vec!["MMR"]);
    assert_eq!(view.vaccines[0].completed_doses, 1);
    assert!(view.unreadable.is_empty());
}

#[test]
fn the_stu3_date_element_dates_the_dose() {
    let mut stu3 = dose("old", "completed", Some("140"), "Influenza", None);
    stu3["date"] = json!("2019-01-21T08:02:39-05:00");
    let view = build(&[stu3]);
    assert_eq!(
        view.vaccines[0].latest_dose.as_deref(),
        Some("21 Jan 2019 08:02")
    );
}

#[test]
fn an_stu3_dose_marked_not_given_is_never_shown_as_given() {
    let mut refused = dose(
        "r",
        "completed",
        Some("140"),
        "Influenza",
        Some("2019-01-21"),
    );
    refused["notGiven"] = json!(true);
    refused["explanation"] = json!({"reasonNotGiven": [{"text": "Patient objection"}]});
    let view = build(&[refused]);
    assert_eq!(view.vaccines[0].completed_doses, 0);
    assert_eq!(
        view.vaccines[0].doses[0].status,
        DoseStatus::NotDone {
            reason: Some("Patient objection".into())
        }
    );
}
