use super::*;
use crate::summary::arrangements::built_in_any_order;
use serde_json::json;

fn now() -> FhirDateTime {
    FhirDateTime::parse("2026-11-29T12:00:00Z").unwrap()
}

fn lab(id: &str, code: &str, name: &str, value: f64, unit: &str, when: &str) -> Value {
    json!({"resourceType": "Observation", "id": id, "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory", "display": "Laboratory"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": code}], "text": name},
        "effectiveDateTime": when, "valueQuantity": {"value": value, "unit": unit}})
}

fn with(mut value: Value, key: &str, element: Value) -> Value {
    value[key] = element;
    value
}

fn results(view: &LabsView) -> Vec<&LabResult> {
    view.groups.iter().flat_map(|g| &g.results).collect()
}

fn only(view: &LabsView) -> &LabResult {
    let all = results(view);
    assert_eq!(all.len(), 1, "{all:?}");
    all[0]
}

const RANGE: &str =
    r#"[{"low": {"value": 3.5, "unit": "mmol/L"}, "high": {"value": 5.1, "unit": "mmol/L"}}]"#;

fn range() -> Value {
    serde_json::from_str(RANGE).unwrap()
}

#[test]
fn the_latest_result_per_loinc_code_is_shown_with_value_unit_and_range() {
    let view = build(
        &[
            with(
                lab("a", "2823-3", "Potassium", 4.0, "mmol/L", "2026-01-01"),
                "referenceRange",
                range(),
            ),
            with(
                lab("b", "2823-3", "potassium", 4.4, "mmol/L", "2026-06-01"),
                "referenceRange",
                range(),
            ),
        ],
        now(),
    );
    let potassium = only(&view);
    assert_eq!(
        (potassium.value.as_str(), potassium.unit.as_deref()),
        ("4.4", Some("mmol/L"))
    );
    assert_eq!(potassium.reference_range.as_deref(), Some("3.5–5.1 mmol/L"));
    assert_eq!(
        (potassium.result_count, potassium.loinc.as_deref()),
        (2, Some("2823-3"))
    );
}

#[test]
fn the_servers_interpretation_is_used_and_not_marked_computed() {
    let value = with(
        with(
            lab("a", "2823-3", "Potassium", 4.0, "mmol/L", "2026-01-01"),
            "referenceRange",
            range(),
        ),
        "interpretation",
        json!([{"coding": [{"system": super::super::interpretation::V3_INTERPRETATION, "code": "HH"}]}]),
    );
    let result = build(&[value], now()).groups[0].results[0].clone();
    assert_eq!(
        (result.flag, result.flag_computed, result.abnormal),
        (Some(Flag::CriticalHigh), false, true)
    );
}

#[test]
fn without_an_interpretation_the_flag_is_computed_from_the_range_and_marked() {
    let value = with(
        lab("a", "2823-3", "Potassium", 5.9, "mmol/L", "2026-01-01"),
        "referenceRange",
        range(),
    );
    let view = build(&[value], now());
    let result = only(&view);
    assert_eq!(
        (result.flag.clone(), result.flag_computed, result.abnormal),
        (Some(Flag::High), true, true)
    );
}

#[test]
fn a_normal_computed_flag_is_not_abnormal() {
    let value = with(
        lab("a", "2823-3", "Potassium", 4.2, "mmol/L", "2026-01-01"),
        "referenceRange",
        range(),
    );
    let view = build(&[value], now());
    assert_eq!(
        (only(&view).flag.clone(), only(&view).abnormal),
        (Some(Flag::Normal), false)
    );
}

#[test]
fn no_range_and_no_interpretation_means_no_flag() {
    let view = build(
        &[lab("a", "2823-3", "Potassium", 9.0, "mmol/L", "2026-01-01")],
        now(),
    );
    assert_eq!(
        (only(&view).flag.clone(), only(&view).flag_computed),
        (None, false)
    );
}

