//! The authorization request (RFC 6749 §4.1.1 with SMART App Launch 2.x additions: `aud`,
//! `launch`, PKCE S256) and the in-flight record that carries what the callback needs across
//! the redirect.

use super::discovery::{Capability, Discovery};
use super::pkce::CodeVerifier;
use super::scope::ScopeSet;
use crate::config::ClientId;
use crate::fhir::capabilities::Capabilities;
use crate::fhir::FhirBaseUrl;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use url::Url;

/// An in-flight record older than this is refused at the callback: an authorization that
/// took longer was abandoned, and its verifier should not stay usable.
pub const MAX_IN_FLIGHT_AGE_MS: u64 = 10 * 60 * 1000;

/// The `state` parameter: 256 CSPRNG bits, base64url (the SMART IG asks for at least 122).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct State(String);

impl State {
    /// A state from 32 random bytes.
    pub fn from_random(bytes: [u8; 32]) -> Self {
        State(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The state text as it travels in URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The state as the callback presented it.
    pub fn from_callback(text: &str) -> Self {
        State(text.to_owned())
    }
}

/// How the launch began.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LaunchKind {
    /// From inside an EHR, with its opaque `launch` value.
    Ehr {
        /// The EHR's launch parameter, sent back unchanged.
        launch: String,
    },
    /// Opened directly; the authorization server asks for the patient.
    Standalone,
}

/// Random bytes the shell draws for one authorization.
#[derive(Clone, Copy)]
pub struct Entropy {
    /// For `state`.
    pub state: [u8; 32],
    /// For the PKCE verifier.
    pub verifier: [u8; 32],
    /// For the OpenID Connect `nonce`.
    pub nonce: [u8; 32],
}

/// What the authorization request needs beyond discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSettings {
    /// The registered client id.
    pub client_id: ClientId,
    /// The registered redirect URI, exactly.
    pub redirect_uri: Url,
    /// The scope string to request.
    pub scope: String,
}

/// What survives the redirect in sessionStorage, keyed by state. It holds the verifier but no
/// token: SMART allows this much, and it is deleted at the callback.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlightRecord {
    /// The state this record answers to.
    pub state: State,
    /// The PKCE verifier.
    pub verifier: CodeVerifier,
    /// The FHIR server being authorized (the `aud`).
    pub fhir_base: FhirBaseUrl,
    /// The authorization server the user was sent to; the answer must come from it.
    pub authorization_server: AuthorizationServer,
    /// Where to exchange the code.
    pub token_endpoint: Url,
    /// Where to revoke tokens, if offered.
    pub revocation_endpoint: Option<Url>,
    /// The client id.
    pub client_id: ClientId,
    /// The redirect URI the request named (this server's own when configured): the answer
    /// must arrive there, and the token request repeats it.
    pub redirect_uri: Url,
    /// The scope requested, to compare with what is granted.
    pub requested_scope: ScopeSet,
    /// EHR or standalone.
    pub launch: LaunchKind,
    /// Milliseconds since the Unix epoch when the request was built.
    pub created_at_ms: u64,
    /// The server's capabilities, fetched before the redirect (they are public) so that no
    /// request after the callback waits on the CapabilityStatement.
    pub capabilities: Capabilities,
    /// What checking an id_token needs, when `openid` was requested.
    #[serde(default)]
    pub identity: Option<IdentityCheck>,
    /// The request deadline `config.json` set, so that the callback page's token request keeps
    /// it without reading `config.json` again: that would be a round trip before the token.
    #[serde(default)]
    pub request_timeout_seconds: Option<u32>,
}

/// The authorization server a sign-in was sent to, so that the callback can tell whether the
/// answer came from it (the mix-up defence, RFC 9700 §4.4.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationServer {
    /// The issuer identifier an `iss` response parameter must equal (RFC 9207 §2.4): the
    /// `issuer` of the server's `.well-known/smart-configuration` when it names one (SMART App
    /// Launch 2.2 §"Metadata", the same identifier its id_tokens carry), else the FHIR base URL
    /// the sign-in was for, which is how SMART names the server in a launch's `iss`.
    pub issuer: String,
    /// Where the user was sent to sign in.
    pub authorization_endpoint: Url,
    /// The server advertises `authorization_response_iss_parameter_supported` (RFC 9207 §3),
    /// so an answer without `iss` is refused.
    pub requires_iss: bool,
}

