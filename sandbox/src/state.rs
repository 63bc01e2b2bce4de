//! State of one running sandbox: its configuration, its data, every grant it has issued
//! (launch contexts, pending consents, codes, access and refresh tokens) and the log of the
//! requests it answered, held in memory.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::data::is_fhir_id;
use crate::data::{PatientSummary, Store};
use crate::options::ExtraServer;
use crate::profile::{fhir_base, Profile};
use crate::random::secret;
use crate::scope::ScopeSet;
use crate::simulate::LaunchOptions;
use crate::upstream::{Unusable, Upstream};

/// The registered client (Bedside): public, so no secret; redirect URIs compared exactly.
#[derive(Debug)]
pub(crate) struct Client {
    /// `client_id`.
    pub(crate) id: String,
    /// Shown on the consent page.
    pub(crate) name: String,
    /// Redirect URIs registered with every profile: the shared `{app_base}/callback` and
    /// any given with `--redirect-uri`.
    pub(crate) redirect_uris: Vec<String>,
    /// The app's base URL, under which each profile also registers `callback/{profile}`.
    pub(crate) app_base: String,
}

impl Client {
    /// The redirect URIs registered with `profile`: its own `{app_base}/callback/{profile}`
    /// (what the sandbox's `config.json` tells Bedside to use, one per server, the mix-up
    /// defence of RFC 9700 §4.4.2) and the shared ones.
    pub(crate) fn redirect_uris_of(&self, profile: &str) -> Vec<String> {
        let mut uris = vec![own_redirect_uri(&self.app_base, profile)];
        uris.extend(self.redirect_uris.iter().cloned());
        uris
    }
}

/// The redirect URI of the app for one profile: `{app_base}/callback/{profile}`.
pub(crate) fn own_redirect_uri(app_base: &str, profile: &str) -> String {
    format!("{app_base}/callback/{profile}")
}

/// How long each kind of grant lives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifetimes {
    /// Authorization codes.
    pub(crate) code: Duration,
    /// Access tokens.
    pub(crate) access: Duration,
    /// Refresh tokens.
    pub(crate) refresh: Duration,
    /// EHR launch tokens (SMART: short-lived, single use).
    pub(crate) launch: Duration,
    /// Authorization requests waiting for the consent form.
    pub(crate) pending: Duration,
}

/// Everything one running sandbox knows.
#[derive(Debug)]
pub(crate) struct Sandbox {
    /// `http://localhost:{ehr_port}`.
    pub(crate) ehr_origin: String,
    /// The origin the app runs on: `http://localhost:{app_port}`, or that of
    /// `Options::app_url` (what CORS allows and the EHR page may frame).
    pub(crate) app_origin: String,
    /// The app's base URL without its trailing slash: `app_origin`, or `Options::app_url`
    /// (e.g. `http://localhost:8443/bedside`); `/launch` and `/callback` follow it.
    pub(crate) app_base: String,
    /// The built app, if any.
    pub(crate) app_dir: Option<PathBuf>,
    /// The one registered client.
    pub(crate) client: Client,
    /// Synthetic resources.
    pub(crate) data: Arc<Store>,
    /// Grant lifetimes.
    pub(crate) lifetimes: Lifetimes,
    /// What every launch does unless its EHR launch says otherwise.
    pub(crate) defaults: LaunchOptions,
    /// Where `paging_foreign_next` points (see `simulate`).
    pub(crate) foreign_next_origin: Option<String>,
    /// How long every FHIR read and search waits before it is answered.
    pub(crate) fhir_delay: Duration,
    /// The FHIR server answering instead of `data` (upstream mode).
    pub(crate) upstream: Option<Upstream>,
    /// Servers outside the sandbox that `config.json` lists too.
    pub(crate) extra_servers: Vec<ExtraServer>,
    /// The app's request deadline written into `config.json`, if any.
    pub(crate) request_timeout_seconds: Option<u32>,
    grants: Mutex<Grants>,
}

