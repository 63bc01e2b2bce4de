//! Query planning: for each summary section, the searches this server can answer (from its
//! CapabilityStatement) and the work left to do on this device, so one build works against
//! differently built EHRs.

use super::{data_needs, Role, Section};
use crate::clinical_codes::LOINC;
use crate::fhir::capabilities::Capabilities;
use crate::fhir::FhirBaseUrl;
use crate::smart::scope::ScopeSet;
use crate::smart::scope_plan::{coverage, Coverage};
use url::Url;

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

/// Work this device takes over because the server cannot, as the capability report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Referenced Medications are found another way than `_include`.
    MedicationNames(MedicationLookup),
    /// Every vital sign is read, page by page, instead of one search per code.
    WholeCategoryRead,
    /// All Observations are fetched and this category picked out here.
    CategoryPickedHere(&'static str),
    /// Results are sorted here.
    SortedHere,
    /// Lab results are grouped by category, not by the panel that ordered them.
    GroupedByCategory,
}

impl Fallback {
    /// In plain words, for the capability report.
    pub fn wording(self) -> String {
        match self {
            Fallback::MedicationNames(MedicationLookup::BatchSearch) => "Medication names are looked up in one extra search (the server does not offer _include).".into(),
            Fallback::MedicationNames(MedicationLookup::Reads) => "Medication names are read one by one (the server offers neither _include nor Medication search by _id).".into(),
            Fallback::MedicationNames(_) => "Referenced medications cannot be looked up on this server; their names may be missing.".into(),
            Fallback::WholeCategoryRead => "Every vital sign is read, page by page (the server cannot search Observations by code, newest first).".into(),
            Fallback::CategoryPickedHere(category) => format!(
                "All observations are fetched and {category} ones picked out here (the server does not search by category)."
            ),
            Fallback::SortedHere => "Results are sorted newest first here (the server does not declare _sort).".into(),
            Fallback::GroupedByCategory => "Results are grouped by category, not by panel (the server cannot search DiagnosticReport by patient).".into(),
        }
    }
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
    /// Each fallback, for the capability report.
    pub fallbacks: Vec<Fallback>,
    /// The Observation category the grant reaches only as FHIR R4 codes it (set by
    /// [`within_grant`]): the server may withhold records that code it another way.
    pub narrowed_category: Option<&'static str>,
}

/// Why a section cannot be shown on this server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnavailableReason {
    /// Neither medication orders nor statements can be searched by patient.
    NoMedicationSearch,
    /// The section's resource type cannot be searched by patient.
    NoPatientSearch(&'static str),
}

impl UnavailableReason {
    /// In plain words, shown in the section and in the capability report.
    pub fn wording(self) -> String {
        match self {
            UnavailableReason::NoMedicationSearch => {
                "This server cannot search medication orders or statements by patient.".into()
            }
            UnavailableReason::NoPatientSearch(resource_type) => {
                format!("This server cannot search {resource_type} resources by patient.")
            }
        }
    }
}

/// Why a section cannot be shown at all on this server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    /// The section.
    pub section: Section,
    /// Why.
    pub reason: UnavailableReason,
}

/// How many readings of each vital sign the section plots (`summary::chart::MAX_POINTS`).
pub const TREND_POINTS: usize = crate::summary::chart::MAX_POINTS;

/// The DiagnosticReports, whose `result` references group the latest results into the panels
/// they were ordered in (complete blood count, metabolic panel…). Not narrowed to
/// `category=LAB`: older servers write lab reports without a category, and a report of another
/// kind points at no lab result, so it groups nothing. Newest first, the first page is enough:
/// a test's latest result comes from a recent report. Without `_sort` every report is read; a
/// server without DiagnosticReport search leaves the results grouped by category.
fn arranging_search(
    capabilities: &Capabilities,
    resource_type: &'static str,
    patient: &str,
    page_size: usize,
    fallbacks: &mut Vec<Fallback>,
) -> Option<Query> {
    let Some(mut query) = patient_search(capabilities, resource_type, patient) else {
        fallbacks.push(Fallback::GroupedByCategory);
        return None;
    };
    if capabilities.supports_sort(resource_type, "date") {
        query.params.push(("_sort".into(), "-date".into()));
        query.newest_only = true;
        Some(with_page_size(capabilities, query, DEFAULT_PAGE))
    } else {
        Some(with_page_size(capabilities, query, page_size))
    }
}

// The first page of the arranging search when sorted newest first.
const DEFAULT_PAGE: usize = 100;

// Searching each vital sign by code, newest first, gets the latest value and its trend in one
// round trip; paging through every vital sign of a long record would take one round trip per
// thousand. Without `code` search and `_sort` the whole category is read.
fn newest_by_code(capabilities: &Capabilities) -> bool {
    capabilities.supports_search("Observation", "code")
        && capabilities.supports_search("Observation", "category")
        && capabilities.supports_sort("Observation", "date")
}

