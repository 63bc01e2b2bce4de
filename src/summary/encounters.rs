//! Encounters, most recent first: what kind of visit, its class (inpatient, ambulatory…), why,
//! and when, as written.

use super::status::status_is_entered_in_error;
use super::when::{sort_newest_first, Recorded};
use crate::fhir::code_words::{code_as_label, code_in_words, known_words, V3_ACT_CODE};
use crate::fhir::datatypes::{displays_joined, non_blank, CodeableConcept, Coding};
use crate::fhir::date::FhirDateTime;
use crate::fhir::model::{parse_all, Encounter, MalformedResource};
use serde_json::Value;

/// One encounter as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncounterLine {
    /// Resource id.
    pub id: String,
    /// The encounter's type, else its service, else its class, else "Encounter".
    pub title: String,
    /// The class in words, e.g. "Inpatient".
    pub class: Option<String>,
    /// Reasons, joined with "; ".
    pub reason: Option<String>,
    /// The period as written.
    pub when: Option<String>,
    /// The status when not simply finished, e.g. "In progress", "Cancelled".
    pub status: Option<String>,
}

/// The encounters section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncountersView {
    /// Most recent first; undated last.
    pub encounters: Vec<EncounterLine>,
    /// Records that could not be read.
    pub unreadable: Vec<MalformedResource>,
}

/// Builds the encounters section from Encounter resources (other types are passed over).
/// Entered-in-error encounters are never shown.
pub fn build(resources: &[Value]) -> EncountersView {
    let parsed = parse_all::<Encounter>(resources);
    let mut lines: Vec<(Option<FhirDateTime>, EncounterLine)> = parsed
        .resources
        .iter()
        .filter(|e| !status_is_entered_in_error(e.status.as_deref()))
        .map(|encounter| {
            let when = Recorded::period(encounter.period.as_ref());
            let class = encounter.class.as_ref().and_then(class_label);
            let title = displays_joined(&encounter.kind)
                .or_else(|| {
                    encounter
                        .service_type
                        .as_ref()
                        .and_then(CodeableConcept::display)
                })
                .or_else(|| class.clone())
                .unwrap_or_else(|| "Encounter".into());
            let line = EncounterLine {
                id: encounter.id.clone().unwrap_or_default(),
                title,
                class,
                reason: displays_joined(&encounter.reason_code)
                    .or_else(|| displays_joined(&encounter.reason)),
                when: when.text,
                status: encounter
                    .status
                    .as_deref()
                    .filter(|s| s.trim() != "finished")
                    .map(code_as_label),
            };
            (when.at, line)
        })
        .collect();
    sort_newest_first(&mut lines, |(at, line)| (at.as_ref(), line.id.as_str()));
    EncountersView {
        encounters: lines.into_iter().map(|(_, line)| line).collect(),
        unreadable: parsed.malformed,
    }
}

// The class's display, else the words for the common v3 ActCode codes, else the code.
// `Encounter.class` is bound to v3-ActCode (FHIR R4 §11.1); older servers write its codes
// without the system, and some write codes of their own ("ambulatory", "WELLNESS"), shown as
// a label ("Ambulatory", "Wellness").
fn class_label(class: &Coding) -> Option<String> {
    if let Some(display) = non_blank(class.display.as_deref()) {
        return Some(display);
    }
    let code = non_blank(class.code.as_deref())?;
    Some(match non_blank(class.system.as_deref()) {
        Some(system) => code_in_words(Some(&system), &code),
        None => known_words(V3_ACT_CODE, &code).map_or_else(|| code_as_label(&code), str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::arrangements::built_in_any_order;
    use serde_json::json;

    fn encounter(id: &str, start: Option<&str>, extra: Value) -> Value {
        let mut value = json!({"resourceType": "Encounter", "id": id, "status": "finished"});
        if let Some(start) = start {
            value["period"] = json!({"start": start});
        }
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        value
    }

    fn ids(view: &EncountersView) -> Vec<&str> {
        view.encounters.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn the_most_recent_encounter_comes_first_and_undated_ones_last() {
        let view = built_in_any_order(
            &[
                encounter("old", Some("2019-05"), json!({})),
                encounter("none", None, json!({})),
                encounter("new", Some("2026-11-02T09:30:00+01:00"), json!({})),
            ],
            build,
        );
        assert_eq!(ids(&view), vec!["new", "old", "none"]);
        assert_eq!(
            view.encounters[0].when.as_deref(),
            Some("from 2 Nov 2026 09:30")
        );
    }

    #[test]
    fn type_class_and_reason_are_shown() {
        let view = build(&[encounter(
            "1",
            Some("2026"),
            json!({
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
            "type": [{"text": "Admission"}],
            "reasonCode": [{"text": "Pneumonia"}, {"coding": [{"display": "Sepsis"}]}]}),
        )]);
        let line = &view.encounters[0];
        assert_eq!(
            (line.title.as_str(), line.class.as_deref()),
            ("Admission", Some("Inpatient"))
        );
        assert_eq!(line.reason.as_deref(), Some("Pneumonia; Sepsis"));
    }

    #[test]
    fn without_a_type_the_class_names_the_encounter() {
        let view = build(&[encounter("1", None, json!({"class": {"code": "AMB"}}))]);
        assert_eq!(view.encounters[0].title, "Ambulatory");
    }

    #[test]
    fn a_finished_encounter_needs_no_status_and_others_say_theirs() {
        let view = build(&[
            encounter("a", Some("2026-01-01"), json!({})),
            encounter("b", Some("2026-01-02"), json!({"status": "in-progress"})),
        ]);
        let statuses: Vec<_> = view
            .encounters
            .iter()
            .map(|e| e.status.as_deref())
            .collect();
        assert_eq!(statuses, vec![Some("In progress"), None]);
    }

    #[test]
    fn entered_in_error_encounters_are_never_shown() {
        let view = build(&[encounter("x", None, json!({"status": "entered-in-error"}))]);
        assert!(view.encounters.is_empty());
    }

    #[test]
    fn an_encounter_with_nothing_recorded_still_shows_a_line() {
        let view = build(&[json!({"resourceType": "Encounter"})]);
        assert_eq!(view.encounters[0].title, "Encounter");
    }

    #[test]
    fn a_malformed_class_leaves_the_encounter_shown_without_it() {
        let view = build(&[encounter("odd", None, json!({"class": "IMP"}))]);
        assert_eq!(ids(&view), vec!["odd"]);
        assert_eq!(view.encounters[0].class, None);
        assert!(view.unreadable.is_empty());
    }

    #[test]
    fn the_stu3_reason_element_gives_the_reason() {
        let view = build(&[encounter(
            "old",
            None,
            json!({"reason": [{"coding": [{"display": "Normal pregnancy"}]}]}),
        )]);
        assert_eq!(
            view.encounters[0].reason.as_deref(),
            Some("Normal pregnancy")
        );
    }

    #[test]
    fn a_class_without_a_system_reads_as_v3_act_code_words_or_as_a_label() {
        let view = build(&[
            encounter("a", None, json!({"class": {"code": "EMER"}})),
            encounter("b", None, json!({"class": {"code": "ambulatory"}})),
            encounter("c", None, json!({"class": {"code": "WELLNESS"}})),
        ]);
        let classes: Vec<_> = view.encounters.iter().map(|e| e.class.clone()).collect();
        assert!(classes.contains(&Some("Emergency".into())), "{classes:?}");
        assert!(classes.contains(&Some("Ambulatory".into())), "{classes:?}");
        assert!(classes.contains(&Some("Wellness".into())), "{classes:?}");
    }
}
