//! Whole launches against SMART App Launch 2.x: EHR launch (launch id from the EHR page,
//! approved at once) and standalone launch (sign-in, patient picker, Allow / Deny).

mod common;

use common::*;
use serde_json::Value;

#[tokio::test]
async fn an_ehr_launch_gives_a_token_that_reads_the_bound_patient() {
    let sandbox = start().await;
    let http = http();
    let patient = patient_named(&sandbox, "Zoë Ångström");
    let tokens = ehr_tokens(&http, &sandbox, &patient, "launch patient/Patient.rs").await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["patient"], patient.as_str());
    assert_eq!(tokens["scope"], "launch patient/Patient.rs");
    assert_eq!(tokens["need_patient_banner"], true);
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(
        tokens["smart_style_url"],
        format!("{}/reference/smart-style.json", sandbox.ehr_origin)
    );
    assert!(
        tokens.get("refresh_token").is_none(),
        "no refresh token without offline/online access"
    );
    let response = read_patient(&http, &sandbox, &patient, tokens["access_token"].as_str()).await;
    assert_eq!(response.status(), 200);
    let resource: Value = response.json().await.expect("a Patient");
    assert_eq!(resource["resourceType"], "Patient");
    assert_eq!(resource["id"], patient.as_str());
    assert_eq!(resource["name"][0]["family"], "Ångström");
}

#[tokio::test]
async fn an_ehr_launch_with_an_encounter_returns_it_in_the_token_response() {
    let sandbox = start().await;
    let http = http();
    let patient = sandbox.patients()[1].id.clone();
    let url = format!(
        "{}/ehr/launch?patient={patient}&encounter=enc-1&target=tab",
        sandbox.ehr_origin
    );
    let response = http.get(url).send().await.expect("the EHR answers");
    let launch =
        redirect_params(&response, &format!("{}/launch", sandbox.app_origin))["launch"].clone();
    let pkce = Pkce::new("encounter");
    let response = Authorize::ehr(&sandbox, &launch, &pkce)
        .send(&http, &sandbox)
        .await;
    let code = redirect_params(&response, &sandbox.redirect_uri())["code"].clone();
    let tokens: Value = redeem(&http, &sandbox, &code, &pkce)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(tokens["patient"], patient.as_str());
    assert_eq!(tokens["encounter"], "enc-1");
}

#[tokio::test]
async fn a_launch_id_can_be_used_only_once() {
    let sandbox = start().await;
    let http = http();
    let launch = launch_id(&http, &sandbox, &sandbox.patients()[0].id).await;
    let pkce = Pkce::new("once");
    let first = Authorize::ehr(&sandbox, &launch, &pkce)
        .send(&http, &sandbox)
        .await;
    assert!(redirect_params(&first, &sandbox.redirect_uri()).contains_key("code"));
    let second = Authorize::ehr(&sandbox, &launch, &pkce)
        .send(&http, &sandbox)
        .await;
    let params = redirect_params(&second, &sandbox.redirect_uri());
    assert_eq!(params["error"], "invalid_request");
    assert_eq!(params["state"], "state-0123456789abcdef");
}

#[tokio::test]
async fn the_launch_scope_without_a_launch_parameter_is_refused() {
    let sandbox = start().await;
    let http = http();
    let response = Authorize::new(&sandbox, "launch patient/Patient.rs", &Pkce::new("x"))
        .send(&http, &sandbox)
        .await;
    assert_eq!(
        redirect_params(&response, &sandbox.redirect_uri())["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn an_unknown_launch_id_is_refused() {
    let sandbox = start().await;
    let http = http();
    let response = Authorize::ehr(&sandbox, "made-up", &Pkce::new("x"))
        .send(&http, &sandbox)
        .await;
    assert_eq!(
        redirect_params(&response, &sandbox.redirect_uri())["error"],
        "invalid_request"
    );
}

#[tokio::test]
async fn a_standalone_launch_through_the_consent_form_binds_the_chosen_patient() {
    let sandbox = start().await;
    let http = http();
    let pkce = Pkce::new("standalone");
    let scope = "launch/patient patient/Patient.rs offline_access";
    let page = Authorize::new(&sandbox, scope, &pkce)
        .send(&http, &sandbox)
        .await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("a page");
    let patient = patient_named(&sandbox, "Ольга Смирнова");
    assert!(page.contains(&format!("id=\"patient-{patient}\"")));
    let request_id = request_id(&page);
    let form = [
        ("request_id", request_id.as_str()),
        ("username", "clinician"),
        ("password", "demo"),
        ("patient", patient.as_str()),
        ("decision", "allow"),
    ];
    let response = decide(&http, &sandbox, &form).await;
    assert_eq!(response.status(), 303);
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["state"], "state-0123456789abcdef");
    let tokens: Value = redeem(&http, &sandbox, &params["code"], &pkce)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(tokens["patient"], patient.as_str());
    assert!(tokens["refresh_token"].is_string());
    let read = read_patient(&http, &sandbox, &patient, tokens["access_token"].as_str()).await;
    assert_eq!(read.status(), 200);
    let again = decide(&http, &sandbox, &form).await;
    assert_eq!(again.status(), 400, "a consent request is answered once");
}

#[tokio::test]
async fn denying_on_the_consent_form_redirects_with_access_denied_and_the_state() {
    let sandbox = start().await;
    let http = http();
    let page = Authorize::new(
        &sandbox,
        "launch/patient patient/Patient.rs",
        &Pkce::new("deny"),
    )
    .send(&http, &sandbox)
    .await;
    let request_id = request_id(&page.text().await.expect("a page"));
    let response = decide(
        &http,
        &sandbox,
        &[("request_id", &request_id), ("decision", "deny")],
    )
    .await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], "state-0123456789abcdef");
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn allowing_without_a_patient_or_with_a_wrong_password_shows_the_form_again() {
    let sandbox = start().await;
    let http = http();
    let page = Authorize::new(
        &sandbox,
        "launch/patient patient/Patient.rs",
        &Pkce::new("none"),
    )
    .send(&http, &sandbox)
    .await;
    let request_id = request_id(&page.text().await.expect("a page"));
    let base = [
        ("request_id", request_id.as_str()),
        ("username", "clinician"),
        ("decision", "allow"),
    ];
    let no_patient = decide(
        &http,
        &sandbox,
        &[&base[..], &[("password", "demo")]].concat(),
    )
    .await;
    assert_eq!(no_patient.status(), 200);
    assert!(no_patient
        .text()
        .await
        .expect("a page")
        .contains("id=\"consent-message\""));
    let patient = sandbox.patients()[0].id.clone();
    let wrong = [
        &base[..],
        &[("password", "nope"), ("patient", patient.as_str())],
    ]
    .concat();
    let wrong_password = decide(&http, &sandbox, &wrong).await;
    assert_eq!(wrong_password.status(), 200);
    assert!(wrong_password
        .text()
        .await
        .expect("a page")
        .contains("password"));
}

#[tokio::test]
async fn a_standalone_launch_without_launch_patient_is_approved_without_patient_context() {
    let sandbox = start().await;
    let http = http();
    let pkce = Pkce::new("no-patient");
    let response = Authorize::new(&sandbox, "user/Patient.rs", &pkce)
        .send(&http, &sandbox)
        .await;
    let code = redirect_params(&response, &sandbox.redirect_uri())["code"].clone();
    let tokens: Value = redeem(&http, &sandbox, &code, &pkce)
        .await
        .json()
        .await
        .expect("JSON");
    assert!(tokens.get("patient").is_none());
    assert_eq!(tokens["scope"], "user/Patient.rs");
}
