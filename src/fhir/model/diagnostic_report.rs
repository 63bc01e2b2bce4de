//! DiagnosticReport (FHIR R4 §9.8): a panel of results, such as a basic metabolic panel.

use super::resource;
use crate::fhir::datatypes::{CodeableConcept, Period, Reference};
use serde::Deserialize;

/// The report elements used to group lab results by panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DiagnosticReport {
    /// Logical id.
    pub id: Option<String>,
    /// registered | partial | preliminary | final | amended | corrected | appended | cancelled |
    /// entered-in-error | unknown.
    pub status: Option<String>,
    /// Service category, e.g. LAB.
    pub category: Vec<CodeableConcept>,
    /// The panel, e.g. "Basic metabolic panel".
    pub code: Option<CodeableConcept>,
    /// `effectiveDateTime`.
    pub effective_date_time: Option<String>,
    /// `effectivePeriod`.
    pub effective_period: Option<Period>,
    /// When released.
    pub issued: Option<String>,
    /// The Observations in this report.
    pub result: Vec<Reference>,
    /// The clinical conclusion as text.
    pub conclusion: Option<String>,
}
resource!(DiagnosticReport);
