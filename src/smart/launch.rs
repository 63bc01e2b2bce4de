//! Starting a launch (SMART App Launch 2.x §"Launch App: EHR Launch" and §"Standalone
//! Launch"): the EHR's `iss` must be on the allow-list, and the client id and scopes come from
//! the configuration for that server.

use super::authorize::{ClientSettings, LaunchKind};
use super::discovery::{Capability, Discovery};
use super::scope::ScopeSyntax;
use super::scope_plan::{plan_scopes, syntax_for, DataNeed, RefreshAccess, ScopeRequest};
use crate::config::AppConfig;
use crate::fhir::FhirBaseUrl;
use crate::problem::{quoted, UserFacing};
use thiserror::Error;
use url::Url;

/// The parameters of an EHR launch URL (`/launch?iss=…&launch=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EhrLaunch {
    /// The FHIR server that launched us.
    pub iss: FhirBaseUrl,
    /// The EHR's opaque launch value.
    pub launch: String,
}

/// Reads `iss` and `launch` from the launch URL.
pub fn parse_ehr_launch(url: &Url) -> Result<EhrLaunch, LaunchError> {
    let get = |name: &str| {
        url.query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim().to_owned())
            .filter(|value| !value.is_empty())
    };
    let iss_text = get("iss").ok_or(LaunchError::MissingParameter("iss"))?;
    let launch = get("launch").ok_or(LaunchError::MissingParameter("launch"))?;
    let iss = FhirBaseUrl::parse(&iss_text).map_err(|e| LaunchError::BadIssuer {
        reason: e.to_string(),
    })?;
    Ok(EhrLaunch { iss, launch })
}

/// The client settings for a launch of `kind` against `iss`, whose default scopes cover
/// `needs` (what the app reads); refused when the server is not configured (and, for
/// standalone, when unlisted servers are not allowed either).
pub fn client_settings(
    config: &AppConfig,
    iss: &FhirBaseUrl,
    kind: &LaunchKind,
    discovery: &Discovery,
    needs: &[DataNeed],
) -> Result<ClientSettings, LaunchError> {
    let entry = config.server(iss);
    let (client_id, overrides) = match (entry, kind, &config.other_servers) {
        (Some(entry), _, _) => (entry.client_id.clone(), Some(&entry.scope)),
        (None, LaunchKind::Standalone, Some(other)) => (other.client_id.clone(), None),
        (None, _, _) => {
            return Err(LaunchError::IssuerNotAllowed {
                iss: iss.to_string(),
            })
        }
    };
    let configured = overrides.and_then(|scopes| match kind {
        LaunchKind::Ehr { .. } => scopes.ehr.clone(),
        LaunchKind::Standalone => scopes.standalone.clone(),
    });
    Ok(ClientSettings {
        client_id,
        redirect_uri: config.redirect_uri_for(iss).clone(),
        scope: configured.unwrap_or_else(|| {
            let syntax = syntax_for(discovery);
            let granular = syntax == ScopeSyntax::V2
                && discovery
                    .capabilities
                    .supports_search("Observation", "category");
            // `openid fhirUser` only where the server offers OpenID Connect: others refuse it.
            let identity = discovery.has(&Capability::SsoOpenIdConnect);
            summary_scope(needs, kind, syntax, granular, identity)
        }),
    })
}

/// Checks an issuer against the allow-list before anything is fetched from it.
pub fn check_allowed(
    config: &AppConfig,
    iss: &FhirBaseUrl,
    kind: &LaunchKind,
) -> Result<(), LaunchError> {
    let allowed = config.server(iss).is_some()
        || (matches!(kind, LaunchKind::Standalone) && config.other_servers.is_some());
    if allowed {
        Ok(())
    } else {
        Err(LaunchError::IssuerNotAllowed {
            iss: iss.to_string(),
        })
    }
}

/// The scope asked for when config.json sets none: the context scope of the launch, read
/// access to exactly `needs`, what the summary shows (narrowed to Observation categories where the
/// server can search by category and speaks SMART v2), and `online_access` so that an expiring
/// token can be renewed without a relaunch.
pub fn summary_scope(
    needs: &[DataNeed],
    kind: &LaunchKind,
    syntax: ScopeSyntax,
    granular: bool,
    identity: bool,
) -> String {
    plan_scopes(&ScopeRequest {
        needs,
        syntax,
        granular,
        launch: kind,
        identity,
        refresh: RefreshAccess::Online,
    })
    .to_string()
}

