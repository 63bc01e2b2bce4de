//! The Patient resource (FHIR R4 §8.1), parsed from a read response.

use super::datatypes::{lenient, lenient_list, ContactPoint, HumanName, Identifier};
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
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    /// Names, in the server's order.
    #[serde(deserialize_with = "lenient_list")]
    pub name: Vec<HumanName>,
    /// male | female | other | unknown.
    #[serde(deserialize_with = "lenient")]
    pub gender: Option<String>,
    /// As written, possibly partial.
    #[serde(deserialize_with = "lenient")]
    pub birth_date: Option<String>,
    /// Set when the patient has died.
    #[serde(deserialize_with = "lenient")]
    pub deceased_boolean: Option<bool>,
    /// When the patient died.
    #[serde(deserialize_with = "lenient")]
    pub deceased_date_time: Option<String>,
    /// MRN and other identifiers.
    #[serde(deserialize_with = "lenient_list")]
    pub identifier: Vec<Identifier>,
    /// Phone, e-mail.
    #[serde(deserialize_with = "lenient_list")]
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

/// A patient read that ends the summary: the patient in the launch context is not on the
/// server (404, 410) or may not be read (403). Showing the sections anyway would present an
/// empty record as this patient's, so the summary stops on one page naming the id and server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientUnavailable {
    /// The patient id the launch named.
    pub id: String,
    /// The FHIR server that was asked.
    pub server: String,
    /// 403, 404 or 410.
    pub status: u16,
    /// The OperationOutcome text, if any.
    pub server_says: Option<String>,
}

impl PatientUnavailable {
    /// The stop for a failed read of patient `id` on `server`; `None` for failures that leave
    /// the record itself in doubt only for now (network, 5xx, 401: access ended) or that are
    /// not about the patient's existence (a malformed body).
    pub fn from_read(error: &FhirReadError, id: &str, server: &str) -> Option<Self> {
        let (status, server_says) = match error {
            FhirReadError::NotFound {
                status,
                server_says,
                ..
            } => (*status, server_says),
            FhirReadError::Forbidden { server_says, .. } => (403, server_says),
            _ => return None,
        };
        Some(PatientUnavailable {
            id: id.to_owned(),
            server: server.to_owned(),
            status,
            server_says: server_says.clone(),
        })
    }
}

impl crate::problem::UserFacing for PatientUnavailable {
    fn title(&self) -> String {
        match self.status {
            403 => "This patient's record may not be opened".into(),
            _ => "Patient not found".into(),
        }
    }

    fn message(&self) -> String {
        let (id, server) = (&self.id, &self.server);
        let sentence = match self.status {
            403 => format!(
                "The server {server} does not allow this launch to read patient \u{201c}{id}\u{201d} \
                 (HTTP 403), so no part of the record is shown."
            ),
            410 => format!(
                "The server {server} no longer holds patient \u{201c}{id}\u{201d} (HTTP 410: the \
                 record was removed), so there is no record to summarize."
            ),
            status => format!(
                "The server {server} has no patient \u{201c}{id}\u{201d} (HTTP {status}), so there \
                 is no record to summarize."
            ),
        };
        match &self.server_says {
            Some(words) => format!("{sentence} The server said: \u{201c}{words}\u{201d}"),
            None => sentence,
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            "Open Bedside again from the patient's chart in your EHR. If this keeps happening, \
             tell the EHR's administrators which patient id the launch sent."
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::UserFacing;

    fn read_error(status: u16) -> FhirReadError {
        let response = crate::http::HttpResponse {
            status,
            content_type: None,
            body: String::new(),
        };
        patient_from_read("https://ehr.example", Ok(response)).unwrap_err()
    }

    #[test]
    fn a_patient_the_server_does_not_hold_stops_the_summary_naming_id_and_server() {
        for status in [404, 410] {
            let stop = PatientUnavailable::from_read(
                &read_error(status),
                "p-9",
                "https://ehr.example/fhir",
            )
            .unwrap();
            assert_eq!(stop.title(), "Patient not found");
            assert!(
                stop.message().contains("\u{201c}p-9\u{201d}"),
                "{}",
                stop.message()
            );
            assert!(stop.message().contains("https://ehr.example/fhir"));
        }
    }

    #[test]
    fn a_patient_that_may_not_be_read_stops_the_summary_too() {
        let stop = PatientUnavailable::from_read(&read_error(403), "p-9", "s").unwrap();
        assert!(stop.message().contains("HTTP 403"));
    }

    #[test]
    fn a_server_error_or_an_ended_access_does_not_claim_the_patient_is_missing() {
        for status in [401, 500, 503] {
            assert_eq!(
                PatientUnavailable::from_read(&read_error(status), "p", "s"),
                None
            );
        }
    }

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
    fn a_wrongly_shaped_element_is_missing_and_the_rest_read() {
        let body = r#"{"resourceType":"Patient","name":"Alice","gender":"female"}"#;
        let patient = Patient::from_json(body).unwrap();
        assert!(patient.name.is_empty());
        assert_eq!(patient.gender.as_deref(), Some("female"));
    }

    #[test]
    fn a_body_that_is_not_json_is_malformed() {
        assert!(matches!(
            Patient::from_json("<html>"),
            Err(PatientParseError::Malformed(_))
        ));
    }
}
