//! The FHIR server and the public discovery documents: bearer checks (RFC 6750), SMART scope
//! enforcement, OperationOutcome errors, smart-configuration, CapabilityStatement and CORS.

mod common;

use common::*;
use serde_json::Value;

async fn expect_outcome(
    response: reqwest::Response,
    status: u16,
    code: &str,
) -> reqwest::header::HeaderMap {
    assert_eq!(response.status(), status);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/fhir+json");
    let body: Value = response.json().await.expect("an OperationOutcome");
    assert_eq!(body["resourceType"], "OperationOutcome");
    assert_eq!(body["issue"][0]["severity"], "error");
    assert_eq!(body["issue"][0]["code"], code, "{body}");
    headers
}

#[tokio::test]
async fn reading_a_patient_without_a_token_answers_401_with_an_operation_outcome() {
    let sandbox = start().await;
    let response = read_patient(&http(), &sandbox, &sandbox.patients()[0].id, None).await;
    let headers = expect_outcome(response, 401, "login").await;
    assert_eq!(
        headers["www-authenticate"],
        "Bearer realm=\"sandbox\", error=\"invalid_token\""
    );
}

#[tokio::test]
async fn an_unknown_token_answers_401() {
    let sandbox = start().await;
    let response = read_patient(&http(), &sandbox, &sandbox.patients()[0].id, Some("forged")).await;
    let headers = expect_outcome(response, 401, "login").await;
    assert_eq!(
        headers["www-authenticate"],
        "Bearer realm=\"sandbox\", error=\"invalid_token\""
    );
}

#[tokio::test]
async fn a_patient_scope_token_cannot_read_another_patient() {
    let sandbox = start().await;
    let http = http();
    let (bound, other) = (
        sandbox.patients()[0].id.clone(),
        sandbox.patients()[1].id.clone(),
    );
    let tokens = ehr_tokens(&http, &sandbox, &bound, "launch patient/Patient.rs").await;
    let response = read_patient(&http, &sandbox, &other, tokens["access_token"].as_str()).await;
    expect_outcome(response, 403, "forbidden").await;
}

#[tokio::test]
async fn a_token_without_a_patient_read_scope_is_refused_with_403() {
    let sandbox = start().await;
    let http = http();
    let patient = sandbox.patients()[0].id.clone();
    for scope in [
        "launch patient/Observation.rs",
        "launch patient/Patient.s",
        "launch offline_access",
    ] {
        let tokens = ehr_tokens(&http, &sandbox, &patient, scope).await;
        let response =
            read_patient(&http, &sandbox, &patient, tokens["access_token"].as_str()).await;
        expect_outcome(response, 403, "forbidden").await;
    }
}

#[tokio::test]
async fn v1_and_wildcard_scopes_read_the_patient_in_context() {
    let sandbox = start().await;
    let http = http();
    let patient = sandbox.patients()[2].id.clone();
    for scope in [
        "launch patient/Patient.read",
        "launch patient/*.read",
        "launch patient/*.*",
        "launch patient/*.rs",
    ] {
        let tokens = ehr_tokens(&http, &sandbox, &patient, scope).await;
        let response =
            read_patient(&http, &sandbox, &patient, tokens["access_token"].as_str()).await;
        assert_eq!(response.status(), 200, "{scope}");
    }
}

#[tokio::test]
async fn a_user_scope_token_reads_any_patient_and_an_unknown_id_is_404() {
    let sandbox = start().await;
    let http = http();
    let tokens = ehr_tokens(
        &http,
        &sandbox,
        &sandbox.patients()[0].id,
        "launch user/Patient.rs",
    )
    .await;
    let token = tokens["access_token"].as_str();
    for patient in sandbox.patients() {
        assert_eq!(
            read_patient(&http, &sandbox, &patient.id, token)
                .await
                .status(),
            200
        );
    }
    expect_outcome(
        read_patient(&http, &sandbox, "p-nobody", token).await,
        404,
        "not-found",
    )
    .await;
}

#[tokio::test]
async fn an_unsupported_resource_type_answers_404_with_an_operation_outcome() {
    let sandbox = start().await;
    let response = http()
        .get(format!("{}/Device?name=x", sandbox.fhir_base()))
        .send()
        .await
        .expect("answer");
    expect_outcome(response, 404, "not-supported").await;
}

#[tokio::test]
async fn writing_is_not_supported_and_answers_with_an_operation_outcome() {
    let sandbox = start().await;
    let response = http()
        .post(format!("{}/Observation", sandbox.fhir_base()))
        .body("{}")
        .send()
        .await
        .expect("answer");
    expect_outcome(response, 404, "not-supported").await;
}

