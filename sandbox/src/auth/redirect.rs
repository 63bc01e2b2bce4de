//! The authorization server's answers by redirect: a code or an error sent back to the
//! client's redirect URI, named by its issuer where the profile says so (RFC 9207).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::html;
use crate::state::{AuthorizationRequest, Ctx};

/// Redirects to `redirect_uri` with `pairs` added to its query (RFC 6749 §4.1.2).
fn redirect(redirect_uri: &str, pairs: &[(&str, &str)], status: StatusCode) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return html::error_page(
            StatusCode::BAD_REQUEST,
            "Cannot redirect",
            &format!("The registered redirect URI \"{redirect_uri}\" is not an absolute URL."),
        );
    };
    url.query_pairs_mut().extend_pairs(pairs);
    (status, [(header::LOCATION, url.to_string())]).into_response()
}

/// The `iss` authorization-response parameter (RFC 9207 §2), on every answer of a profile that
/// advertises `authorization_response_iss_parameter_supported`: the issuer of its
/// smart-configuration.
fn response_iss(ctx: &Ctx) -> Option<String> {
    ctx.profile.response_iss.then(|| ctx.issuer())
}

/// Sends the code of an approved request back to the client.
pub(super) fn redirect_with_code(
    ctx: &Ctx,
    request: &AuthorizationRequest,
    code: &str,
    status: StatusCode,
) -> Response {
    let iss = response_iss(ctx);
    let mut pairs = vec![("code", code), ("state", request.state.as_str())];
    if let Some(iss) = &iss {
        pairs.push(("iss", iss));
    }
    redirect(&request.redirect_uri, &pairs, status)
}

/// Sends an error back to the client (RFC 6749 §4.1.2.1), with `state` when there was one.
pub(super) fn redirect_with_error(
    ctx: &Ctx,
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
    status: StatusCode,
) -> Response {
    let iss = response_iss(ctx);
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    if let Some(iss) = &iss {
        pairs.push(("iss", iss));
    }
    redirect(redirect_uri, &pairs, status)
}
