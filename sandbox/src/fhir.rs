//! The FHIR REST API of a profile: `read` and `search-type` of every type in the registry,
//! with a bearer token checked on every request (RFC 6750) and SMART scopes deciding access:
//! the permission (`r` for read, `s` for search), the patient compartment of `patient/`
//! scopes, and v2 query restrictions. Failures answer with an OperationOutcome (FHIR R4
//! §3.1.0 "RESTful API", §2.36 "OperationOutcome").
//!
//! In upstream mode (see `upstream`) the same checks run before a request is relayed (token,
//! type scopes, the profile's search rules, a named patient, v2 restrictions), a search by a
//! token limited to one patient is narrowed to that patient, and a paging link the sandbox
//! handed out is relayed as it is. Every search answer, relayed or the store's own, is
//! screened by the same rule (`screen`): entries the token may not see are removed and named
//! in the request log; a read outside its reach answers 403.

use std::collections::HashSet;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::cors::WithoutCors;
use crate::data::compartment_owner;
use crate::data::is_fhir_id;
use crate::profile::{CorsStyle, Profile};
use crate::registry::{self, Kind, Type};
use crate::request_log::{Withheld, WithheldEntries};
use crate::scope::{Access, Permissions};
use crate::search::{self, searchset, NextLinks, Query};
use crate::simulate::{
    huge_searchset, Simulation, DEFAULT_FOREIGN_ORIGIN, NO_ANSWER_HOLD, RETRY_AFTER_SECONDS,
};
use crate::state::{Ctx, TokenGrant};
use crate::upstream::{LinkHolder, Unusable, Upstream};

/// Media type of FHIR JSON.
const FHIR_JSON: &str = "application/fhir+json";

/// Who may see what, once the token is checked.
struct Reach {
    /// The patient whose compartment limits the request, if any.
    compartment: Option<String>,
    /// v2 query restrictions; empty for none.
    restrictions: Vec<Vec<(String, String)>>,
    /// Medications may be included (the token may read Medication).
    medications: bool,
    /// The token's family and simulated failure; `None` on an open profile.
    launch: Option<(u64, Option<Simulation>)>,
}

