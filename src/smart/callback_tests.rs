//! Callback cases from RFC 6749 §4.1.2, §4.1.2.1 and §10.12 (CSRF via `state`).

use super::*;
use crate::smart::authorize::{test_record, LaunchKind, MAX_IN_FLIGHT_AGE_MS};

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn callback_for(record: &InFlightRecord, extra: &str) -> Url {
    url(&format!(
        "https://app.example/callback?code=abc&state={}{extra}",
        record.state.as_str()
    ))
}

#[test]
fn a_code_with_the_state_of_a_live_record_is_verified() {
    let record = test_record(LaunchKind::Standalone);
    let response = parse_callback(&callback_for(&record, "")).unwrap();
    let verified = verify(response, Some(record), 2_000).unwrap();
    assert_eq!(verified.code.expose(), "abc");
}

#[test]
fn callback_with_tampered_state_is_refused() {
    let record = test_record(LaunchKind::Standalone);
    let tampered = url("https://app.example/callback?code=abc&state=forged");
    let response = parse_callback(&tampered).unwrap();
    // The shell looks the record up by the presented state and finds none.
    assert_eq!(
        verify(response.clone(), None, 2_000).unwrap_err(),
        CallbackError::UnknownState
    );
    // Even if handed some other record, the states must match exactly.
    assert_eq!(
        verify(response, Some(record), 2_000).unwrap_err(),
        CallbackError::UnknownState
    );
}

#[test]
fn callback_with_reused_state_is_refused_because_its_record_is_gone() {
    let record = test_record(LaunchKind::Standalone);
    let first = parse_callback(&callback_for(&record, "")).unwrap();
    let second = first.clone();
    assert!(verify(first, Some(record), 2_000).is_ok());
    assert_eq!(
        verify(second, None, 2_000).unwrap_err(),
        CallbackError::UnknownState
    );
    assert!(CallbackError::UnknownState
        .hint()
        .unwrap()
        .contains("Open the app from your EHR or start again"));
}

#[test]
fn callback_after_ten_minutes_is_refused() {
    let record = test_record(LaunchKind::Standalone);
    let response = parse_callback(&callback_for(&record, "")).unwrap();
    let late = 1_001 + MAX_IN_FLIGHT_AGE_MS;
    assert_eq!(
        verify(response, Some(record), late).unwrap_err(),
        CallbackError::Expired
    );
}

#[test]
fn access_denied_for_our_state_is_reported_in_plain_words() {
    let record = test_record(LaunchKind::Standalone);
    let denied = url(&format!(
        "https://app.example/callback?error=access_denied&error_description=User+declined&state={}",
        record.state.as_str()
    ));
    let error = verify(parse_callback(&denied).unwrap(), Some(record), 2_000).unwrap_err();
    assert_eq!(error.title(), "Access was not granted");
    assert!(error.message().contains("declined"));
    assert!(error.message().contains("User declined"));
}

#[test]
fn an_error_for_an_unknown_state_is_not_trusted() {
    let record = test_record(LaunchKind::Standalone);
    let forged = url(
        "https://app.example/callback?error=server_error&error_description=Call+555&state=forged",
    );
    let error = verify(parse_callback(&forged).unwrap(), Some(record), 2_000).unwrap_err();
    assert_eq!(error, CallbackError::UnknownState);
    assert!(!error.message().contains("555"));
}

#[test]
fn an_error_without_state_shows_the_servers_words_marked_as_not_verified() {
    let dropped = url(
        "https://app.example/callback?error=invalid_client&error_description=Unknown+client+id+%22bedsid%22",
    );
    let error = verify(parse_callback(&dropped).unwrap(), None, 2_000).unwrap_err();
    assert!(matches!(error, CallbackError::RefusedWithoutState { .. }));
    let message = error.message();
    assert!(message.contains("unknown client id"), "{message}");
    assert!(
        message.contains("(not verified by Bedside): \u{201c}Unknown client id \"bedsid\"\u{201d}"),
        "{message}"
    );
    assert!(
        !message.contains("unknown or was already used"),
        "{message}"
    );
}

