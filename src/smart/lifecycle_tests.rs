//! Token lifecycle rules from RFC 6749 §6 and SMART App Launch 2.2 §"Refresh access token",
//! then a whole session against a scripted fake EHR on a virtual clock.

use super::*;
use crate::http::{FailureKind, HttpResponse, Method, NetworkFailure};
use crate::smart::oauth_error::OAuthErrorCode;
use crate::smart::refresh_gate::STALLED_REFRESH_MS;
use crate::smart::token::ExchangeContext;
use std::collections::HashMap;
use url::Url;

const S: u64 = 1000;

fn exchange(launch: LaunchKind) -> ExchangeContext {
    ExchangeContext {
        fhir_base: FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
        token_endpoint: Url::parse("https://ehr.example/auth/token").unwrap(),
        revocation_endpoint: None,
        client_id: "bedside".into(),
        requested_scope: ScopeSet::parse_lenient("launch patient/*.rs"),
        launch,
    }
}

fn reply(status: u16, body: &str) -> HttpResult {
    Ok(HttpResponse {
        status,
        content_type: Some("application/json".into()),
        body: body.into(),
    })
}

fn token(access: &str, refresh: Option<&str>, extra: &str) -> String {
    let refresh = refresh.map_or(String::new(), |r| format!(r#","refresh_token":"{r}""#));
    format!(r#"{{"access_token":"{access}","token_type":"Bearer"{refresh}{extra}}}"#)
}

fn started(launch: LaunchKind, body: &str) -> Session {
    let exchange = exchange(launch);
    let token = parse_token_response(&exchange.token_endpoint, reply(200, body)).unwrap();
    Session::start(exchange, token, 0).unwrap()
}

/// A standalone session: access token `at-1` for 300 s, refresh token `rt-1`.
fn session() -> Session {
    started(
        LaunchKind::Standalone,
        &token("at-1", Some("rt-1"), r#","expires_in":300,"patient":"p-1""#),
    )
}

fn without_refresh(extra: &str) -> Session {
    started(LaunchKind::Standalone, &token("at-1", None, extra))
}

fn form(request: &HttpRequest) -> HashMap<String, String> {
    url::form_urlencoded::parse(request.body.as_deref().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn bearer(session: &Session) -> String {
    session
        .read("Patient/p-1")
        .header("authorization")
        .unwrap()
        .to_owned()
}

fn refreshed(session: &mut Session, at: u64, body: &str) -> Result<(), Box<ReauthorizeReason>> {
    session.begin_refresh(at).expect("a refresh request");
    session.finish_refresh(reply(200, body), at)
}

fn refresh_request(step: NextStep) -> HttpRequest {
    match step {
        NextStep::Refresh(request) => request,
        other => panic!("expected a refresh, got {other:?}"),
    }
}

fn network_failure() -> HttpResult {
    Err(NetworkFailure::unreachable("Failed to fetch"))
}

#[test]
fn a_fresh_token_is_used_as_is() {
    assert_eq!(session().next_step(10 * S), NextStep::UseToken);
}

#[test]
fn refresh_starts_the_default_sixty_seconds_before_expiry() {
    let mut session = session();
    assert_eq!(session.next_step(239 * S), NextStep::UseToken);
    assert!(matches!(session.next_step(240 * S), NextStep::Refresh(_)));
}

#[test]
fn the_refresh_lead_is_configurable() {
    let mut session = session();
    session.set_refresh_lead_ms(120 * S);
    assert!(matches!(session.next_step(180 * S), NextStep::Refresh(_)));
}

#[test]
fn proactive_refresh_never_starts_before_half_the_lifetime() {
    let mut session = started(
        LaunchKind::Standalone,
        &token("at-1", Some("rt-1"), r#","expires_in":30,"patient":"p-1""#),
    );
    assert_eq!(session.next_step(14 * S), NextStep::UseToken);
    assert!(matches!(session.next_step(15 * S), NextStep::Refresh(_)));
}

#[test]
fn the_refresh_request_is_a_form_post_of_the_refresh_grant_with_the_client_id() {
    // RFC 6749 §6: grant_type=refresh_token and refresh_token; a public client names itself.
    let request = refresh_request(session().next_step(250 * S));
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url.as_str(), "https://ehr.example/auth/token");
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let form = form(&request);
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "rt-1");
    assert_eq!(form["client_id"], "bedside");
    assert_eq!(request.header("authorization"), None);
}

#[test]
fn refresh_token_is_used_even_when_scope_lacks_offline_access() {
    let mut session = session();
    assert!(!session.granted_scope.to_string().contains("_access"));
    assert!(matches!(session.next_step(250 * S), NextStep::Refresh(_)));
}

#[test]
fn an_expired_token_without_refresh_token_needs_reauthorization() {
    let mut session = without_refresh(r#","expires_in":300,"patient":"p-1""#);
    let NextStep::Reauthorize(reason) = session.next_step(300 * S) else {
        panic!("expected reauthorization");
    };
    assert_eq!(reason.cause, ReauthorizeCause::Expired);
}

#[test]
fn an_unexpired_token_without_refresh_token_is_still_used() {
    let mut session = without_refresh(r#","expires_in":300,"patient":"p-1""#);
    assert_eq!(session.next_step(299 * S), NextStep::UseToken);
}

#[test]
fn a_token_without_expiry_is_used_until_the_server_refuses_it() {
    let mut session = without_refresh(r#","patient":"p-1""#);
    assert_eq!(session.next_step(u64::MAX / 2), NextStep::UseToken);
}

#[test]
fn only_one_refresh_is_in_flight_at_a_time() {
    let mut session = session();
    assert!(matches!(session.next_step(250 * S), NextStep::Refresh(_)));
    assert_eq!(session.next_step(251 * S), NextStep::UseToken);
    assert_eq!(session.begin_refresh(251 * S), None);
}

#[test]
fn an_expired_token_waits_for_the_refresh_in_flight() {
    let mut session = session();
    assert!(matches!(session.next_step(295 * S), NextStep::Refresh(_)));
    assert_eq!(session.next_step(301 * S), NextStep::AwaitRefresh);
}

#[test]
fn a_stalled_refresh_may_be_started_again() {
    let mut session = session();
    assert!(session.begin_refresh(250 * S).is_some());
    assert!(session
        .begin_refresh(250 * S + STALLED_REFRESH_MS)
        .is_some());
}

#[test]
fn a_rotated_refresh_token_replaces_the_old_one() {
    let mut session = session();
    refreshed(
        &mut session,
        250 * S,
        &token("at-2", Some("rt-2"), r#","expires_in":300"#),
    )
    .unwrap();
    let next = refresh_request(session.next_step(510 * S));
    assert_eq!(form(&next)["refresh_token"], "rt-2");
    assert_eq!(bearer(&session), "Bearer at-2");
}

#[test]
fn a_refresh_response_without_refresh_token_keeps_the_old_one() {
    // RFC 6749 §6: the server MAY issue a new refresh token; if it does not, the old stays.
    let mut session = session();
    refreshed(
        &mut session,
        250 * S,
        &token("at-2", None, r#","expires_in":300"#),
    )
    .unwrap();
    assert_eq!(session.refresh_token.as_ref().unwrap().expose(), "rt-1");
}

#[test]
fn a_refresh_sets_the_expiry_from_the_time_handed_in() {
    let mut session = session();
    refreshed(
        &mut session,
        250 * S,
        &token("at-2", None, r#","expires_in":600"#),
    )
    .unwrap();
    assert_eq!(session.expires_at_ms, Some(850 * S));
}

#[test]
fn a_refresh_response_with_a_narrower_scope_narrows_the_grant() {
    let mut session = session();
    let body = token("at-2", None, r#","scope":"launch patient/Patient.rs""#);
    refreshed(&mut session, 250 * S, &body).unwrap();
    assert_eq!(
        session.granted_scope.to_string(),
        "launch patient/Patient.rs"
    );
}

#[test]
fn a_refresh_response_without_scope_keeps_the_grant() {
    // RFC 6749 §5.1: scope may be omitted when identical to what was requested.
    let mut session = session();
    refreshed(&mut session, 250 * S, &token("at-2", None, "")).unwrap();
    assert_eq!(session.granted_scope.to_string(), "launch patient/*.rs");
}

#[test]
fn a_refused_refresh_says_why_and_names_the_oauth_error() {
    let mut session = session();
    session.begin_refresh(250 * S).unwrap();
    let reason = session
        .finish_refresh(reply(400, r#"{"error":"invalid_grant"}"#), 250 * S)
        .unwrap_err();
    assert!(matches!(
        reason.cause,
        ReauthorizeCause::RefreshFailed(TokenError::Refused {
            code: OAuthErrorCode::InvalidGrant,
            ..
        })
    ));
}

#[test]
fn a_refresh_token_refused_with_invalid_grant_is_explained_as_renewal_not_sign_in() {
    let mut session = session();
    session.begin_refresh(250 * S).unwrap();
    let body = r#"{"error":"invalid_grant","error_description":"The refresh token has expired."}"#;
    let reason = session
        .finish_refresh(reply(400, body), 250 * S)
        .unwrap_err();
    let message = reason.message();
    assert!(
        message.starts_with(
            "Renewing access failed. The server no longer accepts Bedside's refresh token: it is \
             invalid, expired or revoked. The server said: \u{201c}The refresh token has expired.\u{201d}"
        ),
        "{message}"
    );
    assert!(!message.contains("sign-in"), "{message}");
}

#[test]
fn after_a_failed_refresh_the_token_is_used_until_it_expires() {
    let mut session = session();
    session.begin_refresh(250 * S).unwrap();
    let _ = session.finish_refresh(network_failure(), 250 * S);
    assert_eq!(session.next_step(299 * S), NextStep::UseToken);
    let NextStep::Reauthorize(reason) = session.next_step(300 * S) else {
        panic!("expected reauthorization");
    };
    assert!(matches!(reason.cause, ReauthorizeCause::RefreshFailed(_)));
}

#[test]
fn a_failed_refresh_is_never_retried_with_the_same_refresh_token() {
    let mut session = session();
    session.begin_refresh(250 * S).unwrap();
    let _ = session.finish_refresh(reply(503, ""), 250 * S);
    assert_eq!(session.begin_refresh(260 * S), None);
}

#[test]
fn a_refresh_naming_another_patient_is_refused() {
    let mut session = session();
    let body = token("at-2", Some("rt-2"), r#","patient":"someone-else""#);
    let reason = refreshed(&mut session, 250 * S, &body).unwrap_err();
    assert_eq!(reason.cause, ReauthorizeCause::PatientChanged);
    assert_eq!(bearer(&session), "Bearer at-1");
}

#[test]
fn a_401_asks_for_one_refresh_and_one_retry() {
    let session = session();
    let mut attempt = RequestAttempt::start(&session);
    assert_eq!(
        attempt.judge(&session, &reply(401, ""), 10 * S),
        Verdict::RefreshThenRetry
    );
}

#[test]
fn a_second_401_after_refreshing_gives_up() {
    let mut session = session();
    let mut attempt = RequestAttempt::start(&session);
    attempt.judge(&session, &reply(401, ""), 10 * S);
    refreshed(&mut session, 10 * S, &token("at-2", Some("rt-2"), "")).unwrap();
    let Verdict::Reauthorize(reason) = attempt.judge(&session, &reply(401, ""), 11 * S) else {
        panic!("expected to give up");
    };
    assert_eq!(reason.cause, ReauthorizeCause::Rejected);
}

#[test]
fn a_401_after_another_section_refreshed_retries_without_refreshing() {
    let mut session = session();
    let mut attempt = RequestAttempt::start(&session);
    refreshed(&mut session, 10 * S, &token("at-2", Some("rt-2"), "")).unwrap();
    assert_eq!(
        attempt.judge(&session, &reply(401, ""), 11 * S),
        Verdict::Retry
    );
}

#[test]
fn a_401_without_refresh_token_needs_reauthorization() {
    let session = without_refresh(r#","expires_in":300,"patient":"p-1""#);
    let mut attempt = RequestAttempt::start(&session);
    assert!(matches!(
        attempt.judge(&session, &reply(401, ""), 10 * S),
        Verdict::Reauthorize(_)
    ));
}

#[test]
fn a_403_is_not_treated_as_an_expired_token() {
    let session = session();
    let mut attempt = RequestAttempt::start(&session);
    assert_eq!(
        attempt.judge(&session, &reply(403, ""), 10 * S),
        Verdict::Accept
    );
}

#[test]
fn a_fetch_failure_late_in_the_token_lifetime_is_treated_as_a_possible_401() {
    let session = session();
    let mut attempt = RequestAttempt::start(&session);
    assert_eq!(
        attempt.judge(&session, &network_failure(), 225 * S),
        Verdict::RefreshThenRetry
    );
}

#[test]
fn a_deadline_or_a_redirect_late_in_the_token_lifetime_is_passed_on() {
    let session = session();
    for kind in [
        FailureKind::TimedOut { seconds: 30 },
        FailureKind::Redirected,
    ] {
        let mut attempt = RequestAttempt::start(&session);
        let failed = Err(NetworkFailure::new(kind, ""));
        assert_eq!(
            attempt.judge(&session, &failed, 225 * S),
            Verdict::Accept,
            "{kind:?}"
        );
    }
}

#[test]
fn a_refreshed_access_token_outside_the_bearer_grammar_ends_the_refresh() {
    let mut session = session();
    let outcome = refreshed(
        &mut session,
        250 * S,
        r#"{"access_token":"new\r\nX: 1","token_type":"Bearer","expires_in":300}"#,
    );
    let reason = outcome.unwrap_err();
    assert!(matches!(
        reason.cause,
        ReauthorizeCause::RefreshFailed(TokenError::MalformedAccessToken(_))
    ));
}

#[test]
fn a_fetch_failure_early_in_the_token_lifetime_is_passed_on() {
    let session = session();
    let mut attempt = RequestAttempt::start(&session);
    assert_eq!(
        attempt.judge(&session, &network_failure(), 224 * S),
        Verdict::Accept
    );
}

#[test]
fn ehr_launch_reauthorization_says_to_relaunch_from_the_ehr() {
    let launch = LaunchKind::Ehr { launch: "x".into() };
    let mut session = started(
        launch,
        &token("a", None, r#","expires_in":1,"patient":"p-1""#),
    );
    let NextStep::Reauthorize(reason) = session.next_step(2 * S) else {
        panic!("expected reauthorization");
    };
    assert!(matches!(reason.restart, Restart::FromEhr { .. }));
    assert!(reason.message().contains("opened from your EHR"));
    assert!(reason
        .hint()
        .unwrap()
        .contains("launch it again from the patient's chart"));
}

#[test]
fn standalone_reauthorization_offers_to_sign_in_again_for_the_same_server_and_patient() {
    let mut session = without_refresh(r#","expires_in":1,"patient":"p-1""#);
    let NextStep::Reauthorize(reason) = session.next_step(2 * S) else {
        panic!("expected reauthorization");
    };
    assert_eq!(
        reason.restart,
        Restart::SignInAgain {
            fhir_base: FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
            patient: "p-1".into(),
        }
    );
    assert!(reason.message().contains("Sign in again"));
    assert!(reason.hint().unwrap().contains("https://ehr.example/fhir"));
}

#[path = "lifecycle_script_tests.rs"]
mod script;
