//! What a server's CapabilityStatement (FHIR R4 §2.40) tells the launch: its FHIR version and,
//! for servers without `.well-known/smart-configuration`, the OAuth endpoints in the
//! `oauth-uris` extension (SMART App Launch 2.x, "Conformance").

use serde::Deserialize;
use serde_json::Value;

const OAUTH_URIS: &str = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

/// The endpoints listed in the `oauth-uris` extension, as written (possibly relative).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The parts of a CapabilityStatement the launch uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilitySummary {
    /// `fhirVersion`, if stated.
    pub release: Option<FhirRelease>,
    /// The `oauth-uris` extension of the first `rest` entry's `security`.
    pub oauth: OAuthUris,
}

/// Why a metadata body is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CapabilityParseError {
    /// Not JSON (some servers answer XML when the Accept header is ignored).
    NotJson(String),
    /// JSON, but not a CapabilityStatement.
    WrongResourceType(String),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Statement {
    resource_type: Option<String>,
    fhir_version: Option<String>,
    #[serde(default)]
    rest: Vec<Value>,
}

impl CapabilitySummary {
    /// Parses a CapabilityStatement body. Extensions of the wrong shape are ignored rather
    /// than failing the launch, since the well-known document is the primary source.
    pub fn from_json(body: &str) -> Result<Self, CapabilityParseError> {
        let statement: Statement =
            serde_json::from_str(body).map_err(|e| CapabilityParseError::NotJson(e.to_string()))?;
        match statement.resource_type.as_deref() {
            Some("CapabilityStatement") | Some("Conformance") => {}
            other => {
                return Err(CapabilityParseError::WrongResourceType(
                    other.unwrap_or("(none)").to_owned(),
                ))
            }
        }
        let oauth = statement
            .rest
            .first()
            .and_then(|rest| rest.pointer("/security/extension"))
            .and_then(Value::as_array)
            .and_then(|extensions| {
                extensions
                    .iter()
                    .find(|e| e.get("url").and_then(Value::as_str) == Some(OAUTH_URIS))
            })
            .map(read_oauth_uris)
            .unwrap_or_default();
        Ok(CapabilitySummary {
            release: statement
                .fhir_version
                .as_deref()
                .map(FhirRelease::from_version),
            oauth,
        })
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
mod tests {
    use super::*;

    const STATEMENT: &str = r#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1",
      "rest":[{"mode":"server","security":{"extension":[{"url":
      "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris","extension":[
        {"url":"authorize","valueUri":"https://auth.example/authorize"},
        {"url":"token","valueUri":"https://auth.example/token"},
        {"url":"revoke","valueUri":"https://auth.example/revoke"},
        {"url":"future-thing","valueUri":"https://auth.example/x"}]}]}}]}"#;

    #[test]
    fn oauth_uris_are_read_from_the_security_extension() {
        let summary = CapabilitySummary::from_json(STATEMENT).unwrap();
        assert_eq!(
            summary.oauth.authorize.as_deref(),
            Some("https://auth.example/authorize")
        );
        assert_eq!(
            summary.oauth.token.as_deref(),
            Some("https://auth.example/token")
        );
        assert_eq!(
            summary.oauth.revoke.as_deref(),
            Some("https://auth.example/revoke")
        );
        assert_eq!(summary.release, Some(FhirRelease::R4));
    }

    #[test]
    fn releases_are_classified_and_old_ones_named() {
        assert_eq!(FhirRelease::from_version("4.3.0"), FhirRelease::R4B);
        assert_eq!(FhirRelease::from_version("5.0.0"), FhirRelease::R5);
        assert_eq!(
            FhirRelease::from_version("3.0.2"),
            FhirRelease::Unsupported("3.0.2".into())
        );
        assert_eq!(
            FhirRelease::from_version("1.0.2"),
            FhirRelease::Unsupported("1.0.2".into())
        );
    }

    #[test]
    fn an_xml_answer_is_reported_as_not_json() {
        assert!(matches!(
            CapabilitySummary::from_json("<CapabilityStatement xmlns=\"http://hl7.org/fhir\"/>"),
            Err(CapabilityParseError::NotJson(_))
        ));
    }

    #[test]
    fn a_statement_without_security_has_no_oauth_uris() {
        let summary =
            CapabilitySummary::from_json(r#"{"resourceType":"CapabilityStatement","rest":[{}]}"#)
                .unwrap();
        assert_eq!(summary.oauth, OAuthUris::default());
        assert_eq!(summary.release, None);
    }
}
