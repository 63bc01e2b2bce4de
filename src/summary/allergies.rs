//! Allergies and intolerances: active and unconfirmed ones first, the rest collapsed, and the
//! difference between "no known allergies" (the server says so) and "none recorded" (the
//! server says nothing) kept, because a clinician acts differently on each.

use super::status::{coded_status, verification_hides};
use super::status::{ALLERGY_CLINICAL, ALLERGY_VERIFICATION};
use super::when::Recorded;
use crate::fhir::code_words::code_as_label;
use crate::fhir::datatypes::CodeableConcept;
use crate::fhir::model::{parse_all, AllergyIntolerance, MalformedResource, Reaction};
use crate::sort;
use serde_json::Value;

const SNOMED: &str = "http://snomed.info/sct";
// SNOMED CT "No known … allergy" situations: allergy, drug, food, environmental, insect.
const NO_KNOWN_SNOMED: [&str; 5] = [
    "716186003",
    "409137002",
    "429625007",
    "428607008",
    "428197003",
];
const IPS_ABSENT: &str = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips";
const NO_KNOWN_IPS: [&str; 4] = [
    "no-known-allergies",
    "no-known-medication-allergies",
    "no-known-food-allergies",
    "no-known-environmental-allergies",
];

/// What the allergy list as a whole says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllergyListState {
    /// At least one active (or unconfirmed) allergy.
    Listed,
    /// None active, and the server states the patient has no known allergies.
    NoKnownAllergies,
    /// None active; only inactive or resolved ones are recorded.
    NoneActive,
    /// Nothing recorded at all: not the same as "no known allergies".
    NoneRecorded,
}

/// How dangerous a future reaction could be (AllergyIntolerance.criticality).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Criticality {
    /// `high`.
    High,
    /// `unable-to-assess`.
    UnableToAssess,
    /// `low`.
    Low,
}

impl Criticality {
    /// The words shown.
    pub fn label(self) -> &'static str {
        match self {
            Criticality::High => "High criticality",
            Criticality::UnableToAssess => "Criticality unable to assess",
            Criticality::Low => "Low criticality",
        }
    }
}

/// One reaction: what was seen and how severe it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionLine {
    /// Manifestations, e.g. "Hives", "Anaphylaxis"; the description when none is coded.
    pub manifestations: Vec<String>,
    /// "Mild", "Moderate" or "Severe".
    pub severity: Option<String>,
}

/// One allergy as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergyLine {
    /// Resource id.
    pub id: String,
    /// The substance, or "Substance not recorded".
    pub substance: String,
    /// Criticality, when recorded with a known code.
    pub criticality: Option<Criticality>,
    /// True when verificationStatus is `unconfirmed`.
    pub unconfirmed: bool,
    /// The clinical status in words ("Active", "Inactive", "Resolved"), when recorded.
    pub status: Option<String>,
    /// "Allergy" or "Intolerance", when recorded.
    pub kind: Option<String>,
    /// Reactions, in the server's order.
    pub reactions: Vec<ReactionLine>,
    /// Onset as precisely as written.
    pub onset: Option<String>,
    /// Recorded date as precisely as written.
    pub recorded: Option<String>,
}

/// The allergies section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllergiesView {
    /// What the list says as a whole.
    pub state: AllergyListState,
    /// Active and unconfirmed allergies: high criticality first, then by substance.
    pub current: Vec<AllergyLine>,
    /// Inactive and resolved allergies, for a collapsed group, by substance.
    pub other: Vec<AllergyLine>,
    /// The server's own "no known …" statements that are active, e.g. "No known drug allergy".
    pub no_known: Vec<String>,
    /// Records that could not be read.
    pub unreadable: Vec<MalformedResource>,
}

