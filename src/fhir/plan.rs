//! Query planning: for each summary section, the searches this server can answer (from its
//! CapabilityStatement) and the work left to do on this device, so one build works against
//! differently built EHRs.

use super::capabilities::Capabilities;
use super::FhirBaseUrl;
use crate::clinical_codes::{LOINC, VITAL_SIGN_SEARCHES};
use crate::smart::scope::ScopeSet;
use crate::smart::scope_plan::{coverage, Coverage, DataNeed};
use url::Url;

/// The summary's sections, in page order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Section {
    /// AllergyIntolerance.
    Allergies,
    /// Condition.
    Problems,
    /// MedicationRequest and MedicationStatement.
    Medications,
    /// Immunization.
    Immunizations,
    /// Observation, category vital-signs.
    VitalSigns,
    /// Observation, category laboratory.
    Labs,
    /// Encounter.
    Encounters,
    /// Procedure.
    Procedures,
}

impl Section {
    /// Every section, in page order.
    pub const ALL: [Section; 8] = [
        Section::Allergies,
        Section::Problems,
        Section::Medications,
        Section::Immunizations,
        Section::VitalSigns,
        Section::Labs,
        Section::Encounters,
        Section::Procedures,
    ];

    /// The heading shown to clinicians.
    pub fn title(self) -> &'static str {
        match self {
            Section::Allergies => "Allergies",
            Section::Problems => "Problems",
            Section::Medications => "Medications",
            Section::Immunizations => "Immunizations",
            Section::VitalSigns => "Vital signs",
            Section::Labs => "Labs",
            Section::Encounters => "Encounters",
            Section::Procedures => "Procedures",
        }
    }

    /// What the section keeps of one search, however much the server sends (a 54 MB page
    /// holds 90,000 Conditions): observations are charted and tabulated by kind, so years of
    /// them are kept; every other section is a list read item by item, and 2,000 items
    /// (decades of visits, newest first) is more than anyone pages through, drawn in a tenth
    /// of the main-thread time.
    pub fn kept(self) -> usize {
        if self.observation_category().is_some() {
            20_000
        } else {
            2_000
        }
    }

    /// The Observation category this section shows, if it is an Observation section.
    pub fn observation_category(self) -> Option<&'static str> {
        match self {
            Section::VitalSigns => Some("vital-signs"),
            Section::Labs => Some("laboratory"),
            _ => None,
        }
    }
}

/// One request: a search (type and parameters) or a read (type and id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// e.g. `Observation`.
    pub resource_type: &'static str,
    /// Set for a read of one resource.
    pub id: Option<String>,
    /// Search parameters, in order.
    pub params: Vec<(String, String)>,
    /// Only the first page is needed: the search is sorted newest first and asks for as many
    /// results as the section shows.
    pub newest_only: bool,
}

impl Query {
    /// The absolute URL below the base.
    pub fn url(&self, base: &FhirBaseUrl) -> Url {
        let path = match &self.id {
            Some(id) => format!("{}/{id}", self.resource_type),
            None => self.resource_type.to_owned(),
        };
        let mut url = base.join(&path);
        if !self.params.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.params);
        }
        url
    }
}

/// How referenced Medication resources are found when a MedicationRequest names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MedicationLookup {
    /// `_include=MedicationRequest:medication` brings them with the requests.
    Included,
    /// One `Medication?_id=a,b,c` search after the requests arrive.
    BatchSearch,
    /// One read per Medication.
    Reads,
    /// The server offers no way; names fall back to what the request itself says.
    Unavailable,
}

/// What this device does because the server cannot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientWork {
    /// Keep only Observations of this category.
    pub filter_category: Option<&'static str>,
    /// Sort newest first here, since the server does not sort.
    pub sort_here: bool,
    /// How Medications are found (medications section only).
    pub medication_lookup: Option<MedicationLookup>,
}

/// The plan for one section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionPlan {
    /// Which section.
    pub section: Section,
    /// The searches to run (all in the first parallel wave).
    pub queries: Vec<Query>,
    /// What is left for this device.
    pub client: ClientWork,
    /// Plain-words notes on each fallback, for the capability report.
    pub fallbacks: Vec<String>,
}