/// What the callback needs to check an id_token (OpenID Connect Core §3.1.3.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCheck {
    /// The `nonce` sent; the id_token must carry it back.
    pub nonce: String,
    /// The issuer the id_token must name.
    pub issuer: String,
    /// Where the server's signing keys are.
    pub jwks_uri: Option<Url>,
}

impl InFlightRecord {
    /// The sessionStorage key for a state.
    pub fn storage_key(state: &State) -> String {
        format!("bedside.inflight.{}", state.as_str())
    }

    /// The prefix shared by every in-flight key, for sweeping abandoned ones.
    pub const KEY_PREFIX: &'static str = "bedside.inflight.";

    /// True when the record is too old to complete.
    pub fn is_expired(&self, now_ms: u64) -> bool {
        now_ms.saturating_sub(self.created_at_ms) > MAX_IN_FLIGHT_AGE_MS
    }
}

/// How the browser is sent to the authorization endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationRedirect {
    /// Navigate to this URL (parameters in the query).
    Get(Url),
    /// Submit a form to `action` (SMART `authorize-post`: long v2 scope strings stay out of
    /// URLs and server logs).
    Post {
        /// The authorization endpoint.
        action: Url,
        /// The form fields.
        fields: Vec<(String, String)>,
    },
}

impl AuthorizationRedirect {
    /// The authorization parameters, whichever way they travel.
    pub fn parameters(&self) -> Vec<(String, String)> {
        match self {
            AuthorizationRedirect::Get(url) => url.query_pairs().into_owned().collect(),
            AuthorizationRedirect::Post { fields, .. } => fields.clone(),
        }
    }
}

/// Builds the authorization redirect and the record to store before following it. The request
/// is a form POST when the server advertises `authorize-post`, a GET otherwise.
pub fn authorization_request(
    discovery: &Discovery,
    client: &ClientSettings,
    launch: LaunchKind,
    entropy: Entropy,
    now_ms: u64,
) -> (AuthorizationRedirect, InFlightRecord) {
    let state = State::from_random(entropy.state);
    let verifier = CodeVerifier::from_random(entropy.verifier);
    let mut fields: Vec<(String, String)> = vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), client.client_id.to_string()),
        ("redirect_uri".into(), client.redirect_uri.to_string()),
        ("scope".into(), client.scope.clone()),
        ("state".into(), state.as_str().to_owned()),
        ("aud".into(), discovery.fhir_base.as_str().to_owned()),
    ];
    if let LaunchKind::Ehr { launch } = &launch {
        fields.push(("launch".into(), launch.clone()));
    }
    let identity = client
        .scope
        .split_whitespace()
        .any(|scope| scope == "openid")
        .then(|| IdentityCheck {
            nonce: URL_SAFE_NO_PAD.encode(entropy.nonce),
            issuer: discovery.issuer().to_owned(),
            jwks_uri: discovery.jwks_uri(),
        });
    if let Some(check) = &identity {
        fields.push(("nonce".into(), check.nonce.clone()));
    }
    fields.push(("code_challenge".into(), verifier.challenge()));
    fields.push(("code_challenge_method".into(), "S256".into()));
    let action = discovery.authorization_endpoint.clone();
    let redirect = if discovery.has(&Capability::AuthorizePost) {
        AuthorizationRedirect::Post { action, fields }
    } else {
        let mut url = action;
        url.query_pairs_mut().extend_pairs(&fields);
        AuthorizationRedirect::Get(url)
    };
    let record = InFlightRecord {
        state,
        verifier,
        fhir_base: discovery.fhir_base.clone(),
        authorization_server: AuthorizationServer {
            issuer: discovery.issuer().to_owned(),
            authorization_endpoint: discovery.authorization_endpoint.clone(),
            requires_iss: discovery.sends_response_iss(),
        },
        token_endpoint: discovery.token_endpoint.clone(),
        revocation_endpoint: discovery.revocation_endpoint.clone(),
        client_id: client.client_id.clone(),
        redirect_uri: client.redirect_uri.clone(),
        requested_scope: ScopeSet::parse_lenient(&client.scope),
        launch,
        created_at_ms: now_ms,
        capabilities: discovery.capabilities.clone(),
        identity,
        request_timeout_seconds: None,
    };
    (redirect, record)
}

