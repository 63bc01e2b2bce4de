//! FHIR R4 data Bedside reads, parsed once into types.

/// The FHIR base URL a server is known by, normalized once.
pub mod base_url;
/// What the CapabilityStatement says that the launch needs.
pub mod capabilities;
/// Codes in words: a short table of HL7 code systems, else the code with its system named.
pub mod code_words;
/// FHIR `date` and `dateTime` values with their written precision.
pub mod date;
/// FHIR `decimal` values shown with the digits they carry.
pub mod decimal;
/// Dosage and Timing, and the dosage in words.
pub mod dosage;
/// FHIR logical ids, checked once where they enter.
pub mod id;
/// OperationOutcome bodies and the errors a FHIR read can end in.
pub mod outcome;
/// The Patient resource, as far as the banner needs it.
pub mod patient;

pub use base_url::FhirBaseUrl;
pub use id::FhirId;
/// Search result pages, paging and retry decisions.
pub mod bundle;
/// Shared FHIR datatypes: CodeableConcept, Coding, HumanName, Identifier, ContactPoint.
pub mod datatypes;
/// Reading an element leniently, in place: the wrong shape is read as absent.
pub mod lenient;
/// Lenient models of the clinical resources the summary reads, and per-resource parse errors.
pub mod model;
/// A searchset page cut at its entries, to be read a slice at a time.
pub mod slices;