/// `GET {base}/{type}`.
pub(crate) async fn search_type(
    State(ctx): State<Ctx>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let ty = match served_type(ctx.profile, &name) {
        Ok(ty) => ty,
        Err(response) => return *response,
    };
    let reach = match reach(&ctx, &headers, ty, Permissions::SEARCH) {
        Ok(reach) => reach,
        Err(response) => return *response,
    };
    let raw = raw.unwrap_or_default();
    if let Some(upstream) = &ctx.sandbox.upstream {
        let holder = holder(&ctx, reach.launch);
        if let Some(path) = upstream.handed_out(holder, Some(ty.name), &raw) {
            return relay_search(&ctx, &headers, upstream, &path, holder).await;
        }
    }
    let query = match search::parse(ty, &raw, ctx.profile) {
        Ok(query) => query,
        Err(message) => return outcome(StatusCode::BAD_REQUEST, "not-supported", &message),
    };
    if let (Some(patient), Some(named)) = (&reach.compartment, query.named_patients()) {
        if ty.patient_path.is_some() && named.iter().any(|n| n != patient) {
            return forbidden(
                "The access token's patient/ scopes reach only the patient in context.",
            );
        }
    }
    if !search::within(&query, &reach.restrictions) {
        return forbidden(&format!(
            "The access token's scopes allow {} searches only with: {}.",
            ty.name,
            describe(&reach.restrictions)
        ));
    }
    let (family, simulation) = reach.launch.unwrap_or_default();
    if simulation == Some(Simulation::RequestRateLimited)
        && ctx.sandbox.grants().rate_limit_once(family, ty.name)
    {
        return rate_limited();
    }
    if ty.name == "Condition" {
        match simulation {
            Some(Simulation::RequestRedirected) => return redirected(&ctx, &raw, false),
            Some(Simulation::RequestRedirectedElsewhere) => {
                return redirected(&ctx, &raw, true);
            }
            Some(Simulation::RequestNoAnswer) => {
                let first = ctx.sandbox.grants().rate_limit_once(family, ty.name);
                if first {
                    tokio::time::sleep(NO_ANSWER_HOLD).await;
                }
            }
            Some(Simulation::HugeSearchset) => {
                let named = query.named_patients().unwrap_or_default();
                let patient = reach
                    .compartment
                    .as_deref()
                    .or(named.first().map(String::as_str));
                let bundle = huge_searchset(&ctx.fhir_base(), patient.unwrap_or_default());
                return fhir_json(StatusCode::OK, bundle);
            }
            _ => {}
        }
    }
    if let Some(upstream) = &ctx.sandbox.upstream {
        let compartment = reach.compartment.as_deref();
        let path = format!(
            "{}?{}",
            ty.name,
            upstream_query(&raw, ty, &query, compartment)
        );
        let holder = holder(&ctx, reach.launch);
        return relay_search(&ctx, &headers, upstream, &path, holder).await;
    }
    let foreign_origin = ctx.sandbox.foreign_next_origin.as_deref();
    let next_links = match simulation {
        Some(Simulation::PagingSecondPageFails) if query.offset > 0 => {
            return outcome(
                StatusCode::INTERNAL_SERVER_ERROR,
                "exception",
                "This page could not be produced. [simulated: paging_second_page_fails]",
            );
        }
        // The first page always links to a second one, which the arm above fails.
        Some(Simulation::PagingLoop | Simulation::PagingSecondPageFails) => NextLinks::Loop,
        Some(Simulation::PagingForeignNext) => {
            NextLinks::Foreign(foreign_origin.unwrap_or(DEFAULT_FOREIGN_ORIGIN))
        }
        Some(Simulation::PagingEscapingNext) => NextLinks::Escaping,
        _ => NextLinks::Honest,
    };
    let store = &ctx.sandbox.data;
    let compartment = reach
        .compartment
        .as_deref()
        .filter(|_| ty.patient_path.is_some());
    let matches = query.run(store, compartment);
    let included = if query.include_medication && reach.medications {
        medications(&ctx, &query, &matches)
    } else {
        Vec::new()
    };
    let mut bundle = searchset(&ctx.fhir_base(), &query, &matches, &included, next_links);
    let withheld = screen(&ctx, &headers, &mut bundle);
    with_withheld(fhir_json(StatusCode::OK, bundle.to_string()), withheld)
}

/// Who a paging link handed out in answer to this token belongs to.
fn holder(ctx: &Ctx, launch: Option<(u64, Option<Simulation>)>) -> LinkHolder {
    LinkHolder {
        profile: ctx.profile.name,
        family: launch.map(|(family, _)| family),
    }
}

