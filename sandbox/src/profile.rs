//! EHR profiles: each profile is one simulated EHR with its own FHIR base and auth server,
//! all under `/{profile}/` on the EHR origin. Only `reference` exists today; later profiles
//! can behave like differently built EHRs.

use std::sync::Arc;

use crate::state::Sandbox;

/// One simulated EHR.
#[derive(Debug)]
pub(crate) struct Profile {
    /// Path segment and identity of the profile, e.g. `reference`.
    pub(crate) name: &'static str,
    /// Human name shown in `config.json` and on pages.
    pub(crate) title: &'static str,
}

/// Every profile the sandbox serves; the first is the one the EHR page launches into.
pub(crate) const PROFILES: &[Profile] = &[Profile {
    name: "reference",
    title: "Bedside sandbox (reference EHR)",
}];

/// What a handler of one profile needs: the sandbox and which profile it serves.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The running sandbox.
    pub(crate) sandbox: Arc<Sandbox>,
    /// The profile this handler belongs to.
    pub(crate) profile: &'static Profile,
}

impl Ctx {
    /// The FHIR base URL, also the `iss` and the expected `aud`.
    pub(crate) fn fhir_base(&self) -> String {
        fhir_base(&self.sandbox.ehr_origin, self.profile)
    }

    /// The authorization endpoint.
    pub(crate) fn authorize_endpoint(&self) -> String {
        format!(
            "{}/{}/auth/authorize",
            self.sandbox.ehr_origin, self.profile.name
        )
    }

    /// Where the consent form posts.
    pub(crate) fn decision_endpoint(&self) -> String {
        format!("{}/decision", self.authorize_endpoint())
    }

    /// The token endpoint.
    pub(crate) fn token_endpoint(&self) -> String {
        format!(
            "{}/{}/auth/token",
            self.sandbox.ehr_origin, self.profile.name
        )
    }

    /// The SMART style document.
    pub(crate) fn style_url(&self) -> String {
        format!(
            "{}/{}/smart-style.json",
            self.sandbox.ehr_origin, self.profile.name
        )
    }
}

/// The FHIR base URL of `profile` on the EHR origin.
pub(crate) fn fhir_base(ehr_origin: &str, profile: &Profile) -> String {
    format!("{ehr_origin}/{}/fhir", profile.name)
}
