//! The token endpoint (RFC 6749 §4.1.3, §5.2, §6; RFC 7636 §4.6): code redemption, refresh
//! rotation (OAuth 2.0 Security BCP §4.14) and token lifetimes.

mod common;

use std::time::Duration;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn a_wrong_code_verifier_is_refused_with_invalid_grant() {
    let sandbox = start().await;
    let http = http();
    let code = ehr_code(
        &http,
        &sandbox,
        &sandbox.patients()[0].id,
        "launch patient/Patient.rs",
        &Pkce::new("right"),
    )
    .await;
    let response = redeem(&http, &sandbox, &code, &Pkce::new("wrong")).await;
    expect_token_error(response, "invalid_grant").await;
}

#[tokio::test]
async fn a_code_used_twice_is_refused_and_revokes_the_tokens_it_gave() {
    let sandbox = start().await;
    let http = http();
    let pkce = Pkce::new("twice");
    let patient = sandbox.patients()[0].id.clone();
    let code = ehr_code(
        &http,
        &sandbox,
        &patient,
        "launch patient/Patient.rs",
        &pkce,
    )
    .await;
    let tokens: Value = redeem(&http, &sandbox, &code, &pkce)
        .await
        .json()
        .await
        .expect("JSON");
    let access = tokens["access_token"].as_str();
    assert_eq!(
        read_patient(&http, &sandbox, &patient, access)
            .await
            .status(),
        200
    );
    expect_token_error(redeem(&http, &sandbox, &code, &pkce).await, "invalid_grant").await;
    assert_eq!(
        read_patient(&http, &sandbox, &patient, access)
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn a_token_request_with_another_redirect_uri_is_refused() {
    let sandbox = start_with(Options {
        extra_redirect_uris: vec!["http://localhost:1/other".into()],
        ..Options::default()
    })
    .await;
    let http = http();
    let pkce = Pkce::new("redirect");
    let code = ehr_code(
        &http,
        &sandbox,
        &sandbox.patients()[0].id,
        "launch patient/Patient.rs",
        &pkce,
    )
    .await;
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", "http://localhost:1/other"),
        ("client_id", "bedside"),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    expect_token_error(token_request(&http, &sandbox, &form).await, "invalid_grant").await;
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let sandbox = start_with(Options {
        code_lifetime: Duration::ZERO,
        ..Options::default()
    })
    .await;
    let http = http();
    let pkce = Pkce::new("expired");
    let code = ehr_code(
        &http,
        &sandbox,
        &sandbox.patients()[0].id,
        "launch patient/Patient.rs",
        &pkce,
    )
    .await;
    let description =
        expect_token_error(redeem(&http, &sandbox, &code, &pkce).await, "invalid_grant").await;
    assert!(description.contains("expired"), "{description}");
}

#[tokio::test]
async fn a_token_request_without_code_verifier_is_refused_with_invalid_request() {
    let sandbox = start().await;
    let http = http();
    let redirect_uri = sandbox.redirect_uri();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", "whatever"),
        ("redirect_uri", redirect_uri.as_str()),
        ("client_id", "bedside"),
    ];
    expect_token_error(
        token_request(&http, &sandbox, &form).await,
        "invalid_request",
    )
    .await;
}

#[tokio::test]
async fn unknown_clients_and_grant_types_are_refused_at_the_token_endpoint() {
    let sandbox = start().await;
    let http = http();
    let client = [
        ("grant_type", "authorization_code"),
        ("client_id", "mallory"),
        ("code", "c"),
    ];
    expect_token_error(
        token_request(&http, &sandbox, &client).await,
        "invalid_client",
    )
    .await;
    let grant = [("grant_type", "password"), ("client_id", "bedside")];
    expect_token_error(
        token_request(&http, &sandbox, &grant).await,
        "unsupported_grant_type",
    )
    .await;
}

#[tokio::test]
async fn token_responses_forbid_caching() {
    let sandbox = start().await;
    let http = http();
    let pkce = Pkce::new("cache");
    let code = ehr_code(
        &http,
        &sandbox,
        &sandbox.patients()[0].id,
        "launch patient/Patient.rs",
        &pkce,
    )
    .await;
    for response in [
        redeem(&http, &sandbox, &code, &pkce).await,
        redeem(&http, &sandbox, &code, &pkce).await,
    ] {
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(response.headers()["pragma"], "no-cache");
    }
}
async fn refresh(
    http: &reqwest::Client,
    sandbox: &Running,
    token: &str,
    scope: Option<&str>,
) -> reqwest::Response {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", token),
        ("client_id", "bedside"),
    ];
    form.extend(scope.map(|s| ("scope", s)));
    token_request(http, sandbox, &form).await
}

