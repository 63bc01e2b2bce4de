//! Endpoint discovery (SMART App Launch 2.2 §"Conformance"): `{iss}/.well-known/smart-configuration`
//! is fetched in parallel with `{iss}/metadata`; the CapabilityStatement's `oauth-uris` are used
//! only when the well-known document is absent (404), never because it answered later.

use crate::fhir::base_url::secure_transport;
use crate::fhir::capabilities::{
    Capabilities, CapabilityNotice, CapabilityParseError, FhirRelease,
};
use crate::fhir::FhirBaseUrl;
use crate::http::{FailureKind, HttpRequest, HttpResult, NetworkFailure, Purpose};
use crate::problem::UserFacing;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use thiserror::Error;
use url::Url;

/// A SMART capability (SMART App Launch 2.2 §"Capabilities"); unknown names are kept.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum Capability {
    /// `launch-ehr`.
    LaunchEhr,
    /// `launch-standalone`.
    LaunchStandalone,
    /// `authorize-post`.
    AuthorizePost,
    /// `client-public`.
    ClientPublic,
    /// `client-confidential-symmetric`.
    ClientConfidentialSymmetric,
    /// `client-confidential-asymmetric`.
    ClientConfidentialAsymmetric,
    /// `sso-openid-connect`.
    SsoOpenIdConnect,
    /// `context-banner`, or its pre-2.0 name `context-passthrough-banner`.
    ContextBanner,
    /// `context-style`, or its pre-2.0 name `context-passthrough-style`.
    ContextStyle,
    /// `context-ehr-patient`.
    ContextEhrPatient,
    /// `context-ehr-encounter`.
    ContextEhrEncounter,
    /// `context-standalone-patient`.
    ContextStandalonePatient,
    /// `context-standalone-encounter`.
    ContextStandaloneEncounter,
    /// `permission-offline`.
    PermissionOffline,
    /// `permission-online`.
    PermissionOnline,
    /// `permission-patient`.
    PermissionPatient,
    /// `permission-user`.
    PermissionUser,
    /// `permission-v1`.
    PermissionV1,
    /// `permission-v2`.
    PermissionV2,
    /// `smart-app-state`.
    SmartAppState,
    /// A name this version of Bedside does not know.
    Unknown(String),
}

impl From<String> for Capability {
    fn from(name: String) -> Self {
        match name.as_str() {
            "launch-ehr" => Capability::LaunchEhr,
            "launch-standalone" => Capability::LaunchStandalone,
            "authorize-post" => Capability::AuthorizePost,
            "client-public" => Capability::ClientPublic,
            "client-confidential-symmetric" => Capability::ClientConfidentialSymmetric,
            "client-confidential-asymmetric" => Capability::ClientConfidentialAsymmetric,
            "sso-openid-connect" => Capability::SsoOpenIdConnect,
            "context-banner" | "context-passthrough-banner" => Capability::ContextBanner,
            "context-style" | "context-passthrough-style" => Capability::ContextStyle,
            "context-ehr-patient" => Capability::ContextEhrPatient,
            "context-ehr-encounter" => Capability::ContextEhrEncounter,
            "context-standalone-patient" => Capability::ContextStandalonePatient,
            "context-standalone-encounter" => Capability::ContextStandaloneEncounter,
            "permission-offline" => Capability::PermissionOffline,
            "permission-online" => Capability::PermissionOnline,
            "permission-patient" => Capability::PermissionPatient,
            "permission-user" => Capability::PermissionUser,
            "permission-v1" => Capability::PermissionV1,
            "permission-v2" => Capability::PermissionV2,
            "smart-app-state" => Capability::SmartAppState,
            _ => Capability::Unknown(name),
        }
    }
}

/// An entry of `associated_endpoints`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AssociatedEndpoint {
    /// Its URL.
    pub url: String,
    /// The capabilities it offers.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
}

