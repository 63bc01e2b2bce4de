//! `GET|POST {profile}/auth/authorize`: checks a request against the registered client, PKCE,
//! `aud`, scopes and (with `openid`) `nonce`, then approves an EHR launch at once, asks the
//! user on a standalone launch that needs a patient (or on any launch whose pages refuse to
//! be framed), or approves a standalone launch without patient context. POST (SMART
//! `authorize-post`) takes the same parameters as a form body. Simulated `auth_*` failures
//! (see `simulate`) are answered here.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::consent;
use super::redirect::{redirect_with_code, redirect_with_error};
use crate::fhir::serves;
use crate::html;
use crate::params::{is_form, Params};
use crate::registry::TYPES;
use crate::scope::{Scope, ScopeSet};
use crate::simulate::{LaunchOptions, Simulation};
use crate::state::Ctx;
use crate::state::{AuthorizationRequest, LaunchContext};

/// Why a request is refused.
enum Refusal {
    /// The client or redirect URI cannot be trusted: show an error page, never redirect
    /// (RFC 6749 §4.1.2.1, first paragraph).
    Page(String),
    /// Any other error: redirect with `error`, `error_description` and `state`.
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
}

/// `GET authorize`.
pub(crate) async fn authorize(State(ctx): State<Ctx>, RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    answer(&ctx, &params, StatusCode::FOUND).await
}

/// `POST authorize` (SMART `authorize-post`): the parameters as a form body; redirects
/// answer 303 so that the browser follows them with GET.
pub(crate) async fn authorize_post(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_form(&headers) {
        return html::framing(
            html::error_page(
                StatusCode::BAD_REQUEST,
                "The app's sign-in request is not valid",
                "A POST to the authorization endpoint must be application/x-www-form-urlencoded.",
            ),
            ctx.sandbox.defaults.refuse_framing,
        );
    }
    answer(&ctx, &Params::parse(&body), StatusCode::SEE_OTHER).await
}

async fn answer(ctx: &Ctx, params: &Params, status: StatusCode) -> Response {
    // An EHR launch carries its own options; a standalone launch gets the sandbox's.
    let options = params
        .get("launch")
        .and_then(|id| ctx.sandbox.grants().launch_options(ctx.profile.name, id))
        .unwrap_or_else(|| ctx.sandbox.defaults.clone());
    let refuse_framing = options.refuse_framing;
    let page = |message: &str| {
        html::framing(
            html::error_page(
                StatusCode::BAD_REQUEST,
                "The app's sign-in request is not valid",
                message,
            ),
            refuse_framing,
        )
    };
    if let Some(message) = simulated_page(ctx, params, &options) {
        return page(&message);
    }
    let request = match validate(ctx, params, options) {
        Ok(request) => request,
        Err(Refusal::Page(message)) => return page(&message),
        Err(Refusal::Redirect {
            redirect_uri,
            state,
            error,
            description,
        }) => {
            return redirect_with_error(
                ctx,
                &redirect_uri,
                state.as_deref(),
                error,
                &description,
                status,
            )
        }
    };
    if request.options.simulates(Simulation::AuthErrorWithoutState) {
        let description = format!(
            "The scope \"{}\" is not allowed for client \"{}\". [simulated: auth_error_without_state]",
            request.scope.tokens().next().unwrap_or_default(),
            request.client_id
        );
        return redirect_with_error(
            ctx,
            &request.redirect_uri,
            None,
            "invalid_scope",
            &description,
            status,
        );
    }
    let simulated = match request.options.simulation {
        Some(Simulation::AuthInvalidScope) => Some((
            "invalid_scope",
            "The requested scope is invalid, unknown, or malformed. [simulated: auth_invalid_scope]",
        )),
        Some(Simulation::AuthAccessDenied) => Some((
            "access_denied",
            "The user denied the app access. [simulated: auth_access_denied]",
        )),
        _ => None,
    };
    if let Some((error, description)) = simulated {
        let state = Some(request.state.as_str());
        return redirect_with_error(
            ctx,
            &request.redirect_uri,
            state,
            error,
            description,
            status,
        );
    }
    approve(ctx, params, request, status).await
}

