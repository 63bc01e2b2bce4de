//! Simulated failures and per-launch behaviour: what a launch asks the sandbox to do
//! differently from a well-behaved EHR, so that every failure a real EHR produces can be
//! reproduced on demand.
//!
//! A simulation is chosen on the EHR page (`/ehr/launch?...&simulate=NAME`, bound to the
//! launch token) or for every launch of a sandbox (`Options::simulate`, `--simulate NAME`).
//! It travels from the launch to the authorization request, the code and every token issued
//! from it.
//!
//! | name | where | exact behaviour |
//! | --- | --- | --- |
//! | `auth_invalid_client_id` | authorize | 400 HTML error page "Unknown client_id" (as for an unregistered client); no redirect |
//! | `auth_invalid_redirect_uri` | authorize | 400 HTML error page "redirect_uri is not registered"; no redirect |
//! | `auth_invalid_scope` | authorize | 302 (303 after a POST) to the redirect URI with `error=invalid_scope`, `error_description`, `state` |
//! | `auth_access_denied` | authorize | 302 (303) to the redirect URI with `error=access_denied`, `error_description`, `state` |
//! | `auth_error_without_state` | authorize | 302 (303) to the redirect URI with `error=invalid_scope` and an `error_description` naming the scope, but no `state` (as some servers answer) |
//! | `token_invalid_token` | token (code) | 400 JSON `invalid_grant` "The authorization code was rejected"; the code is used up |
//! | `token_invalid_scope` | token (code) | 400 JSON `invalid_scope` |
//! | `token_expired_refresh_token` | token (refresh) | the code exchange and the first access token work; every refresh answers 400 JSON `invalid_grant` "The refresh token has expired" |
//! | `token_server_error` | token (code) | 500 `text/html` page "Internal Server Error" (CORS headers as usual); the code stays unused |
//! | `request_invalid_token` | FHIR | every request with the token: 401, `WWW-Authenticate: Bearer realm="sandbox", error="invalid_token"`, OperationOutcome (code `login`), CORS headers present |
//! | `request_expired_token` | token, FHIR | access tokens get `expires_in` 10 and stop working after 10 s (401 `invalid_token`); refreshed tokens likewise |
//! | `request_401_without_cors` | FHIR | every request with the token: 401 with an OperationOutcome and no CORS headers at all |
//! | `id_token_bad_signature` | token | the `id_token`'s RS256 signature has one byte altered |
//! | `id_token_wrong_nonce` | token | the `id_token`'s `nonce` differs from the one sent to authorize |
//! | `request_rate_limited` | FHIR search | the first search of each resource type per authorization: 429, `Retry-After: 1` (exposed to the app by CORS), OperationOutcome (code `throttled`); the repeated search succeeds |
//! | `paging_loop` | FHIR search | every first page links `next` to a second page, whose `next` leads back to the first page |
//! | `token_with_newline` | token (code, refresh) | the `access_token` carries CR LF and a header line after its own text (a header injection) |
//! | `request_redirected` | FHIR search | every Condition search: 307 to the same path under `/outside/` on the same origin (outside every FHIR base; answered 404 there), CORS headers present |
//! | `request_redirected_elsewhere` | FHIR search | every Condition search: 302 to the same path on another origin: `Options::foreign_next_origin`, else `http://foreign-origin.invalid` |
//! | `request_no_answer` | FHIR search | the first Condition search per authorization is held unanswered for [`NO_ANSWER_HOLD`]; the repeated search is answered |
//! | `paging_second_page_fails` | FHIR search | every first page links `next` to a second page (even when the first held every match), and every later page answers 500 with an OperationOutcome (code `exception`) |
//! | `paging_escaping_next` | FHIR search | every first page links `next` to `{base}/..%2Foutside/{type}?…`: below the base as written, outside it once `%2F` is decoded |
//! | `id_token_without_name` | token | the `id_token` carries no `name` claim (an app then finds the user's name in their `fhirUser` resource) |
//! | `style_low_contrast` | token | `smart_style_url` names `{profile}/smart-style.json?contrast=low`: values that are all valid CSS, but white text on a near-white background and a 9px font |
//! | `huge_searchset` | FHIR search | every Condition search answers one page of 90,433 Conditions (about 54 MB), whatever its `_count`, with `total` |
//! | `paging_foreign_next` | FHIR search | every first page links `next` to the same path on another origin: `Options::foreign_next_origin`, else `http://foreign-origin.invalid` (never resolves, so nothing leaves the machine) |

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// One reproducible failure (see the table in this module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Simulation {
    /// `auth_invalid_client_id`.
    AuthInvalidClientId,
    /// `auth_invalid_redirect_uri`.
    AuthInvalidRedirectUri,
    /// `auth_invalid_scope`.
    AuthInvalidScope,
    /// `auth_access_denied`.
    AuthAccessDenied,
    /// `auth_error_without_state`.
    AuthErrorWithoutState,
    /// `token_invalid_token`.
    TokenInvalidToken,
    /// `token_invalid_scope`.
    TokenInvalidScope,
    /// `token_expired_refresh_token`.
    TokenExpiredRefreshToken,
    /// `token_server_error`.
    TokenServerError,
    /// `request_invalid_token`.
    RequestInvalidToken,
    /// `request_expired_token`.
    RequestExpiredToken,
    /// `request_401_without_cors`.
    Request401WithoutCors,
    /// `id_token_bad_signature`.
    IdTokenBadSignature,
    /// `id_token_wrong_nonce`.
    IdTokenWrongNonce,
    /// `request_rate_limited`.
    RequestRateLimited,
    /// `paging_loop`.
    PagingLoop,
    /// `paging_foreign_next`.
    PagingForeignNext,
    /// `token_with_newline`.
    TokenWithNewline,
    /// `request_redirected`.
    RequestRedirected,
    /// `request_redirected_elsewhere`.
    RequestRedirectedElsewhere,
    /// `request_no_answer`.
    RequestNoAnswer,
    /// `paging_second_page_fails`.
    PagingSecondPageFails,
    /// `paging_escaping_next`.
    PagingEscapingNext,
    /// `id_token_without_name`.
    IdTokenWithoutName,
    /// `style_low_contrast`.
    StyleLowContrast,
    /// `huge_searchset`.
    HugeSearchset,
}

