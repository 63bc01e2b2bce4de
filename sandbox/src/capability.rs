//! `GET {base}/metadata`: the CapabilityStatement of a profile (FHIR R4 §2.39), built from
//! the same registry the search engine obeys, so it states exactly what the profile does:
//! the types it serves, `read` and `search-type`, each search parameter with its type,
//! `searchInclude`, `_count`/`_sort` as `rest.searchParam`, and (when secured) the SMART
//! oauth-uris extension. The `epic-like` profile answers XML unless JSON is asked for.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::discovery::json_response;
use crate::fhir::serves;
use crate::html::escape;
use crate::registry::{Type, ID, TYPES};
use crate::state::Ctx;

const OAUTH_URIS: &str = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
const SECURITY_SERVICE: &str = "http://terminology.hl7.org/CodeSystem/restful-security-service";

/// `GET {base}/metadata`.
pub(crate) async fn capability_statement(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept.contains("application/fhir+json") || accept.contains("application/json")
        });
    if ctx.profile.xml_metadata && !wants_json {
        return (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/fhir+xml"),
            )],
            xml(&ctx),
        )
            .into_response();
    }
    json_response(statement(&ctx), "application/fhir+json")
}

fn served(ctx: &Ctx) -> impl Iterator<Item = &'static Type> + '_ {
    TYPES.iter().filter(|ty| serves(ctx.profile, ty))
}

/// The search parameters of `ty` as the statement lists them, with documentation.
fn params(ctx: &Ctx, ty: &Type) -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    std::iter::once(&ID)
        .chain(ty.params.iter())
        .map(|p| {
            let note = (ctx.profile.observation_needs_category
                && ty.name == "Observation"
                && p.name == "category")
                .then_some("Required: every Observation search must name a category.");
            (p.name, p.kind.name(), note)
        })
        .collect()
}

fn includes(ctx: &Ctx, ty: &Type) -> Vec<&'static str> {
    if ctx.profile.include {
        ty.includes.to_vec()
    } else {
        Vec::new()
    }
}

/// The oauth-uris extension's members: `authorize`, `token`, and `revoke` when the profile
/// revokes tokens.
fn oauth_uris(ctx: &Ctx) -> Vec<Value> {
    let mut uris = vec![
        json!({ "url": "authorize", "valueUri": ctx.authorize_endpoint() }),
        json!({ "url": "token", "valueUri": ctx.token_endpoint() }),
    ];
    if ctx.profile.revocation {
        uris.push(json!({ "url": "revoke", "valueUri": ctx.revocation_endpoint() }));
    }
    uris
}

/// The statement as JSON.
fn statement(ctx: &Ctx) -> Value {
    let base = ctx.fhir_base();
    let resources: Vec<Value> = served(ctx)
        .map(|ty| {
            let search_params: Vec<Value> = params(ctx, ty)
                .into_iter()
                .map(|(name, kind, note)| {
                    let mut param = json!({ "name": name, "type": kind });
                    if let Some(note) = note {
                        param["documentation"] = json!(note);
                    }
                    param
                })
                .collect();
            let mut resource = json!({
                "type": ty.name,
                "interaction": [{ "code": "read" }, { "code": "search-type" }],
                "versioning": "no-version",
                "readHistory": false,
                "searchParam": search_params,
            });
            let includes = includes(ctx, ty);
            if !includes.is_empty() {
                resource["searchInclude"] = json!(includes);
            }
            resource
        })
        .collect();
    let mut common = vec![
        json!({ "name": "_count", "type": "number" }),
        json!({ "name": "_summary", "type": "token", "documentation": "count only" }),
    ];
    if ctx.profile.sort {
        common.push(json!({ "name": "_sort", "type": "string" }));
    }
    let mut rest = json!({ "mode": "server", "resource": resources, "searchParam": common });
    if ctx.profile.secured {
        rest["security"] = json!({
            "cors": true,
            "service": [{
                "coding": [{ "system": SECURITY_SERVICE, "code": "SMART-on-FHIR", "display": "SMART-on-FHIR" }],
                "text": "OAuth2 using SMART-on-FHIR profile",
            }],
            "extension": [{
                "url": OAUTH_URIS,
                "extension": oauth_uris(ctx),
            }],
        });
    }
    let format = if ctx.profile.xml_metadata {
        json!(["xml", "json"])
    } else {
        json!(["json"])
    };
    json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2025-01-01",
        "publisher": "Bedside sandbox",
        "kind": "instance",
        "software": { "name": "Bedside sandbox", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": ctx.profile.title, "url": base },
        "fhirVersion": "4.0.1",
        "format": format,
        "rest": [rest],
    })
}

/// The statement as FHIR XML, element order per the R4 schema.
fn xml(ctx: &Ctx) -> String {
    let v = |name: &str, value: &str| format!("<{name} value=\"{}\"/>", escape(value));
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CapabilityStatement xmlns=\"http://hl7.org/fhir\">");
    out += &v("status", "active");
    out += &v("date", "2025-01-01");
    out += &v("publisher", "Bedside sandbox");
    out += &v("kind", "instance");
    out += &format!(
        "<implementation>{}{}</implementation>",
        v("description", ctx.profile.title),
        v("url", &ctx.fhir_base())
    );
    out += &v("fhirVersion", "4.0.1");
    out += &v("format", "xml");
    out += &v("format", "json");
    out += "<rest>";
    out += &v("mode", "server");
    if ctx.profile.secured {
        out += &format!(
            "<security><extension url=\"{OAUTH_URIS}\"><extension url=\"authorize\">{}</extension><extension url=\"token\">{}</extension></extension>{}<service><coding>{}{}</coding></service></security>",
            v("valueUri", &ctx.authorize_endpoint()),
            v("valueUri", &ctx.token_endpoint()),
            v("cors", "true"),
            v("system", SECURITY_SERVICE),
            v("code", "SMART-on-FHIR"),
        );
    }
    for ty in served(ctx) {
        out += "<resource>";
        out += &v("type", ty.name);
        out += &format!(
            "<interaction>{}</interaction><interaction>{}</interaction>",
            v("code", "read"),
            v("code", "search-type")
        );
        for include in includes(ctx, ty) {
            out += &v("searchInclude", include);
        }
        for (name, kind, note) in params(ctx, ty) {
            let note = note.map(|n| v("documentation", n)).unwrap_or_default();
            out += &format!(
                "<searchParam>{}{}{note}</searchParam>",
                v("name", name),
                v("type", kind)
            );
        }
        out += "</resource>";
    }
    out += &format!(
        "<searchParam>{}{}</searchParam><searchParam>{}{}{}</searchParam>",
        v("name", "_count"),
        v("type", "number"),
        v("name", "_summary"),
        v("type", "token"),
        v("documentation", "count only")
    );
    out += "</rest></CapabilityStatement>\n";
    out
}