/// Why a launch cannot start.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LaunchError {
    /// The launch URL lacks `iss` or `launch`.
    #[error("launch URL lacks {0}")]
    MissingParameter(&'static str),
    /// `iss` is not a usable FHIR base URL.
    #[error("bad iss: {reason}")]
    BadIssuer {
        /// What was wrong.
        reason: String,
    },
    /// `iss` is not on the allow-list.
    #[error("issuer {iss} not allowed")]
    IssuerNotAllowed {
        /// The refused issuer.
        iss: String,
    },
}

impl UserFacing for LaunchError {
    fn title(&self) -> String {
        match self {
            LaunchError::IssuerNotAllowed { .. } => "This server is not allowed".into(),
            _ => "Bedside was not launched correctly".into(),
        }
    }

    fn message(&self) -> String {
        match self {
            LaunchError::MissingParameter(name) => format!(
                "The launch address has no \"{name}\" parameter, which an EHR launch must carry."
            ),
            // Both come from the address bar, which anyone can write: quoted data, capped.
            LaunchError::BadIssuer { reason } => {
                format!(
                    "The launch names an unusable FHIR server: {}.",
                    quoted(reason)
                )
            }
            LaunchError::IssuerNotAllowed { iss } => format!(
                "Bedside is not configured to work with the FHIR server {}, so it will not \
                 sign in there.",
                quoted(iss)
            ),
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            LaunchError::IssuerNotAllowed { .. } => {
                "If this server should be allowed, ask whoever deployed Bedside to add it to \
                 config.json."
                    .into()
            }
            _ => "Open the app from your EHR or start again.".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smart::discovery::SmartConfiguration;

    fn config() -> AppConfig {
        let text = r#"{"servers":[
          {"iss":"https://ehr.example/fhir","client_id":"abc"},
          {"iss":"https://custom.example/fhir","client_id":"xyz",
           "scope":{"ehr":"launch patient/Patient.read openid fhirUser"}}]}"#;
        AppConfig::parse(text, &Url::parse("https://app.example/").unwrap()).unwrap()
    }

    fn discovery(iss: &str, capabilities: &[&str]) -> Discovery {
        let configuration = SmartConfiguration {
            capabilities: capabilities.iter().map(|c| c.to_string().into()).collect(),
            ..SmartConfiguration::default()
        };
        Discovery {
            configuration: Some(configuration),
            ..Discovery::with_endpoints(
                FhirBaseUrl::parse(iss).unwrap(),
                Url::parse("https://ehr.example/a").unwrap(),
                Url::parse("https://ehr.example/t").unwrap(),
            )
        }
    }