/// Why a section cannot be shown at all on this server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// The section.
    pub section: Section,
    /// In plain words.
    pub reason: String,
}

// Large pages for Observations: a long record takes a few round trips instead of dozens;
// servers that cap page sizes (FHIR R4 §3.1.1.5.7) simply return fewer. Not larger: parsing
// one page is a single main-thread task, and 500 observations keep it well under 100 ms.
const OBSERVATION_PAGE: &str = "500";

/// How many readings of each vital sign the section plots (`summary::chart::MAX_POINTS`).
pub const TREND_POINTS: usize = 50;

/// The DiagnosticReports, whose `result` references group the latest results into the panels
/// they were ordered in (complete blood count, metabolic panel…). Not narrowed to
/// `category=LAB`: older servers write lab reports without a category, and a report of another
/// kind points at no lab result, so it groups nothing. Newest first, the first page is enough:
/// a test's latest result comes from a recent report. Without `_sort` every report is read; a
/// server without DiagnosticReport search leaves the results grouped by category.
fn lab_reports(
    capabilities: &Capabilities,
    patient: &str,
    fallbacks: &mut Vec<String>,
) -> Option<Query> {
    let Some(mut query) = patient_search(capabilities, "DiagnosticReport", patient) else {
        fallbacks.push(
            "Results are grouped by category, not by panel (the server cannot search DiagnosticReport by patient)."
                .into(),
        );
        return None;
    };
    if capabilities.supports_sort("DiagnosticReport", "date") {
        query.params.push(("_sort".into(), "-date".into()));
        query.newest_only = true;
        Some(with_page_size(capabilities, query, DEFAULT_PAGE))
    } else {
        Some(with_page_size(capabilities, query, OBSERVATION_PAGE))
    }
}

/// Searches that only arrange a section's data: a section is not shown from them alone.
const ARRANGING_ONLY: [&str; 1] = ["DiagnosticReport"];

// Searching each vital sign by code, newest first, gets the latest value and its trend in one
// round trip; paging through every vital sign of a long record would take one round trip per
// thousand. Without `code` search and `_sort` the whole category is read.
fn newest_by_code(capabilities: &Capabilities) -> bool {
    capabilities.supports_search("Observation", "code")
        && capabilities.supports_search("Observation", "category")
        && capabilities.supports_sort("Observation", "date")
}
const DEFAULT_PAGE: &str = "100";

