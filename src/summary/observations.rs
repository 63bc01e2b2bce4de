//! What vital signs and labs share about Observations: which ones count, when they were
//! taken, how a value reads, and the trend points and exclusion notes both sections expose.

use super::when::Recorded;
use crate::clinical_codes::LOINC;
use crate::fhir::code_words::code_as_label;
use crate::fhir::datatypes::{non_blank, CodeableConcept};
use crate::fhir::date::{FhirDateTime, Precision};
use crate::fhir::decimal::shown;
use crate::fhir::model::{Observation, ObservationComponent, ObservationValue};

/// One point of a trend plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    /// When it was taken (`at.epoch_millis()` gives the plot's x).
    pub at: FhirDateTime,
    /// The value in the series' unit.
    pub value: f64,
}

/// Why an observation is left out of "latest" and of the trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExclusionReason {
    /// No `effective[x]` date: it cannot be placed in time.
    NoDate,
    /// The unit is not one Bedside can show this measurement in.
    UnitNotRecognized(String),
    /// No value and no components (e.g. only a dataAbsentReason).
    NoValue,
}

/// An observation that was left out, so the view can say so rather than hide it silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    /// Resource id.
    pub id: String,
    /// What was observed.
    pub name: String,
    /// Why it is left out.
    pub reason: ExclusionReason,
}

/// The never-show rule of Observations: `entered-in-error` was a mistake and `cancelled`
/// never produced a result (FHIR R4 ValueSet observation-status).
pub fn observation_is_void(observation: &Observation) -> bool {
    matches!(
        observation.status.as_deref().map(str::trim),
        Some("entered-in-error" | "cancelled")
    )
}

/// When it was taken: `effectiveDateTime`, `effectiveInstant`, or the start (else end) of
/// `effectivePeriod`. `issued` is when the result was released, not when the patient was
/// measured, so it is not used.
pub fn observation_time(observation: &Observation) -> Option<FhirDateTime> {
    let recorded = Recorded::date_time(observation.effective_date_time.as_deref())
        .or_else(|| Recorded::date_time(observation.effective_instant.as_deref()))
        .or_else(|| Recorded::period(observation.effective_period.as_ref()));
    recorded.at
}

/// The order in which one test's results supersede each other, oldest first: when taken; among
/// results taken at the same time, when released (`issued`), then when the server last changed
/// them (`meta.lastUpdated`); the id comes last only so that the order is total.
///
/// Two results of one test taken at the same instant with different values (a repeated draw,
/// a correction filed as a new resource, two analysers) are a conflict a clinician must see:
/// deciding it by resource id would make the value shown depend on how the server numbered
/// its records, and hide the other. So the one released last, the laboratory's latest word, is
/// shown, and [`same_time_values`] carries the others beside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Recency {
    instant: i64,
    precision: Precision,
    issued: Option<FhirDateTime>,
    last_updated: Option<FhirDateTime>,
    // Two zones writing one instant are the same time; the writing only makes the order total.
    written: FhirDateTime,
    id: String,
}

impl Recency {
    /// The recency of `observation`, taken at `at` (its [`observation_time`]).
    pub fn of(observation: &Observation, at: FhirDateTime) -> Self {
        let parsed = |text: Option<&str>| text.and_then(FhirDateTime::parse);
        Recency {
            instant: at.epoch_millis(),
            precision: at.precision(),
            issued: parsed(observation.issued.as_deref()),
            last_updated: parsed(
                observation
                    .meta
                    .as_ref()
                    .and_then(|meta| meta.last_updated.as_deref()),
            ),
            written: at,
            id: observation.id.clone().unwrap_or_default(),
        }
    }

    /// Whether both were taken at the same instant, written as precisely.
    pub fn same_time(&self, other: &Recency) -> bool {
        (self.instant, self.precision) == (other.instant, other.precision)
    }
}

