//! Coming back to a page whose sign-in is gone: a reload, a duplicated tab or a return through
//! history lands on the signed-in page's address, but the session lived in the old page's
//! memory only. What Bedside says then, and the one thing it remembers to help: which server,
//! and how the launch began. Neither is a secret; tokens, codes and state are never kept.

use super::authorize::LaunchKind;
use super::callback::{parse_callback, CallbackError};
use super::session::Session;
use crate::config::AppConfig;
use crate::fhir::FhirBaseUrl;
use crate::problem::UserFacing;
use serde_json::{json, Value};
use url::Url;

/// What a tab remembers of its last sign-in, in sessionStorage under [`LastLaunch::STORAGE_KEY`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastLaunch {
    /// The FHIR server signed in to.
    pub iss: FhirBaseUrl,
    /// True for a launch from inside an EHR, false for a standalone launch.
    pub from_ehr: bool,
}

impl LastLaunch {
    /// The sessionStorage key.
    pub const STORAGE_KEY: &'static str = "bedside.last-launch";

    /// What to remember of `session`.
    pub fn of(session: &Session) -> LastLaunch {
        LastLaunch {
            iss: session.fhir_base.clone(),
            from_ehr: matches!(session.launch, LaunchKind::Ehr { .. }),
        }
    }

    /// The stored form: `{"iss": …, "kind": "ehr" | "standalone"}`, and nothing else.
    pub fn to_json(&self) -> String {
        let kind = if self.from_ehr { "ehr" } else { "standalone" };
        json!({ "iss": self.iss.to_string(), "kind": kind }).to_string()
    }

    /// Reads the stored form; `None` for anything else (storage is the page's to tamper with).
    pub fn parse(text: &str) -> Option<LastLaunch> {
        let value: Value = serde_json::from_str(text).ok()?;
        let iss = FhirBaseUrl::parse(value.get("iss")?.as_str()?).ok()?;
        let from_ehr = match value.get("kind")?.as_str()? {
            "ehr" => true,
            "standalone" => false,
            _ => return None,
        };
        Some(LastLaunch { iss, from_ehr })
    }
}

/// Whether `url`, the signed-in page's address, holds no answer from a sign-in server: the
/// page was reloaded, duplicated or returned to after its sign-in finished.
pub fn is_return_after_sign_in(url: &Url) -> bool {
    matches!(
        parse_callback(url),
        Err(CallbackError::NoAuthorizationResponse)
    )
}

/// What the returning page offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reentry {
    /// A standalone launch: one click signs in to the same server again.
    SignInAgain {
        /// The server.
        iss: FhirBaseUrl,
        /// Its name for the button.
        name: String,
    },
    /// An EHR launch: only the EHR can launch Bedside for a patient again.
    OpenFromChart,
    /// Nothing remembered (storage cleared, or a copied address): the start page, when it has
    /// servers to offer.
    Unknown {
        /// Whether the start page lists servers to choose from.
        start_page: bool,
    },
}

/// Decides from what the tab remembers (the stored text, if any) and the configuration. A
/// remembered standalone server no longer offered for standalone launch counts as unknown.
pub fn reentry(remembered: Option<&str>, config: &AppConfig) -> Reentry {
    let start_page = config.standalone_servers().next().is_some();
    match remembered.and_then(LastLaunch::parse) {
        Some(LastLaunch { from_ehr: true, .. }) => Reentry::OpenFromChart,
        Some(LastLaunch { iss, .. }) => match config.server(&iss) {
            Some(server) if server.standalone => Reentry::SignInAgain {
                name: server.label(),
                iss,
            },
            None if config.other_servers.is_some() => Reentry::SignInAgain {
                name: iss.to_string(),
                iss,
            },
            _ => Reentry::Unknown { start_page },
        },
        None => Reentry::Unknown { start_page },
    }
}

impl UserFacing for Reentry {
    fn title(&self) -> String {
        "Your access to the record has ended".into()
    }

