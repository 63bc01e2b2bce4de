//! Clinical view models: what the UI shows, computed from FHIR resources by pure functions.

/// The patient banner.
pub mod banner;
/// Trend plot geometry.
pub mod chart;
