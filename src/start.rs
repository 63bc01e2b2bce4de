//! The standalone start page's view model: the configured servers to pick from, the signed-out
//! notice, the connecting line and a problem, with every word the page shows. The browser shell
//! draws it (`browser::start_page`), the same way in the light page and in the whole app.

use crate::config::AppConfig;
use crate::fhir::FhirBaseUrl;
use crate::problem::Problem;
use crate::route::is_signed_out;
use crate::smart::launch::LaunchError;
use url::Url;

/// The page's heading.
pub const TITLE: &str = "Bedside";
/// What Bedside is and what happens next.
pub const LEDE: &str = "A patient summary for SMART on FHIR servers. Choose where the record \
                        lives; the server will ask you to sign in and pick a patient.";
/// Said once after signing out (`route::signed_out_url`).
pub const SIGNED_OUT: &str =
    "You have signed out: Bedside no longer holds any access to the record.";
/// Shown until `config.json` has arrived.
pub const LOADING: &str = "Loading configuration\u{2026}";
/// Above the configured servers.
pub const SERVERS_HEADING: &str = "Servers";
/// The label of the field for a server that is not listed.
pub const OTHER_SERVER: &str = "Another FHIR server";
/// The field's example.
pub const OTHER_SERVER_EXAMPLE: &str = "https://fhir.example.org/r4";
/// The field's button.
pub const CONNECT: &str = "Connect";

/// A configured server offered for a standalone launch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerChoice {
    /// The name shown (the issuer when the configuration names none).
    pub label: String,
    /// The FHIR base URL the launch starts with.
    pub iss: String,
}

/// What the page offers, which depends on the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picker {
    /// `config.json` has not arrived yet.
    Loading,
    /// Without a configuration there is nothing to sign in to.
    Unavailable(Problem),
    /// The listed servers, and the field for another one.
    Ready(Vec<ServerChoice>),
}

/// Everything the start page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartView {
    /// The address says the user has just signed out.
    pub signed_out: bool,
    /// The servers, or why there are none.
    pub picker: Picker,
    /// The server a launch is being started with.
    pub connecting: Option<FhirBaseUrl>,
    /// Why the last attempt did not start.
    pub problem: Option<Problem>,
}

impl StartView {
    /// The page at `url`, before the configuration has arrived.
    pub fn new(url: &Url) -> Self {
        StartView {
            signed_out: is_signed_out(url),
            picker: Picker::Loading,
            connecting: None,
            problem: None,
        }
    }

    /// The page once `config.json` has been read (or could not be).
    pub fn configured(&mut self, config: Result<&AppConfig, Problem>) {
        self.picker = match config {
            Ok(config) => Picker::Ready(
                config
                    .standalone_servers()
                    .map(|server| ServerChoice {
                        label: server.label(),
                        iss: server.iss.to_string(),
                    })
                    .collect(),
            ),
            Err(problem) => Picker::Unavailable(problem),
        };
    }

    /// The user asked to sign in at `text` (a listed server's issuer or a typed address). The
    /// issuer to launch with, or `None` when there is nothing to start: no configuration, a
    /// launch already under way, or an address that is no FHIR base URL (then said as a
    /// problem). Whether the server is allowed is the launch's own first step.
    pub fn connect(&mut self, text: &str) -> Option<FhirBaseUrl> {
        if !matches!(self.picker, Picker::Ready(_)) || self.connecting.is_some() {
            return None;
        }
        self.problem = None;
        match FhirBaseUrl::parse(text) {
            Ok(iss) => {
                self.connecting = Some(iss.clone());
                Some(iss)
            }
            Err(error) => {
                let reason = error.to_string();
                self.problem = Some(LaunchError::BadIssuer { reason }.into());
                None
            }
        }
    }

    /// The launch did not start: the choice is open again, with the reason.
    pub fn failed(&mut self, problem: Problem) {
        self.connecting = None;
        self.problem = Some(problem);
    }

    /// Whether the servers and the connect button can be used now.
    pub fn choosable(&self) -> bool {
        self.connecting.is_none()
    }

