//! Small builders for FHIR datatypes shared by the generators: codings, CodeableConcepts,
//! quantities, references, and the per-patient context every generator writes with.

use serde_json::{json, Value};

use crate::dates;
use crate::random::SplitMix64;

/// SNOMED CT.
pub(super) const SNOMED: &str = "http://snomed.info/sct";
/// LOINC.
pub(super) const LOINC: &str = "http://loinc.org";
/// RxNorm.
pub(super) const RXNORM: &str = "http://www.nlm.nih.gov/research/umls/rxnorm";
/// CVX vaccine codes.
pub(super) const CVX: &str = "http://hl7.org/fhir/sid/cvx";
/// UCUM units.
pub(super) const UCUM: &str = "http://unitsofmeasure.org";

/// The day number of 2025-01-01: every generated date lies before it.
pub(super) const END_DAY: i64 = 20_089;

/// A CodeableConcept with one coding and its display as text.
pub(super) fn concept(system: &str, code: &str, display: &str) -> Value {
    json!({ "coding": [{ "system": system, "code": code, "display": display }], "text": display })
}

/// A CodeableConcept from an HL7 terminology CodeSystem, e.g. `condition-clinical`.
pub(super) fn hl7(code_system: &str, code: &str) -> Value {
    json!({ "coding": [{
        "system": format!("http://terminology.hl7.org/CodeSystem/{code_system}"),
        "code": code,
    }] })
}

/// A UCUM Quantity.
pub(super) fn quantity(value: f64, unit: &str) -> Value {
    json!({ "value": value, "unit": unit, "system": UCUM, "code": unit })
}

/// Rounds to `places` decimals so that values print as a person would record them.
pub(super) fn round(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}

/// What every generator needs to write one patient's resources.
pub(super) struct Ctx {
    /// The Patient id; every resource id starts with it and a dash.
    pub(super) patient_id: String,
    /// Day number of the birth date.
    pub(super) birth: i64,
    /// The patient's own generator, seeded from the sandbox seed and the list position.
    pub(super) rng: SplitMix64,
    counter: u32,
}

impl Ctx {
    /// A context for the patient at `index` of the list.
    pub(super) fn new(seed: u64, index: usize, patient_id: &str, birth: i64) -> Ctx {
        let stream = (index as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03);
        Ctx {
            patient_id: patient_id.to_string(),
            birth,
            rng: SplitMix64::new(seed ^ stream),
            counter: 0,
        }
    }

    /// A fresh resource id `{patient}-{tag}{n}`.
    pub(super) fn id(&mut self, tag: &str) -> String {
        self.counter += 1;
        format!("{}-{tag}{}", self.patient_id, self.counter)
    }

    /// `{"reference": "Patient/{id}"}`.
    pub(super) fn subject(&self) -> Value {
        json!({ "reference": format!("Patient/{}", self.patient_id) })
    }

    /// A number in `0..bound`.
    pub(super) fn below(&mut self, bound: u64) -> u64 {
        self.rng.below(bound)
    }

    /// A float in `[low, high)`.
    pub(super) fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * (self.rng.below(1_000_000) as f64 / 1_000_000.0)
    }

    /// A day in the patient's life at `age` years plus up to one year.
    pub(super) fn day_at_age(&mut self, age: f64) -> i64 {
        let day = self.birth + (age * 365.25) as i64 + self.rng.below(365) as i64;
        day.min(END_DAY - 1)
    }

    /// A day at an age drawn from `[low, high)` years.
    pub(super) fn day_between(&mut self, low: f64, high: f64) -> i64 {
        let age = self.between(low, high);
        self.day_at_age(age)
    }

    /// Age in years on `day`.
    pub(super) fn age_on(&self, day: i64) -> f64 {
        (day - self.birth) as f64 / 365.25
    }
}

/// A `dateTime` in office hours on `day`.
pub(super) fn office_time(ctx: &mut Ctx, day: i64) -> String {
    let minute = 8 * 60 + ctx.below(9 * 60) as u32;
    dates::date_time(day, minute)
}

/// `Narrative` with generated status and the given XHTML body.
pub(super) fn narrative(div: &str) -> Value {
    json!({
        "status": "generated",
        "div": format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{div}</div>"),
    })
}
