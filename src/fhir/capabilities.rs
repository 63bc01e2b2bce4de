//! What a server's CapabilityStatement (FHIR R4 §2.40) says it can do, as a typed model the
//! query planner asks questions of: resources and their interactions, search parameters,
//! `_include`s, profiles and operations. It also carries the `oauth-uris` extension (SMART App
//! Launch 2.x, "Conformance") for servers without `.well-known/smart-configuration`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

const OAUTH_URIS: &str = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

/// The endpoints listed in the `oauth-uris` extension, as written (possibly relative).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthUris {
    /// `authorize`.
    pub authorize: Option<String>,
    /// `token`.
    pub token: Option<String>,
    /// `register`.
    pub register: Option<String>,
    /// `manage`.
    pub manage: Option<String>,
    /// `introspect`.
    pub introspect: Option<String>,
    /// `revoke`.
    pub revoke: Option<String>,
}

/// The release family of a `fhirVersion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FhirRelease {
    /// 4.0.x.
    R4,
    /// 4.3.x.
    R4B,
    /// 5.0.x.
    R5,
    /// DSTU2, STU3 or anything else Bedside does not read, with the version as written.
    Unsupported(String),
}

impl FhirRelease {
    /// Classifies a `fhirVersion` string such as `4.0.1`.
    pub fn from_version(version: &str) -> Self {
        let mut parts = version.trim().split('.');
        match (parts.next(), parts.next()) {
            (Some("4"), Some("0")) => FhirRelease::R4,
            (Some("4"), Some("3")) => FhirRelease::R4B,
            (Some("5"), Some("0")) => FhirRelease::R5,
            _ => FhirRelease::Unsupported(version.trim().to_owned()),
        }
    }
}

/// A search parameter: its name and FHIR search type (`token`, `date`, `reference`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParam {
    /// e.g. `category`.
    pub name: String,
    /// e.g. `token`; empty when the server did not say.
    pub kind: String,
}

/// What the server supports for one resource type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceCapability {
    /// Interaction codes, e.g. `read`, `search-type`.
    pub interactions: Vec<String>,
    /// Search parameters.
    pub search_params: Vec<SearchParam>,
    /// `searchInclude` values, e.g. `MedicationRequest:medication`.
    pub search_include: Vec<String>,
    /// `searchRevInclude` values.
    pub search_rev_include: Vec<String>,
    /// Supported profiles (canonical URLs).
    pub supported_profiles: Vec<String>,
    /// Operation names, e.g. `everything`.
    pub operations: Vec<String>,
}

/// Why the model is conservative rather than read from the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapabilityNotice {
    /// metadata could not be fetched or answered an error.
    Unavailable(String),
    /// metadata answered something that is not a JSON CapabilityStatement.
    Unreadable(String),
}

impl CapabilityNotice {
    /// The notice in plain words, for the capability report.
    pub fn message(&self) -> String {
        let why = match self {
            CapabilityNotice::Unavailable(why) | CapabilityNotice::Unreadable(why) => why,
        };
        format!(
            "The server's CapabilityStatement could not be used ({why}), so Bedside asks only the \
             simplest queries and filters and sorts on this device."
        )
    }
}

/// The server's capabilities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// `fhirVersion`, if stated.
    pub release: Option<FhirRelease>,
    /// `format` (mime types or `json`/`xml`).
    pub formats: Vec<String>,
    /// Per resource type.
    pub resources: BTreeMap<String, ResourceCapability>,
    /// Search parameters valid for every type (`rest.searchParam`).
    pub common_search_params: Vec<SearchParam>,
    /// System-level operation names.
    pub system_operations: Vec<String>,
    /// The `oauth-uris` extension of the first `rest` entry's `security`.
    pub oauth: OAuthUris,
    /// Set when this model is a conservative guess.
    pub notice: Option<CapabilityNotice>,
    /// What a conservative guess assumes of every resource type it is asked about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<ResourceCapability>,
}

/// Why a metadata body is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapabilityParseError {
    /// Not JSON (some servers answer XML when the Accept header is ignored).
    NotJson(String),
    /// JSON, but not a CapabilityStatement.
    WrongResourceType(String),
}

