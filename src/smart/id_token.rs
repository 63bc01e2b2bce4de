//! OpenID Connect id_token checks (OpenID Connect Core 1.0 §3.1.3.7; SMART App Launch 2.x
//! "Scopes for requesting identity data"): the JWS is split and decoded here, the claims are
//! checked against what this launch expects, and the signing key is picked from the JWKS
//! (RFC 7517). Only the RS256 signature check itself needs the browser (WebCrypto).

use super::secret::IdToken;
use crate::fhir::FhirBaseUrl;
use crate::problem::UserFacing;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;
use url::Url;

/// Clock skew tolerated on `exp` and `iat`, in seconds.
pub const LEEWAY_S: i64 = 60;

/// An id_token split into what the signature covers and what it claims.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIdToken {
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: String,
    /// The signature bytes.
    pub signature: Vec<u8>,
    /// The key id from the header, if any.
    pub kid: Option<String>,
    /// The claims, not yet checked.
    pub claims: IdTokenClaims,
}

/// The claims Bedside checks or shows.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct IdTokenClaims {
    /// Issuer.
    #[serde(default)]
    pub iss: String,
    /// Subject.
    #[serde(default)]
    pub sub: String,
    /// Audience: one string or a list (normalized to a list).
    #[serde(default, deserialize_with = "one_or_many")]
    pub aud: Vec<String>,
    /// Authorized party, required when there are several audiences.
    #[serde(default)]
    pub azp: Option<String>,
    /// Expiry, seconds since the epoch.
    #[serde(default)]
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    #[serde(default)]
    pub iat: i64,
    /// The nonce sent in the authorization request.
    #[serde(default)]
    pub nonce: Option<String>,
    /// The user's FHIR resource, absolute or relative to the FHIR base.
    #[serde(default, rename = "fhirUser")]
    pub fhir_user: Option<String>,
    /// The user's name.
    #[serde(default)]
    pub name: Option<String>,
    /// The user's given name(s) (OpenID Connect Core §5.1).
    #[serde(default)]
    pub given_name: Option<String>,
    /// The user's family name (OpenID Connect Core §5.1).
    #[serde(default)]
    pub family_name: Option<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(one) => Ok(vec![one]),
        Value::Array(many) => Ok(many
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()),
        _ => Ok(Vec::new()),
    }
}

/// Splits and decodes a compact JWS id_token; only RS256 is accepted (SMART requires it, and
/// refusing `none` and HMAC algorithms closes the classic JWT downgrade attacks).
pub fn split(token: &IdToken) -> Result<SignedIdToken, IdTokenError> {
    let mut parts = token.expose().split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(IdTokenError::NotAJws);
    };
    let decode = |part: &str| {
        URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .map_err(|_| IdTokenError::NotAJws)
    };
    // Read as text, like the payload, so one JSON reader serves both (a smaller wasm).
    let header_bytes = decode(header)?;
    let header_text = std::str::from_utf8(&header_bytes).map_err(|_| IdTokenError::NotAJws)?;
    let header_json: Value =
        serde_json::from_str(header_text).map_err(|_| IdTokenError::NotAJws)?;
    let alg = header_json.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg != "RS256" {
        return Err(IdTokenError::UnsupportedAlgorithm(alg.to_owned()));
    }
    let payload_bytes = decode(payload)?;
    let text = std::str::from_utf8(&payload_bytes).map_err(|_| IdTokenError::NotAJws)?;
    let claims: IdTokenClaims = serde_json::from_str(text).map_err(|_| IdTokenError::NotAJws)?;
    Ok(SignedIdToken {
        signing_input: format!("{header}.{payload}"),
        signature: decode(signature)?,
        kid: header_json
            .get("kid")
            .and_then(Value::as_str)
            .map(str::to_owned),
        claims,
    })
}

/// What the claims must say for this launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected<'a> {
    /// The issuer from discovery.
    pub issuer: &'a str,
    /// Our client id.
    pub client_id: &'a str,
    /// The nonce we sent.
    pub nonce: &'a str,
    /// Now, seconds since the epoch.
    pub now_s: i64,
}

/// Checks `iss`, `aud` (and `azp`), `exp`, `iat` and `nonce`.
pub fn check_claims(claims: &IdTokenClaims, expected: &Expected) -> Result<(), IdTokenError> {
    if claims.iss != expected.issuer {
        return Err(IdTokenError::WrongIssuer(claims.iss.clone()));
    }
    if !claims.aud.iter().any(|a| a == expected.client_id) {
        return Err(IdTokenError::WrongAudience);
    }
    if claims.aud.len() > 1 && claims.azp.as_deref() != Some(expected.client_id) {
        return Err(IdTokenError::WrongAudience);
    }
    if claims.exp + LEEWAY_S < expected.now_s {
        return Err(IdTokenError::Expired);
    }
    if claims.iat - LEEWAY_S > expected.now_s {
        return Err(IdTokenError::IssuedInTheFuture);
    }
    if claims.nonce.as_deref() != Some(expected.nonce) {
        return Err(IdTokenError::WrongNonce);
    }
    Ok(())
}

