//! Token cases from RFC 6749 §4.1.3, §5.1, §5.2, RFC 7636 §4.5 and the SMART launch context.

use super::*;
use crate::http::{FailureKind, HttpResponse, NetworkFailure};
use crate::smart::authorize::{authorization_request, ClientSettings, Entropy};
use crate::smart::callback::{parse_callback, verify};
use crate::smart::discovery::Discovery;
use std::collections::HashMap;

fn endpoint() -> Url {
    Url::parse("https://ehr.example/token").unwrap()
}

fn ok(body: &str) -> HttpResult {
    Ok(HttpResponse {
        status: 200,
        content_type: Some("application/json".into()),
        body: body.into(),
    })
}

fn status(status: u16, body: &str) -> HttpResult {
    Ok(HttpResponse {
        status,
        content_type: Some("application/json".into()),
        body: body.into(),
    })
}

fn verified(code: &str) -> StateVerified {
    let discovery = Discovery::with_endpoints(
        FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
        Url::parse("https://ehr.example/authorize").unwrap(),
        endpoint(),
    );
    let client = ClientSettings {
        client_id: "bed side".into(),
        redirect_uri: Url::parse("https://app.example/callback?x=1&y=2").unwrap(),
        scope: "launch patient/*.rs".into(),
    };
    let entropy = Entropy {
        state: [1; 32],
        verifier: [2; 32],
        nonce: [3; 32],
    };
    let (_, record) = authorization_request(
        &discovery,
        &client,
        LaunchKind::Ehr { launch: "l".into() },
        entropy,
        0,
    );
    let callback = Url::parse(&format!(
        "https://app.example/callback?code={code}&state={}",
        record.state.as_str()
    ))
    .unwrap();
    verify(parse_callback(&callback).unwrap(), Some(record), 1).unwrap()
}

#[test]
fn the_token_request_is_a_form_post_with_code_verifier_and_redirect_uri() {
    let verified = verified("c%2Fd");
    let challenge = verified.record().verifier.challenge();
    let verifier_text = verified.record().verifier.expose().to_owned();
    let (request, context) = token_request(verified);
    assert_eq!(request.url, endpoint());
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let body: HashMap<String, String> =
        url::form_urlencoded::parse(request.body.as_ref().unwrap().as_bytes())
            .into_owned()
            .collect();
    assert_eq!(body["grant_type"], "authorization_code");
    assert_eq!(body["code"], "c/d");
    assert_eq!(body["redirect_uri"], "https://app.example/callback?x=1&y=2");
    assert_eq!(body["client_id"], "bed side");
    assert_eq!(body["code_verifier"], verifier_text);
    assert_eq!(CodeVerifierCheck(&verifier_text).challenge(), challenge);
    assert_eq!(context.launch, LaunchKind::Ehr { launch: "l".into() });
}

// Recomputes the challenge from the sent verifier, as the server would (RFC 7636 §4.6).
struct CodeVerifierCheck<'a>(&'a str);
impl CodeVerifierCheck<'_> {
    fn challenge(&self) -> String {
        crate::smart::pkce::CodeVerifier::parse(self.0)
            .unwrap()
            .challenge()
    }
}

#[test]
fn reserved_characters_in_form_values_are_escaped() {
    let (request, _) = token_request(verified("a%2Bb%26c%3Dd"));
    let body = request.body.unwrap();
    assert!(body.contains("code=a%2Bb%26c%3Dd"), "{body}");
    assert!(body.contains("client_id=bed+side"), "{body}");
}

#[test]
fn a_full_smart_token_response_is_typed_and_unknown_fields_are_kept() {
    let body = r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,
      "scope":"launch patient/*.rs","refresh_token":"rt","id_token":"h.p.s",
      "patient":"123","encounter":"e1","need_patient_banner":false,
      "smart_style_url":"https://ehr.example/style.json","intent":"reconcile-medications",
      "tenant":"t1","fhirContext":[{"reference":"DiagnosticReport/9","role":"launch"},
      {"canonical":"http://q.example/Questionnaire/phq9|1.0","type":"Questionnaire"}],
      "vendor_field":{"a":1}}"#;
    let token = parse_token_response(&endpoint(), ok(body)).unwrap();
    assert_eq!(token.access_token.expose(), "at");
    assert_eq!(token.expires_in, Some(3600));
    assert_eq!(token.refresh_token.unwrap().expose(), "rt");
    assert_eq!(token.patient.as_deref(), Some("123"));
    assert_eq!(token.encounter.as_deref(), Some("e1"));
    assert!(!token.need_patient_banner);
    assert_eq!(token.intent.as_deref(), Some("reconcile-medications"));
    assert_eq!(token.tenant.as_deref(), Some("t1"));
    assert_eq!(token.fhir_context.len(), 2);
    assert_eq!(
        token.fhir_context[0].reference.as_deref(),
        Some("DiagnosticReport/9")
    );
    assert_eq!(
        token.fhir_context[1].resource_type.as_deref(),
        Some("Questionnaire")
    );
    assert!(token.extra.contains_key("vendor_field"));
}

