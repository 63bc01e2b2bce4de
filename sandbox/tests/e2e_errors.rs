//! End-to-end: each failure a real EHR produces, simulated by the sandbox, reaches the user as
//! a plain-words message (and the app keeps what it can). Run with `cargo xtask test`.

mod e2e_support;

use e2e_support::Harness;

/// EHR launch in a tab of its own with the sandbox simulating `simulation`.
async fn launch_with(harness: &Harness, simulation: &str) {
    let patient = &harness.sandbox.patients()[1].id;
    harness
        .open_ehr_launch(patient, &format!("&simulate={simulation}"))
        .await;
}

async fn app_error(harness: &Harness) -> (String, String) {
    (
        harness.text_of("[data-testid=error-title]").await,
        harness.text_of("[data-testid=error-message]").await,
    )
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_unknown_client_id_stops_at_the_servers_own_error_page() {
    let harness = Harness::start().await;
    launch_with(&harness, "auth_invalid_client_id").await;
    let message = harness.text_of("#error-message").await;
    assert!(message.contains("client_id"), "{message}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_unregistered_redirect_uri_stops_at_the_servers_own_error_page() {
    let harness = Harness::start().await;
    launch_with(&harness, "auth_invalid_redirect_uri").await;
    let message = harness.text_of("#error-message").await;
    assert!(message.contains("redirect_uri"), "{message}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_invalid_scope_at_authorization_is_explained() {
    let harness = Harness::start().await;
    launch_with(&harness, "auth_invalid_scope").await;
    let (title, message) = app_error(&harness).await;
    assert_eq!(title, "Sign-in was refused");
    assert!(
        message.contains("refused the access Bedside asked for"),
        "{message}"
    );
    assert_eq!(
        harness.text_of("[data-testid=error-hint]").await,
        "Open Bedside again from your EHR."
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_declined_authorization_is_explained() {
    let harness = Harness::start().await;
    launch_with(&harness, "auth_access_denied").await;
    let (title, message) = app_error(&harness).await;
    assert_eq!(title, "Access was not granted");
    assert!(message.contains("Access was declined"), "{message}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_rejected_code_is_explained() {
    let harness = Harness::start().await;
    launch_with(&harness, "token_invalid_token").await;
    let (title, message) = app_error(&harness).await;
    assert_eq!(title, "Sign-in could not be completed");
    assert!(
        message.contains("invalid, expired or already used"),
        "{message}"
    );
    assert!(
        message.contains("The authorization code was rejected."),
        "{message}"
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_invalid_scope_at_the_token_endpoint_is_explained() {
    let harness = Harness::start().await;
    launch_with(&harness, "token_invalid_scope").await;
    let (_, message) = app_error(&harness).await;
    assert!(message.contains("(invalid scope)"), "{message}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_token_endpoint_500_is_explained() {
    let harness = Harness::start().await;
    launch_with(&harness, "token_server_error").await;
    let (title, message) = app_error(&harness).await;
    assert_eq!(title, "The sign-in server sent an unusable answer");
    assert!(message.contains("HTTP status 500"), "{message}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_token_the_fhir_server_rejects_ends_access_with_a_relaunch_message() {
    let harness = Harness::start().await;
    launch_with(&harness, "request_invalid_token").await;
    let ended = harness.text_of("[data-testid=access-ended]").await;
    assert!(
        ended.contains("Your access to the record has ended"),
        "{ended}"
    );
    assert!(
        ended.contains("launch it again from the patient's chart"),
        "{ended}"
    );
    harness.screenshot("access-ended").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_401_without_cors_headers_is_explained_per_section() {
    let harness = Harness::start().await;
    launch_with(&harness, "request_401_without_cors").await;
    let problems = harness
        .text_of("[data-testid=section-problems] [data-testid=error-message]")
        .await;
    assert!(problems.contains("CORS"), "{problems}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_checked_id_token_names_the_signed_in_user() {
    let harness = Harness::start().await;
    launch_with(&harness, "none").await;
    let user = harness.text_of("[data-testid=signed-in-as]").await;
    assert_eq!(user, "Signed in as Dr. Ada Okafor");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_id_token_with_a_bad_signature_is_not_trusted_but_the_record_is_shown() {
    let harness = Harness::start().await;
    launch_with(&harness, "id_token_bad_signature").await;
    let warning = harness.text_of("[data-testid=identity-warning]").await;
    assert_eq!(warning, "Your identity could not be confirmed");
    harness
        .wait_for("[data-testid=section-problems] [data-testid=count]")
        .await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_id_token_with_another_nonce_is_not_trusted() {
    let harness = Harness::start().await;
    launch_with(&harness, "id_token_wrong_nonce").await;
    let warning = harness.wait_for("[data-testid=identity-warning]").await;
    let reason = warning.attr("title").await.unwrap().unwrap_or_default();
    assert!(reason.contains("wrong nonce"), "{reason}");
    harness.finish().await;
}

/// A standalone launch from the start page at `query`, against a sandbox that answers every
/// authorization with an error but no `state`.
async fn standalone_error_without_state(query: &str) -> Harness {
    let harness = Harness::start_with(sandbox::Options {
        simulate: Some(sandbox::Simulation::AuthErrorWithoutState),
        ..sandbox::Options::default()
    })
    .await;
    let start = format!("{}/{query}", harness.sandbox.app_origin);
    harness.client.goto(&start).await.unwrap();
    harness
        .click(&format!(
            "button[data-iss=\"{}\"]",
            harness.sandbox.fhir_base()
        ))
        .await;
    harness
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_authorization_error_without_state_shows_the_servers_words_as_unverified() {
    let harness = standalone_error_without_state("").await;
    let (title, message) = app_error(&harness).await;
    assert_eq!(title, "Sign-in was refused");
    assert!(
        message.contains("refused the access Bedside asked for"),
        "{message}"
    );
    assert!(
        message.contains("(not verified by Bedside): \u{201c}The scope \""),
        "{message}"
    );
    assert!(
        message.contains(
            "is not allowed for client \"bedside\". [simulated: auth_error_without_state]\u{201d}"
        ),
        "{message}"
    );
    assert!(
        !message.contains("unknown or was already used"),
        "{message}"
    );
    harness.screenshot("error-without-state").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn in_debug_mode_the_error_page_shows_the_launch_inspector() {
    let harness = standalone_error_without_state("?debug=1").await;
    harness.wait_for("[data-testid=error-title]").await;
    let timeline = harness.text_of("[data-testid=inspector-timeline]").await;
    for step in ["discovery", "authorize", "callback"] {
        assert!(timeline.contains(step), "no {step} step in:\n{timeline}");
    }
    // The answer's error is shown; one-time values never are.
    assert!(timeline.contains("error=invalid_scope"), "{timeline}");
    let challenges: Vec<&str> = timeline
        .split("code_challenge=")
        .skip(1)
        .map(|rest| rest.split(['&', ' ', '\n']).next().unwrap_or_default())
        .collect();
    assert!(
        challenges.iter().all(|value| *value == "%5Bredacted%5D"),
        "{challenges:?}"
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_unlisted_issuer_with_attacker_text_is_shown_quoted_and_capped() {
    let harness = Harness::start().await;
    let bait = "Your-session-expired.-Call-the-help-desk-on-555-0100-now-".repeat(30);
    let launch = format!(
        "{}/launch?iss=https://evil.example/{bait}&launch=x",
        harness.sandbox.app_origin
    );
    harness.client.goto(&launch).await.unwrap();
    let (title, message) = app_error(&harness).await;
    assert_eq!(title, "This server is not allowed");
    assert!(
        message.contains("\u{201c}https://evil.example/Your-session-expired"),
        "{message}"
    );
    assert!(message.contains("\u{2026}\u{201d}"), "{message}");
    assert!(message.chars().count() < 500, "{message}");
    harness.finish().await;
}
