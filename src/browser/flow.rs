//! The launch and callback sequences: each step is a pure decision from `smart`, and this file
//! only performs the I/O between them. Every failure arrives as a [`Problem`] in plain words.

use super::fetch::{fetch, LoadError, SharedSession};
use super::popup::{self, NoAnswer};
use super::{http::send, inspector, location, storage, webcrypto, world};
use crate::config::{AppConfig, ClientId, ConfigError};
use crate::fhir::capabilities::Capabilities;
use crate::fhir::patient::{patient_from_read, Patient};
use crate::fhir::FhirBaseUrl;
use crate::http::{HttpRequest, HttpResponse, Method, Purpose};
use crate::inspect::{navigation, Step};
use crate::problem::Problem;
use crate::route::signed_in_url;
use crate::sections::summary_needs;
use crate::smart::authorize::{
    authorization_request, AuthorizationRedirect, ClientSettings, IdentityCheck, InFlightRecord,
    LaunchKind,
};
use crate::smart::callback::{cleaned_url, parse_callback, verify, StateVerified};
use crate::smart::discovery::{discovery_requests, resolve, Discovery};
use crate::smart::id_token::{self, Expected, IdTokenError, UserIdentity};
use crate::smart::launch::{check_allowed, client_settings};
use crate::smart::popup::{callback_role, sign_in_place, CallbackRole, SignInPlace};
use crate::smart::reentry::LastLaunch;
use crate::smart::secret::IdToken;
use crate::smart::session::Session;
use crate::smart::token::{parse_token_response, token_request};
use crate::smart::user::{self, user_read, SignedInAs};
use futures::future::{join, LocalBoxFuture, Shared};
use futures::FutureExt;
use url::Url;

