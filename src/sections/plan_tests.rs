//! Planning cases: one per fallback, against CapabilityStatements shaped like the servers Bedside
//! meets (full SMART/US Core, no _sort, no _include, no MedicationStatement, none at all).

use super::*;
use crate::clinical_codes::VITAL_SIGN_SEARCHES;
use crate::fhir::capabilities::CapabilityNotice;
use crate::sections::{data_needs, summary_needs};
use serde_json::json;

fn resource(kind: &str, params: &[&str], includes: &[&str]) -> serde_json::Value {
    json!({
        "type": kind,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": params.iter().map(|p| json!({"name": p, "type": "token"})).collect::<Vec<_>>(),
        "searchInclude": includes,
    })
}

fn server(resources: Vec<serde_json::Value>) -> Capabilities {
    let statement = json!({
        "resourceType": "CapabilityStatement",
        "fhirVersion": "4.0.1",
        "rest": [{"mode": "server", "resource": resources}]
    });
    Capabilities::from_json(&statement.to_string()).unwrap()
}

const FULL: &[&str] = &["patient", "category", "date", "_sort", "_count", "_id"];

fn reference_server() -> Capabilities {
    server(
        [
            "AllergyIntolerance",
            "Condition",
            "MedicationStatement",
            "Medication",
            "Immunization",
            "Observation",
            "Encounter",
            "Procedure",
        ]
        .iter()
        .map(|kind| resource(kind, FULL, &[]))
        .chain([resource(
            "MedicationRequest",
            FULL,
            &["MedicationRequest:medication"],
        )])
        .collect(),
    )
}

fn url_of(plan: &SectionPlan, index: usize) -> String {
    let base = FhirBaseUrl::parse("https://ehr.example/fhir").unwrap();
    plan.queries[index].url(&base).to_string()
}

#[test]
fn vital_signs_are_searched_by_code_newest_first_when_the_server_declares_code_and_sort() {
    let mut observation = FULL.to_vec();
    observation.push("code");
    let capabilities = server(vec![resource("Observation", &observation, &[])]);
    let plan = plan_section(&capabilities, "p1", Section::VitalSigns).unwrap();
    assert_eq!(plan.queries.len(), VITAL_SIGN_SEARCHES.len());
    assert_eq!(
        url_of(&plan, 0),
        "https://ehr.example/fhir/Observation?patient=p1&category=vital-signs\
         &code=http%3A%2F%2Floinc.org%7C85354-9%2Chttp%3A%2F%2Floinc.org%7C55284-4%2C\
         http%3A%2F%2Floinc.org%7C8480-6%2Chttp%3A%2F%2Floinc.org%7C8462-4&_sort=-date&_count=50"
    );
    assert!(plan.queries.iter().all(|q| q.newest_only));
    assert_eq!(plan.client.filter_category, None);
    assert!(!plan.client.sort_here);
    assert!(plan.fallbacks.is_empty());
}

#[test]
fn every_code_the_view_models_recognise_is_searched_for_by_the_per_code_plan() {
    use crate::clinical_codes::vital_code;
    let mut observation = FULL.to_vec();
    observation.push("code");
    let capabilities = server(vec![resource("Observation", &observation, &[])]);
    let plan = plan_section(&capabilities, "p1", Section::VitalSigns).unwrap();
    let searched: Vec<&str> = plan
        .queries
        .iter()
        .flat_map(|q| q.params.iter().filter(|(name, _)| name == "code"))
        .flat_map(|(_, codes)| codes.split(','))
        .filter_map(|token| token.strip_prefix("http://loinc.org|"))
        .collect();
    // Every LOINC code shaped like the table's that the view models recognise, found by asking
    // them rather than by reading the table, so a code recognised elsewhere would show here.
    let recognised: Vec<String> = (1..100_000)
        .flat_map(|n| (0..10).map(move |check| format!("{n}-{check}")))
        .filter(|code| vital_code(code).is_some())
        .collect();
    assert!(recognised.len() >= 17, "{recognised:?}");
    for code in &recognised {
        assert!(
            searched.contains(&code.as_str()),
            "{code} is never searched for"
        );
    }
}