#[test]
fn string_and_coded_results_are_shown_as_text() {
    let mut text = lab("a", "5778-6", "Color of Urine", 0.0, "", "2026-01-01");
    text.as_object_mut().unwrap().remove("valueQuantity");
    text["valueString"] = json!("<b>amber</b>");
    let mut coded = lab("b", "94500-6", "SARS-CoV-2 RNA", 0.0, "", "2026-01-01");
    coded.as_object_mut().unwrap().remove("valueQuantity");
    coded["valueCodeableConcept"] = json!({"coding": [{"system": "http://snomed.info/sct", "code": "260385009", "display": "Negative"}]});
    let view = build(&[text, coded], now());
    let values: Vec<_> = results(&view)
        .iter()
        .map(|r| (r.value.as_str(), r.series.len()))
        .collect();
    assert_eq!(values, vec![("<b>amber</b>", 0), ("Negative", 0)]);
}

#[test]
fn the_series_holds_numeric_results_in_the_latest_unit_oldest_first() {
    let view = build(
        &[
            lab("c", "2345-7", "Glucose", 5.8, "mmol/L", "2026-03-01"),
            lab("a", "2345-7", "Glucose", 99.0, "mg/dL", "2026-01-01"),
            lab("b", "2345-7", "Glucose", 5.2, "mmol/L", "2026-02-01"),
        ],
        now(),
    );
    let series: Vec<f64> = only(&view).series.iter().map(|p| p.value).collect();
    assert_eq!(series, vec![5.2, 5.8]);
    assert_eq!(only(&view).result_count, 3);
}

#[test]
fn uncoded_results_with_the_same_name_are_one_test() {
    let uncoded = |id: &str, name: &str, when: &str| {
        let mut o = lab(id, "x", name, 1.0, "g/L", when);
        o["code"] = json!({"text": name});
        o
    };
    let view = build(
        &[
            uncoded("a", "Ferritin", "2025"),
            uncoded("b", "ferritin", "2026"),
        ],
        now(),
    );
    assert_eq!(only(&view).result_count, 2);
}

#[test]
fn results_are_grouped_by_report_or_else_by_category_and_groups_of_one_day_by_name() {
    let view = build(
        &[
            lab("na", "2951-2", "Sodium", 140.0, "mmol/L", "2026-01-01"),
            lab("hb", "718-7", "Hemoglobin", 13.0, "g/dL", "2026-01-01"),
            lab("chol", "2093-3", "Cholesterol", 5.0, "mmol/L", "2026-01-01"),
            json!({"resourceType": "DiagnosticReport", "id": "cbc", "code": {"text": "CBC"}, "result": [{"reference": "Observation/hb"}]}),
            json!({"resourceType": "DiagnosticReport", "id": "bmp", "code": {"text": "BMP"}, "result": [{"reference": "Observation/na"}]}),
        ],
        now(),
    );
    let groups: Vec<_> = view.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, vec!["BMP", "CBC", "Laboratory"]);
}

#[test]
fn tests_within_a_group_are_sorted_by_name_and_abnormal_ones_are_not_moved() {
    let view = build(
        &[
            lab("1", "2951-2", "Sodium", 140.0, "mmol/L", "2026-01-01"),
            with(
                lab("2", "2823-3", "Potassium", 9.0, "mmol/L", "2026-01-01"),
                "referenceRange",
                range(),
            ),
            lab("3", "2160-0", "creatinine", 80.0, "umol/L", "2026-01-01"),
        ],
        now(),
    );
    let names: Vec<_> = results(&view).iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, vec!["creatinine", "Potassium", "Sodium"]);
    assert!(results(&view)[1].abnormal);
}

#[test]
fn entered_in_error_and_cancelled_results_are_excluded() {
    let view = build(
        &[
            lab("ok", "2823-3", "Potassium", 4.0, "mmol/L", "2026-01-01"),
            with(
                lab("e", "2823-3", "Potassium", 9.9, "mmol/L", "2026-02-01"),
                "status",
                json!("entered-in-error"),
            ),
            with(
                lab("c", "2823-3", "Potassium", 9.8, "mmol/L", "2026-03-01"),
                "status",
                json!("cancelled"),
            ),
        ],
        now(),
    );
    assert_eq!(
        (only(&view).value.as_str(), only(&view).result_count),
        ("4", 1)
    );
}

