//! Scope planning rules, from SMART App Launch 2.2 §"Scopes and Launch Context" ("scopes
//! page") and §"Capabilities".

use super::*;
use crate::fhir::FhirBaseUrl;
use crate::smart::discovery::SmartConfiguration;
use url::Url;

const LAB: &str = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";
const VITALS: &str = "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";

fn needs() -> Vec<DataNeed> {
    vec![
        DataNeed::read("Patient"),
        DataNeed::search_where("Observation", "category", LAB),
        DataNeed::search_where("Observation", "category", VITALS),
        DataNeed::search("Condition"),
    ]
}

fn request<'a>(needs: &'a [DataNeed], launch: &'a LaunchKind) -> ScopeRequest<'a> {
    ScopeRequest {
        needs,
        syntax: ScopeSyntax::V2,
        granular: true,
        launch,
        identity: false,
        refresh: RefreshAccess::None,
    }
}

fn ehr() -> LaunchKind {
    LaunchKind::Ehr {
        launch: "abc123".into(),
    }
}

fn set(text: &str) -> ScopeSet {
    ScopeSet::parse(text).unwrap()
}

fn discovery(capabilities: &[&str]) -> Discovery {
    Discovery {
        configuration: Some(SmartConfiguration {
            capabilities: capabilities.iter().map(|c| c.to_string().into()).collect(),
            ..SmartConfiguration::default()
        }),
        ..Discovery::with_endpoints(
            FhirBaseUrl::parse("https://ehr.example/fhir").unwrap(),
            Url::parse("https://ehr.example/authorize").unwrap(),
            Url::parse("https://ehr.example/token").unwrap(),
        )
    }
}

#[test]
fn granular_scopes_are_requested_when_every_need_of_a_type_is_restricted() {
    let launch = ehr();
    assert_eq!(
        plan_scopes(&request(&needs(), &launch)).to_string(),
        format!(
            "launch patient/Patient.rs patient/Observation.rs?category={LAB} \
             patient/Observation.rs?category={VITALS} patient/Condition.rs"
        )
    );
}

#[test]
fn one_unrestricted_need_makes_the_type_scope_plain() {
    let launch = ehr();
    let mut needs = needs();
    needs.push(DataNeed::search("Observation"));
    let planned = plan_scopes(&request(&needs, &launch)).to_string();
    assert!(planned.contains("patient/Observation.rs "), "{planned}");
    assert!(!planned.contains('?'), "{planned}");
}

#[test]
fn v1_servers_get_plain_read_scopes_even_when_granular_is_asked_for() {
    let (launch, needs) = (ehr(), needs());
    let v1 = ScopeRequest {
        syntax: ScopeSyntax::V1,
        ..request(&needs, &launch)
    };
    assert_eq!(
        plan_scopes(&v1).to_string(),
        "launch patient/Patient.read patient/Observation.read patient/Condition.read"
    );
}

#[test]
fn granular_scopes_are_not_used_when_they_do_not_help() {
    let (launch, needs) = (ehr(), needs());
    let plain = ScopeRequest {
        granular: false,
        ..request(&needs, &launch)
    };
    assert!(!plan_scopes(&plain).to_string().contains('?'));
}

#[test]
fn a_standalone_launch_asks_for_launch_patient_and_not_launch() {
    // Scopes page §"Standalone apps": `launch/patient` asks for a patient to be selected.
    let launch = LaunchKind::Standalone;
    let planned = plan_scopes(&request(&[], &launch));
    assert_eq!(planned.to_string(), "launch/patient");
}

#[test]
fn identity_and_refresh_scopes_follow_the_context_scope() {
    let (launch, needs) = (ehr(), [DataNeed::read("Patient")]);
    let planned = ScopeRequest {
        identity: true,
        refresh: RefreshAccess::Offline,
        ..request(&needs, &launch)
    };
    assert_eq!(
        plan_scopes(&planned).to_string(),
        "launch openid fhirUser offline_access patient/Patient.rs"
    );
    let online = ScopeRequest {
        refresh: RefreshAccess::Online,
        ..planned
    };
    assert!(plan_scopes(&online).to_string().contains("online_access"));
}

#[test]
fn a_type_needed_twice_is_requested_once() {
    let launch = ehr();
    let needs = [DataNeed::search("Condition"), DataNeed::read("Condition")];
    assert_eq!(
        plan_scopes(&request(&needs, &launch)).to_string(),
        "launch patient/Condition.rs"
    );
}

#[test]
fn the_syntax_is_v2_only_when_the_server_advertises_permission_v2() {
    assert_eq!(syntax_for(&discovery(&["permission-v2"])), ScopeSyntax::V2);
    assert_eq!(syntax_for(&discovery(&["permission-v1"])), ScopeSyntax::V1);
}