/// Plans one section for `patient` on a server with `capabilities`.
pub fn plan_section(
    capabilities: &Capabilities,
    patient: &str,
    section: Section,
) -> Result<SectionPlan, Unavailable> {
    let mut plan = SectionPlan {
        section,
        queries: Vec::new(),
        client: ClientWork {
            filter_category: None,
            sort_here: false,
            medication_lookup: None,
        },
        fallbacks: Vec::new(),
    };
    let unavailable = |reason: String| Unavailable { section, reason };
    match section {
        Section::Medications => {
            let requests = patient_search(capabilities, "MedicationRequest", patient);
            let statements = patient_search(capabilities, "MedicationStatement", patient);
            if requests.is_none() && statements.is_none() {
                return Err(unavailable(
                    "This server cannot search medication orders or statements by patient.".into(),
                ));
            }
            if let Some(mut query) = requests {
                let lookup = medication_lookup(capabilities);
                if lookup == MedicationLookup::Included {
                    query
                        .params
                        .push(("_include".into(), "MedicationRequest:medication".into()));
                } else {
                    plan.fallbacks.push(match lookup {
                        MedicationLookup::BatchSearch => "Medication names are looked up in one extra search (the server does not offer _include).".into(),
                        MedicationLookup::Reads => "Medication names are read one by one (the server offers neither _include nor Medication search by _id).".into(),
                        _ => "Referenced medications cannot be looked up on this server; their names may be missing.".into(),
                    });
                }
                plan.client.medication_lookup = Some(lookup);
                plan.queries
                    .push(with_page_size(capabilities, query, DEFAULT_PAGE));
            }
            if let Some(query) = statements {
                plan.queries
                    .push(with_page_size(capabilities, query, DEFAULT_PAGE));
            }
        }
        Section::VitalSigns if newest_by_code(capabilities) => {
            plan.queries = VITAL_SIGN_SEARCHES
                .iter()
                .filter_map(|codes| {
                    let mut query = patient_search(capabilities, "Observation", patient)?;
                    let codes: Vec<String> =
                        codes.iter().map(|(c, _)| format!("{LOINC}|{c}")).collect();
                    query.params.extend([
                        ("category".into(), "vital-signs".into()),
                        ("code".into(), codes.join(",")),
                        ("_sort".into(), "-date".into()),
                    ]);
                    query.newest_only = true;
                    Some(with_page_size(
                        capabilities,
                        query,
                        &TREND_POINTS.to_string(),
                    ))
                })
                .collect();
            if plan.queries.is_empty() {
                return Err(unavailable(
                    "This server cannot search Observation resources by patient.".into(),
                ));
            }
        }
        _ => {
            let resource_type = resource_type_of(section);
            let mut query =
                patient_search(capabilities, resource_type, patient).ok_or_else(|| {
                    unavailable(format!(
                        "This server cannot search {resource_type} resources by patient."
                    ))
                })?;
            if section == Section::VitalSigns {
                plan.fallbacks.push(
                    "Every vital sign is read, page by page (the server cannot search Observations by code, newest first)."
                        .into(),
                );
            }
            if let Some(category) = section.observation_category() {
                if capabilities.supports_search(resource_type, "category") {
                    query.params.push(("category".into(), category.into()));
                } else {
                    plan.client.filter_category = Some(category);
                    plan.fallbacks.push(format!(
                        "All observations are fetched and {category} ones picked out here (the server does not search by category)."
                    ));
                }
            }
            if let Some(sort_param) = sort_param_of(section) {
                if capabilities.supports_sort(resource_type, sort_param) {
                    query
                        .params
                        .push(("_sort".into(), format!("-{sort_param}")));
                } else {
                    plan.client.sort_here = true;
                    plan.fallbacks.push(
                        "Results are sorted newest first here (the server does not declare _sort)."
                            .into(),
                    );
                }
            }
            let page = if resource_type == "Observation" {
                OBSERVATION_PAGE
            } else {
                DEFAULT_PAGE
            };
            plan.queries.push(with_page_size(capabilities, query, page));
            if section == Section::Labs {
                plan.queries
                    .extend(lab_reports(capabilities, patient, &mut plan.fallbacks));
            }
        }
    }
    Ok(plan)
}

/// Plans every section.
pub fn plan_summary(
    capabilities: &Capabilities,
    patient: &str,
) -> Vec<Result<SectionPlan, Unavailable>> {
    Section::ALL
        .iter()
        .map(|section| plan_section(capabilities, patient, *section))
        .collect()
}

/// The follow-up requests for Medications that MedicationRequests reference and that did not
/// arrive with them. Only relative references (`Medication/id`) are followed: a reference to
/// another server would not receive this server's token, and is not fetched at all.
pub fn medication_followups(lookup: MedicationLookup, references: &[&str]) -> Vec<Query> {
    let mut ids: Vec<&str> = references
        .iter()
        .filter_map(|r| r.strip_prefix("Medication/"))
        .filter(|id| crate::fhir::FhirId::parse(id).is_some())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Vec::new();
    }
    match lookup {
        MedicationLookup::BatchSearch => vec![Query {
            resource_type: "Medication",
            id: None,
            params: vec![("_id".into(), ids.join(","))],
            newest_only: false,
        }],
        MedicationLookup::Reads => ids
            .into_iter()
            .map(|id| Query {
                resource_type: "Medication",
                id: Some(id.into()),
                params: Vec::new(),
                newest_only: false,
            })
            .collect(),
        MedicationLookup::Included | MedicationLookup::Unavailable => Vec::new(),
    }
}

