//! The signed-in clinician's identity and Practitioner resource, which the store serves on
//! every profile and id_tokens name.

use serde_json::{json, Value};

/// The Practitioner id of the signed-in clinician.
pub(crate) const PRACTITIONER_ID: &str = "ada-okafor";

/// The id_token `sub`: stable across launches and sessions.
pub(crate) const SUBJECT: &str = "clinician-ada-okafor";

/// The clinician's name as the id_token's `name` claim.
pub(crate) const NAME: &str = "Dr. Ada Okafor";

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