#[test]
fn token_type_is_compared_case_insensitively() {
    let body = r#"{"access_token":"at","token_type":"bearer","scope":"patient/*.read "}"#;
    let token = parse_token_response(&endpoint(), ok(body)).unwrap();
    assert_eq!(token.scope, "patient/*.read");
    assert!(
        token.need_patient_banner,
        "absent need_patient_banner means show the banner"
    );
}

#[test]
fn a_non_bearer_token_type_is_refused() {
    let body = r#"{"access_token":"at","token_type":"mac"}"#;
    assert_eq!(
        parse_token_response(&endpoint(), ok(body)).unwrap_err(),
        TokenError::UnsupportedTokenType("mac".into())
    );
}

#[test]
fn string_encoded_numbers_and_flags_are_understood() {
    let body = r#"{"access_token":"at","token_type":"Bearer","expires_in":"570","need_patient_banner":"false"}"#;
    let token = parse_token_response(&endpoint(), ok(body)).unwrap();
    assert_eq!(token.expires_in, Some(570));
    assert!(!token.need_patient_banner);
}

#[test]
fn a_missing_access_token_is_named() {
    let error = parse_token_response(&endpoint(), ok(r#"{"token_type":"Bearer"}"#)).unwrap_err();
    assert_eq!(error, TokenError::MissingField("access_token"));
    assert!(error.message().contains("access_token"));
}

#[test]
fn a_malformed_field_is_named() {
    let body = r#"{"access_token":"at","token_type":"Bearer","expires_in":-5}"#;
    assert_eq!(
        parse_token_response(&endpoint(), ok(body)).unwrap_err(),
        TokenError::BadField("expires_in")
    );
}

#[test]
fn an_invalid_grant_error_is_reported_with_the_servers_description() {
    let body = r#"{"error":"invalid_grant","error_description":"PKCE verification failed"}"#;
    let error = parse_token_response(&endpoint(), status(400, body)).unwrap_err();
    assert!(matches!(
        error,
        TokenError::Refused {
            code: OAuthErrorCode::InvalidGrant,
            ..
        }
    ));
    assert!(error.message().contains("PKCE verification failed"));
}

#[test]
fn a_500_without_an_oauth_body_reports_the_status() {
    let error = parse_token_response(&endpoint(), status(500, "<html>oops</html>")).unwrap_err();
    assert_eq!(error, TokenError::Status { status: 500 });
}

#[test]
fn a_network_failure_names_the_origin_and_cors() {
    let failed = Err(NetworkFailure::unreachable("Failed to fetch"));
    let error = parse_token_response(&endpoint(), failed).unwrap_err();
    assert!(error.message().contains("https://ehr.example"));
    assert!(error.message().contains("CORS"));
}

#[test]
fn a_2xx_html_page_is_not_json() {
    assert_eq!(
        parse_token_response(&endpoint(), ok("<html></html>")).unwrap_err(),
        TokenError::NotJson
    );
}

#[test]
fn an_access_token_with_a_line_break_is_refused_without_repeating_it() {
    let body =
        r#"{"access_token":"SECRET\r\nX-Injected: yes","token_type":"Bearer","patient":"p"}"#;
    let error = parse_token_response(&endpoint(), ok(body)).unwrap_err();
    assert!(
        matches!(error, TokenError::MalformedAccessToken(_)),
        "{error:?}"
    );
    let words = format!("{} {} {error}", error.title(), error.message());
    assert!(words.contains("line break"), "{words}");
    assert!(!words.contains("SECRET"), "{words}");
}

#[test]
fn an_access_token_outside_the_b64token_grammar_is_refused() {
    for token in ["a b", "a\\\"b", "a%0Ab", "ab=c", "caf\u{e9}"] {
        let body = format!(r#"{{"access_token":"{token}","token_type":"Bearer"}}"#);
        assert!(
            matches!(
                parse_token_response(&endpoint(), ok(&body)),
                Err(TokenError::MalformedAccessToken(_))
            ),
            "{token}"
        );
    }
}

#[test]
fn a_token_endpoint_that_does_not_answer_in_time_is_named_with_the_deadline() {
    let failed = Err(NetworkFailure::new(
        FailureKind::TimedOut { seconds: 30 },
        "aborted",
    ));
    let error = parse_token_response(&endpoint(), failed).unwrap_err();
    assert_eq!(
        error,
        TokenError::TimedOut {
            origin: "https://ehr.example".into(),
            seconds: 30
        }
    );
    assert!(
        error.message().contains("30 seconds"),
        "{}",
        error.message()
    );
}

#[test]
fn a_token_endpoint_that_redirects_is_reported_not_followed() {
    let failed = Err(NetworkFailure::new(
        FailureKind::Redirected,
        "opaqueredirect",
    ));
    let error = parse_token_response(&endpoint(), failed).unwrap_err();
    assert!(matches!(error, TokenError::Redirected { .. }));
    assert!(
        error.message().contains("did not follow"),
        "{}",
        error.message()
    );
}
