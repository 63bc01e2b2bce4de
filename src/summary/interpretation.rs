//! Result flags: the server's interpretation (HL7 v3 ObservationInterpretation codes), or one
//! computed from the reference range when the server gives none, marked as computed.

use crate::fhir::datatypes::{non_blank, CodeableConcept, Quantity};
use crate::fhir::decimal::shown;
use crate::fhir::model::ReferenceRange;

/// The interpretation code system.
pub const V3_INTERPRETATION: &str =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

/// A result flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flag {
    /// LL: critically low.
    CriticalLow,
    /// L (or LU): low.
    Low,
    /// N: normal.
    Normal,
    /// H (or HU): high.
    High,
    /// HH: critically high.
    CriticalHigh,
    /// A: abnormal.
    Abnormal,
    /// AA: critically abnormal.
    CriticalAbnormal,
    /// Any other interpretation, as the server words it (e.g. "Resistant", "Detected").
    Other(String),
}

impl Flag {
    /// The short flag shown beside a value: "LL", "L", "N", "H", "HH", "A", "AA", or the text.
    pub fn short(&self) -> &str {
        match self {
            Flag::CriticalLow => "LL",
            Flag::Low => "L",
            Flag::Normal => "N",
            Flag::High => "H",
            Flag::CriticalHigh => "HH",
            Flag::Abnormal => "A",
            Flag::CriticalAbnormal => "AA",
            Flag::Other(text) => text,
        }
    }

    /// True for high, low, abnormal and critical flags. Other interpretations are not
    /// counted: their meaning (e.g. "Susceptible") is not a simple out-of-range.
    pub fn is_abnormal(&self) -> bool {
        !matches!(self, Flag::Normal | Flag::Other(_))
    }

    /// Whether the flag is worth showing beside a value: every flag but "normal", whose "N"
    /// beside every normal value would be noise.
    pub fn is_noteworthy(&self) -> bool {
        *self != Flag::Normal
    }
}

/// The flag the server gives: the first interpretation with a known v3 code (a coding without
/// a system is read as v3), else the first interpretation's text.
pub fn server_flag(interpretations: &[CodeableConcept]) -> Option<Flag> {
    let coded = interpretations
        .iter()
        .flat_map(|c| &c.coding)
        .find_map(|coding| {
            let system = coding.system.as_deref();
            if system.is_some() && system != Some(V3_INTERPRETATION) {
                return None;
            }
            Some(match coding.code.as_deref()?.trim() {
                "LL" => Flag::CriticalLow,
                "L" | "LU" => Flag::Low,
                "N" => Flag::Normal,
                "H" | "HU" => Flag::High,
                "HH" => Flag::CriticalHigh,
                "A" => Flag::Abnormal,
                "AA" => Flag::CriticalAbnormal,
                _ => return None,
            })
        });
    coded.or_else(|| {
        interpretations
            .iter()
            .find_map(CodeableConcept::display)
            .map(Flag::Other)
    })
}

/// Low, normal or high from the first "normal" reference range (one without a type, or typed
/// `normal`) with a numeric bound in the value's unit. A value with a comparator (`<5`) is not
/// flagged: it cannot be placed against a bound for sure.
pub fn computed_flag(value: &Quantity, ranges: &[ReferenceRange]) -> Option<Flag> {
    if non_blank(value.comparator.as_deref()).is_some() {
        return None;
    }
    let number = value.value?;
    let range = ranges.iter().find(|r| {
        let normal = r.kind.as_ref().is_none_or(|kind| {
            kind.coding
                .iter()
                .any(|c| c.code.as_deref() == Some("normal"))
        });
        let bounds = [&r.low, &r.high];
        let has_bound = bounds
            .iter()
            .any(|b| b.as_ref().is_some_and(|q| q.value.is_some()));
        normal
            && has_bound
            && bounds
                .iter()
                .all(|b| b.as_ref().is_none_or(|q| same_unit(q, value)))
    })?;
    let bound = |q: &Option<Quantity>| q.as_ref().and_then(|q| q.value);
    Some(match (bound(&range.low), bound(&range.high)) {
        (Some(low), _) if number < low => Flag::Low,
        (_, Some(high)) if number > high => Flag::High,
        _ => Flag::Normal,
    })
}

/// The range as text: its own text, else "3.5–5.1 mmol/L", "≥ 3.5 mmol/L" or "≤ 5.1 mmol/L".
pub fn range_text(ranges: &[ReferenceRange]) -> Option<String> {
    let range = ranges.first()?;
    if let Some(text) = non_blank(range.text.as_deref()) {
        return Some(text);
    }
    let value = |q: &Option<Quantity>| q.as_ref().and_then(|q| q.value).map(shown);
    let unit = range
        .low
        .as_ref()
        .or(range.high.as_ref())
        .and_then(Quantity::unit_text)
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    match (value(&range.low), value(&range.high)) {
        (Some(low), Some(high)) => Some(format!("{low}–{high}{unit}")),
        (Some(low), None) => Some(format!("≥ {low}{unit}")),
        (None, Some(high)) => Some(format!("≤ {high}{unit}")),
        (None, None) => None,
    }
}

// A bound without any unit is taken to share the value's unit; otherwise the UCUM codes (else
// the written units) must match.
fn same_unit(bound: &Quantity, value: &Quantity) -> bool {
    let unit = |q: &Quantity| non_blank(q.code.as_deref()).or_else(|| non_blank(q.unit.as_deref()));
    match unit(bound) {
        None => true,
        Some(bound_unit) => Some(bound_unit) == unit(value),
    }
}

#[cfg(test)]
#[path = "interpretation_tests.rs"]
mod tests;