/// An in-flight record for tests anywhere in the crate: fixed entropy, `https://ehr.example`
/// endpoints, client `bedside` redirecting to `https://app.example/callback`.
#[cfg(test)]
pub(crate) fn test_record(launch: LaunchKind) -> InFlightRecord {
    let discovery = crate::smart::discovery::Discovery::with_endpoints(
        FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
        Url::parse("https://ehr.example/authorize").unwrap(),
        Url::parse("https://ehr.example/token").unwrap(),
    );
    let client = ClientSettings {
        client_id: "bedside".into(),
        redirect_uri: Url::parse("https://app.example/callback").unwrap(),
        scope: "launch/patient patient/*.rs".into(),
    };
    let entropy = Entropy {
        state: [3; 32],
        verifier: [4; 32],
        nonce: [5; 32],
    };
    authorization_request(&discovery, &client, launch, entropy, 1_000).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smart::discovery::Discovery;
    use std::collections::HashMap;

    #[test]
    fn a_record_stored_before_it_carried_a_deadline_is_still_read_without_one() {
        let mut stored = serde_json::to_value(test_record(LaunchKind::Standalone)).unwrap();
        stored
            .as_object_mut()
            .unwrap()
            .remove("request_timeout_seconds");
        let record: InFlightRecord = serde_json::from_value(stored).unwrap();
        assert_eq!(record.request_timeout_seconds, None);
    }

    fn discovery() -> Discovery {
        Discovery::with_endpoints(
            FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
            Url::parse("https://ehr.example/auth/authorize?tenant=a").unwrap(),
            Url::parse("https://ehr.example/auth/token").unwrap(),
        )
    }

    fn client() -> ClientSettings {
        ClientSettings {
            client_id: "bedside app".into(),
            redirect_uri: Url::parse("https://app.example/callback").unwrap(),
            scope: "launch patient/*.rs".into(),
        }
    }

    fn entropy() -> Entropy {
        Entropy {
            state: [7; 32],
            verifier: [9; 32],
            nonce: [5; 32],
        }
    }

    fn params(redirect: &AuthorizationRedirect) -> HashMap<String, String> {
        redirect.parameters().into_iter().collect()
    }

    #[test]
    fn an_ehr_authorization_request_carries_every_smart_parameter() {
        let launch = LaunchKind::Ehr {
            launch: "xyz123".into(),
        };
        let (url, record) = authorization_request(&discovery(), &client(), launch, entropy(), 5);
        let p = params(&url);
        assert_eq!(p["response_type"], "code");
        assert_eq!(p["client_id"], "bedside app");
        assert_eq!(p["redirect_uri"], "https://app.example/callback");
        assert_eq!(p["scope"], "launch patient/*.rs");
        assert_eq!(p["aud"], "https://ehr.example/fhir");
        assert_eq!(p["launch"], "xyz123");
        assert_eq!(p["code_challenge_method"], "S256");
        assert_eq!(p["code_challenge"], record.verifier.challenge());
        assert_eq!(p["state"], record.state.as_str());
    }

    #[test]
    fn existing_query_parameters_of_the_authorize_endpoint_are_kept() {
        let (url, _) = authorization_request(
            &discovery(),
            &client(),
            LaunchKind::Standalone,
            entropy(),
            5,
        );
        assert_eq!(params(&url)["tenant"], "a");
    }

    #[test]
    fn a_standalone_request_has_no_launch_parameter() {
        let (url, _) = authorization_request(
            &discovery(),
            &client(),
            LaunchKind::Standalone,
            entropy(),
            5,
        );
        assert!(!params(&url).contains_key("launch"));
    }

    #[test]
    fn a_server_offering_authorize_post_gets_a_form_post_with_the_same_parameters() {
        let mut posting = discovery();
        posting.configuration = Some(crate::smart::discovery::SmartConfiguration {
            capabilities: vec![Capability::AuthorizePost],
            ..Default::default()
        });
        let (redirect, record) =
            authorization_request(&posting, &client(), LaunchKind::Standalone, entropy(), 5);
        match &redirect {
            AuthorizationRedirect::Post { action, fields } => {
                assert_eq!(
                    action.as_str(),
                    "https://ehr.example/auth/authorize?tenant=a"
                );
                assert!(fields.contains(&("state".into(), record.state.as_str().into())));
                assert!(fields.contains(&("code_challenge_method".into(), "S256".into())));
            }
            other => panic!("expected a POST, got {other:?}"),
        }
    }

    #[test]
    fn requesting_openid_sends_a_nonce_and_remembers_it_with_the_issuer() {
        let mut identity = client();
        identity.scope = "launch openid fhirUser patient/*.rs".into();
        let (redirect, record) = authorization_request(
            &discovery(),
            &identity,
            LaunchKind::Standalone,
            entropy(),
            5,
        );
        let check = record.identity.expect("an identity check");
        assert_eq!(params(&redirect)["nonce"], check.nonce);
        assert_eq!(check.nonce.len(), 43);
        assert_eq!(check.issuer, "https://ehr.example/fhir");
        let (plain, record) = authorization_request(
            &discovery(),
            &client(),
            LaunchKind::Standalone,
            entropy(),
            5,
        );
        assert!(!params(&plain).contains_key("nonce"));
        assert_eq!(record.identity, None);
    }

    #[test]
    fn the_record_is_bound_to_the_authorization_server_and_the_redirect_uri_it_was_sent_with() {
        let (redirect, record) = authorization_request(
            &discovery(),
            &client(),
            LaunchKind::Standalone,
            entropy(),
            5,
        );
        assert_eq!(
            params(&redirect)["redirect_uri"],
            record.redirect_uri.as_str()
        );
        assert_eq!(record.redirect_uri.as_str(), "https://app.example/callback");
        let server = &record.authorization_server;
        assert_eq!(server.issuer, "https://ehr.example/fhir");
        assert_eq!(
            server.authorization_endpoint.as_str(),
            "https://ehr.example/auth/authorize?tenant=a"
        );
        assert!(!server.requires_iss);
    }

    #[test]
    fn the_record_takes_the_issuer_from_the_smart_configuration_and_its_iss_promise() {
        let mut named = discovery();
        named.configuration = Some(crate::smart::discovery::SmartConfiguration {
            issuer: Some("https://ehr.example/oauth2".into()),
            authorization_response_iss_parameter_supported: true,
            ..Default::default()
        });
        let (_, record) =
            authorization_request(&named, &client(), LaunchKind::Standalone, entropy(), 5);
        assert_eq!(
            record.authorization_server.issuer,
            "https://ehr.example/oauth2"
        );
        assert!(record.authorization_server.requires_iss);
    }

    #[test]
    fn a_server_without_authorize_post_gets_a_get() {
        let (redirect, _) = authorization_request(
            &discovery(),
            &client(),
            LaunchKind::Standalone,
            entropy(),
            5,
        );
        assert!(matches!(redirect, AuthorizationRedirect::Get(_)));
    }

    #[test]
    fn state_carries_256_bits_and_differs_with_the_random_bytes() {
        let one = State::from_random([1; 32]);
        assert_eq!(one.as_str().len(), 43);
        assert_ne!(one, State::from_random([2; 32]));
    }

    #[test]
    fn in_flight_records_expire_after_ten_minutes() {
        let (_, record) = authorization_request(
            &discovery(),
            &client(),
            LaunchKind::Standalone,
            entropy(),
            1_000,
        );
        assert!(!record.is_expired(1_000 + MAX_IN_FLIGHT_AGE_MS));
        assert!(record.is_expired(1_001 + MAX_IN_FLIGHT_AGE_MS));
    }

    #[test]
    fn the_in_flight_record_round_trips_through_json() {
        let (_, record) = authorization_request(
            &discovery(),
            &client(),
            LaunchKind::Standalone,
            entropy(),
            5,
        );
        let text = serde_json::to_string(&record).unwrap();
        assert_eq!(
            serde_json::from_str::<InFlightRecord>(&text).unwrap(),
            record
        );
    }
}
