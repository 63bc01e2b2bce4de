//! The patient banner: who this is, at a glance (name, age, gender, identifiers), following
//! the SMART "context-banner" expectation that the app identifies the patient when the EHR does
//! not.

use crate::fhir::code_words::is_v2_0203;
use crate::fhir::datatypes::{non_blank, HumanName, Identifier};
use crate::fhir::date::FhirDate;
use crate::fhir::patient::Patient;
use crate::sort;

/// One identifier line, e.g. `MRN` / `MRN-104233`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierLine {
    /// What kind of identifier.
    pub label: String,
    /// Its value.
    pub value: String,
}

/// Everything the banner shows, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    /// The display name, or "Name not recorded".
    pub name: String,
    /// Birth date as precisely as recorded.
    pub birth_date: Option<String>,
    /// Age, e.g. "46 y" or "about 45 y".
    pub age: Option<String>,
    /// Administrative gender, capitalized.
    pub gender: Option<String>,
    /// "Deceased" with the date when known.
    pub deceased: Option<String>,
    /// Identifiers, MRN first.
    pub identifiers: Vec<IdentifierLine>,
    /// The first phone number or e-mail address.
    pub contact: Option<String>,
}

/// Builds the banner; `today` comes from the shell's clock.
pub fn banner(patient: &Patient, today: FhirDate) -> Banner {
    let birth = patient.birth();
    let death = patient
        .deceased_date_time
        .as_deref()
        .and_then(FhirDate::parse);
    let age_reference = death.unwrap_or(today);
    Banner {
        name: HumanName::preferred_text(&patient.name)
            .unwrap_or_else(|| "Name not recorded".into()),
        birth_date: birth.map(|b| b.to_string()),
        age: birth.and_then(|b| b.age_on(age_reference)).map(|age| {
            let prefix = if age.approximate { "about " } else { "" };
            format!("{prefix}{} y", age.years)
        }),
        gender: patient.gender.as_deref().and_then(gender_label),
        deceased: match (death, patient.deceased_boolean) {
            (Some(date), _) => Some(format!("Deceased {date}")),
            (None, Some(true)) => Some("Deceased".into()),
            _ => None,
        },
        identifiers: identifier_lines(&patient.identifier),
        contact: patient
            .telecom
            .iter()
            .filter(|t| matches!(t.system.as_deref(), Some("phone") | Some("email")))
            .find_map(|t| non_blank(t.value.as_deref())),
    }
}

fn gender_label(code: &str) -> Option<String> {
    match code {
        "male" => Some("Male".into()),
        "female" => Some("Female".into()),
        "other" => Some("Other".into()),
        "unknown" => Some("Unknown".into()),
        _ => None,
    }
}

