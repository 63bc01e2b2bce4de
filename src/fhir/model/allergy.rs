//! AllergyIntolerance (FHIR R4 §9.1): a propensity to an adverse reaction to a substance.

use super::resource;
use crate::fhir::datatypes::{Annotation, CodeableConcept};
use serde::Deserialize;

/// The allergy elements the summary shows.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AllergyIntolerance {
    /// Logical id.
    pub id: Option<String>,
    /// active | inactive | resolved (`allergyintolerance-clinical`).
    pub clinical_status: Option<CodeableConcept>,
    /// unconfirmed | confirmed | refuted | entered-in-error (`allergyintolerance-verification`).
    pub verification_status: Option<CodeableConcept>,
    /// allergy | intolerance.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// food | medication | environment | biologic.
    pub category: Vec<String>,
    /// low | high | unable-to-assess.
    pub criticality: Option<String>,
    /// The substance, or a negation code such as "No known allergy".
    pub code: Option<CodeableConcept>,
    /// When it was first seen.
    pub onset_date_time: Option<String>,
    /// When it was recorded.
    pub recorded_date: Option<String>,
    /// Reactions seen.
    pub reaction: Vec<Reaction>,
    /// Notes.
    pub note: Vec<Annotation>,
}
resource!(AllergyIntolerance);

/// One adverse reaction event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Reaction {
    /// The specific substance, when it differs from the allergy's code.
    pub substance: Option<CodeableConcept>,
    /// What was seen, e.g. hives.
    pub manifestation: Vec<CodeableConcept>,
    /// mild | moderate | severe.
    pub severity: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
}
