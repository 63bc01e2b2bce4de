//! What the summary page decides before it draws anything: how each section starts (its plan
//! within the grant, not granted, or unavailable on this server), the capability report, and
//! what the footer says about the launch and its access.

use super::plan::{plan_summary, within_grant, SectionPlan, UnavailableReason};
use super::report::{capability_report, CapabilityReport};
use super::Section;
use crate::fhir::capabilities::Capabilities;
use crate::fhir::FhirBaseUrl;
use crate::smart::authorize::LaunchKind;
use crate::smart::scope_plan::granted_vs_requested;
use crate::smart::session::Session;

/// How a section starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionStart {
    /// Its searches (those the grant covers) are sent.
    Load(SectionPlan),
    /// The grant covers none of its data: nothing is requested.
    NotGranted,
    /// The server cannot answer it.
    Unavailable(UnavailableReason),
}

/// The summary page's model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryModel {
    /// Each section and how it starts, in the table's order.
    pub sections: Vec<(Section, SectionStart)>,
    /// What the server supports and where Bedside fell back.
    pub report: CapabilityReport,
    /// "EHR launch" or "Standalone launch".
    pub launch: &'static str,
    /// The FHIR server's base URL.
    pub server: String,
    /// The scopes granted, as the server wrote them.
    pub granted: String,
    /// The scopes asked for.
    pub requested: String,
    /// The requested scopes the grant does not cover.
    pub not_granted: Vec<String>,
    /// Whether the EHR wants the app to show the patient banner (`need_patient_banner`).
    pub show_banner: bool,
    /// Where a standalone launch signs in again once access ends; an EHR launch restarts
    /// from the EHR only.
    pub restart: Option<FhirBaseUrl>,
}

impl SummaryModel {
    /// The model for `session` on a server with `capabilities`.
    pub fn new(session: &Session, capabilities: &Capabilities) -> Self {
        let plans = plan_summary(capabilities, session.patient_id().as_str());
        let report = capability_report(capabilities, &plans);
        let granted = &session.granted_scope;
        let sections = plans
            .into_iter()
            .map(|plan| match plan {
                Ok(plan) => {
                    let section = plan.section;
                    match within_grant(plan, granted) {
                        Some(plan) => (section, SectionStart::Load(plan)),
                        None => (section, SectionStart::NotGranted),
                    }
                }
                Err(unavailable) => (
                    unavailable.section,
                    SectionStart::Unavailable(unavailable.reason),
                ),
            })
            .collect();
        let not_granted = granted_vs_requested(&session.requested_scope, granted)
            .not_granted
            .iter()
            .map(ToString::to_string)
            .collect();
        SummaryModel {
            sections,
            report,
            launch: match session.launch {
                LaunchKind::Ehr { .. } => "EHR launch",
                LaunchKind::Standalone => "Standalone launch",
            },
            server: session.fhir_base.to_string(),
            granted: session.granted_scope.to_string(),
            requested: session.requested_scope.to_string(),
            not_granted,
            show_banner: session.context.need_patient_banner,
            restart: match session.launch {
                LaunchKind::Standalone => Some(session.fhir_base.clone()),
                LaunchKind::Ehr { .. } => None,
            },
        }
    }

    /// The footer's one line about access: all granted, or how many permissions were not.
    pub fn access_summary(&self) -> String {
        if self.not_granted.is_empty() {
            "All requested access was granted".to_owned()
        } else {
            format!(
                "{} requested permission(s) not granted",
                self.not_granted.len()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::capabilities::CapabilityNotice;
    use crate::smart::session::test_session;

    fn conservative() -> Capabilities {
        Capabilities::conservative(CapabilityNotice::Unavailable("HTTP status 404".into()))
    }

    fn start_of(model: &SummaryModel, section: Section) -> &SectionStart {
        &model
            .sections
            .iter()
            .find(|(s, _)| *s == section)
            .unwrap()
            .1
    }

    #[test]
    fn a_section_outside_the_grant_starts_not_granted_and_the_footer_counts_it() {
        let session = test_session(
            r#"{"access_token":"t","token_type":"Bearer","patient":"p-1",
                "scope":"launch patient/Condition.rs"}"#,
            None,
        );
        let model = SummaryModel::new(&session, &conservative());
        assert!(matches!(
            start_of(&model, Section::Problems),
            SectionStart::Load(_)
        ));
        assert_eq!(
            start_of(&model, Section::Procedures),
            &SectionStart::NotGranted
        );
        assert_eq!(model.not_granted, vec!["patient/*.rs"]);
        assert_eq!(
            model.access_summary(),
            "1 requested permission(s) not granted"
        );
    }

    #[test]
    fn a_full_grant_loads_every_section_and_says_so() {
        let session = test_session(
            r#"{"access_token":"t","token_type":"Bearer","patient":"p-1"}"#,
            None,
        );
        let model = SummaryModel::new(&session, &conservative());
        assert_eq!(model.sections.len(), Section::ALL.len());
        assert!(model
            .sections
            .iter()
            .all(|(_, start)| matches!(start, SectionStart::Load(_))));
        assert_eq!(model.access_summary(), "All requested access was granted");
    }

    #[test]
    fn a_standalone_launch_can_sign_in_again_to_its_server() {
        let session = test_session(
            r#"{"access_token":"t","token_type":"Bearer","patient":"p-1"}"#,
            None,
        );
        let model = SummaryModel::new(&session, &conservative());
        assert_eq!(model.launch, "Standalone launch");
        assert_eq!(model.restart.unwrap().as_str(), model.server);
    }

    #[test]
    fn a_section_the_server_cannot_search_starts_unavailable() {
        let statement = r#"{"resourceType":"CapabilityStatement","rest":[{"mode":"server",
          "resource":[{"type":"Condition","interaction":[{"code":"search-type"}],
          "searchParam":[{"name":"patient","type":"reference"}]}]}]}"#;
        let capabilities = Capabilities::from_json(statement).unwrap();
        let session = test_session(
            r#"{"access_token":"t","token_type":"Bearer","patient":"p-1"}"#,
            None,
        );
        let model = SummaryModel::new(&session, &capabilities);
        assert_eq!(
            start_of(&model, Section::Procedures),
            &SectionStart::Unavailable(UnavailableReason::NoPatientSearch("Procedure"))
        );
    }
}
