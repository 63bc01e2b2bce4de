//! The request log tests read to judge an app by what it sent: each request's path, bearer
//! token, form fields and status, and what the token endpoint issued.

mod common;

use common::*;

#[tokio::test]
async fn the_log_holds_the_token_exchange_with_what_it_issued_and_the_fhir_read_with_its_bearer() {
    let sandbox = start().await;
    let http = http();
    let pkce = Pkce::new("logged");
    let patient = sandbox.patients()[0].id.clone();
    let code = ehr_code(
        &http,
        &sandbox,
        &patient,
        "launch patient/Patient.rs",
        &pkce,
    )
    .await;
    let response = redeem(&http, &sandbox, &code, &pkce).await;
    let issued: serde_json::Value = response.json().await.unwrap();
    let access_token = issued["access_token"].as_str().unwrap();
    let read = http
        .get(format!("{}/Patient/{patient}", sandbox.fhir_base()))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);

    let log = sandbox.requests();
    let exchange = log
        .iter()
        .find(|r| r.path == "/reference/auth/token")
        .expect("the token request is logged");
    assert_eq!(exchange.method, "POST");
    assert_eq!(
        exchange.form_field("grant_type"),
        Some("authorization_code")
    );
    assert_eq!(exchange.form_field("code"), Some(code.as_str()));
    assert_eq!(exchange.status, 200);
    assert_eq!(exchange.answer.as_ref(), Some(&issued));
    let last = log.last().unwrap();
    assert_eq!(last.path, format!("/reference/fhir/Patient/{patient}"));
    assert_eq!(last.bearer.as_deref(), Some(access_token));
    assert_eq!((last.status, last.answer.as_ref()), (200, None));
}

#[tokio::test]
async fn a_logged_form_request_still_reaches_its_handler_whole() {
    let sandbox = start().await;
    let response = token_request(&http(), &sandbox, &[("grant_type", "password")]).await;
    expect_token_error(response, "unsupported_grant_type").await;
    let log = sandbox.requests();
    assert_eq!(
        log.last().unwrap().form_field("grant_type"),
        Some("password")
    );
}
