//! Immunization (FHIR R4 §9.6): a vaccine given, or recorded as not given.

use super::resource;
use crate::fhir::datatypes::CodeableConcept;
use serde::Deserialize;

/// The immunization elements the summary shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Immunization {
    /// Logical id.
    pub id: Option<String>,
    /// completed | entered-in-error | not-done.
    pub status: Option<String>,
    /// Why it was not done.
    pub status_reason: Option<CodeableConcept>,
    /// The vaccine, usually a CVX code.
    pub vaccine_code: Option<CodeableConcept>,
    /// `occurrenceDateTime`.
    pub occurrence_date_time: Option<String>,
    /// `occurrenceString`, e.g. "as a child".
    pub occurrence_string: Option<String>,
    /// When it was recorded.
    pub recorded: Option<String>,
}
resource!(Immunization);
