//! Procedures, most recent first: what was done, when (as written), why, and procedures
//! recorded as not done with their reason.

use super::status::status_is_entered_in_error;
use super::when::{sort_newest_first, Recorded};
use crate::fhir::code_words::code_as_label;
use crate::fhir::datatypes::{displays_joined, non_blank, CodeableConcept};
use crate::fhir::date::FhirDateTime;
use crate::fhir::model::{parse_all, MalformedResource, Procedure};
use serde_json::Value;

/// One procedure as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureLine {
    /// Resource id.
    pub id: String,
    /// What was done, or "Procedure not named".
    pub name: String,
    /// When, as written: a date, a period, an age or text.
    pub when: Option<String>,
    /// The status when not simply completed, e.g. "Not done", "In progress".
    pub status: Option<String>,
    /// Why it was not done (status not-done), or why it stopped.
    pub status_reason: Option<String>,
    /// Why it was done, joined with "; ".
    pub reason: Option<String>,
}

/// The procedures section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProceduresView {
    /// Most recent first; those without a date last.
    pub procedures: Vec<ProcedureLine>,
    /// Records that could not be read.
    pub unreadable: Vec<MalformedResource>,
}

/// Builds the procedures section from Procedure resources (other types are passed over).
/// Entered-in-error procedures are never shown.
pub fn build(resources: &[Value]) -> ProceduresView {
    let parsed = parse_all::<Procedure>(resources);
    let mut lines: Vec<(Option<FhirDateTime>, ProcedureLine)> = parsed
        .resources
        .iter()
        .filter(|p| !status_is_entered_in_error(p.status.as_deref()))
        .map(|procedure| {
            let when = performed(procedure);
            let line = ProcedureLine {
                id: procedure.id.clone().unwrap_or_default(),
                name: procedure
                    .code
                    .as_ref()
                    .and_then(CodeableConcept::display)
                    .unwrap_or_else(|| "Procedure not named".into()),
                when: when.text,
                status: procedure
                    .r4_status()
                    .filter(|s| s.trim() != "completed")
                    .map(code_as_label),
                status_reason: procedure
                    .r4_status_reason()
                    .and_then(CodeableConcept::display),
                reason: reasons(procedure),
            };
            (when.at, line)
        })
        .collect();
    sort_newest_first(&mut lines, |(at, line)| (at.as_ref(), line.id.as_str()));
    ProceduresView {
        procedures: lines.into_iter().map(|(_, line)| line).collect(),
        unreadable: parsed.malformed,
    }
}

// The coded reasons, then the records named as reasons by their display (a reference without
// one names nothing a reader can use), each name once: Synthea points a prenatal procedure at
// every pregnancy Condition, each named "Normal pregnancy".
fn reasons(procedure: &Procedure) -> Option<String> {
    let coded = displays_joined(&procedure.reason_code);
    let referenced = procedure
        .reason_reference
        .iter()
        .filter_map(|r| non_blank(r.display.as_deref()));
    let mut all: Vec<String> = Vec::new();
    for reason in coded.into_iter().chain(referenced) {
        if !all.contains(&reason) {
            all.push(reason);
        }
    }
    (!all.is_empty()).then(|| all.join("; "))
}