/// `config.json`, fetched the first time a page asks for it and then kept: every page of the
/// tab reads the one copy. Nothing is fetched until asked, so the callback page, which needs
/// none before its token request, adds no request wave.
#[derive(Clone)]
pub struct ConfigSource(Shared<LocalBoxFuture<'static, Result<AppConfig, Problem>>>);

impl ConfigSource {
    /// A source that has fetched nothing yet.
    pub fn new() -> Self {
        ConfigSource(load_config().boxed_local().shared())
    }

    /// The configuration, fetched and validated on the first call.
    pub async fn get(&self) -> Result<AppConfig, Problem> {
        self.0.clone().await
    }
}

impl Default for ConfigSource {
    fn default() -> Self {
        ConfigSource::new()
    }
}

/// Fetches and validates `config.json` from next to the app.
pub async fn load_config() -> Result<AppConfig, Problem> {
    let base = location::app_base();
    let url = base
        .join("config.json")
        .map_err(|e| ConfigError::Unavailable(e.to_string()))?;
    let response = send(&HttpRequest::get(Purpose::Config, url, "application/json"))
        .await
        .map_err(|failure| ConfigError::Unavailable(failure.detail))?;
    if !response.is_success() {
        return Err(ConfigError::Unavailable(format!("HTTP status {}", response.status)).into());
    }
    let config = AppConfig::parse(&response.body, &base)?;
    super::http::set_deadline(config.request_timeout_seconds);
    if config.debug {
        inspector::enable(Default::default());
    }
    Ok(config)
}

/// Discovers the server, stores the in-flight record and redirects this window to the
/// authorization endpoint. Returns only on failure (on success the page is navigating away).
pub async fn begin(config: &AppConfig, iss: FhirBaseUrl, kind: LaunchKind) -> Result<(), Problem> {
    prepare(config, iss, kind).await?.redirect_here()
}

/// What an authorization needs, learnt before it starts: the request itself is built only when
/// it is sent, so that its state, verifier and age are fresh for every attempt.
pub struct Prepared {
    discovery: Discovery,
    client: ClientSettings,
    kind: LaunchKind,
    place: SignInPlace,
    request_timeout_seconds: u32,
}

/// Checks the issuer, discovers the server and decides where its authorization page will show.
pub async fn prepare(
    config: &AppConfig,
    iss: FhirBaseUrl,
    kind: LaunchKind,
) -> Result<Prepared, Problem> {
    check_allowed(config, &iss, &kind)?;
    let [well_known, metadata] = discovery_requests(&iss);
    let (well_known, metadata) = join(send(&well_known), send(&metadata)).await;
    let discovery = resolve(&iss, well_known, metadata)?;
    let client = client_settings(config, &iss, &kind, &discovery, &summary_needs())?;
    let frame_allowed = config.server(&iss).is_some_and(|s| s.sign_in_in_frame);
    let place = sign_in_place(popup::is_framed(), frame_allowed);
    Ok(Prepared {
        discovery,
        client,
        kind,
        place,
        request_timeout_seconds: config.request_timeout_seconds,
    })
}

impl Prepared {
    /// Where the authorization page will show.
    pub fn place(&self) -> SignInPlace {
        self.place
    }

    fn request(&self) -> (AuthorizationRedirect, InFlightRecord) {
        let (redirect, mut record) = authorization_request(
            &self.discovery,
            &self.client,
            self.kind.clone(),
            world::entropy(),
            world::now_ms(),
        );
        inspector::record(|| {
            // A form post's fields are shown as a query so the inspector lists what was asked.
            let (method, shown) = match &redirect {
                AuthorizationRedirect::Get(url) => (Method::Get, url.clone()),
                AuthorizationRedirect::Post { action, fields } => {
                    let mut shown = action.clone();
                    shown.query_pairs_mut().extend_pairs(fields);
                    (Method::Post, shown)
                }
            };
            navigation(Step::Authorize, method, &shown, world::now_ms())
        });
        record.request_timeout_seconds = Some(self.request_timeout_seconds);
        (redirect, record)
    }

    /// Stores the in-flight record and sends this window to the authorization endpoint.
    pub fn redirect_here(&self) -> Result<(), Problem> {
        storage::discard_abandoned();
        let (redirect, record) = self.request();
        // The steps so far cross the redirect beside the record (they hold no secrets).
        storage::save(&record, inspector::snapshot().as_ref())?;
        location::follow(&location::window(), &redirect);
        Ok(())
    }

    /// Opens the sign-in window on the authorization endpoint. Call it from the click handler
    /// itself (pop-up blockers). The in-flight record stays in memory, in the returned value.
    pub fn open_window(&self) -> Result<PendingSignIn, Problem> {
        let (redirect, record) = self.request();
        let window = popup::open(&redirect)?;
        Ok(PendingSignIn { window, record })
    }
}

/// A sign-in window that is open, and the record its answer must match.
pub struct PendingSignIn {
    window: popup::SignInWindow,
    record: InFlightRecord,
}

/// Why a sign-in through a new window did not complete.
pub enum WindowSignInFailure {
    /// The window closed first: offering it again makes sense.
    Closed(Problem),
    /// The sign-in itself failed (refused, token error): as on the callback page.
    Failed(Problem),
}

impl PendingSignIn {
    /// Waits for the window's answer and completes the sign-in in this window's memory.
    pub async fn complete(self) -> Result<Completed, WindowSignInFailure> {
        let verified = self
            .window
            .answer(self.record)
            .await
            .map_err(|no| match no {
                NoAnswer::Closed(error) => WindowSignInFailure::Closed(error.into()),
                NoAnswer::Refused(error) => WindowSignInFailure::Failed(error.into()),
            })?;
        // The response reached the window that exchanges the code: the callback, for the marks.
        super::marks::mark("bedside:callback");
        let completed = exchange(verified)
            .await
            .map_err(WindowSignInFailure::Failed)?;
        // The launch address's `launch` value is used up: a reload lands on the signed-in page.
        location::replace_url(&signed_in_url(&location::app_base()));
        Ok(completed)
    }
}

/// A completed sign-in: the session, the server's capabilities (from the in-flight record) and,
/// when `openid` was requested, the identity still to be checked.
#[derive(Clone)]
pub struct Completed {
    /// The in-memory session.
    pub session: Session,
    /// What the server can do.
    pub capabilities: Capabilities,
    /// The id_token to check, when one was asked for.
    pub identity: Option<PendingIdentity>,
}

/// An id_token not yet checked, with the key set that checks it. The key set is public and
/// its address known before the token, so it is asked for beside the token request: it is
/// not one more request competing with the record's for the browser's connections.
#[derive(Clone)]
pub struct PendingIdentity {
    check: IdentityCheck,
    client_id: ClientId,
    id_token: Option<IdToken>,
    keys: Option<HttpResponse>,
}

/// What the callback page did.
pub enum Arrival {
    /// Signed in here.
    SignedIn(Box<Completed>),
    /// This is a sign-in window: the response went to the Bedside frame that opened it, and
    /// this window is closing.
    HandedBack,
}

/// Handles the callback at `url`: cleans the address bar first, then either hands the response
/// to the Bedside window that opened this one, or checks state, exchanges the code and starts
/// the in-memory session here.
pub async fn complete(url: &Url) -> Result<Arrival, Problem> {
    let response = parse_callback(url);
    location::replace_url(&cleaned_url(url));
    let response = response?;
    let stored = response.state().and_then(storage::take);
    // An answer without state cannot be matched to a record, but in debug mode the steps beside
    // the tab's only record still led here, for the error page's inspector.
    let (record, carried) = match (stored, response.state()) {
        (Some(stored), _) => (Some(stored.record), stored.inspector),
        (None, None) => (None, storage::take_sole().and_then(|sole| sole.inspector)),
        (None, Some(_)) => (None, None),
    };
    storage::discard_abandoned();
    if let CallbackRole::HandBack(opener) = callback_role(record.is_some(), popup::bedside_opener())
    {
        popup::hand_back(&opener, url);
        return Ok(Arrival::HandedBack);
    }
    if let Some(carried) = carried {
        inspector::enable(carried);
    }
    inspector::record(|| navigation(Step::Callback, Method::Get, url, world::now_ms()));
    // The redirect loaded this page afresh: the token request keeps the deadline config.json
    // set before the redirect, carried in the record.
    if let Some(seconds) = record.as_ref().and_then(|r| r.request_timeout_seconds) {
        super::http::set_deadline(seconds);
    }
    let verified = verify(response, record, world::now_ms())?;
    Ok(Arrival::SignedIn(Box::new(exchange(verified).await?)))
}

/// Exchanges a verified code for tokens and starts the in-memory session.
async fn exchange(verified: StateVerified) -> Result<Completed, Problem> {
    let capabilities = verified.record().capabilities.clone();
    let identity_check = verified.record().identity.clone();
    let client_id = verified.record().client_id.clone();
    let (request, exchange) = token_request(verified);
    let keys_request = identity_check
        .as_ref()
        .and_then(|check| check.jwks_uri.clone())
        .map(|uri| HttpRequest::get(Purpose::Identity, uri, "application/json"));
    let keys = async {
        match &keys_request {
            Some(keys_request) => send(keys_request).await.ok(),
            None => None,
        }
    };
    let (answer, keys) = join(send(&request), keys).await;
    let token = parse_token_response(&request.url, answer)?;
    let id_token = token.id_token.clone();
    let session = Session::start(exchange, token, world::now_ms())?;
    storage::remember_launch(&LastLaunch::of(&session));
    let identity = identity_check.map(|check| PendingIdentity {
        check,
        client_id,
        id_token,
        keys,
    });
    Ok(Completed {
        session,
        capabilities,
        identity,
    })
}

/// Checks who signed in.
pub async fn confirm_identity(pending: PendingIdentity) -> Result<UserIdentity, Problem> {
    let PendingIdentity {
        check,
        client_id,
        id_token,
        keys,
    } = pending;
    checked_identity(&check, client_id.as_str(), id_token, keys)
        .await
        .map_err(Problem::from)
}

// OpenID Connect Core §3.1.3.7: signature (RS256, key from the JWKS `keys`, fetched without
// the token: it is public), then iss, aud, exp, iat and nonce.
async fn checked_identity(
    check: &IdentityCheck,
    client_id: &str,
    id_token: Option<IdToken>,
    keys: Option<HttpResponse>,
) -> Result<UserIdentity, IdTokenError> {
    let signed = id_token::split(&id_token.ok_or(IdTokenError::Missing)?)?;
    let jwks = keys
        .filter(|response| response.is_success())
        .ok_or(IdTokenError::NoKey)?;
    let key = id_token::select_key(&jwks.body, signed.kid.as_deref())?;
    if !webcrypto::verify_rs256(&key, &signed.signing_input, &signed.signature).await {
        return Err(IdTokenError::BadSignature);
    }
    let expected = Expected {
        issuer: &check.issuer,
        client_id,
        nonce: &check.nonce,
        now_s: (world::now_ms() / 1000) as i64,
    };
    id_token::check_claims(&signed.claims, &expected)?;
    Ok(UserIdentity::from_claims(&signed.claims))
}

/// Who signed in, in words: the user's own resource is read only when the id_token names no
/// one, and only where `smart::user` allows; a failed read leaves the role.
pub async fn signed_in_as(session: &SharedSession, identity: &UserIdentity) -> SignedInAs {
    let read = match identity.name {
        Some(_) => None,
        None => user_read(identity, &session.borrow()),
    };
    let body = match read {
        Some(url) => match fetch(session, Purpose::FhirRead, url).await {
            Ok(Ok(response)) if response.is_success() => Some(response.body),
            _ => None,
        },
        None => None,
    };
    user::signed_in_as(identity, body.as_deref())
}

/// Reads the patient in context.
pub async fn read_patient(session: &SharedSession) -> Result<Patient, LoadError> {
    let (url, origin) = {
        let current = session.borrow();
        let url = current
            .fhir_base
            .join(&format!("Patient/{}", current.patient_id()));
        (url, current.fhir_base.origin())
    };
    let result = fetch(session, Purpose::FhirRead, url).await?;
    Ok(patient_from_read(&origin, result)?)
}

/// Signs out: revokes the tokens where the server offers revocation (RFC 7009), and the
/// session, moved in, is gone from memory. Revocation answers are not needed: the tokens are
/// dropped here whatever the server says.
pub async fn sign_out(session: Session) {
    for request in session.sign_out() {
        let _ = send(&request).await;
    }
}
