//! Who is signed in, in words: the person's name from the id_token, else from their `fhirUser`
//! resource when the grant allows reading it, else their role ("Signed in (practitioner)").
//! Never a raw reference such as `Practitioner/ada-okafor`.

use super::id_token::{fhir_user_url, UserIdentity};
use super::scope::{Compartment, Scope};
use super::session::Session;
use crate::fhir::datatypes::HumanName;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

/// The resource types SMART App Launch allows as `fhirUser` (§"Scopes for requesting identity
/// data"), with the role each names in words.
const USER_TYPES: [(&str, &str); 4] = [
    ("Practitioner", "practitioner"),
    ("Patient", "patient"),
    ("RelatedPerson", "related person"),
    ("Person", "person"),
];

/// The footer's "Signed in" line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignedInAs {
    /// "Signed in as {name}".
    Named(String),
    /// "Signed in ({role})", or "Signed in" when even the role is unknown.
    Role(Option<&'static str>),
}

impl SignedInAs {
    /// The line without a name ("Signed in (practitioner)"), or the words before the name.
    pub fn lead(&self) -> String {
        match self {
            SignedInAs::Named(_) => "Signed in as ".into(),
            SignedInAs::Role(Some(role)) => format!("Signed in ({role})"),
            SignedInAs::Role(None) => "Signed in".into(),
        }
    }
}

/// The user's FHIR resource, when it is a person resource on this session's FHIR server
/// (where the token may go) and the grant allows reading it: the `fhirUser` scope, or a
/// `user/` or `system/` scope that reads its type.
pub fn user_read(identity: &UserIdentity, session: &Session) -> Option<Url> {
    let url = fhir_user_url(identity.fhir_user.as_deref()?, &session.fhir_base)?;
    if !session.fhir_base.covers(&url) {
        return None;
    }
    let (resource_type, _) = user_type(identity)?;
    // A patient/ scope reaches the patient's compartment, which holds no Practitioner.
    let by_type = |scope: &Scope| match scope {
        Scope::Resource(resource) => {
            resource.compartment != Compartment::Patient
                && resource.covers_type(resource_type)
                && resource.permissions.cruds().read
                && resource.query.is_empty()
        }
        _ => false,
    };
    let granted = &session.granted_scope;
    (granted.contains(&Scope::FhirUser) || granted.iter().any(by_type)).then_some(url)
}

/// The name to show: the id_token's, else the one read from the user's resource (`read`, the
/// body of a successful read, if one was made), else the role the `fhirUser` reference names.
pub fn signed_in_as(identity: &UserIdentity, read: Option<&str>) -> SignedInAs {
    let from_resource = || read.and_then(|body| person_name(body, identity));
    match identity.name.clone().or_else(from_resource) {
        Some(name) => SignedInAs::Named(name),
        None => SignedInAs::Role(user_type(identity).map(|(_, role)| role)),
    }
}

// The type and role of the `fhirUser` reference: its last two path segments, `Type/id`.
fn user_type(identity: &UserIdentity) -> Option<(&'static str, &'static str)> {
    let reference = identity.fhir_user.as_deref()?;
    let mut segments = reference.trim_end_matches('/').rsplit('/');
    let (_id, resource_type) = (segments.next()?, segments.next()?);
    USER_TYPES
        .iter()
        .find(|(name, _)| *name == resource_type)
        .copied()
}

