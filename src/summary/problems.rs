//! Problems: active, recurring and relapsed conditions first (latest onset first), resolved,
//! inactive and remitted ones in a collapsed group, dates as precisely as written.

use super::status::{coded_status, verification_hides};
use super::status::{CONDITION_CLINICAL, CONDITION_VERIFICATION};
use super::when::{sort_newest_first, Recorded};
use crate::fhir::code_words::code_as_label;
use crate::fhir::datatypes::CodeableConcept;
use crate::fhir::date::FhirDateTime;
use crate::fhir::model::{parse_all, Condition, MalformedResource};
use serde_json::Value;

/// One condition as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemLine {
    /// Resource id.
    pub id: String,
    /// What the condition is, or "Condition not named".
    pub name: String,
    /// Clinical status in words ("Active", "Relapse", "Resolved"…); `None` when not recorded.
    pub status: Option<String>,
    /// Verification in words when it is not settled ("Unconfirmed", "Provisional",
    /// "Differential"); `None` when confirmed or not recorded.
    pub verification: Option<String>,
    /// Onset as written: a date, a period, an age or text.
    pub onset: Option<String>,
    /// When it was recorded, when that is not the onset as written.
    pub recorded: Option<String>,
    /// When it abated, as written.
    pub abated: Option<String>,
}

/// The problems section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemsView {
    /// Active, recurrence, relapse, and conditions of unknown status: latest onset first.
    pub current: Vec<ProblemLine>,
    /// Resolved, inactive and remission, for a collapsed group: latest abatement first.
    pub past: Vec<ProblemLine>,
    /// Records that could not be read.
    pub unreadable: Vec<MalformedResource>,
}

/// Builds the problems section from Condition resources (other types are passed over).
/// Entered-in-error and refuted conditions are never shown.
pub fn build(resources: &[Value]) -> ProblemsView {
    let parsed = parse_all::<Condition>(resources);
    let mut current = Vec::new();
    let mut past = Vec::new();
    let shown = parsed.resources.iter().filter(|condition| {
        !verification_hides(
            condition.verification_status.as_ref(),
            CONDITION_VERIFICATION,
        )
    });
    for condition in shown {
        let clinical = coded_status(condition.clinical_status.as_ref(), CONDITION_CLINICAL);
        let onset = onset(condition);
        let recorded = Recorded::date_time(condition.recorded_date.as_deref())
            .or_else(|| Recorded::date_time(condition.asserted_date.as_deref()));
        let abated = abatement(condition);
        let is_past = match clinical {
            Some(code) => matches!(code, "inactive" | "remission" | "resolved"),
            // FHIR R4 (con-3, con-4): abatement implies the condition is no longer active.
            None => condition.has_abatement(),
        };
        let status = match clinical {
            Some(code) => Some(code_as_label(code)),
            None if is_past => Some("Resolved".into()),
            None => None,
        };
        let line = ProblemLine {
            id: condition.id.clone().unwrap_or_default(),
            name: condition
                .code
                .as_ref()
                .and_then(CodeableConcept::display)
                .unwrap_or_else(|| "Condition not named".into()),
            status,
            verification: unsettled_verification(condition),
            // The day it was recorded says something only when it is not the onset (Synthea
            // records every condition at its onset).
            recorded: recorded.text.filter(|r| onset.text.as_ref() != Some(r)),
            onset: onset.text,
            abated: abated.text,
        };
        if is_past {
            past.push((abated.at.or(onset.at).or(recorded.at), line));
        } else {
            current.push((onset.at.or(recorded.at), line));
        }
    }
    ProblemsView {
        current: newest_first(current),
        past: newest_first(past),
        unreadable: parsed.malformed,
    }
}

fn newest_first(mut lines: Vec<(Option<FhirDateTime>, ProblemLine)>) -> Vec<ProblemLine> {
    sort_newest_first(&mut lines, |(at, line)| (at.as_ref(), line.id.as_str()));
    lines.into_iter().map(|(_, line)| line).collect()
}

fn onset(condition: &Condition) -> Recorded {
    Recorded::date_time(condition.onset_date_time.as_deref())
        .or_else(|| Recorded::period(condition.onset_period.as_ref()))
        .or_else(|| Recorded::age(condition.onset_age.as_ref()))
        .or_else(|| Recorded::age_range(condition.onset_range.as_ref()))
        .or_else(|| Recorded::free_text(condition.onset_string.as_deref()))
}

fn abatement(condition: &Condition) -> Recorded {
    Recorded::date_time(condition.abatement_date_time.as_deref())
        .or_else(|| Recorded::period(condition.abatement_period.as_ref()))
        .or_else(|| Recorded::age(condition.abatement_age.as_ref()))
        .or_else(|| Recorded::age_range(condition.abatement_range.as_ref()))
        .or_else(|| Recorded::free_text(condition.abatement_string.as_deref()))
}

fn unsettled_verification(condition: &Condition) -> Option<String> {
    let code = coded_status(
        condition.verification_status.as_ref(),
        CONDITION_VERIFICATION,
    )?;
    matches!(code, "unconfirmed" | "provisional" | "differential").then(|| code_as_label(code))
}

#[cfg(test)]
#[path = "problems_tests.rs"]
mod tests;
