//! `POST {profile}/auth/token`: redeems authorization codes (RFC 6749 §4.1.3 with RFC 7636
//! §4.6) and rotates refresh tokens (RFC 6749 §6, OAuth 2.0 Security BCP §4.14.2). Errors
//! are RFC 6749 §5.2 JSON; every answer carries `Cache-Control: no-store`. With `openid`
//! the response carries an id_token (OpenID Connect Core §3.1.3.3). Simulated `token_*`,
//! `request_expired_token` and `id_token_*` failures (see `simulate`) are produced here.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::oidc;
use crate::params::{is_form, Params};
use crate::scope::{Scope, ScopeSet};
use crate::simulate::{Simulation, SHORT_ACCESS_LIFETIME};
use crate::state::Ctx;
use crate::state::{Grants, TokenGrant};

/// An RFC 6749 §5.2 error.
#[derive(Debug, PartialEq, Eq)]
struct TokenError {
    error: &'static str,
    description: String,
}

fn fail<T>(error: &'static str, description: impl Into<String>) -> Result<T, TokenError> {
    Err(TokenError {
        error,
        description: description.into(),
    })
}

/// The pseudo error of `token_server_error`: answered as a 500 HTML page.
const SERVER_ERROR: &str = "server_error";

/// `POST token`.
pub(crate) async fn token(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    let (status, document) = match exchange(&ctx, &headers, &body) {
        Ok(document) => (StatusCode::OK, document),
        Err(TokenError { error, .. }) if error == SERVER_ERROR => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/html")),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1>\
<p>The server encountered an internal error. [simulated: token_server_error]</p></body></html>",
            )
                .into_response();
        }
        Err(TokenError { error, description }) => (
            StatusCode::BAD_REQUEST,
            json!({ "error": error, "error_description": description }),
        ),
    };
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (header::PRAGMA, HeaderValue::from_static("no-cache")),
        ],
        document.to_string(),
    )
        .into_response()
}

fn exchange(ctx: &Ctx, headers: &HeaderMap, body: &[u8]) -> Result<Value, TokenError> {
    if !is_form(headers) {
        return fail(
            "invalid_request",
            "The token request must be application/x-www-form-urlencoded.",
        );
    }
    let params = Params::parse(body);
    if let Some(name) = params.repeated() {
        return fail(
            "invalid_request",
            format!("The parameter {name} was sent more than once."),
        );
    }
    match params.get("grant_type") {
        Some("authorization_code") => redeem_code(ctx, &params),
        Some("refresh_token") => refresh(ctx, &params),
        Some(other) => fail(
            "unsupported_grant_type",
            format!("grant_type \"{other}\" is not supported."),
        ),
        None => fail("invalid_request", "grant_type is required."),
    }
}

fn require<'a>(params: &'a Params, name: &str) -> Result<&'a str, TokenError> {
    match params.get(name) {
        Some(value) => Ok(value),
        None => fail("invalid_request", format!("{name} is required.")),
    }
}

fn check_client(ctx: &Ctx, client_id: &str) -> Result<(), TokenError> {
    if client_id == ctx.sandbox.client.id {
        Ok(())
    } else {
        fail(
            "invalid_client",
            format!("Unknown client_id \"{client_id}\"."),
        )
    }
}

fn redeem_code(ctx: &Ctx, params: &Params) -> Result<Value, TokenError> {
    let client_id = require(params, "client_id")?;
    check_client(ctx, client_id)?;
    let code = require(params, "code")?;
    let redirect_uri = require(params, "redirect_uri")?;
    let verifier = require(params, "code_verifier")?;
    let mut grants = ctx.sandbox.grants();
    let Some(grant) = grants
        .code_mut(code)
        .filter(|g| g.request.profile == ctx.profile.name)
    else {
        return fail(
            "invalid_grant",
            "The authorization code is unknown or expired.",
        );
    };
    let simulation = grant.request.options.simulation;
    if simulation == Some(Simulation::TokenServerError) {
        return fail(SERVER_ERROR, "");
    }
    if grant.used {
        let family = grant.family;
        grants.revoke_family(family);
        return fail(
            "invalid_grant",
            "The authorization code was already used; the tokens issued for it are revoked.",
        );
    }
    // Consumed by the first attempt, right or wrong, so a verifier cannot be guessed twice.
    grant.used = true;
    if Instant::now() >= grant.expires {
        return fail("invalid_grant", "The authorization code has expired.");
    }
    if grant.request.client_id != client_id {
        return fail(
            "invalid_grant",
            "The authorization code was issued to another client.",
        );
    }
    if grant.request.redirect_uri != redirect_uri {
        return fail(
            "invalid_grant",
            "redirect_uri differs from the one in the authorization request.",
        );
    }
    verify_pkce(verifier, &grant.request.code_challenge)?;
    match simulation {
        Some(Simulation::TokenInvalidToken) => {
            return fail(
                "invalid_grant",
                "The authorization code was rejected. [simulated: token_invalid_token]",
            )
        }
        Some(Simulation::TokenInvalidScope) => return fail(
            "invalid_scope",
            "The requested scope is not allowed for this client. [simulated: token_invalid_scope]",
        ),
        _ => {}
    }
    let scope = grant.request.scope.clone();
    let template = TokenGrant {
        profile: ctx.profile.name,
        client_id: client_id.to_string(),
        scope: scope.clone(),
        context: grant.context.clone(),
        expires: Instant::now(),
        family: grant.family,
        nonce: grant.request.nonce.clone(),
        options: grant.request.options.clone(),
    };
    Ok(issue(ctx, &mut grants, scope, template))
}

