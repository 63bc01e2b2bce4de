//! Bedside sandbox: a local SMART on FHIR EHR that Bedside's tests and demo run against.
//!
//! One process answers on two origins so that CORS is real: the EHR origin serves the EHR
//! page, the authorization server and the FHIR server; the app origin serves the built app and
//! a generated `config.json`. The sandbox is a strict counterpart, not a mock: it enforces PKCE
//! S256, exact redirect URIs, single-use codes, short-lived and rotating tokens and scope checks
//! on every FHIR request.
//!
//! Module map (imports point one way, without circles: `options`, `profile`, `registry`,
//! `scope`, `simulate`, `data`, `search` and the small helpers at the bottom, `state` above
//! them, then `fhir`, `auth`, `oidc`, the pages, and `server` at the top):
//! - `server`: binds both listeners, builds the routers, owns shutdown.
//! - `state`: configuration of one running sandbox, the grants it has issued, and `Ctx`, what
//!   a handler of one profile is given.
//! - `profile`: the EHR profiles (`reference`, `epic-like`, `oracle-like`, `legacy`,
//!   `no-cors`, `open`), how each differs, and their URLs.
//! - `auth`: the authorization server (authorize, consent, token, revocation).
//! - `simulate`: simulated failures and per-launch behaviour (table of every simulation).
//! - `oidc`: OpenID Connect: the signing key, JWKS, openid-configuration, id_tokens.
//! - `user`: the signed-in clinician's `fhirUser` and the read of their Practitioner (who
//!   they are is in `data::clinician`).
//! - `scope`: SMART scope parsing and the access decisions made from scopes.
//! - `fhir`: the FHIR REST endpoints (read, search), scope checks, OperationOutcomes.
//! - `discovery`: smart-configuration and the SMART style document.
//! - `capability`: the CapabilityStatement (JSON, and XML for `epic-like`).
//! - `search`: FHIR search: parsing, matching, paging, searchset Bundles.
//! - `ehr`: the EHR pages (patient list, embedded launch).
//! - `request_log`: what the EHR origin was asked and answered, for tests.
//! - `app_files`: the app origin (static files, SPA fallback, `config.json`).
//! - `cors`: the two CORS policies.
//! - `html`: escaping and the layout of the sandbox's own pages.
//! - `params`: form-urlencoded parameters with repeated names detected.
//! - `random`: seeded PRNG for data and unguessable secrets for grants.
//! - `data`: synthetic FHIR resources generated from a seed (edge-case patients listed there).
//! - `dates`: calendar arithmetic and FHIR date ranges.
//! - `options`: how to start a sandbox.
//! - `registry`: the served resource types and their search parameters.
//! - `upstream`: upstream mode: relaying FHIR requests to another server, rewriting its URLs.

#![warn(missing_docs)]

mod app_files;
mod auth;
mod capability;
mod cors;
mod data;
mod dates;
mod discovery;
mod ehr;
mod fhir;
mod html;
mod oidc;
mod options;
mod params;
mod profile;
mod random;
mod registry;
mod request_log;
mod scope;
mod search;
mod server;
mod simulate;
mod state;
mod upstream;
mod user;

/// Reads one FHIR JSON document (a resource, or a Bundle whose entries come back with their
/// `urn:uuid:` references resolved to `Type/id`) as `--data` loads it.
pub use app_files::page_at;
pub use data::read_document;
pub use data::PatientSummary;
pub use options::{ExtraServer, Options, CLIENT_ID};
pub use request_log::{LoggedRequest, Withheld};
pub use server::{start, Running};
pub use simulate::Simulation;

/// The synthetic patients a sandbox started with `seed` serves, in list order, without
/// starting a server.
pub fn patients(seed: u64) -> Vec<PatientSummary> {
    data::Store::generate(seed).patient_summaries()
}

/// The generated resources of `resource_type` (e.g. `"Observation"`) in the compartment of
/// the patient `patient_id`, as a sandbox started with `seed` serves them, without starting
/// a server: what tests state their expectations from. Empty for an unknown patient or type.
/// Medications referenced by a patient's MedicationRequests count as that patient's.
pub fn resources(seed: u64, patient_id: &str, resource_type: &str) -> Vec<serde_json::Value> {
    data::resources(seed, patient_id, resource_type)
}
