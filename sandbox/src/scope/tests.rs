//! Unit tests of scope parsing and access decisions.

use super::*;

/// `Some(any_patient)` when the scope lets a token read Patient, `None` when not.
fn patient_read(scope: &str) -> Option<bool> {
    ScopeSet::parse(scope)
        .ok()
        .and_then(|s| s.access("Patient", Permissions::READ))
        .map(|a| a.any_patient)
}

#[test]
fn v1_read_scopes_allow_reading_the_patient_in_context() {
    for scope in [
        "patient/Patient.read",
        "patient/*.read",
        "patient/Patient.*",
        "patient/*.*",
    ] {
        assert_eq!(patient_read(scope), Some(false), "{scope}");
    }
}

#[test]
fn v2_scopes_with_r_allow_reading_and_those_without_do_not() {
    for scope in [
        "patient/Patient.rs",
        "patient/Patient.r",
        "patient/Patient.cruds",
        "patient/*.rs",
        "patient/Patient.cr",
    ] {
        assert_eq!(patient_read(scope), Some(false), "{scope}");
    }
    for scope in [
        "patient/Patient.s",
        "patient/Patient.cud",
        "patient/Patient.write",
        "patient/Observation.rs",
    ] {
        assert_eq!(patient_read(scope), None, "{scope}");
    }
}

#[test]
fn user_and_system_scopes_reach_any_patient() {
    assert_eq!(patient_read("user/Patient.rs"), Some(true));
    assert_eq!(patient_read("system/*.read"), Some(true));
    assert_eq!(
        patient_read("patient/Patient.rs user/Patient.r"),
        Some(true)
    );
}

#[test]
fn v2_permissions_out_of_order_or_unknown_are_refused() {
    for scope in [
        "patient/Patient.sr",
        "patient/Patient.rr",
        "patient/Patient.x",
        "patient/Patient.",
        "patient/Patient.read?code=1",
        "patient/Observation.rs?category",
    ] {
        assert!(ScopeSet::parse(scope).is_err(), "{scope}");
    }
}

#[test]
fn a_v2_granular_scope_restricts_access_to_its_query() {
    let set = ScopeSet::parse(
        "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let access = set.access("Observation", Permissions::SEARCH);
    let restriction = access.map(|a| a.restrictions).unwrap_or_default();
    assert_eq!(restriction.len(), 1);
    assert_eq!(restriction[0][0].0, "category");
    assert!(restriction[0][0].1.ends_with("|laboratory"));
}

#[test]
fn an_unrestricted_scope_lifts_the_restriction_of_a_granular_one() {
    let set = ScopeSet::parse("patient/Observation.rs?category=vital-signs patient/Observation.rs")
        .unwrap_or_else(|e| panic!("{e}"));
    let access = set.access("Observation", Permissions::SEARCH);
    assert_eq!(access.map(|a| a.restrictions.len()), Some(0));
}

#[test]
fn a_read_only_v2_scope_does_not_allow_search() {
    let set = ScopeSet::parse("patient/Observation.r").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.access("Observation", Permissions::SEARCH), None);
    assert!(set.access("Observation", Permissions::READ).is_some());
}

#[test]
fn unknown_scopes_are_named_in_the_error() {
    assert_eq!(
        ScopeSet::parse("launch openid email"),
        Err("email".to_string())
    );
    assert_eq!(
        ScopeSet::parse("practitioner/Patient.rs"),
        Err("practitioner/Patient.rs".to_string())
    );
    assert_eq!(
        ScopeSet::parse("patient/patient.rs"),
        Err("patient/patient.rs".to_string())
    );
}

#[test]
fn repeated_scopes_and_extra_spaces_are_normalized() {
    let set =
        ScopeSet::parse("  launch  launch patient/Patient.rs ").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(set.to_string(), "launch patient/Patient.rs");
}

#[test]
fn a_narrower_set_is_a_subset_and_a_wider_one_is_not() {
    let granted = ScopeSet::parse("launch patient/Patient.rs offline_access")
        .unwrap_or_else(|e| panic!("{e}"));
    let narrower = ScopeSet::parse("patient/Patient.rs").unwrap_or_else(|e| panic!("{e}"));
    let wider =
        ScopeSet::parse("patient/Patient.rs user/Patient.rs").unwrap_or_else(|e| panic!("{e}"));
    assert!(narrower.is_subset_of(&granted));
    assert!(!wider.is_subset_of(&granted));
}
