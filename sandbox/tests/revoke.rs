//! Token revocation (RFC 7009) at `{profile}/auth/revoke`, and where it is advertised.

mod common;

use common::flows::*;
use common::*;
use serde_json::Value;

const SCOPE: &str = "launch patient/Patient.rs offline_access";

async fn revoke(sandbox: &Running, form: &[(&str, &str)]) -> reqwest::Response {
    http()
        .post(format!("{}/reference/auth/revoke", sandbox.ehr_origin))
        .header("Origin", &sandbox.app_origin)
        .form(form)
        .send()
        .await
        .expect("the revocation endpoint answers")
}

async fn launch(sandbox: &Running) -> (String, String) {
    let tokens: Value = token_json(&http(), sandbox, "", SCOPE, &[]).await;
    let text = |name: &str| tokens[name].as_str().expect(name).to_string();
    (text("access_token"), text("refresh_token"))
}

async fn patient_status(sandbox: &Running, access: &str) -> u16 {
    let patient = sandbox.patients()[0].id.clone();
    read_patient(&http(), sandbox, &patient, Some(access))
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_revoked_access_token_no_longer_reads_fhir() {
    let sandbox = start().await;
    let (access, _) = launch(&sandbox).await;
    let form = [
        ("token", access.as_str()),
        ("token_type_hint", "access_token"),
        ("client_id", "bedside"),
    ];
    assert_eq!(revoke(&sandbox, &form).await.status(), 200);
    assert_eq!(patient_status(&sandbox, &access).await, 401);
}

#[tokio::test]
async fn a_revoked_refresh_token_can_no_longer_be_exchanged() {
    let sandbox = start().await;
    let (_, refresh_token) = launch(&sandbox).await;
    let form = [("token", refresh_token.as_str()), ("client_id", "bedside")];
    assert_eq!(revoke(&sandbox, &form).await.status(), 200);
    let response = refresh(&http(), &sandbox, &refresh_token).await;
    expect_token_error(response, "invalid_grant").await;
}

#[tokio::test]
async fn revoking_a_refresh_token_also_revokes_the_access_tokens_of_its_grant() {
    let sandbox = start().await;
    let (access, refresh_token) = launch(&sandbox).await;
    let form = [
        ("token", refresh_token.as_str()),
        ("token_type_hint", "refresh_token"),
        ("client_id", "bedside"),
    ];
    revoke(&sandbox, &form).await;
    assert_eq!(patient_status(&sandbox, &access).await, 401);
}

#[tokio::test]
async fn a_wrong_token_type_hint_does_not_stop_the_revocation() {
    let sandbox = start().await;
    let (access, _) = launch(&sandbox).await;
    let form = [
        ("token", access.as_str()),
        ("token_type_hint", "refresh_token"),
        ("client_id", "bedside"),
    ];
    revoke(&sandbox, &form).await;
    assert_eq!(patient_status(&sandbox, &access).await, 401);
}

#[tokio::test]
async fn revoking_an_access_token_leaves_the_refresh_token_usable() {
    let sandbox = start().await;
    let (access, refresh_token) = launch(&sandbox).await;
    revoke(
        &sandbox,
        &[("token", access.as_str()), ("client_id", "bedside")],
    )
    .await;
    assert_eq!(
        refresh(&http(), &sandbox, &refresh_token).await.status(),
        200
    );
}

#[tokio::test]
async fn an_unknown_token_is_answered_200() {
    let sandbox = start().await;
    let form = [("token", "never-issued"), ("client_id", "bedside")];
    assert_eq!(revoke(&sandbox, &form).await.status(), 200);
}

#[tokio::test]
async fn a_revocation_without_a_token_is_refused_with_invalid_request() {
    let sandbox = start().await;
    let response = revoke(&sandbox, &[("client_id", "bedside")]).await;
    expect_token_error(response, "invalid_request").await;
}

#[tokio::test]
async fn a_revocation_from_an_unknown_client_is_refused_with_invalid_client() {
    let sandbox = start().await;
    let (access, _) = launch(&sandbox).await;
    let response = revoke(
        &sandbox,
        &[("token", access.as_str()), ("client_id", "other")],
    )
    .await;
    expect_token_error(response, "invalid_client").await;
    assert_eq!(patient_status(&sandbox, &access).await, 200);
}

#[tokio::test]
async fn the_revocation_endpoint_answers_cors_for_the_app_origin() {
    let sandbox = start().await;
    let response = revoke(&sandbox, &[("token", "x"), ("client_id", "bedside")]).await;
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        sandbox.app_origin.as_str()
    );
}

#[tokio::test]
async fn the_legacy_capability_statement_lists_revoke_in_its_oauth_uris() {
    let sandbox = start().await;
    let statement: Value = http()
        .get(format!("{}/metadata", sandbox.fhir_base_of("legacy")))
        .send()
        .await
        .expect("metadata")
        .json()
        .await
        .expect("JSON");
    let uris = &statement["rest"][0]["security"]["extension"][0]["extension"];
    let revoke = uris
        .as_array()
        .expect("oauth-uris")
        .iter()
        .find(|u| u["url"] == "revoke")
        .expect("a revoke URI");
    assert_eq!(
        revoke["valueUri"],
        format!("{}/legacy/auth/revoke", sandbox.ehr_origin)
    );
}

#[tokio::test]
async fn the_epic_like_profile_has_no_revocation_endpoint() {
    let sandbox = start().await;
    let root = profile_root(&sandbox, "epic-like");
    let config: Value = http()
        .get(format!(
            "{}/.well-known/smart-configuration",
            sandbox.fhir_base_of("epic-like")
        ))
        .send()
        .await
        .expect("discovery")
        .json()
        .await
        .expect("JSON");
    assert!(config.get("revocation_endpoint").is_none());
    let response = http()
        .post(format!("{root}/auth/revoke"))
        .form(&[("token", "x"), ("client_id", "bedside")])
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 404);
}
