//! The summary's sections, one table row each ([`SECTIONS`]): what a section reads (resource
//! types, Observation category, the clinical codes searched one by one), how it is sorted and
//! paged, how much it keeps and where it sits on the page. Everything else is derived from the
//! table: the query plan with its fallbacks ([`plan`]), the data needs and hence the scopes
//! ([`summary_needs`]), the resource types the capability report lists ([`resource_types`]),
//! the page's layout ([`in_column`]). The view models the load task builds are in [`view`].
//!
//! A layer above `smart`, `fhir` and `summary`: it reads them, none of them reads it.

use crate::clinical_codes::{VitalCodeRow, VITAL_SIGN_SEARCHES};
use crate::smart::scope_plan::DataNeed;

/// Query planning: which searches each section sends to this server.
pub mod plan;
/// The capability report: what the server supports and where Bedside fell back.
pub mod report;
/// What the summary page decides before anything is drawn: plans, scopes, launch, server.
pub mod summary_model;
/// Each section's loaded content: its typed view model and its notices.
pub mod view;

/// The summary's sections.
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

/// Where a section sits on the page: columns of a wide screen, one after the other on a
/// narrow one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// What the patient has now: problems, medications, allergies (above the fold).
    Overview,
    /// Vital signs and labs, with trend plots.
    Measurements,
    /// What happened: immunizations, encounters, procedures.
    History,
}

impl Column {
    /// Every column, in page order.
    pub const ALL: [Column; 3] = [Column::Overview, Column::Measurements, Column::History];

    /// The CSS class of the column's box.
    pub fn class(self) -> &'static str {
        match self {
            Column::Overview => "overview",
            Column::Measurements => "measurements",
            Column::History => "history",
        }
    }
}

/// How a section uses one resource type it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Searched by patient; its results are the section's content.
    Shown,
    /// Searched by patient only to arrange the content (DiagnosticReports group lab results
    /// into panels); the section is never shown from these alone.
    Arranging,
    /// Read by id when the content references it (Medications named by their orders).
    Referenced,
}

/// One section's row of the table.
#[derive(Debug, Clone, Copy)]
pub struct SectionSpec {
    /// Which section.
    pub section: Section,
    /// The heading shown to clinicians.
    pub title: &'static str,
    /// Where it sits on the page.
    pub column: Column,
    /// The resource types read, the first one the section's own.
    pub reads: &'static [(&'static str, Role)],
    /// The Observation category shown, for an Observation section.
    pub category: Option<&'static str>,
    /// Codes searched one search per inner list where the server searches by code, newest
    /// first (vital signs: `clinical_codes`'s table); empty when the section is read whole.
    pub code_searches: &'static [&'static [VitalCodeRow]],
    /// The date search parameter to sort by, newest first (FHIR R4's search parameter
    /// registry), if the section is a history.
    pub sort: Option<&'static str>,
    /// Results asked for per page.
    pub page_size: usize,
    /// What the section keeps of one search, however much the server sends.
    pub kept: usize,
}

// Large pages for Observations: a long record takes a few round trips instead of dozens;
// servers that cap page sizes (FHIR R4 §3.1.1.5.7) simply return fewer. Not larger: parsing
// one page is a single main-thread task, and 500 observations keep it well under 100 ms.
const OBSERVATION_PAGE: usize = 500;
const DEFAULT_PAGE: usize = 100;
// Observations are charted and tabulated by kind, so years of them are kept; every other
// section is a list read item by item, and 2,000 items (decades of visits, newest first) is
// more than anyone pages through, drawn in a tenth of the main-thread time. A 54 MB page
// holds 90,000 Conditions.
const OBSERVATIONS_KEPT: usize = 20_000;
const LIST_KEPT: usize = 2_000;

const fn list(
    section: Section,
    title: &'static str,
    column: Column,
    reads: &'static [(&'static str, Role)],
    sort: Option<&'static str>,
) -> SectionSpec {
    SectionSpec {
        section,
        title,
        column,
        reads,
        category: None,
        code_searches: &[],
        sort,
        page_size: DEFAULT_PAGE,
        kept: LIST_KEPT,
    }
}

