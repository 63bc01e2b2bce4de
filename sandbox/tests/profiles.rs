//! The profiles (see `profile.rs`): each simulated EHR differs from `reference` in the ways
//! its table row states, one rule per test.

mod common;

use common::*;
use serde_json::Value;

const KWAME: &str = "Kwame Mensah";

async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON")
}

fn has_cors(response: &reqwest::Response) -> bool {
    response
        .headers()
        .keys()
        .any(|k| k.as_str().starts_with("access-control-"))
}

async fn discovery(sandbox: &Running, profile: &str) -> reqwest::Response {
    let url = format!(
        "{}/.well-known/smart-configuration",
        sandbox.fhir_base_of(profile)
    );
    http().get(url).send().await.expect("an answer")
}

async fn metadata(sandbox: &Running, profile: &str, accept: &str) -> reqwest::Response {
    let url = format!("{}/metadata", sandbox.fhir_base_of(profile));
    let request = http().get(url).header("Accept", accept);
    request.send().await.expect("an answer")
}

fn types(statement: &Value) -> Vec<String> {
    statement["rest"][0]["resource"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["type"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn epic_like_refuses_v2_scopes_with_invalid_scope() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let pkce = Pkce::new("epic");
    let response = profile_authorize(
        &http(),
        &sandbox,
        "epic-like",
        &patient,
        "launch patient/*.rs",
        &pkce,
    )
    .await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(
        params.get("error").map(String::as_str),
        Some("invalid_scope")
    );
    // Like most servers today, epic-like does not name itself in its answers (RFC 9207).
    assert!(!params.contains_key("iss"), "{params:?}");
}

#[tokio::test]
async fn only_the_reference_profile_advertises_the_iss_response_parameter() {
    let sandbox = start().await;
    let reference = json(discovery(&sandbox, "reference").await).await;
    assert_eq!(
        reference["authorization_response_iss_parameter_supported"],
        true
    );
    assert_eq!(reference["issuer"], sandbox.fhir_base());
    let epic = json(discovery(&sandbox, "epic-like").await).await;
    assert!(epic
        .get("authorization_response_iss_parameter_supported")
        .is_none());
}

#[tokio::test]
async fn epic_like_discovery_says_permission_v1_only_and_names_another_issuer() {
    let sandbox = start().await;
    let config = json(discovery(&sandbox, "epic-like").await).await;
    let capabilities = config["capabilities"].as_array().expect("a list");
    assert!(capabilities.iter().any(|c| c == "permission-v1"));
    assert!(!capabilities.iter().any(|c| c == "permission-v2"));
    assert_ne!(config["issuer"], sandbox.fhir_base_of("epic-like"));
}

#[tokio::test]
async fn epic_like_token_responses_have_the_vendor_quirks_and_no_refresh_token() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let scope = "launch patient/*.read offline_access";
    let response = profile_token_response(&http(), &sandbox, "epic-like", &patient, scope).await;
    let body = json(response).await;
    assert_eq!(body["token_type"], "bearer");
    assert!(body["scope"].as_str().is_some_and(|s| s.ends_with(' ')));
    assert_eq!(body["need_patient_banner"], "false");
    assert!(body["__epic.dstu2.patient"].is_string());
    assert!(body.get("refresh_token").is_none());
}

#[tokio::test]
async fn epic_like_refuses_sort_and_observation_searches_without_category() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let http = http();
    let token = profile_token(
        &http,
        &sandbox,
        "epic-like",
        &patient,
        "launch patient/*.read",
    )
    .await;
    let status = |path: String| {
        let (http, sandbox, token) = (&http, &sandbox, &token);
        async move {
            fhir_get(http, sandbox, "epic-like", &path, Some(token))
                .await
                .status()
        }
    };
    assert_eq!(
        status(format!("Condition?patient={patient}&_sort=-onset-date")).await,
        400
    );
    assert_eq!(status(format!("Observation?patient={patient}")).await, 400);
    assert_eq!(
        status(format!("Observation?patient={patient}&category=laboratory")).await,
        200
    );
}

#[tokio::test]
async fn epic_like_serves_no_medication_statement_and_its_metadata_omits_it() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let http = http();
    let token = profile_token(
        &http,
        &sandbox,
        "epic-like",
        &patient,
        "launch patient/*.read",
    )
    .await;
    let path = format!("MedicationStatement?patient={patient}");
    let response = fhir_get(&http, &sandbox, "epic-like", &path, Some(&token)).await;
    assert_eq!(response.status(), 404);
    let statement = json(metadata(&sandbox, "epic-like", "application/fhir+json").await).await;
    assert!(!types(&statement).contains(&"MedicationStatement".to_string()));
    let reference = json(metadata(&sandbox, "reference", "application/fhir+json").await).await;
    assert!(types(&reference).contains(&"MedicationStatement".to_string()));
}

#[tokio::test]
async fn epic_like_metadata_is_xml_unless_json_is_asked_for() {
    let sandbox = start().await;
    let xml = metadata(&sandbox, "epic-like", "*/*").await;
    assert_eq!(xml.headers()["content-type"], "application/fhir+xml");
    let text = xml.text().await.expect("text");
    assert!(text.contains("<CapabilityStatement xmlns=\"http://hl7.org/fhir\">"));
    let json = metadata(&sandbox, "epic-like", "application/json").await;
    assert_eq!(json.headers()["content-type"], "application/fhir+json");
}