#[test]
fn an_error_without_state_is_not_tied_to_the_tabs_record() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let dropped = url("https://app.example/callback?error=invalid_scope");
    let error = verify(parse_callback(&dropped).unwrap(), Some(record), 2_000).unwrap_err();
    assert!(matches!(error, CallbackError::RefusedWithoutState { .. }));
}

#[test]
fn the_servers_words_are_capped() {
    let long = "Call+555+".repeat(200);
    let dropped = url(&format!(
        "https://app.example/callback?error=invalid_request&error_description={long}"
    ));
    let message = verify(parse_callback(&dropped).unwrap(), None, 2_000)
        .unwrap_err()
        .message();
    assert!(message.chars().count() < 600, "{message}");
    assert!(message.contains("\u{2026}\u{201d}"), "{message}");
}

// RFC 9207 §2.4 and RFC 9700 §4.4.2: the mix-up defence.

fn record_requiring_iss() -> InFlightRecord {
    let mut record = test_record(LaunchKind::Standalone);
    record.authorization_server.requires_iss = true;
    record
}

#[test]
fn an_iss_naming_another_server_is_refused() {
    let record = test_record(LaunchKind::Standalone);
    let other = callback_for(&record, "&iss=https%3A%2F%2Fhonest.example%2Ffhir");
    let error = verify(parse_callback(&other).unwrap(), Some(record), 2_000).unwrap_err();
    assert_eq!(
        error,
        CallbackError::IssuerMismatch {
            expected: "https://ehr.example/fhir".into(),
            received: "https://honest.example/fhir".into(),
        }
    );
    assert!(error
        .message()
        .contains("\u{201c}https://honest.example/fhir\u{201d}"));
    assert!(error.message().contains("sent its code nowhere"));
}

#[test]
fn an_iss_equal_to_the_issuer_is_accepted() {
    let record = record_requiring_iss();
    let ours = callback_for(&record, "&iss=https%3A%2F%2Fehr.example%2Ffhir");
    assert!(verify(parse_callback(&ours).unwrap(), Some(record), 2_000).is_ok());
}

#[test]
fn the_iss_is_compared_as_a_plain_string() {
    let record = test_record(LaunchKind::Standalone);
    let slashed = callback_for(&record, "&iss=https%3A%2F%2Fehr.example%2Ffhir%2F");
    assert!(matches!(
        verify(parse_callback(&slashed).unwrap(), Some(record), 2_000).unwrap_err(),
        CallbackError::IssuerMismatch { .. }
    ));
}

#[test]
fn a_missing_iss_is_refused_when_the_server_advertises_it() {
    let record = record_requiring_iss();
    let bare = callback_for(&record, "");
    assert_eq!(
        verify(parse_callback(&bare).unwrap(), Some(record), 2_000).unwrap_err(),
        CallbackError::IssuerMissing {
            expected: "https://ehr.example/fhir".into()
        }
    );
}

#[test]
fn a_missing_iss_is_accepted_when_the_server_does_not_advertise_it() {
    let record = test_record(LaunchKind::Standalone);
    let bare = callback_for(&record, "");
    assert!(verify(parse_callback(&bare).unwrap(), Some(record), 2_000).is_ok());
}

#[test]
fn an_error_naming_another_server_in_iss_is_refused_as_a_mix_up() {
    let record = test_record(LaunchKind::Standalone);
    let other = url(&format!(
        "https://app.example/callback?error=access_denied&state={}&iss=https%3A%2F%2Fx.example",
        record.state.as_str()
    ));
    assert!(matches!(
        verify(parse_callback(&other).unwrap(), Some(record), 2_000).unwrap_err(),
        CallbackError::IssuerMismatch { .. }
    ));
}

