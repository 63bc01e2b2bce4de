//! The sandbox as a FHIR server other SMART tools stand on: put behind another authorization
//! server (e.g. the SMART launcher, which proxies an open FHIR server), the `open` profile must
//! answer what their patient and practitioner pickers ask: `_summary=count` (FHIR R4
//! §3.1.1.5.7), `_sort` by name (§3.1.1.5.3 with the `given`/`family` parameters), and
//! Practitioner reads and searches; its CapabilityStatement says so, and start-up names every
//! profile's FHIR base.

mod common;

use common::*;
use serde_json::Value;

async fn open_json(sandbox: &Running, path: &str) -> Value {
    let response = fhir_get(&http(), sandbox, "open", path, None).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("JSON")
}

fn names(bundle: &Value, part: &str) -> Vec<String> {
    entries(bundle, "match")
        .iter()
        .map(|patient| match &patient["name"][0][part] {
            Value::Array(given) => given[0].as_str().unwrap_or_default().to_lowercase(),
            family => family.as_str().unwrap_or_default().to_lowercase(),
        })
        .collect()
}

#[tokio::test]
async fn summary_count_answers_the_total_without_entries() {
    let sandbox = start().await;
    let bundle = open_json(&sandbox, "Patient?_summary=count").await;
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], sandbox.patients().len());
    assert!(entries(&bundle, "match").is_empty(), "{bundle}");
    assert_eq!(next_link(&bundle), None);
}

#[tokio::test]
async fn a_summary_other_than_count_is_refused_with_its_name() {
    let sandbox = start().await;
    let response = fhir_get(&http(), &sandbox, "open", "Patient?_summary=text", None).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("_summary=text"));
}

/// The names in order, checked to have every patient without one at the end (FHIR leaves
/// their place to the server; this one puts them last in both directions).
fn named_first(names: Vec<String>) -> Vec<String> {
    let named: Vec<String> = names
        .iter()
        .take_while(|n| !n.is_empty())
        .cloned()
        .collect();
    assert!(
        names[named.len()..].iter().all(String::is_empty),
        "{names:?}"
    );
    named
}

#[tokio::test]
async fn patients_sort_by_family_and_given_name_in_both_directions() {
    let sandbox = start().await;
    for part in ["family", "given"] {
        let bundle = open_json(&sandbox, &format!("Patient?_sort={part}&_count=500")).await;
        let ascending = named_first(names(&bundle, part));
        let mut sorted = ascending.clone();
        sorted.sort();
        assert_eq!(ascending, sorted, "_sort={part}");
        assert!(ascending.len() > 2);
        let bundle = open_json(&sandbox, &format!("Patient?_sort=-{part}&_count=500")).await;
        let descending = named_first(names(&bundle, part));
        sorted.reverse();
        assert_eq!(descending, sorted, "_sort=-{part}");
    }
}

#[tokio::test]
async fn patients_are_found_by_the_start_of_a_family_name_ignoring_case() {
    let sandbox = start().await;
    let first = names(&open_json(&sandbox, "Patient?_count=1").await, "family");
    let prefix: String = first[0].chars().take(3).collect();
    let bundle = open_json(
        &sandbox,
        &format!("Patient?family={}", prefix.to_uppercase()),
    )
    .await;
    let found = names(&bundle, "family");
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|family| family.contains(&prefix)),
        "{found:?}"
    );
    let all = open_json(&sandbox, "Patient?_summary=count").await["total"].clone();
    assert!(
        found.len() < all.as_u64().unwrap() as usize,
        "the search narrowed nothing"
    );
}

#[tokio::test]
async fn the_clinician_is_read_and_found_as_a_practitioner() {
    let sandbox = start().await;
    let practitioner = open_json(&sandbox, "Practitioner/ada-okafor").await;
    assert_eq!(practitioner["resourceType"], "Practitioner");
    assert_eq!(practitioner["name"][0]["family"], "Okafor");
    let bundle = open_json(&sandbox, "Practitioner?_sort=family&_count=10").await;
    assert_eq!(entries(&bundle, "match")[0]["id"], "ada-okafor");
    let counted = open_json(&sandbox, "Practitioner?_summary=count").await;
    assert_eq!(counted["total"], 1);
}

#[tokio::test]
async fn the_capability_statement_declares_summary_name_sorts_and_practitioner() {
    let sandbox = start().await;
    let statement = open_json(&sandbox, "metadata").await;
    let rest = &statement["rest"][0];
    let common: Vec<&str> = rest["searchParam"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(common.contains(&"_summary"), "{common:?}");
    let resource = |name: &str| {
        rest["resource"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} is not declared"))
    };
    for name in ["Patient", "Practitioner"] {
        let params: Vec<String> = resource(name)["searchParam"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}:{}",
                    p["name"].as_str().unwrap(),
                    p["type"].as_str().unwrap()
                )
            })
            .collect();
        for wanted in ["family:string", "given:string", "name:string"] {
            assert!(params.contains(&wanted.to_owned()), "{name}: {params:?}");
        }
    }
}

#[tokio::test]
async fn start_up_names_every_profiles_fhir_base() {
    let sandbox = start().await;
    let text = sandbox.startup_text();
    for profile in sandbox.profiles() {
        assert!(
            text.contains(&sandbox.fhir_base_of(profile)),
            "{profile} is missing from:\n{text}"
        );
    }
    assert!(text.contains("/open/fhir  (no authorization)"), "{text}");
}