/// The simulated `429 Too Many Requests` (RFC 6585 §4) with `Retry-After` (RFC 9110 §10.2.3).
fn rate_limited() -> Response {
    let mut response = outcome(
        StatusCode::TOO_MANY_REQUESTS,
        "throttled",
        "Too many requests: try again in a second. [simulated: request_rate_limited]",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    response
}

/// The simulated redirect of a Condition search: `request_redirected` answers 307 to the same
/// path under `/outside/` (same origin, outside every FHIR base, so an app that followed it
/// would hand its token to whatever serves there); `request_redirected_elsewhere` answers 302
/// to the same path on another origin (whose answer an app that followed would show).
fn redirected(ctx: &Ctx, raw: &str, elsewhere: bool) -> Response {
    let origin = &ctx.sandbox.ehr_origin;
    let path = ctx.fhir_base();
    let path = path.strip_prefix(origin.as_str()).unwrap_or_default();
    let (status, to) = if elsewhere {
        let foreign = ctx.sandbox.foreign_next_origin.as_deref();
        (
            StatusCode::FOUND,
            foreign.unwrap_or(DEFAULT_FOREIGN_ORIGIN).to_owned(),
        )
    } else {
        (StatusCode::TEMPORARY_REDIRECT, format!("{origin}/outside"))
    };
    let location = format!("{to}{path}/Condition?{raw}");
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `GET {base}/{type}/{id}`.
pub(crate) async fn read(
    State(ctx): State<Ctx>,
    Path((name, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let ty = match served_type(ctx.profile, &name) {
        Ok(ty) => ty,
        Err(response) => return *response,
    };
    let reach = match reach(&ctx, &headers, ty, Permissions::READ) {
        Ok(reach) => reach,
        Err(response) => return *response,
    };
    if let Some(upstream) = &ctx.sandbox.upstream {
        return relay_read(&ctx, upstream, ty, &id, &reach).await;
    }
    let store = &ctx.sandbox.data;
    let Some(resource) = store.get(ty.name, &id) else {
        return outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("{}/{id} is not known to this server.", ty.name),
        );
    };
    match refusal(&reach, ty, resource, store.owner(ty.name, &id)) {
        Some(refused) => refused,
        None => fhir_json(StatusCode::OK, resource.to_string()),
    }
}

/// The 403 for a read of `resource`, owned by `owner`, that the token does not reach.
fn refusal(
    reach: &Reach,
    ty: &'static Type,
    resource: &Value,
    owner: Option<&str>,
) -> Option<Response> {
    out_of_reach(reach, ty, resource, owner).map(|why| forbidden(&why))
}

/// Why the token does not reach `resource`, owned by `owner`, if it does not: the one rule
/// for reads and for the entries of every search answer, relayed or the store's own.
fn out_of_reach(
    reach: &Reach,
    ty: &'static Type,
    resource: &Value,
    owner: Option<&str>,
) -> Option<String> {
    if let Some(patient) = reach.compartment.as_deref() {
        if ty.patient_path.is_some() && owner != Some(patient) {
            return Some(
                "The access token's patient/ scopes reach only the patient in context.".into(),
            );
        }
    }
    (!search::satisfies(ty, resource, &reach.restrictions)).then(|| {
        format!(
            "The access token's scopes allow reading {} only where: {}.",
            ty.name,
            describe(&reach.restrictions)
        )
    })
}

/// `GET {base}?{query}` in upstream mode: where servers such as HAPI put their paging links
/// (`?_getpages=…`). The token must be valid and the link one this sandbox handed out to its
/// family; the entries are screened like a search's.
pub(crate) async fn search_base(
    State(ctx): State<Ctx>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let family = if ctx.profile.secured {
        match authenticate(&ctx, &headers) {
            Ok(grant) => Some(grant.family),
            Err(response) => return *response,
        }
    } else {
        None
    };
    let Some(upstream) = &ctx.sandbox.upstream else {
        return not_supported().await;
    };
    let holder = LinkHolder {
        profile: ctx.profile.name,
        family,
    };
    match upstream.handed_out(holder, None, &raw.unwrap_or_default()) {
        Some(path) => relay_search(&ctx, &headers, upstream, &path, holder).await,
        None => outcome(
            StatusCode::BAD_REQUEST,
            "not-supported",
            "This server answers a search on its base only for the paging links it handed out \
             to this access token; search a resource type instead.",
        ),
    }
}

/// The query relayed upstream: the app's, with `_count` capped as the profile caps it, and
/// naming the patient in context when the token reaches only that patient and the query
/// names none, as the in-process store would limit the search to that compartment. The
/// entries are screened anyway (`screen`).
fn upstream_query(raw: &str, ty: &Type, query: &Query, compartment: Option<&str>) -> String {
    let mut relayed = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        if name == "_count" {
            relayed.append_pair(&name, &query.count.to_string());
        } else {
            relayed.append_pair(&name, &value);
        }
    }
    let param = match ty.patient_path {
        Some("id") => Some("_id"),
        Some(_) => ty
            .params
            .iter()
            .find(|p| p.kind == Kind::Reference)
            .map(|p| p.name),
        None => None,
    };
    if let (Some(patient), Some(param), None) = (compartment, param, query.named_patients()) {
        if !query.has("_id") {
            relayed.append_pair(param, patient);
        }
    }
    relayed.finish()
}

/// Relays a search upstream, remembers the paging links of its answer as handed out to
/// `holder`, and screens its entries.
async fn relay_search(
    ctx: &Ctx,
    headers: &HeaderMap,
    upstream: &Upstream,
    path: &str,
    holder: LinkHolder,
) -> Response {
    let base = ctx.fhir_base();
    let (status, mut bundle) = match upstream.get(path, &base).await {
        Ok(answer) => answer,
        Err(unusable) => return bad_gateway(&unusable),
    };
    let mut withheld = Vec::new();
    if status.is_success() {
        upstream.hand_out_links(&bundle, &base, holder);
        withheld = screen(ctx, headers, &mut bundle);
    }
    with_withheld(fhir_json(status, bundle.to_string()), withheld)
}

/// Removes the entries the token may not see, from the store's own answers and relayed ones
/// alike: of a type it may not search (matches) or read (`_include`d resources), outside the
/// patient in context, or outside v2 restrictions. Says what it removed and why. A page
/// emptied this way keeps its paging links, so later pages are still reached; its `total`
/// goes, since it counted what the token may not see.
fn screen(ctx: &Ctx, headers: &HeaderMap, bundle: &mut Value) -> Vec<Withheld> {
    let Some(entries) = bundle.get_mut("entry").and_then(Value::as_array_mut) else {
        return Vec::new();
    };
    let mut withheld = Vec::new();
    entries.retain(|entry| {
        let resource = &entry["resource"];
        let why = why_withheld(ctx, headers, entry);
        if let Some(reason) = why.clone() {
            let name = resource["resourceType"]
                .as_str()
                .unwrap_or("(no resourceType)");
            let id = resource["id"].as_str().unwrap_or("(no id)");
            withheld.push(Withheld {
                resource: format!("{name}/{id}"),
                reason,
            });
        }
        why.is_none()
    });
    if !withheld.is_empty() {
        if let Some(fields) = bundle.as_object_mut() {
            fields.remove("total");
        }
    }
    withheld
}

/// Why the token may not see the resource of a search answer's `entry`, if it may not.
fn why_withheld(ctx: &Ctx, headers: &HeaderMap, entry: &Value) -> Option<String> {
    let resource = &entry["resource"];
    let permission = if entry["search"]["mode"] == "include" {
        Permissions::READ
    } else {
        Permissions::SEARCH
    };
    let name = resource["resourceType"].as_str().unwrap_or_default();
    let Ok(ty) = served_type(ctx.profile, name) else {
        return Some(format!(
            "\"{name}\" is not a resource type this server serves."
        ));
    };
    match reach(ctx, headers, ty, permission) {
        Ok(reach) => out_of_reach(&reach, ty, resource, compartment_owner(resource)),
        Err(_) => Some(format!(
            "The access token's scopes do not allow {} {name} resources.",
            verb(permission)
        )),
    }
}

/// The response, carrying what was withheld from it for the request log.
fn with_withheld(mut response: Response, withheld: Vec<Withheld>) -> Response {
    if !withheld.is_empty() {
        response.extensions_mut().insert(WithheldEntries(withheld));
    }
    response
}

/// Relays a read upstream; the resource must be of the type asked for and within reach.
async fn relay_read(
    ctx: &Ctx,
    upstream: &Upstream,
    ty: &'static Type,
    id: &str,
    reach: &Reach,
) -> Response {
    if !is_fhir_id(id) {
        return outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("\"{id}\" is not a FHIR resource id."),
        );
    }
    let path = format!("{}/{id}", ty.name);
    let (status, resource) = match upstream.get(&path, &ctx.fhir_base()).await {
        Ok(answer) => answer,
        Err(unusable) => return bad_gateway(&unusable),
    };
    if status.is_success() {
        if resource["resourceType"] != ty.name {
            return bad_gateway(&Unusable(format!(
                "The upstream FHIR server answered {path} with another resource type."
            )));
        }
        if let Some(refused) = refusal(reach, ty, &resource, compartment_owner(&resource)) {
            return refused;
        }
    }
    fhir_json(status, resource.to_string())
}

/// A 502 naming what went wrong upstream.
fn bad_gateway(unusable: &Unusable) -> Response {
    outcome(StatusCode::BAD_GATEWAY, "transient", &unusable.0)
}

/// Any other path or method under the FHIR base.
pub(crate) async fn not_supported() -> Response {
    outcome(
        StatusCode::NOT_FOUND,
        "not-supported",
        "This server supports only GET of metadata, [type] and [type]/[id] (see the CapabilityStatement).",
    )
}

/// The registry type `name` if this profile serves it.
pub(crate) fn served_type(profile: &Profile, name: &str) -> Result<&'static Type, Box<Response>> {
    registry::type_named(name)
        .filter(|ty| serves(profile, ty))
        .ok_or_else(|| {
            Box::new(outcome(
                StatusCode::NOT_FOUND,
                "not-supported",
                &format!("The resource type \"{name}\" is not supported by this server."),
            ))
        })
}