#[test]
fn a_code_arriving_at_another_servers_redirect_uri_is_refused() {
    let record = test_record(LaunchKind::Standalone);
    let elsewhere = url(&format!(
        "https://app.example/callback/honest?code=abc&state={}",
        record.state.as_str()
    ));
    let error = verify(parse_callback(&elsewhere).unwrap(), Some(record), 2_000).unwrap_err();
    assert_eq!(
        error,
        CallbackError::WrongRedirectUri {
            server: "https://ehr.example/fhir".into(),
            expected: "https://app.example/callback".into(),
            arrived_at: "https://app.example/callback/honest".into(),
        }
    );
    assert_eq!(
        error.title(),
        "The sign-in answer did not come from the server you signed in to"
    );
}

#[test]
fn a_code_arriving_on_another_origin_is_refused() {
    let record = test_record(LaunchKind::Standalone);
    let elsewhere = url(&format!(
        "https://copy.example/callback?code=abc&state={}",
        record.state.as_str()
    ));
    assert!(matches!(
        verify(parse_callback(&elsewhere).unwrap(), Some(record), 2_000).unwrap_err(),
        CallbackError::WrongRedirectUri { .. }
    ));
}

#[test]
fn the_token_request_repeats_the_redirect_uri_of_the_record() {
    let mut record = test_record(LaunchKind::Standalone);
    record.redirect_uri = url("https://app.example/callback/ehr-a");
    let callback = url(&format!(
        "https://app.example/callback/ehr-a?code=abc&state={}",
        record.state.as_str()
    ));
    let verified = verify(parse_callback(&callback).unwrap(), Some(record), 2_000).unwrap();
    let (request, _) = crate::smart::token::token_request(verified);
    let body = request.body.expect("a form body");
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    assert!(
        form.contains(&(
            "redirect_uri".into(),
            "https://app.example/callback/ehr-a".into()
        )),
        "{form:?}"
    );
}

#[test]
fn an_ehr_launch_refusal_says_to_relaunch_from_the_ehr() {
    let record = test_record(LaunchKind::Ehr { launch: "l".into() });
    let denied = callback_for(&record, "")
        .as_str()
        .replace("code=abc", "error=invalid_scope");
    let error = verify(parse_callback(&url(&denied)).unwrap(), Some(record), 2_000).unwrap_err();
    assert_eq!(error.hint().unwrap(), "Open Bedside again from your EHR.");
}

#[test]
fn a_repeated_parameter_is_refused() {
    let doubled = url("https://app.example/callback?code=a&code=b&state=s");
    assert_eq!(
        parse_callback(&doubled).unwrap_err(),
        CallbackError::RepeatedParameter("code".into())
    );
}

#[test]
fn a_code_without_state_is_refused() {
    let bare = url("https://app.example/callback?code=a");
    assert_eq!(
        parse_callback(&bare).unwrap_err(),
        CallbackError::MissingState
    );
}

#[test]
fn an_empty_parameter_counts_as_absent() {
    let empty = url("https://app.example/callback?code=&state=s");
    assert_eq!(
        parse_callback(&empty).unwrap_err(),
        CallbackError::NoAuthorizationResponse
    );
}

#[test]
fn a_javascript_error_uri_is_dropped() {
    let hostile = url("https://app.example/callback?error=x&error_uri=javascript:alert(1)&state=s");
    match parse_callback(&hostile).unwrap().answer {
        Answer::Error { uri, .. } => assert_eq!(uri, None),
        other => panic!("expected an error response, got {other:?}"),
    }
}

#[test]
fn the_cleaned_url_keeps_other_parameters_and_drops_the_response() {
    let full = url("https://app.example/callback?debug=1&code=abc&state=s&iss=x#frag");
    assert_eq!(
        cleaned_url(&full).as_str(),
        "https://app.example/callback?debug=1"
    );
    let only = url("https://app.example/callback?code=abc&state=s");
    assert_eq!(cleaned_url(&only).as_str(), "https://app.example/callback");
}