/// RFC 7636 §4.1 (verifier syntax) and §4.6 (S256 comparison).
fn verify_pkce(verifier: &str, challenge: &str) -> Result<(), TokenError> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if !(43..=128).contains(&verifier.len()) || !verifier.bytes().all(unreserved) {
        return fail(
            "invalid_grant",
            "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1).",
        );
    }
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge {
        return fail(
            "invalid_grant",
            "code_verifier does not match the code_challenge (PKCE S256).",
        );
    }
    Ok(())
}

fn refresh(ctx: &Ctx, params: &Params) -> Result<Value, TokenError> {
    let token = require(params, "refresh_token")?;
    let client_id = params.get("client_id");
    if let Some(client_id) = client_id {
        check_client(ctx, client_id)?;
    }
    let mut grants = ctx.sandbox.grants();
    if grants.replayed_refresh(token) {
        return fail(
            "invalid_grant",
            "The refresh token was already used; the tokens issued from it are revoked.",
        );
    }
    let Some(grant) = grants
        .refresh(token)
        .filter(|g| g.profile == ctx.profile.name)
        .cloned()
    else {
        return fail(
            "invalid_grant",
            "The refresh token is unknown, expired or revoked.",
        );
    };
    if client_id.is_some_and(|id| id != grant.client_id) {
        return fail(
            "invalid_grant",
            "The refresh token was issued to another client.",
        );
    }
    if grant
        .options
        .simulates(Simulation::TokenExpiredRefreshToken)
    {
        return fail(
            "invalid_grant",
            "The refresh token has expired. [simulated: token_expired_refresh_token]",
        );
    }
    let scope = match params.get("scope").map(ScopeSet::parse) {
        None => grant.scope.clone(),
        Some(Ok(scope)) if !scope.is_empty() && scope.is_subset_of(&grant.scope) => scope,
        Some(_) => {
            return fail(
                "invalid_scope",
                "A refresh may keep or narrow the granted scope, never widen it.",
            )
        }
    };
    grants.retire_refresh(token);
    Ok(issue(ctx, &mut grants, scope, grant))
}

/// Issues an access token with `scope`, and a refresh token with the scope of `template`
/// when that includes `offline_access` or `online_access` (RFC 6749 §6: a rotated refresh
/// token keeps the original scope). `template` carries everything else the tokens share.
fn issue(ctx: &Ctx, grants: &mut Grants, scope: ScopeSet, template: TokenGrant) -> Value {
    let now = Instant::now();
    let lifetimes = ctx.sandbox.lifetimes;
    let profile = ctx.profile;
    let options = &template.options;
    let mut access_lifetime = options.access_lifetime.unwrap_or(lifetimes.access);
    if options.simulates(Simulation::RequestExpiredToken) {
        access_lifetime = access_lifetime.min(SHORT_ACCESS_LIFETIME);
    }
    if let Some(cap) = profile.max_access_lifetime {
        access_lifetime = access_lifetime.min(cap);
    }
    // Epic issues no refresh token to a public client, whatever it asks for.
    let refresh =
        (template.scope.wants_refresh_token() && !profile.epic_tokens).then(|| TokenGrant {
            expires: now + lifetimes.refresh,
            ..template.clone()
        });
    let access = TokenGrant {
        scope: scope.clone(),
        expires: now + access_lifetime,
        ..template.clone()
    };
    let (access_token, refresh_token) = grants.issue_tokens(access, refresh);
    // The grant keeps the token as issued; only the answer carries the injected header line.
    let access_token = if options.simulates(Simulation::TokenWithNewline) {
        format!("{access_token}\r\nX-Injected: simulated-token_with_newline")
    } else {
        access_token
    };
    let context = &template.context;
    let mut document = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": access_lifetime.as_secs(),
        "scope": scope.to_string(),
        "need_patient_banner": true,
        "smart_style_url": ctx.style_url(),
    });
    if options.simulates(Simulation::StyleLowContrast) {
        document["smart_style_url"] = json!(format!("{}?contrast=low", ctx.style_url()));
    }
    if profile.epic_tokens {
        document["token_type"] = json!("bearer");
        document["scope"] = json!(format!("{scope} "));
        document["need_patient_banner"] = json!("false");
        if let Some(patient) = &context.patient {
            document["__epic.dstu2.patient"] = json!(format!("T{patient}"));
        }
    }
    if let Some(patient) = &context.patient {
        document["patient"] = json!(patient);
    }
    if let Some(encounter) = &context.encounter {
        document["encounter"] = json!(encounter);
    }
    if let Some(refresh_token) = refresh_token {
        document["refresh_token"] = json!(refresh_token);
    }
    if scope.has(&Scope::OpenId) {
        document["id_token"] = json!(oidc::id_token(ctx, &scope, &template));
    }
    document
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_appendix_b_verifier_matches_its_challenge() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            verify_pkce(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            Ok(())
        );
    }

    #[test]
    fn a_verifier_shorter_than_43_characters_is_refused_even_if_it_hashes_right() {
        let verifier = "short-verifier";
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        assert_eq!(
            verify_pkce(verifier, &challenge).map_err(|e| e.error),
            Err("invalid_grant")
        );
    }

    #[test]
    fn a_verifier_with_characters_outside_the_unreserved_set_is_refused() {
        let verifier = format!("{}+/", "a".repeat(43));
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        assert_eq!(
            verify_pkce(&verifier, &challenge).map_err(|e| e.error),
            Err("invalid_grant")
        );
    }
}
