//! Medications: current orders (MedicationRequest) and reports (MedicationStatement) first,
//! stopped, completed and cancelled ones collapsed, each named from its code, its contained
//! Medication, or a Medication that came with the search.
//!
//! Duplicate rule: a MedicationStatement is left out when a shown MedicationRequest in the
//! same group (current or past) names its medication with the same coding (same system and
//! same code). Anything less certain (similar text, different codes for the same drug) is shown
//! twice: a duplicate line is safer than a hidden medication.

use super::status::status_is_entered_in_error;
use super::when::{sort_newest_first, Recorded};
use crate::fhir::code_words::code_as_label;
use crate::fhir::datatypes::{non_blank, CodeableConcept};
use crate::fhir::date::FhirDateTime;
use crate::fhir::dosage::Dosage;
use crate::fhir::model::medication::NamesMedication;
use crate::fhir::model::{parse_all, MalformedResource, Medication, MedicationRequest};
use crate::fhir::model::{MedicationStatement, Resource};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// Which resource a line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MedicationSource {
    /// An order.
    Request,
    /// A report of use.
    Statement,
}

/// One medication as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedicationLine {
    /// Resource id.
    pub id: String,
    /// Order or report.
    pub source: MedicationSource,
    /// The medication's name, or "Medication not named".
    pub name: String,
    /// The status in words when it is not plain "active" ("On hold", "Stopped"…).
    pub status: Option<String>,
    /// True for an order *not* to give this medication.
    pub do_not_perform: bool,
    /// Dosage instructions, one per dosage, joined with "; ".
    pub dosage: Option<String>,
    /// When ordered (request) or when taken or reported (statement), as written.
    pub date: Option<String>,
}

/// The medications section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MedicationsView {
    /// Active, on-hold, intended and unknown: newest first.
    pub current: Vec<MedicationLine>,
    /// Stopped, completed, cancelled, draft and not-taken, for a collapsed group: newest first.
    pub past: Vec<MedicationLine>,
    /// Records that could not be read.
    pub unreadable: Vec<MalformedResource>,
}

/// Builds the medications section from MedicationRequest, MedicationStatement and Medication
/// resources (e.g. a search result with its `_include`d Medications); other types are passed
/// over. Entered-in-error records are never shown.
pub fn build(resources: &[Value]) -> MedicationsView {
    let requests = parse_all::<MedicationRequest>(resources);
    let statements = parse_all::<MedicationStatement>(resources);
    let medications = parse_all::<Medication>(resources);
    let by_id: HashMap<&str, &Medication> = medications
        .resources
        .iter()
        .filter_map(|m| Some((m.id.as_deref()?, m)))
        .collect();
    let mut entries = Vec::new();
    let mut ordered_codes = HashSet::new();
    for request in &requests.resources {
        let Some(entry) = entry(request, &by_id) else {
            continue;
        };
        for coding in codings(&entry.concept) {
            ordered_codes.insert((entry.is_past, coding));
        }
        entries.push(entry);
    }
    for statement in &statements.resources {
        let Some(entry) = entry(statement, &by_id) else {
            continue;
        };
        let mirrors_a_request = codings(&entry.concept)
            .into_iter()
            .any(|coding| ordered_codes.contains(&(entry.is_past, coding)));
        if !mirrors_a_request {
            entries.push(entry);
        }
    }
    sort_newest_first(&mut entries, |e| (e.at.as_ref(), e.sort_id.as_str()));
    let (past, current): (Vec<Entry>, Vec<Entry>) = entries.into_iter().partition(|e| e.is_past);
    let lines = |entries: Vec<Entry>| entries.into_iter().map(|e| e.line).collect();
    MedicationsView {
        current: lines(current),
        past: lines(past),
        unreadable: [
            requests.malformed,
            statements.malformed,
            medications.malformed,
        ]
        .concat(),
    }
}

// What requests and statements share, so both go through one path.
trait MedicationRecord: NamesMedication + Resource {
    const SOURCE: MedicationSource;
    fn status(&self) -> Option<&str>;
    fn dosages(&self) -> &[Dosage];
    fn date(&self) -> Recorded;
    fn do_not_perform(&self) -> bool {
        false
    }
}

impl MedicationRecord for MedicationRequest {
    const SOURCE: MedicationSource = MedicationSource::Request;
    fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }
    fn dosages(&self) -> &[Dosage] {
        &self.dosage_instruction
    }
    fn date(&self) -> Recorded {
        Recorded::date_time(self.authored_on.as_deref())
    }
    fn do_not_perform(&self) -> bool {
        self.do_not_perform == Some(true)
    }
}

impl MedicationRecord for MedicationStatement {
    const SOURCE: MedicationSource = MedicationSource::Statement;
    fn status(&self) -> Option<&str> {
        self.r4_status()
    }
    fn dosages(&self) -> &[Dosage] {
        &self.dosage
    }
    fn date(&self) -> Recorded {
        Recorded::date_time(self.effective_date_time.as_deref())
            .or_else(|| Recorded::period(self.effective_period.as_ref()))
            .or_else(|| Recorded::date_time(self.date_asserted.as_deref()))
    }
}

struct Entry {
    line: MedicationLine,
    concept: Option<CodeableConcept>,
    at: Option<FhirDateTime>,
    sort_id: String,
    is_past: bool,
}

fn entry<R: MedicationRecord>(record: &R, by_id: &HashMap<&str, &Medication>) -> Option<Entry> {
    let status = record.status().map(str::trim);
    if status_is_entered_in_error(status) {
        return None;
    }
    let concept = medication_concept(record, by_id);
    let name = concept
        .as_ref()
        .and_then(CodeableConcept::display)
        .or_else(|| non_blank(record.medication_reference()?.display.as_deref()))
        .unwrap_or_else(|| "Medication not named".into());
    let dosages: Vec<String> = record
        .dosages()
        .iter()
        .filter_map(Dosage::display)
        .collect();
    let date = record.date();
    let id = record.id().unwrap_or_default().to_owned();
    Some(Entry {
        sort_id: format!("{id}/{:?}", R::SOURCE),
        is_past: matches!(
            status,
            Some("stopped" | "completed" | "cancelled" | "draft" | "not-taken")
        ),
        line: MedicationLine {
            id,
            source: R::SOURCE,
            name,
            status: status.filter(|s| *s != "active").map(code_as_label),
            do_not_perform: record.do_not_perform(),
            dosage: (!dosages.is_empty()).then(|| dosages.join("; ")),
            date: date.text,
        },
        concept,
        at: date.at,
    })
}

/// The medication a request or statement names: its own code, else the contained Medication it
/// points at (`#id`), else the Medication with the referenced id among those given.
fn medication_concept(
    record: &impl NamesMedication,
    by_id: &HashMap<&str, &Medication>,
) -> Option<CodeableConcept> {
    if let Some(concept) = record.medication_concept() {
        return Some(concept.clone());
    }
    if let Some(contained) = record.contained_medication() {
        return contained.code;
    }
    let id = record.medication_reference()?.target_id("Medication")?;
    by_id.get(id)?.code.clone()
}

fn codings(concept: &Option<CodeableConcept>) -> Vec<(String, String)> {
    concept
        .iter()
        .flat_map(|c| &c.coding)
        .filter_map(|c| {
            Some((
                non_blank(c.system.as_deref())?,
                non_blank(c.code.as_deref())?,
            ))
        })
        .collect()
}

#[cfg(test)]
#[path = "medications_tests.rs"]
mod tests;
