//! Synthetic clinical data, generated from a seed and held as FHIR R4 JSON.
//!
//! Every generated patient but Baby Doe has Conditions (SNOMED CT), MedicationRequests
//! (RxNorm; by code, by a referenced Medication and by a contained `#med1`), a
//! MedicationStatement, AllergyIntolerances, Immunizations (CVX, repeated doses),
//! Encounters, Procedures, vital signs every six months over up to ten years, and every
//! second year from 18 on the CBC, basic metabolic, lipid and HbA1c panels with their
//! DiagnosticReports. All dates lie before 2025-01-01. Resource ids are
//! `{patient id}-{kind}{n}`.
//!
//! Edge cases live on named patients (names as `sandbox::patients` lists them):
//!
//! | patient | edge case |
//! | --- | --- |
//! | Zoë Ångström | an explicit "No known allergy" AllergyIntolerance (SNOMED CT 716186003), no other allergy |
//! | Ольга Смирнова | Conditions with onset `1980` and `1980-03`, an allergy with onset `1980` |
//! | 太郎 山田 | hypertension, type 2 diabetes, hyperlipidemia treated by a `medicationCodeableConcept`, a referenced Medication and a contained `#med1` |
//! | José Núñez | text-only CodeableConcepts: a Condition, a MedicationRequest's medication, an Observation's code |
//! | Thị Lan Nguyễn | Observations with `valueString` and with `valueCodeableConcept` |
//! | `<b>Bold</b> & "quotes"` | narratives with `<script>alert(1)</script>` and `<img src=x onerror=alert(1)>`; 2000-character code text, note and dosage text |
//! | Margaret Ann Thompson | an Immunization with status `not-done`; a Condition `entered-in-error` |
//! | Kwame Mensah | an Observation without `effective[x]` |
//! | Baby Doe | nothing recorded |
//! | Maximilian Vielfach | more than 10,000 Observations: vitals every four days for 22 years and quarterly labs |
//!
//! The records are generated on first use, per patient, so a sandbox starts at once.
//! Patients loaded from a folder (`load`) are served after the generated ones.

mod build;
mod clinical;
pub(crate) mod clinician;
mod codes;
mod edge;
pub(crate) mod load;
pub use load::parse as read_document;
mod observations;
mod patients;
mod problems;
mod store;
mod summary;
#[cfg(test)]
mod tests;
mod visits;

use serde_json::Value;

pub(crate) use store::{compartment_owner, Store};
pub(crate) use summary::summarize;
pub use summary::PatientSummary;

/// FHIR R4 `id`: 1 to 64 of `[A-Za-z0-9\-\.]`.
pub(crate) fn is_fhir_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// The generated resources of `resource_type` in the compartment of `patient_id`.
pub(crate) fn resources(seed: u64, patient_id: &str, resource_type: &str) -> Vec<Value> {
    Store::generate(seed)
        .of_patient(patient_id, resource_type)
        .into_iter()
        .cloned()
        .collect()
}

#[cfg(test)]
mod patient_tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_patients_and_another_seed_other_ids() {
        let a = Store::generate(7).patient_summaries();
        assert_eq!(a, Store::generate(7).patient_summaries());
        let b = Store::generate(8).patient_summaries();
        assert_eq!(a.len(), b.len());
        assert!(a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.id != y.id && x.display_name == y.display_name));
    }

    #[test]
    fn there_are_at_least_twelve_patients_with_unique_ids_and_mrns() {
        let patients = Store::generate(1).patient_summaries();
        assert!(patients.len() >= 12);
        let ids: std::collections::HashSet<_> = patients.iter().map(|p| &p.id).collect();
        let mrns: std::collections::HashSet<_> =
            patients.iter().filter_map(|p| p.mrn.as_ref()).collect();
        assert_eq!(ids.len(), patients.len());
        assert_eq!(mrns.len(), patients.len() - 1);
    }

    #[test]
    fn display_names_read_given_then_family() {
        let names: Vec<String> = Store::generate(7)
            .patient_summaries()
            .into_iter()
            .map(|p| p.display_name)
            .collect();
        for expected in [
            "Zoë Ångström",
            "Ольга Смирнова",
            "太郎 山田",
            "José Núñez",
            "<b>Bold</b> & \"quotes\"",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} missing from {names:?}"
            );
        }
    }

    #[test]
    fn one_patient_has_only_a_text_name() {
        let store = Store::generate(7);
        let bare: Vec<PatientSummary> = store
            .patient_summaries()
            .into_iter()
            .filter(|p| p.birth_date.is_none() && p.gender.is_none() && p.mrn.is_none())
            .collect();
        assert_eq!(bare.len(), 1);
        let resource = store
            .get("Patient", &bare[0].id)
            .cloned()
            .unwrap_or_default();
        assert!(resource.get("identifier").is_none() && resource.get("telecom").is_none());
        assert!(!bare[0].display_name.is_empty());
    }

    #[test]
    fn every_mrn_identifier_uses_the_v2_mr_type_and_the_sandbox_system() {
        let store = Store::generate(7);
        for summary in store.patient_summaries().iter().filter(|p| p.mrn.is_some()) {
            let patient = store
                .get("Patient", &summary.id)
                .cloned()
                .unwrap_or_default();
            let mr = &patient["identifier"][0];
            assert_eq!(
                mr["type"]["coding"][0]["system"],
                "http://terminology.hl7.org/CodeSystem/v2-0203"
            );
            assert_eq!(mr["type"]["coding"][0]["code"], "MR");
            assert_eq!(mr["system"], "urn:oid:2.16.840.1.113883.19.5");
            assert_eq!(patient["identifier"].as_array().map(Vec::len), Some(2));
        }
    }
}
