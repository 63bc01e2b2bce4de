//! Conditions, the medications that treat them (MedicationRequest, MedicationStatement,
//! Medication) and allergies of one patient.
//!
//! MedicationRequests name their medication in three ways, in turn: a
//! `medicationCodeableConcept`, a reference to a Medication resource, and a contained
//! Medication `#med1`.

use serde_json::{json, Value};

use super::build::{concept, hl7, office_time, Ctx, END_DAY, RXNORM, SNOMED};
use super::codes::{Problem, ALLERGENS, MEDICATIONS, PROBLEMS};
use crate::dates;

/// A condition chosen for the patient, remembered so encounters and labs can follow it.
pub(super) struct Chosen {
    /// Index into [`PROBLEMS`].
    pub(super) problem: usize,
    /// Day of onset.
    pub(super) onset: i64,
    /// The Condition id.
    pub(super) id: String,
}

/// Chooses `count` problems the patient is old enough for and writes their Conditions.
pub(super) fn conditions(ctx: &mut Ctx, count: usize, out: &mut Vec<Value>) -> Vec<Chosen> {
    let age = ctx.age_on(END_DAY);
    let mut picked: Vec<usize> = Vec::new();
    for _ in 0..count * 3 {
        let index = ctx.below(PROBLEMS.len() as u64) as usize;
        if picked.len() < count && PROBLEMS[index].min_age <= age && !picked.contains(&index) {
            picked.push(index);
        }
    }
    conditions_of(ctx, &picked, out)
}

/// Writes Conditions for the given [`PROBLEMS`] indexes, in order.
pub(super) fn conditions_of(ctx: &mut Ctx, picked: &[usize], out: &mut Vec<Value>) -> Vec<Chosen> {
    let age = ctx.age_on(END_DAY);
    let mut chosen = Vec::new();
    for (number, &index) in picked.iter().enumerate() {
        let problem = &PROBLEMS[index];
        let onset = ctx.day_between(problem.min_age, age.max(problem.min_age));
        let id = ctx.id("cond");
        out.push(condition(ctx, &id, problem, onset, number));
        chosen.push(Chosen {
            problem: index,
            onset,
            id,
        });
    }
    chosen
}

/// One Condition. The `number`-th condition of a patient varies the statuses so that every
/// patient with several problems shows more than the plain "active, confirmed" case.
fn condition(ctx: &mut Ctx, id: &str, problem: &Problem, onset: i64, number: usize) -> Value {
    let (clinical, verification) = match (problem.chronic, number % 4) {
        (false, _) => ("resolved", "confirmed"),
        (true, 2) => ("inactive", "confirmed"),
        (true, 3) => ("recurrence", "provisional"),
        (true, _) => ("active", "confirmed"),
    };
    let category = if problem.chronic {
        "problem-list-item"
    } else {
        "encounter-diagnosis"
    };
    let mut resource = json!({
        "resourceType": "Condition",
        "id": id,
        "clinicalStatus": hl7("condition-clinical", clinical),
        "verificationStatus": hl7("condition-ver-status", verification),
        "category": [hl7("condition-category", category)],
        "code": concept(SNOMED, problem.code, problem.display),
        "subject": ctx.subject(),
        "onsetDateTime": office_time(ctx, onset),
        "recordedDate": dates::date(onset + ctx.below(30) as i64),
    });
    if clinical == "resolved" {
        resource["abatementDateTime"] = json!(dates::date(onset + 7 + ctx.below(60) as i64));
    }
    resource
}

/// A Condition recorded by mistake: `verificationStatus` `entered-in-error`, no clinical
/// status (FHIR R4 Condition invariant con-5).
pub(super) fn entered_in_error(ctx: &mut Ctx, out: &mut Vec<Value>) {
    let problem = &PROBLEMS[5];
    let onset = ctx.day_at_age(ctx.age_on(END_DAY) - 2.0);
    let id = ctx.id("cond");
    let mut resource = condition(ctx, &id, problem, onset, 0);
    resource.as_object_mut().map(|o| o.remove("clinicalStatus"));
    resource["verificationStatus"] = hl7("condition-ver-status", "entered-in-error");
    out.push(resource);
}