    // What a summary reads, in the shape the scopes are planned from: a plain search, and
    // Observations narrowed to two categories.
    fn needs() -> Vec<DataNeed> {
        let category = "http://terminology.hl7.org/CodeSystem/observation-category";
        vec![
            DataNeed::read("Patient"),
            DataNeed::search("Condition"),
            DataNeed::search_where(
                "Observation",
                "category",
                &format!("{category}|vital-signs"),
            ),
            DataNeed::search_where("Observation", "category", &format!("{category}|laboratory")),
        ]
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn an_ehr_launch_url_yields_iss_and_launch() {
        let launch = parse_ehr_launch(&url(
            "https://app.example/launch?iss=https%3A%2F%2Fehr.example%2Ffhir%2F&launch=abc",
        ))
        .unwrap();
        assert_eq!(launch.iss.as_str(), "https://ehr.example/fhir");
        assert_eq!(launch.launch, "abc");
    }

    #[test]
    fn a_launch_without_iss_or_launch_names_the_missing_parameter() {
        let error = parse_ehr_launch(&url("https://app.example/launch?launch=abc")).unwrap_err();
        assert_eq!(error, LaunchError::MissingParameter("iss"));
        let error = parse_ehr_launch(&url("https://app.example/launch?iss=https://e.example/f"))
            .unwrap_err();
        assert!(error.message().contains("\"launch\""));
    }

    #[test]
    fn a_hostile_iss_is_refused() {
        let error = parse_ehr_launch(&url(
            "https://app.example/launch?iss=javascript:alert(1)&launch=x",
        ))
        .unwrap_err();
        assert!(matches!(error, LaunchError::BadIssuer { .. }));
    }

    #[test]
    fn an_ehr_launch_from_an_unlisted_issuer_is_refused_by_name() {
        let iss = FhirBaseUrl::parse("https://evil.example/fhir").unwrap();
        let kind = LaunchKind::Ehr { launch: "x".into() };
        let error = check_allowed(&config(), &iss, &kind).unwrap_err();
        assert!(error.message().contains("https://evil.example/fhir"));
    }

    #[test]
    fn an_unlisted_issuer_from_the_address_bar_is_shown_quoted_and_capped() {
        let bait = "Your-session-expired.-Call-the-help-desk-on-555-0100-".repeat(20);
        let launch = parse_ehr_launch(&url(&format!(
            "https://app.example/launch?iss=https://evil.example/{bait}&launch=x"
        )))
        .unwrap();
        let error = check_allowed(&config(), &launch.iss, &LaunchKind::Standalone).unwrap_err();
        let message = error.message();
        assert!(
            message.contains("\u{201c}https://evil.example/Your-session-expired"),
            "{message}"
        );
        assert!(message.contains("\u{2026}\u{201d}"), "{message}");
        assert!(message.chars().count() < 450, "{message}");
    }

    #[test]
    fn default_scopes_use_v2_syntax_only_when_the_server_offers_permission_v2() {
        let iss = FhirBaseUrl::parse("https://ehr.example/fhir").unwrap();
        let ehr = LaunchKind::Ehr { launch: "x".into() };
        let v2 = client_settings(
            &config(),
            &iss,
            &ehr,
            &discovery(iss.as_str(), &["permission-v2"]),
            &needs(),
        );
        let v2 = v2.unwrap().scope;
        assert!(v2.starts_with("launch "), "{v2}");
        assert!(v2.contains("patient/Condition.rs"), "{v2}");
        assert!(v2.contains("online_access"), "{v2}");
        let v1 = client_settings(
            &config(),
            &iss,
            &LaunchKind::Standalone,
            &discovery(iss.as_str(), &[]),
            &needs(),
        )
        .unwrap()
        .scope;
        assert!(v1.starts_with("launch/patient "), "{v1}");
        assert!(v1.contains("patient/Condition.read"), "{v1}");
        assert!(!v1.contains(".rs"), "{v1}");
    }

    #[test]
    fn observations_are_asked_for_by_category_only_where_the_server_searches_by_category() {
        let kind = LaunchKind::Standalone;
        let granular = summary_scope(&needs(), &kind, ScopeSyntax::V2, true, false);
        assert!(
            granular.contains("patient/Observation.rs?category="),
            "{granular}"
        );
        assert!(granular.contains("|laboratory"), "{granular}");
        let plain = summary_scope(&needs(), &kind, ScopeSyntax::V2, false, false);
        assert!(plain.contains("patient/Observation.rs"), "{plain}");
        assert!(!plain.contains("?category"), "{plain}");
        assert!(!plain.contains("openid"), "{plain}");
        let identified = summary_scope(&needs(), &kind, ScopeSyntax::V2, false, true);
        assert!(identified.contains("openid fhirUser"), "{identified}");
    }

    #[test]
    fn configured_scopes_win_over_defaults() {
        let iss = FhirBaseUrl::parse("https://custom.example/fhir").unwrap();
        let ehr = LaunchKind::Ehr { launch: "x".into() };
        let settings = client_settings(
            &config(),
            &iss,
            &ehr,
            &discovery(iss.as_str(), &[]),
            &needs(),
        )
        .unwrap();
        assert_eq!(
            settings.scope,
            "launch patient/Patient.read openid fhirUser"
        );
        assert_eq!(settings.client_id.as_str(), "xyz");
    }

    #[test]
    fn an_unlisted_standalone_server_needs_other_servers_configured() {
        let iss = FhirBaseUrl::parse("https://unlisted.example/fhir").unwrap();
        assert!(check_allowed(&config(), &iss, &LaunchKind::Standalone).is_err());
        let mut open = config();
        open.other_servers = Some(crate::config::OtherServers {
            client_id: "any".into(),
        });
        assert!(check_allowed(&open, &iss, &LaunchKind::Standalone).is_ok());
        let settings = client_settings(
            &open,
            &iss,
            &LaunchKind::Standalone,
            &discovery(iss.as_str(), &[]),
            &needs(),
        );
        assert_eq!(settings.unwrap().client_id.as_str(), "any");
    }
}
