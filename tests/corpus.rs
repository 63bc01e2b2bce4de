//! The real-world corpus: twelve Synthea patients (`../shared/corpus/synthea/` beside the
//! workspace; three of them older-format with STU3 leftovers) read by the same builders the app
//! runs, compared with what a clinician expects from each bundle (`tests/corpus/*.json`, written
//! by reading the bundles, not by running Bedside; the rules are in `tests/corpus/FORMAT.md`).
//! Also the planner's invariant on them: the vital signs found through the per-code searches
//! equal those found by reading the whole vital-signs category.
#![cfg(not(target_arch = "wasm32"))]

use bedside::clinical_codes::{LOINC, VITAL_SIGN_SEARCHES};
use bedside::fhir::date::{FhirDate, FhirDateTime};
use bedside::fhir::decimal::shown;
use bedside::fhir::patient::Patient;
use bedside::sections::plan::TREND_POINTS;
use bedside::summary::vital_kinds::VitalKind;
use bedside::summary::{
    allergies, banner, encounters, immunizations, labs, medications, problems, procedures, vitals,
};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/synthea")
}

fn expectations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every bundle's file name, in order. A missing corpus fails: a skipped check would pass for
/// a kept one.
fn bundles() -> Vec<String> {
    let dir = corpus_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|error| {
        panic!(
            "the Synthea corpus is missing at {} ({error}); it must sit at ../shared/corpus/synthea \
             beside the workspace",
            dir.display()
        )
    });
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 12, "the corpus holds 12 patients: {names:?}");
    names
}

