//! Procedure (FHIR R4 §9.3): something done to or for the patient.

use super::parse::resource;
use crate::fhir::datatypes::{
    lenient, lenient_list, CodeableConcept, Period, Quantity, Range, Reference,
};
use serde::Deserialize;

/// The procedure elements the summary shows; `performed[x]` keeps each choice as its own field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Procedure {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// preparation | in-progress | not-done | on-hold | stopped | completed | entered-in-error |
    /// unknown.
    #[serde(deserialize_with = "lenient")]
    pub status: Option<String>,
    /// Why it was not done (with not-done).
    #[serde(deserialize_with = "lenient")]
    pub status_reason: Option<CodeableConcept>,
    /// Kind of procedure.
    #[serde(deserialize_with = "lenient")]
    pub category: Option<CodeableConcept>,
    /// What was done.
    #[serde(deserialize_with = "lenient")]
    pub code: Option<CodeableConcept>,
    /// `performedDateTime`.
    #[serde(deserialize_with = "lenient")]
    pub performed_date_time: Option<String>,
    /// `performedPeriod`.
    #[serde(deserialize_with = "lenient")]
    pub performed_period: Option<Period>,
    /// `performedString`.
    #[serde(deserialize_with = "lenient")]
    pub performed_string: Option<String>,
    /// `performedAge`.
    #[serde(deserialize_with = "lenient")]
    pub performed_age: Option<Quantity>,
    /// `performedRange` (of ages).
    #[serde(deserialize_with = "lenient")]
    pub performed_range: Option<Range>,
    /// Why it was done, coded.
    #[serde(deserialize_with = "lenient_list")]
    pub reason_code: Vec<CodeableConcept>,
    /// Why it was done, as the Condition, Observation or other record that justified it
    /// (Synthea names the condition here, with its `display`, and leaves `reasonCode` out).
    #[serde(deserialize_with = "lenient_list")]
    pub reason_reference: Vec<Reference>,
    /// The result.
    #[serde(deserialize_with = "lenient")]
    pub outcome: Option<CodeableConcept>,
    /// STU3's `notDone` (R4 says `status: not-done` instead): `true` means it was NOT done.
    #[serde(deserialize_with = "lenient")]
    pub not_done: Option<bool>,
    /// STU3's `notDoneReason`.
    #[serde(deserialize_with = "lenient")]
    pub not_done_reason: Option<CodeableConcept>,
}
resource!(Procedure);

impl Procedure {
    /// The status as R4 codes it: STU3's `notDone: true` is `not-done`.
    pub fn r4_status(&self) -> Option<&str> {
        match self.not_done {
            Some(true) => Some("not-done"),
            _ => self.status.as_deref(),
        }
    }

    /// Why it stopped or was not done: R4's `statusReason`, else STU3's `notDoneReason`.
    pub fn r4_status_reason(&self) -> Option<&CodeableConcept> {
        self.status_reason
            .as_ref()
            .or(self.not_done_reason.as_ref())
    }
}