#[test]
fn a_result_without_a_date_is_noted_not_shown_as_latest() {
    let mut undated = lab("u", "2823-3", "Potassium", 9.0, "mmol/L", "2026-01-01");
    undated.as_object_mut().unwrap().remove("effectiveDateTime");
    undated["issued"] = json!("2026-02-01T00:00:00Z");
    let view = build(
        &[
            undated,
            lab("d", "2823-3", "Potassium", 4.0, "mmol/L", "2025-01-01"),
        ],
        now(),
    );
    assert_eq!(only(&view).value, "4");
    assert_eq!(view.excluded[0].id, "u");
}

#[test]
fn a_result_without_a_value_says_why() {
    let mut absent = lab("a", "2823-3", "Potassium", 0.0, "", "2026-01-01");
    absent.as_object_mut().unwrap().remove("valueQuantity");
    absent["dataAbsentReason"] = json!({"text": "Specimen hemolyzed"});
    let view = build(&[absent], now());
    assert_eq!(only(&view).value, "No value (Specimen hemolyzed)");
}

#[test]
fn a_malformed_value_is_shown_as_no_value_never_dropped() {
    let mut odd = lab("odd", "2823-3", "Potassium", 4.0, "mmol/L", "2026-01-01");
    odd["valueQuantity"] = json!({"value": "high"});
    let view = build(&[odd], now());
    assert_eq!(only(&view).observation_id, "odd");
    assert_eq!(only(&view).value, "No value");
    assert!(view.unreadable.is_empty());
}

#[test]
fn a_raw_float_result_is_shown_with_four_significant_digits() {
    let view = build(
        &[lab(
            "1",
            "1742-6",
            "ALT",
            51.91461074162891,
            "U/L",
            "2026-01-01",
        )],
        now(),
    );
    assert_eq!(only(&view).value, "51.91");
}

#[test]
fn results_are_grouped_by_a_report_without_a_category() {
    let report = json!({"resourceType": "DiagnosticReport", "id": "r", "status": "final",
        "code": {"text": "Lipid Panel"}, "result": [{"reference": "Observation/1"}]});
    let view = build(
        &[
            lab("1", "2093-3", "Cholesterol", 180.0, "mg/dL", "2026-01-01"),
            report,
        ],
        now(),
    );
    assert_eq!(view.groups[0].name, "Lipid Panel");
}

#[test]
fn the_view_does_not_depend_on_the_order_results_arrive_in_within_a_test() {
    let a = lab(
        "a",
        "2823-3",
        "Potassium",
        4.0,
        "mmol/L",
        "2026-01-01T08:00:00Z",
    );
    let b = lab(
        "b",
        "2823-3",
        "Potassium",
        4.1,
        "mmol/L",
        "2026-01-01T08:00:00Z",
    );
    assert_eq!(build(&[a.clone(), b.clone()], now()), build(&[b, a], now()));
}

#[test]
fn ten_thousand_results_give_every_test_its_latest_value_and_full_series() {
    let observations: Vec<Value> = (0..10_000usize)
        .map(|i| {
            let n = (i * 7919) % 10_000;
            let test = n % 50;
            let day = n / 50;
            let when = format!(
                "{}-{:02}-{:02}",
                2000 + day / 365,
                (day % 365) / 31 + 1,
                (day % 31) / 2 + 1
            );
            lab(
                &format!("o{n:05}"),
                &format!("{test}-0"),
                &format!("Test {test:02}"),
                n as f64,
                "U/L",
                &when,
            )
        })
        .collect();
    let view = build(&observations, now());
    let all = results(&view);
    assert_eq!(all.len(), 50);
    assert_eq!(all.iter().map(|r| r.series.len()).sum::<usize>(), 10_000);
    for result in &all {
        let test: usize = result
            .loinc
            .as_deref()
            .unwrap()
            .trim_end_matches("-0")
            .parse()
            .unwrap();
        assert_eq!(result.value, (9_950 + test).to_string(), "{}", result.name);
        assert!(result.series.windows(2).all(|w| w[0].at <= w[1].at));
    }
}

