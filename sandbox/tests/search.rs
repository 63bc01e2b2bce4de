//! FHIR search on the reference profile (FHIR R4 §3.1.1): reference, token and date
//! parameters, paging with `next` links, `_count`, `_sort`, `_include`, strict handling of
//! unknown parameters, and the SMART scopes that limit what a search may reach.

mod common;

use common::*;
use serde_json::Value;

const LOINC: &str = "http://loinc.org";
const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

async fn token(sandbox: &Running, name: &str, scope: &str) -> (String, String) {
    let patient = patient_named(sandbox, name);
    let tokens = ehr_tokens(&http(), sandbox, &patient, &format!("launch {scope}")).await;
    let token = tokens["access_token"]
        .as_str()
        .expect("a token")
        .to_string();
    (patient, token)
}

async fn search(sandbox: &Running, token: &str, path: &str) -> Value {
    let response = fhir_get(&http(), sandbox, "reference", path, Some(token)).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("a Bundle")
}

async fn status(sandbox: &Running, token: &str, path: &str) -> u16 {
    let response = fhir_get(&http(), sandbox, "reference", path, Some(token)).await;
    response.status().as_u16()
}

fn ids(resources: &[Value]) -> Vec<String> {
    resources
        .iter()
        .filter_map(|r| r["id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_search_by_patient_counts_every_resource_of_that_patient_in_total() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Ольга Смирнова", "patient/*.rs").await;
    let bundle = search(&sandbox, &token, &format!("Condition?patient={patient}")).await;
    assert_eq!(bundle["type"], "searchset");
    let expected = sandbox.resources(&patient, "Condition");
    assert_eq!(bundle["total"], expected.len());
    assert_eq!(ids(&entries(&bundle, "match")), ids(&expected));
}

#[tokio::test]
async fn subject_accepts_a_type_and_id_and_patient_accepts_a_bare_id() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "José Núñez", "patient/*.rs").await;
    let by_subject = search(
        &sandbox,
        &token,
        &format!("Encounter?subject=Patient/{patient}"),
    )
    .await;
    let by_patient = search(&sandbox, &token, &format!("Encounter?patient={patient}")).await;
    assert_eq!(by_subject["total"], by_patient["total"]);
    assert!(by_subject["total"].as_u64() > Some(0));
}

#[tokio::test]
async fn every_entry_has_an_absolute_full_url_and_search_mode_match() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "José Núñez", "patient/*.rs").await;
    let bundle = search(&sandbox, &token, &format!("Procedure?patient={patient}")).await;
    for entry in bundle["entry"].as_array().expect("entries") {
        let id = entry["resource"]["id"].as_str().expect("an id");
        assert_eq!(
            entry["fullUrl"],
            format!("{}/Procedure/{id}", sandbox.fhir_base())
        );
        assert_eq!(entry["search"]["mode"], "match");
    }
}