/// Lifetime of access tokens under `request_expired_token`.
pub(crate) const SHORT_ACCESS_LIFETIME: Duration = Duration::from_secs(10);

/// `Retry-After` seconds under `request_rate_limited`: short, so tests and demos stay quick.
pub(crate) const RETRY_AFTER_SECONDS: u64 = 1;

/// How long `request_no_answer` holds its search: far beyond any deadline an app sets, yet
/// bounded, so a sandbox never keeps a request forever.
pub(crate) const NO_ANSWER_HOLD: Duration = Duration::from_secs(600);

/// How many Conditions `huge_searchset` answers: the count of a real 50 MB searchset.
pub(crate) const HUGE_SEARCHSET: usize = 90_433;

/// The one page `huge_searchset` answers to a Condition search for `patient`, as JSON text
/// (written directly: building 90,000 JSON values first would only slow the sandbox).
pub(crate) fn huge_searchset(base: &str, patient: &str) -> String {
    let mut text = format!(
        r#"{{"resourceType":"Bundle","type":"searchset","total":{HUGE_SEARCHSET},"link":[{{"relation":"self","url":"{base}/Condition?patient={patient}"}}],"entry":["#
    );
    for n in 0..HUGE_SEARCHSET {
        if n > 0 {
            text.push(',');
        }
        text += &format!(
            r#"{{"fullUrl":"{base}/Condition/huge-{n}","resource":{{"resourceType":"Condition","id":"huge-{n}","clinicalStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}}]}},"verificationStatus":{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}}]}},"category":[{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/condition-category","code":"problem-list-item"}}]}}],"code":{{"coding":[{{"system":"http://snomed.info/sct","code":"38341003","display":"Hypertensive disorder"}}],"text":"Recorded problem number {n}"}},"subject":{{"reference":"Patient/{patient}"}},"onsetDateTime":"2020-01-01","recordedDate":"2020-01-02"}},"search":{{"mode":"match"}}}}"#
        );
    }
    text += "]}";
    text
}

