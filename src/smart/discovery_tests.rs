//! Discovery cases from SMART App Launch 2.2 §"Conformance" and §"Capabilities".

use super::*;
use crate::fhir::capabilities::CapabilityNotice;
use crate::http::{HttpResponse, NetworkFailure};

fn base() -> FhirBaseUrl {
    FhirBaseUrl::parse("https://ehr.example/fhir").unwrap()
}

fn json(status: u16, body: &str) -> HttpResult {
    Ok(HttpResponse {
        status,
        content_type: Some("application/json".into()),
        body: body.into(),
    })
}

fn failed() -> HttpResult {
    Err(NetworkFailure::unreachable("TypeError: Failed to fetch"))
}

const FULL: &str = r#"{
  "issuer": "https://ehr.example/fhir",
  "jwks_uri": "https://ehr.example/jwks",
  "authorization_endpoint": "https://ehr.example/auth/authorize",
  "grant_types_supported": ["authorization_code", "refresh_token"],
  "token_endpoint": "https://ehr.example/auth/token",
  "token_endpoint_auth_methods_supported": ["none", "private_key_jwt"],
  "scopes_supported": ["openid", "launch", "patient/*.rs"],
  "response_types_supported": ["code"],
  "revocation_endpoint": "https://ehr.example/auth/revoke",
  "capabilities": ["launch-ehr", "context-passthrough-banner", "permission-v2", "quantum-launch"],
  "code_challenge_methods_supported": ["S256"],
  "vendor_extension": {"x": 1}
}"#;

const STATEMENT: &str = r#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1",
  "rest":[{"security":{"extension":[{"url":
  "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris","extension":[
    {"url":"authorize","valueUri":"https://legacy.example/authorize"},
    {"url":"token","valueUri":"https://legacy.example/token"}]}]}}]}"#;

#[test]
fn discovery_asks_for_the_well_known_document_and_metadata_below_the_base() {
    let [well_known, metadata] = discovery_requests(&base());
    assert_eq!(
        well_known.url.as_str(),
        "https://ehr.example/fhir/.well-known/smart-configuration"
    );
    assert_eq!(metadata.url.as_str(), "https://ehr.example/fhir/metadata");
    assert_eq!(metadata.header("accept"), Some("application/fhir+json"));
}

#[test]
fn every_field_of_the_well_known_document_is_typed_and_unknown_fields_are_kept() {
    let found = resolve(&base(), json(200, FULL), json(200, STATEMENT)).unwrap();
    assert_eq!(found.source, EndpointSource::WellKnown);
    assert_eq!(
        found.token_endpoint.as_str(),
        "https://ehr.example/auth/token"
    );
    assert_eq!(
        found.revocation_endpoint.unwrap().as_str(),
        "https://ehr.example/auth/revoke"
    );
    let config = found.configuration.unwrap();
    assert_eq!(config.jwks_uri.as_deref(), Some("https://ehr.example/jwks"));
    assert_eq!(config.token_endpoint_auth_methods_supported.len(), 2);
    assert!(config.extra.contains_key("vendor_extension"));
}

#[test]
fn the_legacy_passthrough_banner_name_means_context_banner() {
    let config = SmartConfiguration::from_json(FULL).unwrap();
    assert!(config.has(&Capability::ContextBanner));
}

#[test]
fn an_unknown_capability_is_kept_and_not_fatal() {
    let config = SmartConfiguration::from_json(FULL).unwrap();
    assert!(config.has(&Capability::Unknown("quantum-launch".into())));
}

#[test]
fn relative_endpoints_are_resolved_against_the_fhir_base() {
    let doc = r#"{"authorization_endpoint":"auth/authorize","token_endpoint":"auth/token"}"#;
    let found = resolve(&base(), json(200, doc), failed()).unwrap();
    assert_eq!(
        found.authorization_endpoint.as_str(),
        "https://ehr.example/fhir/auth/authorize"
    );
    assert_eq!(
        found.token_endpoint.as_str(),
        "https://ehr.example/fhir/auth/token"
    );
}

#[test]
fn a_missing_token_endpoint_is_named() {
    let doc = r#"{"authorization_endpoint":"https://ehr.example/a"}"#;
    let error = resolve(&base(), json(200, doc), failed()).unwrap_err();
    assert!(error.message().contains("token_endpoint"));
}

#[test]
fn a_field_of_the_wrong_type_is_named() {
    let doc = r#"{"authorization_endpoint":"a","token_endpoint":"t","capabilities":"launch-ehr"}"#;
    let error = resolve(&base(), json(200, doc), failed()).unwrap_err();
    assert_eq!(
        error,
        DiscoveryError::BadField {
            field: "capabilities",
            expected: "a list of text"
        }
    );
    assert!(error.message().contains("\"capabilities\""));
}

