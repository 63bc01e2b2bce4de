//! Encounters, procedures and immunizations of one patient.

use serde_json::{json, Value};

use super::build::{concept, hl7, office_time, Ctx, CVX, END_DAY, SNOMED};
use super::codes::{PROBLEMS, PROCEDURES, VACCINES};
use super::problems::Chosen;
use crate::dates;

const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

/// One Encounter per check-up day (ambulatory), plus an emergency visit and an inpatient stay
/// for the problems that had an onset; returns the check-up Encounter ids by day.
pub(super) fn encounters(
    ctx: &mut Ctx,
    checkups: &[i64],
    chosen: &[Chosen],
    out: &mut Vec<Value>,
) -> Vec<(i64, String)> {
    let mut ids = Vec::new();
    for &day in checkups {
        let id = ctx.id("enc");
        let start = office_time(ctx, day);
        out.push(encounter(
            &id,
            ctx,
            ("AMB", "ambulatory"),
            ("185349003", "Encounter for check up"),
            (start, dates::date_time(day, 17 * 60)),
            None,
        ));
        ids.push((day, id));
    }
    for (number, condition) in chosen.iter().enumerate() {
        let problem = &PROBLEMS[condition.problem];
        let (class, kind) = match number % 3 {
            0 => (
                ("AMB", "ambulatory"),
                ("185345009", "Encounter for symptom"),
            ),
            1 => (
                ("EMER", "emergency"),
                ("50849002", "Emergency room admission"),
            ),
            _ => (
                ("IMP", "inpatient encounter"),
                ("32485007", "Hospital admission"),
            ),
        };
        let days = if class.0 == "IMP" { 3 } else { 0 };
        let end = (condition.onset + days).min(END_DAY - 1);
        let id = ctx.id("enc");
        let period = (
            office_time(ctx, condition.onset),
            dates::date_time(end, 20 * 60),
        );
        let reason = concept(SNOMED, problem.code, problem.display);
        out.push(encounter(&id, ctx, class, kind, period, Some(reason)));
    }
    ids
}

fn encounter(
    id: &str,
    ctx: &Ctx,
    class: (&str, &str),
    kind: (&str, &str),
    period: (String, String),
    reason: Option<Value>,
) -> Value {
    let mut resource = json!({
        "resourceType": "Encounter",
        "id": id,
        "status": "finished",
        "class": { "system": ACT_CODE, "code": class.0, "display": class.1 },
        "type": [concept(SNOMED, kind.0, kind.1)],
        "subject": ctx.subject(),
        "period": { "start": period.0, "end": period.1 },
    });
    if let Some(reason) = reason {
        resource["reasonCode"] = json!([reason]);
    }
    resource
}

/// Procedures the patient is old enough for: one per catalog entry, at most `count`.
pub(super) fn procedures(ctx: &mut Ctx, count: usize, out: &mut Vec<Value>) {
    let age = ctx.age_on(END_DAY);
    for &(code, display, min_age, spans) in PROCEDURES.iter().filter(|p| p.2 <= age).take(count) {
        let day = ctx.day_between(min_age, age.max(min_age));
        let mut resource = json!({
            "resourceType": "Procedure",
            "id": ctx.id("proc"),
            "status": "completed",
            "code": concept(SNOMED, code, display),
            "subject": ctx.subject(),
        });
        if spans {
            let start = 9 * 60 + ctx.below(120) as u32;
            resource["performedPeriod"] = json!({
                "start": dates::date_time(day, start),
                "end": dates::date_time(day, start + 45 + ctx.below(90) as u32),
            });
        } else {
            resource["performedDateTime"] = json!(office_time(ctx, day));
        }
        out.push(resource);
    }
}

/// Immunizations over the years the data cover (from `from` to the end): every vaccine the
/// patient's age calls for, with repeated doses of the same vaccine.
pub(super) fn immunizations(ctx: &mut Ctx, from: i64, out: &mut Vec<Value>) {
    for vaccine in VACCINES {
        let mut age = vaccine.min_age.max(ctx.age_on(from));
        let mut doses = 0;
        // A fixed series (DTaP, zoster) has a few doses; a repeated vaccine goes on.
        let max_doses = if vaccine.every_years < 1.0 { 3 } else { 60 };
        while doses < max_doses {
            let day = ctx.birth + (age * 365.25) as i64;
            if day >= END_DAY || (vaccine.code == "20" && age > 7.0) {
                break;
            }
            if day >= from {
                out.push(immunization(
                    ctx,
                    vaccine.code,
                    vaccine.display,
                    day,
                    doses + 1,
                ));
                doses += 1;
            }
            age += vaccine.every_years;
        }
    }
}

fn immunization(ctx: &mut Ctx, code: &str, display: &str, day: i64, dose: u32) -> Value {
    json!({
        "resourceType": "Immunization",
        "id": ctx.id("imm"),
        "status": "completed",
        "vaccineCode": concept(CVX, code, display),
        "patient": ctx.subject(),
        "occurrenceDateTime": office_time(ctx, day),
        "primarySource": true,
        "protocolApplied": [{ "doseNumberPositiveInt": dose }],
    })
}

/// An immunization that was not given: `status` `not-done` with the patient's objection.
pub(super) fn declined_immunization(ctx: &mut Ctx, out: &mut Vec<Value>) {
    let day = END_DAY - 120;
    out.push(json!({
        "resourceType": "Immunization",
        "id": ctx.id("imm"),
        "status": "not-done",
        "statusReason": hl7("v3-ActReason", "PATOBJ"),
        "vaccineCode": concept(CVX, VACCINES[0].code, VACCINES[0].display),
        "patient": ctx.subject(),
        "occurrenceDateTime": office_time(ctx, day),
        "primarySource": true,
    }));
}
