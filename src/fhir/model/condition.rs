//! Condition (FHIR R4 §9.2): a problem, diagnosis or health concern. STU3 leftovers read as
//! what they mean: `clinicalStatus` and `verificationStatus` as plain codes, `assertedDate`.

use super::parse::resource;
use crate::fhir::datatypes::{concept_or_code, lenient, lenient_list};
use crate::fhir::datatypes::{Annotation, CodeableConcept, Period, Quantity, Range};
use serde::Deserialize;

/// The condition elements the summary shows. `onset[x]` and `abatement[x]` keep each choice
/// as its own field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Condition {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// active | recurrence | relapse | inactive | remission | resolved (`condition-clinical`).
    #[serde(deserialize_with = "concept_or_code")]
    pub clinical_status: Option<CodeableConcept>,
    /// unconfirmed | provisional | differential | confirmed | refuted | entered-in-error
    /// (`condition-ver-status`).
    #[serde(deserialize_with = "concept_or_code")]
    pub verification_status: Option<CodeableConcept>,
    /// problem-list-item | encounter-diagnosis, or others.
    #[serde(deserialize_with = "lenient_list")]
    pub category: Vec<CodeableConcept>,
    /// Subjective severity.
    #[serde(deserialize_with = "lenient")]
    pub severity: Option<CodeableConcept>,
    /// What the condition is.
    #[serde(deserialize_with = "lenient")]
    pub code: Option<CodeableConcept>,
    /// `onsetDateTime`.
    #[serde(deserialize_with = "lenient")]
    pub onset_date_time: Option<String>,
    /// `onsetAge`.
    #[serde(deserialize_with = "lenient")]
    pub onset_age: Option<Quantity>,
    /// `onsetPeriod`.
    #[serde(deserialize_with = "lenient")]
    pub onset_period: Option<Period>,
    /// `onsetRange` (of ages).
    #[serde(deserialize_with = "lenient")]
    pub onset_range: Option<Range>,
    /// `onsetString`.
    #[serde(deserialize_with = "lenient")]
    pub onset_string: Option<String>,
    /// `abatementDateTime`.
    #[serde(deserialize_with = "lenient")]
    pub abatement_date_time: Option<String>,
    /// `abatementAge`.
    #[serde(deserialize_with = "lenient")]
    pub abatement_age: Option<Quantity>,
    /// `abatementPeriod`.
    #[serde(deserialize_with = "lenient")]
    pub abatement_period: Option<Period>,
    /// `abatementRange`.
    #[serde(deserialize_with = "lenient")]
    pub abatement_range: Option<Range>,
    /// `abatementString`.
    #[serde(deserialize_with = "lenient")]
    pub abatement_string: Option<String>,
    /// STU3's `abatementBoolean` (removed in R4): `true` says the condition has abated.
    #[serde(deserialize_with = "lenient")]
    pub abatement_boolean: Option<bool>,
    /// When it was first recorded.
    #[serde(deserialize_with = "lenient")]
    pub recorded_date: Option<String>,
    /// STU3's name for when it was first recorded (`Condition.assertedDate`), which older
    /// servers still send in place of `recordedDate`.
    #[serde(deserialize_with = "lenient")]
    pub asserted_date: Option<String>,
    /// Notes.
    #[serde(deserialize_with = "lenient_list")]
    pub note: Vec<Annotation>,
}
resource!(Condition);

impl Condition {
    /// True when any `abatement[x]` choice is present (STU3's `abatementBoolean` only when
    /// true).
    pub fn has_abatement(&self) -> bool {
        self.abatement_boolean == Some(true)
            || self.abatement_date_time.is_some()
            || self.abatement_age.is_some()
            || self.abatement_period.is_some()
            || self.abatement_range.is_some()
            || self.abatement_string.is_some()
    }
}