#[test]
fn vital_signs_use_category_sort_and_page_size_without_code_search() {
    let plan = plan_section(&reference_server(), "p1", Section::VitalSigns).unwrap();
    assert_eq!(
        url_of(&plan, 0),
        "https://ehr.example/fhir/Observation?patient=p1&category=vital-signs&_sort=-date&_count=500"
    );
    assert!(!plan.queries[0].newest_only);
    assert_eq!(plan.client.filter_category, None);
    assert!(!plan.client.sort_here);
    assert_eq!(plan.fallbacks.len(), 1, "{:?}", plan.fallbacks);
}

#[test]
fn without_sort_vital_signs_are_read_whole_even_with_code_search() {
    let capabilities = server(vec![resource(
        "Observation",
        &["patient", "category", "code", "_count"],
        &[],
    )]);
    let plan = plan_section(&capabilities, "p1", Section::VitalSigns).unwrap();
    assert_eq!(plan.queries.len(), 1);
    assert!(!plan.queries[0].newest_only);
    assert!(plan.client.sort_here);
}

#[test]
fn without_category_search_all_observations_are_fetched_and_filtered_here() {
    let capabilities = server(vec![resource("Observation", &["patient", "_count"], &[])]);
    let plan = plan_section(&capabilities, "p1", Section::Labs).unwrap();
    assert_eq!(
        url_of(&plan, 0),
        "https://ehr.example/fhir/Observation?patient=p1&_count=500"
    );
    assert_eq!(plan.client.filter_category, Some("laboratory"));
    assert!(plan.client.sort_here);
    // Category, sort, and no DiagnosticReport to group the results by panel.
    assert_eq!(plan.fallbacks.len(), 3, "{:?}", plan.fallbacks);
    assert_eq!(plan.queries.len(), 1);
}

#[test]
fn labs_read_the_newest_reports_of_any_category_to_group_results_by_panel() {
    // Older servers write lab reports without a category (FHIR R4 makes it optional): a
    // `category=LAB` search would miss them. Reports point at their results, so those of
    // other categories simply group nothing.
    let plan = plan_section(&reference_server_with_reports(), "p1", Section::Labs).unwrap();
    assert_eq!(
        url_of(&plan, 1),
        "https://ehr.example/fhir/DiagnosticReport?patient=p1&_sort=-date&_count=100"
    );
    assert!(plan.queries[1].newest_only);
    assert!(!plan.queries[0].newest_only);
}

#[test]
fn without_sort_every_lab_report_is_read() {
    let capabilities = server(vec![
        resource("Observation", FULL, &[]),
        resource("DiagnosticReport", &["patient", "_count"], &[]),
    ]);
    let plan = plan_section(&capabilities, "p1", Section::Labs).unwrap();
    assert_eq!(
        url_of(&plan, 1),
        "https://ehr.example/fhir/DiagnosticReport?patient=p1&_count=500"
    );
    assert!(!plan.queries[1].newest_only);
}

#[test]
fn labs_are_shown_without_reports_but_never_from_reports_alone() {
    let plan = || plan_section(&reference_server_with_reports(), "p1", Section::Labs).unwrap();
    let observations_only = within_grant(
        plan(),
        &granted("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory"),
    )
    .unwrap();
    assert_eq!(observations_only.queries.len(), 1);
    assert_eq!(observations_only.queries[0].resource_type, "Observation");
    assert!(within_grant(plan(), &granted("patient/DiagnosticReport.rs")).is_none());
}

fn reference_server_with_reports() -> Capabilities {
    server(vec![
        resource("Observation", FULL, &[]),
        resource("DiagnosticReport", FULL, &[]),
    ])
}

#[test]
fn without_declared_sort_results_are_sorted_here() {
    let capabilities = server(vec![resource("Encounter", &["patient", "date"], &[])]);
    let plan = plan_section(&capabilities, "p1", Section::Encounters).unwrap();
    assert_eq!(
        url_of(&plan, 0),
        "https://ehr.example/fhir/Encounter?patient=p1"
    );
    assert!(plan.client.sort_here);
}