/// Every field of the SMART 2.2 configuration document, typed; other fields kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SmartConfiguration {
    /// `issuer` (required when `sso-openid-connect` is offered).
    pub issuer: Option<String>,
    /// `jwks_uri`.
    pub jwks_uri: Option<String>,
    /// `authorization_endpoint`.
    pub authorization_endpoint: Option<String>,
    /// `grant_types_supported`.
    pub grant_types_supported: Vec<String>,
    /// `token_endpoint`.
    pub token_endpoint: Option<String>,
    /// `token_endpoint_auth_methods_supported`.
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// `registration_endpoint`.
    pub registration_endpoint: Option<String>,
    /// `smart_app_state_endpoint`.
    pub smart_app_state_endpoint: Option<String>,
    /// `associated_endpoints`.
    pub associated_endpoints: Vec<AssociatedEndpoint>,
    /// `user_access_brand_bundle`.
    pub user_access_brand_bundle: Option<String>,
    /// `user_access_brand_identifier`.
    pub user_access_brand_identifier: Option<Value>,
    /// `scopes_supported`.
    pub scopes_supported: Vec<String>,
    /// `response_types_supported`.
    pub response_types_supported: Vec<String>,
    /// `management_endpoint`.
    pub management_endpoint: Option<String>,
    /// `introspection_endpoint`.
    pub introspection_endpoint: Option<String>,
    /// `revocation_endpoint`.
    pub revocation_endpoint: Option<String>,
    /// `capabilities`.
    pub capabilities: Vec<Capability>,
    /// `code_challenge_methods_supported`.
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// `authorization_response_iss_parameter_supported` (RFC 9207 §3): every authorization
    /// response carries `iss`, so one without it is refused.
    pub authorization_response_iss_parameter_supported: bool,
    /// Fields this version does not know, kept for the launch inspector.
    pub extra: Map<String, Value>,
}

impl SmartConfiguration {
    /// Parses the document field by field, so that an error names the field that was wrong.
    pub fn from_json(body: &str) -> Result<Self, DiscoveryError> {
        let value: Value = serde_json::from_str(body).map_err(|e| DiscoveryError::NotJson {
            detail: e.to_string(),
        })?;
        let Value::Object(mut map) = value else {
            return Err(DiscoveryError::NotJson {
                detail: "the document is not a JSON object".into(),
            });
        };
        let mut config = SmartConfiguration {
            issuer: field(&mut map, "issuer", "text")?,
            jwks_uri: field(&mut map, "jwks_uri", "text")?,
            authorization_endpoint: field(&mut map, "authorization_endpoint", "text")?,
            grant_types_supported: list(&mut map, "grant_types_supported")?,
            token_endpoint: field(&mut map, "token_endpoint", "text")?,
            token_endpoint_auth_methods_supported: list(
                &mut map,
                "token_endpoint_auth_methods_supported",
            )?,
            registration_endpoint: field(&mut map, "registration_endpoint", "text")?,
            smart_app_state_endpoint: field(&mut map, "smart_app_state_endpoint", "text")?,
            associated_endpoints: field(&mut map, "associated_endpoints", "a list of endpoints")?
                .unwrap_or_default(),
            user_access_brand_bundle: field(&mut map, "user_access_brand_bundle", "text")?,
            user_access_brand_identifier: map.remove("user_access_brand_identifier"),
            scopes_supported: list(&mut map, "scopes_supported")?,
            response_types_supported: list(&mut map, "response_types_supported")?,
            management_endpoint: field(&mut map, "management_endpoint", "text")?,
            introspection_endpoint: field(&mut map, "introspection_endpoint", "text")?,
            revocation_endpoint: field(&mut map, "revocation_endpoint", "text")?,
            capabilities: list(&mut map, "capabilities")?
                .into_iter()
                .map(Capability::from)
                .collect(),
            code_challenge_methods_supported: field(
                &mut map,
                "code_challenge_methods_supported",
                "a list of text",
            )?,
            authorization_response_iss_parameter_supported: field(
                &mut map,
                "authorization_response_iss_parameter_supported",
                "true or false",
            )?
            .unwrap_or(false),
            extra: Map::new(),
        };
        config.extra = map;
        Ok(config)
    }

    /// True when the server offers this capability.
    pub fn has(&self, capability: &Capability) -> bool {
        self.capabilities.contains(capability)
    }
}

fn field<T: DeserializeOwned>(
    map: &mut Map<String, Value>,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<T>, DiscoveryError> {
    match map.remove(name) {
        None | Some(Value::Null) => Ok(None),
        // Through `&Value`, the one way the app types JSON values (a smaller wasm).
        Some(value) => T::deserialize(&value)
            .map(Some)
            .map_err(|_| DiscoveryError::BadField {
                field: name,
                expected,
            }),
    }
}

fn list(map: &mut Map<String, Value>, name: &'static str) -> Result<Vec<String>, DiscoveryError> {
    Ok(field(map, name, "a list of text")?.unwrap_or_default())
}

/// Where the endpoints came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum EndpointSource {
    /// `.well-known/smart-configuration`.
    WellKnown,
    /// The CapabilityStatement `oauth-uris` extension (the well-known document was 404).
    CapabilityStatement,
}