impl Capabilities {
    /// Parses a CapabilityStatement body.
    pub fn from_json(body: &str) -> Result<Self, CapabilityParseError> {
        let statement: Value =
            serde_json::from_str(body).map_err(|e| CapabilityParseError::NotJson(e.to_string()))?;
        match statement.get("resourceType").and_then(Value::as_str) {
            Some("CapabilityStatement") | Some("Conformance") => {}
            other => {
                return Err(CapabilityParseError::WrongResourceType(
                    other.unwrap_or("(none)").to_owned(),
                ))
            }
        }
        let rest = statement
            .get("rest")
            .and_then(Value::as_array)
            .and_then(|rests| {
                rests
                    .iter()
                    .find(|r| r.get("mode").and_then(Value::as_str) != Some("client"))
            });
        let resources = rest
            .and_then(|r| r.get("resource"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|resource| {
                let kind = resource.get("type")?.as_str()?.to_owned();
                Some((kind, read_resource(resource)))
            })
            .collect();
        Ok(Capabilities {
            release: statement
                .get("fhirVersion")
                .and_then(Value::as_str)
                .map(FhirRelease::from_version),
            formats: strings(statement.get("format")),
            resources,
            common_search_params: rest
                .map(|r| search_params(r.get("searchParam")))
                .unwrap_or_default(),
            system_operations: rest
                .map(|r| operation_names(r.get("operation")))
                .unwrap_or_default(),
            oauth: rest
                .and_then(|r| r.pointer("/security/extension"))
                .and_then(Value::as_array)
                .and_then(|extensions| {
                    extensions
                        .iter()
                        .find(|e| e.get("url").and_then(Value::as_str) == Some(OAUTH_URIS))
                })
                .map(read_oauth_uris)
                .unwrap_or_default(),
            notice: None,
            assumed: None,
        })
    }

    /// The model used when the CapabilityStatement is missing or broken: every resource type
    /// can be read and searched by `patient` (the least a SMART patient app needs: SMART App
    /// Launch, US Core), and nothing else is assumed.
    pub fn conservative(notice: CapabilityNotice) -> Self {
        let basic = ResourceCapability {
            interactions: vec!["read".into(), "search-type".into()],
            search_params: vec![SearchParam {
                name: "patient".into(),
                kind: "reference".into(),
            }],
            ..ResourceCapability::default()
        };
        Capabilities {
            release: None,
            formats: Vec::new(),
            resources: BTreeMap::new(),
            common_search_params: Vec::new(),
            system_operations: Vec::new(),
            oauth: OAuthUris::default(),
            notice: Some(notice),
            assumed: Some(basic),
        }
    }

    /// The capability of one resource type, if the server has it.
    pub fn resource(&self, resource_type: &str) -> Option<&ResourceCapability> {
        self.resources.get(resource_type).or(self.assumed.as_ref())
    }

    /// True when the type can be searched (a `search-type` interaction).
    pub fn supports_search_type(&self, resource_type: &str) -> bool {
        self.resource(resource_type)
            .is_some_and(|r| r.interactions.iter().any(|i| i == "search-type"))
    }

    /// True when the type can be read by id.
    pub fn supports_read(&self, resource_type: &str) -> bool {
        self.resource(resource_type)
            .is_some_and(|r| r.interactions.iter().any(|i| i == "read"))
    }

    /// True when the type can be searched with this parameter (declared on the type, or on
    /// every type via `rest.searchParam`).
    pub fn supports_search(&self, resource_type: &str, param: &str) -> bool {
        self.supports_search_type(resource_type)
            && (self
                .resource(resource_type)
                .is_some_and(|r| r.search_params.iter().any(|p| p.name == param))
                || self.common_search_params.iter().any(|p| p.name == param))
    }

    /// True when results can be sorted by `param` on the server: `_sort` must be declared
    /// (servers that do not declare it may reject it) and `param` must be searchable.
    pub fn supports_sort(&self, resource_type: &str, param: &str) -> bool {
        self.supports_search(resource_type, "_sort") && self.supports_search(resource_type, param)
    }

    /// True when `_include=value` is declared for the type.
    pub fn supports_include(&self, resource_type: &str, include: &str) -> bool {
        self.resource(resource_type)
            .is_some_and(|r| r.search_include.iter().any(|i| i == include))
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

fn search_params(value: Option<&Value>) -> Vec<SearchParam> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| {
            Some(SearchParam {
                name: p.get("name")?.as_str()?.to_owned(),
                kind: p
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            })
        })
        .collect()
}

fn operation_names(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|op| op.get("name").and_then(Value::as_str))
        .map(|name| name.trim_start_matches('$').to_owned())
        .collect()
}

fn read_resource(resource: &Value) -> ResourceCapability {
    ResourceCapability {
        interactions: resource
            .get("interaction")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|i| i.get("code").and_then(Value::as_str))
            .map(str::to_owned)
            .collect(),
        search_params: search_params(resource.get("searchParam")),
        search_include: strings(resource.get("searchInclude")),
        search_rev_include: strings(resource.get("searchRevInclude")),
        supported_profiles: strings(resource.get("supportedProfile")),
        operations: operation_names(resource.get("operation")),
    }
}

fn read_oauth_uris(extension: &Value) -> OAuthUris {
    let mut uris = OAuthUris::default();
    let entries = extension.get("extension").and_then(Value::as_array);
    for entry in entries.into_iter().flatten() {
        let (Some(name), Some(value)) = (
            entry.get("url").and_then(Value::as_str),
            entry.get("valueUri").and_then(Value::as_str),
        ) else {
            continue;
        };
        let slot = match name {
            "authorize" => &mut uris.authorize,
            "token" => &mut uris.token,
            "register" => &mut uris.register,
            "manage" => &mut uris.manage,
            "introspect" => &mut uris.introspect,
            "revoke" => &mut uris.revoke,
            _ => continue,
        };
        *slot = Some(value.to_owned());
    }
    uris
}

#[cfg(test)]
#[path = "capabilities_tests.rs"]
mod tests;
