//! Browser-shell tests that need a real browser (sessionStorage, fetch, history): run by
//! `cargo xtask test` in headless Chromium through wasm-bindgen-test.
#![cfg(target_arch = "wasm32")]

use bedside::browser::{http, location, storage, world};
use bedside::fhir::FhirBaseUrl;
use bedside::http::{FailureKind, HttpRequest, Method, Purpose};
use bedside::inspect::{navigation, LaunchLog, Step};
use bedside::smart::authorize::{
    authorization_request, ClientSettings, Entropy, InFlightRecord, LaunchKind,
    MAX_IN_FLIGHT_AGE_MS,
};
use bedside::smart::callback::cleaned_url;
use bedside::smart::discovery::Discovery;
use url::Url;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn record(seed: u8, created_at_ms: u64) -> InFlightRecord {
    let discovery = Discovery::with_endpoints(
        FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
        Url::parse("https://ehr.example/authorize").unwrap(),
        Url::parse("https://ehr.example/token").unwrap(),
    );
    let client = ClientSettings {
        client_id: "bedside".into(),
        redirect_uri: Url::parse("https://app.example/callback").unwrap(),
        scope: "launch/patient patient/*.rs".into(),
    };
    let entropy = Entropy {
        state: [seed; 32],
        verifier: [seed.wrapping_add(1); 32],
        nonce: [seed.wrapping_add(2); 32],
    };
    authorization_request(
        &discovery,
        &client,
        LaunchKind::Standalone,
        entropy,
        created_at_ms,
    )
    .1
}

fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

#[wasm_bindgen_test]
fn an_in_flight_record_can_be_taken_once_only() {
    let saved = record(1, 1_000);
    let state = saved.state.clone();
    storage::save(&saved, None).unwrap();
    let key = InFlightRecord::storage_key(&state);
    assert!(session_storage().get_item(&key).unwrap().is_some());
    assert_eq!(
        storage::take(&state).map(|stored| stored.record),
        Some(record(1, 1_000))
    );
    assert_eq!(session_storage().get_item(&key).unwrap(), None);
    assert_eq!(storage::take(&state), None);
}

#[wasm_bindgen_test]
fn discarding_abandoned_records_removes_every_in_flight_record_and_nothing_else() {
    let first = record(2, 0);
    let second = record(3, MAX_IN_FLIGHT_AGE_MS);
    storage::save(&first, None).unwrap();
    storage::save(&second, None).unwrap();
    session_storage().set_item("unrelated", "kept").unwrap();

    storage::discard_abandoned();

    assert_eq!(storage::take(&first.state), None);
    assert_eq!(storage::take(&second.state), None);
    assert_eq!(
        session_storage().get_item("unrelated").unwrap().as_deref(),
        Some("kept")
    );
    session_storage().remove_item("unrelated").unwrap();
}

#[wasm_bindgen_test]
fn the_sole_record_of_the_tab_is_taken_and_two_records_give_none() {
    let only = record(5, 1);
    storage::save(&only, None).unwrap();
    assert_eq!(
        storage::take_sole().map(|stored| stored.record),
        Some(record(5, 1))
    );
    assert_eq!(storage::take(&only.state), None);
    let (one, two) = (record(6, 1), record(7, 1));
    storage::save(&one, None).unwrap();
    storage::save(&two, None).unwrap();
    assert_eq!(storage::take_sole(), None);
    storage::discard_abandoned();
}

#[wasm_bindgen_test]
fn the_inspectors_steps_are_taken_with_the_record_they_were_stored_beside() {
    let saved = record(8, 1);
    let mut steps = LaunchLog::default();
    let authorize = Url::parse("https://auth.example/authorize").unwrap();
    steps.push(navigation(Step::Authorize, Method::Get, &authorize, 1));
    storage::save(&saved, Some(&steps)).unwrap();
    let taken = storage::take(&saved.state).unwrap();
    assert_eq!(taken.record, record(8, 1));
    assert_eq!(taken.inspector, Some(steps));
}

#[wasm_bindgen_test]
fn the_stored_record_holds_no_access_or_refresh_token_fields() {
    let saved = record(4, 1);
    storage::save(&saved, None).unwrap();
    let text = session_storage()
        .get_item(&InFlightRecord::storage_key(&saved.state))
        .unwrap()
        .unwrap();
    assert!(!text.contains("access_token"));
    assert!(!text.contains("refresh_token"));
    storage::take(&saved.state);
}

