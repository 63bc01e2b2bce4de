//! FHIR R4 data Bedside reads, parsed once into types.

/// The FHIR base URL a server is known by, normalized once.
pub mod base_url;
/// What the CapabilityStatement says that the launch needs.
pub mod capabilities;
/// FHIR `date` and `dateTime` values with their written precision.
pub mod date;
/// OperationOutcome bodies and the errors a FHIR read can end in.
pub mod outcome;
/// The Patient resource, as far as the banner needs it.
pub mod patient;

pub use base_url::FhirBaseUrl;
/// Search result pages, paging and retry decisions.
pub mod bundle;
/// Shared FHIR datatypes: CodeableConcept, Coding, HumanName, Identifier, ContactPoint.
pub mod datatypes;
/// Lenient models of the clinical resources the summary reads, and per-resource parse errors.
pub mod model;
/// Query planning: which searches each summary section sends to this server.
pub mod plan;
/// The capability report: what the server supports and where Bedside fell back.
pub mod report;
/// A searchset page cut at its entries, to be read a slice at a time.
pub mod slices;
