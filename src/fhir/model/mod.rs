//! Minimal, lenient serde models of the clinical resources the summary reads (FHIR R4): only the
//! elements Bedside shows, every element optional, unknown elements ignored. Tolerant element by
//! element: an element of the wrong shape (or an older version's shape not read as what it
//! means, see each model) is read as absent, so one malformed element makes that element
//! unknown, never its whole record unreadable. Only a value that is not a resource of the
//! expected type is refused, as a [`MalformedResource`].

/// AllergyIntolerance and its reactions.
pub mod allergy;
/// Condition (problems and diagnoses).
pub mod condition;
/// DiagnosticReport (lab panels).
pub mod diagnostic_report;
/// Encounter.
pub mod encounter;
/// Immunization.
pub mod immunization;
/// Medication, MedicationRequest and MedicationStatement.
pub mod medication;
/// Observation (vital signs, labs).
pub mod observation;
/// The `Resource` trait, parsing, and the error for a value that is not the resource expected.
pub mod parse;
/// Procedure.
pub mod procedure;

pub use allergy::{AllergyIntolerance, Reaction};
pub use condition::Condition;
pub use diagnostic_report::DiagnosticReport;
pub use encounter::Encounter;
pub use immunization::Immunization;
pub use medication::{Medication, MedicationRequest, MedicationStatement};
pub use observation::{Observation, ObservationComponent, ObservationValue, ReferenceRange};
pub use parse::{find_contained, parse_all, parse_resource, MalformedResource, Parsed, Resource};
pub use procedure::Procedure;

#[cfg(test)]
mod tests;
