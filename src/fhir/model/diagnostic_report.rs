//! DiagnosticReport (FHIR R4 §9.8): a panel of results, such as a basic metabolic panel.

use super::parse::resource;
use crate::fhir::datatypes::{lenient, lenient_list, CodeableConcept, Period, Reference};
use serde::Deserialize;

/// The report elements used to group lab results by panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DiagnosticReport {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// registered | partial | preliminary | final | amended | corrected | appended | cancelled |
    /// entered-in-error | unknown.
    #[serde(deserialize_with = "lenient")]
    pub status: Option<String>,
    /// Service category, e.g. LAB.
    #[serde(deserialize_with = "lenient_list")]
    pub category: Vec<CodeableConcept>,
    /// The panel, e.g. "Basic metabolic panel".
    #[serde(deserialize_with = "lenient")]
    pub code: Option<CodeableConcept>,
    /// `effectiveDateTime`.
    #[serde(deserialize_with = "lenient")]
    pub effective_date_time: Option<String>,
    /// `effectivePeriod`.
    #[serde(deserialize_with = "lenient")]
    pub effective_period: Option<Period>,
    /// When released.
    #[serde(deserialize_with = "lenient")]
    pub issued: Option<String>,
    /// The Observations in this report.
    #[serde(deserialize_with = "lenient_list")]
    pub result: Vec<Reference>,
    /// The clinical conclusion as text.
    #[serde(deserialize_with = "lenient")]
    pub conclusion: Option<String>,
}
resource!(DiagnosticReport);
