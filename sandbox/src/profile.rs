//! EHR profiles: each profile is one simulated EHR with its own FHIR base and auth server,
//! all served by one process under `/{profile}/` on the EHR origin, all with the same data.
//! They behave like differently built EHRs so that the app's feature detection can be
//! tested against each.
//!
//! | profile | FHIR base | differs from `reference` |
//! | --- | --- | --- |
//! | `reference` | `/reference/fhir` | — SMART 2.2: v1 and v2 scopes (incl. granular `?category=`), `_sort`, `_include`, `_count` ≤ 1000, refresh tokens for `offline_access`/`online_access`; authorize by GET or POST (`authorize-post`); revocation (RFC 7009); OpenID Connect (`openid fhirUser profile`, relative `fhirUser`, `sso-openid-connect`); `iss` on every authorization response (RFC 9207, advertised as `authorization_response_iss_parameter_supported`) |
//! | `epic-like` | `/epic-like/fhir` | v1 scopes only (v2 → `invalid_scope`; capabilities say `permission-v1`); no `_sort` (400); Observation search without `category` → 400; no MedicationStatement (404, absent from metadata); `metadata` answers XML unless `Accept` asks for JSON; discovery `issuer` is `/epic-like/oauth2`; token response: `token_type` `bearer`, a trailing space in `scope`, `need_patient_banner` `"false"` (a string), `__epic.dstu2.patient`, and no refresh token for the public client; OpenID Connect with an absolute `fhirUser` URL; no `authorize-post`, no revocation |
//! | `oracle-like` | `/oracle-like/{tenant}/fhir` | a tenant segment in every URL (auth too); `issuer` is `/oracle-like/{tenant}/auth`; wildcard scopes (`patient/*.read`) → `invalid_scope`; access tokens live at most 570 s; `online_access` gives a refresh token; `_count` silently capped at 50; no `_include` (400); the token endpoint answers CORS with `*`; a 401 for an expired or unknown token has no CORS headers; no `authorize-post`, revocation or OpenID Connect |
//! | `legacy` | `/legacy/fhir` | no `.well-known/smart-configuration` (404): the endpoints (incl. `revoke`) are only in the CapabilityStatement's oauth-uris extension; no `authorize-post` or OpenID Connect |
//! | `no-cors` | `/no-cors/fhir` | FHIR responses carry no CORS headers (discovery, metadata and token do); no `authorize-post`, revocation or OpenID Connect |
//! | `open` | `/open/fhir` | no authorization at all: no auth server, no smart-configuration, no security in metadata; every FHIR request is answered |

use std::time::Duration;

/// The tenant segment of `oracle-like` URLs.
pub(crate) const TENANT: &str = "ec2458f2-1e24-41c8-b71b-0e701af7583d";

/// One simulated EHR and how it differs from the reference one.
#[derive(Debug)]
pub(crate) struct Profile {
    /// Path segment and identity of the profile, e.g. `reference`.
    pub(crate) name: &'static str,
    /// Human name shown in `config.json` and on pages.
    pub(crate) title: &'static str,
    /// A tenant segment after the profile name in every URL.
    pub(crate) tenant: Option<&'static str>,
    /// Serves `.well-known/smart-configuration`.
    pub(crate) well_known: bool,
    /// Has an auth server and checks tokens; `false` answers every FHIR request.
    pub(crate) secured: bool,
    /// Accepts SMART v2 scopes (`.rs`, `.cruds`, granular `?`).
    pub(crate) v2_scopes: bool,
    /// Accepts `*` as the resource type of a scope.
    pub(crate) wildcard_scopes: bool,
    /// Supports `_sort`.
    pub(crate) sort: bool,
    /// Supports `_include`.
    pub(crate) include: bool,
    /// Observation searches must name a `category`.
    pub(crate) observation_needs_category: bool,
    /// Serves MedicationStatement.
    pub(crate) medication_statement: bool,
    /// Largest page; a larger `_count` is silently reduced.
    pub(crate) max_count: usize,
    /// `metadata` answers XML unless JSON is asked for.
    pub(crate) xml_metadata: bool,
    /// Discovery names an issuer other than the FHIR base.
    pub(crate) distinct_issuer: bool,
    /// Epic-style token responses (see the table).
    pub(crate) epic_tokens: bool,
    /// Cap on the access token lifetime.
    pub(crate) max_access_lifetime: Option<Duration>,
    /// CORS of FHIR and token responses.
    pub(crate) cors: CorsStyle,
    /// The authorize endpoint also accepts POST (SMART capability `authorize-post`).
    pub(crate) authorize_post: bool,
    /// Has a revocation endpoint (RFC 7009).
    pub(crate) revocation: bool,
    /// Accepts `openid`, `fhirUser` and `profile` and issues id_tokens.
    pub(crate) openid: bool,
    /// Names itself (`iss`) in every authorization response and says so in its
    /// smart-configuration (`authorization_response_iss_parameter_supported`, RFC 9207).
    pub(crate) response_iss: bool,
}

