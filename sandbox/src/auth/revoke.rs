//! `POST {profile}/auth/revoke`: token revocation (RFC 7009). A public client names itself
//! with `client_id`; revoking an access token ends it, revoking a refresh token ends it and
//! the access tokens of its grant (§2.1). Unknown, expired and already revoked tokens are
//! answered 200 like any other (§2.2), so the answer reveals nothing.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::params::{is_form, Params};
use crate::state::Ctx;
use crate::state::RevokeError;

/// `POST revoke`.
pub(crate) async fn revoke(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    match check(&ctx, &headers, &body) {
        Ok(()) => (
            StatusCode::OK,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        )
            .into_response(),
        Err((error, description)) => (
            StatusCode::BAD_REQUEST,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            json!({ "error": error, "error_description": description }).to_string(),
        )
            .into_response(),
    }
}

fn check(ctx: &Ctx, headers: &HeaderMap, body: &[u8]) -> Result<(), (&'static str, String)> {
    if !is_form(headers) {
        return Err((
            "invalid_request",
            "The revocation request must be application/x-www-form-urlencoded.".into(),
        ));
    }
    let params = Params::parse(body);
    if let Some(name) = params.repeated() {
        return Err((
            "invalid_request",
            format!("The parameter {name} was sent more than once."),
        ));
    }
    let Some(client_id) = params.get("client_id") else {
        return Err(("invalid_request", "client_id is required.".into()));
    };
    if client_id != ctx.sandbox.client.id {
        return Err((
            "invalid_client",
            format!("Unknown client_id \"{client_id}\"."),
        ));
    }
    let Some(token) = params.get("token") else {
        return Err(("invalid_request", "token is required.".into()));
    };
    // §2.1: the hint only speeds up the lookup; both kinds are searched whatever it says.
    match ctx.sandbox.grants().revoke(token, client_id) {
        Ok(()) => Ok(()),
        Err(RevokeError::OtherClient) => Err((
            "unauthorized_client",
            "The token was issued to another client.".into(),
        )),
    }
}
