//! Capability cases from FHIR R4 §2.40 (CapabilityStatement) and SMART App Launch "Conformance".

use super::*;

const STATEMENT: &str = r#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1",
  "format":["application/fhir+json"],
  "rest":[{"mode":"server",
    "security":{"extension":[{"url":
      "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris","extension":[
        {"url":"authorize","valueUri":"https://auth.example/authorize"},
        {"url":"token","valueUri":"https://auth.example/token"},
        {"url":"revoke","valueUri":"https://auth.example/revoke"},
        {"url":"future-thing","valueUri":"https://auth.example/x"}]}]},
    "resource":[
      {"type":"Observation","interaction":[{"code":"read"},{"code":"search-type"}],
       "searchParam":[{"name":"patient","type":"reference"},{"name":"category","type":"token"},
                      {"name":"date","type":"date"},{"name":"_sort","type":"string"}],
       "supportedProfile":["http://hl7.org/fhir/us/core/StructureDefinition/us-core-vital-signs"]},
      {"type":"MedicationRequest","interaction":[{"code":"search-type"}],
       "searchParam":[{"name":"patient","type":"reference"}],
       "searchInclude":["MedicationRequest:medication"]},
      {"type":"Medication","interaction":[{"code":"read"}]},
      {"type":"Encounter","interaction":[{"code":"read"}],
       "searchParam":[{"name":"patient","type":"reference"}]}
    ],
    "searchParam":[{"name":"_count","type":"number"}],
    "operation":[{"name":"$everything","definition":"x"}]}]}"#;

fn capabilities() -> Capabilities {
    Capabilities::from_json(STATEMENT).unwrap()
}

#[test]
fn oauth_uris_are_read_from_the_security_extension() {
    let oauth = capabilities().oauth;
    assert_eq!(
        oauth.authorize.as_deref(),
        Some("https://auth.example/authorize")
    );
    assert_eq!(oauth.token.as_deref(), Some("https://auth.example/token"));
    assert_eq!(oauth.revoke.as_deref(), Some("https://auth.example/revoke"));
}

#[test]
fn releases_are_classified_and_old_ones_named() {
    assert_eq!(capabilities().release, Some(FhirRelease::R4));
    assert_eq!(FhirRelease::from_version("4.3.0"), FhirRelease::R4B);
    assert_eq!(FhirRelease::from_version("5.0.0"), FhirRelease::R5);
    assert_eq!(
        FhirRelease::from_version("3.0.2"),
        FhirRelease::Unsupported("3.0.2".into())
    );
    assert_eq!(
        FhirRelease::from_version("1.0.2"),
        FhirRelease::Unsupported("1.0.2".into())
    );
}

#[test]
fn search_support_needs_the_search_type_interaction_and_the_parameter() {
    let c = capabilities();
    assert!(c.supports_search("Observation", "category"));
    assert!(!c.supports_search("Observation", "code"));
    assert!(
        !c.supports_search("Encounter", "patient"),
        "Encounter declares read only"
    );
    assert!(
        !c.supports_search("Procedure", "patient"),
        "Procedure is not listed"
    );
}

#[test]
fn rest_level_search_params_apply_to_every_type() {
    assert!(capabilities().supports_search("Observation", "_count"));
    assert!(capabilities().supports_search("MedicationRequest", "_count"));
}

#[test]
fn sorting_needs_a_declared_sort_and_a_searchable_parameter() {
    let c = capabilities();
    assert!(c.supports_sort("Observation", "date"));
    assert!(!c.supports_sort("Observation", "code"));
    assert!(!c.supports_sort("MedicationRequest", "date"));
}

#[test]
fn includes_are_answered_from_search_include() {
    let c = capabilities();
    assert!(c.supports_include("MedicationRequest", "MedicationRequest:medication"));
    assert!(!c.supports_include("Observation", "Observation:subject"));
}

#[test]
fn operations_profiles_formats_and_reads_are_kept() {
    let c = capabilities();
    assert_eq!(c.system_operations, vec!["everything"]);
    assert_eq!(c.formats, vec!["application/fhir+json"]);
    assert!(c.supports_read("Medication"));
    assert!(!c.supports_read("MedicationRequest"));
    assert_eq!(
        c.resource("Observation").unwrap().supported_profiles.len(),
        1
    );
}

#[test]
fn an_xml_answer_is_reported_as_not_json() {
    assert!(matches!(
        Capabilities::from_json("<CapabilityStatement xmlns=\"http://hl7.org/fhir\"/>"),
        Err(CapabilityParseError::NotJson(_))
    ));
}

#[test]
fn a_statement_without_security_has_no_oauth_uris() {
    let c =
        Capabilities::from_json(r#"{"resourceType":"CapabilityStatement","rest":[{}]}"#).unwrap();
    assert_eq!(c.oauth, OAuthUris::default());
    assert_eq!(c.release, None);
}

#[test]
fn the_conservative_model_searches_by_patient_only_and_carries_its_notice() {
    let c = Capabilities::conservative(CapabilityNotice::Unreadable("XML".into()));
    assert!(c.supports_search("Condition", "patient"));
    assert!(!c.supports_search("Observation", "category"));
    assert!(!c.supports_sort("Observation", "date"));
    assert!(c.notice.unwrap().message().contains("XML"));
}

#[test]
fn capabilities_round_trip_through_json_for_the_in_flight_record() {
    let c = capabilities();
    let text = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<Capabilities>(&text).unwrap(), c);
}
