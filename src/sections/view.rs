//! What a loaded section holds: its view model, built once from the resources that arrived
//! (the load task builds it; the UI only draws it), and the notices about how they arrived,
//! typed, with their wording here.

use super::Section;
use crate::fhir::bundle::{Incomplete, Progress};
use crate::fhir::date::FhirDateTime;
use crate::fhir::model::{parse_all, Observation, Parsed};
use crate::summary::allergies::{self, AllergiesView};
use crate::summary::encounters::{self, EncountersView};
use crate::summary::immunizations::{self, ImmunizationsView};
use crate::summary::labs::{self, LabsView};
use crate::summary::listing::GrantReach;
use crate::summary::medications::{self, MedicationsView};
use crate::summary::problems::{self, ProblemsView};
use crate::summary::procedures::{self, ProceduresView};
use crate::summary::vitals::{self, VitalsView};
use serde_json::Value;

/// One section's view model.
#[derive(Debug, Clone, PartialEq)]
pub enum SectionView {
    /// Allergies and intolerances.
    Allergies(AllergiesView),
    /// Current and past problems.
    Problems(ProblemsView),
    /// Current and past medications.
    Medications(MedicationsView),
    /// Vaccines given.
    Immunizations(ImmunizationsView),
    /// Latest vital signs and their trends.
    VitalSigns(VitalsView),
    /// Latest lab results, grouped by panel.
    Labs(LabsView),
    /// Encounters, newest first.
    Encounters(EncountersView),
    /// Procedures, newest first.
    Procedures(ProceduresView),
}

impl SectionView {
    /// Builds `section`'s view model from the resources its searches found (`matches`) and
    /// those that came beside them (`included`: Medications), at `now`.
    pub fn build(
        section: Section,
        matches: &[Value],
        included: &[Value],
        now: FhirDateTime,
    ) -> Self {
        match section {
            Section::Allergies => SectionView::Allergies(allergies::build(matches)),
            Section::Problems => SectionView::Problems(problems::build(matches)),
            Section::Medications => {
                // Included Medications name the requests that reference them.
                let resources: Vec<Value> = matches.iter().chain(included).cloned().collect();
                SectionView::Medications(medications::build(&resources))
            }
            Section::Immunizations => SectionView::Immunizations(immunizations::build(matches)),
            Section::VitalSigns | Section::Labs => {
                Self::from_observations(section, parse_all(matches), matches, included, now)
            }
            Section::Encounters => SectionView::Encounters(encounters::build(matches)),
            Section::Procedures => SectionView::Procedures(procedures::build(matches)),
        }
    }

    /// [`SectionView::build`] with the Observations among `matches` already read (a slice at a
    /// time, so that no one task reads thousands): the Observation sections use them, the
    /// others are built from `matches` and `included` as usual.
    pub fn from_observations(
        section: Section,
        observations: Parsed<Observation>,
        matches: &[Value],
        included: &[Value],
        now: FhirDateTime,
    ) -> Self {
        match section {
            Section::VitalSigns => SectionView::VitalSigns(vitals::build_parsed(observations, now)),
            Section::Labs => SectionView::Labs(labs::build_parsed(observations, matches, now)),
            _ => Self::build(section, matches, included, now),
        }
    }

    /// The count shown beside the heading: what is current (problems, medications,
    /// allergies), each vaccine, vital sign or lab test once, every encounter and procedure.
    pub fn count(&self) -> usize {
        match self {
            SectionView::Allergies(view) => view.current.len(),
            SectionView::Problems(view) => view.current.len(),
            SectionView::Medications(view) => view.current.len(),
            SectionView::Immunizations(view) => view.vaccines.len(),
            SectionView::VitalSigns(view) => view.latest.len(),
            SectionView::Labs(view) => view.groups.iter().map(|g| g.results.len()).sum(),
            SectionView::Encounters(view) => view.encounters.len(),
            SectionView::Procedures(view) => view.procedures.len(),
        }
    }
}

/// Something the section says about how its data arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A warning the server put in the searchset (OperationOutcome), in its words.
    Server(String),
    /// The search found more than the section keeps; `total` when the server said how many.
    KeptFirst {
        /// How many the section kept.
        kept: usize,
        /// How many the server holds, if it said.
        total: Option<u64>,
    },
    /// A `next` link led back to a page already read.
    PagesLoop,
    /// The page cap was reached.
    PageCap {
        /// The cap.
        pages: usize,
        /// What had arrived.
        progress: Progress,
    },
    /// The `next` link pointed at another server, which is never sent the token.
    ForeignLink(String),
    /// The grant reaches this Observation category only as FHIR R4 codes it, so the server
    /// may have withheld records coded another way (`SectionPlan::narrowed_category`).
    CategoryNarrowed(&'static str),
}

impl Notice {
    /// In plain words, shown under the section.
    pub fn wording(&self) -> String {
        match self {
            Notice::Server(text) => text.clone(),
            Notice::KeptFirst { kept, total } => {
                let of = total.map_or(String::new(), |total| format!(" of {total}"));
                format!(
                    "This list is very long: Bedside kept the first {kept}{of} entries and \
                     shows only those."
                )
            }
            Notice::PagesLoop => {
                "The server's pages led back to a page already loaded, so loading stopped there."
                    .into()
            }
            Notice::PageCap { pages, progress } => format!(
                "Only the first {pages} pages were loaded ({}).",
                progress.describe()
            ),
            Notice::ForeignLink(link) => format!(
                "The server's next page is at another address ({link}); Bedside did not follow \
                 it, so your access token stays with this server."
            ),
            Notice::CategoryNarrowed(category) => format!(
                "Records may have been withheld: access was granted only to observations in \
                 the category \"{category}\" as coded in FHIR R4; records coded another way \
                 (for example by older systems) are not shared."
            ),
        }
    }
}

