//! Authorization by POST (SMART `authorize-post`), per-launch token lifetimes, scope
//! negotiation (RFC 6749 §3.3: the server grants a subset and says which), and sign-in
//! pages that refuse framing.

mod common;

use common::flows::*;
use common::*;
use serde_json::Value;

const SCOPE: &str = "launch patient/Patient.rs";

/// The authorize parameters of a valid standalone request, as a form.
fn standalone_form(sandbox: &Running, pkce: &Pkce) -> Vec<(&'static str, String)> {
    vec![
        ("response_type", "code".into()),
        ("client_id", "bedside".into()),
        ("redirect_uri", sandbox.redirect_uri()),
        ("scope", "patient/Patient.rs".into()),
        ("state", "state-0123456789abcdef".into()),
        ("aud", sandbox.fhir_base()),
        ("code_challenge", pkce.challenge.clone()),
        ("code_challenge_method", "S256".into()),
    ]
}

async fn post_authorize(
    sandbox: &Running,
    profile: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    http()
        .post(format!("{}/auth/authorize", profile_root(sandbox, profile)))
        .form(form)
        .send()
        .await
        .expect("authorize answers")
}

async fn capabilities(sandbox: &Running, profile: &str) -> Vec<String> {
    let url = format!(
        "{}/.well-known/smart-configuration",
        sandbox.fhir_base_of(profile)
    );
    let config: Value = http()
        .get(url)
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("JSON");
    config["capabilities"]
        .as_array()
        .expect("capabilities")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_form_post_to_authorize_is_answered_like_a_get_with_a_303_and_a_code() {
    let sandbox = start().await;
    let pkce = Pkce::new("post");
    let response = post_authorize(&sandbox, "reference", &standalone_form(&sandbox, &pkce)).await;
    assert_eq!(response.status(), 303);
    let params = redirect_params(&response, &sandbox.redirect_uri());
    let code = params.get("code").expect("a code");
    assert_eq!(redeem(&http(), &sandbox, code, &pkce).await.status(), 200);
}

#[tokio::test]
async fn a_form_post_to_authorize_obeys_the_same_rules_as_a_get() {
    let sandbox = start().await;
    let mut form = standalone_form(&sandbox, &Pkce::new("post"));
    form.retain(|(name, _)| *name != "code_challenge");
    let response = post_authorize(&sandbox, "reference", &form).await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "invalid_request");
}

#[tokio::test]
async fn only_the_reference_profile_advertises_authorize_post() {
    let sandbox = start().await;
    assert!(capabilities(&sandbox, "reference")
        .await
        .contains(&"authorize-post".to_string()));
    for profile in ["epic-like", "oracle-like", "no-cors"] {
        assert!(
            !capabilities(&sandbox, profile)
                .await
                .contains(&"authorize-post".to_string()),
            "{profile}"
        );
    }
}

#[tokio::test]
async fn a_profile_without_authorize_post_answers_405_to_a_post() {
    let sandbox = start().await;
    let response = post_authorize(
        &sandbox,
        "epic-like",
        &standalone_form(&sandbox, &Pkce::new("p")),
    )
    .await;
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn a_launch_lifetime_sets_expires_in() {
    let sandbox = start().await;
    let tokens = token_json(&http(), &sandbox, "&lifetime=30", SCOPE, &[]).await;
    assert_eq!(tokens["expires_in"], 30);
}

#[tokio::test]
async fn a_denied_type_is_left_out_of_the_granted_scope() {
    let sandbox = start().await;
    let scope = "launch patient/Patient.rs patient/Procedure.rs";
    let tokens = token_json(&http(), &sandbox, "&deny=Procedure", scope, &[]).await;
    assert_eq!(tokens["scope"], "launch patient/Patient.rs");
}

#[tokio::test]
async fn a_denied_type_cannot_be_searched_with_the_narrowed_token() {
    let sandbox = start().await;
    let tokens = token_json(
        &http(),
        &sandbox,
        "&deny=Procedure",
        "launch patient/*.rs",
        &[],
    )
    .await;
    let token = tokens["access_token"].as_str();
    let granted = tokens["scope"].as_str().unwrap_or_default();
    assert!(
        granted.contains("patient/Observation.rs") && !granted.contains("Procedure"),
        "{granted}"
    );
    let patient = &sandbox.patients()[0].id;
    let procedures = fhir_get(
        &http(),
        &sandbox,
        "reference",
        &format!("Procedure?patient={patient}"),
        token,
    )
    .await;
    assert_eq!(procedures.status(), 403);
}

#[tokio::test]
async fn the_sandbox_wide_denied_scopes_apply_to_every_launch() {
    let sandbox = start_with(Options {
        denied_scopes: vec!["Procedure".into()],
        ..Options::default()
    })
    .await;
    let scope = "launch patient/Patient.rs patient/Procedure.rs";
    let tokens = token_json(&http(), &sandbox, "", scope, &[]).await;
    assert_eq!(tokens["scope"], "launch patient/Patient.rs");
}

fn refuses_framing(response: &reqwest::Response) -> bool {
    let headers = response.headers();
    let csp = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    headers.get("x-frame-options").is_some_and(|v| v == "DENY")
        && csp.contains("frame-ancestors 'none'")
}

#[tokio::test]
async fn an_ehr_launch_with_frames_deny_shows_a_sign_in_page_that_refuses_framing() {
    let sandbox = start().await;
    let response = authorize_with(
        &http(),
        &sandbox,
        "&frames=deny",
        SCOPE,
        &[],
        &Pkce::new("f"),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert!(refuses_framing(&response));
    let page = response.text().await.expect("a page");
    assert!(page.contains("id=\"consent-form\"") && page.contains("id=\"launch-patient\""));
}

#[tokio::test]
async fn signing_in_on_a_frames_deny_launch_gives_a_code_for_the_launch_patient() {
    let sandbox = start().await;
    let http = http();
    let pkce = Pkce::new("framed");
    let response = authorize_with(&http, &sandbox, "&frames=deny", SCOPE, &[], &pkce).await;
    let request_id = request_id(&response.text().await.expect("a page"));
    let form = [
        ("request_id", request_id.as_str()),
        ("username", "clinician"),
        ("password", "demo"),
        ("decision", "allow"),
    ];
    let response = decide(&http, &sandbox, &form).await;
    let code = redirect_params(&response, &sandbox.redirect_uri())["code"].clone();
    let tokens: Value = redeem(&http, &sandbox, &code, &pkce)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(tokens["patient"], sandbox.patients()[0].id);
}

#[tokio::test]
async fn with_refuse_framing_the_authorize_error_page_refuses_framing() {
    let sandbox = start_with(Options {
        refuse_framing: true,
        ..Options::default()
    })
    .await;
    let request =
        Authorize::new(&sandbox, "patient/Patient.rs", &Pkce::new("e")).set("client_id", "nobody");
    let response = request.send(&http(), &sandbox).await;
    assert_eq!(response.status(), 400);
    assert!(refuses_framing(&response));
}

#[tokio::test]
async fn without_refuse_framing_the_sign_in_page_may_be_framed() {
    let sandbox = start().await;
    let request = Authorize::new(
        &sandbox,
        "launch/patient patient/Patient.rs",
        &Pkce::new("s"),
    );
    let response = request.send(&http(), &sandbox).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("x-frame-options").is_none());
}