#[test]
fn medication_requests_include_their_medications_when_supported() {
    let plan = plan_section(&reference_server(), "p1", Section::Medications).unwrap();
    assert_eq!(
        url_of(&plan, 0),
        "https://ehr.example/fhir/MedicationRequest?patient=p1&_include=MedicationRequest%3Amedication&_count=100"
    );
    assert_eq!(
        plan.client.medication_lookup,
        Some(MedicationLookup::Included)
    );
    assert_eq!(
        url_of(&plan, 1),
        "https://ehr.example/fhir/MedicationStatement?patient=p1&_count=100"
    );
}

#[test]
fn without_include_medications_are_fetched_in_one_batch_by_id() {
    let capabilities = server(vec![
        resource("MedicationRequest", &["patient"], &[]),
        resource("Medication", &["_id"], &[]),
    ]);
    let plan = plan_section(&capabilities, "p1", Section::Medications).unwrap();
    let lookup = plan.client.medication_lookup.unwrap();
    assert_eq!(lookup, MedicationLookup::BatchSearch);
    let followups = medication_followups(lookup, &["Medication/b", "Medication/a", "Medication/b"]);
    assert_eq!(followups.len(), 1);
    assert_eq!(
        followups[0].params,
        vec![("_id".to_owned(), "a,b".to_owned())]
    );
}

#[test]
fn without_include_or_id_search_medications_are_read_one_by_one() {
    let capabilities = server(vec![
        resource("MedicationRequest", &["patient"], &[]),
        json!({"type": "Medication", "interaction": [{"code": "read"}]}),
    ]);
    let plan = plan_section(&capabilities, "p1", Section::Medications).unwrap();
    let lookup = plan.client.medication_lookup.unwrap();
    assert_eq!(lookup, MedicationLookup::Reads);
    let base = FhirBaseUrl::parse("https://ehr.example/fhir").unwrap();
    let urls: Vec<String> = medication_followups(lookup, &["Medication/m1", "Medication/m2"])
        .iter()
        .map(|q| q.url(&base).to_string())
        .collect();
    assert_eq!(
        urls,
        [
            "https://ehr.example/fhir/Medication/m1",
            "https://ehr.example/fhir/Medication/m2"
        ]
    );
}

#[test]
fn references_to_other_servers_or_contained_medications_are_never_fetched() {
    let followups = medication_followups(
        MedicationLookup::BatchSearch,
        &[
            "https://other.example/fhir/Medication/x",
            "#med1",
            "Medication/../Patient/1",
        ],
    );
    assert!(followups.is_empty());
}

#[test]
fn medication_statements_are_asked_for_only_if_the_server_has_them() {
    let capabilities = server(vec![resource("MedicationRequest", &["patient"], &[])]);
    let plan = plan_section(&capabilities, "p1", Section::Medications).unwrap();
    assert_eq!(plan.queries.len(), 1);
    assert_eq!(plan.queries[0].resource_type, "MedicationRequest");
}

#[test]
fn a_section_whose_resource_the_server_lacks_is_unavailable_with_a_reason() {
    let capabilities = server(vec![resource("Condition", &["patient"], &[])]);
    let unavailable = plan_section(&capabilities, "p1", Section::Procedures).unwrap_err();
    assert_eq!(
        unavailable.reason,
        UnavailableReason::NoPatientSearch("Procedure")
    );
    assert!(unavailable.reason.wording().contains("Procedure"));
    let none = plan_section(&capabilities, "p1", Section::Medications).unwrap_err();
    assert_eq!(none.reason, UnavailableReason::NoMedicationSearch);
    assert!(none.reason.wording().contains("medication"));
}

#[test]
fn a_server_declaring_only_subject_is_searched_by_subject() {
    let capabilities = server(vec![resource("Procedure", &["subject"], &[])]);
    let plan = plan_section(&capabilities, "p1", Section::Procedures).unwrap();
    assert_eq!(
        url_of(&plan, 0),
        "https://ehr.example/fhir/Procedure?subject=Patient%2Fp1"
    );
}

