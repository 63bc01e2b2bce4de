//! Runtime configuration, read from `config.json` next to the app so that one build serves any
//! deployment: which FHIR servers may launch Bedside, with which client id and scopes.

use crate::fhir::base_url::BaseUrlError;
use crate::fhir::FhirBaseUrl;
use crate::problem::UserFacing;
use crate::route::{route, Route};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;
use url::Url;

/// The client id a server's authorization server registered Bedside under, as `config.json`
/// gives it. Travels typed from here to the authorization request, the in-flight record (as
/// the same JSON string), the token, refresh and revocation requests and the id_token check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientId(String);

impl ClientId {
    /// The id as registered.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ClientId {
    fn from(id: &str) -> Self {
        ClientId(id.to_owned())
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Scope strings that replace the defaults for one server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeOverrides {
    /// For EHR launches.
    pub ehr: Option<String>,
    /// For standalone launches.
    pub standalone: Option<String>,
}

/// A configured FHIR server.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerEntry {
    /// Its FHIR base URL, as the EHR sends it in `iss`.
    pub iss: FhirBaseUrl,
    /// A name for the standalone picker.
    #[serde(default)]
    pub name: Option<String>,
    /// The client id registered with its authorization server.
    pub client_id: ClientId,
    /// Listed in the standalone picker.
    #[serde(default = "listed_by_default")]
    pub standalone: bool,
    /// Scope overrides.
    #[serde(default)]
    pub scope: ScopeOverrides,
    /// Its authorization pages work inside a frame, so a framed launch may navigate the frame
    /// there without asking for a click (see `smart::popup`). Off unless a deployment knows it.
    #[serde(default)]
    pub sign_in_in_frame: bool,
    /// The redirect URI registered with this server, when it has one of its own. Distinct
    /// redirect URIs per server let the callback tell which server answered, the defence
    /// against authorization-server mix-up (RFC 9700 §4.4.2); without one the deployment's
    /// shared `redirect_uri` is used.
    #[serde(default)]
    pub redirect_uri: Option<Url>,
}

fn listed_by_default() -> bool {
    true
}

impl ServerEntry {
    /// The name to show.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| self.iss.to_string())
    }
}

/// Settings for servers typed into the standalone picker that are not listed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherServers {
    /// The client id to use with them.
    pub client_id: ClientId,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    servers: Vec<ServerEntry>,
    #[serde(default)]
    other_servers: Option<OtherServers>,
    #[serde(default)]
    redirect_uri: Option<String>,
    #[serde(default)]
    debug: bool,
    #[serde(default)]
    request_timeout_seconds: Option<u32>,
}

/// How long a request may go unanswered before it is abandoned, when `config.json` does not
/// say: long enough for a slow server's large page, short enough that a person still waits.
pub const DEFAULT_REQUEST_TIMEOUT_SECONDS: u32 = 30;

/// The longest deadline `config.json` may set (ten minutes).
pub const MAX_REQUEST_TIMEOUT_SECONDS: u32 = 600;

/// The validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppConfig {
    /// Allowed servers, in the order configured.
    pub servers: Vec<ServerEntry>,
    /// Unlisted servers in the standalone picker, when allowed.
    pub other_servers: Option<OtherServers>,
    /// The redirect URI registered for this deployment.
    pub redirect_uri: Url,
    /// The launch inspector is on for every launch (otherwise only with `?debug=1`).
    pub debug: bool,
    /// Seconds after which an unanswered request is abandoned (`request_timeout_seconds`).
    pub request_timeout_seconds: u32,
}

