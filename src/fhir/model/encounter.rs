//! Encounter (FHIR R4 §11.1): a visit, stay or contact.

use super::resource;
use crate::fhir::datatypes::{CodeableConcept, Coding, Period};
use serde::Deserialize;

/// The encounter elements the summary shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Encounter {
    /// Logical id.
    pub id: Option<String>,
    /// planned | arrived | triaged | in-progress | onleave | finished | cancelled |
    /// entered-in-error | unknown.
    pub status: Option<String>,
    /// Inpatient, ambulatory, emergency… (`v3-ActCode`).
    pub class: Option<Coding>,
    /// Specific kind of encounter.
    #[serde(rename = "type")]
    pub kind: Vec<CodeableConcept>,
    /// The service, e.g. cardiology.
    pub service_type: Option<CodeableConcept>,
    /// Why it happened, coded.
    pub reason_code: Vec<CodeableConcept>,
    /// When it started and ended.
    pub period: Option<Period>,
}
resource!(Encounter);
