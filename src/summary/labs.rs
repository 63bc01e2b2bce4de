//! Lab results: the latest result per test (LOINC code and name, else name) with its value,
//! unit, reference range and flag, the differing values of results taken at the same time, and
//! every numeric result of that test for trends. Results are grouped by the panel
//! (DiagnosticReport) or category the server gives, the newest group first, tests by name
//! within a group; abnormal results are flagged, not reordered. Nothing depends on the order the
//! server sent: a server that cannot sort sends its own.

use super::interpretation::{computed_flag, range_text, server_flag, Flag};
use super::observations::{absent_text, components_text, loinc_codes, notable_status, numeric};
use super::observations::{observation_is_void, observation_name, observation_time, value_text};
use super::observations::{same_time_values, Excluded, ExclusionReason, Recency, TrendPoint};
use super::when::ago;
use crate::fhir::code_words::{code_as_label, sentence_start};
use crate::fhir::datatypes::CodeableConcept;
use crate::fhir::date::FhirDateTime;
use crate::fhir::model::ObservationValue;
use crate::fhir::model::{parse_all, DiagnosticReport, MalformedResource, Observation, Parsed};
use crate::sort;
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::HashMap;

/// The latest result of one test.
#[derive(Debug, Clone, PartialEq)]
pub struct LabResult {
    /// The test's name.
    pub name: String,
    /// Its LOINC code, when coded.
    pub loinc: Option<String>,
    /// The value as text without unit: "5.4", "<0.5", "Positive", "cloudy".
    pub value: String,
    /// The unit, for quantities.
    pub unit: Option<String>,
    /// The reference range as text.
    pub reference_range: Option<String>,
    /// The flag: the server's, else computed from the reference range.
    pub flag: Option<Flag>,
    /// True when the flag was computed here rather than given by the server.
    pub flag_computed: bool,
    /// True when the flag is high, low, abnormal or critical.
    pub abnormal: bool,
    /// When the specimen was taken.
    pub at: FhirDateTime,
    /// `at` as precisely as written.
    pub when: String,
    /// How long before now.
    pub ago: Option<String>,
    /// The status when notable, e.g. "Preliminary".
    pub status: Option<String>,
    /// The Observation it came from.
    pub observation_id: String,
    /// Other values of this test taken at the same time, with their units, newest first
    /// (`observations::same_time_values`): shown beside the value, never decided away.
    pub same_time: Vec<String>,
    /// How many dated results this test has.
    pub result_count: usize,
    /// Numeric results in the latest result's unit, oldest first.
    pub series: Vec<TrendPoint>,
}

/// A panel or category of results.
#[derive(Debug, Clone, PartialEq)]
pub struct LabGroup {
    /// The panel's or category's name.
    pub name: String,
    /// Tests, by name.
    pub results: Vec<LabResult>,
}

/// The labs section.
#[derive(Debug, Clone, PartialEq)]
pub struct LabsView {
    /// Panels and categories, the one with the newest result first (then by name).
    pub groups: Vec<LabGroup>,
    /// Results left out because they have no date, in input order.
    pub excluded: Vec<Excluded>,
    /// Records that could not be read.
    pub unreadable: Vec<MalformedResource>,
}

/// Builds the labs section from Observations and DiagnosticReports (other types are passed
/// over). Every Observation given is treated as a lab result: choosing the laboratory category
/// is the query's work. Entered-in-error and cancelled observations are never used.
pub fn build(resources: &[Value], now: FhirDateTime) -> LabsView {
    build_parsed(parse_all::<Observation>(resources), resources, now)
}

/// [`build`] from Observations already read (e.g. a slice at a time); the DiagnosticReports are
/// read from `resources`.
pub fn build_parsed(
    observations: Parsed<Observation>,
    resources: &[Value],
    now: FhirDateTime,
) -> LabsView {
    let reports = parse_all::<DiagnosticReport>(resources);
    let panel_of = panels(&reports.resources);
    let mut by_test: HashMap<String, Vec<Dated>> = HashMap::new();
    let mut excluded = Vec::new();
    let usable = observations
        .resources
        .iter()
        .filter(|o| !observation_is_void(o));
    for observation in usable {
        let Some(at) = observation_time(observation) else {
            excluded.push(Excluded {
                id: observation.id.clone().unwrap_or_default(),
                name: observation_name(observation.code.as_ref()),
                reason: ExclusionReason::NoDate,
            });
            continue;
        };
        by_test
            .entry(test_key(observation))
            .or_default()
            .push(Dated {
                at,
                recency: Recency::of(observation, at),
                observation,
            });
    }
    let mut grouped: HashMap<GroupKey, LabGroup> = HashMap::new();
    for built in by_test.into_values().map(|r| lab_result(r, &now)) {
        let (key, name) = match panel_of.get(built.result.observation_id.as_str()) {
            Some(name) => (GroupKey::Panel(name.to_lowercase()), name.clone()),
            None => {
                let name = category_name(built.category);
                (GroupKey::Category(name.clone()), name)
            }
        };
        grouped
            .entry(key)
            .or_insert_with(|| LabGroup {
                name,
                results: Vec::new(),
            })
            .results
            .push(built.result);
    }
    LabsView {
        groups: ordered_groups(grouped),
        excluded,
        unreadable: [observations.malformed, reports.malformed].concat(),
    }
}

struct Dated<'a> {
    at: FhirDateTime,
    recency: Recency,
    observation: &'a Observation,
}

// Reports of one panel are one group: each test's latest result may come from another report
// of the panel (a test renamed or left out later), and two groups under one heading read as two
// different panels.
#[derive(PartialEq, Eq, Hash)]
enum GroupKey {
    // The panel's name, ignoring case.
    Panel(String),
    Category(String),
}