impl Sandbox {
    /// A sandbox with no grants yet.
    pub(crate) fn new(
        ehr_origin: String,
        app_origin: String,
        app_dir: Option<PathBuf>,
        client: Client,
        data: Arc<Store>,
        lifetimes: Lifetimes,
        defaults: LaunchOptions,
    ) -> Sandbox {
        Sandbox {
            ehr_origin,
            app_base: client.app_base.clone(),
            app_origin,
            app_dir,
            client,
            data,
            lifetimes,
            defaults,
            foreign_next_origin: None,
            fhir_delay: Duration::ZERO,
            upstream: None,
            extra_servers: Vec::new(),
            request_timeout_seconds: None,
            grants: Mutex::default(),
        }
    }

    /// The patients the EHR lists: the upstream's first ones in upstream mode.
    pub(crate) async fn patient_list(&self) -> Result<Vec<PatientSummary>, Unusable> {
        match &self.upstream {
            Some(upstream) => upstream.patients().await,
            None => Ok(self.data.patient_summaries()),
        }
    }

    /// The patient `id`, if this EHR (or its upstream) has it.
    pub(crate) async fn patient(&self, id: &str) -> Result<Option<PatientSummary>, Unusable> {
        match &self.upstream {
            Some(_) if !is_fhir_id(id) => Ok(None),
            Some(upstream) => upstream.patient(id).await,
            None => Ok(self
                .data
                .patient_summaries()
                .into_iter()
                .find(|p| p.id == id)),
        }
    }

    /// The grant store, locked; never hold it across an `.await`.
    pub(crate) fn grants(&self) -> MutexGuard<'_, Grants> {
        let mut grants = self
            .grants
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        grants.prune(Instant::now());
        grants
    }
}

/// What a handler of one profile needs: the sandbox and which profile it serves.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The running sandbox.
    pub(crate) sandbox: Arc<Sandbox>,
    /// The profile this handler belongs to.
    pub(crate) profile: &'static Profile,
}

impl Ctx {
    fn root(&self) -> String {
        format!("{}{}", self.sandbox.ehr_origin, self.profile.prefix())
    }

    /// The FHIR base URL, also the `iss` and the expected `aud`.
    pub(crate) fn fhir_base(&self) -> String {
        fhir_base(&self.sandbox.ehr_origin, self.profile)
    }

    /// The `issuer` of the smart-configuration (and of id_tokens).
    pub(crate) fn issuer(&self) -> String {
        format!("{}{}", self.root(), self.issuer_path())
    }

    /// The issuer's path below the profile prefix: `/fhir`, `/auth` or `/oauth2`.
    pub(crate) fn issuer_path(&self) -> &'static str {
        match (self.profile.distinct_issuer, self.profile.tenant) {
            (false, _) => "/fhir",
            (true, Some(_)) => "/auth",
            (true, None) => "/oauth2",
        }
    }

    /// The revocation endpoint (RFC 7009).
    pub(crate) fn revocation_endpoint(&self) -> String {
        format!("{}/auth/revoke", self.root())
    }

    /// The JSON Web Key Set with the id_token signing key (RFC 7517).
    pub(crate) fn jwks_uri(&self) -> String {
        format!("{}/auth/jwks", self.root())
    }

    /// The authorization endpoint.
    pub(crate) fn authorize_endpoint(&self) -> String {
        format!("{}/auth/authorize", self.root())
    }

    /// Where the consent form posts.
    pub(crate) fn decision_endpoint(&self) -> String {
        format!("{}/decision", self.authorize_endpoint())
    }

    /// The token endpoint.
    pub(crate) fn token_endpoint(&self) -> String {
        format!("{}/auth/token", self.root())
    }

    /// The SMART style document.
    pub(crate) fn style_url(&self) -> String {
        format!("{}/smart-style.json", self.root())
    }
}

/// The launch context bound to a grant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LaunchContext {
    /// Patient in context.
    pub(crate) patient: Option<String>,
    /// Encounter in context.
    pub(crate) encounter: Option<String>,
}

/// A validated authorization request, kept while the user decides.
#[derive(Debug, Clone)]
pub(crate) struct AuthorizationRequest {
    /// Profile that received it.
    pub(crate) profile: &'static str,
    /// `client_id`.
    pub(crate) client_id: String,
    /// `redirect_uri`, registered.
    pub(crate) redirect_uri: String,
    /// `state`, echoed back.
    pub(crate) state: String,
    /// Requested (and, on approval, granted) scopes.
    pub(crate) scope: ScopeSet,
    /// PKCE S256 `code_challenge`.
    pub(crate) code_challenge: String,
    /// OpenID Connect `nonce`, echoed in the id_token.
    pub(crate) nonce: Option<String>,
    /// What this launch does differently.
    pub(crate) options: LaunchOptions,
}