/// The bundle's resources as a FHIR server serves them: `urn:uuid:` references between entries
/// become `Type/id`, read by the sandbox's own `--data` loader.
fn served(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(corpus_dir().join(name)).unwrap();
    sandbox::read_document(&text).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn of_type(resources: &[Value], resource_type: &str) -> Vec<Value> {
    resources
        .iter()
        .filter(|r| r["resourceType"] == resource_type)
        .cloned()
        .collect()
}

// A `category=CODE` search: the category token without a system matches any system, so the
// pre-R4 `http://hl7.org/fhir/observation-category` matches too (FHIR R4 §3.1.1.5.5).
fn has_category(resource: &Value, code: &str) -> bool {
    resource["category"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["coding"].as_array())
        .flatten()
        .any(|coding| coding["code"] == code)
}

fn observations_in(resources: &[Value], category: &str) -> Vec<Value> {
    of_type(resources, "Observation")
        .into_iter()
        .filter(|o| has_category(o, category))
        .collect()
}

fn now() -> FhirDateTime {
    FhirDateTime::parse("2026-11-30T12:00:00Z").unwrap()
}

fn expectation(name: &str) -> Value {
    let path = expectations_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no expectations at {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

// The app shows a date as `12 Mar 2019` (then the time): the expectation's `YYYY-MM-DD` in that
// form.
fn shown_date(iso: &str) -> String {
    FhirDate::parse(iso)
        .unwrap_or_else(|| panic!("a date: {iso}"))
        .to_string()
}

fn on_date(shown: &str, iso: &str) -> bool {
    let day = shown_date(iso);
    shown == day || shown.starts_with(&format!("{day} "))
}

fn texts(values: &Value) -> Vec<String> {
    let mut texts: Vec<String> = values
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v["text"].as_str().unwrap_or_default().to_owned())
        .collect();
    texts.sort();
    texts
}

#[test]
fn every_corpus_patients_banner_shows_name_and_mrn() {
    for name in bundles() {
        let expected = expectation(&name);
        let resources = served(&name);
        let patient_json = of_type(&resources, "Patient").remove(0);
        let patient = Patient::from_json(&patient_json.to_string()).unwrap();
        let shown = banner::banner(&patient, FhirDate::ymd(2026, 11, 30));
        let family = expected["patient"]["family"].as_str().unwrap();
        assert!(shown.name.contains(family), "{name}: {}", shown.name);
        let mrn = &shown.identifiers[0];
        assert_eq!(mrn.label, "MRN", "{name}: {:?}", shown.identifiers);
        assert_eq!(mrn.value, expected["patient"]["mrn"], "{name}");
    }
}

#[test]
fn every_corpus_patients_active_problems_are_shown_and_resolved_ones_collapsed() {
    for name in bundles() {
        let expected = expectation(&name);
        let view = problems::build(&of_type(&served(&name), "Condition"));
        assert!(view.unreadable.is_empty(), "{name}: {:?}", view.unreadable);
        let mut current: Vec<String> = view.current.iter().map(|p| p.name.clone()).collect();
        current.sort();
        assert_eq!(current, texts(&expected["active_problems"]), "{name}");
        assert_eq!(
            view.past.len() as u64,
            expected["resolved_problem_count"].as_u64().unwrap(),
            "{name}"
        );
    }
}

// The expectations write Synthea's timing as "1 per 1 day"; the app says it as people do.
fn frequency_in_words(frequency: &str) -> &'static str {
    match frequency {
        "1 per 1 day" => "once a day",
        "2 per 1 day" => "twice a day",
        other => panic!("a frequency the corpus was not known to hold: {other}"),
    }
}

#[test]
fn every_corpus_patients_current_medications_are_shown_with_their_dosage() {
    for name in bundles() {
        let expected = expectation(&name);
        let view = medications::build(&of_type(&served(&name), "MedicationRequest"));
        assert!(view.unreadable.is_empty(), "{name}: {:?}", view.unreadable);
        let mut current: Vec<String> = view.current.iter().map(|m| m.name.clone()).collect();
        current.sort();
        assert_eq!(current, texts(&expected["current_medications"]), "{name}");
        for medication in expected["current_medications"].as_array().unwrap() {
            let line = view
                .current
                .iter()
                .find(|m| m.name == medication["text"])
                .unwrap();
            let dosage = line.dosage.clone().unwrap_or_default();
            if let Some(dose) = medication["dose"].as_str() {
                assert!(dosage.contains(&format!("dose {dose}")), "{name}: {dosage}");
            }
            if let Some(frequency) = medication["frequency"].as_str() {
                let words = frequency_in_words(frequency);
                assert!(dosage.contains(words), "{name}: {dosage}");
            }
            if medication["as_needed"] == true {
                assert!(dosage.contains("as needed"), "{name}: {dosage}");
            }
        }
    }
}

#[test]
fn no_corpus_patient_is_said_to_have_no_known_allergies() {
    for name in bundles() {
        let expected = expectation(&name);
        assert_eq!(expected["allergies"], serde_json::json!([]), "{name}");
        let view = allergies::build(&of_type(&served(&name), "AllergyIntolerance"));
        assert_eq!(
            view.state,
            allergies::AllergyListState::NoneRecorded,
            "{name}"
        );
    }
}

fn vital_key(kind: VitalKind) -> &'static str {
    match kind {
        VitalKind::Systolic | VitalKind::Diastolic => "blood_pressure",
        VitalKind::HeartRate => "heart_rate",
        VitalKind::RespiratoryRate => "respiratory_rate",
        VitalKind::Temperature => "body_temperature",
        VitalKind::OxygenSaturation => "oxygen_saturation",
        VitalKind::Weight => "body_weight",
        VitalKind::Height => "body_height",
        VitalKind::Bmi => "bmi",
        VitalKind::HeadCircumference => "head_circumference",
        // The expectations keep the pain score apart, under its code in `vitals_other`.
        VitalKind::PainSeverity => "72514-3",
    }
}

