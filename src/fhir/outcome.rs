//! OperationOutcome (FHIR R4 §2.38) and the typed ways a FHIR read can fail, each with the
//! server's own explanation when it sent one.

use super::code_words::sentence_start;
use super::datatypes::{non_blank, CodeableConcept};
use crate::http::{FailureKind, HttpResult};
use crate::problem::UserFacing;
use serde::Deserialize;
use thiserror::Error;

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct OperationOutcome {
    resource_type: Option<String>,
    issue: Vec<Issue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Issue {
    details: Option<CodeableConcept>,
    diagnostics: Option<String>,
}

/// The first readable explanation in an OperationOutcome body, if the body is one.
pub fn outcome_text(body: &str) -> Option<String> {
    // Typed from a JSON value, as every resource is, so the typed reader is compiled once.
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let outcome = OperationOutcome::deserialize(&value).ok()?;
    if outcome.resource_type.as_deref() != Some("OperationOutcome") {
        return None;
    }
    outcome.issue.iter().find_map(|issue| {
        issue
            .details
            .as_ref()
            .and_then(CodeableConcept::display)
            .or_else(|| non_blank(issue.diagnostics.as_deref()))
    })
}

/// Why reading a FHIR resource failed. `what` names the thing being read ("the patient record").
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FhirReadError {
    /// No response: the server is down, or it did not allow this app's origin (CORS).
    #[error("no response while reading {what}")]
    Network {
        /// What was being read.
        what: String,
        /// The server's origin.
        origin: String,
    },
    /// No answer within the deadline: the request was abandoned.
    #[error("no answer in {seconds} s while reading {what}")]
    TimedOut {
        /// What was being read.
        what: String,
        /// The server's origin.
        origin: String,
        /// The deadline.
        seconds: u32,
    },
    /// The server answered with a redirect, which a request carrying the access token never
    /// follows: the token could reach whatever the server pointed to.
    #[error("redirected while reading {what}")]
    Redirected {
        /// What was being read.
        what: String,
        /// The server's origin.
        origin: String,
    },
    /// The browser refused to build the request.
    #[error("request for {what} not sendable: {detail}")]
    Unsendable {
        /// What was being read.
        what: String,
        /// The browser's words.
        detail: String,
    },
    /// 401: the access token was refused.
    #[error("401 while reading {what}")]
    Unauthorized {
        /// What was being read.
        what: String,
        /// The OperationOutcome text, if any.
        server_says: Option<String>,
    },
    /// 403: the token does not allow this read.
    #[error("403 while reading {what}")]
    Forbidden {
        /// What was being read.
        what: String,
        /// The OperationOutcome text, if any.
        server_says: Option<String>,
    },
    /// 404 or 410.
    #[error("{status} while reading {what}")]
    NotFound {
        /// What was being read.
        what: String,
        /// 404 or 410.
        status: u16,
        /// The OperationOutcome text, if any.
        server_says: Option<String>,
    },
    /// Any other non-2xx status.
    #[error("{status} while reading {what}")]
    Status {
        /// What was being read.
        what: String,
        /// The HTTP status.
        status: u16,
        /// The OperationOutcome text, if any.
        server_says: Option<String>,
    },
    /// A 2xx whose body is not the expected resource.
    #[error("malformed {what}: {detail}")]
    Malformed {
        /// What was being read.
        what: String,
        /// What was wrong with it.
        detail: String,
    },
}

/// Turns a read's outcome into its body or a typed error.
pub fn check_read(what: &str, origin: &str, result: HttpResult) -> Result<String, FhirReadError> {
    let response = result.map_err(|failure| {
        let (what, origin) = (what.to_owned(), origin.to_owned());
        match failure.kind {
            FailureKind::Unreachable => FhirReadError::Network { what, origin },
            FailureKind::TimedOut { seconds } => FhirReadError::TimedOut {
                what,
                origin,
                seconds,
            },
            FailureKind::Redirected => FhirReadError::Redirected { what, origin },
            FailureKind::Unsendable => FhirReadError::Unsendable {
                what,
                detail: failure.detail,
            },
        }
    })?;
    if response.is_success() {
        return Ok(response.body);
    }
    let what = what.to_owned();
    let server_says = outcome_text(&response.body);
    Err(match response.status {
        401 => FhirReadError::Unauthorized { what, server_says },
        403 => FhirReadError::Forbidden { what, server_says },
        status @ (404 | 410) => FhirReadError::NotFound {
            what,
            status,
            server_says,
        },
        status => FhirReadError::Status {
            what,
            status,
            server_says,
        },
    })
}

fn with_server_words(sentence: String, server_says: &Option<String>) -> String {
    match server_says {
        Some(words) => format!("{sentence} The server said: \u{201c}{words}\u{201d}"),
        None => sentence,
    }
}

impl UserFacing for FhirReadError {
    fn title(&self) -> String {
        match self {
            FhirReadError::Network { .. } | FhirReadError::TimedOut { .. } => {
                "The health record server did not answer".into()
            }
            FhirReadError::Redirected { .. } => "The server sent this request elsewhere".into(),
            FhirReadError::Unsendable { .. } => "Bedside could not send a request".into(),
            FhirReadError::Unauthorized { .. } => "Your access has expired".into(),
            FhirReadError::Forbidden { .. } => "Access was not granted".into(),
            FhirReadError::NotFound { .. } => "Record not found".into(),
            FhirReadError::Status { .. } => "The health record server reported an error".into(),
            FhirReadError::Malformed { .. } => "The server sent data Bedside cannot read".into(),
        }
    }

    fn message(&self) -> String {
        match self {
            FhirReadError::Network { what, origin } => format!(
                "Reading {what} from {origin} failed before any answer arrived. Either the \
                 server is unreachable, or it did not allow this app's origin (CORS)."
            ),
            FhirReadError::TimedOut {
                what,
                origin,
                seconds,
            } => format!(
                "{origin} did not answer in {seconds} seconds while Bedside was reading {what}, \
                 so Bedside stopped waiting."
            ),
            FhirReadError::Redirected { what, origin } => format!(
                "{origin} sent the request for {what} elsewhere. Bedside did not follow, so your \
                 access stays with this server."
            ),
            FhirReadError::Unsendable { what, detail } => {
                format!("The browser refused to send the request for {what}: {detail}.")
            }
            FhirReadError::Unauthorized { what, server_says } => with_server_words(
                format!("The server refused the access token while reading {what}."),
                server_says,
            ),
            FhirReadError::Forbidden { what, server_says } => with_server_words(
                format!("This launch does not allow reading {what}."),
                server_says,
            ),
            FhirReadError::NotFound {
                what, server_says, ..
            } => with_server_words(
                format!("{} was not found on the server.", sentence_start(what)),
                server_says,
            ),
            FhirReadError::Status {
                what,
                status,
                server_says,
            } => with_server_words(
                format!("Reading {what} failed with HTTP status {status}."),
                server_says,
            ),
            FhirReadError::Malformed { what, detail } => {
                format!("The server's answer for {what} is not valid FHIR: {detail}.")
            }
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            FhirReadError::Network { .. } => Some(
                "Check that the server is running and lists this app's address among its \
                 allowed origins."
                    .into(),
            ),
            FhirReadError::TimedOut { .. } => Some(
                "Try again: only this part is asked for again. If it keeps happening, the \
                 server may be overloaded."
                    .into(),
            ),
            FhirReadError::Unauthorized { .. } => {
                Some("Open Bedside again from your EHR, or start again to sign in anew.".into())
            }
            FhirReadError::Forbidden { .. } => Some(
                "Ask your administrator to allow this app to read the record, or launch it again \
                 and allow access."
                    .into(),
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpResponse, NetworkFailure};

    fn response(status: u16, body: &str) -> HttpResult {
        Ok(HttpResponse {
            status,
            content_type: Some("application/fhir+json".into()),
            body: body.into(),
        })
    }

    const OUTCOME: &str = r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error",
        "code":"forbidden","diagnostics":"Scope patient/Patient.rs is required"}]}"#;

    #[test]
    fn outcome_text_prefers_details_then_diagnostics() {
        assert_eq!(
            outcome_text(OUTCOME).as_deref(),
            Some("Scope patient/Patient.rs is required")
        );
        let with_details = r#"{"resourceType":"OperationOutcome","issue":[{"details":{"text":"Gone"},"diagnostics":"x"}]}"#;
        assert_eq!(outcome_text(with_details).as_deref(), Some("Gone"));
        assert_eq!(outcome_text(r#"{"resourceType":"Patient"}"#), None);
        assert_eq!(outcome_text("<html>"), None);
    }

    #[test]
    fn a_403_carries_the_servers_words_into_the_message() {
        let error =
            check_read("the patient record", "https://ehr", response(403, OUTCOME)).unwrap_err();
        assert!(matches!(error, FhirReadError::Forbidden { .. }));
        assert!(error
            .message()
            .contains("Scope patient/Patient.rs is required"));
    }

    #[test]
    fn a_failed_fetch_is_explained_as_unreachable_or_cors() {
        let failed = Err(NetworkFailure::unreachable("TypeError: Failed to fetch"));
        let error = check_read("the patient record", "https://ehr.example", failed).unwrap_err();
        assert!(error.message().contains("CORS"));
        assert!(error.message().contains("https://ehr.example"));
    }

    #[test]
    fn a_missing_record_is_named_in_a_whole_sentence() {
        let error = check_read("the patient record", "o", response(404, "")).unwrap_err();
        assert_eq!(
            error.message(),
            "The patient record was not found on the server."
        );
    }

    #[test]
    fn a_read_abandoned_at_the_deadline_says_how_long_bedside_waited() {
        let late = Err(NetworkFailure::new(
            FailureKind::TimedOut { seconds: 30 },
            "AbortError",
        ));
        let error = check_read("the problem list", "https://ehr.example", late).unwrap_err();
        assert!(matches!(error, FhirReadError::TimedOut { seconds: 30, .. }));
        assert!(
            error.message().contains("did not answer in 30 seconds")
                && error.message().contains("the problem list"),
            "{}",
            error.message()
        );
        assert!(!error.message().contains("CORS"), "{}", error.message());
    }

    #[test]
    fn a_redirected_read_says_it_was_not_followed() {
        let redirected = Err(NetworkFailure::new(
            FailureKind::Redirected,
            "opaqueredirect",
        ));
        let error = check_read("the problem list", "https://ehr.example", redirected).unwrap_err();
        assert_eq!(error.title(), "The server sent this request elsewhere");
        assert!(
            error
                .message()
                .contains("Bedside did not follow, so your access stays with this server"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn statuses_map_to_their_kinds() {
        let kind = |s| check_read("x", "o", response(s, "")).unwrap_err();
        assert!(matches!(kind(401), FhirReadError::Unauthorized { .. }));
        assert!(matches!(kind(404), FhirReadError::NotFound { .. }));
        assert!(matches!(kind(410), FhirReadError::NotFound { .. }));
        assert!(matches!(
            kind(500),
            FhirReadError::Status { status: 500, .. }
        ));
        assert_eq!(check_read("x", "o", response(200, "{}")).unwrap(), "{}");
    }
}
