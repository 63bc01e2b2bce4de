//! Vital signs: the latest value of each kind with its date, and each kind's series in time
//! order for trend plots. Blood pressure is read from a panel's components (85354-9, 55284-4)
//! or from standalone systolic and diastolic observations alike; which codes count is
//! `clinical_codes`'s table; temperature, weight and height are
//! shown in °C, kg and cm whatever unit they were recorded in.

use super::observations::{loinc_codes, notable_status, observation_is_void, observation_name};
use super::observations::{observation_time, same_time_values, Excluded, ExclusionReason};
use super::observations::{Recency, TrendPoint};
use super::vital_kinds::VitalKind;
use super::when::ago;
use crate::fhir::datatypes::CodeableConcept;
use crate::fhir::date::FhirDateTime;
use crate::fhir::decimal::{decimals_written, with_decimals};
use crate::fhir::model::{parse_all, MalformedResource, Observation, ObservationValue, Parsed};
use crate::sort;
use serde_json::Value;
use std::collections::BTreeMap;

/// The latest value of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct VitalReading {
    /// Which vital sign.
    pub kind: VitalKind,
    /// The value in the kind's unit.
    pub value: f64,
    /// The value as shown, e.g. "37.2 °C".
    pub text: String,
    /// The value as recorded, when it was converted, e.g. "99 [degF]".
    pub original: Option<String>,
    /// When it was taken.
    pub at: FhirDateTime,
    /// When it was taken, as precisely as written.
    pub when: String,
    /// How long before now, e.g. "3 h ago".
    pub ago: Option<String>,
    /// The Observation it came from.
    pub observation_id: String,
    /// The status when notable, e.g. "Preliminary".
    pub status: Option<String>,
    /// Other values of this kind taken at the same time, as shown, newest first
    /// (`observations::same_time_values`): shown beside the value, never decided away.
    pub same_time: Vec<String>,
}

/// Every dated value of one kind, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct VitalSeries {
    /// Which vital sign.
    pub kind: VitalKind,
    /// Points in the kind's unit, by time (then by release, `observations::Recency`).
    pub points: Vec<TrendPoint>,
}

/// The vital signs section.
#[derive(Debug, Clone, PartialEq)]
pub struct VitalsView {
    /// The latest reading of each kind that has one, in the order of [`VitalKind`]'s variants.
    pub latest: Vec<VitalReading>,
    /// "128/82 mmHg" when the latest systolic and diastolic were taken at the same time.
    pub blood_pressure: Option<String>,
    /// One series per kind with readings, in the order of [`VitalKind`]'s variants.
    pub series: Vec<VitalSeries>,
    /// Vital-sign observations left out (no date, unknown unit, no value), in input order.
    pub excluded: Vec<Excluded>,
    /// Records that could not be read.
    pub unreadable: Vec<MalformedResource>,
}

/// Builds the vital signs section from Observations (other types are passed over;
/// observations that are not vital signs are ignored). Entered-in-error and cancelled
/// observations are never used. `now` comes from the shell's clock.
pub fn build(resources: &[Value], now: FhirDateTime) -> VitalsView {
    build_parsed(parse_all::<Observation>(resources), now)
}

/// [`build`] from Observations already read (e.g. a slice at a time).
pub fn build_parsed(parsed: Parsed<Observation>, now: FhirDateTime) -> VitalsView {
    let mut by_kind: BTreeMap<VitalKind, Vec<Reading>> = BTreeMap::new();
    let mut excluded = Vec::new();
    for observation in parsed.resources.iter().filter(|o| !observation_is_void(o)) {
        let measured = measurements(observation);
        if measured.is_empty() {
            continue;
        }
        let id = observation.id.as_deref().unwrap_or_default();
        let Some(at) = observation_time(observation) else {
            excluded.push(exclusion(
                id,
                observation_name(observation.code.as_ref()),
                ExclusionReason::NoDate,
            ));
            continue;
        };
        for (kind, value) in measured {
            match reading(observation, kind, value, at) {
                Ok(reading) => by_kind.entry(kind).or_default().push(reading),
                Err(reason) => excluded.push(exclusion(id, kind.title().into(), reason)),
            }
        }
    }
    let mut latest = Vec::new();
    let mut series = Vec::new();
    for (kind, mut readings) in by_kind {
        sort::sort_by(&mut readings, |a, b| a.recency.cmp(&b.recency));
        if let Some(last) = readings.last() {
            let same_time = same_time_values(&readings, |r| &r.recency, |r| r.text(kind));
            latest.push(last.to_view(kind, &now, same_time));
        }
        let points = readings
            .iter()
            .map(|r| TrendPoint {
                at: r.at,
                value: r.value,
            })
            .collect();
        series.push(VitalSeries { kind, points });
    }
    VitalsView {
        blood_pressure: blood_pressure(&latest),
        latest,
        series,
        excluded,
        unreadable: parsed.malformed,
    }
}

