//! id_token cases from OpenID Connect Core 1.0 §3.1.3.7 and RFC 7515/7517.

use super::*;
use serde_json::json;

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

fn token(header: Value, claims: Value) -> IdToken {
    IdToken::new(format!(
        "{}.{}.{}",
        encode(&header),
        encode(&claims),
        URL_SAFE_NO_PAD.encode([1, 2, 3])
    ))
}

fn claims() -> Value {
    json!({"iss": "https://ehr.example/fhir", "sub": "u1", "aud": "bedside", "exp": 2_000,
           "iat": 1_000, "nonce": "n-1", "fhirUser": "Practitioner/ada", "name": "Dr. Ada Okafor"})
}

fn expected(now_s: i64) -> Expected<'static> {
    Expected {
        issuer: "https://ehr.example/fhir",
        client_id: "bedside",
        nonce: "n-1",
        now_s,
    }
}

fn rs256() -> Value {
    json!({"alg": "RS256", "kid": "k1"})
}

#[test]
fn a_well_formed_rs256_token_splits_into_signing_input_signature_and_claims() {
    let signed = split(&token(rs256(), claims())).unwrap();
    assert_eq!(signed.signature, vec![1, 2, 3]);
    assert_eq!(signed.kid.as_deref(), Some("k1"));
    assert_eq!(signed.claims.aud, vec!["bedside"]);
    assert_eq!(signed.claims.name.as_deref(), Some("Dr. Ada Okafor"));
    assert_eq!(signed.signing_input.matches('.').count(), 1);
    assert!(check_claims(&signed.claims, &expected(1_500)).is_ok());
}

#[test]
fn unsigned_and_hmac_tokens_are_refused() {
    for alg in ["none", "HS256"] {
        let error = split(&token(json!({"alg": alg}), claims())).unwrap_err();
        assert_eq!(error, IdTokenError::UnsupportedAlgorithm(alg.into()));
    }
}

#[test]
fn malformed_tokens_are_refused() {
    assert_eq!(
        split(&IdToken::new("a.b")).unwrap_err(),
        IdTokenError::NotAJws
    );
    assert_eq!(
        split(&IdToken::new("!!.??.##")).unwrap_err(),
        IdTokenError::NotAJws
    );
    let invalid_utf8 = format!(
        "{}.{}.AA",
        encode(&rs256()),
        URL_SAFE_NO_PAD.encode([0xff, 0xfe])
    );
    assert_eq!(
        split(&IdToken::new(invalid_utf8)).unwrap_err(),
        IdTokenError::NotAJws
    );
}

#[test]
fn non_ascii_claims_decode_as_utf8() {
    let mut with_name = claims();
    with_name["name"] = json!("Zoë Ångström");
    let signed = split(&token(rs256(), with_name)).unwrap();
    assert_eq!(signed.claims.name.as_deref(), Some("Zoë Ångström"));
}

#[test]
fn the_issuer_must_be_the_servers() {
    let mut other = claims();
    other["iss"] = json!("https://evil.example");
    let signed = split(&token(rs256(), other)).unwrap();
    assert!(matches!(
        check_claims(&signed.claims, &expected(1_500)),
        Err(IdTokenError::WrongIssuer(_))
    ));
}

#[test]
fn the_audience_must_name_this_client_and_azp_must_when_there_are_several() {
    let mut several = claims();
    several["aud"] = json!(["other", "bedside"]);
    let signed = split(&token(rs256(), several.clone())).unwrap();
    assert_eq!(
        check_claims(&signed.claims, &expected(1_500)),
        Err(IdTokenError::WrongAudience)
    );
    several["azp"] = json!("bedside");
    let signed = split(&token(rs256(), several)).unwrap();
    assert!(check_claims(&signed.claims, &expected(1_500)).is_ok());
    let mut elsewhere = claims();
    elsewhere["aud"] = json!("another-app");
    let signed = split(&token(rs256(), elsewhere)).unwrap();
    assert_eq!(
        check_claims(&signed.claims, &expected(1_500)),
        Err(IdTokenError::WrongAudience)
    );
}

#[test]
fn expiry_and_issue_time_allow_a_minute_of_clock_skew() {
    let signed = split(&token(rs256(), claims())).unwrap();
    assert!(check_claims(&signed.claims, &expected(2_000 + LEEWAY_S)).is_ok());
    assert_eq!(
        check_claims(&signed.claims, &expected(2_001 + LEEWAY_S)),
        Err(IdTokenError::Expired)
    );
    assert_eq!(
        check_claims(&signed.claims, &expected(1_000 - LEEWAY_S - 1)),
        Err(IdTokenError::IssuedInTheFuture)
    );
}

#[test]
fn a_nonce_other_than_ours_is_refused() {
    let mut replayed = claims();
    replayed["nonce"] = json!("someone-elses");
    let signed = split(&token(rs256(), replayed)).unwrap();
    assert_eq!(
        check_claims(&signed.claims, &expected(1_500)),
        Err(IdTokenError::WrongNonce)
    );
}

#[test]
fn the_signing_key_is_chosen_by_kid_among_rsa_signing_keys() {
    let jwks = json!({"keys": [
        {"kty": "EC", "kid": "k1", "crv": "P-256"},
        {"kty": "RSA", "kid": "k1", "use": "enc", "n": "enc", "e": "AQAB"},
        {"kty": "RSA", "kid": "k1", "use": "sig", "n": "modulus", "e": "AQAB"},
        {"kty": "RSA", "kid": "k2", "n": "other", "e": "AQAB"}
    ]})
    .to_string();
    assert_eq!(select_key(&jwks, Some("k1")).unwrap().n, "modulus");
    assert_eq!(
        select_key(&jwks, Some("k3")).unwrap_err(),
        IdTokenError::NoKey
    );
    assert_eq!(
        select_key(&jwks, None).unwrap_err(),
        IdTokenError::NoKey,
        "two RSA signing keys and no kid"
    );
}

#[test]
fn fhir_user_may_be_relative_or_absolute() {
    let base = FhirBaseUrl::parse("https://ehr.example/fhir").unwrap();
    assert_eq!(
        fhir_user_url("Practitioner/ada", &base).unwrap().as_str(),
        "https://ehr.example/fhir/Practitioner/ada"
    );
    assert_eq!(
        fhir_user_url("https://other.example/fhir/Practitioner/9", &base)
            .unwrap()
            .as_str(),
        "https://other.example/fhir/Practitioner/9"
    );
}

fn identity_of(claims: Value) -> UserIdentity {
    UserIdentity::from_claims(&split(&token(rs256(), claims)).unwrap().claims)
}

#[test]
fn without_a_name_claim_the_given_and_family_names_make_the_name() {
    let mut parts = claims();
    parts["name"] = json!("  ");
    parts["given_name"] = json!("Ada");
    parts["family_name"] = json!("Okafor");
    assert_eq!(identity_of(parts).name.as_deref(), Some("Ada Okafor"));
}

#[test]
fn without_any_name_claim_the_identity_has_no_name() {
    let mut nameless = claims();
    nameless.as_object_mut().unwrap().remove("name");
    assert_eq!(identity_of(nameless).name, None);
}
