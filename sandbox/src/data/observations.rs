//! Vital signs and laboratory results of one patient (Observations, category `vital-signs`
//! or `laboratory`, LOINC codes, UCUM units) and the DiagnosticReports that group the
//! results of each panel.
//!
//! Laboratory results carry `referenceRange` and, except the lipid panel's, an
//! `interpretation` (H, L or N). Lipid results never carry one, so a client has to compute
//! it from the reference range.

use serde_json::{json, Value};

use super::build::{concept, hl7, quantity, round, Ctx, LOINC};
use super::codes::{
    Lab, Panel, Vital, BMI, HEART_RATE, HEIGHT, PANELS, RESPIRATORY_RATE, TEMPERATURE, WEIGHT,
};
use crate::dates;

const INTERPRETATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

/// What shifts a patient's values away from the healthy middle.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Risks {
    /// Hypertension: higher blood pressure.
    pub(super) hypertension: bool,
    /// Type 2 diabetes: high glucose and HbA1c.
    pub(super) diabetes: bool,
    /// Hyperlipidemia: high cholesterol.
    pub(super) lipids: bool,
    /// Anemia: low hemoglobin.
    pub(super) anemia: bool,
}

/// The vital signs taken at one visit. `full` adds height and BMI.
pub(super) fn vitals(ctx: &mut Ctx, day: i64, full: bool, risks: Risks, out: &mut Vec<Value>) {
    let time = dates::date_time(day, 8 * 60 + ctx.below(600) as u32);
    let age = ctx.age_on(day).max(0.1);
    let pressure = if risks.hypertension { 22.0 } else { 0.0 };
    let systolic = round(
        ctx.between(108.0, 132.0) + pressure + age.min(80.0) * 0.15,
        0,
    );
    let diastolic = round(ctx.between(66.0, 84.0) + pressure / 2.0, 0);
    out.push(blood_pressure(ctx, &time, systolic, diastolic));
    let heart = round(
        ctx.between(58.0, 92.0) + if age < 12.0 { 20.0 } else { 0.0 },
        0,
    );
    out.push(vital(ctx, &time, &HEART_RATE, heart, None));
    let breaths = round(ctx.between(12.0, 19.0), 0);
    out.push(vital(ctx, &time, &RESPIRATORY_RATE, breaths, None));
    let temperature = round(ctx.between(36.3, 37.4), 1);
    out.push(vital(ctx, &time, &TEMPERATURE, temperature, None));
    let height = if age < 18.0 { 75.0 + age * 6.0 } else { 170.0 };
    let weight = round(height * height / 10_000.0 * ctx.between(21.0, 29.0), 1);
    out.push(vital(ctx, &time, &WEIGHT, weight, None));
    out.push(oxygen(ctx, &time));
    if full {
        out.push(vital(ctx, &time, &HEIGHT, round(height, 1), None));
        let bmi = round(weight / (height / 100.0).powi(2), 1);
        out.push(vital(ctx, &time, &BMI, bmi, None));
    }
}

fn observation(ctx: &mut Ctx, category: &str, code: Value, time: &str) -> Value {
    json!({
        "resourceType": "Observation",
        "id": ctx.id("obs"),
        "status": "final",
        "category": [hl7("observation-category", category)],
        "code": code,
        "subject": ctx.subject(),
        "effectiveDateTime": time,
    })
}

fn vital(ctx: &mut Ctx, time: &str, kind: &Vital, value: f64, extra: Option<Value>) -> Value {
    let mut code = concept(LOINC, kind.code, kind.display);
    if let Some(extra) = extra {
        if let Some(codings) = code["coding"].as_array_mut() {
            codings.push(extra);
        }
    }
    let mut resource = observation(ctx, "vital-signs", code, time);
    resource["valueQuantity"] = quantity(value, kind.unit);
    resource
}