#[tokio::test]
async fn the_smart_configuration_tells_the_truth_about_the_server() {
    let sandbox = start().await;
    let url = format!("{}/.well-known/smart-configuration", sandbox.fhir_base());
    let response = http().get(url).send().await.expect("an answer");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let config: Value = response.json().await.expect("JSON");
    assert_eq!(config["issuer"], sandbox.fhir_base());
    assert_eq!(
        config["authorization_endpoint"],
        format!("{}/reference/auth/authorize", sandbox.ehr_origin)
    );
    assert_eq!(
        config["token_endpoint"],
        format!("{}/reference/auth/token", sandbox.ehr_origin)
    );
    assert_eq!(
        config["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        config["grant_types_supported"],
        serde_json::json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        config["token_endpoint_auth_methods_supported"],
        serde_json::json!(["none"])
    );
    let capabilities: Vec<&str> = config["capabilities"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for expected in [
        "launch-ehr",
        "launch-standalone",
        "client-public",
        "context-ehr-patient",
        "context-style",
        "permission-v2",
        "permission-offline",
        "sso-openid-connect",
        "authorize-post",
    ] {
        assert!(capabilities.contains(&expected), "{expected}");
    }
    assert!(!capabilities.contains(&"client-confidential-symmetric"));
    assert_eq!(
        config["revocation_endpoint"],
        format!("{}/reference/auth/revoke", sandbox.ehr_origin)
    );
    assert_eq!(
        config["jwks_uri"],
        format!("{}/reference/auth/jwks", sandbox.ehr_origin)
    );
}

#[tokio::test]
async fn the_capability_statement_names_the_oauth_endpoints_and_read_and_search_of_patient() {
    let sandbox = start().await;
    let response = http()
        .get(format!("{}/metadata", sandbox.fhir_base()))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/fhir+json");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let statement: Value = response.json().await.expect("JSON");
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    assert_eq!(statement["fhirVersion"], "4.0.1");
    let security = &statement["rest"][0]["security"];
    assert_eq!(security["service"][0]["coding"][0]["code"], "SMART-on-FHIR");
    let oauth = &security["extension"][0];
    assert_eq!(
        oauth["url"],
        "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
    );
    assert_eq!(oauth["extension"][0]["url"], "authorize");
    assert_eq!(
        oauth["extension"][0]["valueUri"],
        format!("{}/reference/auth/authorize", sandbox.ehr_origin)
    );
    assert_eq!(oauth["extension"][1]["url"], "token");
    assert_eq!(
        oauth["extension"][1]["valueUri"],
        format!("{}/reference/auth/token", sandbox.ehr_origin)
    );
    let resources = statement["rest"][0]["resource"]
        .as_array()
        .expect("resources");
    // The 11 clinical types, then Practitioner (the signed-in clinician).
    assert_eq!(resources.len(), 12);
    assert_eq!(resources[11]["type"], "Practitioner");
    assert_eq!(resources[0]["type"], "Patient");
    assert_eq!(
        resources[0]["interaction"],
        serde_json::json!([{ "code": "read" }, { "code": "search-type" }])
    );
}

#[tokio::test]
async fn the_smart_style_document_has_every_style_property() {
    let sandbox = start().await;
    let response = http()
        .get(format!("{}/reference/smart-style.json", sandbox.ehr_origin))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let style: Value = response.json().await.expect("JSON");
    for key in [
        "color_background",
        "color_error",
        "color_highlight",
        "color_modal_backdrop",
        "color_success",
        "color_text",
        "dim_border_radius",
        "dim_font_size",
        "dim_spacing_size",
        "font_family_body",
        "font_family_heading",
    ] {
        assert!(style[key].is_string(), "{key}");
    }
}

#[tokio::test]
async fn cors_echoes_the_app_origin_on_fhir_and_token_responses() {
    let sandbox = start().await;
    let http = http();
    let patient = sandbox.patients()[0].id.clone();
    let fhir = http
        .get(format!("{}/Patient/{patient}", sandbox.fhir_base()))
        .header("Origin", &sandbox.app_origin)
        .send()
        .await
        .expect("answer");
    assert_eq!(fhir.status(), 401);
    assert_eq!(
        fhir.headers()["access-control-allow-origin"],
        sandbox.app_origin.as_str()
    );
    assert_eq!(fhir.headers()["vary"], "Origin");
    assert!(fhir
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    let token = http
        .post(format!("{}/reference/auth/token", sandbox.ehr_origin))
        .header("Origin", &sandbox.app_origin)
        .form(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .send()
        .await
        .expect("answer");
    assert_eq!(
        token.headers()["access-control-allow-origin"],
        sandbox.app_origin.as_str()
    );
}

#[tokio::test]
async fn cors_preflights_from_the_app_origin_are_answered() {
    let sandbox = start().await;
    let response = http()
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/Patient/x", sandbox.fhir_base()),
        )
        .header("Origin", &sandbox.app_origin)
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .expect("answer");
    assert!(response.status().is_success());
    let headers = response.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        sandbox.app_origin.as_str()
    );
    assert!(headers["access-control-allow-headers"]
        .to_str()
        .expect("ASCII")
        .contains("Authorization"));
    assert!(headers["access-control-allow-methods"]
        .to_str()
        .expect("ASCII")
        .contains("POST"));
    assert!(headers.get("access-control-max-age").is_some());
}

#[tokio::test]
async fn another_origin_gets_no_cors_headers_on_fhir_token_or_preflight() {
    let sandbox = start().await;
    let http = http();
    let evil = "http://localhost:1";
    let fhir = http
        .get(format!("{}/Patient/x", sandbox.fhir_base()))
        .header("Origin", evil)
        .send()
        .await
        .expect("answer");
    let token = http
        .post(format!("{}/reference/auth/token", sandbox.ehr_origin))
        .header("Origin", evil)
        .send()
        .await
        .expect("answer");
    let preflight = http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/reference/auth/token", sandbox.ehr_origin),
        )
        .header("Origin", evil)
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .expect("answer");
    for response in [fhir, token, preflight] {
        let cors: Vec<_> = response
            .headers()
            .keys()
            .filter(|k| k.as_str().starts_with("access-control-"))
            .collect();
        assert!(cors.is_empty(), "{cors:?}");
    }
}