#[test]
fn every_corpus_patients_latest_vital_signs_are_shown_with_their_dates() {
    for name in bundles() {
        let expected = expectation(&name);
        let view = vitals::build(&observations_in(&served(&name), "vital-signs"), now());
        assert!(view.unreadable.is_empty(), "{name}: {:?}", view.unreadable);
        assert!(view.excluded.is_empty(), "{name}: {:?}", view.excluded);
        let mut latest = expected["vitals_latest"].as_object().unwrap().clone();
        if let Some(pain) = expected["vitals_other"].get("72514-3") {
            latest.insert("72514-3".into(), pain.clone());
        }
        let mut keys: Vec<&str> = view.latest.iter().map(|r| vital_key(r.kind)).collect();
        keys.dedup();
        let mut expected_keys: Vec<&str> = latest.keys().map(String::as_str).collect();
        expected_keys.sort();
        keys.sort();
        assert_eq!(keys, expected_keys, "{name}");
        for reading in &view.latest {
            let written = &latest[vital_key(reading.kind)];
            let value = match reading.kind {
                VitalKind::Systolic => &written["systolic"],
                VitalKind::Diastolic => &written["diastolic"],
                _ => &written["value"],
            };
            let value = value.as_f64().unwrap();
            assert!(
                (reading.value - value).abs() < 1e-9,
                "{name}: {:?} {} ≠ {value}",
                reading.kind,
                reading.value
            );
            let date = written["date"].as_str().unwrap();
            assert!(
                on_date(&reading.when, date),
                "{name}: {} ≠ {date}",
                reading.when
            );
        }
        if let Some(bp) = latest.get("blood_pressure") {
            let whole = |v: &Value| format!("{:.0}", v.as_f64().unwrap());
            let expected_bp = format!(
                "{}/{} mmHg",
                whole(&bp["systolic"]),
                whole(&bp["diastolic"])
            );
            assert_eq!(
                view.blood_pressure.as_deref(),
                Some(expected_bp.as_str()),
                "{name}"
            );
        }
    }
}

#[test]
fn every_corpus_patients_latest_lab_values_are_shown_as_recorded() {
    for name in bundles() {
        let expected = expectation(&name);
        let resources = served(&name);
        let mut section = observations_in(&resources, "laboratory");
        section.extend(of_type(&resources, "DiagnosticReport"));
        let view = labs::build(&section, now());
        assert!(view.unreadable.is_empty(), "{name}: {:?}", view.unreadable);
        let results: Vec<&labs::LabResult> = view.groups.iter().flat_map(|g| &g.results).collect();
        // Tests are one row per LOINC code and display: a code written with two displays is two
        // tests, each shown with its own latest result.
        let rows = expected["labs_latest"].as_array().unwrap();
        assert_eq!(results.len(), rows.len(), "{name}");
        // Results of one test at one instant with different values are each marked.
        let marked = results.iter().filter(|r| !r.same_time.is_empty()).count();
        let conflicts = expected["lab_conflicts"].as_array().map_or(0, Vec::len);
        assert_eq!(marked, conflicts, "{name}");
        for written in rows {
            let code = written["code"].as_str().unwrap();
            let text = written["text"].as_str().unwrap();
            let result = results
                .iter()
                .find(|r| r.loinc.as_deref() == Some(code) && r.name == text)
                .unwrap_or_else(|| panic!("{name}: no result for {code} {text}"));
            let value = match &written["value"] {
                Value::Number(n) => shown(n.as_f64().unwrap()),
                other => other.as_str().unwrap_or_default().to_owned(),
            };
            assert_eq!(result.value, value, "{name}: {code}");
            // The unit as recorded, with UCUM's annotation marks (braces, underscores for
            // spaces) left out for the reader, and the UCUM codes Synthea copies into `unit`
            // in UCUM's print symbols (10³ for `10*3`, µ for the `u` prefix, m² for `m2`).
            let unit = written["unit"].as_str().map(|unit| match unit {
                "10*3/uL" => "10\u{b3}/\u{b5}L".to_owned(),
                "10*6/uL" => "10\u{2076}/\u{b5}L".to_owned(),
                "mL/min/{1.73_m2}" => "mL/min/1.73 m\u{b2}".to_owned(),
                other => other.replace(['{', '}'], "").replace('_', " "),
            });
            assert_eq!(result.unit, unit, "{name}: {code}");
            let date = written["date"].as_str().unwrap();
            assert!(
                on_date(&result.when, date),
                "{name}: {code} {}",
                result.when
            );
        }
    }
}