struct Built<'a> {
    result: LabResult,
    category: Option<&'a CodeableConcept>,
}

// One test's results in, its latest result (with series) out.
fn lab_result<'a>(mut results: Vec<Dated<'a>>, now: &FhirDateTime) -> Built<'a> {
    sort::sort_by(&mut results, |a, b| a.recency.cmp(&b.recency));
    let latest = results.last().expect("a test has at least one result");
    let observation = latest.observation;
    let value = observation.value.get();
    let quantity = match value {
        Some(ObservationValue::Quantity(q)) => Some(q),
        _ => None,
    };
    let (shown, unit) = value_and_unit(observation);
    let same_time = same_time_values(
        &results,
        |d| &d.recency,
        |d| match value_and_unit(d.observation) {
            (value, Some(unit)) => format!("{value} {unit}"),
            (value, None) => value,
        },
    );
    let (flag, flag_computed) = match server_flag(&observation.interpretation) {
        Some(flag) => (Some(flag), false),
        None => {
            let computed = quantity.and_then(|q| computed_flag(q, &observation.reference_range));
            (computed.clone(), computed.is_some())
        }
    };
    let series = results
        .iter()
        .filter_map(|d| {
            let value = d.observation.value.get()?;
            let same_unit = match value {
                ObservationValue::Quantity(q) => q.unit_text() == unit,
                _ => unit.is_none(),
            };
            same_unit.then_some(TrendPoint {
                at: d.at,
                value: numeric(value)?,
            })
        })
        .collect();
    let result = LabResult {
        name: observation_name(observation.code.as_ref()),
        loinc: loinc_codes(observation.code.as_ref())
            .next()
            .map(str::to_owned),
        value: shown,
        unit,
        reference_range: range_text(&observation.reference_range),
        abnormal: flag.as_ref().is_some_and(Flag::is_abnormal),
        flag,
        flag_computed,
        at: latest.at,
        when: latest.at.to_string(),
        ago: ago(&latest.at, now),
        status: notable_status(observation),
        observation_id: observation.id.clone().unwrap_or_default(),
        same_time,
        result_count: results.len(),
        series,
    };
    let category = observation.category.first();
    Built { result, category }
}

// A result's value as text and its unit (for quantities).
fn value_and_unit(observation: &Observation) -> (String, Option<String>) {
    match observation.value.get() {
        Some(value @ ObservationValue::Quantity(quantity)) => {
            (value_text(value), quantity.unit_text())
        }
        Some(value) => (value_text(value), None),
        None => (
            components_text(&observation.component)
                .unwrap_or_else(|| absent_text(observation.data_absent_reason.as_ref())),
            None,
        ),
    }
}

// Tests are the same when they share a LOINC code and a name (ignoring case); uncoded ones
// when they share a name; a result with neither stands alone. One code written with two names
// can be two tests (a server's local tests mapped onto one code): merged, the newer would
// silently replace the other, so they stay two rows.
fn test_key(observation: &Observation) -> String {
    let name = observation.code.as_ref().and_then(CodeableConcept::display);
    let name = name.map(|name| name.to_lowercase());
    if let Some(code) = loinc_codes(observation.code.as_ref()).next() {
        return format!("loinc|{code}|{}", name.unwrap_or_default());
    }
    match name {
        Some(name) => format!("name|{name}"),
        None => format!("id|{}", observation.id.as_deref().unwrap_or_default()),
    }
}

// Observation id → panel name: the first report listing it.
fn panels(reports: &[DiagnosticReport]) -> HashMap<&str, String> {
    let mut panel_of = HashMap::new();
    for report in reports {
        if super::status::status_is_entered_in_error(report.status.as_deref()) {
            continue;
        }
        let name = report
            .code
            .as_ref()
            .and_then(CodeableConcept::display)
            .unwrap_or_else(|| "Report".into());
        for reference in &report.result {
            if let Some(id) = reference.target_id("Observation") {
                panel_of.entry(id).or_insert_with(|| name.clone());
            }
        }
    }
    panel_of
}

// Servers often send the category as a bare code; "system|code" would be noise in a caption.
// A caption starts with a capital whatever the server wrote ("laboratory" → "Laboratory").
fn category_name(category: Option<&CodeableConcept>) -> String {
    let Some(category) = category else {
        return "Other results".into();
    };
    let written = category
        .text
        .clone()
        .or_else(|| category.coding.iter().find_map(|c| c.display.clone()));
    let coded = || {
        category
            .coding
            .iter()
            .find_map(|c| match c.code.as_deref() {
                Some(code) if !code.trim().is_empty() => Some(code_as_label(code)),
                _ => None,
            })
    };
    written
        .filter(|w| !w.trim().is_empty())
        .map(|w| sentence_start(w.trim()))
        .or_else(coded)
        .unwrap_or_else(|| "Other results".into())
}

// The newest group first, by its newest result: a server that cannot sort sends panels in its
// own order, which put an older blood count above the newest metabolic panel. Then by name,
// then by the first result's id, so that the order is total.
fn ordered_groups(grouped: HashMap<GroupKey, LabGroup>) -> Vec<LabGroup> {
    let mut groups: Vec<LabGroup> = grouped
        .into_values()
        .map(|mut group| {
            sort::sort_by_cached_key(&mut group.results, |r| {
                (r.name.to_lowercase(), r.observation_id.clone())
            });
            group
        })
        .collect();
    sort::sort_by_cached_key(&mut groups, |group| {
        let newest = group.results.iter().map(|r| r.at).max();
        let first = group.results.first().map(|r| r.observation_id.clone());
        (Reverse(newest), group.name.to_lowercase(), first)
    });
    groups
}

#[cfg(test)]
#[path = "labs_tests.rs"]
mod tests;