/// The values of the other results taken at the same time as the latest that read differently
/// from it, newest first, each once (see [`Recency`] for why they are shown). `sorted` holds
/// one test's results in [`Recency`] order; `recency` and `value` read a result's.
pub fn same_time_values<T>(
    sorted: &[T],
    recency: impl Fn(&T) -> &Recency,
    value: impl Fn(&T) -> String,
) -> Vec<String> {
    let Some((latest, earlier)) = sorted.split_last() else {
        return Vec::new();
    };
    let shown = value(latest);
    let mut others: Vec<String> = Vec::new();
    for result in earlier.iter().rev() {
        if !recency(result).same_time(recency(latest)) {
            break;
        }
        let other = value(result);
        if other != shown && !others.contains(&other) {
            others.push(other);
        }
    }
    others
}

/// The marker beside a result that has [`same_time_values`]: "Another result at the same
/// time: 10 mg/dL"; `None` without any.
pub fn same_time_note(values: &[String]) -> Option<String> {
    match values {
        [] => None,
        [one] => Some(format!("Another result at the same time: {one}")),
        many => Some(format!(
            "Other results at the same time: {}",
            many.join(", ")
        )),
    }
}

/// The status in words when it should be pointed out ("Preliminary", "Unknown"…); `None`
/// for final, amended and corrected results and for a missing status.
pub fn notable_status(observation: &Observation) -> Option<String> {
    let status = observation.status.as_deref()?.trim();
    (!matches!(status, "final" | "amended" | "corrected")).then(|| code_as_label(status))
}

/// The observation's name, or "Unnamed observation".
pub fn observation_name(code: Option<&CodeableConcept>) -> String {
    code.and_then(CodeableConcept::display)
        .unwrap_or_else(|| "Unnamed observation".into())
}

/// The LOINC codes of a concept.
pub fn loinc_codes(concept: Option<&CodeableConcept>) -> impl Iterator<Item = &str> {
    concept
        .into_iter()
        .flat_map(|c| &c.coding)
        .filter(|c| c.system.as_deref() == Some(LOINC))
        .filter_map(|c| c.code.as_deref().map(str::trim))
}

/// A value as text, without its unit: `<5`, `cloudy`, `Positive`, `Yes`, `3`.
pub fn value_text(value: ObservationValue<'_>) -> String {
    match value {
        ObservationValue::Quantity(q) => {
            let comparator = q.comparator.as_deref().unwrap_or("").trim();
            match q.value {
                Some(number) => format!("{comparator}{}", shown(number)),
                None => "No value".into(),
            }
        }
        ObservationValue::Text(text) => text.to_owned(),
        ObservationValue::Concept(concept) => {
            concept.display().unwrap_or_else(|| "Coded value".into())
        }
        ObservationValue::Boolean(true) => "Yes".into(),
        ObservationValue::Boolean(false) => "No".into(),
        ObservationValue::Integer(number) => number.to_string(),
    }
}

/// A value with its unit, for components: `120 mmHg`.
pub fn value_with_unit(value: ObservationValue<'_>) -> String {
    match value {
        ObservationValue::Quantity(q) => match q.unit_text() {
            Some(unit) => format!("{} {unit}", value_text(value)),
            None => value_text(value),
        },
        other => value_text(other),
    }
}

/// Components as one line, `Systolic: 120 mmHg; Diastolic: 80 mmHg`; `None` without any.
pub fn components_text(components: &[ObservationComponent]) -> Option<String> {
    let parts: Vec<String> = components
        .iter()
        .filter_map(|c| {
            let value = c.value.get()?;
            Some(format!(
                "{}: {}",
                observation_name(c.code.as_ref()),
                value_with_unit(value)
            ))
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// "No value", with the data-absent reason when given: "No value (Not performed)".
pub fn absent_text(reason: Option<&CodeableConcept>) -> String {
    match reason.and_then(CodeableConcept::display) {
        Some(reason) => format!("No value ({reason})"),
        None => "No value".into(),
    }
}

/// A number for a trend, when the value is one.
pub fn numeric(value: ObservationValue<'_>) -> Option<f64> {
    match value {
        ObservationValue::Quantity(q) if non_blank(q.comparator.as_deref()).is_none() => q.value,
        ObservationValue::Integer(number) => Some(number as f64),
        _ => None,
    }
}

#[cfg(test)]
#[path = "observations_tests.rs"]
mod tests;