/// An RSA public key from a JWKS, as WebCrypto imports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsaJwk {
    /// Modulus, base64url.
    pub n: String,
    /// Exponent, base64url.
    pub e: String,
}

/// Picks the signing key: the RSA key with the token's `kid`, or the only RSA signing key when
/// the token names none.
pub fn select_key(jwks: &str, kid: Option<&str>) -> Result<RsaJwk, IdTokenError> {
    let document: Value = serde_json::from_str(jwks).map_err(|_| IdTokenError::NoKey)?;
    let keys: Vec<&Value> = document
        .get("keys")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|k| k.get("kty").and_then(Value::as_str) == Some("RSA"))
        .filter(|k| {
            k.get("use")
                .and_then(Value::as_str)
                .is_none_or(|u| u == "sig")
        })
        .collect();
    let chosen = match kid {
        Some(kid) => keys
            .iter()
            .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid)),
        None if keys.len() == 1 => keys.first(),
        None => None,
    }
    .ok_or(IdTokenError::NoKey)?;
    let field = |name: &str| chosen.get(name).and_then(Value::as_str).map(str::to_owned);
    Ok(RsaJwk {
        n: field("n").ok_or(IdTokenError::NoKey)?,
        e: field("e").ok_or(IdTokenError::NoKey)?,
    })
}

/// Who is signed in, from a checked id_token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserIdentity {
    /// The user's name: the `name` claim, else `given_name` and `family_name` together.
    pub name: Option<String>,
    /// The `fhirUser` claim, as written.
    pub fhir_user: Option<String>,
}

impl UserIdentity {
    /// Takes the shown parts of checked claims.
    pub fn from_claims(claims: &IdTokenClaims) -> Self {
        let written = |claim: &Option<String>| {
            claim
                .as_deref()
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
        };
        let parts: Vec<String> = [&claims.given_name, &claims.family_name]
            .into_iter()
            .filter_map(written)
            .collect();
        UserIdentity {
            name: written(&claims.name).or_else(|| (!parts.is_empty()).then(|| parts.join(" "))),
            fhir_user: claims.fhir_user.clone(),
        }
    }
}

/// The user's FHIR resource URL: `fhirUser` as given when absolute, else relative to the base.
pub fn fhir_user_url(fhir_user: &str, base: &FhirBaseUrl) -> Option<Url> {
    Url::parse(fhir_user)
        .ok()
        .or_else(|| base.resolve(fhir_user).ok())
}

/// Why the id_token was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdTokenError {
    /// Not three base64url parts of JSON.
    #[error("not a JWS")]
    NotAJws,
    /// An algorithm other than RS256.
    #[error("alg {0}")]
    UnsupportedAlgorithm(String),
    /// `iss` is not the server's issuer.
    #[error("issuer {0}")]
    WrongIssuer(String),
    /// `aud`/`azp` do not name this app.
    #[error("audience")]
    WrongAudience,
    /// Past `exp`.
    #[error("expired")]
    Expired,
    /// `iat` in the future.
    #[error("iat in the future")]
    IssuedInTheFuture,
    /// `nonce` is not ours.
    #[error("nonce")]
    WrongNonce,
    /// No usable key in the JWKS.
    #[error("no key")]
    NoKey,
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// `openid` was requested but no id_token came back.
    #[error("missing")]
    Missing,
}

impl UserFacing for IdTokenError {
    fn title(&self) -> String {
        "Your identity could not be confirmed".into()
    }

    fn message(&self) -> String {
        let why = match self {
            IdTokenError::NotAJws => "the identity token is not a well-formed signed token".into(),
            IdTokenError::UnsupportedAlgorithm(alg) => {
                format!("the identity token is signed with \u{201c}{alg}\u{201d}, not RS256")
            }
            IdTokenError::WrongIssuer(iss) => {
                format!("the identity token comes from {iss}, not from this server")
            }
            IdTokenError::WrongAudience => "the identity token was issued to another app".into(),
            IdTokenError::Expired => "the identity token has expired".into(),
            IdTokenError::IssuedInTheFuture => "the identity token is dated in the future".into(),
            IdTokenError::WrongNonce => {
                "the identity token does not answer this sign-in (wrong nonce)".into()
            }
            IdTokenError::NoKey => "the server's signing key could not be found".into(),
            IdTokenError::BadSignature => "the identity token's signature is not valid".into(),
            IdTokenError::Missing => "the server sent no identity token".into(),
        };
        format!("Bedside could not confirm who is signed in: {why}. The record is still shown; the user's name is not.")
    }
}

#[cfg(test)]
#[path = "id_token_tests.rs"]
mod tests;