/// The table: one row per section, in page order.
pub const SECTIONS: [SectionSpec; 8] = [
    list(
        Section::Problems,
        "Problems",
        Column::Overview,
        &[("Condition", Role::Shown)],
        None,
    ),
    list(
        Section::Medications,
        "Medications",
        Column::Overview,
        &[
            ("MedicationRequest", Role::Shown),
            ("MedicationStatement", Role::Shown),
            ("Medication", Role::Referenced),
        ],
        None,
    ),
    list(
        Section::Allergies,
        "Allergies",
        Column::Overview,
        &[("AllergyIntolerance", Role::Shown)],
        None,
    ),
    SectionSpec {
        section: Section::VitalSigns,
        title: "Vital signs",
        column: Column::Measurements,
        reads: &[("Observation", Role::Shown)],
        category: Some("vital-signs"),
        code_searches: &VITAL_SIGN_SEARCHES,
        sort: Some("date"),
        page_size: OBSERVATION_PAGE,
        kept: OBSERVATIONS_KEPT,
    },
    SectionSpec {
        section: Section::Labs,
        title: "Labs",
        column: Column::Measurements,
        reads: &[
            ("Observation", Role::Shown),
            ("DiagnosticReport", Role::Arranging),
        ],
        category: Some("laboratory"),
        code_searches: &[],
        sort: Some("date"),
        page_size: OBSERVATION_PAGE,
        kept: OBSERVATIONS_KEPT,
    },
    list(
        Section::Immunizations,
        "Immunizations",
        Column::History,
        &[("Immunization", Role::Shown)],
        None,
    ),
    list(
        Section::Encounters,
        "Encounters",
        Column::History,
        &[("Encounter", Role::Shown)],
        Some("date"),
    ),
    list(
        Section::Procedures,
        "Procedures",
        Column::History,
        &[("Procedure", Role::Shown)],
        Some("date"),
    ),
];

impl Section {
    /// Every section, in the table's order.
    pub const ALL: [Section; 8] = {
        let mut all = [Section::Allergies; 8];
        let mut i = 0;
        while i < SECTIONS.len() {
            all[i] = SECTIONS[i].section;
            i += 1;
        }
        all
    };

    /// The section's row of the table.
    pub fn spec(self) -> &'static SectionSpec {
        SECTIONS
            .iter()
            .find(|spec| spec.section == self)
            .expect("every section has a row in the table")
    }

    /// The heading shown to clinicians.
    pub fn title(self) -> &'static str {
        self.spec().title
    }

    /// What the section keeps of one search, however much the server sends.
    pub fn kept(self) -> usize {
        self.spec().kept
    }

    /// The Observation category this section shows, if it is an Observation section.
    pub fn observation_category(self) -> Option<&'static str> {
        self.spec().category
    }

    /// The resource type whose search is the section's content.
    pub fn resource_type(self) -> &'static str {
        self.spec().reads[0].0
    }
}

/// The sections of one column, in page order.
pub fn in_column(column: Column) -> impl Iterator<Item = Section> {
    SECTIONS
        .iter()
        .filter(move |spec| spec.column == column)
        .map(|spec| spec.section)
}

/// FHIR R4's Observation category system.
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
/// The Observation category system before R4 (DSTU2, STU3), with the same codes, which older
/// servers and Synthea still write.
pub const PRE_R4_OBSERVATION_CATEGORY: &str = "http://hl7.org/fhir/observation-category";

/// What a section reads, for scope planning and for checking the grant: its searches
/// (narrowed to its Observation category as R4 codes it, and as it was coded before R4) and
/// the resources it reads by reference.
pub fn data_needs(section: Section) -> Vec<DataNeed> {
    let spec = section.spec();
    spec.reads
        .iter()
        .map(|&(resource_type, role)| match (role, spec.category) {
            (Role::Referenced, _) => DataNeed::read(resource_type),
            (_, Some(category)) if resource_type == "Observation" => DataNeed::search_where(
                resource_type,
                "category",
                &format!("{OBSERVATION_CATEGORY}|{category}"),
            )
            .or_also(&format!("{PRE_R4_OBSERVATION_CATEGORY}|{category}")),
            _ => DataNeed::search(resource_type),
        })
        .collect()
}

/// Everything the summary reads: the patient and every section's needs.
pub fn summary_needs() -> Vec<DataNeed> {
    std::iter::once(DataNeed::read("Patient"))
        .chain(Section::ALL.iter().flat_map(|s| data_needs(*s)))
        .collect()
}

/// The resource types the summary reads (the Patient and every section's), each once, for the
/// capability report and the registration sheet.
pub fn resource_types() -> Vec<&'static str> {
    let mut types = vec!["Patient"];
    for (resource_type, _) in SECTIONS.iter().flat_map(|spec| spec.reads) {
        if !types.contains(resource_type) {
            types.push(resource_type);
        }
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_has_exactly_one_row() {
        for section in Section::ALL {
            assert_eq!(
                SECTIONS.iter().filter(|s| s.section == section).count(),
                1,
                "{section:?}"
            );
        }
        let mut all = Section::ALL.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), SECTIONS.len());
    }

    #[test]
    fn every_section_sits_in_exactly_one_column() {
        let placed: usize = Column::ALL.iter().map(|c| in_column(*c).count()).sum();
        assert_eq!(placed, Section::ALL.len());
        assert_eq!(
            in_column(Column::Overview).collect::<Vec<_>>(),
            [Section::Problems, Section::Medications, Section::Allergies]
        );
    }

    #[test]
    fn the_summary_reads_the_patient_and_each_resource_type_once() {
        let types = resource_types();
        assert_eq!(types[0], "Patient");
        for expected in [
            "Condition",
            "Medication",
            "MedicationStatement",
            "DiagnosticReport",
        ] {
            assert!(types.contains(&expected), "{expected} in {types:?}");
        }
        let mut unique = types.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), types.len());
    }
}
