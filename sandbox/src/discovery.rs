//! Public discovery documents of a profile: `.well-known/smart-configuration` (SMART App
//! Launch 2.2 §"SMART on FHIR Well-Known Endpoint"), the CapabilityStatement (`metadata`,
//! FHIR R4) and the SMART style document. Each states only what the sandbox really does.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::profile::Ctx;

/// Scopes listed in `scopes_supported`: representative, not exhaustive (any resource type
/// and any in-order `cruds` subset is accepted, see `scope`).
const SCOPES_SUPPORTED: &[&str] = &[
    "launch",
    "launch/patient",
    "launch/encounter",
    "offline_access",
    "online_access",
    "patient/*.rs",
    "patient/*.read",
    "patient/Patient.rs",
    "patient/Patient.read",
    "user/*.rs",
    "user/*.read",
    "user/Patient.rs",
    "user/Patient.read",
];

/// SMART capabilities this sandbox implements (SMART App Launch 2.2 §"Capabilities").
const CAPABILITIES: &[&str] = &[
    "launch-ehr",
    "launch-standalone",
    "client-public",
    "context-ehr-patient",
    "context-ehr-encounter",
    "context-standalone-patient",
    "context-banner",
    "context-style",
    "permission-patient",
    "permission-v1",
    "permission-v2",
    "permission-offline",
    "permission-online",
];

/// `GET {base}/.well-known/smart-configuration`.
pub(crate) async fn smart_configuration(State(ctx): State<Ctx>) -> Response {
    let document = json!({
        "issuer": ctx.fhir_base(),
        "authorization_endpoint": ctx.authorize_endpoint(),
        "token_endpoint": ctx.token_endpoint(),
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": SCOPES_SUPPORTED,
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "capabilities": CAPABILITIES,
    });
    json_response(document, "application/json")
}

/// `GET {base}/metadata`: the CapabilityStatement, with the SMART oauth-uris extension.
pub(crate) async fn capability_statement(State(ctx): State<Ctx>) -> Response {
    let base = ctx.fhir_base();
    let document = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2025-01-01",
        "publisher": "Bedside sandbox",
        "kind": "instance",
        "software": { "name": "Bedside sandbox", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": ctx.profile.title, "url": base },
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "cors": true,
                "service": [{
                    "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "SMART-on-FHIR",
                        "display": "SMART-on-FHIR",
                    }],
                    "text": "OAuth2 using SMART-on-FHIR profile",
                }],
                "extension": [{
                    "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                    "extension": [
                        { "url": "authorize", "valueUri": ctx.authorize_endpoint() },
                        { "url": "token", "valueUri": ctx.token_endpoint() },
                    ],
                }],
            },
            "resource": [{
                "type": "Patient",
                "interaction": [{ "code": "read" }],
                "versioning": "no-version",
                "readHistory": false,
            }],
        }],
    });
    json_response(document, "application/fhir+json")
}

/// `GET /{profile}/smart-style.json`: colors, sizes and fonts for the app to blend in.
pub(crate) async fn smart_style() -> Response {
    let document = json!({
        "color_background": "#f3f5f8",
        "color_error": "#b3261e",
        "color_highlight": "#1b5fa8",
        "color_modal_backdrop": "rgba(16, 24, 32, 0.55)",
        "color_success": "#2e7d32",
        "color_text": "#1d2733",
        "dim_border_radius": "6px",
        "dim_font_size": "15px",
        "dim_spacing_size": "16px",
        "font_family_body": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        "font_family_heading": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    });
    json_response(document, "application/json")
}

/// A JSON body with the given media type.
pub(crate) fn json_response(document: Value, content_type: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        document.to_string(),
    )
        .into_response()
}