#[test]
fn a_category_given_only_as_a_code_is_named_in_words_not_as_system_and_code() {
    let bare = json!({
        "resourceType": "Observation", "id": "b1", "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
        "code": {"text": "Sodium"}, "effectiveDateTime": "2024-01-01",
        "valueQuantity": {"value": 140, "unit": "mmol/L"}
    });
    let view = build(&[bare], FhirDateTime::parse("2024-02-01").unwrap());
    assert_eq!(view.groups[0].name, "Laboratory");
}

#[test]
fn a_category_written_in_lower_case_is_captioned_with_a_capital() {
    let lower = json!({
        "resourceType": "Observation", "id": "l1", "status": "final",
        "category": [{"text": "laboratory"}],
        "code": {"text": "Sodium"}, "effectiveDateTime": "2024-01-01",
        "valueQuantity": {"value": 140, "unit": "mmol/L"}
    });
    let view = build(&[lower], FhirDateTime::parse("2024-02-01").unwrap());
    assert_eq!(view.groups[0].name, "Laboratory");
}

// Issue 14's record: two metabolic panels drawn at the same minute, with different values.
fn calcium(id: &str, value: f64, issued: &str) -> Value {
    with(
        lab(
            id,
            "49765-1",
            "Calcium",
            value,
            "mg/dL",
            "2019-02-17T10:37:42-05:00",
        ),
        "issued",
        json!(issued),
    )
}

#[test]
fn of_two_results_taken_at_the_same_time_the_one_released_last_is_shown_whatever_its_id() {
    let view = build(
        &[
            calcium("a", 8.85, "2019-02-17T12:00:00-05:00"),
            calcium("z", 10.00, "2019-02-17T11:00:00-05:00"),
        ],
        now(),
    );
    let calcium = only(&view);
    assert_eq!(
        (calcium.value.as_str(), calcium.observation_id.as_str()),
        ("8.85", "a")
    );
}

#[test]
fn a_result_taken_at_the_same_time_with_another_value_is_shown_beside_the_latest() {
    let view = build(
        &[
            calcium("a", 8.85, "2019-02-17T12:00:00-05:00"),
            calcium("z", 10.00, "2019-02-17T11:00:00-05:00"),
        ],
        now(),
    );
    assert_eq!(only(&view).same_time, ["10 mg/dL"]);
    assert_eq!(only(&view).result_count, 2);
}

#[test]
fn without_issued_the_result_the_server_changed_last_is_shown() {
    let ldl = |id: &str, value: f64, last_updated: &str| {
        let code = "18262-6";
        let o = lab(
            id,
            code,
            "LDL Cholesterol",
            value,
            "mg/dL",
            "2020-03-01T09:15:00Z",
        );
        with(o, "meta", json!({"lastUpdated": last_updated}))
    };
    let view = build(
        &[
            ldl("1", 132.9, "2020-03-02T08:00:00Z"),
            ldl("2", 95.7, "2020-03-01T10:00:00Z"),
        ],
        now(),
    );
    let ldl = only(&view);
    assert_eq!(ldl.value, "132.9");
    assert_eq!(ldl.same_time, ["95.7 mg/dL"]);
}

#[test]
fn a_result_taken_later_is_the_latest_even_if_released_earlier() {
    let earlier = with(
        lab(
            "a",
            "49765-1",
            "Calcium",
            8.85,
            "mg/dL",
            "2019-02-17T10:00:00Z",
        ),
        "issued",
        json!("2019-02-18T10:00:00Z"),
    );
    let later = with(
        lab(
            "b",
            "49765-1",
            "Calcium",
            10.0,
            "mg/dL",
            "2019-02-17T11:00:00Z",
        ),
        "issued",
        json!("2019-02-17T12:00:00Z"),
    );
    let view = build(&[earlier, later], now());
    assert_eq!(only(&view).value, "10");
    assert!(only(&view).same_time.is_empty());
}

