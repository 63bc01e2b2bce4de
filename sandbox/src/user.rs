//! The signed-in clinician: the one user of the sandbox EHR (`clinician` / `demo` on the
//! sign-in page; already signed in on an EHR launch), whose identity id_tokens carry and
//! whose Practitioner resource is readable at `{base}/Practitioner/{id}` on the profiles
//! with OpenID Connect.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::fhir::{authenticate, fhir_json, forbidden, outcome};
use crate::profile::Ctx;
use crate::scope::{Permissions, Scope};

/// The Practitioner id of the signed-in clinician.
pub(crate) const PRACTITIONER_ID: &str = "ada-okafor";

/// The id_token `sub`: stable across launches and sessions.
pub(crate) const SUBJECT: &str = "clinician-ada-okafor";

/// The clinician's name as the id_token's `name` claim.
pub(crate) const NAME: &str = "Dr. Ada Okafor";

/// The `fhirUser` claim: relative (`Practitioner/{id}`) on most profiles, an absolute URL
/// on `epic-like`, as Epic sends it.
pub(crate) fn fhir_user(ctx: &Ctx) -> String {
    let relative = format!("Practitioner/{PRACTITIONER_ID}");
    if ctx.profile.epic_tokens {
        format!("{}/{relative}", ctx.fhir_base())
    } else {
        relative
    }
}

/// The clinician's Practitioner resource: what the store serves on every profile (searched
/// and read like any resource) and what the `fhirUser` read returns.
pub(crate) fn practitioner() -> Value {
    json!({
        "resourceType": "Practitioner",
        "id": PRACTITIONER_ID,
        "active": true,
        "name": [{
            "use": "official",
            "text": NAME,
            "family": "Okafor",
            "given": ["Ada"],
            "prefix": ["Dr."],
        }],
        "telecom": [{ "system": "email", "value": "ada.okafor@sandbox.invalid", "use": "work" }],
    })
}

/// `GET {base}/Practitioner/{id}`: readable with a token whose `fhirUser` scope names this
/// practitioner, or whose `user/` or `system/` scopes allow reading Practitioner.
pub(crate) async fn read_practitioner(
    State(ctx): State<Ctx>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let grant = match authenticate(&ctx, &headers) {
        Ok(grant) => grant,
        Err(response) => return *response,
    };
    let own = grant.scope.has(&Scope::FhirUser) && id == PRACTITIONER_ID;
    let by_scope = grant
        .scope
        .access("Practitioner", Permissions::READ)
        .is_some_and(|access| access.any_patient);
    if !own && !by_scope {
        return forbidden(
            "The access token may read only its own user (fhirUser scope) or Practitioners with user/Practitioner.read.",
        );
    }
    if id != PRACTITIONER_ID {
        return outcome(
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("Practitioner/{id} is not known to this server."),
        );
    }
    fhir_json(StatusCode::OK, practitioner().to_string())
}
