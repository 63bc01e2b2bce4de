//! The capability report: what this server supports that Bedside uses, and which sections fell
//! back to work on this device. It is the view a developer needs when an EHR behaves
//! differently from the last one.

use super::plan::{Fallback, Query, SectionPlan, Unavailable, UnavailableReason};
use crate::fhir::capabilities::{Capabilities, FhirRelease};

/// One section's line in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// The section's heading.
    pub section: &'static str,
    /// The requests sent, relative to the FHIR base and decoded for reading.
    pub requests: Vec<String>,
    /// Fallbacks; empty when the server does all the work.
    pub fallbacks: Vec<Fallback>,
    /// Why the section is unavailable, if it is.
    pub unavailable: Option<UnavailableReason>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapabilityReport {
    /// e.g. "FHIR R4 (4.0.1)" or "not stated".
    pub fhir_version: String,
    /// Why capabilities are a conservative guess, if they are.
    pub notice: Option<String>,
    /// Resource types Bedside reads that the server lists, and those it does not.
    pub resources_listed: Vec<&'static str>,
    /// Resource types Bedside reads that the server does not list.
    pub resources_missing: Vec<&'static str>,
    /// One row per section.
    pub rows: Vec<ReportRow>,
}

/// Builds the report from the capabilities and the section plans.
pub fn capability_report(
    capabilities: &Capabilities,
    plans: &[Result<SectionPlan, Unavailable>],
) -> CapabilityReport {
    let (resources_listed, resources_missing) = super::resource_types()
        .into_iter()
        .partition(|kind| capabilities.resource(kind).is_some());
    CapabilityReport {
        fhir_version: match &capabilities.release {
            Some(FhirRelease::R4) => "FHIR R4".into(),
            Some(FhirRelease::R4B) => "FHIR R4B".into(),
            Some(FhirRelease::R5) => "FHIR R5".into(),
            Some(FhirRelease::Unsupported(version)) => format!("FHIR {version} (unsupported)"),
            None => "not stated".into(),
        },
        notice: capabilities.notice.as_ref().map(|n| n.message()),
        resources_listed,
        resources_missing,
        rows: plans
            .iter()
            .map(|plan| match plan {
                Ok(plan) => ReportRow {
                    section: plan.section.title(),
                    requests: plan.queries.iter().map(readable).collect(),
                    fallbacks: plan.fallbacks.clone(),
                    unavailable: None,
                },
                Err(unavailable) => ReportRow {
                    section: unavailable.section.title(),
                    requests: Vec::new(),
                    fallbacks: Vec::new(),
                    unavailable: Some(unavailable.reason),
                },
            })
            .collect(),
    }
}

fn readable(query: &Query) -> String {
    let path = match &query.id {
        Some(id) => format!("{}/{id}", query.resource_type),
        None => query.resource_type.to_owned(),
    };
    if query.params.is_empty() {
        return path;
    }
    let params: Vec<String> = query
        .params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{path}?{}", params.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::capabilities::CapabilityNotice;
    use crate::sections::plan::plan_summary;

    #[test]
    fn a_conservative_server_report_names_the_notice_and_every_fallback() {
        let capabilities =
            Capabilities::conservative(CapabilityNotice::Unavailable("HTTP status 404".into()));
        let report = capability_report(&capabilities, &plan_summary(&capabilities, "p1"));
        assert_eq!(report.fhir_version, "not stated");
        assert!(report.notice.unwrap().contains("HTTP status 404"));
        let labs = report.rows.iter().find(|r| r.section == "Labs").unwrap();
        assert_eq!(
            labs.requests,
            vec!["Observation?patient=p1", "DiagnosticReport?patient=p1"]
        );
        assert!(labs
            .fallbacks
            .iter()
            .any(|f| f.wording().contains("laboratory")));
        assert!(report.resources_missing.is_empty());
    }

    #[test]
    fn unavailable_sections_and_missing_resources_are_listed() {
        let statement = r#"{"resourceType":"CapabilityStatement","fhirVersion":"4.0.1","rest":[{"mode":"server",
          "resource":[{"type":"Condition","interaction":[{"code":"search-type"}],
          "searchParam":[{"name":"patient","type":"reference"}]}]}]}"#;
        let capabilities = Capabilities::from_json(statement).unwrap();
        let report = capability_report(&capabilities, &plan_summary(&capabilities, "p1"));
        assert_eq!(report.fhir_version, "FHIR R4");
        assert_eq!(report.resources_listed, vec!["Condition"]);
        assert!(report.resources_missing.contains(&"Observation"));
        let procedures = report
            .rows
            .iter()
            .find(|r| r.section == "Procedures")
            .unwrap();
        assert!(procedures
            .unavailable
            .unwrap()
            .wording()
            .contains("Procedure"));
        let problems = report
            .rows
            .iter()
            .find(|r| r.section == "Problems")
            .unwrap();
        assert_eq!(problems.requests, vec!["Condition?patient=p1"]);
    }
}