struct Reading {
    at: FhirDateTime,
    recency: Recency,
    id: String,
    value: f64,
    original: Option<String>,
    // As recorded, when recorded in the unit shown (a converted value has no written digits).
    decimals_written: Option<usize>,
    status: Option<String>,
}

impl Reading {
    fn text(&self, kind: VitalKind) -> String {
        kind.format_as_written(self.value, self.decimals_written)
    }

    fn to_view(&self, kind: VitalKind, now: &FhirDateTime, same_time: Vec<String>) -> VitalReading {
        VitalReading {
            kind,
            value: self.value,
            text: self.text(kind),
            original: self.original.clone(),
            at: self.at,
            when: self.at.to_string(),
            ago: ago(&self.at, now),
            observation_id: self.id.clone(),
            status: self.status.clone(),
            same_time,
        }
    }
}

// The observation's own code and each component's code that names a vital sign, with the
// value found beside it.
fn measurements(observation: &Observation) -> Vec<(VitalKind, Option<ObservationValue<'_>>)> {
    let kind_of =
        |code: Option<&CodeableConcept>| loinc_codes(code).find_map(VitalKind::from_loinc);
    let own = kind_of(observation.code.as_ref()).map(|kind| (kind, observation.value.get()));
    let parts = observation
        .component
        .iter()
        .filter_map(|c| Some((kind_of(c.code.as_ref())?, c.value.get())));
    own.into_iter().chain(parts).collect()
}

fn reading(
    observation: &Observation,
    kind: VitalKind,
    value: Option<ObservationValue<'_>>,
    at: FhirDateTime,
) -> Result<Reading, ExclusionReason> {
    let Some(ObservationValue::Quantity(quantity)) = value else {
        return Err(ExclusionReason::NoValue);
    };
    let Some(recorded) = quantity.value else {
        return Err(ExclusionReason::NoValue);
    };
    let shown = kind.in_display_unit(quantity).ok_or_else(|| {
        ExclusionReason::UnitNotRecognized(quantity.unit_text().unwrap_or_else(|| "no unit".into()))
    })?;
    let converted = (shown - recorded).abs() > 1e-9;
    Ok(Reading {
        at,
        recency: Recency::of(observation, at),
        id: observation.id.clone().unwrap_or_default(),
        value: shown,
        original: converted.then(|| quantity.display()).flatten(),
        decimals_written: (!converted).then(|| decimals_written(recorded)),
        status: notable_status(observation),
    })
}

fn exclusion(id: &str, name: String, reason: ExclusionReason) -> Excluded {
    Excluded {
        id: id.to_owned(),
        name,
        reason,
    }
}

fn blood_pressure(latest: &[VitalReading]) -> Option<String> {
    let find = |kind| latest.iter().find(|r| r.kind == kind);
    let (systolic, diastolic) = (find(VitalKind::Systolic)?, find(VitalKind::Diastolic)?);
    let whole = |reading: &VitalReading| with_decimals(reading.value, reading.kind.decimals());
    (systolic.at == diastolic.at).then(|| format!("{}/{} mmHg", whole(systolic), whole(diastolic)))
}

#[cfg(test)]
#[path = "vitals_tests.rs"]
mod tests;
