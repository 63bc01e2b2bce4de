//! What the generated records contain, patient by patient: the codes, statuses and edge cases
//! the `data` module documentation promises.

use std::time::Instant;

use serde_json::Value;

use super::edge::long_text;
use super::Store;

/// One store for all tests: records are generated once, on first use.
fn store() -> &'static Store {
    static STORE: std::sync::OnceLock<Store> = std::sync::OnceLock::new();
    STORE.get_or_init(|| Store::generate(7))
}

fn id_named(store: &Store, name: &str) -> String {
    store
        .patient_summaries()
        .into_iter()
        .find(|p| p.display_name == name)
        .map(|p| p.id)
        .unwrap_or_else(|| panic!("no patient {name}"))
}

fn of(store: &Store, name: &str, ty: &str) -> Vec<Value> {
    let id = id_named(store, name);
    store.of_patient(&id, ty).into_iter().cloned().collect()
}

fn codes(resources: &[Value], pointer: &str) -> Vec<String> {
    resources
        .iter()
        .filter_map(|r| r.pointer(pointer).and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_patient_list_is_generated_well_under_half_a_second() {
    let started = Instant::now();
    let patients = Store::generate(7).patient_summaries();
    assert!(started.elapsed().as_millis() < 500);
    assert_eq!(
        patients.last().map(|p| p.display_name.as_str()),
        Some("Maximilian Vielfach")
    );
}

#[test]
fn the_same_seed_gives_the_same_records() {
    let id = id_named(store(), "Kwame Mensah");
    for ty in [
        "Condition",
        "Observation",
        "MedicationRequest",
        "Immunization",
    ] {
        let a: Vec<Value> = store().of_patient(&id, ty).into_iter().cloned().collect();
        let fresh = Store::generate(7);
        let b: Vec<Value> = fresh.of_patient(&id, ty).into_iter().cloned().collect();
        assert!(!a.is_empty(), "{ty}");
        assert_eq!(a, b, "{ty}");
    }
}

#[test]
fn every_patient_but_baby_doe_has_a_clinical_record_and_baby_doe_has_none() {
    let store = store();
    for patient in store.patient_summaries() {
        let count = |ty: &str| store.of_patient(&patient.id, ty).len();
        let types = [
            "Condition",
            "Observation",
            "Encounter",
            "Immunization",
            "Procedure",
        ];
        if patient.display_name == "Baby Doe" {
            assert!(types.iter().all(|ty| count(ty) == 0));
        } else {
            assert!(
                types.iter().all(|ty| count(ty) > 0),
                "{}",
                patient.display_name
            );
        }
    }
}

#[test]
fn maximilian_vielfach_has_more_than_ten_thousand_observations() {
    let observations = of(store(), "Maximilian Vielfach", "Observation");
    assert!(observations.len() > 10_000, "{}", observations.len());
}

#[test]
fn zoe_has_only_an_explicit_no_known_allergy() {
    let allergies = of(store(), "Zoë Ångström", "AllergyIntolerance");
    assert_eq!(codes(&allergies, "/code/coding/0/code"), ["716186003"]);
    assert_eq!(
        allergies[0]["code"]["coding"][0]["system"],
        "http://snomed.info/sct"
    );
}

#[test]
fn olga_has_onsets_recorded_only_to_the_year_and_to_the_month() {
    let conditions = of(store(), "Ольга Смирнова", "Condition");
    let onsets = codes(&conditions, "/onsetDateTime");
    assert!(onsets.iter().any(|o| o == "1980"));
    assert!(onsets.iter().any(|o| o == "1980-03"));
}

#[test]
fn taro_has_a_coded_a_referenced_and_a_contained_medication() {
    let store = store();
    let requests = of(store, "太郎 山田", "MedicationRequest");
    assert!(requests
        .iter()
        .any(|r| r["medicationCodeableConcept"]["coding"][0]["system"]
            == "http://www.nlm.nih.gov/research/umls/rxnorm"));
    assert!(requests
        .iter()
        .any(|r| r["medicationReference"]["reference"] == "#med1"
            && r["contained"][0]["id"] == "med1"));
    let referenced = requests
        .iter()
        .filter_map(|r| r["medicationReference"]["reference"].as_str())
        .find_map(|r| r.strip_prefix("Medication/"))
        .unwrap_or_default();
    assert!(
        store.get("Medication", referenced).is_some(),
        "{referenced}"
    );
}

#[test]
fn jose_has_codeable_concepts_with_text_and_no_coding() {
    let store = store();
    let text_only = |r: &Value, key: &str| r[key]["coding"].is_null() && r[key]["text"].is_string();
    let conditions = of(store, "José Núñez", "Condition");
    assert!(conditions.iter().any(|r| text_only(r, "code")));
    let requests = of(store, "José Núñez", "MedicationRequest");
    assert!(requests
        .iter()
        .any(|r| text_only(r, "medicationCodeableConcept")));
}

#[test]
fn lan_has_observations_valued_by_a_string_and_by_a_codeable_concept() {
    let observations = of(store(), "Thị Lan Nguyễn", "Observation");
    assert!(observations.iter().any(|o| o["valueString"] == "Cloudy"));
    assert!(observations
        .iter()
        .any(|o| o["valueCodeableConcept"]["coding"][0]["code"] == "8517006"));
}

#[test]
fn the_hostile_patient_has_script_in_narratives_and_2000_character_strings() {
    let store = store();
    let name = "<b>Bold</b> & \"quotes\"";
    let conditions = of(store, name, "Condition");
    let div = codes(&conditions, "/text/div").join("");
    assert!(div.contains("<script>alert(1)</script>"));
    assert!(div.contains("<img src=x onerror=alert(1)>"));
    assert_eq!(long_text().chars().count(), 2000);
    assert!(conditions
        .iter()
        .any(|c| c["note"][0]["text"] == long_text()));
    let requests = of(store, name, "MedicationRequest");
    assert!(requests
        .iter()
        .any(|r| r["dosageInstruction"][0]["text"] == long_text()));
}

#[test]
fn margaret_has_a_not_done_immunization_and_an_entered_in_error_condition() {
    let store = store();
    let name = "Margaret Ann Thompson";
    let immunizations = of(store, name, "Immunization");
    assert!(codes(&immunizations, "/status")
        .iter()
        .any(|s| s == "not-done"));
    let conditions = of(store, name, "Condition");
    assert!(codes(&conditions, "/verificationStatus/coding/0/code")
        .iter()
        .any(|s| s == "entered-in-error"));
}

#[test]
fn kwame_has_an_observation_without_an_effective_date() {
    let observations = of(store(), "Kwame Mensah", "Observation");
    assert!(observations
        .iter()
        .any(|o| o.get("effectiveDateTime").is_none() && o.get("effectivePeriod").is_none()));
}

#[test]
fn across_the_patients_every_condition_clinical_status_appears() {
    let store = store();
    let all: Vec<Value> = store.all("Condition").into_iter().cloned().collect();
    let statuses = codes(&all, "/clinicalStatus/coding/0/code");
    for expected in ["active", "resolved", "inactive", "recurrence"] {
        assert!(statuses.iter().any(|s| s == expected), "{expected}");
    }
}

#[test]
fn across_the_patients_medication_requests_are_active_stopped_and_completed() {
    let all: Vec<Value> = store()
        .all("MedicationRequest")
        .into_iter()
        .cloned()
        .collect();
    let statuses = codes(&all, "/status");
    for expected in ["active", "stopped", "completed"] {
        assert!(statuses.iter().any(|s| s == expected), "{expected}");
    }
    assert!(all
        .iter()
        .all(|r| r["dosageInstruction"][0]["text"].is_string() && r["authoredOn"].is_string()));
}

#[test]
fn every_observation_quantity_uses_ucum_and_every_category_is_known() {
    let store = store();
    let id = id_named(store, "Siobhán O'Connor");
    for observation in store.of_patient(&id, "Observation") {
        if let Some(quantity) = observation.get("valueQuantity") {
            assert_eq!(quantity["system"], "http://unitsofmeasure.org");
        }
        let category = observation["category"][0]["coding"][0]["code"].as_str();
        assert!(
            matches!(category, Some("vital-signs" | "laboratory")),
            "{category:?}"
        );
    }
}

#[test]
fn the_blood_pressure_panel_has_systolic_and_diastolic_components() {
    let observations = of(store(), "Siobhán O'Connor", "Observation");
    let panel = observations
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "85354-9")
        .cloned()
        .unwrap_or_default();
    assert_eq!(panel["component"][0]["code"]["coding"][0]["code"], "8480-6");
    assert_eq!(panel["component"][1]["code"]["coding"][0]["code"], "8462-4");
    assert_eq!(panel["component"][0]["valueQuantity"]["code"], "mm[Hg]");
}

#[test]
fn lab_results_have_reference_ranges_some_flags_and_some_no_interpretation() {
    let all: Vec<Value> = store().all("Observation").into_iter().cloned().collect();
    let labs: Vec<&Value> = all
        .iter()
        .filter(|o| {
            o["category"][0]["coding"][0]["code"] == "laboratory" && o["valueQuantity"].is_object()
        })
        .collect();
    assert!(labs
        .iter()
        .all(|o| o["referenceRange"][0]["high"].is_object()));
    let flags: Vec<&str> = labs
        .iter()
        .filter_map(|o| o["interpretation"][0]["coding"][0]["code"].as_str())
        .collect();
    assert!(flags.contains(&"H") && flags.contains(&"L") && flags.contains(&"N"));
    assert!(labs.iter().any(|o| o.get("interpretation").is_none()));
    assert!(labs
        .iter()
        .any(|o| o["code"]["coding"][0]["code"] == "4548-4"));
}

#[test]
fn every_diagnostic_report_result_is_a_laboratory_observation_of_the_same_patient() {
    let store = store();
    let id = id_named(store, "Ольга Смирнова");
    let reports = store.of_patient(&id, "DiagnosticReport");
    assert!(!reports.is_empty());
    for report in reports {
        for result in report["result"].as_array().into_iter().flatten() {
            let reference = result["reference"].as_str().unwrap_or_default();
            let target = reference.strip_prefix("Observation/").unwrap_or_default();
            let observation = store
                .get("Observation", target)
                .cloned()
                .unwrap_or_default();
            assert_eq!(observation["subject"], report["subject"]);
            assert_eq!(
                observation["category"][0]["coding"][0]["code"],
                "laboratory"
            );
        }
    }
}

#[test]
fn someone_has_several_doses_of_the_same_vaccine() {
    let immunizations = of(store(), "José Núñez", "Immunization");
    let flu = codes(&immunizations, "/vaccineCode/coding/0/code")
        .into_iter()
        .filter(|c| c == "140")
        .count();
    assert!(flu >= 5, "{flu}");
}

#[test]
fn procedures_are_performed_at_an_instant_or_over_a_period() {
    let all: Vec<Value> = store().all("Procedure").into_iter().cloned().collect();
    assert!(all.iter().any(|p| p["performedDateTime"].is_string()));
    assert!(all
        .iter()
        .any(|p| p["performedPeriod"]["start"].is_string()));
}

#[test]
fn encounters_have_a_class_a_type_a_period_and_some_a_reason() {
    let all: Vec<Value> = store().all("Encounter").into_iter().cloned().collect();
    assert!(all.iter().all(|e| e["class"]["code"].is_string()
        && e["type"][0]["coding"][0]["code"].is_string()
        && e["period"]["start"].is_string()));
    assert!(all
        .iter()
        .any(|e| e["reasonCode"][0]["coding"][0]["system"] == "http://snomed.info/sct"));
    let classes = codes(&all, "/class/code");
    assert!(["AMB", "EMER", "IMP"]
        .iter()
        .all(|c| classes.iter().any(|x| x == c)));
}
