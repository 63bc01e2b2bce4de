//! Codes in words, for codings a server sent without a `display` or `text`: a short table of
//! the HL7 code systems the summary meets (FHIR R4 terminology: v3-ActReason, v3-ActCode,
//! condition-clinical, allergyintolerance-criticality, v3-ObservationInterpretation,
//! data-absent-reason, v2-0203; and the IPS absent-unknown codes), else the code with its system named plainly. A raw
//! `system|code` is never shown.

/// The HL7 v2 table 0203 (identifier type), under its R4 URI.
pub const V2_0203: &str = "http://terminology.hl7.org/CodeSystem/v2-0203";
/// The same table under the URI of FHIR DSTU2/STU3, which older servers still write.
pub const V2_0203_OLD: &str = "http://hl7.org/fhir/v2/0203";

/// The code system of `Encounter.class`.
pub const V3_ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

const HL7_CS: &str = "http://terminology.hl7.org/CodeSystem/";
const IPS_ABSENT: &str = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips";

/// `text` with its first letter capitalised, to open a sentence or a caption
/// ("the patient record" → "The patient record", "laboratory" → "Laboratory").
pub fn sentence_start(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A code with no words of its own, as a label: hyphens and underscores as spaces, a long
/// code written in capitals in lower case (`WELLNESS` → "Wellness"; short ones such as `ICU`
/// are kept, being acronyms), and the first letter capitalised (`on-hold` → "On hold").
pub fn code_as_label(code: &str) -> String {
    let words = code.trim().replace(['-', '_'], " ");
    let shouting = words.chars().filter(|c| c.is_alphabetic()).count() > 4
        && !words.chars().any(char::is_lowercase);
    sentence_start(&if shouting {
        words.to_lowercase()
    } else {
        words
    })
}

/// The words for `code` in `system`: from the built-in table, else "code X (system name)".
pub fn code_in_words(system: Option<&str>, code: &str) -> String {
    if let Some(words) = system.and_then(|system| known_words(system, code)) {
        return words.to_owned();
    }
    match system.map(system_name) {
        Some(name) => format!("{code} ({name})"),
        None => code.to_owned(),
    }
}

/// True when `system` is the identifier-type table, under its current or its old URI.
pub fn is_v2_0203(system: Option<&str>) -> bool {
    matches!(system, Some(V2_0203 | V2_0203_OLD))
}

/// The built-in words for `code` in `system`, if the table has them.
pub fn known_words(system: &str, code: &str) -> Option<&'static str> {
    let name = if is_v2_0203(Some(system)) {
        "v2-0203"
    } else if system == IPS_ABSENT {
        "ips-absent-unknown"
    } else {
        system.strip_prefix(HL7_CS)?
    };
    Some(match (name, code) {
        ("v3-ActReason", "PATOBJ") => "Patient objection",
        ("v3-ActReason", "RELIG") => "Religious objection",
        ("v3-ActReason", "PHILISOP") => "Philosophical objection",
        ("v3-ActReason", "MEDPREC") => "Medical precaution",
        ("v3-ActReason", "IMMUNE") => "Immunity",
        ("v3-ActReason", "OSTOCK") => "Product out of stock",
        ("v3-ActReason", "VACEFF") => "Vaccine efficacy concerns",
        ("v3-ActReason", "VACSAF") => "Vaccine safety concerns",
        ("v3-ActReason", "PATCAR") => "Patient care",
        ("v3-ActCode", "AMB") => "Ambulatory",
        ("v3-ActCode", "IMP") => "Inpatient",
        ("v3-ActCode", "EMER") => "Emergency",
        ("v3-ActCode", "ACUTE") => "Inpatient acute",
        ("v3-ActCode", "NONAC") => "Inpatient non-acute",
        ("v3-ActCode", "OBSENC") => "Observation",
        ("v3-ActCode", "SS") => "Short stay",
        ("v3-ActCode", "HH") => "Home health",
        ("v3-ActCode", "VR") => "Virtual",
        ("v3-ActCode", "PRENC") => "Pre-admission",
        ("v3-ActCode", "FLD") => "Field",
        ("condition-clinical", "active") => "Active",
        ("condition-clinical", "recurrence") => "Recurrence",
        ("condition-clinical", "relapse") => "Relapse",
        ("condition-clinical", "inactive") => "Inactive",
        ("condition-clinical", "remission") => "Remission",
        ("condition-clinical", "resolved") => "Resolved",
        ("allergyintolerance-criticality", "low") => "Low criticality",
        ("allergyintolerance-criticality", "high") => "High criticality",
        ("allergyintolerance-criticality", "unable-to-assess") => "Criticality unable to assess",
        ("v3-ObservationInterpretation", "H") => "High",
        ("v3-ObservationInterpretation", "L") => "Low",
        ("v3-ObservationInterpretation", "N") => "Normal",
        ("v3-ObservationInterpretation", "A") => "Abnormal",
        ("v3-ObservationInterpretation", "HH") => "Critically high",
        ("v3-ObservationInterpretation", "LL") => "Critically low",
        ("v3-ObservationInterpretation", "AA") => "Critically abnormal",
        ("data-absent-reason", "unknown") => "Unknown",
        ("data-absent-reason", "asked-unknown") => "Asked but unknown",
        ("data-absent-reason", "not-performed") => "Not performed",
        ("data-absent-reason", "masked") => "Masked",
        ("data-absent-reason", "error") => "Error",
        ("data-absent-reason", "not-applicable") => "Not applicable",
        ("ips-absent-unknown", "no-known-allergies") => "No known allergies",
        ("ips-absent-unknown", "no-allergy-info") => "No information about allergies",
        ("ips-absent-unknown", "no-known-medications") => "No known medications",
        ("ips-absent-unknown", "no-known-problems") => "No known problems",
        ("v2-0203", "MR") => "MRN",
        ("v2-0203", "SS") => "Social Security number",
        ("v2-0203", "DL") => "Driver's license",
        ("v2-0203", "PPN") => "Passport number",
        ("v2-0203", "MB") => "Member number",
        ("v2-0203", "PI") => "Patient internal identifier",
        _ => return None,
    })
}

