//! The session after the token: it lives in memory only (never in any storage), and it attaches
//! the bearer token only to requests for the FHIR server it was issued for. Its refresh and
//! sign-out decisions live in `lifecycle` and `revoke`.

use super::authorize::LaunchKind;
use super::refresh_gate::RefreshGate;
use super::scope::ScopeSet;
use super::secret::{AccessToken, RefreshToken};
use super::token::{ExchangeContext, FhirContextItem, TokenResponse};
use crate::config::ClientId;
use crate::fhir::{FhirBaseUrl, FhirId};
use crate::http::{HttpRequest, Purpose};
use crate::problem::UserFacing;
use thiserror::Error;
use url::Url;

/// The launch context the EHR or authorization server chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaunchContext {
    /// The patient in context: a session has one (see [`SessionError::NoPatient`]).
    pub patient: FhirId,
    /// The encounter in context, when the server named a valid one.
    pub encounter: Option<FhirId>,
    /// Further context.
    pub fhir_context: Vec<FhirContextItem>,
    /// False when the EHR already shows the patient.
    pub need_patient_banner: bool,
    /// The EHR's style document.
    pub smart_style_url: Option<String>,
    /// The launch intent.
    pub intent: Option<String>,
    /// The EHR tenant.
    pub tenant: Option<String>,
}

/// An authorized session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The server the token is for.
    pub fhir_base: FhirBaseUrl,
    pub(super) access_token: AccessToken,
    /// The refresh token, if any; replaced on rotation, dropped when a refresh fails.
    pub refresh_token: Option<RefreshToken>,
    /// When the access token expires, milliseconds since the epoch.
    pub expires_at_ms: Option<u64>,
    /// What was asked for.
    pub requested_scope: ScopeSet,
    /// What was granted (the request, when the server does not say: RFC 6749 §5.1), parsed
    /// leniently: a malformed entry grants nothing.
    pub granted_scope: ScopeSet,
    /// Context.
    pub context: LaunchContext,
    /// EHR or standalone.
    pub launch: LaunchKind,
    /// The token endpoint.
    pub token_endpoint: Url,
    /// The revocation endpoint.
    pub revocation_endpoint: Option<Url>,
    /// The client id.
    pub client_id: ClientId,
    /// Refresh bookkeeping: issue time, lead, the refresh in flight, failures.
    pub(super) gate: RefreshGate,
}

/// Why a token response cannot start a session.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SessionError {
    /// The response named no patient, and Bedside shows one patient.
    #[error("no patient in context")]
    NoPatient,
    /// `patient` is not a FHIR id (FHIR R4 §2.24.0.1: `[A-Za-z0-9\-\.]{1,64}`).
    #[error("patient id malformed")]
    MalformedPatientId(String),
}

impl UserFacing for SessionError {
    fn title(&self) -> String {
        "No patient was selected".into()
    }

    fn message(&self) -> String {
        match self {
            SessionError::NoPatient => {
                "The sign-in finished without choosing a patient, and Bedside shows one patient's \
                 summary."
                    .into()
            }
            SessionError::MalformedPatientId(id) => format!(
                "The sign-in server named the patient \u{201c}{id}\u{201d}, which is not a valid FHIR id."
            ),
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            "Open the app from your EHR with a patient open, or start again and pick a patient."
                .into(),
        )
    }
}

impl Session {
    /// Starts a session from a token response; `now_ms` fixes the expiry.
    pub fn start(
        exchange: ExchangeContext,
        token: TokenResponse,
        now_ms: u64,
    ) -> Result<Session, SessionError> {
        let named = token.patient.ok_or(SessionError::NoPatient)?;
        let patient = FhirId::parse(&named).ok_or(SessionError::MalformedPatientId(named))?;
        let granted_scope = if token.scope.is_empty() {
            exchange.requested_scope.clone()
        } else {
            ScopeSet::parse_lenient(&token.scope)
        };
        Ok(Session {
            fhir_base: exchange.fhir_base,
            access_token: token.access_token,
            refresh_token: token.refresh_token,
            expires_at_ms: token
                .expires_in
                .map(|seconds| now_ms.saturating_add(seconds.saturating_mul(1000))),
            requested_scope: exchange.requested_scope,
            granted_scope,
            context: LaunchContext {
                patient,
                encounter: token.encounter.as_deref().and_then(FhirId::parse),
                fhir_context: token.fhir_context,
                need_patient_banner: token.need_patient_banner,
                smart_style_url: token.smart_style_url,
                intent: token.intent,
                tenant: token.tenant,
            },
            launch: exchange.launch,
            token_endpoint: exchange.token_endpoint,
            revocation_endpoint: exchange.revocation_endpoint,
            client_id: exchange.client_id,
            gate: RefreshGate::new(now_ms),
        })
    }

    /// A FHIR read of `relative` (e.g. `Patient/123`) below the base, with the bearer token.
    pub fn read(&self, relative: &str) -> HttpRequest {
        self.authorize(HttpRequest::get(
            Purpose::FhirRead,
            self.fhir_base.join(relative),
            "application/fhir+json",
        ))
    }

