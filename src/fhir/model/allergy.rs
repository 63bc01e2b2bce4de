//! AllergyIntolerance (FHIR R4 §9.1): a propensity to an adverse reaction to a substance.

use super::parse::resource;
use crate::fhir::datatypes::{concept_or_code, lenient, lenient_list, Annotation, CodeableConcept};
use serde::Deserialize;

/// The allergy elements the summary shows.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AllergyIntolerance {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// active | inactive | resolved (`allergyintolerance-clinical`).
    #[serde(deserialize_with = "concept_or_code")]
    pub clinical_status: Option<CodeableConcept>,
    /// unconfirmed | confirmed | refuted | entered-in-error (`allergyintolerance-verification`).
    #[serde(deserialize_with = "concept_or_code")]
    pub verification_status: Option<CodeableConcept>,
    /// allergy | intolerance.
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub kind: Option<String>,
    /// food | medication | environment | biologic.
    #[serde(deserialize_with = "lenient_list")]
    pub category: Vec<String>,
    /// low | high | unable-to-assess.
    #[serde(deserialize_with = "lenient")]
    pub criticality: Option<String>,
    /// The substance, or a negation code such as "No known allergy".
    #[serde(deserialize_with = "lenient")]
    pub code: Option<CodeableConcept>,
    /// When it was first seen.
    #[serde(deserialize_with = "lenient")]
    pub onset_date_time: Option<String>,
    /// When it was recorded.
    #[serde(deserialize_with = "lenient")]
    pub recorded_date: Option<String>,
    /// Reactions seen.
    #[serde(deserialize_with = "lenient_list")]
    pub reaction: Vec<Reaction>,
    /// Notes.
    #[serde(deserialize_with = "lenient_list")]
    pub note: Vec<Annotation>,
}
resource!(AllergyIntolerance);

/// One adverse reaction event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Reaction {
    /// The specific substance, when it differs from the allergy's code.
    #[serde(deserialize_with = "lenient")]
    pub substance: Option<CodeableConcept>,
    /// What was seen, e.g. hives.
    #[serde(deserialize_with = "lenient_list")]
    pub manifestation: Vec<CodeableConcept>,
    /// mild | moderate | severe.
    #[serde(deserialize_with = "lenient")]
    pub severity: Option<String>,
    /// Free-text description.
    #[serde(deserialize_with = "lenient")]
    pub description: Option<String>,
}