const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// What a section reads, for scope planning and for checking the grant: the search (narrowed
/// to its Observation category) and, for medications, the Medications they name.
pub fn data_needs(section: Section) -> Vec<DataNeed> {
    match section {
        Section::Medications => vec![
            DataNeed::search("MedicationRequest"),
            DataNeed::search("MedicationStatement"),
            DataNeed::read("Medication"),
        ],
        Section::VitalSigns | Section::Labs => {
            let category = section.observation_category().unwrap_or_default();
            let observations = DataNeed::search_where(
                "Observation",
                "category",
                &format!("{OBSERVATION_CATEGORY}|{category}"),
            );
            if section == Section::Labs {
                vec![observations, DataNeed::search("DiagnosticReport")]
            } else {
                vec![observations]
            }
        }
        other => vec![DataNeed::search(resource_type_of(other))],
    }
}

/// Keeps only the searches the granted scopes cover; `None` when none is left, so the
/// section shows "not shared by this launch" and sends nothing.
pub fn within_grant(mut plan: SectionPlan, granted: &ScopeSet) -> Option<SectionPlan> {
    let needs = data_needs(plan.section);
    plan.queries.retain(|query| {
        needs
            .iter()
            .filter(|need| need.resource_type == query.resource_type)
            .all(|need| coverage(granted, need) == Coverage::Shared)
    });
    plan.queries
        .iter()
        .any(|query| !ARRANGING_ONLY.contains(&query.resource_type))
        .then_some(plan)
}

/// Everything the summary reads: the patient and every section's needs.
pub fn summary_needs() -> Vec<DataNeed> {
    std::iter::once(DataNeed::read("Patient"))
        .chain(Section::ALL.iter().flat_map(|s| data_needs(*s)))
        .collect()
}

/// True when an Observation carries this category code (any system: servers differ in
/// whether they write the standard `observation-category` system).
pub fn has_category(resource: &serde_json::Value, code: &str) -> bool {
    resource
        .get("category")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|concept| concept.get("coding").and_then(serde_json::Value::as_array))
        .flatten()
        .any(|coding| coding.get("code").and_then(serde_json::Value::as_str) == Some(code))
}

/// The `Medication/…` references of MedicationRequests (and MedicationStatements), for
/// [`medication_followups`].
pub fn medication_references(resources: &[serde_json::Value]) -> Vec<&str> {
    resources
        .iter()
        .filter_map(|r| r.pointer("/medicationReference/reference"))
        .filter_map(serde_json::Value::as_str)
        .collect()
}

fn medication_lookup(capabilities: &Capabilities) -> MedicationLookup {
    if capabilities.supports_include("MedicationRequest", "MedicationRequest:medication") {
        MedicationLookup::Included
    } else if capabilities.supports_search("Medication", "_id") {
        MedicationLookup::BatchSearch
    } else if capabilities.supports_read("Medication") {
        MedicationLookup::Reads
    } else {
        MedicationLookup::Unavailable
    }
}

fn resource_type_of(section: Section) -> &'static str {
    match section {
        Section::Allergies => "AllergyIntolerance",
        Section::Problems => "Condition",
        Section::Medications => "MedicationRequest",
        Section::Immunizations => "Immunization",
        Section::VitalSigns | Section::Labs => "Observation",
        Section::Encounters => "Encounter",
        Section::Procedures => "Procedure",
    }
}

// The date search parameter of each type, per FHIR R4's search parameter registry.
fn sort_param_of(section: Section) -> Option<&'static str> {
    match section {
        Section::VitalSigns | Section::Labs | Section::Encounters | Section::Procedures => {
            Some("date")
        }
        _ => None,
    }
}

// `patient` where declared; `subject=Patient/{id}` on servers that only declare `subject`.
fn patient_search(
    capabilities: &Capabilities,
    resource_type: &'static str,
    patient: &str,
) -> Option<Query> {
    let param = if capabilities.supports_search(resource_type, "patient") {
        ("patient".to_owned(), patient.to_owned())
    } else if capabilities.supports_search(resource_type, "subject") {
        ("subject".to_owned(), format!("Patient/{patient}"))
    } else {
        return None;
    };
    Some(Query {
        resource_type,
        id: None,
        params: vec![param],
        newest_only: false,
    })
}

fn with_page_size(capabilities: &Capabilities, mut query: Query, size: &str) -> Query {
    if capabilities.supports_search(query.resource_type, "_count") {
        query.params.push(("_count".into(), size.into()));
    }
    query
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
