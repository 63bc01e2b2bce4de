//! The signed-in clinician: the one user of the sandbox EHR (`clinician` / `demo` on the
//! sign-in page; already signed in on an EHR launch), whose identity id_tokens carry and
//! whose Practitioner resource is readable at `{base}/Practitioner/{id}` on the profiles
//! with OpenID Connect.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use crate::data::clinician::{practitioner, PRACTITIONER_ID};
use crate::fhir::{authenticate, fhir_json, forbidden, outcome};
use crate::scope::{Permissions, Scope};
use crate::state::Ctx;

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