#[test]
fn a_broken_document_is_reported_not_guessed() {
    let error = resolve(&base(), json(200, "{not json"), json(200, STATEMENT)).unwrap_err();
    assert!(matches!(error, DiscoveryError::NotJson { .. }));
}

#[test]
fn the_capability_statement_is_used_only_when_the_well_known_document_is_404() {
    let found = resolve(&base(), json(404, ""), json(200, STATEMENT)).unwrap();
    assert_eq!(found.source, EndpointSource::CapabilityStatement);
    assert_eq!(
        found.authorization_endpoint.as_str(),
        "https://legacy.example/authorize"
    );
}

#[test]
fn a_500_from_the_well_known_document_does_not_fall_back() {
    let error = resolve(&base(), json(500, ""), json(200, STATEMENT)).unwrap_err();
    assert_eq!(error, DiscoveryError::WellKnownStatus { status: 500 });
}

#[test]
fn an_unreachable_well_known_document_does_not_fall_back() {
    let error = resolve(&base(), failed(), json(200, STATEMENT)).unwrap_err();
    assert!(matches!(error, DiscoveryError::Unreachable { .. }));
    assert!(error.message().contains("CORS"));
}

#[test]
fn a_well_known_document_unanswered_at_the_deadline_says_how_long_bedside_waited() {
    let late = Err(NetworkFailure::new(
        crate::http::FailureKind::TimedOut { seconds: 30 },
        "AbortError",
    ));
    let error = resolve(&base(), late, json(200, STATEMENT)).unwrap_err();
    assert!(matches!(
        error,
        DiscoveryError::TimedOut { seconds: 30, .. }
    ));
    assert!(
        error.message().contains("within 30 seconds"),
        "{}",
        error.message()
    );
    assert!(!error.message().contains("CORS"), "{}", error.message());
}

#[test]
fn a_capability_statement_without_oauth_uris_is_named_when_it_is_the_only_source() {
    let bare = r#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1","rest":[{}]}"#;
    let error = resolve(&base(), json(404, ""), json(200, bare)).unwrap_err();
    assert!(error.message().contains("oauth-uris"));
    assert!(error.message().contains("\"authorize\""));
}

#[test]
fn a_server_without_s256_is_refused_with_what_it_offers() {
    let doc = r#"{"authorization_endpoint":"a","token_endpoint":"t","code_challenge_methods_supported":["plain"]}"#;
    let error = resolve(&base(), json(200, doc), failed()).unwrap_err();
    assert!(error.message().contains("plain"));
}

#[test]
fn a_plain_http_endpoint_on_a_remote_host_is_refused() {
    let doc = r#"{"authorization_endpoint":"http://ehr.example/a","token_endpoint":"t"}"#;
    let error = resolve(&base(), json(200, doc), failed()).unwrap_err();
    assert!(matches!(
        error,
        DiscoveryError::BadEndpoint {
            name: "authorization_endpoint",
            ..
        }
    ));
}

#[test]
fn a_stu3_server_is_refused_naming_its_version() {
    let stu3 = r#"{"resourceType":"CapabilityStatement","fhirVersion":"3.0.2"}"#;
    let error = resolve(&base(), json(200, FULL), json(200, stu3)).unwrap_err();
    assert!(error.message().contains("3.0.2"));
}

#[test]
fn an_xml_capability_statement_does_not_stop_a_well_known_launch() {
    let found = resolve(
        &base(),
        json(200, FULL),
        json(200, "<CapabilityStatement/>"),
    )
    .unwrap();
    let notice = found
        .capabilities
        .notice
        .expect("a conservative model says why");
    assert!(matches!(notice, CapabilityNotice::Unreadable(_)));
}

#[test]
fn a_server_advertising_the_iss_response_parameter_is_marked_as_sending_it() {
    let doc = r#"{"authorization_endpoint":"a","token_endpoint":"t",
      "authorization_response_iss_parameter_supported":true}"#;
    assert!(resolve(&base(), json(200, doc), failed())
        .unwrap()
        .sends_response_iss());
    let silent = r#"{"authorization_endpoint":"a","token_endpoint":"t"}"#;
    assert!(!resolve(&base(), json(200, silent), failed())
        .unwrap()
        .sends_response_iss());
}

#[test]
fn an_iss_response_flag_that_is_not_a_boolean_is_named() {
    let doc = r#"{"authorization_endpoint":"a","token_endpoint":"t",
      "authorization_response_iss_parameter_supported":"yes"}"#;
    let error = resolve(&base(), json(200, doc), failed()).unwrap_err();
    assert_eq!(
        error,
        DiscoveryError::BadField {
            field: "authorization_response_iss_parameter_supported",
            expected: "true or false"
        }
    );
}