/// Plans one section for `patient` on a server with `capabilities`, from its row of the table.
pub fn plan_section(
    capabilities: &Capabilities,
    patient: &str,
    section: Section,
) -> Result<SectionPlan, Unavailable> {
    let spec = section.spec();
    let mut plan = SectionPlan {
        section,
        queries: Vec::new(),
        client: ClientWork {
            filter_category: None,
            sort_here: false,
            medication_lookup: None,
        },
        fallbacks: Vec::new(),
        narrowed_category: None,
    };
    let unavailable = |reason| Unavailable { section, reason };
    let resource_type = section.resource_type();
    if !spec.code_searches.is_empty() && newest_by_code(capabilities) {
        plan.queries = spec
            .code_searches
            .iter()
            .filter_map(|codes| {
                let mut query = patient_search(capabilities, resource_type, patient)?;
                let codes: Vec<String> =
                    codes.iter().map(|(c, _)| format!("{LOINC}|{c}")).collect();
                query.params.extend(
                    spec.category
                        .map(|category| ("category".to_owned(), category.to_owned())),
                );
                query.params.push(("code".into(), codes.join(",")));
                query.params.extend(
                    spec.sort
                        .map(|sort| ("_sort".to_owned(), format!("-{sort}"))),
                );
                query.newest_only = true;
                Some(with_page_size(capabilities, query, TREND_POINTS))
            })
            .collect();
        if plan.queries.is_empty() {
            return Err(unavailable(UnavailableReason::NoPatientSearch(
                resource_type,
            )));
        }
        return Ok(plan);
    }
    for &(read_type, role) in spec.reads {
        match role {
            Role::Shown if read_type == resource_type => {
                let Some(mut query) = patient_search(capabilities, read_type, patient) else {
                    continue;
                };
                if !spec.code_searches.is_empty() {
                    plan.fallbacks.push(Fallback::WholeCategoryRead);
                }
                if let Some(category) = spec.category {
                    if capabilities.supports_search(read_type, "category") {
                        query.params.push(("category".into(), category.into()));
                    } else {
                        plan.client.filter_category = Some(category);
                        plan.fallbacks.push(Fallback::CategoryPickedHere(category));
                    }
                }
                if let Some(sort_param) = spec.sort {
                    if capabilities.supports_sort(read_type, sort_param) {
                        query
                            .params
                            .push(("_sort".into(), format!("-{sort_param}")));
                    } else {
                        plan.client.sort_here = true;
                        plan.fallbacks.push(Fallback::SortedHere);
                    }
                }
                if read_type == "MedicationRequest" {
                    let lookup = medication_lookup(capabilities);
                    if lookup == MedicationLookup::Included {
                        query
                            .params
                            .push(("_include".into(), "MedicationRequest:medication".into()));
                    } else {
                        plan.fallbacks.push(Fallback::MedicationNames(lookup));
                    }
                    plan.client.medication_lookup = Some(lookup);
                }
                plan.queries
                    .push(with_page_size(capabilities, query, spec.page_size));
            }
            // A second search beside the first (MedicationStatement beside MedicationRequest).
            Role::Shown => {
                if let Some(query) = patient_search(capabilities, read_type, patient) {
                    plan.queries
                        .push(with_page_size(capabilities, query, spec.page_size));
                }
            }
            Role::Arranging if plan.queries.is_empty() => {}
            Role::Arranging => plan.queries.extend(arranging_search(
                capabilities,
                read_type,
                patient,
                spec.page_size,
                &mut plan.fallbacks,
            )),
            Role::Referenced => {}
        }
    }
    if plan.queries.is_empty() {
        return Err(unavailable(match section {
            Section::Medications => UnavailableReason::NoMedicationSearch,
            _ => UnavailableReason::NoPatientSearch(resource_type),
        }));
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

/// `plans` in the order their loads start: the sections whose searches follow `next` pages
/// first, the largest (`Section::kept`) first among them, then those that read one page each,
/// each group in the table's order. Every first request goes out at once, but the browser has
/// a few connections per server and serves waiting requests in the order they were sent; a
/// chain of pages takes one round trip per page, so its first page should not wait behind
/// searches that end with theirs.
pub fn in_load_order<'a>(plans: impl IntoIterator<Item = &'a SectionPlan>) -> Vec<&'a SectionPlan> {
    let mut plans: Vec<&SectionPlan> = plans.into_iter().collect();
    plans.sort_by_key(|plan| {
        let follows_pages = plan.queries.iter().any(|query| !query.newest_only);
        (!follows_pages, std::cmp::Reverse(plan.section.kept()))
    });
    plans
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

/// Keeps only the searches the granted scopes cover; `None` when none is left, so the
/// section shows "not shared by this launch" and sends nothing. A section whose category the
/// grant reaches only as R4 codes it is loaded, marked `narrowed_category`: a server
/// enforcing a granular scope (SMART 2.2 "Finer-grained resource constraints") withholds the
/// records an older system categorised, and the section must not claim they do not exist.
pub fn within_grant(mut plan: SectionPlan, granted: &ScopeSet) -> Option<SectionPlan> {
    let needs = data_needs(plan.section);
    let of_type = |resource_type: &'static str| {
        needs
            .iter()
            .filter(move |need| need.resource_type == resource_type)
            .map(|need| coverage(granted, need))
    };
    plan.queries
        .retain(|query| of_type(query.resource_type).all(|covered| covered != Coverage::NotShared));
    let narrowed = plan
        .queries
        .iter()
        .any(|query| of_type(query.resource_type).any(|covered| covered == Coverage::Narrowed));
    plan.narrowed_category = plan.section.observation_category().filter(|_| narrowed);
    let arranging = |query: &Query| {
        plan.section
            .spec()
            .reads
            .contains(&(query.resource_type, Role::Arranging))
    };
    plan.queries
        .iter()
        .any(|query| !arranging(query))
        .then_some(plan)
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

fn with_page_size(capabilities: &Capabilities, mut query: Query, size: usize) -> Query {
    if capabilities.supports_search(query.resource_type, "_count") {
        query.params.push(("_count".into(), size.to_string()));
    }
    query
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
