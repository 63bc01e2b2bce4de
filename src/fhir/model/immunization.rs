//! Immunization (FHIR R4 §9.6): a vaccine given, or recorded as not given.

use super::resource;
use crate::fhir::datatypes::{lenient, CodeableConcept};
use serde::Deserialize;

/// The immunization elements the summary shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Immunization {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// completed | entered-in-error | not-done.
    #[serde(deserialize_with = "lenient")]
    pub status: Option<String>,
    /// Why it was not done.
    #[serde(deserialize_with = "lenient")]
    pub status_reason: Option<CodeableConcept>,
    /// The vaccine, usually a CVX code.
    #[serde(deserialize_with = "lenient")]
    pub vaccine_code: Option<CodeableConcept>,
    /// `occurrenceDateTime`.
    #[serde(deserialize_with = "lenient")]
    pub occurrence_date_time: Option<String>,
    /// `occurrenceString`, e.g. "as a child".
    #[serde(deserialize_with = "lenient")]
    pub occurrence_string: Option<String>,
    /// STU3's `Immunization.date` (when it was given), renamed `occurrence[x]` in R4; older
    /// servers still send it.
    #[serde(deserialize_with = "lenient")]
    pub date: Option<String>,
    /// When it was recorded.
    #[serde(deserialize_with = "lenient")]
    pub recorded: Option<String>,
}
resource!(Immunization);
