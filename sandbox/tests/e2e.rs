//! End-to-end: Bedside, built with Trunk, in headless Chromium against the sandbox EHR.
//! Each test starts its own sandbox and browser. Run with `cargo xtask test` (a plain
//! `cargo test` skips these, since they need the built app and Chromium).

mod e2e_support;

use e2e_support::{banner_date, Harness};

async fn assert_banner_shows(harness: &Harness, patient: &sandbox::PatientSummary) {
    assert_eq!(
        harness.text_of("[data-testid=patient-name]").await,
        patient.display_name
    );
    let birth = harness.text_of("[data-testid=patient-birth]").await;
    let expected = banner_date(patient.birth_date.as_deref().expect("a birth date"));
    assert!(
        birth.starts_with(&expected),
        "birth shows {birth:?}, expected {expected}"
    );
    assert!(
        birth.ends_with(" y)"),
        "birth shows {birth:?} without an age"
    );
    let first_identifier = harness.text_of("[data-testid=patient-identifier]").await;
    let mrn = patient.mrn.as_deref().expect("an MRN");
    assert!(
        first_identifier.contains("MRN") && first_identifier.contains(mrn),
        "first identifier is {first_identifier:?}, expected MRN {mrn}"
    );
}

async fn assert_nothing_secret_is_kept(harness: &Harness) {
    let snapshot = harness.storage_snapshot().await;
    assert_eq!(
        snapshot["localLength"], 0,
        "localStorage: {}",
        snapshot["local"]
    );
    assert_eq!(
        snapshot["sessionLength"], 0,
        "sessionStorage: {}",
        snapshot["session"]
    );
    assert_eq!(snapshot["cookies"], "", "cookies: {}", snapshot["cookies"]);
    let href = snapshot["href"].as_str().unwrap();
    for secret in ["code=", "state=", "access_token", "code_verifier"] {
        assert!(
            !href.contains(secret),
            "the address still holds {secret}: {href}"
        );
    }
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn ehr_launch_inside_the_iframe_shows_the_launched_patients_banner() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    harness
        .client
        .goto(&harness.sandbox.ehr_page_url())
        .await
        .unwrap();
    harness
        .click(&format!(
            "a.launch-embedded[data-patient=\"{}\"]",
            patient.id
        ))
        .await;
    harness
        .wait_for("iframe#bedside-frame")
        .await
        .enter_frame()
        .await
        .unwrap();

    assert_banner_shows(&harness, &patient).await;
    let session = harness.text_of("[data-testid=session]").await;
    assert!(session.contains("EHR launch"), "{session}");

    harness.client.enter_parent_frame().await.unwrap();
    harness.screenshot("ehr-launch-iframe").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn standalone_launch_through_the_picker_shows_the_chosen_patient() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Ольга");
    harness.start_standalone_launch().await;
    harness.click(&format!("#patient-{}", patient.id)).await;
    harness.click("#allow").await;

    assert_banner_shows(&harness, &patient).await;
    let session = harness.text_of("[data-testid=session]").await;
    assert!(session.contains("Standalone launch"), "{session}");
    harness.screenshot("standalone-banner").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn after_an_ehr_launch_no_token_code_or_verifier_is_left_in_the_browser() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("José");
    harness
        .client
        .goto(&harness.sandbox.ehr_page_url())
        .await
        .unwrap();
    harness
        .click(&format!(
            "a.launch-embedded[data-patient=\"{}\"]",
            patient.id
        ))
        .await;
    harness
        .wait_for("iframe#bedside-frame")
        .await
        .enter_frame()
        .await
        .unwrap();
    harness.wait_for("[data-testid=patient-name]").await;

    assert_nothing_secret_is_kept(&harness).await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn after_a_standalone_launch_no_token_code_or_verifier_is_left_in_the_browser() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Siobhán");
    harness.start_standalone_launch().await;
    // While the user is at the authorization server, the in-flight record is all that exists.
    harness
        .client
        .goto(&harness.sandbox.app_origin)
        .await
        .unwrap();
    let during = harness.storage_snapshot().await;
    assert_eq!(during["sessionLength"], 1, "{}", during["session"]);
    assert!(!during["session"].as_str().unwrap().contains("access_token"));

    harness.start_standalone_launch().await;
    harness.click(&format!("#patient-{}", patient.id)).await;
    harness.click("#allow").await;
    harness.wait_for("[data-testid=patient-name]").await;

    assert_nothing_secret_is_kept(&harness).await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_callback_with_a_tampered_state_is_refused_with_a_message() {
    let harness = Harness::start().await;
    harness.start_standalone_launch().await;
    // The sandbox's reference profile takes the authorization as a form POST, so the state is
    // read back from the app's own in-flight record, keyed by it.
    harness
        .client
        .goto(&harness.sandbox.app_origin)
        .await
        .unwrap();
    let key = harness
        .client
        .execute("return sessionStorage.key(0);", vec![])
        .await
        .unwrap();
    let state = key
        .as_str()
        .and_then(|k| k.strip_prefix("bedside.inflight."))
        .expect("an in-flight record keyed by state")
        .to_owned();
    let tampered = format!(
        "{}/callback?code=anything&state={state}x",
        harness.sandbox.app_origin
    );
    harness.client.goto(&tampered).await.unwrap();

    let message = harness.text_of("[data-testid=error-message]").await;
    assert!(message.contains("does not match any sign-in"), "{message}");
    assert_eq!(
        harness.text_of("[data-testid=error-hint]").await,
        "Open the app from your EHR or start again."
    );
    let href = harness.storage_snapshot().await["href"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !href.contains("code="),
        "the tampered code stays in the address: {href}"
    );
    harness.screenshot("tampered-state").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn declining_access_shows_a_plain_words_message() {
    let harness = Harness::start().await;
    harness.start_standalone_launch().await;
    harness.click("#deny").await;

    assert_eq!(
        harness.text_of("[data-testid=error-title]").await,
        "Access was not granted"
    );
    let message = harness.text_of("[data-testid=error-message]").await;
    assert!(message.contains("Access was declined"), "{message}");
    harness.screenshot("access-denied").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_ehr_launch_from_an_issuer_not_on_the_allow_list_is_refused() {
    let harness = Harness::start().await;
    let hostile = format!(
        "{}/launch?iss=https%3A%2F%2Fevil.example%2Ffhir&launch=abc",
        harness.sandbox.app_origin
    );
    harness.client.goto(&hostile).await.unwrap();

    assert_eq!(
        harness.text_of("[data-testid=error-title]").await,
        "This server is not allowed"
    );
    let message = harness.text_of("[data-testid=error-message]").await;
    assert!(message.contains("https://evil.example/fhir"), "{message}");
    harness.finish().await;
}