/// How a profile answers cross-origin requests on its FHIR and token endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CorsStyle {
    /// The app origin only, echoed with `Vary: Origin`.
    AppOnly,
    /// Token endpoint `*`; FHIR app origin only, but 401s without CORS headers.
    Oracle,
    /// FHIR responses without CORS headers; token endpoint app origin only.
    NoFhir,
}

const REFERENCE: Profile = Profile {
    name: "reference",
    title: "Bedside sandbox (reference EHR)",
    tenant: None,
    well_known: true,
    secured: true,
    v2_scopes: true,
    wildcard_scopes: true,
    sort: true,
    include: true,
    observation_needs_category: false,
    medication_statement: true,
    max_count: 1000,
    xml_metadata: false,
    distinct_issuer: false,
    epic_tokens: false,
    max_access_lifetime: None,
    cors: CorsStyle::AppOnly,
    authorize_post: true,
    revocation: true,
    openid: true,
    response_iss: true,
};

/// Every profile the sandbox serves; the first is the one the EHR page launches into.
pub(crate) const PROFILES: &[Profile] = &[
    REFERENCE,
    Profile {
        name: "epic-like",
        title: "Sandbox — epic-like",
        v2_scopes: false,
        sort: false,
        observation_needs_category: true,
        medication_statement: false,
        xml_metadata: true,
        distinct_issuer: true,
        epic_tokens: true,
        authorize_post: false,
        revocation: false,
        response_iss: false,
        ..REFERENCE
    },
    Profile {
        name: "oracle-like",
        title: "Sandbox — oracle-like",
        tenant: Some(TENANT),
        wildcard_scopes: false,
        include: false,
        max_count: 50,
        distinct_issuer: true,
        max_access_lifetime: Some(Duration::from_secs(570)),
        cors: CorsStyle::Oracle,
        authorize_post: false,
        revocation: false,
        openid: false,
        response_iss: false,
        ..REFERENCE
    },
    Profile {
        name: "legacy",
        title: "Sandbox — legacy",
        well_known: false,
        authorize_post: false,
        openid: false,
        response_iss: false,
        ..REFERENCE
    },
    Profile {
        name: "no-cors",
        title: "Sandbox — no-cors",
        cors: CorsStyle::NoFhir,
        authorize_post: false,
        revocation: false,
        openid: false,
        response_iss: false,
        ..REFERENCE
    },
    Profile {
        name: "open",
        title: "Sandbox — open",
        well_known: false,
        secured: false,
        authorize_post: false,
        revocation: false,
        openid: false,
        response_iss: false,
        ..REFERENCE
    },
];

/// The profile named `name`.
pub(crate) fn by_name(name: &str) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.name == name)
}

impl Profile {
    /// The path prefix of every URL of this profile: `/{name}` or `/{name}/{tenant}`.
    pub(crate) fn prefix(&self) -> String {
        match self.tenant {
            Some(tenant) => format!("/{}/{tenant}", self.name),
            None => format!("/{}", self.name),
        }
    }
}

/// The FHIR base URL of `profile` on the EHR origin.
pub(crate) fn fhir_base(ehr_origin: &str, profile: &Profile) -> String {
    format!("{ehr_origin}{}/fhir", profile.prefix())
}