    /// The status line while a launch starts.
    pub fn connecting_line(&self) -> Option<String> {
        self.connecting
            .as_ref()
            .map(|iss| format!("Connecting to {iss}\u{2026}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(address: &str) -> StartView {
        StartView::new(&Url::parse(address).unwrap())
    }

    fn config() -> AppConfig {
        let text = r#"{
          "servers": [
            {"iss": "https://ehr.example/fhir/", "name": "Main EHR", "client_id": "a"},
            {"iss": "https://unnamed.example/fhir", "client_id": "b"},
            {"iss": "https://ehr-only.example/fhir", "client_id": "c", "standalone": false}
          ],
          "other_servers": {"client_id": "open"}
        }"#;
        AppConfig::parse(text, &Url::parse("https://app.example/").unwrap()).unwrap()
    }

    fn ready() -> StartView {
        let mut view = page("https://app.example/");
        view.configured(Ok(&config()));
        view
    }

    #[test]
    fn the_picker_lists_the_standalone_servers_by_name_or_else_by_address() {
        assert_eq!(
            ready().picker,
            Picker::Ready(vec![
                ServerChoice {
                    label: "Main EHR".into(),
                    iss: "https://ehr.example/fhir".into()
                },
                ServerChoice {
                    label: "https://unnamed.example/fhir".into(),
                    iss: "https://unnamed.example/fhir".into()
                },
            ])
        );
    }

    #[test]
    fn the_page_shows_loading_until_the_configuration_arrives() {
        assert_eq!(page("https://app.example/").picker, Picker::Loading);
    }

    #[test]
    fn a_missing_configuration_is_the_pages_problem_and_nothing_can_be_chosen() {
        let mut view = page("https://app.example/");
        let problem = Problem {
            title: "t".into(),
            message: "m".into(),
            hint: None,
        };
        view.configured(Err(problem.clone()));
        assert_eq!(view.picker, Picker::Unavailable(problem));
        assert_eq!(view.connect("https://ehr.example/fhir"), None);
    }

    #[test]
    fn nothing_starts_before_the_configuration_arrives() {
        let mut view = page("https://app.example/");
        assert_eq!(view.connect("https://ehr.example/fhir"), None);
        assert_eq!(view.connecting, None);
    }

    #[test]
    fn the_signed_out_notice_shows_only_after_signing_out() {
        assert!(page("https://app.example/bedside/?signed-out").signed_out);
        assert!(!page("https://app.example/bedside/").signed_out);
        assert!(!page("https://app.example/bedside/?debug=1").signed_out);
    }

    #[test]
    fn choosing_a_server_starts_its_launch_and_says_so() {
        let mut view = ready();
        let iss = view.connect("https://ehr.example/fhir/").unwrap();
        assert_eq!(iss.as_str(), "https://ehr.example/fhir");
        assert_eq!(
            view.connecting_line().as_deref(),
            Some("Connecting to https://ehr.example/fhir\u{2026}")
        );
        assert!(!view.choosable());
    }

    #[test]
    fn a_second_choice_while_one_launch_starts_starts_nothing() {
        let mut view = ready();
        view.connect("https://ehr.example/fhir").unwrap();
        assert_eq!(view.connect("https://unnamed.example/fhir"), None);
        assert_eq!(
            view.connecting.as_ref().map(FhirBaseUrl::as_str),
            Some("https://ehr.example/fhir")
        );
    }

    #[test]
    fn a_typed_address_that_is_no_fhir_base_url_is_a_problem_naming_it() {
        let mut view = ready();
        assert_eq!(view.connect("javascript:alert(1)"), None);
        let problem = view.problem.clone().unwrap();
        assert_eq!(problem.title, Problem::from(bad_issuer()).title);
        assert!(
            problem.message.contains("javascript"),
            "{}",
            problem.message
        );
        assert!(view.choosable());
        assert_eq!(view.connecting_line(), None);
    }

    fn bad_issuer() -> LaunchError {
        LaunchError::BadIssuer { reason: "x".into() }
    }

    #[test]
    fn a_failed_launch_reopens_the_choice_with_its_problem_and_a_new_choice_clears_it() {
        let mut view = ready();
        view.connect("https://ehr.example/fhir").unwrap();
        view.failed(bad_issuer().into());
        assert!(view.choosable());
        assert_eq!(view.connecting_line(), None);
        assert!(view.problem.is_some());
        view.connect("https://unnamed.example/fhir").unwrap();
        assert_eq!(view.problem, None);
    }
}
