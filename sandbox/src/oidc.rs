//! OpenID Connect for the profiles that offer it: the RS256 signing key, the JSON Web Key
//! Set (RFC 7517) at `{profile}/auth/jwks`, the discovery document at
//! `{issuer}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4), and
//! id_tokens (OpenID Connect Core §2) for token responses with `openid`.
//!
//! The key is a fixed RSA 2048 key shipped in the source (`sandbox_only_signing_key.pem`):
//! generating one takes seconds in debug builds. It signs only the sandbox's synthetic
//! identities and must never be trusted anywhere else.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::data::clinician;
use crate::discovery::json_response;
use crate::random::secret;
use crate::scope::{Scope, ScopeSet};
use crate::simulate::Simulation;
use crate::state::Ctx;
use crate::state::TokenGrant;
use crate::user;

/// SANDBOX-ONLY private key: public in this repository, so it proves nothing outside it.
const SANDBOX_ONLY_PRIVATE_KEY_PEM: &str = include_str!("sandbox_only_signing_key.pem");

/// How long an id_token may be accepted (`exp` − `iat`).
const ID_TOKEN_LIFETIME_SECS: u64 = 300;

/// The signing key and its public parts as JWK members.
struct Key {
    signer: SigningKey<Sha256>,
    n: String,
    e: String,
    kid: String,
}

fn key() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| {
        let private = RsaPrivateKey::from_pkcs1_pem(SANDBOX_ONLY_PRIVATE_KEY_PEM)
            .expect("the sandbox signing key in the source is valid PKCS#1 PEM");
        let n = URL_SAFE_NO_PAD.encode(private.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(private.e().to_bytes_be());
        // RFC 7638 thumbprint: the required members in lexicographic order, no spaces.
        let thumbprint = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
        let kid = URL_SAFE_NO_PAD.encode(Sha256::digest(thumbprint.as_bytes()));
        Key {
            signer: SigningKey::<Sha256>::new(private),
            n,
            e,
            kid,
        }
    })
}

/// `GET {profile}/auth/jwks`: the public signing key (RFC 7517 §4, §5; RFC 7518 §6.3.1).
pub(crate) async fn jwks() -> Response {
    let key = key();
    let document = json!({
        "keys": [{
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": key.kid,
            "n": key.n,
            "e": key.e,
        }],
    });
    json_response(document, "application/json")
}

/// `GET {issuer}/.well-known/openid-configuration`.
pub(crate) async fn openid_configuration(State(ctx): State<Ctx>) -> Response {
    let mut document = json!({
        "issuer": ctx.issuer(),
        "jwks_uri": ctx.jwks_uri(),
        "authorization_endpoint": ctx.authorize_endpoint(),
        "token_endpoint": ctx.token_endpoint(),
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "scopes_supported": ["openid", "fhirUser", "profile"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "nonce", "fhirUser", "name"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
    });
    if ctx.profile.revocation {
        document["revocation_endpoint"] = json!(ctx.revocation_endpoint());
    }
    json_response(document, "application/json")
}

/// A signed id_token for a token response with `scope` (OpenID Connect Core §2): `iss`,
/// `sub`, `aud`, `exp`, `iat`, `nonce` (when the authorization sent one), `name`, and
/// `fhirUser` with the `fhirUser` scope (SMART App Launch 2.2 §"Scopes for requesting
/// identity data").
pub(crate) fn id_token(ctx: &Ctx, scope: &ScopeSet, grant: &TokenGrant) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let mut claims = json!({
        "iss": ctx.issuer(),
        "sub": clinician::SUBJECT,
        "aud": grant.client_id,
        "iat": now,
        "exp": now + ID_TOKEN_LIFETIME_SECS,
        "name": clinician::NAME,
    });
    let simulation = grant.options.simulation;
    if simulation == Some(Simulation::IdTokenWithoutName) {
        claims.as_object_mut().map(|claims| claims.remove("name"));
    }
    if let Some(nonce) = &grant.nonce {
        claims["nonce"] = json!(if simulation == Some(Simulation::IdTokenWrongNonce) {
            secret()
        } else {
            nonce.clone()
        });
    }
    if scope.has(&Scope::FhirUser) {
        claims["fhirUser"] = json!(user::fhir_user(ctx));
    }
    sign(&claims, simulation == Some(Simulation::IdTokenBadSignature))
}

/// A compact JWS (RFC 7515 §7.1) of `claims` with RS256; `spoil` alters the signature.
fn sign(claims: &Value, spoil: bool) -> String {
    let key = key();
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": key.kid });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut signature = key.signer.sign(input.as_bytes()).to_vec();
    if spoil {
        if let Some(last) = signature.last_mut() {
            *last ^= 0x5a;
        }
    }
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::{Keypair, Verifier};

    fn verifies(token: &str) -> bool {
        let (input, signature) = token.rsplit_once('.').unwrap_or_default();
        let bytes = URL_SAFE_NO_PAD.decode(signature).unwrap_or_default();
        let verifier: VerifyingKey<Sha256> = key().signer.verifying_key();
        Signature::try_from(bytes.as_slice())
            .is_ok_and(|s| verifier.verify(input.as_bytes(), &s).is_ok())
    }

    #[test]
    fn a_signed_token_verifies_with_the_published_key() {
        assert!(verifies(&sign(&json!({ "sub": "x" }), false)));
    }

    #[test]
    fn a_spoiled_signature_does_not_verify() {
        assert!(!verifies(&sign(&json!({ "sub": "x" }), true)));
    }
}