/// An authorization code and what it was issued for.
#[derive(Debug)]
pub(crate) struct CodeGrant {
    /// The request it answers.
    pub(crate) request: AuthorizationRequest,
    /// Context bound at approval.
    pub(crate) context: LaunchContext,
    /// End of validity.
    pub(crate) expires: Instant,
    /// Set at first redemption (RFC 6749 §4.1.2: single use).
    pub(crate) used: bool,
    /// The token family every token issued from this code belongs to.
    pub(crate) family: u64,
}

/// An access or refresh token and what it grants.
#[derive(Debug, Clone)]
pub(crate) struct TokenGrant {
    /// Profile that issued it; tokens work only there.
    pub(crate) profile: &'static str,
    /// Client it was issued to.
    pub(crate) client_id: String,
    /// Granted scopes.
    pub(crate) scope: ScopeSet,
    /// Launch context.
    pub(crate) context: LaunchContext,
    /// End of validity.
    pub(crate) expires: Instant,
    /// Family (one per authorization), for revocation on replay.
    pub(crate) family: u64,
    /// OpenID Connect `nonce` of the authorization, for id_tokens.
    pub(crate) nonce: Option<String>,
    /// What the launch that led to this token does differently.
    pub(crate) options: LaunchOptions,
}

/// An EHR launch waiting for the app's authorization request.
#[derive(Debug)]
struct Launch {
    profile: &'static str,
    context: LaunchContext,
    options: LaunchOptions,
    expires: Instant,
}

/// Why a revocation request is refused (RFC 7009 §2.2.1).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RevokeError {
    /// The token was issued to another client.
    OtherClient,
}

/// Every grant issued by one sandbox.
#[derive(Debug, Default)]
pub(crate) struct Grants {
    launches: HashMap<String, Launch>,
    pending: HashMap<String, (AuthorizationRequest, Option<LaunchContext>, Instant)>,
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, TokenGrant>,
    refresh: HashMap<String, TokenGrant>,
    /// Refresh tokens already rotated away: replaying one revokes its family.
    rotated: HashMap<String, (u64, Instant)>,
    next_family: u64,
    /// Token families and resource types already answered 429 (`request_rate_limited`).
    rate_limited: HashSet<(u64, &'static str)>,
}

/// How long a redeemed code is remembered, so that a late replay still revokes its tokens.
const USED_CODE_MEMORY: Duration = Duration::from_secs(600);

impl Grants {
    fn prune(&mut self, now: Instant) {
        self.launches.retain(|_, launch| launch.expires > now);
        self.pending.retain(|_, (_, _, expires)| *expires > now);
        self.codes
            .retain(|_, code| code.expires + USED_CODE_MEMORY > now);
        self.access.retain(|_, t| t.expires > now);
        self.refresh.retain(|_, t| t.expires > now);
        self.rotated.retain(|_, (_, expires)| *expires > now);
    }

    /// Records a launch context created by the EHR and returns its opaque launch id.
    pub(crate) fn create_launch(
        &mut self,
        profile: &'static str,
        context: LaunchContext,
        options: LaunchOptions,
        life: Duration,
    ) -> String {
        let id = secret();
        let launch = Launch {
            profile,
            context,
            options,
            expires: Instant::now() + life,
        };
        self.launches.insert(id.clone(), launch);
        id
    }

    /// The options bound to a live launch id of `profile`, without consuming it.
    pub(crate) fn launch_options(&self, profile: &str, id: &str) -> Option<LaunchOptions> {
        self.launches
            .get(id)
            .filter(|launch| launch.profile == profile)
            .map(|launch| launch.options.clone())
    }

    /// Consumes a launch id: `None` when unknown, expired, used or of another profile.
    pub(crate) fn take_launch(&mut self, profile: &str, id: &str) -> Option<LaunchContext> {
        match self.launches.remove(id) {
            Some(launch) if launch.profile == profile => Some(launch.context),
            Some(other) => {
                self.launches.insert(id.to_string(), other);
                None
            }
            None => None,
        }
    }

