//! SMART App Launch 2.x as a sans-IO core: every step takes data (responses, the current URL,
//! the time, random bytes) and returns data (requests, records, decisions).

/// Building the authorization request and the in-flight record that survives the redirect.
pub mod authorize;
/// What an access token may contain before it goes into a header (RFC 6750 §2.1).
pub mod bearer;
/// Checking the redirect back from the authorization server.
pub mod callback;
/// WCAG 2.1 relative luminance and contrast ratio, for the style document's colours.
pub mod contrast;
/// `.well-known/smart-configuration` and the CapabilityStatement fallback.
pub mod discovery;
/// The token lifecycle performed over a transport: the one loop the shell and the tests run.
pub mod driver;
/// OpenID Connect id_token decoding and claim checks.
pub mod id_token;
/// Starting a launch: EHR launch parameters, the allow-list, the authorize plan.
pub mod launch;
/// Token lifetime decisions: proactive refresh, rotation, retry after 401, reauthorization.
pub mod lifecycle;
/// OAuth 2.0 error codes (RFC 6749 §4.1.2.1 and §5.2) in plain words.
pub mod oauth_error;
/// PKCE S256 (RFC 7636).
pub mod pkce;
/// Signing in through a new window from inside a frame: when, and the answer's checks.
pub mod popup;
/// Coming back to the signed-in page after its memory is gone: what to say and offer.
pub mod reentry;
/// The refresh bookkeeping a session carries (one refresh at a time) and why access ended.
pub mod refresh_gate;
/// Sign-out: RFC 7009 token revocation requests.
pub mod revoke;
/// SMART scopes (v1 and v2, granular) parsed into types, and what a grant allows.
pub mod scope;
/// Planning the scope request from the app's data needs; granted versus requested.
pub mod scope_plan;
/// Secret newtypes whose Debug output is redacted.
pub mod secret;
/// The in-memory session after the token: context and bearer-token binding.
pub mod session;
/// The EHR style document mapped onto CSS custom properties.
pub mod style;
/// The token request and response (RFC 6749 §4.1.3–4.1.4, §5).
pub mod token;
/// Who is signed in, in words.
pub mod user;
