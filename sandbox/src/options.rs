//! How to start a sandbox: what `sandbox::start` and the command line configure.

use std::path::PathBuf;
use std::time::Duration;

use crate::simulate::Simulation;

/// The client id of the one registered client, Bedside (a public client).
pub const CLIENT_ID: &str = "bedside";

/// How to start a sandbox. `Options::default()` suits tests: free ports, seed 7.
#[derive(Debug, Clone)]
pub struct Options {
    /// Port of the EHR origin (EHR page, auth server, FHIR server); 0 picks a free port.
    pub ehr_port: u16,
    /// Port of the app origin (the built app and `config.json`); 0 picks a free port.
    pub app_port: u16,
    /// The built app (Trunk's `dist/`); without it the app origin serves only `config.json`.
    pub app_dir: Option<PathBuf>,
    /// The app's base URL when a web server other than the sandbox serves it (e.g.
    /// `http://localhost:8443/bedside/`, tests of docs/DEPLOYMENT.md's recipes): the EHR page
    /// launches it there, its `callback` paths are the registered redirect URIs, its origin is
    /// the one CORS allows, and the `config.json` the app origin serves names them. `None`:
    /// the sandbox's own app origin.
    pub app_url: Option<String>,
    /// Seed of the synthetic data: the same seed gives the same patients.
    pub seed: u64,
    /// Lifetime of access tokens (`expires_in`).
    pub access_token_lifetime: Duration,
    /// Lifetime of authorization codes; RFC 6749 §4.1.2 recommends at most 10 minutes.
    pub code_lifetime: Duration,
    /// Redirect URIs registered for the client besides `{app_origin}/callback`.
    pub extra_redirect_uris: Vec<String>,
    /// A failure every launch simulates (see [`Simulation`]); an EHR launch may choose
    /// another with `&simulate=NAME`.
    pub simulate: Option<Simulation>,
    /// What the client may not get, granted away silently (the token response's `scope`
    /// says what was granted): resource types such as `Procedure` (every scope naming the
    /// type, and that type within a `*` scope) or exact scopes such as
    /// `patient/Procedure.rs`.
    pub denied_scopes: Vec<String>,
    /// The sign-in and authorization error pages refuse to be framed (`X-Frame-Options:
    /// DENY`, `frame-ancestors 'none'`), and EHR launches show the sign-in page instead of
    /// approving at once, so an embedded app must open a popup.
    pub refuse_framing: bool,
    /// A folder of FHIR R4 JSON (Bundles as Synthea writes them, single resources, NDJSON)
    /// whose patients are served after the generated ones; unreadable files are reported
    /// on stderr by name and skipped.
    pub data_dir: Option<PathBuf>,
    /// The origin (`http://host:port`) the `paging_foreign_next` simulation links to (and
    /// `request_redirected_elsewhere` redirects to); without
    /// it, an origin that never resolves. Tests set a listener of their own here to see
    /// whether the app follows the link and what it sends.
    pub foreign_next_origin: Option<String>,
    /// How long every FHIR read and search waits before it is answered (a slow EHR): tests
    /// use it to keep a launch loading while its token ages.
    pub fhir_delay: Duration,
    /// Upstream mode: the base URL of an open FHIR R4 server (`http://` only) whose data
    /// every profile serves instead of the generated patients, behind the sandbox's
    /// authorization, scope checks, CORS and profile quirks; its patients are the ones the
    /// EHR page lists. `None` serves the in-process store.
    pub upstream: Option<String>,
    /// Servers outside the sandbox that its `config.json` also lists, after the profiles:
    /// tests put a server of their own on Bedside's allow-list this way (e.g. a hostile
    /// authorization server).
    pub extra_servers: Vec<ExtraServer>,
    /// `request_timeout_seconds` in the app's `config.json` (the app's own default without it):
    /// tests shorten the app's deadline to see what happens when it passes.
    pub request_timeout_seconds: Option<u32>,
}

/// A server outside the sandbox on the allow-list of the `config.json` it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraServer {
    /// Its FHIR base URL.
    pub iss: String,
    /// The name the start page shows.
    pub name: String,
    /// The last segment of its own redirect URI, `{app_origin}/callback/{redirect_name}`;
    /// `None` leaves it on the shared `{app_origin}/callback`.
    pub redirect_name: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ehr_port: 0,
            app_port: 0,
            app_dir: None,
            app_url: None,
            seed: 7,
            access_token_lifetime: Duration::from_secs(3600),
            code_lifetime: Duration::from_secs(60),
            extra_redirect_uris: Vec::new(),
            simulate: None,
            denied_scopes: Vec::new(),
            refuse_framing: false,
            data_dir: None,
            foreign_next_origin: None,
            fhir_delay: Duration::ZERO,
            upstream: None,
            extra_servers: Vec::new(),
            request_timeout_seconds: None,
        }
    }
}