impl AppConfig {
    /// Parses `config.json`; `app_base` is the app's own base URL (for the default redirect URI
    /// `{app_base}callback`).
    pub fn parse(text: &str, app_base: &Url) -> Result<Self, ConfigError> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|e| ConfigError::Invalid {
            detail: e.to_string(),
        })?;
        for server in &raw.servers {
            if server.client_id.as_str().trim().is_empty() {
                return Err(ConfigError::EmptyClientId {
                    iss: server.iss.to_string(),
                });
            }
        }
        let redirect_uri = match raw.redirect_uri {
            Some(text) => Url::parse(&text).map_err(|_| ConfigError::BadRedirectUri(text))?,
            None => app_base
                .join("callback")
                .map_err(|_| ConfigError::BadRedirectUri(app_base.to_string()))?,
        };
        check_redirect_uris(&raw.servers, &redirect_uri, app_base)?;
        let request_timeout_seconds = raw
            .request_timeout_seconds
            .unwrap_or(DEFAULT_REQUEST_TIMEOUT_SECONDS);
        if !(1..=MAX_REQUEST_TIMEOUT_SECONDS).contains(&request_timeout_seconds) {
            return Err(ConfigError::Invalid {
                detail: format!(
                    "\"request_timeout_seconds\" is {request_timeout_seconds}; it must be between \
                     1 and {MAX_REQUEST_TIMEOUT_SECONDS}"
                ),
            });
        }
        Ok(AppConfig {
            servers: raw.servers,
            other_servers: raw.other_servers,
            redirect_uri,
            debug: raw.debug,
            request_timeout_seconds,
        })
    }

    /// The entry for an issuer, if it is on the allow-list.
    pub fn server(&self, iss: &FhirBaseUrl) -> Option<&ServerEntry> {
        self.servers.iter().find(|s| &s.iss == iss)
    }

    /// The redirect URI for launches against `iss`: its own when configured, else the shared
    /// one (also for unlisted servers typed into the picker).
    pub fn redirect_uri_for(&self, iss: &FhirBaseUrl) -> &Url {
        self.server(iss)
            .and_then(|s| s.redirect_uri.as_ref())
            .unwrap_or(&self.redirect_uri)
    }

    /// Every redirect URI the app must answer on: the shared one and each server's own.
    pub fn redirect_uris(&self) -> impl Iterator<Item = &Url> {
        std::iter::once(&self.redirect_uri)
            .chain(self.servers.iter().filter_map(|s| s.redirect_uri.as_ref()))
    }

    /// The servers offered in the standalone picker.
    pub fn standalone_servers(&self) -> impl Iterator<Item = &ServerEntry> {
        self.servers.iter().filter(|s| s.standalone)
    }
}

// A server's own redirect URI is there to tell servers apart at the callback, so two servers
// may not share one, nor may one be the shared redirect URI. Each must be an http(s) address
// without a fragment (RFC 6749 §3.1.2) that the app answers as its callback page
// (`{app base}callback/{name}`, see `route`).
fn check_redirect_uris(
    servers: &[ServerEntry],
    shared: &Url,
    app_base: &Url,
) -> Result<(), ConfigError> {
    let mut seen: Vec<&Url> = vec![shared];
    for server in servers {
        let Some(own) = &server.redirect_uri else {
            continue;
        };
        let answered = own.origin() == app_base.origin()
            && route(app_base, own) == Route::Callback
            && own.fragment().is_none();
        if !answered {
            return Err(ConfigError::RedirectUriNotAnswered {
                iss: server.iss.to_string(),
                redirect_uri: own.to_string(),
                expected: app_base
                    .join("callback/")
                    .map(String::from)
                    .unwrap_or_default(),
            });
        }
        if seen.contains(&own) {
            return Err(ConfigError::SharedRedirectUri {
                iss: server.iss.to_string(),
                redirect_uri: own.to_string(),
            });
        }
        seen.push(own);
    }
    Ok(())
}

/// Why `config.json` is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConfigError {
    /// Not JSON, an unknown key, a missing key, or a bad issuer URL; the detail names it.
    #[error("config.json invalid: {detail}")]
    Invalid {
        /// The parser's words, which name the key.
        detail: String,
    },
    /// An empty `client_id`.
    #[error("empty client_id for {iss}")]
    EmptyClientId {
        /// The server it belongs to.
        iss: String,
    },
    /// `redirect_uri` is not a URL.
    #[error("bad redirect_uri {0}")]
    BadRedirectUri(String),
    /// A server's own `redirect_uri` is also another server's, or the shared one.
    #[error("redirect_uri {redirect_uri} of {iss} is not distinct")]
    SharedRedirectUri {
        /// The server whose entry repeats it.
        iss: String,
        /// The repeated redirect URI.
        redirect_uri: String,
    },
    /// A server's own `redirect_uri` is not an address Bedside answers as its callback.
    #[error("redirect_uri {redirect_uri} of {iss} is not below {expected}")]
    RedirectUriNotAnswered {
        /// The server whose entry names it.
        iss: String,
        /// The redirect URI configured.
        redirect_uri: String,
        /// Where per-server redirect URIs live.
        expected: String,
    },
    /// The file could not be fetched.
    #[error("config.json unavailable: {0}")]
    Unavailable(String),
}

impl From<BaseUrlError> for ConfigError {
    fn from(error: BaseUrlError) -> Self {
        ConfigError::Invalid {
            detail: error.to_string(),
        }
    }
}

impl UserFacing for ConfigError {
    fn title(&self) -> String {
        "Bedside is not configured correctly".into()
    }