/// The outcome of discovery: absolute, checked endpoints and what the server offers.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The server these endpoints serve.
    pub fhir_base: FhirBaseUrl,
    /// Where they came from.
    pub source: EndpointSource,
    /// Absolute authorization endpoint.
    pub authorization_endpoint: Url,
    /// Absolute token endpoint.
    pub token_endpoint: Url,
    /// Absolute revocation endpoint, when listed.
    pub revocation_endpoint: Option<Url>,
    /// The SMART document, when there was one.
    pub configuration: Option<SmartConfiguration>,
    /// What the server can do: from its CapabilityStatement, or a conservative model with a
    /// notice when that could not be read.
    pub capabilities: Capabilities,
}

impl Discovery {
    /// A discovery result with only endpoints and conservative capabilities, for callers that
    /// learn endpoints another way (and for tests).
    pub fn with_endpoints(
        fhir_base: FhirBaseUrl,
        authorization_endpoint: Url,
        token_endpoint: Url,
    ) -> Self {
        Discovery {
            fhir_base,
            source: EndpointSource::WellKnown,
            authorization_endpoint,
            token_endpoint,
            revocation_endpoint: None,
            configuration: None,
            capabilities: Capabilities::conservative(CapabilityNotice::Unavailable(
                "not fetched".into(),
            )),
        }
    }

    /// The issuer id_tokens must name: the document's `issuer`, else the FHIR base.
    pub fn issuer(&self) -> &str {
        self.configuration
            .as_ref()
            .and_then(|c| c.issuer.as_deref())
            .unwrap_or(self.fhir_base.as_str())
    }

    /// Whether the server promises `iss` in every authorization response (RFC 9207 §3).
    pub fn sends_response_iss(&self) -> bool {
        self.configuration
            .as_ref()
            .is_some_and(|c| c.authorization_response_iss_parameter_supported)
    }

    /// The JWKS location, resolved against the FHIR base.
    pub fn jwks_uri(&self) -> Option<Url> {
        let text = self.configuration.as_ref()?.jwks_uri.as_deref()?;
        self.fhir_base.resolve(text).ok()
    }

    /// True when the server offers this capability (CapabilityStatement-only servers offer none
    /// that Bedside can rely on).
    pub fn has(&self, capability: &Capability) -> bool {
        self.configuration
            .as_ref()
            .is_some_and(|config| config.has(capability))
    }
}

/// The two discovery requests, to be sent together.
pub fn discovery_requests(base: &FhirBaseUrl) -> [HttpRequest; 2] {
    [
        HttpRequest::get(
            Purpose::SmartConfiguration,
            base.join(".well-known/smart-configuration"),
            "application/json",
        ),
        HttpRequest::get(
            Purpose::CapabilityStatement,
            base.join("metadata"),
            "application/fhir+json",
        ),
    ]
}

/// Decides the endpoints from both answers.
pub fn resolve(
    base: &FhirBaseUrl,
    well_known: HttpResult,
    metadata: HttpResult,
) -> Result<Discovery, DiscoveryError> {
    let capabilities = read_capabilities(&metadata);
    if let Some(FhirRelease::Unsupported(version)) = capabilities.release.clone() {
        return Err(DiscoveryError::UnsupportedFhirVersion { version });
    }
    let well_known = well_known.map_err(|failure| no_answer(base, &failure))?;
    if well_known.status == 404 {
        return from_capability_statement(base, metadata);
    }
    if !well_known.is_success() {
        return Err(DiscoveryError::WellKnownStatus {
            status: well_known.status,
        });
    }
    let configuration = SmartConfiguration::from_json(&well_known.body)?;
    if let Some(methods) = &configuration.code_challenge_methods_supported {
        if !methods.iter().any(|m| m == "S256") {
            return Err(DiscoveryError::PkceS256NotOffered {
                offered: methods.join(", "),
            });
        }
    }
    let endpoint = |name: &'static str, value: &Option<String>| match value {
        Some(text) => checked_endpoint(base, name, text),
        None => Err(DiscoveryError::MissingEndpoint {
            name,
            found_in: EndpointSource::WellKnown,
        }),
    };
    let authorization_endpoint = endpoint(
        "authorization_endpoint",
        &configuration.authorization_endpoint,
    )?;
    let token_endpoint = endpoint("token_endpoint", &configuration.token_endpoint)?;
    let revocation_endpoint = configuration
        .revocation_endpoint
        .as_deref()
        .map(|text| checked_endpoint(base, "revocation_endpoint", text))
        .transpose()?;
    Ok(Discovery {
        fhir_base: base.clone(),
        source: EndpointSource::WellKnown,
        authorization_endpoint,
        token_endpoint,
        revocation_endpoint,
        configuration: Some(configuration),
        capabilities,
    })
}

