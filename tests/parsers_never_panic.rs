//! Hostile input never panics a parser: every parser that reads server or URL data returns an
//! error value instead (property tests with arbitrary text and with mutated valid documents).
#![cfg(not(target_arch = "wasm32"))]

use bedside::config::AppConfig;
use bedside::fhir::capabilities::Capabilities;
use bedside::fhir::date::FhirDate;
use bedside::fhir::patient::Patient;
use bedside::fhir::FhirBaseUrl;
use bedside::http::HttpResponse;
use bedside::smart::callback::parse_callback;
use bedside::smart::discovery::{resolve, SmartConfiguration};
use bedside::smart::launch::parse_ehr_launch;
use bedside::smart::token::parse_token_response;
use proptest::prelude::*;
use url::Url;

const DISCOVERY: &str = r#"{"authorization_endpoint":"https://e.example/a","token_endpoint":"t",
  "capabilities":["launch-ehr","permission-v2"],"code_challenge_methods_supported":["S256"]}"#;
const TOKEN: &str = r#"{"access_token":"a","token_type":"Bearer","expires_in":3600,
  "patient":"p1","fhirContext":[{"reference":"Encounter/1"}],"need_patient_banner":true}"#;

fn json_like() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[{}\\[\\]\":,a-z0-9 .-]{0,80}",
        (0..DISCOVERY.len(), any::<char>()).prop_map(|(i, c)| mutate(DISCOVERY, i, c)),
        (0..TOKEN.len(), any::<char>()).prop_map(|(i, c)| mutate(TOKEN, i, c)),
    ]
}

fn mutate(text: &str, index: usize, replacement: char) -> String {
    text.chars()
        .enumerate()
        .map(|(i, c)| if i == index { replacement } else { c })
        .collect()
}

fn ok(body: String) -> Result<HttpResponse, bedside::http::NetworkFailure> {
    Ok(HttpResponse {
        status: 200,
        content_type: None,
        body,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn discovery_documents_never_panic(body in json_like(), status in 100u16..600) {
        let base = FhirBaseUrl::parse("https://ehr.example/fhir").unwrap();
        let _ = SmartConfiguration::from_json(&body);
        let response = Ok(HttpResponse { status, content_type: None, body: body.clone() });
        let _ = resolve(&base, response, ok(body));
    }

    #[test]
    fn token_responses_never_panic(body in json_like(), status in 100u16..600) {
        let endpoint = Url::parse("https://ehr.example/token").unwrap();
        let _ = parse_token_response(&endpoint, Ok(HttpResponse { status, content_type: None, body }));
    }

    #[test]
    fn callback_and_launch_queries_never_panic(query in "[a-z_=&%0-9A-F+:/.]{0,120}") {
        let url = Url::parse(&format!("https://app.example/callback?{query}")).unwrap();
        let _ = parse_callback(&url);
        let _ = parse_ehr_launch(&url);
    }

    #[test]
    fn resources_config_and_dates_never_panic(body in json_like()) {
        let _ = Patient::from_json(&body);
        let _ = Capabilities::from_json(&body);
        let _ = AppConfig::parse(&body, &Url::parse("https://app.example/").unwrap());
        let _ = FhirDate::parse(&body);
        let _ = FhirBaseUrl::parse(&body);
    }
}
