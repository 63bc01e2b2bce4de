//! The clinical code table: which LOINC codes name each vital sign Bedside shows, and which
//! codes are searched together. The query planner (`sections::plan`) asks for exactly these codes
//! and the view models (`summary::vitals`) recognise exactly these codes, so the two cannot
//! disagree. A leaf module: it imports nothing from the crate, so both layers can read it.
//!
//! Sources: the FHIR R4 Vital Signs profile (§8.5.1, the codes a conformant server must write),
//! and the LOINC codes real servers write beside them: the 55284-4 blood pressure panel that
//! Synthea and older EHRs use instead of 85354-9, the site-specific members of LOINC's body
//! temperature family (8310-5's "oral", "rectal", … siblings), 2708-6 for SpO2 from older
//! devices, 3141-9 (weight measured), 8306-3 (length measured lying, infants), 8287-5 (head
//! circumference by tape), and 72514-3, the 0–10 pain score that EHRs file as a vital sign.

/// LOINC's code system URI.
pub const LOINC: &str = "http://loinc.org";

/// A kind of vital sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VitalKind {
    /// Systolic blood pressure.
    Systolic,
    /// Diastolic blood pressure.
    Diastolic,
    /// Heart rate.
    HeartRate,
    /// Respiratory rate.
    RespiratoryRate,
    /// Body temperature, at any site.
    Temperature,
    /// Oxygen saturation (pulse oximetry or arterial).
    OxygenSaturation,
    /// Body weight.
    Weight,
    /// Body height or length.
    Height,
    /// Body mass index.
    Bmi,
    /// Head circumference (occipital-frontal).
    HeadCircumference,
    /// Pain severity on the 0–10 numeric rating scale, which many EHRs (and Synthea) file
    /// among the vital signs.
    PainSeverity,
}

/// What one LOINC code in the table names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VitalCode {
    /// A single measurement of this kind.
    Kind(VitalKind),
    /// A panel (blood pressure) whose components carry the kinds.
    Panel,
}

/// One row: a LOINC code and what it names.
pub type VitalCodeRow = (&'static str, VitalCode);

use VitalCode::{Kind, Panel};
use VitalKind::*;

/// The vital-sign codes, one inner list per search: codes searched together are the codes of
/// one vital sign (blood pressure: both panels and both parts, which some servers write
/// standalone). In the order the section shows them.
pub const VITAL_SIGN_SEARCHES: [&[VitalCodeRow]; 10] = [
    &[
        ("85354-9", Panel),
        ("55284-4", Panel),
        ("8480-6", Kind(Systolic)),
        ("8462-4", Kind(Diastolic)),
    ],
    &[("8867-4", Kind(HeartRate))],
    &[("9279-1", Kind(RespiratoryRate))],
    &[
        ("8310-5", Kind(Temperature)),
        ("8331-1", Kind(Temperature)),
        ("8332-9", Kind(Temperature)),
        ("8333-7", Kind(Temperature)),
        ("8328-7", Kind(Temperature)),
        ("75539-7", Kind(Temperature)),
        ("76010-8", Kind(Temperature)),
    ],
    &[
        ("59408-5", Kind(OxygenSaturation)),
        ("2708-6", Kind(OxygenSaturation)),
    ],
    &[("29463-7", Kind(Weight)), ("3141-9", Kind(Weight))],
    &[("8302-2", Kind(Height)), ("8306-3", Kind(Height))],
    &[("39156-5", Kind(Bmi))],
    &[
        ("9843-4", Kind(HeadCircumference)),
        ("8287-5", Kind(HeadCircumference)),
    ],
    &[("72514-3", Kind(PainSeverity))],
];

/// What a LOINC code names in the table; `None` for codes that are not vital signs.
pub fn vital_code(loinc: &str) -> Option<VitalCode> {
    VITAL_SIGN_SEARCHES
        .iter()
        .flat_map(|search| search.iter())
        .find(|(code, _)| *code == loinc)
        .map(|(_, named)| *named)
}

impl VitalKind {
    /// The kind a LOINC code names. Panels such as 85354-9 (blood pressure) name no kind
    /// themselves; their components do.
    pub fn from_loinc(code: &str) -> Option<VitalKind> {
        match vital_code(code)? {
            Kind(kind) => Some(kind),
            Panel => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_code_appears_twice_in_the_table() {
        let mut codes: Vec<&str> = VITAL_SIGN_SEARCHES
            .iter()
            .flat_map(|s| s.iter().map(|(code, _)| *code))
            .collect();
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), count);
    }

    #[test]
    fn both_blood_pressure_panels_are_panels_and_name_no_single_kind() {
        for panel in ["85354-9", "55284-4"] {
            assert_eq!(vital_code(panel), Some(VitalCode::Panel), "{panel}");
            assert_eq!(VitalKind::from_loinc(panel), None, "{panel}");
        }
    }

    #[test]
    fn oral_temperature_is_a_temperature() {
        assert_eq!(
            VitalKind::from_loinc("8331-1"),
            Some(VitalKind::Temperature)
        );
    }

    #[test]
    fn head_circumference_is_a_vital_sign() {
        assert_eq!(
            VitalKind::from_loinc("9843-4"),
            Some(VitalKind::HeadCircumference)
        );
    }

    #[test]
    fn a_code_outside_the_table_names_nothing() {
        assert_eq!(vital_code("2093-3"), None);
    }
}
