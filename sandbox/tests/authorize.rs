//! The authorization endpoint's refusals (RFC 6749 §4.1.2.1, RFC 7636 §4.4.1, SMART App
//! Launch 2.x): untrusted client or redirect URI → error page, anything else → redirect with
//! `error` and `state`.

mod common;

use std::collections::HashMap;

use common::*;

#[tokio::test]
async fn an_extra_registered_redirect_uri_receives_the_code() {
    let extra = "http://127.0.0.1:4000/cb".to_string();
    let sandbox = start_with(Options {
        extra_redirect_uris: vec![extra.clone()],
        ..Options::default()
    })
    .await;
    let http = http();
    let request = Authorize::new(&sandbox, "user/Patient.rs", &Pkce::new("extra"))
        .set("redirect_uri", &extra);
    let response = request.send(&http, &sandbox).await;
    assert!(redirect_params(&response, &extra).contains_key("code"));
}

#[tokio::test]
async fn an_unregistered_redirect_uri_shows_an_error_page_and_does_not_redirect() {
    let sandbox = start().await;
    let http = http();
    let evil = format!("{}/callback/../evil", sandbox.app_origin);
    let response = Authorize::new(&sandbox, "user/Patient.rs", &Pkce::new("x"))
        .set("redirect_uri", &evil)
        .send(&http, &sandbox)
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(response
        .text()
        .await
        .expect("a page")
        .contains("is not registered"));
}

#[tokio::test]
async fn a_profiles_own_redirect_uri_receives_the_code_with_the_issuer_as_iss() {
    let sandbox = start().await;
    let own = sandbox.redirect_uri_of("reference");
    let response = Authorize::new(&sandbox, "user/Patient.rs", &Pkce::new("own"))
        .set("redirect_uri", &own)
        .send(&http(), &sandbox)
        .await;
    let params = redirect_params(&response, &own);
    assert!(params.contains_key("code"));
    // RFC 9207 §2: the reference profile names itself; its issuer is its FHIR base.
    assert_eq!(params["iss"], sandbox.fhir_base());
}

#[tokio::test]
async fn another_profiles_redirect_uri_is_not_registered_here() {
    let sandbox = start().await;
    let response = Authorize::new(&sandbox, "user/Patient.rs", &Pkce::new("other"))
        .set("redirect_uri", &sandbox.redirect_uri_of("epic-like"))
        .send(&http(), &sandbox)
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
}

#[tokio::test]
async fn an_error_redirect_of_the_reference_profile_carries_iss_too() {
    let params = refused(|request| request.without("aud")).await;
    assert_eq!(params["error"], "invalid_request");
    assert!(params["iss"].ends_with("/reference/fhir"), "{params:?}");
}

#[tokio::test]
async fn an_unknown_client_id_shows_an_error_page_and_does_not_redirect() {
    let sandbox = start().await;
    let http = http();
    let response = Authorize::new(&sandbox, "user/Patient.rs", &Pkce::new("x"))
        .set("client_id", "mallory")
        .send(&http, &sandbox)
        .await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(response.text().await.expect("a page").contains("mallory"));
}

/// Sends an authorize request changed by `change` and returns the redirect's parameters.
async fn refused(change: impl FnOnce(Authorize) -> Authorize) -> HashMap<String, String> {
    let sandbox = start().await;
    let request = change(Authorize::new(
        &sandbox,
        "launch/patient patient/Patient.rs",
        &Pkce::new("x"),
    ));
    let response = request.send(&http(), &sandbox).await;
    redirect_params(&response, &sandbox.redirect_uri())
}

#[tokio::test]
async fn an_authorize_request_without_code_challenge_is_refused_with_invalid_request() {
    let params = refused(|r| r.without("code_challenge")).await;
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].contains("PKCE S256 is required"));
    assert_eq!(params["state"], "state-0123456789abcdef");
}

#[tokio::test]
async fn the_plain_code_challenge_method_is_refused() {
    let params = refused(|r| r.set("code_challenge_method", "plain")).await;
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].contains("PKCE S256 is required"));
}

#[tokio::test]
async fn an_omitted_code_challenge_method_is_refused_because_it_means_plain() {
    let params = refused(|r| r.without("code_challenge_method")).await;
    assert_eq!(params["error"], "invalid_request");
}

#[tokio::test]
async fn a_wrong_aud_is_refused_with_invalid_request() {
    let params = refused(|r| r.set("aud", "https://other.example/fhir")).await;
    assert_eq!(params["error"], "invalid_request");
}

#[tokio::test]
async fn an_unknown_scope_is_refused_with_invalid_scope() {
    let params = refused(|r| r.set("scope", "launch/patient patient/Patient.rs email")).await;
    assert_eq!(params["error"], "invalid_scope");
    assert!(params["error_description"].contains("email"));
}

#[tokio::test]
async fn a_response_type_other_than_code_is_refused() {
    let params = refused(|r| r.set("response_type", "token")).await;
    assert_eq!(params["error"], "unsupported_response_type");
}

#[tokio::test]
async fn an_authorize_request_without_state_is_refused() {
    let params = refused(|r| r.without("state")).await;
    assert_eq!(params["error"], "invalid_request");
    assert!(!params.contains_key("state"));
}

#[tokio::test]
async fn a_repeated_parameter_is_refused() {
    let sandbox = start().await;
    let request = Authorize::new(
        &sandbox,
        "launch/patient patient/Patient.rs",
        &Pkce::new("x"),
    );
    let response = request
        .send_adding(&http(), &sandbox, &[("scope", "user/Patient.rs")])
        .await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].contains("more than once"));
}
