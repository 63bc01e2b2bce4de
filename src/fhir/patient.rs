//! The Patient resource (FHIR R4 §8.1), parsed from a read response.

use super::datatypes::{ContactPoint, HumanName, Identifier};
use super::date::FhirDate;
use super::outcome::{check_read, FhirReadError};
use crate::http::HttpResult;
use serde::Deserialize;
use serde_json::Value;

/// The elements of Patient that the banner shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Patient {
    /// Logical id.
    pub id: Option<String>,
    /// Names, in the server's order.
    pub name: Vec<HumanName>,
    /// male | female | other | unknown.
    pub gender: Option<String>,
    /// As written, possibly partial.
    pub birth_date: Option<String>,
    /// Set when the patient has died.
    pub deceased_boolean: Option<bool>,
    /// When the patient died.
    pub deceased_date_time: Option<String>,
    /// MRN and other identifiers.
    pub identifier: Vec<Identifier>,
    /// Phone, e-mail.
    pub telecom: Vec<ContactPoint>,
}

/// Why a response body is not a usable Patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientParseError {
    /// Not JSON, or an element of the wrong shape; carries the parser's words.
    Malformed(String),
    /// Valid JSON of another resource type.
    WrongResourceType(String),
}

impl Patient {
    /// Parses a Patient JSON body, checking `resourceType`.
    pub fn from_json(body: &str) -> Result<Self, PatientParseError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Envelope {
            resource_type: Option<String>,
        }
        // Read as a JSON value first, then typed from it: the app reads every other resource
        // from values too, so the typed readers are compiled once (a smaller wasm).
        let malformed = |e: serde_json::Error| PatientParseError::Malformed(e.to_string());
        let value: Value = serde_json::from_str(body).map_err(malformed)?;
        let envelope = Envelope::deserialize(&value).map_err(malformed)?;
        match envelope.resource_type.as_deref() {
            Some("Patient") => {}
            other => {
                return Err(PatientParseError::WrongResourceType(
                    other.unwrap_or("(none)").to_owned(),
                ))
            }
        }
        Patient::deserialize(&value).map_err(malformed)
    }

    /// The birth date, if written validly.
    pub fn birth(&self) -> Option<FhirDate> {
        self.birth_date.as_deref().and_then(FhirDate::parse)
    }
}

const WHAT: &str = "the patient record";

/// Interprets the answer to `GET Patient/{id}`.
pub fn patient_from_read(origin: &str, result: HttpResult) -> Result<Patient, FhirReadError> {
    let body = check_read(WHAT, origin, result)?;
    Patient::from_json(&body).map_err(|error| FhirReadError::Malformed {
        what: WHAT.into(),
        detail: match error {
            PatientParseError::Malformed(detail) => detail,
            PatientParseError::WrongResourceType(found) => {
                format!("expected a Patient, found {found}")
            }
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patient_body_parses_with_unknown_elements_ignored() {
        let body = r#"{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-03",
            "name":[{"family":"Ångström","given":["Zoë"]}],"extension":[{"url":"x"}]}"#;
        let patient = Patient::from_json(body).unwrap();
        assert_eq!(patient.name[0].given, vec!["Zoë"]);
        assert_eq!(patient.birth().unwrap().to_string(), "Mar 1980");
    }

    #[test]
    fn another_resource_type_is_refused_by_name() {
        assert_eq!(
            Patient::from_json(r#"{"resourceType":"OperationOutcome"}"#),
            Err(PatientParseError::WrongResourceType(
                "OperationOutcome".into()
            ))
        );
    }

    #[test]
    fn a_read_answering_another_resource_is_malformed_and_names_it() {
        let result = Ok(crate::http::HttpResponse {
            status: 200,
            content_type: None,
            body: r#"{"resourceType":"Bundle"}"#.into(),
        });
        let error = patient_from_read("https://ehr", result).unwrap_err();
        assert!(
            matches!(error, FhirReadError::Malformed { ref detail, .. } if detail.contains("Bundle"))
        );
    }

    #[test]
    fn a_wrongly_shaped_element_is_reported_as_malformed() {
        let body = r#"{"resourceType":"Patient","name":"Alice"}"#;
        assert!(matches!(
            Patient::from_json(body),
            Err(PatientParseError::Malformed(_))
        ));
    }
}