#[wasm_bindgen_test]
async fn the_http_shell_returns_status_content_type_and_body() {
    let url = Url::parse("data:application/json,%7B%22ok%22%3Atrue%7D").unwrap();
    let response = http::send(&HttpRequest::get(Purpose::Config, url, "application/json"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.content_type.as_deref(), Some("application/json"));
    assert_eq!(response.body, r#"{"ok":true}"#);
}

#[wasm_bindgen_test]
async fn a_request_sent_at_low_priority_is_answered_like_any_other() {
    let url = Url::parse("data:application/json,%7B%7D").unwrap();
    let request = HttpRequest::get(Purpose::Style, url, "application/json");
    assert!(request.low_priority());
    let response = http::send(&request).await.unwrap();
    assert_eq!((response.status, response.body.as_str()), (200, "{}"));
}

/// How long `hops` successive waits for a task of its own take, in milliseconds.
async fn hops_ms<F: std::future::Future<Output = ()>>(hops: usize, wait: impl Fn() -> F) -> f64 {
    let started = js_sys::Date::now();
    for _ in 0..hops {
        wait().await;
    }
    js_sys::Date::now() - started
}

// A zero-delay timer set from a timer's task is held for at least 4 ms once five are nested
// (HTML, timer initialisation steps): a hundred of them in a row take 380 ms or more.
#[wasm_bindgen_test]
async fn a_hundred_yields_in_a_row_are_not_held_by_the_timer_clamp() {
    let elapsed = hops_ms(100, world::next_task).await;
    assert!(elapsed < 250.0, "{elapsed} ms");
    let elapsed = hops_ms(100, world::background_task).await;
    assert!(elapsed < 250.0, "{elapsed} ms");
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_a_network_failure_not_a_panic() {
    let url = Url::parse("http://127.0.0.1:9/unreachable").unwrap();
    assert!(
        http::send(&HttpRequest::get(Purpose::Config, url, "application/json"))
            .await
            .is_err()
    );
}

#[wasm_bindgen_test]
async fn a_header_the_browser_refuses_is_a_typed_failure_not_a_panic() {
    let url = Url::parse("data:application/json,%7B%7D").unwrap();
    let mut request = HttpRequest::get(Purpose::Config, url, "application/json");
    request
        .headers
        .push(("Authorization".into(), "Bearer a\r\nX-Injected: 1".into()));
    let failure = http::send(&request).await.unwrap_err();
    assert_eq!(failure.kind, FailureKind::Unsendable);
}

#[wasm_bindgen_test]
fn replacing_the_address_removes_code_and_state_without_navigating() {
    let original = location::current_url();
    let mut with_code = original.clone();
    with_code.set_query(Some("code=secret-code&state=s&keep=1"));
    location::replace_url(&with_code);
    assert!(location::current_url().as_str().contains("secret-code"));

    location::replace_url(&cleaned_url(&location::current_url()));

    let now = location::current_url();
    assert!(!now.as_str().contains("secret-code"), "{now}");
    assert!(!now.as_str().contains("state="), "{now}");
    assert!(now.as_str().contains("keep=1"), "{now}");
    location::replace_url(&original);
}

// An RS256 vector made with `openssl dgst -sha256 -sign` and the sandbox-only key in
// sandbox/src/sandbox_only_signing_key.pem (modulus below; exponent 65537).
const VECTOR_N: &str = "rCjJ8HYZMdc81PXZe22e80oa2F4c1uFk8GN5n1jEuvHcuTbT2ed_qEKvi2EnfF3sXdHww6-_mgU2ToL4oNxvDf0HlyhpYvShMlnOfKgYk7we0Y20WCpdVU85E6BpgAmRpEwYkkvTEnj_oglif_HAIwnho6V7JgEzt6T9Uzv1bqZ7Xp1-JnZ8KL7W0AQ7k9mbfTDoU53E9bHVjQ1oIS0aUWMeX_pe8zmzKQw2ItoqskpPvkTgEAfaY9BIk7uiBdIDztRXkwyyJFg5mkIEMC_JlP6G0ZMK122PJiyS34-eAfE3KRzCGC4-nXHfwnZgMHj70PceYi7l8mnS7jKJrh7wDQ";
const VECTOR_INPUT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0";
const VECTOR_SIGNATURE: &str = "X1E9TLPS1Xt5kL7u5vpWOxiqP27eeVxJExZUguOwup9jNQg9X2FUpZqotCenw0nJTlPkc7wlNVXBKc4W_vR5OyeKBXvDGCpaSbZPSDa1OVp6i47W3AW2DUUzbTA7vNgvTys2YB-w3tjyRgkVfGxFEImonMCGhf3KW7FHNpWCIPk_CSzusL_rJ8giPaakHnjMkq8RGbkcpk74ajqX08fplyIFceUbzP1ogBtTxjRkrR_ua8fN1Yu9Fl7XCQV9i_eIx9Wx64reAWLXJ5kfSjZLjtERgTJTdS7az4sY1SomuxDTkTLmsjam7ONj2AtNmjQpn90pDPp-c-9mCXuzJiTTEw";

fn vector_key() -> bedside::smart::id_token::RsaJwk {
    bedside::smart::id_token::RsaJwk {
        n: VECTOR_N.into(),
        e: "AQAB".into(),
    }
}

fn vector_signature() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(VECTOR_SIGNATURE)
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_valid_rs256_signature_verifies_with_webcrypto() {
    let verified =
        bedside::browser::webcrypto::verify_rs256(&vector_key(), VECTOR_INPUT, &vector_signature())
            .await;
    assert!(verified);
}

#[wasm_bindgen_test]
async fn an_altered_signature_or_payload_does_not_verify() {
    let mut altered = vector_signature();
    altered[10] ^= 0x5a;
    let key = vector_key();
    assert!(!bedside::browser::webcrypto::verify_rs256(&key, VECTOR_INPUT, &altered).await);
    let tampered_input = VECTOR_INPUT.replace("In0", "Iw0");
    assert!(
        !bedside::browser::webcrypto::verify_rs256(&key, &tampered_input, &vector_signature())
            .await
    );
}
