//! End-to-end: the token's life after the launch (SMART App Launch 2.2 "Refresh access
//! token", RFC 6749 §6, RFC 7009), judged by what the sandbox saw as well as by the screen:
//! silent renewal before expiry, a refused renewal ending in a re-authorization offer, a
//! narrower grant leaving a section unrequested, and sign-out revoking the tokens. Run with
//! `cargo xtask test`.
//!
//! Renewals need requests made after the token has aged: these tests make the sandbox a slow
//! EHR (every FHIR answer 1.5–2 s late), so with the browser's six connections per host the
//! 10,000-observation patient's first wave takes three rounds and its second lab page is asked
//! for after half of a 6–10 s token's life, when Bedside renews a short token. Requests of the
//! first wave are mostly answered before the token expires (the browser decides how long each
//! waits for a connection; one refused after that is retried with a renewed token).

mod e2e_support;

use e2e_support::{Harness, SECTIONS};
use sandbox::{LoggedRequest, Options, Simulation};
use std::time::Duration;

/// A sandbox whose FHIR answers each take `delay_ms`, with `options` otherwise.
async fn slow_ehr(delay_ms: u64, options: Options) -> Harness {
    Harness::start_with(Options {
        fhir_delay: Duration::from_millis(delay_ms),
        ..options
    })
    .await
}

/// The resource type a FHIR request was about (`/reference/fhir/Observation?…` → Observation).
fn resource_type(request: &LoggedRequest) -> Option<&str> {
    let (_, rest) = request.path.split_once("/fhir/")?;
    rest.split('/').next()
}

/// The FHIR reads and searches the app sent (CORS preflights excluded).
fn fhir_requests(requests: &[LoggedRequest]) -> Vec<&LoggedRequest> {
    requests
        .iter()
        .filter(|r| r.method == "GET" && resource_type(r).is_some())
        .collect()
}

/// The token endpoint's answers to `grant_type`.
fn token_grants<'a>(requests: &'a [LoggedRequest], grant_type: &str) -> Vec<&'a LoggedRequest> {
    requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/auth/token"))
        .filter(|r| r.form_field("grant_type") == Some(grant_type))
        .collect()
}

/// A text field of the token endpoint's JSON answer (`access_token`, `error`…).
fn answer_field<'a>(grant: &'a LoggedRequest, field: &str) -> &'a str {
    grant
        .answer
        .as_ref()
        .and_then(|answer| answer[field].as_str())
        .unwrap_or_else(|| panic!("the token endpoint's answer has no {field}: {grant:?}"))
}