/// The blood pressure panel 85354-9 with systolic (8480-6) and diastolic (8462-4) components.
fn blood_pressure(ctx: &mut Ctx, time: &str, systolic: f64, diastolic: f64) -> Value {
    let code = concept(
        LOINC,
        "85354-9",
        "Blood pressure panel with all children optional",
    );
    let mut resource = observation(ctx, "vital-signs", code, time);
    resource["component"] = json!([
        {
            "code": concept(LOINC, "8480-6", "Systolic blood pressure"),
            "valueQuantity": quantity(systolic, "mm[Hg]"),
        },
        {
            "code": concept(LOINC, "8462-4", "Diastolic blood pressure"),
            "valueQuantity": quantity(diastolic, "mm[Hg]"),
        },
    ]);
    resource
}

/// Oxygen saturation coded with both 59408-5 (pulse oximetry) and 2708-6.
fn oxygen(ctx: &mut Ctx, time: &str) -> Value {
    let kind = Vital {
        code: "59408-5",
        display: "Oxygen saturation in Arterial blood by Pulse oximetry",
        unit: "%",
    };
    let extra = json!({ "system": LOINC, "code": "2708-6", "display": "Oxygen saturation in Arterial blood" });
    let value = round(ctx.between(94.0, 99.9), 0);
    vital(ctx, time, &kind, value, Some(extra))
}

/// Every panel of [`PANELS`] drawn on `day`, each with its DiagnosticReport.
pub(super) fn labs(ctx: &mut Ctx, day: i64, risks: Risks, out: &mut Vec<Value>) {
    let time = dates::date_time(day, 7 * 60 + ctx.below(90) as u32);
    for panel in PANELS {
        let mut results = Vec::new();
        for lab in panel.tests {
            let value = lab_value(ctx, lab, risks);
            let resource = lab_result(ctx, panel, lab, value, &time);
            results.push(json!({ "reference": format!("Observation/{}", resource["id"].as_str().unwrap_or_default()) }));
            out.push(resource);
        }
        out.push(json!({
            "resourceType": "DiagnosticReport",
            "id": ctx.id("rep"),
            "status": "final",
            "category": [{ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB", "display": "Laboratory" }] }],
            "code": concept(LOINC, panel.code, panel.display),
            "subject": ctx.subject(),
            "effectiveDateTime": time,
            "issued": dates::date_time(day, 16 * 60),
            "result": results,
        }));
    }
}

/// A value mostly inside the range; risks push the relevant tests out of it.
fn lab_value(ctx: &mut Ctx, lab: &Lab, risks: Risks) -> f64 {
    let (low, high) = lab.range;
    let (low, high) = if low == 0.0 {
        (high * 0.55, high * 0.95)
    } else {
        (low, high)
    };
    let spread = (high - low) * 0.15;
    let mut value = ctx.between(low - spread, high + spread);
    value = match lab.code {
        "2345-7" if risks.diabetes => ctx.between(120.0, 210.0),
        "4548-4" if risks.diabetes => ctx.between(6.6, 9.4),
        "2093-3" if risks.lipids => ctx.between(215.0, 290.0),
        "18262-6" if risks.lipids => ctx.between(140.0, 210.0),
        "718-7" if risks.anemia => ctx.between(8.5, 11.5),
        _ => value,
    };
    round(value, lab.places)
}

fn lab_result(ctx: &mut Ctx, panel: &Panel, lab: &Lab, value: f64, time: &str) -> Value {
    let code = concept(LOINC, lab.code, lab.display);
    let mut resource = observation(ctx, "laboratory", code, time);
    resource["valueQuantity"] = quantity(value, lab.unit);
    let (low, high) = lab.range;
    resource["referenceRange"] = if low == 0.0 {
        json!([{ "high": quantity(high, lab.unit) }])
    } else {
        json!([{ "low": quantity(low, lab.unit), "high": quantity(high, lab.unit) }])
    };
    if panel.code != "57698-3" {
        let flag = if value > high {
            ("H", "High")
        } else if value < low {
            ("L", "Low")
        } else {
            ("N", "Normal")
        };
        resource["interpretation"] = json!([{ "coding": [{ "system": INTERPRETATION, "code": flag.0, "display": flag.1 }] }]);
    }
    resource
}
