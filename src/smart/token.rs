//! The authorization-code exchange (RFC 6749 §4.1.3–§4.1.4, §5.1–§5.2; RFC 7636 §4.5) and the
//! SMART launch context that rides on the token response (SMART App Launch 2.x §"Launch context
//! arrives with your access_token").

use super::authorize::LaunchKind;
use super::bearer::{check_bearer_token, TokenDefect};
use super::callback::StateVerified;
use super::oauth_error::OAuthErrorCode;
use super::scope::ScopeSet;
use super::secret::{AccessToken, IdToken, RefreshToken};
use crate::config::ClientId;
use crate::fhir::FhirBaseUrl;
use crate::http::{FailureKind, HttpRequest, HttpResult, Purpose};
use crate::problem::UserFacing;
use serde_json::{Map, Value};
use thiserror::Error;
use url::Url;

/// What the session needs from the in-flight record once its verifier has been spent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeContext {
    /// The FHIR server the token is for.
    pub fhir_base: FhirBaseUrl,
    /// The token endpoint (for refresh later).
    pub token_endpoint: Url,
    /// The revocation endpoint, if any.
    pub revocation_endpoint: Option<Url>,
    /// The client id.
    pub client_id: ClientId,
    /// The scope that was asked for.
    pub requested_scope: ScopeSet,
    /// EHR or standalone.
    pub launch: LaunchKind,
}

/// Builds the token request, consuming the proof (and with it the verifier).
pub fn token_request(verified: StateVerified) -> (HttpRequest, ExchangeContext) {
    let StateVerified { code, record } = verified;
    let request = HttpRequest::post_form(
        Purpose::Token,
        record.token_endpoint.clone(),
        &[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", record.redirect_uri.as_str()),
            ("client_id", record.client_id.as_str()),
            ("code_verifier", record.verifier.expose()),
        ],
    );
    let context = ExchangeContext {
        fhir_base: record.fhir_base,
        token_endpoint: record.token_endpoint,
        revocation_endpoint: record.revocation_endpoint,
        client_id: record.client_id,
        requested_scope: record.requested_scope,
        launch: record.launch,
    };
    (request, context)
}

/// One `fhirContext` entry (SMART App Launch 2.2): a reference, canonical or identifier, with
/// an optional type and role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FhirContextItem {
    /// A relative reference, e.g. `DiagnosticReport/123`.
    pub reference: Option<String>,
    /// A canonical URL, e.g. a Questionnaire's.
    pub canonical: Option<String>,
    /// An identifier object, kept as JSON.
    pub identifier: Option<Value>,
    /// The resource type.
    pub resource_type: Option<String>,
    /// The role of this context item.
    pub role: Option<String>,
}

/// A successful token response, typed.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: AccessToken,
    /// `expires_in`, seconds.
    pub expires_in: Option<u64>,
    /// `scope`, trimmed (some servers add trailing spaces).
    pub scope: String,
    /// `refresh_token`.
    pub refresh_token: Option<RefreshToken>,
    /// `id_token`, not yet validated.
    pub id_token: Option<IdToken>,
    /// `patient`.
    pub patient: Option<String>,
    /// `encounter`.
    pub encounter: Option<String>,
    /// `fhirContext`.
    pub fhir_context: Vec<FhirContextItem>,
    /// `need_patient_banner` (absent means true: the app must show a banner).
    pub need_patient_banner: bool,
    /// `smart_style_url`.
    pub smart_style_url: Option<String>,
    /// `intent`.
    pub intent: Option<String>,
    /// `tenant`.
    pub tenant: Option<String>,
    /// Fields not listed above, e.g. vendor extensions.
    pub extra: Map<String, Value>,
}

