//! Scope cases from SMART App Launch 2.2 §"Scopes and Launch Context" (cited per test as
//! "scopes page"), plus property tests for print(parse(s)) == s.

use super::*;

const LAB: &str = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";
const LAB_SCOPE: &str = "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

fn scope(text: &str) -> Scope {
    Scope::parse(text).unwrap()
}

fn set(text: &str) -> ScopeSet {
    ScopeSet::parse(text).unwrap()
}

fn problem(text: &str) -> ScopeProblem {
    match Scope::parse(text).unwrap_err() {
        ScopeError::Malformed { problem, .. } => problem,
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_example_scope_of_the_scopes_page_prints_back_unchanged() {
    // Scopes page: Quick Start, patient-, user- and system-level tables, granular example,
    // context scopes, refresh scopes, and v1 forms from §"Scope Equivalence".
    for text in [
        "patient/*.rs",
        "user/*.cruds",
        "patient/Observation.rs",
        "patient/Patient.r",
        "patient/Observation.c",
        "patient/*.cruds",
        "user/Observation.rs",
        "user/Appointment.cruds",
        "user/Patient.rs",
        "system/Observation.rs",
        "system/*.rs",
        "system/Encounter.cud",
        "patient/Observation.cu",
        LAB_SCOPE,
        "patient/Observation.read",
        "patient/*.read",
        "user/*.write",
        "patient/*.*",
        "launch",
        "launch/patient",
        "launch/encounter",
        "launch/diagnosticreport",
        "openid",
        "fhirUser",
        "profile",
        "online_access",
        "offline_access",
        "http://example.com/scope-name",
        "__vendor_scope",
    ] {
        assert_eq!(scope(text).to_string(), text);
    }
}

#[test]
fn v2_letters_out_of_order_are_rejected_naming_the_scope() {
    // Scopes page: "a request of `.dus` is not a defined scope request".
    let error = Scope::parse("patient/Observation.dus").unwrap_err();
    assert_eq!(
        error,
        ScopeError::Malformed {
            scope: "patient/Observation.dus".into(),
            problem: ScopeProblem::Permissions(PermissionProblem::OutOfOrder('u')),
        }
    );
    assert!(error.message().contains("patient/Observation.dus"));
}

#[test]
fn a_repeated_permission_letter_is_rejected() {
    assert_eq!(
        problem("patient/Observation.rrs"),
        ScopeProblem::Permissions(PermissionProblem::Repeated('r'))
    );
}

#[test]
fn a_letter_outside_cruds_is_rejected() {
    assert_eq!(
        problem("patient/Observation.rx"),
        ScopeProblem::Permissions(PermissionProblem::UnknownLetter('x'))
    );
}

#[test]
fn a_resource_scope_without_permissions_is_rejected() {
    assert_eq!(problem("patient/Observation"), ScopeProblem::NoPermissions);
    assert_eq!(
        problem("patient/Observation."),
        ScopeProblem::Permissions(PermissionProblem::Empty)
    );
}

#[test]
fn a_lowercase_resource_type_is_rejected() {
    // Scopes page: "Note the difference in capitalization between 'patient' … and 'Patient'".
    assert_eq!(problem("patient/patient.r"), ScopeProblem::ResourceType);
}

#[test]
fn a_v1_scope_cannot_carry_a_query() {
    assert_eq!(
        problem("patient/Observation.read?category=laboratory"),
        ScopeProblem::QueryOnV1
    );
}

#[test]
fn a_granular_scope_keeps_its_query_pairs() {
    let Scope::Resource(resource) = scope(LAB_SCOPE) else {
        panic!("not a resource scope");
    };
    assert_eq!(
        resource.query,
        vec![("category".to_owned(), LAB.to_owned())]
    );
    assert_eq!(resource.permissions, Permissions::V2(Cruds::READ_SEARCH));
}

#[test]
fn an_unknown_launch_context_is_kept_by_name() {
    assert_eq!(
        scope("launch/diagnosticreport"),
        Scope::Context(ContextRequest::Other("diagnosticreport".into()))
    );
}

#[test]
fn unknown_and_vendor_scopes_are_kept_as_written() {
    // Scopes page §"Extensibility": full URIs and `__` names.
    for text in ["http://example.com/scope-name", "__x", "patientx/Obs.read"] {
        assert_eq!(scope(text), Scope::Other(text.into()));
    }
}

#[test]
fn v1_permissions_map_to_their_v2_letters() {
    // Scopes page: v1 `.read` ⇒ v2 `.rs`, `.write` ⇒ `.cud`, `.*` ⇒ `.cruds`.
    assert_eq!(
        set("patient/Observation.read user/*.write patient/*.*")
            .to_v2()
            .to_string(),
        "patient/Observation.rs user/*.cud patient/*.cruds"
    );
}

#[test]
fn a_scope_string_with_runs_of_whitespace_parses_and_prints_single_spaced() {
    let parsed = set("  launch   patient/*.rs\t openid \n");
    assert_eq!(parsed.len(), 3);
    assert_eq!(parsed.to_string(), "launch patient/*.rs openid");
}

#[test]
fn a_repeated_scope_appears_once() {
    assert_eq!(set("openid openid fhirUser").to_string(), "openid fhirUser");
}

#[test]
fn one_malformed_granted_scope_is_kept_as_other_by_the_lenient_parser() {
    let granted = ScopeSet::parse_lenient("patient/Observation.sr patient/Patient.rs");
    assert!(granted.contains(&Scope::Other("patient/Observation.sr".into())));
    assert!(granted.allows_read("Patient"));
    assert!(!granted.allows_search("Observation", &[], Compartment::Patient));
}

#[test]
fn a_plain_type_scope_allows_any_search_of_that_type() {
    let granted = set("patient/Observation.rs");
    assert!(granted.allows_search("Observation", &[("category", LAB)], Compartment::Patient));
    assert!(granted.allows_search("Observation", &[], Compartment::Patient));
    assert!(!granted.allows_search("Condition", &[], Compartment::Patient));
}

#[test]
fn a_wildcard_scope_allows_searching_every_type() {
    assert!(set("patient/*.rs").allows_search("Immunization", &[], Compartment::Patient));
}

#[test]
fn a_v1_read_scope_allows_search() {
    assert!(set("patient/*.read").allows_search("Condition", &[], Compartment::Patient));
}

#[test]
fn searching_needs_the_s_letter() {
    // Scopes page: `s` grants type-level search; `r` only instance read.
    assert!(!set("patient/Observation.r").allows_search("Observation", &[], Compartment::Patient));
}

#[test]
fn a_lab_scope_allows_a_search_restricted_to_laboratory() {
    assert!(set(LAB_SCOPE).allows_search(
        "Observation",
        &[("category", LAB), ("_sort", "-date")],
        Compartment::Patient
    ));
}

#[test]
fn a_lab_scope_does_not_allow_an_unrestricted_search() {
    assert!(!set(LAB_SCOPE).allows_search("Observation", &[], Compartment::Patient));
}

#[test]
fn a_lab_scope_does_not_allow_a_vital_signs_search() {
    let vitals = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";
    assert!(!set(LAB_SCOPE).allows_search(
        "Observation",
        &[("category", vitals)],
        Compartment::Patient
    ));
}

#[test]
fn a_system_and_code_scope_does_not_allow_a_bare_code_search() {
    // A bare `laboratory` search also matches codes of other systems, which the grant excludes.
    assert!(!set(LAB_SCOPE).allows_search(
        "Observation",
        &[("category", "laboratory")],
        Compartment::Patient
    ));
}

#[test]
fn a_bare_code_scope_allows_a_search_with_any_system() {
    assert!(
        set("patient/Observation.rs?category=laboratory").allows_search(
            "Observation",
            &[("category", LAB)],
            Compartment::Patient
        )
    );
}

#[test]
fn an_or_search_is_allowed_only_when_every_alternative_is_granted() {
    let both =
        format!("{LAB},http://terminology.hl7.org/CodeSystem/observation-category|vital-signs");
    assert!(!set(LAB_SCOPE).allows_search(
        "Observation",
        &[("category", &both)],
        Compartment::Patient
    ));
}

#[test]
fn a_user_scope_covers_the_patient_in_context_but_not_the_reverse() {
    assert!(set("user/Observation.rs").allows_search("Observation", &[], Compartment::Patient));
    assert!(!set("patient/Observation.rs").allows_search("Observation", &[], Compartment::User));
    assert!(!set("system/Observation.rs").allows_search("Observation", &[], Compartment::Patient));
}

#[test]
fn reading_by_id_needs_an_unrestricted_r() {
    assert!(set("patient/Patient.r").allows_read("Patient"));
    assert!(!set("patient/Patient.s").allows_read("Patient"));
    assert!(!set(LAB_SCOPE).allows_read("Observation"));
}

#[test]
fn permissions_split_across_two_granted_scopes_cover_the_combined_scope() {
    // Scopes page §"Wildcard scopes": `.rs` plus `.cud` is "exactly what it requested".
    let granted = set("patient/AllergyIntolerance.rs patient/AllergyIntolerance.cud");
    assert!(granted.covers(&scope("patient/AllergyIntolerance.cruds")));
    assert!(
        !set("patient/AllergyIntolerance.rs").covers(&scope("patient/AllergyIntolerance.cruds"))
    );
}

// proptest is a native dev-dependency; the wasm build of these tests skips the properties.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn resource_type() -> impl Strategy<Value = String> {
        prop_oneof![Just("*".to_owned()), "[A-Z][a-zA-Z]{0,12}"]
    }

    fn compartment() -> impl Strategy<Value = Compartment> {
        prop_oneof![
            Just(Compartment::Patient),
            Just(Compartment::User),
            Just(Compartment::System)
        ]
    }

    fn permissions() -> impl Strategy<Value = Permissions> {
        prop_oneof![
            prop_oneof![
                Just(V1Access::Read),
                Just(V1Access::Write),
                Just(V1Access::All)
            ]
            .prop_map(Permissions::V1),
            any::<[bool; 5]>()
                .prop_filter("at least one letter", |f| f.contains(&true))
                .prop_map(|f| Permissions::V2(Cruds::from_flags(f))),
        ]
    }

    fn query() -> impl Strategy<Value = Vec<(String, String)>> {
        prop::collection::vec(("[a-z][a-z:_-]{0,10}", "[A-Za-z0-9:/.|,_-]{1,30}"), 0..3)
    }

    fn any_scope() -> impl Strategy<Value = Scope> {
        let resource = (compartment(), resource_type(), permissions(), query()).prop_map(
            |(compartment, resource_type, permissions, query)| {
                let query = if matches!(permissions, Permissions::V1(_)) {
                    Vec::new()
                } else {
                    query
                };
                Scope::Resource(ResourceScope {
                    compartment,
                    resource_type,
                    permissions,
                    query,
                })
            },
        );
        prop_oneof![
            4 => resource,
            1 => prop_oneof![
                Just(Scope::Launch),
                Just(Scope::OpenId),
                Just(Scope::FhirUser),
                Just(Scope::Profile),
                Just(Scope::OfflineAccess),
                Just(Scope::OnlineAccess),
                Just(Scope::Context(ContextRequest::Patient)),
                Just(Scope::Context(ContextRequest::Encounter)),
            ],
            1 => "[a-z]{3,10}"
                .prop_filter("a named context", |n| n != "patient" && n != "encounter")
                .prop_map(|n| Scope::Context(ContextRequest::Other(n))),
            1 => "__[a-z]{1,10}|https://[a-z]{1,8}\\.example/[a-z]{1,8}".prop_map(Scope::Other),
        ]
    }

    proptest! {
        #[test]
        fn parsing_a_printed_scope_gives_the_same_scope(scope in any_scope()) {
            prop_assert_eq!(Scope::parse(&scope.to_string()), Ok(scope));
        }

        #[test]
        fn printing_a_parsed_scope_gives_the_same_text(scope in any_scope()) {
            let text = scope.to_string();
            prop_assert_eq!(Scope::parse(&text).unwrap().to_string(), text);
        }

        #[test]
        fn a_scope_set_survives_any_whitespace_between_scopes(
            scopes in prop::collection::vec(any_scope(), 0..6),
            gaps in prop::collection::vec("[ \t\n]{1,3}", 7),
        ) {
            let expected: ScopeSet = scopes.iter().cloned().collect();
            let mut text = gaps[0].clone();
            for (scope, gap) in scopes.iter().zip(&gaps[1..]) {
                text.push_str(&scope.to_string());
                text.push_str(gap);
            }
            prop_assert_eq!(ScopeSet::parse(&text), Ok(expected));
        }

        #[test]
        fn mapping_to_v2_keeps_what_a_scope_grants(scope in any_scope()) {
            let v2 = scope.to_v2();
            let (Scope::Resource(before), Scope::Resource(after)) = (&scope, &v2) else {
                return Ok(());
            };
            prop_assert_eq!(before.permissions.cruds(), after.permissions.cruds());
            prop_assert!(matches!(after.permissions, Permissions::V2(_)));
        }
    }
}

// The in-flight record stores the requested scope in sessionStorage: the same string the
// request sent, read back as a set (and a record stored as a plain string before still reads).
#[test]
fn a_scope_set_is_stored_as_its_space_separated_string_and_read_back() {
    let text = "launch/patient patient/Observation.rs?category=vital-signs openid";
    let set = ScopeSet::parse(text).unwrap();
    let json = serde_json::to_string(&set).unwrap();
    assert_eq!(json, format!("\"{text}\""));
    assert_eq!(serde_json::from_str::<ScopeSet>(&json).unwrap(), set);
}
