//! Immunizations grouped by vaccine (CVX code, else its name): the latest dose, how many doses
//! were completed, and doses recorded as not given with the reason.

use super::status::status_is_entered_in_error;
use super::when::{newest_first, sort_newest_first, Recorded};
use crate::fhir::code_words::code_as_label;
use crate::fhir::datatypes::CodeableConcept;
use crate::fhir::date::FhirDateTime;
use crate::fhir::model::{parse_all, Immunization, MalformedResource};
use crate::sort;
use serde_json::Value;
use std::collections::HashMap;

const CVX: &str = "http://hl7.org/fhir/sid/cvx";

/// What happened at one recorded dose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoseStatus {
    /// Given.
    Completed,
    /// Not given; the reason when recorded (e.g. "Patient refusal").
    NotDone {
        /// `statusReason`, as text.
        reason: Option<String>,
    },
    /// A status outside the value set, or none: shown in words, not counted.
    Other(String),
}

/// One recorded dose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoseLine {
    /// Resource id.
    pub id: String,
    /// When, as written (a date or text such as "as a child").
    pub date: Option<String>,
    /// Given, not given, or other.
    pub status: DoseStatus,
}

/// One vaccine and its doses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaccineGroup {
    /// The vaccine's name, from its newest record.
    pub name: String,
    /// The CVX code, when coded.
    pub cvx: Option<String>,
    /// The date of the latest completed dose.
    pub latest_dose: Option<String>,
    /// How many doses were completed.
    pub completed_doses: usize,
    /// Every dose, newest first.
    pub doses: Vec<DoseLine>,
}

/// The immunizations section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImmunizationsView {
    /// Vaccines, the most recently recorded first.
    pub vaccines: Vec<VaccineGroup>,
    /// Records that could not be read.
    pub unreadable: Vec<MalformedResource>,
}

/// Builds the immunizations section from Immunization resources (other types are passed
/// over). Entered-in-error records are never shown.
pub fn build(resources: &[Value]) -> ImmunizationsView {
    let parsed = parse_all::<Immunization>(resources);
    let mut groups: HashMap<String, Vec<Dose>> = HashMap::new();
    for immunization in &parsed.resources {
        if status_is_entered_in_error(immunization.status.as_deref()) {
            continue;
        }
        let dose = dose(immunization);
        groups
            .entry(group_key(immunization))
            .or_default()
            .push(dose);
    }
    let mut vaccines: Vec<(Option<FhirDateTime>, String, VaccineGroup)> = groups
        .into_iter()
        .map(|(key, mut doses)| {
            sort_newest_first(&mut doses, |d| (d.at.as_ref(), d.line.id.as_str()));
            (doses[0].at, key, vaccine_group(doses))
        })
        .collect();
    sort::sort_by(&mut vaccines, |a, b| {
        newest_first((a.0.as_ref(), &a.2.name), (b.0.as_ref(), &b.2.name)).then(a.1.cmp(&b.1))
    });
    ImmunizationsView {
        vaccines: vaccines.into_iter().map(|(_, _, group)| group).collect(),
        unreadable: parsed.malformed,
    }
}

struct Dose {
    line: DoseLine,
    at: Option<FhirDateTime>,
    name: Option<String>,
    cvx: Option<String>,
}

fn dose(immunization: &Immunization) -> Dose {
    let when = Recorded::date_time(immunization.occurrence_date_time.as_deref())
        .or_else(|| Recorded::date_time(immunization.date.as_deref()))
        .or_else(|| Recorded::free_text(immunization.occurrence_string.as_deref()));
    let status = match immunization.r4_status().map(str::trim) {
        Some("completed") => DoseStatus::Completed,
        Some("not-done") => DoseStatus::NotDone {
            reason: immunization
                .not_given_reason()
                .and_then(CodeableConcept::display),
        },
        Some(other) => DoseStatus::Other(code_as_label(other)),
        None => DoseStatus::Other("Status not recorded".into()),
    };
    Dose {
        line: DoseLine {
            id: immunization.id.clone().unwrap_or_default(),
            date: when.text,
            status,
        },
        at: when.at,
        name: immunization
            .vaccine_code
            .as_ref()
            .and_then(CodeableConcept::display),
        cvx: cvx_code(immunization).map(str::to_owned),
    }
}

fn vaccine_group(doses: Vec<Dose>) -> VaccineGroup {
    let completed: Vec<&Dose> = doses
        .iter()
        .filter(|d| d.line.status == DoseStatus::Completed)
        .collect();
    VaccineGroup {
        name: doses
            .iter()
            .find_map(|d| d.name.clone())
            .unwrap_or_else(|| "Vaccine not named".into()),
        cvx: doses.iter().find_map(|d| d.cvx.clone()),
        latest_dose: completed.iter().find_map(|d| d.line.date.clone()),
        completed_doses: completed.len(),
        doses: doses.into_iter().map(|d| d.line).collect(),
    }
}

fn cvx_code(immunization: &Immunization) -> Option<&str> {
    immunization
        .vaccine_code
        .as_ref()?
        .coding
        .iter()
        .find(|c| c.system.as_deref() == Some(CVX))?
        .code
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty())
}

// Doses group by CVX code; uncoded ones by their name, ignoring case.
fn group_key(immunization: &Immunization) -> String {
    match cvx_code(immunization) {
        Some(code) => format!("cvx|{code}"),
        None => {
            let name = immunization
                .vaccine_code
                .as_ref()
                .and_then(CodeableConcept::display);
            format!("name|{}", name.unwrap_or_default().to_lowercase())
        }
    }
}

#[cfg(test)]
#[path = "immunizations_tests.rs"]
mod tests;