/// Where `paging_foreign_next` and `request_redirected_elsewhere` point without
/// `Options::foreign_next_origin`: `.invalid` never resolves (RFC 2606), so even an app that
/// followed it with its token leaks nothing.
pub(crate) const DEFAULT_FOREIGN_ORIGIN: &str = "http://foreign-origin.invalid";

impl Simulation {
    /// Every simulation, in the order the EHR page lists them.
    pub const ALL: &'static [Simulation] = &[
        Simulation::AuthInvalidClientId,
        Simulation::AuthInvalidRedirectUri,
        Simulation::AuthInvalidScope,
        Simulation::AuthAccessDenied,
        Simulation::AuthErrorWithoutState,
        Simulation::TokenInvalidToken,
        Simulation::TokenInvalidScope,
        Simulation::TokenExpiredRefreshToken,
        Simulation::TokenServerError,
        Simulation::RequestInvalidToken,
        Simulation::RequestExpiredToken,
        Simulation::Request401WithoutCors,
        Simulation::IdTokenBadSignature,
        Simulation::IdTokenWrongNonce,
        Simulation::RequestRateLimited,
        Simulation::PagingLoop,
        Simulation::PagingForeignNext,
        Simulation::TokenWithNewline,
        Simulation::RequestRedirected,
        Simulation::RequestRedirectedElsewhere,
        Simulation::RequestNoAnswer,
        Simulation::PagingSecondPageFails,
        Simulation::PagingEscapingNext,
        Simulation::IdTokenWithoutName,
        Simulation::StyleLowContrast,
        Simulation::HugeSearchset,
    ];

    /// The name used in URLs and on the command line, e.g. `auth_access_denied`.
    pub fn name(self) -> &'static str {
        match self {
            Simulation::AuthInvalidClientId => "auth_invalid_client_id",
            Simulation::AuthInvalidRedirectUri => "auth_invalid_redirect_uri",
            Simulation::AuthInvalidScope => "auth_invalid_scope",
            Simulation::AuthAccessDenied => "auth_access_denied",
            Simulation::AuthErrorWithoutState => "auth_error_without_state",
            Simulation::TokenInvalidToken => "token_invalid_token",
            Simulation::TokenInvalidScope => "token_invalid_scope",
            Simulation::TokenExpiredRefreshToken => "token_expired_refresh_token",
            Simulation::TokenServerError => "token_server_error",
            Simulation::RequestInvalidToken => "request_invalid_token",
            Simulation::RequestExpiredToken => "request_expired_token",
            Simulation::Request401WithoutCors => "request_401_without_cors",
            Simulation::IdTokenBadSignature => "id_token_bad_signature",
            Simulation::IdTokenWrongNonce => "id_token_wrong_nonce",
            Simulation::RequestRateLimited => "request_rate_limited",
            Simulation::PagingLoop => "paging_loop",
            Simulation::PagingForeignNext => "paging_foreign_next",
            Simulation::TokenWithNewline => "token_with_newline",
            Simulation::RequestRedirected => "request_redirected",
            Simulation::RequestRedirectedElsewhere => "request_redirected_elsewhere",
            Simulation::RequestNoAnswer => "request_no_answer",
            Simulation::PagingSecondPageFails => "paging_second_page_fails",
            Simulation::PagingEscapingNext => "paging_escaping_next",
            Simulation::IdTokenWithoutName => "id_token_without_name",
            Simulation::StyleLowContrast => "style_low_contrast",
            Simulation::HugeSearchset => "huge_searchset",
        }
    }

    /// The simulation named `name`.
    pub fn from_name(name: &str) -> Option<Simulation> {
        Simulation::ALL.iter().copied().find(|s| s.name() == name)
    }

    /// What the simulation does, in a few words for the EHR page.
    pub fn summary(self) -> &'static str {
        match self {
            Simulation::AuthInvalidClientId => "authorize: unknown client_id",
            Simulation::AuthInvalidRedirectUri => "authorize: unregistered redirect_uri",
            Simulation::AuthInvalidScope => "authorize: invalid_scope",
            Simulation::AuthAccessDenied => "authorize: user declines",
            Simulation::AuthErrorWithoutState => "authorize: error without state",
            Simulation::TokenInvalidToken => "token: code rejected",
            Simulation::TokenInvalidScope => "token: invalid_scope",
            Simulation::TokenExpiredRefreshToken => "token: refresh token expired",
            Simulation::TokenServerError => "token: 500 server error",
            Simulation::RequestInvalidToken => "FHIR: 401 invalid_token",
            Simulation::RequestExpiredToken => "FHIR: token expires after 10 s",
            Simulation::Request401WithoutCors => "FHIR: 401 without CORS",
            Simulation::IdTokenBadSignature => "id_token: bad signature",
            Simulation::IdTokenWrongNonce => "id_token: wrong nonce",
            Simulation::RequestRateLimited => "FHIR: first search of each type 429",
            Simulation::PagingLoop => "FHIR: next links form a loop",
            Simulation::PagingForeignNext => "FHIR: next link to another origin",
            Simulation::TokenWithNewline => "token: access token with CR LF",
            Simulation::RequestRedirected => "FHIR: Condition search redirected outside",
            Simulation::RequestRedirectedElsewhere => {
                "FHIR: Condition search sent to another origin"
            }
            Simulation::RequestNoAnswer => "FHIR: first Condition search never answered",
            Simulation::PagingSecondPageFails => "FHIR: every second page fails (500)",
            Simulation::PagingEscapingNext => "FHIR: next link escapes the base (..%2F)",
            Simulation::IdTokenWithoutName => "id_token: no name claim",
            Simulation::StyleLowContrast => "style: white on white, 9px",
            Simulation::HugeSearchset => "FHIR: 90,433 Conditions in one 54 MB page",
        }
    }
}