fn performed(procedure: &Procedure) -> Recorded {
    Recorded::date_time(procedure.performed_date_time.as_deref())
        .or_else(|| Recorded::period(procedure.performed_period.as_ref()))
        .or_else(|| Recorded::age(procedure.performed_age.as_ref()))
        .or_else(|| Recorded::age_range(procedure.performed_range.as_ref()))
        .or_else(|| Recorded::free_text(procedure.performed_string.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::arrangements::built_in_any_order;
    use serde_json::json;

    fn procedure(id: &str, status: &str, extra: Value) -> Value {
        let mut value = json!({"resourceType": "Procedure", "id": id, "status": status,
            "code": {"text": format!("Procedure {id}")}});
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        value
    }

    fn ids(view: &ProceduresView) -> Vec<&str> {
        view.procedures.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn the_most_recent_procedure_comes_first_whichever_time_choice_dates_it() {
        let view = built_in_any_order(
            &[
                procedure("a", "completed", json!({"performedDateTime": "2001"})),
                procedure("b", "completed", json!({"performedString": "as a child"})),
                procedure(
                    "c",
                    "completed",
                    json!({"performedPeriod": {"start": "2020-02-01", "end": "2020-02-03"}}),
                ),
            ],
            build,
        );
        assert_eq!(ids(&view), vec!["c", "a", "b"]);
        let when: Vec<_> = view.procedures.iter().map(|p| p.when.as_deref()).collect();
        assert_eq!(
            when,
            vec![
                Some("1 Feb 2020 – 3 Feb 2020"),
                Some("2001"),
                Some("as a child")
            ]
        );
    }

    #[test]
    fn a_not_done_procedure_is_shown_as_such_with_its_reason() {
        let view = build(&[procedure(
            "n",
            "not-done",
            json!({"statusReason": {"text": "Patient declined"}}),
        )]);
        let line = &view.procedures[0];
        assert_eq!(line.status.as_deref(), Some("Not done"));
        assert_eq!(line.status_reason.as_deref(), Some("Patient declined"));
    }

    #[test]
    fn an_stu3_procedure_marked_not_done_says_so() {
        let view = build(&[procedure(
            "n",
            "completed",
            json!({"notDone": true, "notDoneReason": {"text": "Patient declined"}}),
        )]);
        let line = &view.procedures[0];
        assert_eq!(line.status.as_deref(), Some("Not done"));
        assert_eq!(line.status_reason.as_deref(), Some("Patient declined"));
    }

    #[test]
    fn a_completed_procedure_needs_no_status() {
        let view = build(&[procedure("c", "completed", json!({}))]);
        assert_eq!(view.procedures[0].status, None);
    }

    #[test]
    fn entered_in_error_procedures_are_never_shown() {
        let view = build(&[procedure("x", "entered-in-error", json!({}))]);
        assert!(view.procedures.is_empty());
    }

    #[test]
    fn the_reasons_for_a_procedure_are_shown() {
        let view = build(&[procedure(
            "r",
            "completed",
            json!({"reasonCode": [{"text": "Appendicitis"}]}),
        )]);
        assert_eq!(view.procedures[0].reason.as_deref(), Some("Appendicitis"));
    }

    // FHIR R4 Procedure.reasonReference: "the justification of why the procedure was
    // performed" (Reference(Condition | Observation | …)). Synthea writes only this, e.g.
    // Kristie Effertz's rectal polypectomy of 19 Mar 2015, for "Polyp of colon".
    #[test]
    fn a_reason_given_as_a_reference_is_shown_by_its_display() {
        let view = build(&[procedure(
            "polypectomy",
            "completed",
            json!({"reasonReference": [
                {"reference": "Condition/851bf2b5", "display": "Polyp of colon"},
                {"reference": "Condition/without-display"}]}),
        )]);
        assert_eq!(view.procedures[0].reason.as_deref(), Some("Polyp of colon"));
    }

    #[test]
    fn a_reason_named_twice_is_shown_once() {
        let view = build(&[procedure(
            "prenatal",
            "completed",
            json!({"reasonReference": [
                {"reference": "Condition/first", "display": "Normal pregnancy"},
                {"reference": "Condition/second", "display": "Normal pregnancy"}]}),
        )]);
        assert_eq!(
            view.procedures[0].reason.as_deref(),
            Some("Normal pregnancy")
        );
    }

    #[test]
    fn coded_and_referenced_reasons_are_both_shown() {
        let view = build(&[procedure(
            "both",
            "completed",
            json!({"reasonCode": [{"text": "Screening"}],
                "reasonReference": [{"display": "Polyp of colon"}]}),
        )]);
        assert_eq!(
            view.procedures[0].reason.as_deref(),
            Some("Screening; Polyp of colon")
        );
    }

    #[test]
    fn a_procedure_with_nothing_recorded_still_shows_a_line() {
        let view = build(&[json!({"resourceType": "Procedure"})]);
        assert_eq!(view.procedures[0].name, "Procedure not named");
        assert_eq!(view.procedures[0].when, None);
    }

    #[test]
    fn a_reason_written_without_its_array_is_read_as_one_reason() {
        let view = build(&[procedure(
            "odd",
            "completed",
            json!({"reasonCode": {"text": "x"}}),
        )]);
        assert_eq!(ids(&view), vec!["odd"]);
        assert_eq!(view.procedures[0].reason.as_deref(), Some("x"));
        assert!(view.unreadable.is_empty());
    }
}
