//! Medication (FHIR R4 §10.4), MedicationRequest (§10.2, an order) and MedicationStatement
//! (§10.6, what the patient is taking as reported).

use super::parse::{find_contained, resource};
use crate::fhir::datatypes::{lenient, lenient_list, CodeableConcept, Period, Reference};
use crate::fhir::dosage::Dosage;
use serde::Deserialize;
use serde_json::Value;

/// A medication, as far as its name goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Medication {
    /// Logical id (or local id when contained).
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// What it is, e.g. an RxNorm code.
    #[serde(deserialize_with = "lenient")]
    pub code: Option<CodeableConcept>,
}
resource!(Medication);

/// An order for a medication.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MedicationRequest {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// active | on-hold | cancelled | completed | entered-in-error | stopped | draft | unknown.
    #[serde(deserialize_with = "lenient")]
    pub status: Option<String>,
    /// proposal | plan | order | original-order | …
    #[serde(deserialize_with = "lenient")]
    pub intent: Option<String>,
    /// True when this is an order *not* to give the medication.
    #[serde(deserialize_with = "lenient")]
    pub do_not_perform: Option<bool>,
    /// `medicationCodeableConcept`.
    #[serde(deserialize_with = "lenient")]
    pub medication_codeable_concept: Option<CodeableConcept>,
    /// `medicationReference`: to a Medication, possibly contained (`#id`).
    #[serde(deserialize_with = "lenient")]
    pub medication_reference: Option<Reference>,
    /// When it was ordered.
    #[serde(deserialize_with = "lenient")]
    pub authored_on: Option<String>,
    /// How to take it.
    #[serde(deserialize_with = "lenient_list")]
    pub dosage_instruction: Vec<Dosage>,
    /// Contained resources, kept as JSON so one that cannot be read spoils nothing else.
    #[serde(deserialize_with = "lenient_list")]
    pub contained: Vec<Value>,
}
resource!(MedicationRequest);

/// A report that the patient is taking, took, or will take a medication.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MedicationStatement {
    /// Logical id.
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// active | completed | entered-in-error | intended | stopped | on-hold | unknown | not-taken.
    #[serde(deserialize_with = "lenient")]
    pub status: Option<String>,
    /// `medicationCodeableConcept`.
    #[serde(deserialize_with = "lenient")]
    pub medication_codeable_concept: Option<CodeableConcept>,
    /// `medicationReference`.
    #[serde(deserialize_with = "lenient")]
    pub medication_reference: Option<Reference>,
    /// `effectiveDateTime`.
    #[serde(deserialize_with = "lenient")]
    pub effective_date_time: Option<String>,
    /// `effectivePeriod`.
    #[serde(deserialize_with = "lenient")]
    pub effective_period: Option<Period>,
    /// When the statement was made.
    #[serde(deserialize_with = "lenient")]
    pub date_asserted: Option<String>,
    /// How it is taken.
    #[serde(deserialize_with = "lenient_list")]
    pub dosage: Vec<Dosage>,
    /// STU3's `taken` (y | n | unk | na; R4 says `status: not-taken` instead): `n` means the
    /// patient is NOT taking it, whatever `status` says.
    #[serde(deserialize_with = "lenient")]
    pub taken: Option<String>,
    /// Contained resources, as JSON.
    #[serde(deserialize_with = "lenient_list")]
    pub contained: Vec<Value>,
}
resource!(MedicationStatement);

impl MedicationStatement {
    /// The status as R4 codes it: STU3's `taken: n` is `not-taken`.
    pub fn r4_status(&self) -> Option<&str> {
        match self.taken.as_deref().map(str::trim) {
            Some("n") => Some("not-taken"),
            _ => self.status.as_deref(),
        }
    }
}

/// Where a request or statement names its medication.
pub trait NamesMedication {
    /// `medicationCodeableConcept`.
    fn medication_concept(&self) -> Option<&CodeableConcept>;
    /// `medicationReference`.
    fn medication_reference(&self) -> Option<&Reference>;
    /// Contained resources.
    fn contained(&self) -> &[Value];

    /// The contained Medication that `medicationReference` points at (`#id`).
    fn contained_medication(&self) -> Option<Medication> {
        let local_id = self.medication_reference()?.contained_id()?;
        find_contained(self.contained(), local_id)
    }
}

// Both resources spell the medication choice the same way (FHIR R4 `medication[x]`).
macro_rules! names_medication {
    ($model:ident) => {
        impl NamesMedication for $model {
            fn medication_concept(&self) -> Option<&CodeableConcept> {
                self.medication_codeable_concept.as_ref()
            }
            fn medication_reference(&self) -> Option<&Reference> {
                self.medication_reference.as_ref()
            }
            fn contained(&self) -> &[Value] {
                &self.contained
            }
        }
    };
}
names_medication!(MedicationRequest);
names_medication!(MedicationStatement);