fn no_answer(base: &FhirBaseUrl, failure: &NetworkFailure) -> DiscoveryError {
    let origin = base.origin();
    match failure.kind {
        FailureKind::TimedOut { seconds } => DiscoveryError::TimedOut { origin, seconds },
        _ => DiscoveryError::Unreachable { origin },
    }
}

// A missing or broken CapabilityStatement must not stop a launch whose endpoints came from the
// well-known document: it yields a conservative model that says why.
fn read_capabilities(metadata: &HttpResult) -> Capabilities {
    let notice = match metadata {
        Err(failure) => CapabilityNotice::Unavailable(failure.detail.clone()),
        Ok(response) if !response.is_success() => {
            CapabilityNotice::Unavailable(format!("HTTP status {}", response.status))
        }
        Ok(response) => match Capabilities::from_json(&response.body) {
            Ok(capabilities) => return capabilities,
            Err(CapabilityParseError::NotJson(detail)) => CapabilityNotice::Unreadable(detail),
            Err(CapabilityParseError::WrongResourceType(found)) => CapabilityNotice::Unreadable(
                format!("expected a CapabilityStatement, found {found}"),
            ),
        },
    };
    Capabilities::conservative(notice)
}

fn from_capability_statement(
    base: &FhirBaseUrl,
    metadata: HttpResult,
) -> Result<Discovery, DiscoveryError> {
    let response = metadata.map_err(|failure| no_answer(base, &failure))?;
    if !response.is_success() {
        return Err(DiscoveryError::MetadataStatus {
            status: response.status,
        });
    }
    let statement = Capabilities::from_json(&response.body).map_err(|e| match e {
        CapabilityParseError::NotJson(detail) => DiscoveryError::MetadataUnreadable { detail },
        CapabilityParseError::WrongResourceType(found) => DiscoveryError::MetadataUnreadable {
            detail: format!("expected a CapabilityStatement, found {found}"),
        },
    })?;
    let endpoint = |name: &'static str, value: &Option<String>| match value {
        Some(text) => checked_endpoint(base, name, text),
        None => Err(DiscoveryError::MissingEndpoint {
            name,
            found_in: EndpointSource::CapabilityStatement,
        }),
    };
    let authorization_endpoint = endpoint("authorize", &statement.oauth.authorize)?;
    let token_endpoint = endpoint("token", &statement.oauth.token)?;
    let revocation_endpoint = statement
        .oauth
        .revoke
        .as_deref()
        .map(|text| checked_endpoint(base, "revoke", text))
        .transpose()?;
    Ok(Discovery {
        fhir_base: base.clone(),
        source: EndpointSource::CapabilityStatement,
        authorization_endpoint,
        token_endpoint,
        revocation_endpoint,
        configuration: None,
        capabilities: statement,
    })
}

fn checked_endpoint(
    base: &FhirBaseUrl,
    name: &'static str,
    text: &str,
) -> Result<Url, DiscoveryError> {
    let bad = || DiscoveryError::BadEndpoint {
        name,
        value: text.to_owned(),
    };
    let url = base.resolve(text).map_err(|_| bad())?;
    // Endpoints receive codes and tokens, so they get the same transport rule as FHIR bases.
    if !secure_transport(&url) || url.fragment().is_some() {
        return Err(bad());
    }
    Ok(url)
}