#[tokio::test]
async fn oracle_like_urls_carry_a_tenant_and_the_issuer_differs_from_the_base() {
    let sandbox = start().await;
    let base = sandbox.fhir_base_of("oracle-like");
    assert!(base.starts_with(&format!("{}/oracle-like/", sandbox.ehr_origin)));
    assert_eq!(
        base.split('/').count(),
        sandbox.fhir_base().split('/').count() + 1
    );
    let config = json(discovery(&sandbox, "oracle-like").await).await;
    assert_ne!(config["issuer"], base);
    let root = profile_root(&sandbox, "oracle-like");
    assert_eq!(config["token_endpoint"], format!("{root}/auth/token"));
}

#[tokio::test]
async fn oracle_like_refuses_wildcard_scopes_with_invalid_scope() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let pkce = Pkce::new("oracle");
    let scope = "launch patient/*.read";
    let response =
        profile_authorize(&http(), &sandbox, "oracle-like", &patient, scope, &pkce).await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(
        params.get("error").map(String::as_str),
        Some("invalid_scope")
    );
}

#[tokio::test]
async fn oracle_like_tokens_live_570_seconds_and_online_access_brings_a_refresh_token() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let scope = "launch patient/Observation.read online_access";
    let response = profile_token_response(&http(), &sandbox, "oracle-like", &patient, scope).await;
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let body = json(response).await;
    assert_eq!(body["expires_in"], 570);
    assert!(body["refresh_token"].is_string());
}

#[tokio::test]
async fn oracle_like_caps_count_at_50_and_refuses_include() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let http = http();
    let scope = "launch patient/Observation.read patient/MedicationRequest.read";
    let token = profile_token(&http, &sandbox, "oracle-like", &patient, scope).await;
    let path = format!("Observation?patient={patient}&_count=200");
    let bundle = json(fhir_get(&http, &sandbox, "oracle-like", &path, Some(&token)).await).await;
    assert_eq!(entries(&bundle, "match").len(), 50);
    let path = format!("MedicationRequest?patient={patient}&_include=MedicationRequest:medication");
    let response = fhir_get(&http, &sandbox, "oracle-like", &path, Some(&token)).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn oracle_like_answers_an_expired_token_with_a_401_without_cors_headers() {
    let sandbox = start_with(Options {
        access_token_lifetime: std::time::Duration::from_secs(1),
        ..Options::default()
    })
    .await;
    let patient = patient_named(&sandbox, KWAME);
    let http = http();
    let token = profile_token(
        &http,
        &sandbox,
        "oracle-like",
        &patient,
        "launch patient/Patient.read",
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let response = fhir_get(
        &http,
        &sandbox,
        "oracle-like",
        &format!("Patient/{patient}"),
        Some(&token),
    )
    .await;
    assert_eq!(response.status(), 401);
    assert!(!has_cors(&response));
}

#[tokio::test]
async fn legacy_has_no_well_known_and_names_its_endpoints_only_in_metadata() {
    let sandbox = start().await;
    assert_eq!(discovery(&sandbox, "legacy").await.status(), 404);
    let statement = json(metadata(&sandbox, "legacy", "application/fhir+json").await).await;
    let oauth = &statement["rest"][0]["security"]["extension"][0]["extension"];
    let root = profile_root(&sandbox, "legacy");
    assert_eq!(oauth[1]["valueUri"], format!("{root}/auth/token"));
}

#[tokio::test]
async fn no_cors_sends_fhir_responses_without_cors_but_metadata_with_it() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let http = http();
    let token = profile_token(&http, &sandbox, "no-cors", &patient, "launch patient/*.rs").await;
    let response = fhir_get(
        &http,
        &sandbox,
        "no-cors",
        &format!("Patient/{patient}"),
        Some(&token),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(!has_cors(&response));
    assert!(has_cors(
        &metadata(&sandbox, "no-cors", "application/json").await
    ));
}

#[tokio::test]
async fn open_answers_without_any_token_and_declares_no_security() {
    let sandbox = start().await;
    let patient = patient_named(&sandbox, KWAME);
    let path = format!("Condition?patient={patient}");
    let response = fhir_get(&http(), &sandbox, "open", &path, None).await;
    assert_eq!(response.status(), 200);
    let statement = json(metadata(&sandbox, "open", "application/json").await).await;
    assert!(statement["rest"][0].get("security").is_none());
}

#[tokio::test]
async fn every_profile_but_epic_like_declares_sort() {
    let sandbox = start().await;
    for profile in sandbox.profiles() {
        let statement = json(metadata(&sandbox, profile, "application/json").await).await;
        let common = statement["rest"][0]["searchParam"]
            .as_array()
            .expect("a list")
            .clone();
        let sorts = common.iter().any(|p| p["name"] == "_sort");
        assert_eq!(sorts, profile != "epic-like", "{profile}");
    }
}