    fn message(&self) -> String {
        "Bedside keeps its access to the record only in this page's memory, never on disk, so \
         it ended when the page was reloaded, copied to a new tab or opened again from the \
         browser's history."
            .into()
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            Reentry::SignInAgain { name, .. } => {
                format!("Sign in again to {name} to see the record.")
            }
            Reentry::OpenFromChart => {
                "Open Bedside again from the patient's chart in your EHR.".into()
            }
            Reentry::Unknown { start_page: true } => {
                "Open Bedside again from your EHR, or choose a server on the start page.".into()
            }
            Reentry::Unknown { start_page: false } => {
                "Open Bedside again from the patient's chart in your EHR.".into()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> AppConfig {
        let text = format!(
            r#"{{"servers": [
                {{"iss": "https://ehr.example/fhir", "name": "Example EHR", "client_id": "c"}},
                {{"iss": "https://chart.example/fhir", "client_id": "c", "standalone": false}}
            ]{extra}}}"#
        );
        AppConfig::parse(&text, &Url::parse("https://app.example/").unwrap()).unwrap()
    }

    fn remembered(iss: &str, kind: &str) -> String {
        format!(r#"{{"iss": "{iss}", "kind": "{kind}"}}"#)
    }

    #[test]
    fn the_signed_in_address_without_an_answer_is_a_return_after_sign_in() {
        let at = |text: &str| is_return_after_sign_in(&Url::parse(text).unwrap());
        assert!(at("https://app.example/callback"));
        assert!(at("https://app.example/callback?debug=1"));
        assert!(!at("https://app.example/callback?code=c&state=s"));
        assert!(!at("https://app.example/callback?error=access_denied"));
    }

    #[test]
    fn a_reloaded_standalone_launch_offers_to_sign_in_again_to_the_same_server() {
        let stored = remembered("https://ehr.example/fhir", "standalone");
        assert_eq!(
            reentry(Some(&stored), &config("")),
            Reentry::SignInAgain {
                iss: FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
                name: "Example EHR".into()
            }
        );
    }

    #[test]
    fn a_reloaded_ehr_launch_says_to_open_bedside_from_the_chart() {
        let stored = remembered("https://chart.example/fhir", "ehr");
        let decision = reentry(Some(&stored), &config(""));
        assert_eq!(decision, Reentry::OpenFromChart);
        assert_eq!(
            decision.hint().unwrap(),
            "Open Bedside again from the patient's chart in your EHR."
        );
    }

    #[test]
    fn a_server_no_longer_offered_for_standalone_launch_is_not_signed_in_to_again() {
        let stored = remembered("https://chart.example/fhir", "standalone");
        assert_eq!(
            reentry(Some(&stored), &config("")),
            Reentry::Unknown { start_page: true }
        );
        let unlisted = remembered("https://other.example/fhir", "standalone");
        assert_eq!(
            reentry(Some(&unlisted), &config("")),
            Reentry::Unknown { start_page: true }
        );
    }

    #[test]
    fn a_typed_in_server_is_signed_in_to_again_where_typed_in_servers_are_allowed() {
        let unlisted = remembered("https://other.example/fhir", "standalone");
        let decision = reentry(
            Some(&unlisted),
            &config(r#", "other_servers": {"client_id": "o"}"#),
        );
        assert!(
            matches!(decision, Reentry::SignInAgain { .. }),
            "{decision:?}"
        );
    }

    #[test]
    fn nothing_or_garbage_remembered_leads_to_the_start_page_not_an_error() {
        for stored in [None, Some("{"), Some(r#"{"iss": "x", "kind": "ehr"}"#)] {
            assert_eq!(
                reentry(stored, &config("")),
                Reentry::Unknown { start_page: true },
                "{stored:?}"
            );
        }
    }

    #[test]
    fn the_message_says_access_lived_in_the_page_and_uses_no_sign_in_jargon() {
        let message = Reentry::OpenFromChart.message();
        assert!(message.contains("only in this page's memory"), "{message}");
        for jargon in [
            "token",
            "state",
            "authorization",
            "callback",
            "sign-in server",
        ] {
            assert!(!message.contains(jargon), "{jargon} in {message}");
        }
    }

    #[test]
    fn what_is_remembered_is_the_server_and_the_launch_kind_only() {
        let last = LastLaunch {
            iss: FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
            from_ehr: false,
        };
        let value: Value = serde_json::from_str(&last.to_json()).unwrap();
        assert_eq!(
            value,
            json!({"iss": "https://ehr.example/fhir", "kind": "standalone"})
        );
        assert_eq!(LastLaunch::parse(&last.to_json()), Some(last));
    }
}
