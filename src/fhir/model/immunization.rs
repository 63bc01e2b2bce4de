//! Immunization (FHIR R4 §9.6): a vaccine given, or recorded as not given. STU3 leftovers read
//! as what they mean: `date`, `notGiven`, `explanation.reasonNotGiven`.

use super::parse::resource;
use crate::fhir::datatypes::{lenient, lenient_list, CodeableConcept};
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
    /// STU3's `notGiven` (R4 says `status: not-done` instead): `true` means the vaccine was
    /// NOT given, whatever `status` says.
    #[serde(deserialize_with = "lenient")]
    pub not_given: Option<bool>,
    /// STU3's `explanation` (R4: `statusReason`).
    #[serde(deserialize_with = "lenient")]
    pub explanation: Option<ImmunizationExplanation>,
    /// When it was recorded.
    #[serde(deserialize_with = "lenient")]
    pub recorded: Option<String>,
}
resource!(Immunization);

/// STU3 `Immunization.explanation`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ImmunizationExplanation {
    /// Why the vaccine was not given.
    #[serde(deserialize_with = "lenient_list")]
    pub reason_not_given: Vec<CodeableConcept>,
}

impl Immunization {
    /// The status as R4 codes it: STU3's `notGiven: true` is `not-done`.
    pub fn r4_status(&self) -> Option<&str> {
        match self.not_given {
            Some(true) => Some("not-done"),
            _ => self.status.as_deref(),
        }
    }

    /// Why it was not given: R4's `statusReason`, else STU3's `explanation.reasonNotGiven`.
    pub fn not_given_reason(&self) -> Option<&CodeableConcept> {
        self.status_reason
            .as_ref()
            .or_else(|| self.explanation.as_ref()?.reason_not_given.first())
    }
}