/// True when `profile` serves `ty`.
pub(crate) fn serves(profile: &Profile, ty: &Type) -> bool {
    profile.medication_statement || ty.name != "MedicationStatement"
}

fn reach(
    ctx: &Ctx,
    headers: &HeaderMap,
    ty: &Type,
    permission: Permissions,
) -> Result<Reach, Box<Response>> {
    if !ctx.profile.secured {
        return Ok(Reach {
            compartment: None,
            restrictions: Vec::new(),
            medications: true,
            launch: None,
        });
    }
    let grant = authenticate(ctx, headers)?;
    let Some(Access {
        any_patient,
        restrictions,
    }) = grant.scope.access(ty.name, permission)
    else {
        return Err(Box::new(forbidden(&format!(
            "The access token's scopes do not allow {} {} resources.",
            verb(permission),
            ty.name
        ))));
    };
    let compartment = if any_patient {
        None
    } else {
        match &grant.context.patient {
            Some(patient) => Some(patient.clone()),
            None if ty.patient_path.is_none() => None,
            None => {
                return Err(Box::new(forbidden(
                    "The access token's patient/ scopes need a patient in context.",
                )))
            }
        }
    };
    Ok(Reach {
        compartment,
        restrictions,
        medications: grant
            .scope
            .access("Medication", Permissions::READ)
            .is_some(),
        launch: Some((grant.family, grant.options.simulation)),
    })
}

