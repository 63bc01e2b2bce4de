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
    let forged = url("https://app.example/callback?error=server_error&error_description=Call+555");
    let error = verify(parse_callback(&forged).unwrap(), None, 2_000).unwrap_err();
    assert_eq!(error, CallbackError::UnknownState);
    assert!(!error.message().contains("555"));
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
    match parse_callback(&hostile).unwrap() {
        CallbackResponse::Error { uri, .. } => assert_eq!(uri, None),
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