#[test]
fn the_same_value_filed_twice_at_the_same_time_is_not_a_conflict() {
    let view = build(
        &[
            calcium("a", 8.85, "2019-02-17T12:00:00-05:00"),
            calcium("b", 8.85, "2019-02-17T11:00:00-05:00"),
        ],
        now(),
    );
    assert!(only(&view).same_time.is_empty());
}

#[test]
fn tests_sharing_a_loinc_code_under_different_names_are_not_merged() {
    let view = build(
        &[
            lab("a", "2093-3", "Cholesterol", 190.0, "mg/dL", "2026-01-01"),
            lab(
                "b",
                "2093-3",
                "Cholesterol [Moles/volume]",
                4.9,
                "mmol/L",
                "2026-02-01",
            ),
        ],
        now(),
    );
    let rows: Vec<_> = results(&view)
        .iter()
        .map(|r| (r.name.as_str(), r.value.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            ("Cholesterol", "190"),
            ("Cholesterol [Moles/volume]", "4.9")
        ]
    );
}

fn report(id: &str, name: &str, results: &[&str]) -> Value {
    let references: Vec<Value> = results
        .iter()
        .map(|id| json!({"reference": format!("Observation/{id}")}))
        .collect();
    json!({"resourceType": "DiagnosticReport", "id": id, "code": {"text": name}, "result": references})
}

// Maple Emmerich's blood counts: the 2013 report names three tests as "RBC Auto (Bld) [#/Vol]"
// and the like, the 2020 one as "Erythrocytes [#/volume] in Blood by Automated count" (same
// LOINC codes, so two rows each); the older names' latest results are in the older report.
#[test]
fn reports_of_one_panel_are_one_group_whichever_report_holds_each_latest_result() {
    let resources = [
        lab(
            "rbc-old",
            "789-8",
            "RBC Auto (Bld) [#/Vol]",
            5.0,
            "10*6/uL",
            "2013-04-20",
        ),
        lab("hb-old", "718-7", "Hemoglobin", 12.0, "g/dL", "2013-04-20"),
        lab(
            "rbc",
            "789-8",
            "Erythrocytes [#/volume] in Blood by Automated count",
            5.4,
            "10*6/uL",
            "2020-07-18",
        ),
        lab("hb", "718-7", "Hemoglobin", 16.9, "g/dL", "2020-07-18"),
        report(
            "cbc-2013",
            "Complete blood count (hemogram) panel",
            &["rbc-old", "hb-old"],
        ),
        report(
            "cbc-2020",
            "Complete blood count (hemogram) panel",
            &["rbc", "hb"],
        ),
    ];
    let view = built_in_any_order(&resources, |r| build(r, now()));
    let groups: Vec<_> = view.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, ["Complete blood count (hemogram) panel"]);
    assert_eq!(view.groups[0].results.len(), 3);
}

#[test]
fn lab_panels_are_listed_newest_first_whatever_order_the_server_sent() {
    // Issue 14 on `epic-like` (no `_sort`): an older blood count came above the newest panel.
    let resources = [
        lab("hb", "718-7", "Hemoglobin", 13.0, "g/dL", "2025-01-10"),
        lab("na", "2951-2", "Sodium", 140.0, "mmol/L", "2026-03-01"),
        lab("chol", "2093-3", "Cholesterol", 5.0, "mmol/L", "2025-11-01"),
        lab(
            "k",
            "2823-3",
            "Potassium",
            4.0,
            "mmol/L",
            "2026-03-01T08:00:00Z",
        ),
        report("cbc", "CBC", &["hb"]),
        report("bmp", "BMP", &["na", "k"]),
    ];
    let view = built_in_any_order(&resources, |r| build(r, now()));
    let groups: Vec<_> = view.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, ["BMP", "Laboratory", "CBC"]);
}