/// The error page of a simulated untrusted client or redirect URI.
fn simulated_page(ctx: &Ctx, params: &Params, options: &LaunchOptions) -> Option<String> {
    let client_id = params.get("client_id").unwrap_or_default();
    match options.simulation? {
        Simulation::AuthInvalidClientId => Some(format!(
            "Unknown client_id \"{client_id}\": no client with this id is registered. [simulated: auth_invalid_client_id]"
        )),
        Simulation::AuthInvalidRedirectUri => Some(format!(
            "The redirect_uri \"{}\" is not registered for client \"{}\". [simulated: auth_invalid_redirect_uri]",
            params.get("redirect_uri").unwrap_or_default(),
            ctx.sandbox.client.id
        )),
        _ => None,
    }
}

/// Issues a code for a valid request, or shows the sign-in page when the user must act.
async fn approve(
    ctx: &Ctx,
    params: &Params,
    request: AuthorizationRequest,
    status: StatusCode,
) -> Response {
    let lifetimes = ctx.sandbox.lifetimes;
    if request.scope.has(&Scope::Launch) {
        let refuse = |description: &str| {
            let state = Some(request.state.as_str());
            redirect_with_error(
                ctx,
                &request.redirect_uri,
                state,
                "invalid_request",
                description,
                status,
            )
        };
        let Some(launch) = params.get("launch") else {
            return refuse(
                "The launch scope needs the launch parameter the EHR passed to the app.",
            );
        };
        // The grants stay locked for the launch's take-and-use; never across the await below.
        let (held, context) = {
            let mut grants = ctx.sandbox.grants();
            let Some(context) = grants.take_launch(ctx.profile.name, launch) else {
                return refuse("The launch parameter is unknown, expired or already used: launch the app again from the EHR.");
            };
            if !request.options.refuse_framing {
                // The clinician is already signed in to the EHR that launched the app.
                let code = grants.issue_code(request.clone(), context, lifetimes.code);
                return redirect_with_code(ctx, &request, &code, status);
            }
            // Like an EHR whose sign-in page cannot be framed: the user must sign in again.
            let held =
                grants.hold_request(request.clone(), Some(context.clone()), lifetimes.pending);
            (held, context)
        };
        return consent::page(ctx, &held, &request, Some(&context), None, "clinician").await;
    }
    if request.scope.has(&Scope::LaunchPatient) {
        let request_id =
            ctx.sandbox
                .grants()
                .hold_request(request.clone(), None, lifetimes.pending);
        return consent::page(ctx, &request_id, &request, None, None, "clinician").await;
    }
    let code =
        ctx.sandbox
            .grants()
            .issue_code(request.clone(), LaunchContext::default(), lifetimes.code);
    redirect_with_code(ctx, &request, &code, status)
}