#[test]
fn every_corpus_patients_lab_results_are_grouped_by_the_panels_that_ordered_them() {
    for name in bundles() {
        let resources = served(&name);
        let reports = of_type(&resources, "DiagnosticReport");
        // Observation id → the names of the reports that list it.
        let mut panels: HashMap<String, Vec<String>> = HashMap::new();
        for report in &reports {
            let panel = report["code"]["text"].as_str().unwrap_or_default();
            for result in report["result"].as_array().into_iter().flatten() {
                let id = result["reference"].as_str().unwrap_or_default();
                let id = id.strip_prefix("Observation/").unwrap_or(id).to_owned();
                panels.entry(id).or_default().push(panel.to_owned());
            }
        }
        let mut section = observations_in(&resources, "laboratory");
        section.extend(reports);
        let view = labs::build(&section, now());
        let mut grouped = 0;
        for group in &view.groups {
            for result in &group.results {
                if let Some(names) = panels.get(&result.observation_id) {
                    assert!(
                        names.contains(&group.name),
                        "{name}: {} in {}",
                        result.name,
                        group.name
                    );
                    grouped += 1;
                }
            }
        }
        assert!(grouped > 0, "{name}: no result grouped by a panel");
        // Maple's two blood-count reports name three tests differently: still one heading.
        let mut headings: Vec<&str> = view.groups.iter().map(|g| g.name.as_str()).collect();
        headings.sort();
        headings.dedup();
        assert_eq!(headings.len(), view.groups.len(), "{name}: a heading twice");
    }
}

#[test]
fn every_corpus_patients_vaccines_are_shown_with_their_latest_date() {
    for name in bundles() {
        let expected = expectation(&name);
        let view = immunizations::build(&of_type(&served(&name), "Immunization"));
        assert!(view.unreadable.is_empty(), "{name}: {:?}", view.unreadable);
        let groups = expected["immunizations"].as_array().unwrap();
        assert_eq!(view.vaccines.len(), groups.len(), "{name}");
        for group in groups {
            let vaccine = view
                .vaccines
                .iter()
                .find(|v| v.cvx.as_deref() == group["code"].as_str())
                .unwrap_or_else(|| panic!("{name}: no vaccine {}", group["code"]));
            assert_eq!(vaccine.name, group["text"], "{name}");
            assert_eq!(
                vaccine.completed_doses as u64,
                group["count"].as_u64().unwrap()
            );
            let latest = vaccine.latest_dose.as_deref().unwrap_or_default();
            let date = group["latest_date"].as_str().unwrap();
            assert!(on_date(latest, date), "{name}: {latest} ≠ {date}");
        }
    }
}

// Tied starts are not part of the oracle (FORMAT.md): the five newest are compared as a
// multiset of dates, and every shown one must be an expected one or tie with the fifth.
fn newest_five_dates(expected: &Value) -> Vec<String> {
    let mut dates: Vec<String> = expected
        .as_array()
        .unwrap()
        .iter()
        .map(|e| shown_date(e["date"].as_str().unwrap()))
        .collect();
    dates.sort();
    dates
}

#[test]
fn every_corpus_patients_recent_encounters_are_shown_with_their_reasons() {
    for name in bundles() {
        let expected = expectation(&name);
        let view = encounters::build(&of_type(&served(&name), "Encounter"));
        assert!(view.unreadable.is_empty(), "{name}: {:?}", view.unreadable);
        assert_eq!(
            view.encounters.len() as u64,
            expected["encounter_count"].as_u64().unwrap(),
            "{name}"
        );
        let mut dates: Vec<String> = view.encounters[..5]
            .iter()
            .map(|e| e.when.clone().unwrap_or_default())
            .map(|w| w.splitn(4, ' ').take(3).collect::<Vec<_>>().join(" "))
            .collect();
        dates.sort();
        assert_eq!(
            dates,
            newest_five_dates(&expected["encounters_recent"]),
            "{name}"
        );
        for written in expected["encounters_recent"].as_array().unwrap() {
            let Some(reason) = written["reason"].as_str() else {
                continue;
            };
            let date = written["date"].as_str().unwrap();
            assert!(
                view.encounters.iter().any(|e| {
                    e.reason.as_deref() == Some(reason)
                        && on_date(e.when.as_deref().unwrap_or_default(), date)
                }),
                "{name}: no encounter on {date} for {reason}"
            );
        }
    }
}

