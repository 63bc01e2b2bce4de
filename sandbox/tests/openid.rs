//! OpenID Connect: the JWKS (RFC 7517), the discovery document, id_token claims (OpenID
//! Connect Core §2, §3.1.3.7) with an RS256 signature checked against the published key,
//! `fhirUser` (SMART App Launch 2.2), the Practitioner it names, and the `id_token_*`
//! simulations.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::flows::*;
use common::*;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::{BigUint, RsaPublicKey};
use serde_json::Value;
use sha2::Sha256;

const SCOPE: &str = "launch openid fhirUser profile patient/Patient.rs";
const NONCE: &str = "nonce-5f0c1e2d";

async fn get_json(url: &str) -> (reqwest::header::HeaderMap, Value) {
    let response = http().get(url).send().await.expect("an answer");
    assert_eq!(response.status(), 200, "{url}");
    let headers = response.headers().clone();
    (headers, response.json().await.expect("JSON"))
}

async fn jwks(sandbox: &Running) -> (reqwest::header::HeaderMap, Value) {
    get_json(&format!("{}/reference/auth/jwks", sandbox.ehr_origin)).await
}

async fn id_token(sandbox: &Running, extra: &str) -> String {
    let tokens = token_json(&http(), sandbox, extra, SCOPE, &[("nonce", NONCE)]).await;
    tokens["id_token"]
        .as_str()
        .expect("an id_token")
        .to_string()
}

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a payload");
    let bytes = URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// True when the JWS signature verifies with the first key of the JWKS.
fn verifies(token: &str, jwks: &Value) -> bool {
    let key = &jwks["keys"][0];
    let number = |name: &str| {
        let text = key[name].as_str().expect("a base64url member");
        BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(text).expect("base64url"))
    };
    let public = RsaPublicKey::new(number("n"), number("e")).expect("an RSA key");
    let (input, signature) = token.rsplit_once('.').expect("a JWS");
    let signature = URL_SAFE_NO_PAD.decode(signature).expect("base64url");
    let signature = Signature::try_from(signature.as_slice()).expect("a signature");
    VerifyingKey::<Sha256>::new(public)
        .verify(input.as_bytes(), &signature)
        .is_ok()
}

#[tokio::test]
async fn the_jwks_publishes_one_rs256_signing_key_readable_from_any_origin() {
    let sandbox = start().await;
    let (headers, set) = jwks(&sandbox).await;
    assert_eq!(headers["access-control-allow-origin"], "*");
    let key = &set["keys"][0];
    assert_eq!(
        (
            key["kty"].as_str(),
            key["alg"].as_str(),
            key["use"].as_str()
        ),
        (Some("RSA"), Some("RS256"), Some("sig"))
    );
    assert_eq!(key["e"], "AQAB");
    assert_eq!(
        URL_SAFE_NO_PAD
            .decode(key["n"].as_str().expect("n"))
            .map(|n| n.len()),
        Ok(256)
    );
    assert!(key["kid"].as_str().is_some_and(|kid| !kid.is_empty()));
}

#[tokio::test]
async fn the_openid_configuration_sits_under_the_issuer_and_names_the_jwks() {
    let sandbox = start().await;
    let url = format!("{}/.well-known/openid-configuration", sandbox.fhir_base());
    let (headers, config) = get_json(&url).await;
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert_eq!(config["issuer"], sandbox.fhir_base());
    assert_eq!(
        config["jwks_uri"],
        format!("{}/reference/auth/jwks", sandbox.ehr_origin)
    );
    assert_eq!(
        config["authorization_endpoint"],
        format!("{}/reference/auth/authorize", sandbox.ehr_origin)
    );
    assert_eq!(
        config["token_endpoint"],
        format!("{}/reference/auth/token", sandbox.ehr_origin)
    );
    assert_eq!(
        config["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256"])
    );
    assert_eq!(
        config["response_types_supported"],
        serde_json::json!(["code"])
    );
    assert_eq!(
        config["subject_types_supported"],
        serde_json::json!(["public"])
    );
}

#[tokio::test]
async fn the_epic_like_openid_configuration_sits_under_its_distinct_issuer() {
    let sandbox = start().await;
    let issuer = format!("{}/epic-like/oauth2", sandbox.ehr_origin);
    let (_, config) = get_json(&format!("{issuer}/.well-known/openid-configuration")).await;
    assert_eq!(config["issuer"], issuer);
}

#[tokio::test]
async fn an_id_token_is_signed_with_rs256_by_the_published_key() {
    let sandbox = start().await;
    let token = id_token(&sandbox, "").await;
    let header = token.split('.').next().expect("a header");
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).expect("b64")).expect("JSON");
    let (_, set) = jwks(&sandbox).await;
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], set["keys"][0]["kid"]);
    assert!(verifies(&token, &set));
}

