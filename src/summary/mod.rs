//! Clinical view models: what the UI shows, computed from FHIR resources by pure functions.

/// Allergies and intolerances, and "no known allergies" as the server states it.
pub mod allergies;
#[cfg(test)]
mod arrangements;
/// The patient banner.
pub mod banner;
/// Trend plot geometry.
pub mod chart;
/// Encounters, most recent first.
pub mod encounters;
/// Immunizations grouped by vaccine.
pub mod immunizations;
/// Result flags: the server's interpretation, or computed from the reference range.
pub mod interpretation;
/// Lab results: latest per test, grouped by panel, with series and flags.
pub mod labs;
/// Where a long clinical name may break across lines.
pub mod line_breaks;
/// What a section says when it lists nothing (never "none recorded" over unread records).
pub mod listing;
/// Medications: requests and statements, current first, named from codes or Medications.
pub mod medications;
/// What vital signs and labs share about Observations.
pub mod observations;
/// Problems: current conditions first, past ones collapsed.
pub mod problems;
/// Procedures, most recent first.
pub mod procedures;
/// Status rules shared by the sections (coded statuses, the never-show rules, status words).
pub mod status;
/// The vital signs tracked, their LOINC codes and display units.
pub mod vital_kinds;
/// Vital signs: latest of each kind and the series for trends.
pub mod vitals;
/// Times as recorded: sort keys, text at the written precision, newest-first, "ago".
pub mod when;