#[tokio::test]
async fn online_access_gives_a_refresh_token_too() {
    let sandbox = start().await;
    let tokens = ehr_tokens(
        &http(),
        &sandbox,
        &sandbox.patients()[0].id,
        "launch patient/Patient.rs online_access",
    )
    .await;
    assert!(tokens["refresh_token"].is_string());
}

#[tokio::test]
async fn a_refresh_rotates_the_token_and_the_old_one_is_refused() {
    let sandbox = start().await;
    let http = http();
    let patient = sandbox.patients()[0].id.clone();
    let tokens = ehr_tokens(
        &http,
        &sandbox,
        &patient,
        "launch patient/Patient.rs offline_access",
    )
    .await;
    let first = tokens["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_string();
    let response = refresh(&http, &sandbox, &first, None).await;
    assert_eq!(response.status(), 200);
    let renewed: Value = response.json().await.expect("JSON");
    let second = renewed["refresh_token"]
        .as_str()
        .expect("a new refresh token")
        .to_string();
    assert_ne!(first, second);
    assert_eq!(renewed["patient"], patient.as_str());
    assert_eq!(renewed["scope"], "launch patient/Patient.rs offline_access");
    let read = read_patient(&http, &sandbox, &patient, renewed["access_token"].as_str()).await;
    assert_eq!(read.status(), 200);
    expect_token_error(
        refresh(&http, &sandbox, &first, None).await,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn replaying_a_rotated_refresh_token_revokes_the_tokens_that_followed_it() {
    let sandbox = start().await;
    let http = http();
    let patient = sandbox.patients()[0].id.clone();
    let tokens = ehr_tokens(
        &http,
        &sandbox,
        &patient,
        "launch patient/Patient.rs offline_access",
    )
    .await;
    let first = tokens["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_string();
    let renewed: Value = refresh(&http, &sandbox, &first, None)
        .await
        .json()
        .await
        .expect("JSON");
    let _ = refresh(&http, &sandbox, &first, None).await;
    let second = renewed["refresh_token"]
        .as_str()
        .expect("a new refresh token");
    expect_token_error(
        refresh(&http, &sandbox, second, None).await,
        "invalid_grant",
    )
    .await;
    let read = read_patient(&http, &sandbox, &patient, renewed["access_token"].as_str()).await;
    assert_eq!(read.status(), 401);
}

#[tokio::test]
async fn a_refresh_may_narrow_the_scope_but_not_widen_it() {
    let sandbox = start().await;
    let http = http();
    let tokens = ehr_tokens(
        &http,
        &sandbox,
        &sandbox.patients()[0].id,
        "launch patient/Patient.rs offline_access",
    )
    .await;
    let token = tokens["refresh_token"].as_str().expect("a refresh token");
    expect_token_error(
        refresh(&http, &sandbox, token, Some("user/Patient.rs")).await,
        "invalid_scope",
    )
    .await;
    let narrowed: Value = refresh(
        &http,
        &sandbox,
        token,
        Some("patient/Patient.rs offline_access"),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(narrowed["scope"], "patient/Patient.rs offline_access");
}

#[tokio::test]
async fn an_unknown_refresh_token_is_refused() {
    let sandbox = start().await;
    expect_token_error(
        refresh(&http(), &sandbox, "not-a-token", None).await,
        "invalid_grant",
    )
    .await;
}

#[tokio::test]
async fn an_expired_access_token_is_refused_with_401() {
    let sandbox = start_with(Options {
        access_token_lifetime: Duration::ZERO,
        ..Options::default()
    })
    .await;
    let http = http();
    let patient = sandbox.patients()[0].id.clone();
    let tokens = ehr_tokens(&http, &sandbox, &patient, "launch patient/Patient.rs").await;
    assert_eq!(tokens["expires_in"], 0);
    let response = read_patient(&http, &sandbox, &patient, tokens["access_token"].as_str()).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"sandbox\", error=\"invalid_token\""
    );
}