/// How a permission reads in a refusal.
fn verb(permission: Permissions) -> &'static str {
    if permission == Permissions::READ {
        "reading"
    } else {
        "searching"
    }
}

/// The Medications the page's MedicationRequests reference (`_include`), each once.
fn medications(ctx: &Ctx, query: &Query, matches: &[&Value]) -> Vec<Value> {
    let mut seen = HashSet::new();
    search::page(query, matches)
        .iter()
        .filter_map(|r| {
            r.pointer("/medicationReference/reference")
                .and_then(Value::as_str)
        })
        .filter_map(|r| r.strip_prefix("Medication/"))
        .filter(|id| seen.insert(id.to_string()))
        .filter_map(|id| ctx.sandbox.data.get("Medication", id).cloned())
        .collect()
}

fn describe(restrictions: &[Vec<(String, String)>]) -> String {
    restrictions
        .iter()
        .map(|pairs| {
            pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Finds the live access token of this profile; the error is the 401 to answer with,
/// saying what is wrong with it. Simulated `request_*` failures are answered here.
pub(crate) fn authenticate(ctx: &Ctx, headers: &HeaderMap) -> Result<TokenGrant, Box<Response>> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    let oracle = ctx.profile.cors == CorsStyle::Oracle;
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        let message = "This request needs an access token: Authorization: Bearer <token>.";
        return Err(Box::new(unauthorized(message, oracle)));
    };
    let grant = ctx
        .sandbox
        .grants()
        .access(token)
        .filter(|grant| grant.profile == ctx.profile.name)
        .cloned();
    let Some(grant) = grant else {
        let message = "The access token is unknown, expired or revoked.";
        return Err(Box::new(unauthorized(message, oracle)));
    };
    match grant.options.simulation {
        Some(Simulation::RequestInvalidToken) => Err(Box::new(unauthorized(
            "The access token is invalid. [simulated: request_invalid_token]",
            false,
        ))),
        Some(Simulation::Request401WithoutCors) => Err(Box::new(unauthorized(
            "The access token is invalid. [simulated: request_401_without_cors]",
            true,
        ))),
        _ => Ok(grant),
    }
}

/// A 401 with `WWW-Authenticate` (RFC 6750 §3.1); `without_cors` suppresses CORS headers.
fn unauthorized(message: &str, without_cors: bool) -> Response {
    let mut response = outcome(StatusCode::UNAUTHORIZED, "login", message);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"sandbox\", error=\"invalid_token\""),
    );
    if without_cors {
        response.extensions_mut().insert(WithoutCors);
    }
    response
}

/// A 403 for a token whose scopes do not reach the resource (RFC 6750 §3.1).
pub(crate) fn forbidden(message: &str) -> Response {
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

/// A FHIR JSON body.
pub(crate) fn fhir_json(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON))],
        body,
    )
        .into_response()
}