// The preferred name of a person resource of the type the reference names.
fn person_name(body: &str, identity: &UserIdentity) -> Option<String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Person {
        resource_type: String,
        #[serde(default)]
        name: Vec<HumanName>,
    }
    let value: Value = serde_json::from_str(body).ok()?;
    let person = Person::deserialize(&value).ok()?;
    let (expected, _) = user_type(identity)?;
    (person.resource_type == expected)
        .then(|| HumanName::preferred_text(&person.name))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(name: Option<&str>, fhir_user: Option<&str>) -> UserIdentity {
        UserIdentity {
            name: name.map(str::to_owned),
            fhir_user: fhir_user.map(str::to_owned),
        }
    }

    const ADA: &str = r#"{"resourceType": "Practitioner", "id": "ada-okafor",
        "name": [{"use": "old", "family": "Smith", "given": ["Ada"]},
                 {"use": "official", "family": "Okafor", "given": ["Ada"], "prefix": ["Dr."]}]}"#;

    #[test]
    fn the_id_tokens_name_is_shown_first() {
        let ada = identity(Some("Ada Okafor"), Some("Practitioner/ada-okafor"));
        assert_eq!(
            signed_in_as(&ada, Some(ADA)),
            SignedInAs::Named("Ada Okafor".into())
        );
    }

    #[test]
    fn without_a_name_in_the_id_token_the_user_resources_preferred_name_is_shown() {
        let ada = identity(None, Some("Practitioner/ada-okafor"));
        assert_eq!(
            signed_in_as(&ada, Some(ADA)),
            SignedInAs::Named("Dr. Ada Okafor".into())
        );
    }

    #[test]
    fn without_any_name_the_role_is_shown_never_the_reference() {
        let ada = identity(
            None,
            Some("https://ehr.example/fhir/Practitioner/ada-okafor"),
        );
        let shown = signed_in_as(&ada, None);
        assert_eq!(shown.lead(), "Signed in (practitioner)");
        let carer = identity(None, Some("RelatedPerson/7"));
        assert_eq!(
            signed_in_as(&carer, None).lead(),
            "Signed in (related person)"
        );
        assert_eq!(
            signed_in_as(&identity(None, None), None).lead(),
            "Signed in"
        );
    }

    #[test]
    fn a_resource_of_another_type_than_the_reference_names_is_not_taken_for_the_user() {
        let ada = identity(None, Some("Patient/ada-okafor"));
        assert_eq!(
            signed_in_as(&ada, Some(ADA)),
            SignedInAs::Role(Some("patient"))
        );
    }

    #[test]
    fn a_resource_without_a_name_leaves_the_role() {
        let ada = identity(None, Some("Practitioner/ada-okafor"));
        let nameless = r#"{"resourceType": "Practitioner", "name": [{"given": [" "]}]}"#;
        for body in [nameless, "<html>", "[]"] {
            assert_eq!(
                signed_in_as(&ada, Some(body)),
                SignedInAs::Role(Some("practitioner")),
                "{body}"
            );
        }
    }

    fn granted(scope: &str) -> Session {
        crate::smart::session::test_session(
            &format!(
                r#"{{"access_token":"at","token_type":"Bearer","patient":"p-1","scope":"{scope}"}}"#
            ),
            None,
        )
    }

    #[test]
    fn the_user_resource_is_read_when_the_fhir_user_scope_was_granted() {
        let ada = identity(None, Some("Practitioner/ada-okafor"));
        let url = user_read(&ada, &granted("openid fhirUser patient/*.rs")).unwrap();
        assert_eq!(
            url.as_str(),
            "https://ehr.example/fhir/Practitioner/ada-okafor"
        );
    }

    #[test]
    fn the_user_resource_is_read_when_its_type_may_be_read() {
        let ada = identity(None, Some("Practitioner/ada-okafor"));
        assert!(user_read(&ada, &granted("openid user/Practitioner.rs")).is_some());
    }

    #[test]
    fn the_user_resource_is_not_read_without_a_grant_that_allows_it() {
        let ada = identity(None, Some("Practitioner/ada-okafor"));
        assert_eq!(user_read(&ada, &granted("openid patient/*.rs")), None);
    }

    #[test]
    fn a_user_resource_on_another_server_is_not_read_with_this_token() {
        for elsewhere in [
            "https://evil.example/fhir/Practitioner/ada-okafor",
            "https://ehr.example/other/Practitioner/ada-okafor",
        ] {
            let ada = identity(None, Some(elsewhere));
            assert_eq!(
                user_read(&ada, &granted("openid fhirUser")),
                None,
                "{elsewhere}"
            );
        }
    }

    #[test]
    fn a_user_reference_that_is_not_a_person_is_not_read() {
        let device = identity(None, Some("Device/pump"));
        assert_eq!(
            user_read(&device, &granted("openid fhirUser user/*.rs")),
            None
        );
    }

    #[test]
    fn an_unknown_user_type_has_no_role() {
        let device = identity(None, Some("Device/infusion-pump"));
        assert_eq!(signed_in_as(&device, None), SignedInAs::Role(None));
    }
}