#[test]
fn a_wildcard_grant_covers_every_requested_resource_scope() {
    // Scopes page §"Wildcard scopes": `patient/*.rs` grants "read access to all data".
    let requested = set("patient/Observation.rs patient/Condition.read");
    assert!(granted_vs_requested(&requested, &set("patient/*.rs")).is_empty());
}

#[test]
fn requested_scopes_the_server_dropped_are_listed() {
    // Scopes page: the server may grant "an entirely different scope".
    let requested = set("launch openid patient/AllergyIntolerance.rs patient/Condition.rs");
    let granted = set("launch patient/Observation.rs patient/Condition.rs");
    assert_eq!(
        granted_vs_requested(&requested, &granted).not_granted,
        set("openid patient/AllergyIntolerance.rs")
            .iter()
            .cloned()
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_grant_narrowed_to_one_category_leaves_the_plain_request_ungranted() {
    let requested = set("patient/Observation.rs");
    let granted = set(&format!("patient/Observation.rs?category={LAB}"));
    assert_eq!(
        granted_vs_requested(&requested, &granted).not_granted.len(),
        1
    );
}

#[test]
fn a_need_outside_the_grant_is_not_shared() {
    let granted = set(&format!(
        "patient/Patient.rs patient/Observation.rs?category={LAB}"
    ));
    assert_eq!(
        coverage(
            &granted,
            &DataNeed::search_where("Observation", "category", VITALS)
        ),
        Coverage::NotShared
    );
    assert_eq!(
        coverage(&granted, &DataNeed::search("Condition")),
        Coverage::NotShared
    );
}

#[test]
fn a_need_inside_the_grant_is_shared() {
    let granted = set(&format!(
        "patient/Patient.r patient/Observation.rs?category={LAB}"
    ));
    assert_eq!(
        coverage(
            &granted,
            &DataNeed::search_where("Observation", "category", LAB)
        ),
        Coverage::Shared
    );
    assert_eq!(
        coverage(&granted, &DataNeed::read("Patient")),
        Coverage::Shared
    );
}

#[test]
fn every_planned_scope_covers_its_own_needs() {
    let launch = ehr();
    let planned = plan_scopes(&request(&needs(), &launch));
    for need in needs() {
        assert_eq!(coverage(&planned, &need), Coverage::Shared, "{need:?}");
    }
}

// The same category coded in the system FHIR used before R4, which older servers still write.
const PRE_R4_VITALS: &str = "http://hl7.org/fhir/observation-category|vital-signs";

fn vitals_in_either_system() -> DataNeed {
    DataNeed::search_where("Observation", "category", VITALS).or_also(PRE_R4_VITALS)
}

// SMART 2.2 §"Finer-grained resource constraints using search parameters": a granular scope
// grants the resources its query matches, and scopes add up, so one scope per spelling lets
// a server share records of either.
#[test]
fn a_granular_need_asks_for_one_scope_per_spelling_of_its_filter() {
    let launch = ehr();
    let needs = [vitals_in_either_system()];
    assert_eq!(
        plan_scopes(&request(&needs, &launch)).to_string(),
        format!(
            "launch patient/Observation.rs?category={VITALS} \
             patient/Observation.rs?category={PRE_R4_VITALS}"
        )
    );
}

#[test]
fn a_plain_scope_is_asked_for_once_whatever_the_spellings() {
    let launch = ehr();
    let needs = [vitals_in_either_system()];
    let v1 = ScopeRequest {
        syntax: ScopeSyntax::V1,
        ..request(&needs, &launch)
    };
    assert_eq!(
        plan_scopes(&v1).to_string(),
        "launch patient/Observation.read"
    );
}

#[test]
fn a_grant_of_only_the_r4_spelling_narrows_the_need() {
    let granted = set(&format!("patient/Observation.rs?category={VITALS}"));
    assert_eq!(
        coverage(&granted, &vitals_in_either_system()),
        Coverage::Narrowed
    );
}

#[test]
fn a_grant_of_every_spelling_shares_the_need_whole() {
    let both = set(&format!(
        "patient/Observation.rs?category={VITALS} patient/Observation.rs?category={PRE_R4_VITALS}"
    ));
    assert_eq!(
        coverage(&both, &vitals_in_either_system()),
        Coverage::Shared
    );
}

// A code without a system matches the code in any system (FHIR R4 §3.1.1.5.5, token search).
#[test]
fn an_unrestricted_or_code_only_grant_shares_the_need_whole() {
    for grant in [
        "patient/Observation.rs",
        "patient/Observation.rs?category=vital-signs",
    ] {
        assert_eq!(
            coverage(&set(grant), &vitals_in_either_system()),
            Coverage::Shared,
            "{grant}"
        );
    }
}

#[test]
fn a_grant_of_only_the_older_spelling_does_not_share_the_need() {
    let granted = set(&format!("patient/Observation.rs?category={PRE_R4_VITALS}"));
    assert_eq!(
        coverage(&granted, &vitals_in_either_system()),
        Coverage::NotShared
    );
}