fn validate(
    ctx: &Ctx,
    params: &Params,
    options: LaunchOptions,
) -> Result<AuthorizationRequest, Refusal> {
    let client = &ctx.sandbox.client;
    let client_id = match params.get("client_id") {
        None => return Err(Refusal::Page("The request has no client_id.".into())),
        Some(id) if id != client.id => {
            return Err(Refusal::Page(format!(
                "Unknown client_id \"{id}\": the only registered client is \"{}\".",
                client.id
            )))
        }
        Some(id) => id,
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return Err(Refusal::Page("The request has no redirect_uri.".into()));
    };
    let registered = client.redirect_uris_of(ctx.profile.name);
    if !registered.iter().any(|uri| uri == redirect_uri) {
        return Err(Refusal::Page(format!(
            "The redirect_uri \"{redirect_uri}\" is not registered for client \"{}\". Registered: {}.",
            client.id,
            registered.join(", ")
        )));
    }
    if let Some(name @ ("client_id" | "redirect_uri")) = params.repeated() {
        return Err(Refusal::Page(format!(
            "The parameter {name} was sent more than once."
        )));
    }
    let state = params.get("state");
    let refuse = |error: &'static str, description: String| Refusal::Redirect {
        redirect_uri: redirect_uri.to_string(),
        state: state.map(str::to_string),
        error,
        description,
    };
    if let Some(name) = params.repeated() {
        return Err(refuse(
            "invalid_request",
            format!("The parameter {name} was sent more than once."),
        ));
    }
    match params.get("response_type") {
        Some("code") => {}
        None => {
            return Err(refuse(
                "invalid_request",
                "response_type is required.".into(),
            ))
        }
        Some(other) => {
            return Err(refuse(
                "unsupported_response_type",
                format!("response_type \"{other}\" is not supported; use \"code\"."),
            ))
        }
    }
    let Some(state) = state else {
        return Err(refuse("invalid_request", "state is required.".into()));
    };
    let code_challenge = check_pkce(params).map_err(|d| refuse("invalid_request", d))?;
    let base = ctx.fhir_base();
    match params.get("aud") {
        Some(aud) if aud == base => {}
        Some(aud) => {
            return Err(refuse(
                "invalid_request",
                format!("aud \"{aud}\" is not this server's FHIR base URL {base}."),
            ))
        }
        None => {
            return Err(refuse(
                "invalid_request",
                format!("aud is required: the FHIR base URL {base}."),
            ))
        }
    }
    let scope = match params.get("scope").map(ScopeSet::parse) {
        None => return Err(refuse("invalid_scope", "scope is required.".into())),
        Some(Err(unknown)) => {
            return Err(refuse(
                "invalid_scope",
                format!("The scope \"{unknown}\" is not supported by this server."),
            ))
        }
        Some(Ok(scope)) if scope.is_empty() => {
            return Err(refuse("invalid_scope", "scope is required.".into()))
        }
        Some(Ok(scope)) => scope,
    };
    let profile = ctx.profile;
    let refused = (!profile.v2_scopes)
        .then(|| scope.first_v2())
        .flatten()
        .map(|s| format!("The scope \"{s}\" uses SMART v2 syntax; this server accepts v1 scopes only (e.g. patient/Observation.read)."))
        .or_else(|| {
            (!profile.wildcard_scopes)
                .then(|| scope.first_wildcard())
                .flatten()
                .map(|s| format!("The scope \"{s}\" names every resource type; this server accepts only scopes per resource type (e.g. patient/Observation.read)."))
        })
        .or_else(|| {
            (!profile.openid)
                .then(|| scope.first_identity())
                .flatten()
                .map(|s| format!("The scope \"{s}\" is not supported by this server: it offers no OpenID Connect."))
        });
    if let Some(description) = refused {
        return Err(refuse("invalid_scope", description));
    }
    // OpenID Connect Core §3.1.2.1 makes nonce optional for the code flow; this server
    // requires it, as SMART apps must send one, so that replayed id_tokens are detectable.
    let nonce = params.get("nonce");
    if scope.has(&Scope::OpenId) && nonce.is_none() {
        return Err(refuse(
            "invalid_request",
            "nonce is required with the openid scope.".into(),
        ));
    }
    let types: Vec<&str> = TYPES
        .iter()
        .filter(|ty| serves(profile, ty))
        .map(|ty| ty.name)
        .collect();
    let scope = scope.narrow(&options.denied, &types);
    Ok(AuthorizationRequest {
        profile: ctx.profile.name,
        client_id: client_id.to_string(),
        redirect_uri: redirect_uri.to_string(),
        state: state.to_string(),
        scope,
        code_challenge,
        nonce: nonce.map(str::to_string),
        options,
    })
}

/// RFC 7636 §4.3 and §4.4.1: the challenge must be present and made with S256 (`plain` and
/// an omitted method, which means `plain`, are refused). An S256 challenge is 43 base64url
/// characters.
fn check_pkce(params: &Params) -> Result<String, String> {
    let Some(challenge) = params.get("code_challenge") else {
        return Err("PKCE S256 is required: code_challenge is missing.".into());
    };
    if params.get("code_challenge_method") != Some("S256") {
        return Err("PKCE S256 is required: code_challenge_method must be S256.".into());
    }
    let base64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    if challenge.len() != 43 || !challenge.bytes().all(base64url) {
        return Err("code_challenge must be BASE64URL(SHA256(code_verifier)) without padding: 43 characters.".into());
    }
    Ok(challenge.to_string())
}