/// Interprets the token endpoint's answer.
pub fn parse_token_response(
    token_endpoint: &Url,
    result: HttpResult,
) -> Result<TokenResponse, TokenError> {
    let origin = token_endpoint.origin().ascii_serialization();
    let response = result.map_err(|failure| match failure.kind {
        FailureKind::TimedOut { seconds } => TokenError::TimedOut { origin, seconds },
        FailureKind::Redirected => TokenError::Redirected { origin },
        FailureKind::Unreachable | FailureKind::Unsendable => TokenError::Unreachable { origin },
    })?;
    let json: Option<Map<String, Value>> = serde_json::from_str(&response.body).ok();
    if !response.is_success() {
        let error = json.as_ref().and_then(|body| text(body, "error"));
        return Err(match error {
            Some(code) => TokenError::Refused {
                code: OAuthErrorCode::parse(&code),
                description: json.as_ref().and_then(|b| text(b, "error_description")),
            },
            None => TokenError::Status {
                status: response.status,
            },
        });
    }
    let mut body = json.ok_or(TokenError::NotJson)?;
    let access_token =
        take_text(&mut body, "access_token")?.ok_or(TokenError::MissingField("access_token"))?;
    let token_type =
        take_text(&mut body, "token_type")?.ok_or(TokenError::MissingField("token_type"))?;
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::UnsupportedTokenType(token_type));
    }
    check_bearer_token(&access_token).map_err(TokenError::MalformedAccessToken)?;
    Ok(TokenResponse {
        access_token: AccessToken::new(access_token),
        expires_in: take_seconds(&mut body, "expires_in")?,
        scope: take_text(&mut body, "scope")?
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default(),
        refresh_token: take_text(&mut body, "refresh_token")?.map(RefreshToken::new),
        id_token: take_text(&mut body, "id_token")?.map(IdToken::new),
        patient: take_text(&mut body, "patient")?,
        encounter: take_text(&mut body, "encounter")?,
        fhir_context: take_fhir_context(&mut body)?,
        need_patient_banner: take_flag(&mut body, "need_patient_banner")?.unwrap_or(true),
        smart_style_url: take_text(&mut body, "smart_style_url")?,
        intent: take_text(&mut body, "intent")?,
        tenant: take_text(&mut body, "tenant")?,
        extra: body,
    })
}

fn text(body: &Map<String, Value>, name: &str) -> Option<String> {
    body.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn take_text(
    body: &mut Map<String, Value>,
    name: &'static str,
) -> Result<Option<String>, TokenError> {
    match body.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(TokenError::BadField(name)),
    }
}

// Some servers send numbers as strings ("3600"); the value is still unambiguous.
fn take_seconds(
    body: &mut Map<String, Value>,
    name: &'static str,
) -> Result<Option<u64>, TokenError> {
    match body.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(TokenError::BadField(name)),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| TokenError::BadField(name)),
        Some(_) => Err(TokenError::BadField(name)),
    }
}

// Some servers send booleans as strings ("false"); the value is still unambiguous.
fn take_flag(
    body: &mut Map<String, Value>,
    name: &'static str,
) -> Result<Option<bool>, TokenError> {
    match body.remove(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(TokenError::BadField(name)),
    }
}

fn take_fhir_context(body: &mut Map<String, Value>) -> Result<Vec<FhirContextItem>, TokenError> {
    const NAME: &str = "fhirContext";
    let items = match body.remove(NAME) {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(TokenError::BadField(NAME)),
    };
    items
        .into_iter()
        .map(|item| {
            let Value::Object(mut fields) = item else {
                return Err(TokenError::BadField(NAME));
            };
            let mut text_of = |key: &'static str| {
                take_text(&mut fields, key).map_err(|_| TokenError::BadField(NAME))
            };
            Ok(FhirContextItem {
                reference: text_of("reference")?,
                canonical: text_of("canonical")?,
                resource_type: text_of("type")?,
                role: text_of("role")?,
                identifier: fields.remove("identifier"),
            })
        })
        .collect()
}