    fn message(&self) -> String {
        match self {
            ConfigError::Invalid { detail } => format!("config.json is invalid: {detail}."),
            ConfigError::EmptyClientId { iss } => {
                format!("config.json lists {iss} with an empty \"client_id\".")
            }
            ConfigError::BadRedirectUri(text) => {
                format!("config.json's \"redirect_uri\" ({text}) is not a web address.")
            }
            ConfigError::SharedRedirectUri { iss, redirect_uri } => format!(
                "config.json gives {iss} the \"redirect_uri\" {redirect_uri}, which another \
                 entry already uses; each server's own redirect URI must be distinct, so that \
                 Bedside can tell which server answered."
            ),
            ConfigError::RedirectUriNotAnswered {
                iss,
                redirect_uri,
                expected,
            } => format!(
                "config.json gives {iss} the \"redirect_uri\" {redirect_uri}, which is not an \
                 address Bedside answers: a server's own redirect URI must be {expected} \
                 followed by a name, e.g. {expected}my-ehr."
            ),
            ConfigError::Unavailable(why) => format!("config.json could not be loaded: {why}."),
        }
    }

    fn hint(&self) -> Option<String> {
        Some("Tell whoever deployed Bedside; the app cannot start until this is fixed.".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app_base() -> Url {
        Url::parse("https://app.example/bedside/").unwrap()
    }

    const GOOD: &str = r#"{
      "servers": [
        {"iss": "https://ehr.example/fhir/", "name": "Main EHR", "client_id": "abc"},
        {"iss": "https://hidden.example/fhir", "client_id": "def", "standalone": false,
         "scope": {"ehr": "launch patient/Patient.read"}}
      ],
      "other_servers": {"client_id": "open"}
    }"#;

    #[test]
    fn a_valid_config_lists_servers_and_defaults_the_redirect_uri() {
        let config = AppConfig::parse(GOOD, &app_base()).unwrap();
        assert_eq!(
            config.redirect_uri.as_str(),
            "https://app.example/bedside/callback"
        );
        assert_eq!(config.standalone_servers().count(), 1);
        let iss = FhirBaseUrl::parse("https://ehr.example/fhir").unwrap();
        assert_eq!(config.server(&iss).unwrap().client_id.as_str(), "abc");
        assert_eq!(
            config.servers[1].scope.ehr.as_deref(),
            Some("launch patient/Patient.read")
        );
    }

    #[test]
    fn the_inspector_is_off_unless_debug_is_true() {
        assert!(!AppConfig::parse(GOOD, &app_base()).unwrap().debug);
        let on = r#"{"servers": [], "debug": true}"#;
        assert!(AppConfig::parse(on, &app_base()).unwrap().debug);
        let wrong = r#"{"servers": [], "debug": "yes"}"#;
        let error = AppConfig::parse(wrong, &app_base()).unwrap_err();
        assert!(error.message().contains("boolean"), "{}", error.message());
    }

    #[test]
    fn signing_in_inside_a_frame_is_off_unless_a_server_says_so() {
        let config = AppConfig::parse(GOOD, &app_base()).unwrap();
        assert!(!config.servers[0].sign_in_in_frame);
        let text = r#"{"servers": [{"iss": "https://ehr.example/fhir", "client_id": "a",
            "sign_in_in_frame": true}]}"#;
        let config = AppConfig::parse(text, &app_base()).unwrap();
        assert!(config.servers[0].sign_in_in_frame);
    }

    #[test]
    fn an_unknown_key_is_named() {
        let text = r#"{"servers": [], "sevrers": []}"#;
        let error = AppConfig::parse(text, &app_base()).unwrap_err();
        assert!(error.message().contains("sevrers"), "{}", error.message());
    }

    #[test]
    fn a_missing_client_id_is_named() {
        let text = r#"{"servers": [{"iss": "https://ehr.example/fhir"}]}"#;
        let error = AppConfig::parse(text, &app_base()).unwrap_err();
        assert!(error.message().contains("client_id"), "{}", error.message());
    }

    #[test]
    fn an_http_issuer_outside_localhost_is_refused() {
        let text = r#"{"servers": [{"iss": "http://ehr.example/fhir", "client_id": "a"}]}"#;
        let error = AppConfig::parse(text, &app_base()).unwrap_err();
        assert!(error.message().contains("https://"), "{}", error.message());
    }

    // The in-flight record carries the client id across the redirect in sessionStorage; a record
    // written as a plain string before the newtype still reads, and is written the same way.
    #[test]
    fn a_client_id_is_written_and_read_as_the_plain_string() {
        let id: ClientId = serde_json::from_str(r#""bedside app""#).unwrap();
        assert_eq!(id.as_str(), "bedside app");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""bedside app""#);
    }

    #[test]
    fn an_empty_client_id_is_refused() {
        let text = r#"{"servers": [{"iss": "https://ehr.example/fhir", "client_id": " "}]}"#;
        assert!(matches!(
            AppConfig::parse(text, &app_base()).unwrap_err(),
            ConfigError::EmptyClientId { .. }
        ));
    }

    const PER_SERVER: &str = r#"{"servers": [
        {"iss": "https://a.example/fhir", "client_id": "a",
         "redirect_uri": "https://app.example/bedside/callback/a"},
        {"iss": "https://b.example/fhir", "client_id": "b"}]}"#;

    #[test]
    fn a_server_with_its_own_redirect_uri_uses_it_and_others_use_the_shared_one() {
        let config = AppConfig::parse(PER_SERVER, &app_base()).unwrap();
        let a = FhirBaseUrl::parse("https://a.example/fhir").unwrap();
        let b = FhirBaseUrl::parse("https://b.example/fhir").unwrap();
        assert_eq!(
            config.redirect_uri_for(&a).as_str(),
            "https://app.example/bedside/callback/a"
        );
        assert_eq!(
            config.redirect_uri_for(&b).as_str(),
            "https://app.example/bedside/callback"
        );
    }

    #[test]
    fn the_app_answers_on_the_shared_and_every_per_server_redirect_uri() {
        let config = AppConfig::parse(PER_SERVER, &app_base()).unwrap();
        let all: Vec<&str> = config.redirect_uris().map(Url::as_str).collect();
        assert_eq!(
            all,
            [
                "https://app.example/bedside/callback",
                "https://app.example/bedside/callback/a"
            ]
        );
    }

    #[test]
    fn two_servers_sharing_their_own_redirect_uri_are_refused_with_the_second_named() {
        let text = r#"{"servers": [
            {"iss": "https://a.example/fhir", "client_id": "a", "redirect_uri": "https://app.example/bedside/callback/x"},
            {"iss": "https://b.example/fhir", "client_id": "b", "redirect_uri": "https://app.example/bedside/callback/x"}]}"#;
        let error = AppConfig::parse(text, &app_base()).unwrap_err();
        assert!(matches!(error, ConfigError::SharedRedirectUri { .. }));
        assert!(
            error.message().contains("https://b.example/fhir"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn a_server_redirect_uri_equal_to_the_shared_one_is_refused() {
        let text = r#"{"servers": [{"iss": "https://a.example/fhir", "client_id": "a",
            "redirect_uri": "https://app.example/bedside/callback"}]}"#;
        assert!(matches!(
            AppConfig::parse(text, &app_base()).unwrap_err(),
            ConfigError::SharedRedirectUri { .. }
        ));
    }

    #[test]
    fn a_server_redirect_uri_the_app_does_not_answer_is_refused_naming_where_it_belongs() {
        for elsewhere in [
            "javascript:alert(1)",
            "https://other.example/bedside/callback/a",
            "https://app.example/bedside/return",
        ] {
            let text = format!(
                r#"{{"servers": [{{"iss": "https://a.example/fhir", "client_id": "a",
                "redirect_uri": "{elsewhere}"}}]}}"#
            );
            let error = AppConfig::parse(&text, &app_base()).unwrap_err();
            assert!(
                error
                    .message()
                    .contains("https://app.example/bedside/callback/my-ehr"),
                "{}",
                error.message()
            );
        }
    }

    #[test]
    fn requests_have_a_thirty_second_deadline_unless_configured() {
        let config = AppConfig::parse(GOOD, &app_base()).unwrap();
        assert_eq!(config.request_timeout_seconds, 30);
        let text = r#"{"servers": [], "request_timeout_seconds": 5}"#;
        let config = AppConfig::parse(text, &app_base()).unwrap();
        assert_eq!(config.request_timeout_seconds, 5);
    }

    #[test]
    fn a_deadline_of_zero_or_above_ten_minutes_is_refused_by_name() {
        for seconds in [0, 601] {
            let text = format!(r#"{{"servers": [], "request_timeout_seconds": {seconds}}}"#);
            let error = AppConfig::parse(&text, &app_base()).unwrap_err();
            assert!(
                error.message().contains("request_timeout_seconds"),
                "{}",
                error.message()
            );
        }
    }

    #[test]
    fn broken_json_is_reported() {
        assert!(AppConfig::parse("{", &app_base()).is_err());
    }
}
