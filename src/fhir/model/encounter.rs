//! Encounter (FHIR R4 §11.1): a visit, stay or contact.

use super::parse::resource;
use crate::fhir::datatypes::{lenient, lenient_list, CodeableConcept, Coding, Period};
use serde::Deserialize;

/// The encounter elements the summary shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Encounter {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// planned | arrived | triaged | in-progress | onleave | finished | cancelled |
    /// entered-in-error | unknown.
    #[serde(deserialize_with = "lenient")]
    pub status: Option<String>,
    /// Inpatient, ambulatory, emergency… (`v3-ActCode`).
    #[serde(deserialize_with = "lenient")]
    pub class: Option<Coding>,
    /// Specific kind of encounter.
    #[serde(rename = "type", deserialize_with = "lenient_list")]
    pub kind: Vec<CodeableConcept>,
    /// The service, e.g. cardiology.
    #[serde(deserialize_with = "lenient")]
    pub service_type: Option<CodeableConcept>,
    /// Why it happened, coded.
    #[serde(deserialize_with = "lenient_list")]
    pub reason_code: Vec<CodeableConcept>,
    /// STU3's `Encounter.reason`, renamed `reasonCode` in R4; older servers still send it.
    #[serde(deserialize_with = "lenient_list")]
    pub reason: Vec<CodeableConcept>,
    /// When it started and ended.
    #[serde(deserialize_with = "lenient")]
    pub period: Option<Period>,
}
resource!(Encounter);
