//! Edge cases, each on one named patient so that tests can say where to look (see the
//! table in the `data` module documentation).

use serde_json::{json, Value};

use super::build::{concept, hl7, narrative, Ctx, END_DAY, LOINC, SNOMED};
use crate::dates;

/// Text of exactly 2000 characters, for layouts that must wrap or truncate.
pub(crate) fn long_text() -> String {
    let sentence =
        "Patient reports intermittent symptoms; see previous notes for the full history. ";
    sentence.chars().cycle().take(2000).collect()
}

/// Conditions whose onset is only a year (`1980`) and only a month (`1980-03`), and an
/// allergy whose onset is only a year.
pub(super) fn partial_dates(ctx: &mut Ctx, out: &mut Vec<Value>) {
    for (onset, code, display) in [
        ("1980", "195967001", "Asthma"),
        ("1980-03", "40055000", "Chronic sinusitis"),
    ] {
        out.push(json!({
            "resourceType": "Condition",
            "id": ctx.id("cond"),
            "clinicalStatus": hl7("condition-clinical", "active"),
            "verificationStatus": hl7("condition-ver-status", "confirmed"),
            "category": [hl7("condition-category", "problem-list-item")],
            "code": concept(SNOMED, code, display),
            "subject": ctx.subject(),
            "onsetDateTime": onset,
            "recordedDate": "1980",
        }));
    }
    out.push(json!({
        "resourceType": "AllergyIntolerance",
        "id": ctx.id("alg"),
        "clinicalStatus": hl7("allergyintolerance-clinical", "active"),
        "verificationStatus": hl7("allergyintolerance-verification", "confirmed"),
        "category": ["environment"],
        "code": concept(SNOMED, "418689008", "Allergy to grass pollen"),
        "patient": ctx.subject(),
        "onsetDateTime": "1980",
    }));
}

/// CodeableConcepts with only `text`: a Condition, a MedicationRequest's medication and an
/// Observation's code.
pub(super) fn text_only_concepts(ctx: &mut Ctx, out: &mut Vec<Value>) {
    let day = END_DAY - 200;
    out.push(json!({
        "resourceType": "Condition",
        "id": ctx.id("cond"),
        "clinicalStatus": hl7("condition-clinical", "active"),
        "verificationStatus": hl7("condition-ver-status", "confirmed"),
        "category": [hl7("condition-category", "problem-list-item")],
        "code": { "text": "Trouble sleeping since moving house" },
        "subject": ctx.subject(),
        "onsetDateTime": dates::date(day),
    }));
    out.push(json!({
        "resourceType": "MedicationRequest",
        "id": ctx.id("medrx"),
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": { "text": "Chamomile tea, one cup at night" },
        "subject": ctx.subject(),
        "authoredOn": dates::date(day + 1),
        "dosageInstruction": [{ "text": "One cup in the evening" }],
    }));
    let mut observation = observation(
        ctx,
        "survey",
        json!({ "text": "Sleep quality (patient's words)" }),
    );
    observation["effectiveDateTime"] = json!(dates::date(day));
    observation["valueString"] = json!("Wakes up three times a night");
    out.push(observation);
}

/// Observations with `valueString` and `valueCodeableConcept` instead of a quantity.
pub(super) fn non_quantity_values(ctx: &mut Ctx, out: &mut Vec<Value>) {
    let day = END_DAY - 60;
    let mut urine = observation(
        ctx,
        "laboratory",
        concept(LOINC, "5767-9", "Appearance of Urine"),
    );
    urine["effectiveDateTime"] = json!(dates::date_time(day, 9 * 60));
    urine["valueString"] = json!("Cloudy");
    out.push(urine);
    let mut smoking = observation(
        ctx,
        "social-history",
        concept(LOINC, "72166-2", "Tobacco smoking status"),
    );
    smoking["effectiveDateTime"] = json!(dates::date_time(day, 9 * 60));
    smoking["valueCodeableConcept"] = concept(SNOMED, "8517006", "Ex-smoker");
    out.push(smoking);
    let mut blood_group = observation(
        ctx,
        "laboratory",
        concept(LOINC, "883-9", "ABO group [Type] in Blood"),
    );
    blood_group["effectiveDateTime"] = json!(dates::date_time(day - 3000, 10 * 60));
    blood_group["valueCodeableConcept"] = concept(SNOMED, "112144000", "Blood group A");
    out.push(blood_group);
}

/// A body weight recorded without any `effective[x]`.
pub(super) fn undated_observation(ctx: &mut Ctx, out: &mut Vec<Value>) {
    let mut weight = observation(ctx, "vital-signs", concept(LOINC, "29463-7", "Body weight"));
    weight["valueQuantity"] = super::build::quantity(84.2, "kg");
    out.push(weight);
}

/// Narratives with script and an `onerror` image, and 2000-character strings in a
/// Condition's code text, its note and a MedicationRequest's dosage text.
pub(super) fn hostile_text(ctx: &mut Ctx, out: &mut Vec<Value>) {
    let day = END_DAY - 90;
    let markup = "<p>Seen today.</p><script>alert(1)</script><img src=x onerror=alert(1)>";
    let long = long_text();
    out.push(json!({
        "resourceType": "Condition",
        "id": ctx.id("cond"),
        "text": narrative(markup),
        "clinicalStatus": hl7("condition-clinical", "active"),
        "verificationStatus": hl7("condition-ver-status", "confirmed"),
        "category": [hl7("condition-category", "problem-list-item")],
        "code": { "coding": [{ "system": SNOMED, "code": "73430006", "display": "Sleep apnea" }], "text": long },
        "subject": ctx.subject(),
        "onsetDateTime": dates::date(day),
        "note": [{ "text": long }],
    }));
    let mut observation = observation(ctx, "vital-signs", concept(LOINC, "8867-4", "Heart rate"));
    observation["text"] = narrative(markup);
    observation["effectiveDateTime"] = json!(dates::date_time(day, 10 * 60));
    observation["valueQuantity"] = super::build::quantity(72.0, "/min");
    out.push(observation);
    out.push(json!({
        "resourceType": "MedicationRequest",
        "id": ctx.id("medrx"),
        "text": narrative(markup),
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": concept("http://www.nlm.nih.gov/research/umls/rxnorm", "313782", "acetaminophen 325 MG Oral Tablet"),
        "subject": ctx.subject(),
        "authoredOn": dates::date(day),
        "dosageInstruction": [{ "text": long }],
    }));
}

fn observation(ctx: &mut Ctx, category: &str, code: Value) -> Value {
    json!({
        "resourceType": "Observation",
        "id": ctx.id("obs"),
        "status": "final",
        "category": [hl7("observation-category", category)],
        "code": code,
        "subject": ctx.subject(),
    })
}