// A code system as people call it: the well-known ones by name, HL7's by their table name,
// others by their URI (shown as text, never as a link).
fn system_name(system: &str) -> String {
    match system {
        "http://snomed.info/sct" => "SNOMED CT".into(),
        "http://loinc.org" => "LOINC".into(),
        "http://www.nlm.nih.gov/research/umls/rxnorm" => "RxNorm".into(),
        "http://hl7.org/fhir/sid/cvx" => "CVX".into(),
        "http://hl7.org/fhir/sid/icd-10-cm" => "ICD-10-CM".into(),
        "http://hl7.org/fhir/sid/icd-10" => "ICD-10".into(),
        "http://hl7.org/fhir/sid/ndc" => "NDC".into(),
        "http://unitsofmeasure.org" => "UCUM".into(),
        other => match other.strip_prefix(HL7_CS) {
            Some(table) => format!("HL7 {table}"),
            None => format!("code system {other}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_without_words_read_as_labels() {
        assert_eq!(code_as_label("on-hold"), "On hold");
        assert_eq!(code_as_label("not-done"), "Not done");
        assert_eq!(code_as_label("ambulatory"), "Ambulatory");
        assert_eq!(code_as_label("WELLNESS"), "Wellness");
        assert_eq!(code_as_label("home_health"), "Home health");
        assert_eq!(code_as_label(""), "");
    }

    #[test]
    fn short_codes_in_capitals_are_kept_as_acronyms() {
        assert_eq!(code_as_label("ICU"), "ICU");
        assert_eq!(code_as_label("EMER"), "EMER");
    }

    #[test]
    fn a_refusal_reason_reads_as_words() {
        let system = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
        assert_eq!(code_in_words(Some(system), "PATOBJ"), "Patient objection");
    }

    #[test]
    fn a_code_outside_the_table_names_its_system_plainly() {
        assert_eq!(
            code_in_words(Some("http://loinc.org"), "8867-4"),
            "8867-4 (LOINC)"
        );
        let hl7 = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
        assert_eq!(code_in_words(Some(hl7), "ZZZ"), "ZZZ (HL7 v3-ActReason)");
        assert_eq!(code_in_words(Some("urn:x"), "1"), "1 (code system urn:x)");
        assert_eq!(code_in_words(None, "abc"), "abc");
    }

    #[test]
    fn identifier_types_read_the_same_under_the_old_and_the_new_uri() {
        assert_eq!(code_in_words(Some(V2_0203), "MR"), "MRN");
        assert_eq!(code_in_words(Some(V2_0203_OLD), "MR"), "MRN");
        assert!(is_v2_0203(Some(V2_0203_OLD)));
    }
}