#[test]
fn every_corpus_patients_procedures_are_counted_newest_first() {
    for name in bundles() {
        let expected = expectation(&name);
        let view = procedures::build(&of_type(&served(&name), "Procedure"));
        assert!(view.unreadable.is_empty(), "{name}: {:?}", view.unreadable);
        assert_eq!(
            view.procedures.len() as u64,
            expected["procedure_count"].as_u64().unwrap(),
            "{name}"
        );
        let mut dates: Vec<String> = view.procedures[..5.min(view.procedures.len())]
            .iter()
            .map(|p| p.when.clone().unwrap_or_default())
            .map(|w| w.splitn(4, ' ').take(3).collect::<Vec<_>>().join(" "))
            .collect();
        dates.sort();
        assert_eq!(
            dates,
            newest_five_dates(&expected["procedures_recent"]),
            "{name}"
        );
    }
}

#[test]
fn every_corpus_procedure_done_for_a_named_condition_says_why() {
    for name in bundles() {
        let served = of_type(&served(&name), "Procedure");
        let view = procedures::build(&served);
        for written in &served {
            // Synthea names the reason only as references to Conditions, with their displays
            // (a prenatal procedure names every pregnancy: each name is said once).
            let mut reasons: Vec<&str> = Vec::new();
            for reference in written["reasonReference"].as_array().into_iter().flatten() {
                let display = reference["display"].as_str().unwrap();
                if !reasons.contains(&display) {
                    reasons.push(display);
                }
            }
            if reasons.is_empty() {
                continue;
            }
            let id = written["id"].as_str().unwrap();
            let line = view.procedures.iter().find(|p| p.id == id).unwrap();
            assert_eq!(line.reason, Some(reasons.join("; ")), "{name}: {id}");
        }
    }
}

/// What one per-code vital-sign search returns: the patient's vital-sign Observations with one
/// of the search's LOINC codes, newest first, one page of [`TREND_POINTS`].
fn per_code_search(observations: &[Value], codes: &[&str]) -> Vec<Value> {
    let mut found: Vec<(FhirDateTime, Value)> = observations
        .iter()
        .filter(|o| {
            o["code"]["coding"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["system"] == LOINC && codes.iter().any(|code| c["code"] == *code))
        })
        .map(|o| {
            let at = o["effectiveDateTime"]
                .as_str()
                .and_then(FhirDateTime::parse)
                .expect("corpus vital signs are dated");
            (at, o.clone())
        })
        .collect();
    found.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    found
        .into_iter()
        .take(TREND_POINTS)
        .map(|(_, o)| o)
        .collect()
}

#[test]
fn for_every_corpus_patient_the_per_code_searches_show_the_same_vital_signs_as_the_whole_category()
{
    for name in bundles() {
        let category = observations_in(&served(&name), "vital-signs");
        let by_code: Vec<Value> = VITAL_SIGN_SEARCHES
            .iter()
            .flat_map(|search| {
                let codes: Vec<&str> = search.iter().map(|(code, _)| *code).collect();
                per_code_search(&category, &codes)
            })
            .collect();
        let whole = vitals::build(&category, now());
        let searched = vitals::build(&by_code, now());
        assert!(!whole.latest.is_empty(), "{name}");
        assert_eq!(searched.latest, whole.latest, "{name}");
        assert_eq!(searched.blood_pressure, whole.blood_pressure, "{name}");
        assert_eq!(searched.series, whole.series, "{name}");
    }
}