#[tokio::test]
async fn the_id_token_names_the_issuer_the_client_and_the_user() {
    let sandbox = start().await;
    let claims = claims(&id_token(&sandbox, "").await);
    assert_eq!(claims["iss"], sandbox.fhir_base());
    assert_eq!(claims["aud"], "bedside");
    assert!(claims["sub"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(claims["name"], "Dr. Ada Okafor");
}

#[tokio::test]
async fn the_id_token_expires_after_it_was_issued() {
    let sandbox = start().await;
    let claims = claims(&id_token(&sandbox, "").await);
    let (iat, exp) = (claims["iat"].as_u64(), claims["exp"].as_u64());
    assert!(iat.is_some() && exp > iat, "{claims}");
}

#[tokio::test]
async fn the_id_token_echoes_the_nonce_of_the_authorization_request() {
    let sandbox = start().await;
    assert_eq!(claims(&id_token(&sandbox, "").await)["nonce"], NONCE);
}

#[tokio::test]
async fn the_subject_is_the_same_in_every_launch() {
    let sandbox = start().await;
    let first = claims(&id_token(&sandbox, "").await);
    let second = claims(&id_token(&sandbox, "").await);
    assert_eq!(first["sub"], second["sub"]);
}

#[tokio::test]
async fn the_reference_fhir_user_is_a_relative_practitioner_reference() {
    let sandbox = start().await;
    assert_eq!(
        claims(&id_token(&sandbox, "").await)["fhirUser"],
        "Practitioner/ada-okafor"
    );
}

#[tokio::test]
async fn without_the_fhir_user_scope_the_id_token_has_no_fhir_user_claim() {
    let sandbox = start().await;
    let scope = "launch openid patient/Patient.rs";
    let tokens = token_json(&http(), &sandbox, "", scope, &[("nonce", NONCE)]).await;
    let claims = claims(tokens["id_token"].as_str().expect("an id_token"));
    assert!(claims.get("fhirUser").is_none(), "{claims}");
}

#[tokio::test]
async fn without_openid_there_is_no_id_token() {
    let sandbox = start().await;
    let tokens = token_json(
        &http(),
        &sandbox,
        "",
        "launch fhirUser patient/Patient.rs",
        &[],
    )
    .await;
    assert!(tokens.get("id_token").is_none());
}

#[tokio::test]
async fn the_epic_like_fhir_user_is_an_absolute_url() {
    let sandbox = start().await;
    let http = http();
    let launch = format!(
        "{}/ehr/launch?patient={}&target=tab&profile=epic-like",
        sandbox.ehr_origin,
        sandbox.patients()[0].id
    );
    let response = http.get(launch).send().await.expect("the EHR answers");
    let launch =
        redirect_params(&response, &format!("{}/launch", sandbox.app_origin))["launch"].clone();
    let pkce = Pkce::new("epic-openid");
    let base = sandbox.fhir_base_of("epic-like");
    let root = profile_root(&sandbox, "epic-like");
    let query = [
        ("response_type", "code"),
        ("client_id", "bedside"),
        ("redirect_uri", &sandbox.redirect_uri()),
        ("scope", "launch openid fhirUser patient/Patient.read"),
        ("state", "state-0123456789abcdef"),
        ("aud", &base),
        ("code_challenge", &pkce.challenge),
        ("code_challenge_method", "S256"),
        ("launch", &launch),
        ("nonce", NONCE),
    ];
    let response = http
        .get(format!("{root}/auth/authorize"))
        .query(&query)
        .send()
        .await
        .expect("authorize");
    let code = redirect_params(&response, &sandbox.redirect_uri())["code"].clone();
    let redirect_uri = sandbox.redirect_uri();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("client_id", "bedside"),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    let tokens: Value = http
        .post(format!("{root}/auth/token"))
        .form(&form)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("JSON");
    let claims = claims(tokens["id_token"].as_str().expect("an id_token"));
    assert_eq!(
        claims["fhirUser"],
        format!("{base}/Practitioner/ada-okafor")
    );
}

#[tokio::test]
async fn openid_without_a_nonce_is_refused_with_invalid_request() {
    let sandbox = start().await;
    let response = authorize_with(&http(), &sandbox, "", SCOPE, &[], &Pkce::new("n")).await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "invalid_request");
    assert!(params["error_description"].contains("nonce"));
}

#[tokio::test]
async fn a_profile_without_openid_connect_refuses_the_openid_scope() {
    let sandbox = start().await;
    let pkce = Pkce::new("oracle-openid");
    let scope = "launch openid patient/Patient.read";
    let response = profile_authorize(
        &http(),
        &sandbox,
        "oracle-like",
        &sandbox.patients()[0].id,
        scope,
        &pkce,
    )
    .await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "invalid_scope");
}

#[tokio::test]
async fn the_practitioner_named_by_fhir_user_is_readable_with_the_token() {
    let sandbox = start().await;
    let tokens = token_json(&http(), &sandbox, "", SCOPE, &[("nonce", NONCE)]).await;
    let path = claims(tokens["id_token"].as_str().expect("an id_token"))["fhirUser"]
        .as_str()
        .expect("fhirUser")
        .to_string();
    let response = fhir_get(
        &http(),
        &sandbox,
        "reference",
        &path,
        tokens["access_token"].as_str(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let practitioner: Value = response.json().await.expect("JSON");
    assert_eq!(practitioner["resourceType"], "Practitioner");
    assert_eq!(practitioner["name"][0]["text"], "Dr. Ada Okafor");
}

#[tokio::test]
async fn the_practitioner_is_forbidden_to_a_token_without_fhir_user() {
    let sandbox = start().await;
    let tokens = token_json(&http(), &sandbox, "", "launch patient/Patient.rs", &[]).await;
    let response = fhir_get(
        &http(),
        &sandbox,
        "reference",
        "Practitioner/ada-okafor",
        tokens["access_token"].as_str(),
    )
    .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn id_token_bad_signature_gives_a_token_that_does_not_verify() {
    let sandbox = start().await;
    let token = id_token(&sandbox, "&simulate=id_token_bad_signature").await;
    let (_, set) = jwks(&sandbox).await;
    assert!(!verifies(&token, &set));
}

#[tokio::test]
async fn id_token_wrong_nonce_gives_a_token_with_another_nonce() {
    let sandbox = start().await;
    let claims = claims(&id_token(&sandbox, "&simulate=id_token_wrong_nonce").await);
    assert!(claims["nonce"].is_string());
    assert_ne!(claims["nonce"], NONCE);
}