fn identifier_lines(identifiers: &[Identifier]) -> Vec<IdentifierLine> {
    let mut lines: Vec<(bool, IdentifierLine)> = identifiers
        .iter()
        .filter(|id| id.identifier_use.as_deref() != Some("old"))
        .filter_map(|id| {
            let value = non_blank(id.value.as_deref())?;
            // The identifier-type table under its R4 URI or the DSTU2/STU3 one older servers
            // still write (`http://hl7.org/fhir/v2/0203`).
            let is_mrn = id.kind.as_ref().is_some_and(|k| {
                k.coding
                    .iter()
                    .any(|c| is_v2_0203(c.system.as_deref()) && c.code.as_deref() == Some("MR"))
            });
            let label = if is_mrn {
                "MRN".to_owned()
            } else {
                id.kind
                    .as_ref()
                    .and_then(|k| k.display())
                    .unwrap_or_else(|| "ID".into())
            };
            Some((is_mrn, IdentifierLine { label, value }))
        })
        .collect();
    // A stable sort keeps the server's order among the rest.
    sort::sort_by_key(&mut lines, |(is_mrn, _)| !is_mrn);
    // One value is shown once, under its first label (the MRN's): Synthea writes its record
    // id twice, typed MR and untyped, and two identical numbers read as two records.
    let mut shown: Vec<IdentifierLine> = Vec::new();
    for (_, line) in lines {
        if !shown.iter().any(|s| s.value == line.value) {
            shown.push(line);
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> FhirDate {
        FhirDate::ymd(2026, 11, 29)
    }

    fn patient(json: &str) -> Patient {
        Patient::from_json(json).unwrap()
    }

    // Every Synthea patient, e.g. Kristie Effertz: the Synthea identifier and the MR-typed
    // identifier carry the same value.
    #[test]
    fn an_identifier_with_the_mrns_value_is_not_shown_again() {
        let p = patient(
            r#"{"resourceType":"Patient","identifier":[
              {"system":"https://github.com/synthetichealth/synthea","value":"de5629af"},
              {"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
               "system":"http://hospital.smarthealthit.org","value":"de5629af"},
              {"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"SS"}],"text":"Social Security Number"},
               "system":"http://hl7.org/fhir/sid/us-ssn","value":"999-51-9038"}]}"#,
        );
        let lines: Vec<(String, String)> = banner(&p, today())
            .identifiers
            .into_iter()
            .map(|l| (l.label, l.value))
            .collect();
        assert_eq!(
            lines,
            [
                ("MRN".to_owned(), "de5629af".to_owned()),
                (
                    "Social Security Number".to_owned(),
                    "999-51-9038".to_owned()
                )
            ]
        );
    }

    #[test]
    fn the_official_name_wins_over_usual_and_first() {
        let p = patient(
            r#"{"resourceType":"Patient","name":[
              {"use":"nickname","given":["Zo"]},
              {"use":"usual","given":["Zoe"],"family":"A"},
              {"use":"official","prefix":["Dr."],"given":["Zoë","Marie"],"family":"Ångström","suffix":["PhD"]}]}"#,
        );
        assert_eq!(banner(&p, today()).name, "Dr. Zoë Marie Ångström PhD");
    }

    #[test]
    fn the_usual_name_wins_when_there_is_no_official_one() {
        let p = patient(
            r#"{"resourceType":"Patient","name":[{"given":["First"]},{"use":"usual","given":["Usual"]}]}"#,
        );
        assert_eq!(banner(&p, today()).name, "Usual");
    }

    #[test]
    fn a_text_only_name_is_shown_as_written() {
        let p = patient(r#"{"resourceType":"Patient","name":[{"text":"山田 太郎"}]}"#);
        assert_eq!(banner(&p, today()).name, "山田 太郎");
    }

    #[test]
    fn a_patient_without_optional_fields_gets_a_plain_banner() {
        let b = banner(&patient(r#"{"resourceType":"Patient"}"#), today());
        assert_eq!(b.name, "Name not recorded");
        assert_eq!((b.birth_date, b.age, b.gender), (None, None, None));
        assert!(b.identifiers.is_empty());
    }

    #[test]
    fn age_and_birth_date_follow_the_recorded_precision() {
        let p = patient(r#"{"resourceType":"Patient","birthDate":"1980-03-12","gender":"female"}"#);
        let b = banner(&p, today());
        assert_eq!(b.birth_date.as_deref(), Some("12 Mar 1980"));
        assert_eq!(b.age.as_deref(), Some("46 y"));
        assert_eq!(b.gender.as_deref(), Some("Female"));
        let year_only = banner(
            &patient(r#"{"resourceType":"Patient","birthDate":"1980"}"#),
            today(),
        );
        assert_eq!(year_only.age.as_deref(), Some("about 45 y"));
    }

    #[test]
    fn a_deceased_patients_age_stops_at_death() {
        let p = patient(
            r#"{"resourceType":"Patient","birthDate":"1950-01-01","deceasedDateTime":"2020-06-01T10:00:00Z"}"#,
        );
        let b = banner(&p, today());
        assert_eq!(b.deceased.as_deref(), Some("Deceased 1 Jun 2020"));
        assert_eq!(b.age.as_deref(), Some("70 y"));
    }

    #[test]
    fn the_mrn_comes_first_among_identifiers() {
        let p = patient(
            r#"{"resourceType":"Patient","identifier":[
              {"type":{"text":"Driver's license"},"value":"D123"},
              {"use":"old","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"value":"OLD-1"},
              {"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"value":"MRN-1"},
              {"system":"urn:x","value":"  "}]}"#,
        );
        let lines = banner(&p, today()).identifiers;
        assert_eq!(
            lines,
            vec![
                IdentifierLine {
                    label: "MRN".into(),
                    value: "MRN-1".into()
                },
                IdentifierLine {
                    label: "Driver's license".into(),
                    value: "D123".into()
                },
            ]
        );
    }

    #[test]
    fn an_mrn_under_the_old_identifier_type_uri_is_labelled_mrn() {
        let p = patient(
            r#"{"resourceType":"Patient","identifier":[
              {"type":{"coding":[{"system":"http://hl7.org/fhir/v2/0203","code":"DL"}]},"value":"D9"},
              {"type":{"coding":[{"system":"http://hl7.org/fhir/v2/0203","code":"MR"}],"text":"Medical Record Number"},"value":"M1"}]}"#,
        );
        let lines = banner(&p, today()).identifiers;
        assert_eq!(lines[0].label, "MRN");
        assert_eq!(lines[0].value, "M1");
        assert_eq!(lines[1].label, "Driver's license");
    }

    #[test]
    fn hostile_markup_in_a_name_stays_text() {
        let p = patient(
            r#"{"resourceType":"Patient","name":[{"given":["<b>Bold</b>"],"family":"& \"quotes\""}]}"#,
        );
        assert_eq!(banner(&p, today()).name, "<b>Bold</b> & \"quotes\"");
    }
}
