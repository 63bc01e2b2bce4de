//! Procedure (FHIR R4 §9.3): something done to or for the patient.

use super::resource;
use crate::fhir::datatypes::{CodeableConcept, Period, Quantity, Range};
use serde::Deserialize;

/// The procedure elements the summary shows; `performed[x]` keeps each choice as its own field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Procedure {
    /// Logical id.
    pub id: Option<String>,
    /// preparation | in-progress | not-done | on-hold | stopped | completed | entered-in-error |
    /// unknown.
    pub status: Option<String>,
    /// Why it was not done (with not-done).
    pub status_reason: Option<CodeableConcept>,
    /// Kind of procedure.
    pub category: Option<CodeableConcept>,
    /// What was done.
    pub code: Option<CodeableConcept>,
    /// `performedDateTime`.
    pub performed_date_time: Option<String>,
    /// `performedPeriod`.
    pub performed_period: Option<Period>,
    /// `performedString`.
    pub performed_string: Option<String>,
    /// `performedAge`.
    pub performed_age: Option<Quantity>,
    /// `performedRange` (of ages).
    pub performed_range: Option<Range>,
    /// Why it was done, coded.
    pub reason_code: Vec<CodeableConcept>,
    /// The result.
    pub outcome: Option<CodeableConcept>,
}
resource!(Procedure);
