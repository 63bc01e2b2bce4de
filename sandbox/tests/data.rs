//! `Options::data_dir` (`--data DIR`): patients loaded from FHIR R4 JSON files are listed
//! and served beside the generated ones, with Bundle `urn:uuid:` references resolved.

mod common;

use std::path::PathBuf;

use common::flows::*;
use common::*;
use serde_json::Value;

const BUNDLE: &str = r#"{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:7d1c","resource":{"resourceType":"Patient","id":"7d1c","name":[{"given":["Loaded"],"family":"Person"}],"birthDate":"1970-05-06"},
  "request":{"method":"POST","url":"Patient"}},
 {"fullUrl":"urn:uuid:9e2f","resource":{"resourceType":"Condition","id":"9e2f","subject":{"reference":"urn:uuid:7d1c"},
  "code":{"text":"Loaded condition"}},"request":{"method":"POST","url":"Condition"}}]}"#;

const SINGLE: &str = r#"{"resourceType":"Observation","id":"obs-single","status":"final",
 "subject":{"reference":"Patient/7d1c"},"code":{"text":"Single"}}"#;

const NDJSON: &str = "{\"resourceType\":\"Patient\",\"id\":\"nd-1\",\"name\":[{\"given\":[\"Nd\"],\"family\":\"Json\"}]}\n\
{\"resourceType\":\"Patient\",\"id\":\"nd-2\",\"name\":[{\"given\":[\"Second\"],\"family\":\"Line\"}]}\n";

/// A fresh folder with the bundle, a single resource, NDJSON and one broken file.
fn folder(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sandbox-data-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp folder");
    for (name, text) in [
        ("a-bundle.json", BUNDLE),
        ("b-single.json", SINGLE),
        ("c-lines.ndjson", NDJSON),
        ("d-broken.json", "{\"resourceType\":"),
    ] {
        std::fs::write(dir.join(name), text).expect("a file");
    }
    dir
}

async fn sandbox_with_data(tag: &str) -> Running {
    start_with(Options {
        data_dir: Some(folder(tag)),
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn loaded_patients_are_listed_after_the_generated_ones() {
    let sandbox = sandbox_with_data("list").await;
    let generated = sandbox::patients(7).len();
    let ids: Vec<&str> = sandbox.patients()[generated..]
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(ids, ["7d1c", "nd-1", "nd-2"]);
}

#[tokio::test]
async fn a_bundle_reference_by_urn_uuid_is_served_as_a_patient_reference() {
    let sandbox = sandbox_with_data("urn").await;
    let conditions = sandbox.resources("7d1c", "Condition");
    assert_eq!(conditions.len(), 1);
    assert_eq!(conditions[0]["subject"]["reference"], "Patient/7d1c");
}

#[tokio::test]
async fn a_single_resource_file_joins_its_patient_compartment() {
    let sandbox = sandbox_with_data("single").await;
    let observations = sandbox.resources("7d1c", "Observation");
    assert_eq!(observations.len(), 1);
    assert_eq!(observations[0]["id"], "obs-single");
}

#[tokio::test]
async fn a_loaded_patient_is_read_over_fhir_with_a_token() {
    let sandbox = sandbox_with_data("fhir").await;
    let tokens: Value = token_json(&http(), &sandbox, "", "launch user/Patient.rs", &[]).await;
    let response = read_patient(&http(), &sandbox, "nd-2", tokens["access_token"].as_str()).await;
    assert_eq!(response.status(), 200);
    let patient: Value = response.json().await.expect("JSON");
    assert_eq!(patient["name"][0]["family"], "Line");
}

#[tokio::test]
async fn a_broken_file_is_skipped_and_the_rest_still_loads() {
    let sandbox = sandbox_with_data("broken").await;
    assert_eq!(sandbox.patients().len(), sandbox::patients(7).len() + 3);
}