impl fmt::Display for Simulation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Simulation {
    type Err = String;

    fn from_str(name: &str) -> Result<Simulation, String> {
        Simulation::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Simulation::ALL.iter().map(|s| s.name()).collect();
            format!("unknown simulation \"{name}\"; known: {}", names.join(", "))
        })
    }
}

/// What one launch asks the sandbox to do differently; bound to the launch token (EHR
/// launch) or taken from the sandbox's options (standalone launch).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LaunchOptions {
    /// A simulated failure.
    pub(crate) simulation: Option<Simulation>,
    /// Access token lifetime instead of the sandbox's (still capped by the profile).
    pub(crate) access_lifetime: Option<Duration>,
    /// Resource types (e.g. `Procedure`) or exact scopes the client may not get.
    pub(crate) denied: Vec<String>,
    /// Authorization pages refuse to be framed and EHR launches ask the user to sign in.
    pub(crate) refuse_framing: bool,
}

impl LaunchOptions {
    /// True when `simulation` is the chosen one.
    pub(crate) fn simulates(&self, simulation: Simulation) -> bool {
        self.simulation == Some(simulation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simulation_is_found_by_its_own_name() {
        for simulation in Simulation::ALL {
            assert_eq!(simulation.name().parse(), Ok(*simulation));
        }
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_list_of_known_ones() {
        let error = "auth_nonsense"
            .parse::<Simulation>()
            .err()
            .unwrap_or_default();
        assert!(error.contains("auth_access_denied"), "{error}");
    }
}