/// Why discovery failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DiscoveryError {
    /// The server did not answer (down, or no CORS headers on discovery).
    #[error("discovery request to {origin} failed")]
    Unreachable {
        /// The server's origin.
        origin: String,
    },
    /// No answer before the deadline.
    #[error("discovery request to {origin} unanswered after {seconds} s")]
    TimedOut {
        /// The server's origin.
        origin: String,
        /// The deadline.
        seconds: u32,
    },
    /// The well-known document answered neither 2xx nor 404.
    #[error("smart-configuration answered {status}")]
    WellKnownStatus {
        /// The status.
        status: u16,
    },
    /// The well-known document is not a JSON object.
    #[error("smart-configuration is not JSON: {detail}")]
    NotJson {
        /// The parser's words.
        detail: String,
    },
    /// A field has the wrong type.
    #[error("smart-configuration field {field} is not {expected}")]
    BadField {
        /// The field name.
        field: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// A required endpoint is missing.
    #[error("{name} missing from {found_in:?}")]
    MissingEndpoint {
        /// The field or extension name.
        name: &'static str,
        /// Where it should have been.
        found_in: EndpointSource,
    },
    /// An endpoint is not a usable https URL.
    #[error("{name} is not usable: {value}")]
    BadEndpoint {
        /// The field name.
        name: &'static str,
        /// What it said.
        value: String,
    },
    /// `code_challenge_methods_supported` lacks S256.
    #[error("S256 not offered: {offered}")]
    PkceS256NotOffered {
        /// What it does offer.
        offered: String,
    },
    /// The well-known document was 404 and the CapabilityStatement did not load.
    #[error("metadata answered {status}")]
    MetadataStatus {
        /// The status.
        status: u16,
    },
    /// The well-known document was 404 and the CapabilityStatement is unreadable.
    #[error("metadata unreadable: {detail}")]
    MetadataUnreadable {
        /// What was wrong.
        detail: String,
    },
    /// The server speaks a FHIR version Bedside does not read.
    #[error("unsupported FHIR version {version}")]
    UnsupportedFhirVersion {
        /// As the server wrote it.
        version: String,
    },
}

impl UserFacing for DiscoveryError {
    fn title(&self) -> String {
        match self {
            DiscoveryError::Unreachable { .. } | DiscoveryError::TimedOut { .. } => {
                "The health record server did not answer".into()
            }
            DiscoveryError::UnsupportedFhirVersion { .. } => "This FHIR server is too old".into(),
            _ => "The server's sign-in settings are unusable".into(),
        }
    }

    fn message(&self) -> String {
        match self {
            DiscoveryError::Unreachable { origin } => format!(
                "Bedside could not read the sign-in settings of {origin}: the server is \
                 unreachable, or it does not allow this app's origin (CORS)."
            ),
            DiscoveryError::TimedOut { origin, seconds } => format!(
                "Bedside asked {origin} for its sign-in settings and got no answer within \
                 {seconds} seconds, so it stopped waiting."
            ),
            DiscoveryError::WellKnownStatus { status } => format!(
                "The server's .well-known/smart-configuration answered with HTTP status {status}."
            ),
            DiscoveryError::NotJson { detail } => format!(
                "The server's .well-known/smart-configuration is not a JSON document ({detail})."
            ),
            DiscoveryError::BadField { field, expected } => format!(
                "In the server's .well-known/smart-configuration, the field \"{field}\" should be \
                 {expected}."
            ),
            DiscoveryError::MissingEndpoint { name, found_in } => match found_in {
                EndpointSource::WellKnown => {
                    format!("The server's .well-known/smart-configuration has no \"{name}\".")
                }
                EndpointSource::CapabilityStatement => format!(
                    "The server has no .well-known/smart-configuration, and its \
                     CapabilityStatement's oauth-uris extension has no \"{name}\" entry."
                ),
            },
            DiscoveryError::BadEndpoint { name, value } => {
                format!("The server's \"{name}\" endpoint ({value}) is not a secure web address.")
            }
            DiscoveryError::PkceS256NotOffered { offered } => format!(
                "The server does not offer PKCE with S256, which SMART requires (it offers: \
                 {offered})."
            ),
            DiscoveryError::MetadataStatus { status } => format!(
                "The server has no .well-known/smart-configuration, and its CapabilityStatement \
                 (metadata) answered with HTTP status {status}."
            ),
            DiscoveryError::MetadataUnreadable { detail } => format!(
                "The server has no .well-known/smart-configuration, and its CapabilityStatement \
                 could not be read: {detail}."
            ),
            DiscoveryError::UnsupportedFhirVersion { version } => {
                format!("The server speaks FHIR {version}; Bedside reads FHIR R4, R4B and R5.")
            }
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            DiscoveryError::Unreachable { .. } => {
                "Check the server address, and that the server is running.".into()
            }
            DiscoveryError::TimedOut { .. } => {
                "Start again in a moment; if it keeps happening, the server may be overloaded."
                    .into()
            }
            _ => "Tell the server's administrator; Bedside cannot sign in until this is fixed."
                .into(),
        })
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod tests;