    /// Adds the bearer token when, and only when, the request goes to this session's FHIR
    /// server (same origin, at or below the base path). Anything else leaves unchanged, so a
    /// paging link or reference pointing elsewhere never receives the token.
    pub fn authorize(&self, mut request: HttpRequest) -> HttpRequest {
        if self.fhir_base.covers(&request.url) {
            request.headers.push((
                "Authorization".into(),
                format!("Bearer {}", self.access_token.expose()),
            ));
        }
        request
    }

    /// The access token's length, for the launch inspector; the token itself stays here.
    pub fn access_token_length(&self) -> usize {
        self.access_token.expose().chars().count()
    }

    /// The patient in context.
    pub fn patient_id(&self) -> &FhirId {
        &self.context.patient
    }
}

/// A session started from the token response `body`, for tests anywhere in the crate.
#[cfg(test)]
pub(crate) fn test_session(body: &str, revocation: Option<&str>) -> Session {
    let exchange = ExchangeContext {
        fhir_base: FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
        token_endpoint: Url::parse("https://ehr.example/auth/token").unwrap(),
        revocation_endpoint: revocation.map(|u| Url::parse(u).unwrap()),
        client_id: "bedside".into(),
        requested_scope: ScopeSet::parse_lenient("launch patient/*.rs"),
        launch: LaunchKind::Standalone,
    };
    let response = Ok(crate::http::HttpResponse {
        status: 200,
        content_type: None,
        body: body.into(),
    });
    let token =
        crate::smart::token::parse_token_response(&exchange.token_endpoint, response).unwrap();
    Session::start(exchange, token, 0).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpResponse;
    use crate::smart::token::parse_token_response;

    fn exchange() -> ExchangeContext {
        ExchangeContext {
            fhir_base: FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
            token_endpoint: Url::parse("https://ehr.example/token").unwrap(),
            revocation_endpoint: None,
            client_id: "bedside".into(),
            requested_scope: ScopeSet::parse_lenient("launch patient/*.rs"),
            launch: LaunchKind::Standalone,
        }
    }

    fn token(body: &str) -> TokenResponse {
        let response = Ok(HttpResponse {
            status: 200,
            content_type: None,
            body: body.into(),
        });
        parse_token_response(&exchange().token_endpoint, response).unwrap()
    }

    fn session() -> Session {
        let body = r#"{"access_token":"secret-at","token_type":"Bearer","expires_in":300,"patient":"p-1"}"#;
        Session::start(exchange(), token(body), 1_000).unwrap()
    }

    fn bearer(request: &HttpRequest) -> Option<&str> {
        request.header("authorization")
    }

    #[test]
    fn reads_of_the_issuing_server_carry_the_bearer_token() {
        let request = session().read("Patient/p-1");
        assert_eq!(request.url.as_str(), "https://ehr.example/fhir/Patient/p-1");
        assert_eq!(bearer(&request), Some("Bearer secret-at"));
    }

    #[test]
    fn the_bearer_token_never_goes_to_another_origin_or_path() {
        let session = session();
        for elsewhere in [
            "https://evil.example/fhir/Patient/p-1",
            "https://ehr.example/fhirish/Patient",
            "https://ehr.example/other",
            "http://ehr.example/fhir/Patient/p-1",
        ] {
            let request = HttpRequest::get(
                Purpose::FhirSearch,
                Url::parse(elsewhere).unwrap(),
                "application/fhir+json",
            );
            assert_eq!(bearer(&session.authorize(request)), None, "{elsewhere}");
        }
    }

    #[test]
    fn the_bearer_token_never_goes_to_an_encoded_path_outside_the_base() {
        let session = session();
        for escaping in [
            "https://ehr.example/fhir/..%2Foutside%2FCondition?patient=p-1",
            "https://ehr.example/fhir/%2e%2e%2Foutside",
            "https://ehr.example/fhir/..;/outside",
        ] {
            let request = HttpRequest::get(
                Purpose::FhirSearch,
                Url::parse(escaping).unwrap(),
                "application/fhir+json",
            );
            assert_eq!(bearer(&session.authorize(request)), None, "{escaping}");
        }
    }

    #[test]
    fn expiry_is_computed_from_the_time_handed_in() {
        assert_eq!(session().expires_at_ms, Some(301_000));
    }

    #[test]
    fn the_granted_scope_defaults_to_the_requested_one_when_not_echoed() {
        assert_eq!(session().granted_scope.to_string(), "launch patient/*.rs");
    }

    #[test]
    fn a_token_without_patient_context_cannot_start_a_session() {
        let body = r#"{"access_token":"a","token_type":"Bearer"}"#;
        assert_eq!(
            Session::start(exchange(), token(body), 0).unwrap_err(),
            SessionError::NoPatient
        );
    }

    #[test]
    fn a_path_traversing_patient_id_is_refused() {
        let body = r#"{"access_token":"a","token_type":"Bearer","patient":"../Practitioner/1"}"#;
        assert!(matches!(
            Session::start(exchange(), token(body), 0).unwrap_err(),
            SessionError::MalformedPatientId(_)
        ));
    }

    #[test]
    fn granted_scopes_are_parsed_from_the_granted_scope_text() {
        assert_eq!(session().granted_scope.to_string(), "launch patient/*.rs");
    }

    #[test]
    fn session_debug_output_does_not_contain_the_token() {
        assert!(!format!("{:?}", session()).contains("secret-at"));
    }
}