/// Waits until every section has settled as loaded or as not granted.
async fn wait_for_every_section(harness: &Harness) {
    for id in SECTIONS {
        harness
            .wait_for(&format!(
                "[data-testid={id}] [data-testid=count], [data-testid={id}] [data-testid=not-granted]"
            ))
            .await;
    }
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_ageing_access_token_is_renewed_silently_and_every_section_still_loads() {
    // 3 s a response: the labs' pages are asked for first and back to back, so the third page
    // is sent after the token's half-life (5 s) only if each round trip takes longer than 2.5 s.
    let harness = slow_ehr(3_000, Options::default()).await;
    let patient = harness.patient_named("Maximilian");
    // `request_expired_token`: the sandbox's access tokens live 10 s.
    harness
        .open_ehr_launch(&patient.id, "&simulate=request_expired_token")
        .await;
    wait_for_every_section(&harness).await;
    assert!(!harness.is_present("[data-testid=access-ended]").await);

    let requests = harness.sandbox.requests();
    let refreshes = token_grants(&requests, "refresh_token");
    assert!(
        !refreshes.is_empty(),
        "no refresh_token grant while loading for longer than half the token's life"
    );
    for refresh in &refreshes {
        assert_eq!(refresh.status, 200, "{refresh:?}");
    }
    let renewed: Vec<&str> = refreshes
        .iter()
        .map(|r| answer_field(r, "access_token"))
        .collect();
    let fhir = fhir_requests(&requests);
    assert!(
        fhir.iter()
            .any(|r| r.bearer.as_deref().is_some_and(|t| renewed.contains(&t))),
        "no FHIR request used a renewed access token"
    );
    // Requests of the first wave that waited in the browser's connection queue past the
    // token's expiry may be refused (the app cannot know how long the browser holds them);
    // each must then have been sent again, with a renewed token, and answered.
    for refused in fhir.iter().filter(|r| r.status != 200) {
        assert_eq!(refused.status, 401, "{refused:?}");
        assert!(
            fhir.iter().any(|r| r.path == refused.path
                && r.query == refused.query
                && r.status == 200
                && r.bearer.as_deref().is_some_and(|t| renewed.contains(&t))),
            "refused and never retried with a renewed token: {refused:?}"
        );
    }
    harness.finish().await;
}

/// Waits for the notice that a refused renewal ended access, checks its words, and checks
/// that what the page showed before the notice is still there after it.
async fn assert_access_ended_after_refused_renewal(harness: &Harness, restart: &str) {
    // Read while access lasts: the banner and the problems list are answered in the first
    // round of the slow EHR, long before the 6 s token expires.
    let banner = harness.text_of("[data-testid=patient-banner]").await;
    let problems = harness.section_text("section-problems").await;
    harness.wait_for("[data-testid=access-ended]").await;
    assert_eq!(
        harness
            .text_of("[data-testid=access-ended] [data-testid=error-title]")
            .await,
        "Your access to the record has ended",
    );
    let message = harness
        .text_of("[data-testid=access-ended] [data-testid=error-message]")
        .await;
    assert!(
        message.starts_with(
            "Renewing access failed. The server no longer accepts Bedside's refresh token: it is \
             invalid, expired or revoked. The server said: \u{201c}The refresh token has expired."
        ),
        "{message}"
    );
    assert!(message.contains(restart), "{message}");
    assert_eq!(
        harness.text_of("[data-testid=patient-banner]").await,
        banner
    );
    assert_eq!(
        harness.text_of("[data-testid=section-problems]").await,
        problems
    );
    let requests = harness.sandbox.requests();
    let refreshes = token_grants(&requests, "refresh_token");
    assert_eq!(refreshes.len(), 1, "a refused refresh token is not retried");
    assert_eq!(refreshes[0].status, 400);
    assert_eq!(answer_field(refreshes[0], "error"), "invalid_grant");
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_expired_refresh_token_after_an_ehr_launch_asks_for_a_relaunch_and_keeps_the_page() {
    let harness = slow_ehr(1_500, Options::default()).await;
    let patient = harness.patient_named("Maximilian");
    harness
        .open_ehr_launch(
            &patient.id,
            "&lifetime=6&simulate=token_expired_refresh_token",
        )
        .await;
    assert_access_ended_after_refused_renewal(
        &harness,
        "Bedside was opened from your EHR, so it must be opened from there again.",
    )
    .await;
    assert_eq!(
        harness
            .text_of("[data-testid=access-ended] [data-testid=error-hint]")
            .await,
        "Close Bedside and launch it again from the patient's chart in your EHR."
    );
    assert!(!harness.is_present("[data-testid=sign-in-again]").await);
    harness.screenshot("refresh-refused-ehr").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_expired_refresh_token_after_a_standalone_launch_offers_to_sign_in_again_to_the_same_server(
) {
    let harness = slow_ehr(
        1_500,
        Options {
            simulate: Some(Simulation::TokenExpiredRefreshToken),
            access_token_lifetime: Duration::from_secs(6),
            ..Options::default()
        },
    )
    .await;
    let patient = harness.patient_named("Maximilian");
    harness.start_standalone_launch().await;
    harness.click(&format!("#patient-{}", patient.id)).await;
    harness.click("#allow").await;
    assert_access_ended_after_refused_renewal(
        &harness,
        "Sign in again to continue with the same server.",
    )
    .await;
    let hint = harness
        .text_of("[data-testid=access-ended] [data-testid=error-hint]")
        .await;
    assert!(hint.contains(&harness.sandbox.fhir_base()), "{hint}");
    harness.screenshot("refresh-refused-standalone").await;

    let authorizations_before = authorization_requests(&harness.sandbox.requests()).len();
    harness.click("[data-testid=sign-in-again]").await;
    harness.wait_for("#consent-form").await;
    let requests = harness.sandbox.requests();
    let authorizations = authorization_requests(&requests);
    assert_eq!(authorizations.len(), authorizations_before + 1);
    let again = authorizations.last().unwrap();
    assert_eq!(
        again.form_field("aud"),
        Some(harness.sandbox.fhir_base().as_str())
    );
    assert!(again
        .form_field("scope")
        .is_some_and(|scope| scope.split(' ').any(|s| s == "launch/patient")));
    harness.finish().await;
}

/// Authorization requests (the reference profile takes them as form POSTs).
fn authorization_requests(requests: &[LoggedRequest]) -> Vec<&LoggedRequest> {
    requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/auth/authorize"))
        .collect()
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_section_whose_data_was_not_granted_says_so_and_is_never_requested() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Ольга");
    harness
        .open_ehr_launch(&patient.id, "&deny=Procedure")
        .await;
    assert_eq!(
        harness
            .text_of("[data-testid=section-procedures] [data-testid=not-granted]")
            .await,
        "Not shared by this launch."
    );
    for id in SECTIONS.iter().filter(|id| **id != "section-procedures") {
        harness.section_text(id).await;
    }
    let not_granted = harness.wait_for("[data-testid=not-granted-scopes]").await;
    let listed = not_granted.html(true).await.unwrap();
    assert!(listed.contains("patient/Procedure.rs"), "{listed}");

    let requests = harness.sandbox.requests();
    let fhir = fhir_requests(&requests);
    assert!(
        fhir.iter().any(|r| resource_type(r) == Some("Condition")),
        "the log holds the other sections' searches"
    );
    let procedure: Vec<_> = requests
        .iter()
        .filter(|r| resource_type(r) == Some("Procedure"))
        .collect();
    assert!(procedure.is_empty(), "{procedure:?}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn signing_out_revokes_both_tokens_so_the_server_refuses_them() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("José");
    harness.open_ehr_launch(&patient.id, "").await;
    wait_for_every_section(&harness).await;
    let requests = harness.sandbox.requests();
    let exchange = token_grants(&requests, "authorization_code");
    assert_eq!(exchange.len(), 1);
    let exchange = exchange[0].clone();
    let access_token = answer_field(&exchange, "access_token").to_owned();
    let refresh_token = answer_field(&exchange, "refresh_token").to_owned();

    harness.click("[data-testid=sign-out]").await;
    harness.wait_for("[data-testid=server-picker]").await;
    assert!(harness
        .text_of("[data-testid=signed-out]")
        .await
        .starts_with("You have signed out"));
    let requests = harness.sandbox.requests();
    let revocations: Vec<(Option<&str>, Option<&str>, u16)> = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/auth/revoke"))
        .map(|r| {
            (
                r.form_field("token"),
                r.form_field("token_type_hint"),
                r.status,
            )
        })
        .collect();
    assert_eq!(
        revocations,
        vec![
            (Some(refresh_token.as_str()), Some("refresh_token"), 200),
            (Some(access_token.as_str()), Some("access_token"), 200),
        ]
    );

    let http = reqwest::Client::new();
    let read = http
        .get(format!(
            "{}/Patient/{}",
            harness.sandbox.fhir_base(),
            patient.id
        ))
        .bearer_auth(&access_token)
        .header("Accept", "application/fhir+json")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 401, "the revoked access token still reads");
    let token_endpoint = format!("{}{}", harness.sandbox.ehr_origin, exchange.path);
    let refresh = http
        .post(token_endpoint)
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
            ("client_id", sandbox::CLIENT_ID),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        refresh.status(),
        400,
        "the revoked refresh token still works"
    );
    harness.finish().await;
}
