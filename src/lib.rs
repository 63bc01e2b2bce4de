//! Bedside: a SMART on FHIR patient summary.
//!
//! The pure layers (`clinical_codes`, `smart`, `fhir`, `summary`, `config`, `http`, `inspect`,
//! `problem`, `route`, `registration`, `sort`, `sections`, `start`) hold every protocol
//! and clinical rule and are tested natively with `cargo test`; `browser` performs their I/O and
//! `ui` renders their view models. A rule that needs a browser to be tested is in the wrong place.
//! `tests/layers.rs` holds the pure layers to this (no web API crates) and the whole crate to
//! imports without circles; README.md's "Layout" names what each module holds.

/// The clinical code table (vital-sign LOINC codes) that the planner and the view models share.
pub mod clinical_codes;
/// Runtime configuration (`config.json`): allowed issuers, clients, redirect URI.
pub mod config;
/// FHIR R4 data the app reads: base URLs, dates, Patient, OperationOutcome, CapabilityStatement.
pub mod fhir;
/// HTTP exchanges described as plain data, so the pure layers never perform I/O.
pub mod http;
/// The launch inspector's timeline (debug mode), redacted by construction.
pub mod inspect;
/// The user-facing wording contract every error type fulfils.
pub mod problem;
/// The EHR registration sheet printed from config.json.
pub mod registration;
/// Which page the address shows.
pub mod route;
/// The summary's sections: one table row each, and the plan, scopes and layout derived from it.
pub mod sections;
/// SMART App Launch: discovery, PKCE, authorization, callback, token, session.
pub mod smart;
/// Stable sorting through one shared routine (keeps the wasm small).
pub mod sort;
/// The standalone start page's view model.
pub mod start;
/// Clinical view models built from FHIR resources.
pub mod summary;

/// Effects: fetch, storage, address bar, clock and randomness (browser only).
#[cfg(target_arch = "wasm32")]
pub mod browser;
/// Leptos components that render view models and dispatch intents (browser only).
#[cfg(target_arch = "wasm32")]
pub mod ui;
