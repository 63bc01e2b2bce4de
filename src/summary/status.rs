//! Status rules shared by the sections: reading a coded status, the one "never show" rule of
//! each resource family, and status codes as words.

use crate::fhir::datatypes::CodeableConcept;

/// `Condition.clinicalStatus` code system (FHIR R4 ValueSet condition-clinical).
pub const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
/// `Condition.verificationStatus` code system (FHIR R4 ValueSet condition-ver-status).
pub const CONDITION_VERIFICATION: &str =
    "http://terminology.hl7.org/CodeSystem/condition-ver-status";
/// `AllergyIntolerance.clinicalStatus` code system.
pub const ALLERGY_CLINICAL: &str =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
/// `AllergyIntolerance.verificationStatus` code system.
pub const ALLERGY_VERIFICATION: &str =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

/// The code of a status concept in `system`. A coding without a system is accepted too, since
/// some servers leave it out of these required bindings; a coding of another system is not.
pub fn coded_status<'a>(concept: Option<&'a CodeableConcept>, system: &str) -> Option<&'a str> {
    let codings = &concept?.coding;
    let in_system = codings.iter().find(|c| c.system.as_deref() == Some(system));
    in_system
        .or_else(|| codings.iter().find(|c| c.system.is_none()))
        .and_then(|c| c.code.as_deref())
        .map(str::trim)
}

/// The never-show rule of resources with a plain `status` code (MedicationRequest,
/// MedicationStatement, Immunization, Observation, Encounter, Procedure, DiagnosticReport):
/// `entered-in-error` means the record was a mistake.
pub fn status_is_entered_in_error(status: Option<&str>) -> bool {
    status.map(str::trim) == Some("entered-in-error")
}

/// The never-show rule of resources with a `verificationStatus` (Condition,
/// AllergyIntolerance): `entered-in-error` was a mistake, and `refuted` has been ruled out, so
/// showing either as a finding would mislead.
pub fn verification_hides(verification: Option<&CodeableConcept>, system: &str) -> bool {
    matches!(
        coded_status(verification, system),
        Some("entered-in-error") | Some("refuted")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::datatypes::Coding;

    fn concept(system: Option<&str>, code: &str) -> CodeableConcept {
        CodeableConcept {
            coding: vec![Coding {
                system: system.map(str::to_owned),
                code: Some(code.into()),
                display: None,
            }],
            text: None,
        }
    }

    #[test]
    fn a_status_is_read_from_its_own_system_or_a_systemless_coding() {
        let own = concept(Some(CONDITION_CLINICAL), "active");
        assert_eq!(coded_status(Some(&own), CONDITION_CLINICAL), Some("active"));
        let bare = concept(None, "resolved");
        assert_eq!(
            coded_status(Some(&bare), CONDITION_CLINICAL),
            Some("resolved")
        );
    }

    #[test]
    fn a_status_coded_in_another_system_is_not_read() {
        let foreign = concept(Some("http://snomed.info/sct"), "active");
        assert_eq!(coded_status(Some(&foreign), CONDITION_CLINICAL), None);
    }

    #[test]
    fn entered_in_error_is_the_plain_status_never_show_rule() {
        assert!(status_is_entered_in_error(Some("entered-in-error")));
        assert!(!status_is_entered_in_error(Some("cancelled")));
        assert!(!status_is_entered_in_error(None));
    }

    #[test]
    fn refuted_and_entered_in_error_verifications_are_hidden() {
        for code in ["refuted", "entered-in-error"] {
            let v = concept(Some(ALLERGY_VERIFICATION), code);
            assert!(verification_hides(Some(&v), ALLERGY_VERIFICATION), "{code}");
        }
        let unconfirmed = concept(Some(ALLERGY_VERIFICATION), "unconfirmed");
        assert!(!verification_hides(
            Some(&unconfirmed),
            ALLERGY_VERIFICATION
        ));
        assert!(!verification_hides(None, ALLERGY_VERIFICATION));
    }
}