#[tokio::test]
async fn a_category_token_matches_with_or_without_its_system() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Ольга Смирнова", "patient/*.rs").await;
    let bare = search(
        &sandbox,
        &token,
        &format!("Observation?patient={patient}&category=laboratory"),
    )
    .await;
    let qualified = search(
        &sandbox,
        &token,
        &format!("Observation?patient={patient}&category={CATEGORY}|laboratory"),
    )
    .await;
    assert_eq!(bare["total"], qualified["total"]);
    let labs = sandbox
        .resources(&patient, "Observation")
        .into_iter()
        .filter(|o| o["category"][0]["coding"][0]["code"] == "laboratory")
        .count();
    assert_eq!(bare["total"], labs);
}

#[tokio::test]
async fn a_token_with_another_system_matches_nothing() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Ольга Смирнова", "patient/*.rs").await;
    let bundle = search(
        &sandbox,
        &token,
        &format!("Observation?patient={patient}&code=http://snomed.info/sct|8867-4"),
    )
    .await;
    assert_eq!(bundle["total"], 0);
}

#[tokio::test]
async fn comma_separated_codes_are_or_ed() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Ольга Смирнова", "patient/*.rs").await;
    let total = |bundle: Value| bundle["total"].as_u64().unwrap_or_default();
    let path = |code: &str| format!("Observation?patient={patient}&code={code}");
    let heart = total(search(&sandbox, &token, &path(&format!("{LOINC}|8867-4"))).await);
    let weight = total(search(&sandbox, &token, &path(&format!("{LOINC}|29463-7"))).await);
    let either = path(&format!("{LOINC}|8867-4,{LOINC}|29463-7"));
    let both = total(search(&sandbox, &token, &either).await);
    assert!(heart > 0 && weight > 0);
    assert_eq!(both, heart + weight);
}

#[tokio::test]
async fn ge_and_le_bound_a_date_range_including_both_days() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Kwame Mensah", "patient/*.rs").await;
    let bundle = search(
        &sandbox,
        &token,
        &format!("Observation?patient={patient}&date=ge2022-01-01&date=le2022-12-31&_count=1000"),
    )
    .await;
    let expected = sandbox
        .resources(&patient, "Observation")
        .into_iter()
        .filter(|o| {
            o["effectiveDateTime"]
                .as_str()
                .is_some_and(|d| d.starts_with("2022"))
        })
        .count();
    assert!(expected > 0);
    assert_eq!(bundle["total"], expected);
}

#[tokio::test]
async fn a_month_search_value_matches_a_month_onset_but_not_a_year_onset() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Ольга Смирнова", "patient/*.rs").await;
    let month = search(
        &sandbox,
        &token,
        &format!("Condition?patient={patient}&onset-date=1980-03"),
    )
    .await;
    let onsets: Vec<Value> = entries(&month, "match")
        .iter()
        .map(|c| c["onsetDateTime"].clone())
        .collect();
    assert_eq!(onsets, ["1980-03"]);
    let year = search(
        &sandbox,
        &token,
        &format!("Condition?patient={patient}&onset-date=1980"),
    )
    .await;
    assert_eq!(year["total"], 2);
}

#[tokio::test]
async fn the_default_page_holds_50_and_next_links_walk_every_match_once() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Kwame Mensah", "patient/*.rs").await;
    let first = search(&sandbox, &token, &format!("Observation?patient={patient}")).await;
    let total = first["total"].as_u64().unwrap_or_default() as usize;
    assert!(total > 100);
    assert_eq!(entries(&first, "match").len(), 50);
    let mut seen = ids(&entries(&first, "match"));
    let mut page = first;
    while let Some(next) = next_link(&page) {
        assert!(next.starts_with(&sandbox.fhir_base()), "{next}");
        let response = http()
            .get(&next)
            .bearer_auth(&token)
            .send()
            .await
            .expect("a page");
        page = response.json().await.expect("a Bundle");
        seen.extend(ids(&entries(&page, "match")));
    }
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (total, total));
}

#[tokio::test]
async fn a_count_above_1000_is_reduced_to_1000() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Maximilian Vielfach", "patient/*.rs").await;
    let bundle = search(
        &sandbox,
        &token,
        &format!("Observation?patient={patient}&_count=5000"),
    )
    .await;
    assert!(bundle["total"].as_u64() > Some(10_000));
    assert_eq!(entries(&bundle, "match").len(), 1000);
}

#[tokio::test]
async fn sort_by_descending_date_returns_the_newest_first() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Kwame Mensah", "patient/*.rs").await;
    let bundle = search(
        &sandbox,
        &token,
        &format!("Observation?patient={patient}&category=vital-signs&_sort=-date&_count=200"),
    )
    .await;
    let dates: Vec<String> = entries(&bundle, "match")
        .iter()
        .filter_map(|o| o["effectiveDateTime"].as_str().map(str::to_string))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert!(dates.len() > 10);
    assert_eq!(dates, sorted);
}

#[tokio::test]
async fn include_adds_each_referenced_medication_once_with_search_mode_include() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "太郎 山田", "patient/*.rs").await;
    let bundle = search(
        &sandbox,
        &token,
        &format!("MedicationRequest?patient={patient}&_include=MedicationRequest:medication"),
    )
    .await;
    let included = entries(&bundle, "include");
    assert_eq!(included.len(), 1);
    assert_eq!(included[0]["resourceType"], "Medication");
    assert_eq!(bundle["total"], entries(&bundle, "match").len());
}

#[tokio::test]
async fn an_unknown_search_parameter_is_refused_with_400_naming_it() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Kwame Mensah", "patient/*.rs").await;
    let path = format!("Observation?patient={patient}&colour=blue");
    let response = fhir_get(&http(), &sandbox, "reference", &path, Some(&token)).await;
    assert_eq!(response.status(), 400);
    let outcome: Value = response.json().await.expect("an OperationOutcome");
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert!(outcome["issue"][0]["diagnostics"]
        .as_str()
        .is_some_and(|d| d.contains("colour")));
}

#[tokio::test]
async fn a_search_parameter_modifier_is_refused_with_400() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Kwame Mensah", "patient/*.rs").await;
    let path = format!("Observation?patient={patient}&code:text=weight");
    assert_eq!(status(&sandbox, &token, &path).await, 400);
}

#[tokio::test]
async fn id_takes_a_comma_separated_list() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Kwame Mensah", "patient/*.rs").await;
    let wanted: Vec<String> = ids(&sandbox.resources(&patient, "Immunization"))
        .into_iter()
        .take(2)
        .collect();
    let bundle = search(
        &sandbox,
        &token,
        &format!("Immunization?_id={}", wanted.join(",")),
    )
    .await;
    assert_eq!(ids(&entries(&bundle, "match")), wanted);
}

#[tokio::test]
async fn clinical_status_keeps_only_conditions_with_that_status() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Margaret Ann Thompson", "patient/*.rs").await;
    let bundle = search(
        &sandbox,
        &token,
        &format!("Condition?patient={patient}&clinical-status=active"),
    )
    .await;
    let found = entries(&bundle, "match");
    assert!(!found.is_empty());
    assert!(found
        .iter()
        .all(|c| c["clinicalStatus"]["coding"][0]["code"] == "active"));
}

#[tokio::test]
async fn a_patient_token_searching_another_patient_is_refused_with_403() {
    let sandbox = start().await;
    let (_, token) = token(&sandbox, "Kwame Mensah", "patient/*.rs").await;
    let other = patient_named(&sandbox, "José Núñez");
    assert_eq!(
        status(&sandbox, &token, &format!("Condition?patient={other}")).await,
        403
    );
}

#[tokio::test]
async fn a_patient_token_searching_without_a_patient_sees_only_its_patient() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Kwame Mensah", "patient/*.rs").await;
    let bundle = search(&sandbox, &token, "Condition").await;
    assert_eq!(
        bundle["total"],
        sandbox.resources(&patient, "Condition").len()
    );
}

#[tokio::test]
async fn a_search_without_a_token_is_refused_with_401() {
    let sandbox = start().await;
    let response = fhir_get(&http(), &sandbox, "reference", "Condition", None).await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_scope_for_another_type_does_not_allow_searching_observations() {
    let sandbox = start().await;
    let (patient, token) = token(&sandbox, "Kwame Mensah", "patient/Patient.rs").await;
    assert_eq!(
        status(&sandbox, &token, &format!("Observation?patient={patient}")).await,
        403
    );
}

#[tokio::test]
async fn a_laboratory_granular_scope_allows_laboratory_searches_only() {
    let sandbox = start().await;
    let scope = format!("patient/Observation.rs?category={CATEGORY}|laboratory");
    let (patient, token) = token(&sandbox, "Kwame Mensah", &scope).await;
    let labs = format!("Observation?patient={patient}&category=laboratory");
    assert_eq!(status(&sandbox, &token, &labs).await, 200);
    let vitals = format!("Observation?patient={patient}&category=vital-signs");
    assert_eq!(status(&sandbox, &token, &vitals).await, 403);
    let unfiltered = format!("Observation?patient={patient}");
    assert_eq!(status(&sandbox, &token, &unfiltered).await, 403);
}

#[tokio::test]
async fn a_laboratory_granular_scope_cannot_read_a_vital_sign() {
    let sandbox = start().await;
    let scope = format!("patient/Observation.rs?category={CATEGORY}|laboratory");
    let (patient, token) = token(&sandbox, "Kwame Mensah", &scope).await;
    let observations = sandbox.resources(&patient, "Observation");
    let category = |o: &&Value| o["category"][0]["coding"][0]["code"].clone();
    let vital = observations
        .iter()
        .find(|o| category(o) == "vital-signs")
        .expect("a vital");
    let lab = observations
        .iter()
        .find(|o| category(o) == "laboratory")
        .expect("a lab");
    let read = |o: &Value| format!("Observation/{}", o["id"].as_str().unwrap_or_default());
    assert_eq!(status(&sandbox, &token, &read(vital)).await, 403);
    assert_eq!(status(&sandbox, &token, &read(lab)).await, 200);
}
