//! Public discovery documents of a profile: `.well-known/smart-configuration` (SMART App
//! Launch 2.2 §"SMART on FHIR Well-Known Endpoint") and the SMART style document. Each
//! states only what the profile really does (the CapabilityStatement is in `capability`).

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::HashMap;

use crate::fhir::serves;
use crate::registry::TYPES;
use crate::state::Ctx;

/// Launch and refresh scopes every secured profile accepts.
const CONTEXT_SCOPES: &[&str] = &[
    "launch",
    "launch/patient",
    "launch/encounter",
    "offline_access",
    "online_access",
];

/// `scopes_supported`: representative, not exhaustive (any served type and any in-order
/// `cruds` subset is accepted where the profile accepts v2), and never a form the profile
/// refuses.
fn scopes_supported(ctx: &Ctx) -> Vec<String> {
    let mut scopes: Vec<String> = CONTEXT_SCOPES.iter().map(|s| s.to_string()).collect();
    let profile = ctx.profile;
    let mut types: Vec<&str> = Vec::new();
    if profile.wildcard_scopes {
        types.push("*");
    }
    types.extend(
        TYPES
            .iter()
            .filter(|ty| serves(profile, ty))
            .map(|ty| ty.name),
    );
    if profile.openid {
        scopes.extend(["openid", "fhirUser", "profile"].map(str::to_string));
    }
    for compartment in ["patient", "user"] {
        for ty in &types {
            scopes.push(format!("{compartment}/{ty}.read"));
            if profile.v2_scopes {
                scopes.push(format!("{compartment}/{ty}.rs"));
            }
        }
    }
    scopes
}

/// SMART capabilities of a profile (SMART App Launch 2.2 §"Capabilities").
fn capabilities(ctx: &Ctx) -> Vec<&'static str> {
    let mut capabilities = vec![];
    if ctx.profile.authorize_post {
        capabilities.push("authorize-post");
    }
    capabilities.extend([
        "launch-ehr",
        "launch-standalone",
        "client-public",
        "context-ehr-patient",
        "context-ehr-encounter",
        "context-standalone-patient",
        "context-banner",
        "context-style",
        "permission-patient",
        "permission-user",
        "permission-v1",
    ]);
    if ctx.profile.v2_scopes {
        capabilities.push("permission-v2");
    }
    capabilities.push("permission-online");
    if !ctx.profile.epic_tokens {
        capabilities.push("permission-offline");
    }
    if ctx.profile.openid {
        capabilities.push("sso-openid-connect");
    }
    capabilities
}

/// `GET {base}/.well-known/smart-configuration`.
pub(crate) async fn smart_configuration(State(ctx): State<Ctx>) -> Response {
    if !ctx.profile.well_known {
        return crate::fhir::outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            "This server publishes no SMART configuration; see the CapabilityStatement.",
        );
    }
    let mut document = json!({
        "issuer": ctx.issuer(),
        "authorization_endpoint": ctx.authorize_endpoint(),
        "token_endpoint": ctx.token_endpoint(),
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none"],
        "scopes_supported": scopes_supported(&ctx),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "capabilities": capabilities(&ctx),
    });
    if ctx.profile.revocation {
        document["revocation_endpoint"] = json!(ctx.revocation_endpoint());
    }
    if ctx.profile.openid {
        document["jwks_uri"] = json!(ctx.jwks_uri());
    }
    if ctx.profile.response_iss {
        document["authorization_response_iss_parameter_supported"] = json!(true);
    }
    json_response(document, "application/json")
}

/// `GET /{profile}/smart-style.json`: colors, sizes and fonts for the app to blend in. With
/// `?contrast=low` (the `style_low_contrast` simulation's address), a document whose values
/// are all valid CSS but unreadable: white text on a near-white background, a 9px font.
pub(crate) async fn smart_style(Query(query): Query<HashMap<String, String>>) -> Response {
    if query.get("contrast").is_some_and(|c| c == "low") {
        let document = json!({
            "color_background": "#fdfdfd",
            "color_text": "#ffffff",
            "color_highlight": "#f4f4f4",
            "dim_font_size": "9px",
        });
        return json_response(document, "application/json");
    }
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