/// A section whose requests finished: what it shows and what it says about how it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedSection {
    /// The view model.
    pub view: SectionView,
    /// Server warnings and paging notices.
    pub notices: Vec<Notice>,
    /// Searches cut short by a failed later page: what they read is shown, more exists.
    pub incomplete: Vec<Incomplete>,
}

impl LoadedSection {
    /// Whether the grant may have kept records from the section, so that an empty list is
    /// not claimed as an empty record.
    pub fn reach(&self) -> GrantReach {
        if self
            .notices
            .iter()
            .any(|notice| matches!(notice, Notice::CategoryNarrowed(_)))
        {
            GrantReach::Narrowed
        } else {
            GrantReach::Whole
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> FhirDateTime {
        FhirDateTime::parse("2024-06-01T00:00:00Z").unwrap()
    }

    #[test]
    fn each_section_builds_its_own_view_model() {
        for section in Section::ALL {
            let view = SectionView::build(section, &[], &[], now());
            let expected = match section {
                Section::Allergies => matches!(view, SectionView::Allergies(_)),
                Section::Problems => matches!(view, SectionView::Problems(_)),
                Section::Medications => matches!(view, SectionView::Medications(_)),
                Section::Immunizations => matches!(view, SectionView::Immunizations(_)),
                Section::VitalSigns => matches!(view, SectionView::VitalSigns(_)),
                Section::Labs => matches!(view, SectionView::Labs(_)),
                Section::Encounters => matches!(view, SectionView::Encounters(_)),
                Section::Procedures => matches!(view, SectionView::Procedures(_)),
            };
            assert!(expected, "{section:?} built {view:?}");
            assert_eq!(view.count(), 0);
        }
    }

    #[test]
    fn observations_read_in_slices_build_the_same_section_as_read_at_once() {
        let observation = |id: &str, code: &str, value: f64, day: &str| {
            json!({"resourceType": "Observation", "id": id, "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
                "effectiveDateTime": day, "valueQuantity": {"value": value, "unit": "mg/dL"}})
        };
        let report = json!({"resourceType": "DiagnosticReport", "id": "d", "status": "final",
            "code": {"text": "Panel A"}, "result": [{"reference": "Observation/a"}]});
        let matches = [
            observation("a", "2345-7", 90.0, "2024-01-02"),
            observation("b", "8867-4", 70.0, "2024-01-03"),
            observation("c", "2345-7", 95.0, "2024-02-02"),
            json!({"resourceType": "Observation", "id": "broken", "status": 7}),
            report,
        ];
        for section in [Section::Labs, Section::VitalSigns] {
            let mut read = parse_all::<Observation>(&matches[..2]);
            let rest = parse_all::<Observation>(&matches[2..]);
            read.resources.extend(rest.resources);
            read.malformed.extend(rest.malformed);
            assert_eq!(
                SectionView::from_observations(section, read, &matches, &[], now()),
                SectionView::build(section, &matches, &[], now()),
                "{section:?}"
            );
        }
    }

    #[test]
    fn included_medications_name_the_requests_that_reference_them() {
        let request = json!({"resourceType": "MedicationRequest", "id": "r", "status": "active",
            "intent": "order", "medicationReference": {"reference": "Medication/m"}});
        let medication = json!({"resourceType": "Medication", "id": "m",
            "code": {"text": "Metformin 500 mg"}});
        let SectionView::Medications(view) =
            SectionView::build(Section::Medications, &[request], &[medication], now())
        else {
            panic!("not a medications view");
        };
        assert_eq!(view.current[0].name, "Metformin 500 mg");
    }

    #[test]
    fn a_kept_list_says_how_many_the_server_holds_when_it_said() {
        let with_total = Notice::KeptFirst {
            kept: 2000,
            total: Some(90433),
        };
        assert!(with_total
            .wording()
            .contains("kept the first 2000 of 90433 entries"));
        let without = Notice::KeptFirst {
            kept: 2000,
            total: None,
        };
        assert!(without.wording().contains("kept the first 2000 entries"));
    }

    #[test]
    fn a_foreign_next_link_is_named_and_not_followed() {
        let notice = Notice::ForeignLink("https://other.example/fhir?page=2".into());
        assert!(notice
            .wording()
            .contains("https://other.example/fhir?page=2"));
        assert!(notice.wording().contains("did not follow"));
    }

    fn loaded(notices: Vec<Notice>) -> LoadedSection {
        LoadedSection {
            view: SectionView::build(Section::VitalSigns, &[], &[], now()),
            notices,
            incomplete: Vec::new(),
        }
    }

    #[test]
    fn a_category_narrowed_grant_says_records_may_have_been_withheld_and_why() {
        let wording = Notice::CategoryNarrowed("vital-signs").wording();
        assert!(
            wording.starts_with("Records may have been withheld"),
            "{wording}"
        );
        assert!(
            wording.contains("the category \"vital-signs\" as coded in FHIR R4"),
            "{wording}"
        );
        assert!(wording.contains("records coded another way"), "{wording}");
    }

    #[test]
    fn a_section_with_the_narrowed_notice_claims_no_empty_record() {
        let narrowed = loaded(vec![Notice::CategoryNarrowed("vital-signs")]);
        assert_eq!(narrowed.reach(), GrantReach::Narrowed);
        let whole = loaded(vec![Notice::PagesLoop]);
        assert_eq!(whole.reach(), GrantReach::Whole);
    }
}
