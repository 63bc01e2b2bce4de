//! The FHIR REST API of a profile: `read` of Patient, with a bearer token checked on every
//! request (RFC 6750) and SMART scopes deciding access. Failures answer with an
//! OperationOutcome (FHIR R4 §3.1.0 "RESTful API", §2.36 "OperationOutcome").

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::profile::Ctx;
use crate::scope::ReadAccess;
use crate::state::TokenGrant;

/// Media type of FHIR JSON.
const FHIR_JSON: &str = "application/fhir+json";

/// `GET {base}/Patient/{id}`.
pub(crate) async fn read_patient(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let grant = match authenticate(&ctx, &headers) {
        Ok(grant) => grant,
        Err(problem) => return unauthorized(problem),
    };
    match grant.scope.read_access("Patient") {
        ReadAccess::None => {
            return forbidden("The access token's scopes do not allow reading Patient resources.")
        }
        ReadAccess::PatientInContext if grant.context.patient.as_deref() != Some(id.as_str()) => {
            return forbidden(
                "The access token's patient/ scopes reach only the patient in context.",
            );
        }
        ReadAccess::PatientInContext | ReadAccess::AnyPatient => {}
    }
    match ctx.sandbox.data.get("Patient", &id) {
        Some(patient) => fhir_json(StatusCode::OK, patient.to_string()),
        None => outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("Patient/{id} is not known to this server."),
        ),
    }
}

/// Any other path under the FHIR base: an interaction this server does not support.
pub(crate) async fn not_supported() -> Response {
    outcome(
        StatusCode::NOT_FOUND,
        "not-supported",
        "This server supports only: GET metadata, GET Patient/[id] (see the CapabilityStatement).",
    )
}

/// Finds the live access token of this profile; the error says what is wrong with it.
fn authenticate(ctx: &Ctx, headers: &HeaderMap) -> Result<TokenGrant, &'static str> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err("This request needs an access token: Authorization: Bearer <token>.");
    };
    let grants = ctx.sandbox.grants();
    match grants.access(token) {
        Some(grant) if grant.profile == ctx.profile.name => Ok(grant.clone()),
        _ => Err("The access token is unknown, expired or revoked."),
    }
}

fn unauthorized(message: &str) -> Response {
    let mut response = outcome(StatusCode::UNAUTHORIZED, "login", message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"sandbox\", error=\"invalid_token\""),
    );
    response
}

fn forbidden(message: &str) -> Response {
    let mut response = outcome(StatusCode::FORBIDDEN, "forbidden", message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"sandbox\", error=\"insufficient_scope\""),
    );
    response
}

/// An OperationOutcome with one error issue of type `code` (FHIR IssueType).
pub(crate) fn outcome(status: StatusCode, code: &str, diagnostics: &str) -> Response {
    let body = json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": "error", "code": code, "diagnostics": diagnostics }],
    });
    fhir_json(status, body.to_string())
}

fn fhir_json(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))],
        body,
    )
        .into_response()
}