/// Builds the allergies section from AllergyIntolerance resources (other types are passed
/// over). Entered-in-error and refuted records are never shown.
pub fn build(resources: &[Value]) -> AllergiesView {
    let parsed = parse_all::<AllergyIntolerance>(resources);
    let mut current = Vec::new();
    let mut other = Vec::new();
    let mut no_known = Vec::new();
    let shown = parsed
        .resources
        .iter()
        .filter(|a| !verification_hides(a.verification_status.as_ref(), ALLERGY_VERIFICATION));
    for allergy in shown {
        let clinical = coded_status(allergy.clinical_status.as_ref(), ALLERGY_CLINICAL);
        // FHIR requires clinicalStatus; a record without one is treated as active, since
        // hiding an allergy is the dangerous mistake.
        let active = matches!(clinical, None | Some("active"));
        if let Some(negation) = allergy.code.as_ref().filter(|c| is_no_known_allergy(c)) {
            if active {
                no_known.push(
                    negation
                        .display()
                        .unwrap_or_else(|| "No known allergies".into()),
                );
            }
            continue;
        }
        let line = allergy_line(allergy, clinical);
        if active {
            current.push(line);
        } else {
            other.push(line);
        }
    }
    sort::sort_by_cached_key(&mut current, |line| {
        (line.criticality.is_none(), line.criticality, by_name(line))
    });
    sort::sort_by_cached_key(&mut other, by_name);
    let state = if !current.is_empty() {
        AllergyListState::Listed
    } else if !no_known.is_empty() {
        AllergyListState::NoKnownAllergies
    } else if !other.is_empty() {
        AllergyListState::NoneActive
    } else {
        AllergyListState::NoneRecorded
    };
    AllergiesView {
        state,
        current,
        other,
        no_known,
        unreadable: parsed.malformed,
    }
}

/// True when the code states an absence of allergies rather than naming a substance.
pub fn is_no_known_allergy(code: &CodeableConcept) -> bool {
    NO_KNOWN_SNOMED.iter().any(|c| code.has_code(SNOMED, c))
        || NO_KNOWN_IPS.iter().any(|c| code.has_code(IPS_ABSENT, c))
}

fn allergy_line(allergy: &AllergyIntolerance, clinical: Option<&str>) -> AllergyLine {
    let verification = coded_status(allergy.verification_status.as_ref(), ALLERGY_VERIFICATION);
    AllergyLine {
        id: allergy.id.clone().unwrap_or_default(),
        substance: allergy
            .code
            .as_ref()
            .and_then(CodeableConcept::display)
            .unwrap_or_else(|| "Substance not recorded".into()),
        criticality: match allergy.criticality.as_deref().map(str::trim) {
            Some("high") => Some(Criticality::High),
            Some("low") => Some(Criticality::Low),
            Some("unable-to-assess") => Some(Criticality::UnableToAssess),
            _ => None,
        },
        unconfirmed: verification == Some("unconfirmed"),
        status: clinical.map(code_as_label),
        kind: allergy.kind.as_deref().map(code_as_label),
        reactions: allergy.reaction.iter().map(reaction_line).collect(),
        onset: Recorded::date_time(allergy.onset_date_time.as_deref()).text,
        recorded: Recorded::date_time(allergy.recorded_date.as_deref()).text,
    }
}

fn reaction_line(reaction: &Reaction) -> ReactionLine {
    let mut manifestations: Vec<String> = reaction
        .manifestation
        .iter()
        .filter_map(CodeableConcept::display)
        .collect();
    if manifestations.is_empty() {
        manifestations.extend(crate::fhir::datatypes::non_blank(
            reaction.description.as_deref(),
        ));
    }
    ReactionLine {
        manifestations,
        severity: reaction
            .severity
            .as_deref()
            .filter(|s| matches!(s.trim(), "mild" | "moderate" | "severe"))
            .map(code_as_label),
    }
}

// Case-insensitive by substance, then by id, so the order is total.
fn by_name(line: &AllergyLine) -> (String, String) {
    (line.substance.to_lowercase(), line.id.clone())
}

#[cfg(test)]
#[path = "allergies_tests.rs"]
mod tests;
