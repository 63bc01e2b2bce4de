//! The whole clinical record of one generated patient: what every patient gets from the
//! catalogs, and the edge cases of the patients named in `patients::index`.

use serde_json::Value;

use super::build::{Ctx, END_DAY};
use super::observations::{labs, vitals, Risks};
use super::patients::index;
use super::{edge, problems, visits};
use crate::dates;

/// Every resource of the patient at `index` of the list, except the Patient itself. A
/// patient without a birth date (Baby Doe) has nothing recorded.
pub(super) fn generate(seed: u64, position: usize, patient: &Value) -> Vec<Value> {
    let (Some(id), Some(birth)) = (
        patient.get("id").and_then(Value::as_str),
        patient
            .get("birthDate")
            .and_then(Value::as_str)
            .and_then(birth_day),
    ) else {
        return Vec::new();
    };
    let mut ctx = Ctx::new(seed, position, id, birth);
    let mut out = Vec::new();
    let age = ctx.age_on(END_DAY);
    let years = if position == index::MAXIMILIAN {
        22.0
    } else {
        age.min(10.0)
    };
    let from = END_DAY - (years * 365.25) as i64;

    let chosen = if position == index::TARO {
        problems::conditions_of(&mut ctx, &[0, 1, 2], &mut out)
    } else {
        let count = 2 + ctx.below(3) as usize;
        problems::conditions(&mut ctx, count, &mut out)
    };
    let has = |code: usize| chosen.iter().any(|c| c.problem == code);
    let risks = Risks {
        hypertension: has(0),
        diabetes: has(1),
        lipids: has(2),
        anemia: has(8),
    };
    problems::medications(&mut ctx, &chosen, &mut out);
    if position == index::ZOE {
        problems::no_known_allergies(&mut ctx, &mut out);
    } else {
        let count = ctx.below(3) as usize;
        problems::allergies(&mut ctx, count, &mut out);
    }
    visits::immunizations(&mut ctx, from, &mut out);
    let checkups: Vec<i64> = (0..)
        .map(|n| from + 30 + n * 182)
        .take_while(|day| *day < END_DAY)
        .collect();
    visits::encounters(&mut ctx, &checkups, &chosen, &mut out);
    let count = 2 + ctx.below(2) as usize;
    visits::procedures(&mut ctx, count, &mut out);
    for (n, &day) in checkups.iter().enumerate() {
        vitals(&mut ctx, day, true, risks, &mut out);
        if n % 2 == 1 && ctx.age_on(day) >= 18.0 {
            labs(&mut ctx, day, risks, &mut out);
        }
    }
    if position == index::MAXIMILIAN {
        // Home monitoring every four days: the history that makes paging and charts work.
        for day in (from..END_DAY).step_by(4) {
            vitals(&mut ctx, day, false, risks, &mut out);
        }
        for day in (from + 45..END_DAY).step_by(91) {
            labs(&mut ctx, day, risks, &mut out);
        }
    }
    edge_cases(position, &mut ctx, &mut out);
    out
}

fn edge_cases(position: usize, ctx: &mut Ctx, out: &mut Vec<Value>) {
    match position {
        index::OLGA => edge::partial_dates(ctx, out),
        index::JOSE => edge::text_only_concepts(ctx, out),
        index::LAN => edge::non_quantity_values(ctx, out),
        index::HOSTILE => edge::hostile_text(ctx, out),
        index::MARGARET => {
            visits::declined_immunization(ctx, out);
            problems::entered_in_error(ctx, out);
        }
        index::KWAME => edge::undated_observation(ctx, out),
        _ => {}
    }
}

fn birth_day(text: &str) -> Option<i64> {
    let range = dates::range(text)?;
    Some(range.start.div_euclid(86_400))
}