    /// Keeps a request until the user answers the sign-in page; `context` is the EHR
    /// launch's, or `None` when the user picks a patient. Returns the request's id.
    pub(crate) fn hold_request(
        &mut self,
        request: AuthorizationRequest,
        context: Option<LaunchContext>,
        life: Duration,
    ) -> String {
        let id = secret();
        self.pending
            .insert(id.clone(), (request, context, Instant::now() + life));
        id
    }

    /// The held request with this id and its launch context, if still pending.
    pub(crate) fn pending_request(
        &self,
        id: &str,
    ) -> Option<(&AuthorizationRequest, Option<&LaunchContext>)> {
        self.pending
            .get(id)
            .map(|(request, context, _)| (request, context.as_ref()))
    }

    /// Removes the held request once the user has decided.
    pub(crate) fn finish_request(&mut self, id: &str) -> Option<AuthorizationRequest> {
        self.pending.remove(id).map(|(request, _, _)| request)
    }

    /// Issues an authorization code for an approved request.
    pub(crate) fn issue_code(
        &mut self,
        request: AuthorizationRequest,
        context: LaunchContext,
        life: Duration,
    ) -> String {
        let code = secret();
        self.next_family += 1;
        let grant = CodeGrant {
            request,
            context,
            expires: Instant::now() + life,
            used: false,
            family: self.next_family,
        };
        self.codes.insert(code.clone(), grant);
        code
    }

    /// The code grant, for redemption checks; the caller marks it used.
    pub(crate) fn code_mut(&mut self, code: &str) -> Option<&mut CodeGrant> {
        self.codes.get_mut(code)
    }

    /// Issues an access token (and a refresh token when `refresh` is given).
    pub(crate) fn issue_tokens(
        &mut self,
        access: TokenGrant,
        refresh: Option<TokenGrant>,
    ) -> (String, Option<String>) {
        let access_token = secret();
        self.access.insert(access_token.clone(), access);
        let refresh_token = refresh.map(|grant| {
            let token = secret();
            self.refresh.insert(token.clone(), grant);
            token
        });
        (access_token, refresh_token)
    }

    /// The live access token grant.
    pub(crate) fn access(&self, token: &str) -> Option<&TokenGrant> {
        self.access
            .get(token)
            .filter(|t| t.expires > Instant::now())
    }

    /// The live refresh token grant, before rotation.
    pub(crate) fn refresh(&self, token: &str) -> Option<&TokenGrant> {
        self.refresh
            .get(token)
            .filter(|t| t.expires > Instant::now())
    }

    /// True when the refresh token was already rotated away. Presenting it again is a replay
    /// (OAuth 2.0 Security BCP, RFC 9700 §4.14.2), so its whole family is revoked.
    pub(crate) fn replayed_refresh(&mut self, token: &str) -> bool {
        let Some((family, _)) = self.rotated.get(token).copied() else {
            return false;
        };
        self.revoke_family(family);
        true
    }

    /// Retires a refresh token that has just been exchanged for a new one.
    pub(crate) fn retire_refresh(&mut self, token: &str) {
        if let Some(grant) = self.refresh.remove(token) {
            self.rotated
                .insert(token.to_string(), (grant.family, grant.expires));
        }
    }

    /// RFC 7009 §2.1: revokes an access token, or a refresh token together with the access
    /// tokens of its grant. An unknown token is not an error (§2.2).
    pub(crate) fn revoke(&mut self, token: &str, client_id: &str) -> Result<(), RevokeError> {
        if let Some(grant) = self.access.get(token) {
            if grant.client_id != client_id {
                return Err(RevokeError::OtherClient);
            }
            self.access.remove(token);
        } else if let Some(grant) = self.refresh.get(token) {
            if grant.client_id != client_id {
                return Err(RevokeError::OtherClient);
            }
            let family = grant.family;
            self.revoke_family(family);
        }
        Ok(())
    }

    /// True the first time a token of `family` searches `resource_type`: that search is
    /// the one `request_rate_limited` refuses and `request_no_answer` holds.
    pub(crate) fn rate_limit_once(&mut self, family: u64, resource_type: &'static str) -> bool {
        self.rate_limited.insert((family, resource_type))
    }

    /// Revokes every access and refresh token of a family.
    pub(crate) fn revoke_family(&mut self, family: u64) {
        self.access.retain(|_, t| t.family != family);
        self.refresh.retain(|_, t| t.family != family);
    }
}