/// Why the code could not be exchanged for a token.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    /// No response (down, or no CORS headers for this app's origin).
    #[error("token endpoint {origin} unreachable")]
    Unreachable {
        /// The token endpoint's origin.
        origin: String,
    },
    /// No answer before the deadline.
    #[error("token endpoint {origin} did not answer in {seconds} s")]
    TimedOut {
        /// The token endpoint's origin.
        origin: String,
        /// The deadline.
        seconds: u32,
    },
    /// A redirect instead of an answer; not followed, since it would carry the code and the
    /// PKCE verifier (or the refresh token) elsewhere.
    #[error("token endpoint {origin} redirected")]
    Redirected {
        /// The token endpoint's origin.
        origin: String,
    },
    /// An OAuth error response (RFC 6749 §5.2).
    #[error("token request refused: {}", code.as_str())]
    Refused {
        /// The error code.
        code: OAuthErrorCode,
        /// The server's description.
        description: Option<String>,
    },
    /// A non-2xx without an OAuth error body.
    #[error("token endpoint answered {status}")]
    Status {
        /// The HTTP status.
        status: u16,
    },
    /// A 2xx that is not a JSON object.
    #[error("token response is not JSON")]
    NotJson,
    /// A required field is missing.
    #[error("token response lacks {0}")]
    MissingField(&'static str),
    /// A field has the wrong type.
    #[error("token response field {0} malformed")]
    BadField(&'static str),
    /// A token type other than Bearer.
    #[error("token type {0} unsupported")]
    UnsupportedTokenType(String),
    /// An access token that cannot be a bearer token (RFC 6750 §2.1); the token itself is not
    /// kept here, so it cannot reach a message or a log.
    #[error("access token malformed: {0}")]
    MalformedAccessToken(TokenDefect),
}

impl UserFacing for TokenError {
    fn title(&self) -> String {
        match self {
            TokenError::Unreachable { .. } | TokenError::TimedOut { .. } => {
                "The sign-in server did not answer".into()
            }
            TokenError::Refused { .. } | TokenError::Redirected { .. } => {
                "Sign-in could not be completed".into()
            }
            TokenError::MalformedAccessToken(_) => {
                "The sign-in server issued an unusable access token".into()
            }
            _ => "The sign-in server sent an unusable answer".into(),
        }
    }

    fn message(&self) -> String {
        match self {
            TokenError::Unreachable { origin } => format!(
                "Exchanging the sign-in for an access token at {origin} failed before any answer \
                 arrived: the server is unreachable, or it does not allow this app's origin (CORS)."
            ),
            TokenError::TimedOut { origin, seconds } => format!(
                "Exchanging the sign-in for an access token at {origin} got no answer within \
                 {seconds} seconds, so Bedside stopped waiting."
            ),
            TokenError::Redirected { origin } => format!(
                "The token endpoint at {origin} sent the request elsewhere. Bedside did not \
                 follow, so the sign-in's code stays with this server."
            ),
            TokenError::MalformedAccessToken(defect) => format!(
                "The access token from the sign-in server {defect}. An access token may hold \
                 only letters, digits and - . _ ~ + / (with = at the end), so Bedside did not \
                 use it."
            ),
            TokenError::Refused { code, description } => match description {
                Some(words) => format!("{} The server said: \u{201c}{words}\u{201d}", code.sentence()),
                None => code.sentence(),
            },
            TokenError::Status { status } => {
                format!("The token endpoint answered with HTTP status {status}.")
            }
            TokenError::NotJson => "The token endpoint's answer is not a JSON object.".into(),
            TokenError::MissingField(name) => {
                format!("The token endpoint's answer has no \"{name}\".")
            }
            TokenError::BadField(name) => {
                format!("The token endpoint's answer has a malformed \"{name}\".")
            }
            TokenError::UnsupportedTokenType(kind) => format!(
                "The token endpoint issued a \u{201c}{kind}\u{201d} token; Bedside uses Bearer tokens."
            ),
        }
    }

    fn hint(&self) -> Option<String> {
        Some("Open the app from your EHR or start again.".into())
    }
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