/// MedicationRequests (and a MedicationStatement) for the treatments of `chosen`.
pub(super) fn medications(ctx: &mut Ctx, chosen: &[Chosen], out: &mut Vec<Value>) {
    for (number, condition) in chosen.iter().enumerate() {
        let problem = &PROBLEMS[condition.problem];
        let Some(drug) = problem.treatment else {
            continue;
        };
        let authored = condition.onset + 1 + ctx.below(20) as i64;
        let status = match (problem.chronic, number % 4) {
            (false, _) => "completed",
            (true, 3) => "stopped",
            _ => "active",
        };
        let request_id = ctx.id("medrx");
        let mut request = json!({
            "resourceType": "MedicationRequest",
            "id": request_id,
            "status": status,
            "intent": "order",
            "subject": ctx.subject(),
            "authoredOn": office_time(ctx, authored),
            "reasonReference": [{ "reference": format!("Condition/{}", condition.id) }],
            "dosageInstruction": [{ "text": MEDICATIONS[drug].sig }],
        });
        name_medication(ctx, &mut request, drug, number, out);
        out.push(request);
        if number == 0 {
            out.push(statement(ctx, drug, authored, status));
        }
    }
}

/// Sets the medication of a request: codeable concept, referenced or contained by turns.
fn name_medication(
    ctx: &mut Ctx,
    request: &mut Value,
    drug: usize,
    number: usize,
    out: &mut Vec<Value>,
) {
    let code = concept(RXNORM, MEDICATIONS[drug].code, MEDICATIONS[drug].display);
    match number % 3 {
        0 => request["medicationCodeableConcept"] = code,
        1 => {
            let id = ctx.id("med");
            out.push(json!({
                "resourceType": "Medication",
                "id": id,
                "code": code,
                "form": concept("http://snomed.info/sct", "385055001", "Tablet"),
            }));
            request["medicationReference"] = json!({ "reference": format!("Medication/{id}") });
        }
        _ => {
            request["contained"] =
                json!([{ "resourceType": "Medication", "id": "med1", "code": code }]);
            request["medicationReference"] = json!({ "reference": "#med1" });
        }
    }
}

/// A MedicationStatement: what the patient says they take.
fn statement(ctx: &mut Ctx, drug: usize, start: i64, status: &str) -> Value {
    let status = if status == "stopped" {
        "stopped"
    } else {
        "active"
    };
    json!({
        "resourceType": "MedicationStatement",
        "id": ctx.id("medst"),
        "status": status,
        "medicationCodeableConcept": concept(RXNORM, MEDICATIONS[drug].code, MEDICATIONS[drug].display),
        "subject": ctx.subject(),
        "effectivePeriod": { "start": dates::date(start) },
        "dateAsserted": dates::date((start + 30).min(END_DAY - 1)),
        "dosage": [{ "text": MEDICATIONS[drug].sig }],
    })
}

/// `count` allergies; the second, if any, is refuted or inactive so lists must filter.
pub(super) fn allergies(ctx: &mut Ctx, count: usize, out: &mut Vec<Value>) {
    let first = ctx.below(ALLERGENS.len() as u64) as usize;
    for n in 0..count {
        let allergen = &ALLERGENS[(first + n * 2) % ALLERGENS.len()];
        let (clinical, verification) = match n {
            1 => ("inactive", "confirmed"),
            2 => ("active", "unconfirmed"),
            _ => ("active", "confirmed"),
        };
        let onset = ctx.day_between(1.0, ctx.age_on(END_DAY).max(1.0));
        let (code, display) = allergen.manifestation;
        out.push(json!({
            "resourceType": "AllergyIntolerance",
            "id": ctx.id("alg"),
            "clinicalStatus": hl7("allergyintolerance-clinical", clinical),
            "verificationStatus": hl7("allergyintolerance-verification", verification),
            "type": "allergy",
            "category": [allergen.category],
            "criticality": allergen.criticality,
            "code": concept(SNOMED, allergen.code, allergen.display),
            "patient": ctx.subject(),
            "onsetDateTime": dates::date(onset),
            "recordedDate": dates::date((onset + 3).min(END_DAY - 1)),
            "reaction": [{
                "manifestation": [concept(SNOMED, code, display)],
                "severity": allergen.severity,
            }],
        }));
    }
}

/// An explicit "No known allergy" (SNOMED CT 716186003), as the IPS and US Core record it.
pub(super) fn no_known_allergies(ctx: &mut Ctx, out: &mut Vec<Value>) {
    out.push(json!({
        "resourceType": "AllergyIntolerance",
        "id": ctx.id("alg"),
        "clinicalStatus": hl7("allergyintolerance-clinical", "active"),
        "verificationStatus": hl7("allergyintolerance-verification", "confirmed"),
        "code": concept(SNOMED, "716186003", "No known allergy"),
        "patient": ctx.subject(),
        "recordedDate": dates::date(END_DAY - 400),
    }));
}
