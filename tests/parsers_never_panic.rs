//! Hostile input never panics a parser: every parser that reads server or URL data returns an
//! error value instead. One property-test target per parser that reads what a server or the
//! address bar sends: the discovery documents, the token response, scope strings and the
//! callback (and launch) query, plus the resource, config and date parsers.
//!
//! Inputs are structure-aware rather than random bytes: valid documents with fields replaced
//! by arbitrary JSON, removed or spliced character by character; arbitrary JSON values keyed by
//! the fields each parser knows; scopes assembled from the SMART grammar's pieces; queries
//! assembled from the OAuth response parameters with percent-encoded (also broken) pieces.
//!
//! `BEDSIDE_FUZZ_CASES` sets the number of cases per target (default 2000), so a long fuzzing
//! run is `BEDSIDE_FUZZ_CASES=200000 cargo test --release --test parsers_never_panic TARGET`.
#![cfg(not(target_arch = "wasm32"))]

use bedside::config::AppConfig;
use bedside::fhir::capabilities::Capabilities;
use bedside::fhir::date::FhirDate;
use bedside::fhir::patient::Patient;
use bedside::fhir::FhirBaseUrl;
use bedside::smart::callback::{cleaned_url, parse_callback};
use bedside::smart::discovery::{resolve, SmartConfiguration};
use bedside::smart::launch::parse_ehr_launch;
use bedside::smart::scope::{Compartment, Scope, ScopeSet};
use bedside::smart::scope_plan::granted_vs_requested;
use bedside::smart::token::parse_token_response;
use parser_inputs::*;
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use url::Url;

mod parser_inputs;

const DISCOVERY: &str = r#"{"issuer":"https://e.example","jwks_uri":"https://e.example/jwks",
  "authorization_endpoint":"https://e.example/a","token_endpoint":"t",
  "revocation_endpoint":"/auth/revoke","grant_types_supported":["authorization_code"],
  "capabilities":["launch-ehr","permission-v2","context-passthrough-banner"],
  "code_challenge_methods_supported":["S256"],"scopes_supported":["launch","patient/*.rs"],
  "associated_endpoints":[{"url":"https://e.example/x","capabilities":["launch-ehr"]}]}"#;
const DISCOVERY_KEYS: &[&str] = &[
    "issuer",
    "jwks_uri",
    "authorization_endpoint",
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
    "management_endpoint",
    "registration_endpoint",
    "smart_app_state_endpoint",
    "grant_types_supported",
    "token_endpoint_auth_methods_supported",
    "scopes_supported",
    "response_types_supported",
    "capabilities",
    "code_challenge_methods_supported",
    "associated_endpoints",
    "user_access_brand_bundle",
    "user_access_brand_identifier",
    "url",
];
const CAPABILITY_STATEMENT: &str = r#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1",
  "rest":[{"mode":"server","security":{"extension":[{"url":
  "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris","extension":[
  {"url":"authorize","valueUri":"https://e.example/a"},{"url":"token","valueUri":"t"}]}]},
  "resource":[{"type":"Observation","searchParam":[{"name":"category","type":"token"}],
  "searchInclude":["Observation:patient"]}]}]}"#;
const CAPABILITY_KEYS: &[&str] = &[
    "resourceType",
    "fhirVersion",
    "rest",
    "mode",
    "security",
    "extension",
    "url",
    "valueUri",
    "resource",
    "type",
    "searchParam",
    "name",
    "searchInclude",
    "interaction",
    "code",
];
const TOKEN: &str = r#"{"access_token":"a","token_type":"Bearer","expires_in":3600,
  "scope":"launch patient/*.rs openid fhirUser","refresh_token":"r","id_token":"x.y.z",
  "patient":"p1","encounter":"e1","fhirContext":[{"reference":"Encounter/1"},
  {"canonical":"http://x/Q|1","type":"Questionnaire","role":"launch"}],
  "need_patient_banner":true,"smart_style_url":"https://e.example/style","intent":"x",
  "tenant":"t"}"#;
const TOKEN_KEYS: &[&str] = &[
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "refresh_token",
    "id_token",
    "patient",
    "encounter",
    "fhirContext",
    "need_patient_banner",
    "smart_style_url",
    "intent",
    "tenant",
    "error",
    "error_description",
    "error_uri",
    "reference",
    "canonical",
    "identifier",
    "type",
    "role",
];

fn cases() -> u32 {
    std::env::var("BEDSIDE_FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(2000)
}

proptest! {
    #![proptest_config(Config { cases: cases(), ..Config::default() })]

    #[test]
    fn discovery_documents_never_panic(
        well_known in response(any_status(), document(DISCOVERY, DISCOVERY_KEYS)),
        metadata in response(any_status(), document(CAPABILITY_STATEMENT, CAPABILITY_KEYS)),
    ) {
        let base = FhirBaseUrl::parse("https://ehr.example/fhir").unwrap();
        if let Ok(response) = &well_known {
            let _ = SmartConfiguration::from_json(&response.body);
        }
        let _ = resolve(&base, well_known, metadata);
    }

    #[test]
    fn token_responses_never_panic(result in response(any_status(), document(TOKEN, TOKEN_KEYS))) {
        let endpoint = Url::parse("https://ehr.example/token").unwrap();
        let _ = parse_token_response(&endpoint, result);
    }

    #[test]
    fn scope_strings_never_panic(requested in scope_string(), granted in scope_string()) {
        for word in requested.split_whitespace() {
            let _ = Scope::parse(word).map(|scope| scope.to_v2());
        }
        let strict = ScopeSet::parse(&requested);
        let lenient = ScopeSet::parse_lenient(&requested);
        let granted = ScopeSet::parse_lenient(&granted);
        let _ = granted_vs_requested(&lenient, &granted);
        let _ = granted.allows_read("Observation");
        let _ = granted.allows_search(
            "Observation",
            &[("category", "laboratory")],
            Compartment::Patient,
        );
        // What Bedside prints of a scope set it parsed must parse again to the same set.
        if let Ok(parsed) = strict {
            let _ = parsed.to_v2();
            prop_assert_eq!(ScopeSet::parse(&parsed.to_string()), Ok(parsed));
        }
    }

    #[test]
    fn callback_and_launch_queries_never_panic(query in callback_query(), fragment in prop::option::of(query_value())) {
        let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        // Whatever the address bar holds is a URL already; text no URL parser accepts never
        // reaches these parsers.
        if let Ok(url) = Url::parse(&format!("https://app.example/callback?{query}{fragment}")) {
            let _ = parse_callback(&url);
            let _ = cleaned_url(&url);
            let _ = parse_ehr_launch(&url);
        }
    }

    #[test]
    fn resources_config_and_dates_never_panic(body in prop_oneof![
        document(CAPABILITY_STATEMENT, CAPABILITY_KEYS),
        document(TOKEN, TOKEN_KEYS),
    ]) {
        let _ = Patient::from_json(&body);
        let _ = Capabilities::from_json(&body);
        let _ = AppConfig::parse(&body, &Url::parse("https://app.example/").unwrap());
        let _ = FhirDate::parse(&body);
        let _ = FhirBaseUrl::parse(&body);
    }
}

// The JSON template strings are part of the generators: a typo in one would silently turn
// every mutated case into a mutation of nothing.
#[test]
fn every_template_is_a_json_object() {
    for template in [DISCOVERY, CAPABILITY_STATEMENT, TOKEN] {
        assert!(matches!(
            serde_json::from_str::<Value>(template),
            Ok(Value::Object(_))
        ));
    }
}
