//! Observation (FHIR R4 §8.5 on clinical use, §2.36 on the resource): measurements and
//! results, with `value[x]` kept for the choices the summary shows.

use super::parse::resource;
use crate::fhir::datatypes::{
    lenient, lenient_list, CodeableConcept, Meta, Period, Quantity, Reference,
};
use serde::Deserialize;

/// The observation elements the summary shows.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Observation {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// When the server last changed it.
    #[serde(deserialize_with = "lenient")]
    pub meta: Option<Meta>,
    /// registered | preliminary | final | amended | corrected | cancelled | entered-in-error |
    /// unknown.
    #[serde(deserialize_with = "lenient")]
    pub status: Option<String>,
    /// e.g. vital-signs, laboratory.
    #[serde(deserialize_with = "lenient_list")]
    pub category: Vec<CodeableConcept>,
    /// What was observed, usually LOINC.
    #[serde(deserialize_with = "lenient")]
    pub code: Option<CodeableConcept>,
    /// `effectiveDateTime`.
    #[serde(deserialize_with = "lenient")]
    pub effective_date_time: Option<String>,
    /// `effectivePeriod`.
    #[serde(deserialize_with = "lenient")]
    pub effective_period: Option<Period>,
    /// `effectiveInstant`.
    #[serde(deserialize_with = "lenient")]
    pub effective_instant: Option<String>,
    /// When the result was released.
    #[serde(deserialize_with = "lenient")]
    pub issued: Option<String>,
    /// `value[x]`.
    #[serde(flatten)]
    pub value: ValueChoice,
    /// Why there is no value.
    #[serde(deserialize_with = "lenient")]
    pub data_absent_reason: Option<CodeableConcept>,
    /// High, low, normal… (`v3-ObservationInterpretation`).
    #[serde(deserialize_with = "lenient_list")]
    pub interpretation: Vec<CodeableConcept>,
    /// Normal ranges.
    #[serde(deserialize_with = "lenient_list")]
    pub reference_range: Vec<ReferenceRange>,
    /// Parts measured together, e.g. systolic and diastolic pressure.
    #[serde(deserialize_with = "lenient_list")]
    pub component: Vec<ObservationComponent>,
    /// Member observations of a panel.
    #[serde(deserialize_with = "lenient_list")]
    pub has_member: Vec<Reference>,
}
resource!(Observation);

/// One part of an observation, with its own code and value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObservationComponent {
    /// What this part is.
    #[serde(deserialize_with = "lenient")]
    pub code: Option<CodeableConcept>,
    /// `value[x]`.
    #[serde(flatten)]
    pub value: ValueChoice,
    /// Why there is no value.
    #[serde(deserialize_with = "lenient")]
    pub data_absent_reason: Option<CodeableConcept>,
    /// High, low, normal…
    #[serde(deserialize_with = "lenient_list")]
    pub interpretation: Vec<CodeableConcept>,
    /// Normal ranges.
    #[serde(deserialize_with = "lenient_list")]
    pub reference_range: Vec<ReferenceRange>,
}

/// The `value[x]` choices Bedside reads; other choices (Range, Ratio, SampledData, time,
/// dateTime, Period) are read as no value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ValueChoice {
    /// `valueQuantity`.
    #[serde(deserialize_with = "lenient")]
    pub value_quantity: Option<Quantity>,
    /// `valueString`.
    #[serde(deserialize_with = "lenient")]
    pub value_string: Option<String>,
    /// `valueCodeableConcept`.
    #[serde(deserialize_with = "lenient")]
    pub value_codeable_concept: Option<CodeableConcept>,
    /// `valueBoolean`.
    #[serde(deserialize_with = "lenient")]
    pub value_boolean: Option<bool>,
    /// `valueInteger`.
    #[serde(deserialize_with = "lenient")]
    pub value_integer: Option<i64>,
}

/// A value, whichever choice carried it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ObservationValue<'a> {
    /// A measured amount.
    Quantity(&'a Quantity),
    /// Free text.
    Text(&'a str),
    /// A coded answer, e.g. "Positive".
    Concept(&'a CodeableConcept),
    /// Yes or no.
    Boolean(bool),
    /// A count.
    Integer(i64),
}

impl ValueChoice {
    /// The value given, if any (FHIR allows one choice; the first present is taken).
    pub fn get(&self) -> Option<ObservationValue<'_>> {
        self.value_quantity
            .as_ref()
            .map(ObservationValue::Quantity)
            .or_else(|| self.value_string.as_deref().map(ObservationValue::Text))
            .or_else(|| {
                self.value_codeable_concept
                    .as_ref()
                    .map(ObservationValue::Concept)
            })
            .or_else(|| self.value_boolean.map(ObservationValue::Boolean))
            .or_else(|| self.value_integer.map(ObservationValue::Integer))
    }
}

/// A normal range for the value.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ReferenceRange {
    /// Inclusive lower bound.
    #[serde(deserialize_with = "lenient")]
    pub low: Option<Quantity>,
    /// Inclusive upper bound.
    #[serde(deserialize_with = "lenient")]
    pub high: Option<Quantity>,
    /// The range as text, e.g. "negative".
    #[serde(deserialize_with = "lenient")]
    pub text: Option<String>,
    /// normal | recommended | treatment | therapeutic…
    #[serde(rename = "type", deserialize_with = "lenient")]
    pub kind: Option<CodeableConcept>,
}
