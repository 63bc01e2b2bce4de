//! Condition (FHIR R4 §9.2): a problem, diagnosis or health concern.

use super::resource;
use crate::fhir::datatypes::{Annotation, CodeableConcept, Period, Quantity, Range};
use serde::Deserialize;

/// The condition elements the summary shows. `onset[x]` and `abatement[x]` keep each choice
/// as its own field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Condition {
    /// Logical id.
    pub id: Option<String>,
    /// active | recurrence | relapse | inactive | remission | resolved (`condition-clinical`).
    pub clinical_status: Option<CodeableConcept>,
    /// unconfirmed | provisional | differential | confirmed | refuted | entered-in-error
    /// (`condition-ver-status`).
    pub verification_status: Option<CodeableConcept>,
    /// problem-list-item | encounter-diagnosis, or others.
    pub category: Vec<CodeableConcept>,
    /// Subjective severity.
    pub severity: Option<CodeableConcept>,
    /// What the condition is.
    pub code: Option<CodeableConcept>,
    /// `onsetDateTime`.
    pub onset_date_time: Option<String>,
    /// `onsetAge`.
    pub onset_age: Option<Quantity>,
    /// `onsetPeriod`.
    pub onset_period: Option<Period>,
    /// `onsetRange` (of ages).
    pub onset_range: Option<Range>,
    /// `onsetString`.
    pub onset_string: Option<String>,
    /// `abatementDateTime`.
    pub abatement_date_time: Option<String>,
    /// `abatementAge`.
    pub abatement_age: Option<Quantity>,
    /// `abatementPeriod`.
    pub abatement_period: Option<Period>,
    /// `abatementRange`.
    pub abatement_range: Option<Range>,
    /// `abatementString`.
    pub abatement_string: Option<String>,
    /// When it was first recorded.
    pub recorded_date: Option<String>,
    /// Notes.
    pub note: Vec<Annotation>,
}
resource!(Condition);

impl Condition {
    /// True when any `abatement[x]` choice is present.
    pub fn has_abatement(&self) -> bool {
        self.abatement_date_time.is_some()
            || self.abatement_age.is_some()
            || self.abatement_period.is_some()
            || self.abatement_range.is_some()
            || self.abatement_string.is_some()
    }
}