#[test]
fn a_conservative_model_plans_every_section_with_client_side_work() {
    let capabilities = Capabilities::conservative(CapabilityNotice::Unavailable("404".into()));
    let plans = plan_summary(&capabilities, "p1");
    assert!(plans.iter().all(Result::is_ok));
    let labs = plans
        .iter()
        .flatten()
        .find(|plan| plan.section == Section::Labs)
        .unwrap();
    assert_eq!(
        url_of(labs, 0),
        "https://ehr.example/fhir/Observation?patient=p1"
    );
    assert_eq!(labs.client.filter_category, Some("laboratory"));
}

#[test]
fn the_category_filter_matches_the_code_in_any_coding() {
    let vital = json!({"resourceType": "Observation", "category": [{"coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}]});
    let lab = json!({"resourceType": "Observation", "category": [{"text": "x"}, {"coding": [{"code": "laboratory"}]}]});
    let none = json!({"resourceType": "Observation"});
    assert!(has_category(&vital, "vital-signs"));
    assert!(!has_category(&vital, "laboratory"));
    assert!(has_category(&lab, "laboratory"));
    assert!(!has_category(&none, "laboratory"));
}

#[test]
fn medication_references_are_collected_from_requests() {
    let requests = vec![
        json!({"medicationReference": {"reference": "Medication/a"}}),
        json!({"medicationCodeableConcept": {"text": "x"}}),
        json!({"medicationReference": {"display": "no reference"}}),
    ];
    assert_eq!(medication_references(&requests), vec!["Medication/a"]);
}

#[test]
fn observation_sections_need_their_category_and_medications_need_medication_reads() {
    let vitals = data_needs(Section::VitalSigns);
    assert_eq!(
        vitals[0].filter,
        Some((
            "category".to_owned(),
            "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs".to_owned()
        ))
    );
    let medications = data_needs(Section::Medications);
    assert!(medications.iter().any(|n| n.resource_type == "Medication"));
    assert!(summary_needs().iter().any(|n| n.resource_type == "Patient"));
}

fn granted(text: &str) -> crate::smart::scope::ScopeSet {
    crate::smart::scope::ScopeSet::parse(text).unwrap()
}

#[test]
fn a_section_outside_the_grant_sends_nothing() {
    let plan = plan_section(&reference_server(), "p1", Section::Procedures).unwrap();
    assert!(within_grant(plan.clone(), &granted("launch patient/Condition.rs")).is_none());
    assert!(within_grant(plan, &granted("launch patient/Procedure.rs")).is_some());
}

#[test]
fn a_category_restricted_grant_covers_only_its_own_observation_section() {
    let labs_only = granted(
        "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
    );
    let labs = plan_section(&reference_server(), "p1", Section::Labs).unwrap();
    let vitals = plan_section(&reference_server(), "p1", Section::VitalSigns).unwrap();
    assert!(within_grant(labs, &labs_only).is_some());
    assert!(within_grant(vitals, &labs_only).is_none());
}

#[test]
fn medications_keep_the_searches_that_were_granted() {
    let plan = plan_section(&reference_server(), "p1", Section::Medications).unwrap();
    let kept = within_grant(plan, &granted("patient/MedicationRequest.rs")).unwrap();
    assert_eq!(kept.queries.len(), 1);
    assert_eq!(kept.queries[0].resource_type, "MedicationRequest");
}

#[test]
fn a_wildcard_grant_covers_every_section() {
    let all = granted("patient/*.rs");
    for plan in plan_summary(&reference_server(), "p1") {
        assert!(within_grant(plan.unwrap(), &all).is_some());
    }
}

#[test]
fn a_list_section_keeps_2000_results_of_a_search_and_an_observation_section_20000() {
    for section in Section::ALL {
        let expected = match section {
            Section::VitalSigns | Section::Labs => 20_000,
            _ => 2_000,
        };
        assert_eq!(section.kept(), expected, "{section:?}");
    }
}

// Older servers and Synthea categorise Observations under the pre-R4 system
// (`http://hl7.org/fhir/observation-category`, same codes); a server enforcing a scope that
// names only R4's system withholds them, so Bedside asks for both.
#[test]
fn observation_sections_also_ask_for_their_category_as_coded_before_r4() {
    for (section, category) in [
        (Section::VitalSigns, "vital-signs"),
        (Section::Labs, "laboratory"),
    ] {
        assert_eq!(
            data_needs(section)[0].also,
            vec![format!(
                "http://hl7.org/fhir/observation-category|{category}"
            )]
        );
    }
}

const R4_VITALS: &str =
    "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";
const PRE_R4_VITALS: &str =
    "patient/Observation.rs?category=http://hl7.org/fhir/observation-category|vital-signs";

#[test]
fn a_grant_naming_only_the_r4_category_system_loads_the_section_marked_narrowed() {
    let plan = plan_section(&reference_server(), "p1", Section::VitalSigns).unwrap();
    let narrowed = within_grant(plan, &granted(R4_VITALS)).unwrap();
    assert_eq!(narrowed.narrowed_category, Some("vital-signs"));
    assert!(!narrowed.queries.is_empty());
}

#[test]
fn a_grant_naming_both_category_systems_or_none_leaves_the_section_whole() {
    for grant in [
        format!("{R4_VITALS} {PRE_R4_VITALS}"),
        "patient/Observation.rs".to_owned(),
    ] {
        let plan = plan_section(&reference_server(), "p1", Section::VitalSigns).unwrap();
        let whole = within_grant(plan, &granted(&grant)).unwrap();
        assert_eq!(whole.narrowed_category, None, "{grant}");
    }
}

#[test]
fn a_narrowed_grant_of_another_section_does_not_mark_this_one() {
    let plan = plan_section(&reference_server(), "p1", Section::Labs).unwrap();
    let labs = within_grant(
        plan,
        &granted(&format!("patient/Observation.rs {R4_VITALS}")),
    )
    .unwrap();
    assert_eq!(labs.narrowed_category, None);
}

fn sections_in_load_order(capabilities: &Capabilities) -> Vec<Section> {
    let plans: Vec<SectionPlan> = plan_summary(capabilities, "p1")
        .into_iter()
        .map(Result::unwrap)
        .collect();
    in_load_order(&plans)
        .iter()
        .map(|plan| plan.section)
        .collect()
}

#[test]
fn the_labs_pages_are_asked_for_first_and_the_newest_vital_signs_last() {
    let mut observation = FULL.to_vec();
    observation.push("code");
    let capabilities = server(
        [
            "AllergyIntolerance",
            "Condition",
            "MedicationStatement",
            "Medication",
            "Immunization",
            "Encounter",
            "Procedure",
            "DiagnosticReport",
        ]
        .iter()
        .map(|kind| resource(kind, FULL, &[]))
        .chain([
            resource("Observation", &observation, &[]),
            resource("MedicationRequest", FULL, &["MedicationRequest:medication"]),
        ])
        .collect(),
    );
    let order = sections_in_load_order(&capabilities);
    assert_eq!(order.first(), Some(&Section::Labs));
    assert_eq!(order.last(), Some(&Section::VitalSigns));
    // The list sections keep the table's order between them.
    let lists: Vec<Section> = Section::ALL
        .into_iter()
        .filter(|s| ![Section::Labs, Section::VitalSigns].contains(s))
        .collect();
    assert_eq!(order[1..order.len() - 1], lists[..]);
}

#[test]
fn vital_signs_read_page_by_page_start_with_the_labs_before_the_lists() {
    let order = sections_in_load_order(&reference_server());
    let vitals = order
        .iter()
        .position(|s| *s == Section::VitalSigns)
        .unwrap();
    let labs = order.iter().position(|s| *s == Section::Labs).unwrap();
    assert!(vitals < 2 && labs < 2, "{order:?}");
}
