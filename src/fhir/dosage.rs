//! How a medication is to be taken (FHIR R4 §2.24.0.19 Dosage, §2.24.0.18 Timing), in words:
//! the structured dose, frequency, route and "as needed" when the server gives them, else the
//! server's own text. Synthea, like many EHRs, writes only the structured form.

use super::datatypes::{lenient, lenient_list, non_blank, CodeableConcept, Quantity, Range};
use super::decimal::shown;
use serde::Deserialize;

/// How a medication is or should be taken.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Dosage {
    /// Free-text instructions, e.g. "1 tablet twice daily".
    #[serde(deserialize_with = "lenient")]
    pub text: Option<String>,
    /// Instructions in the patient's words.
    #[serde(deserialize_with = "lenient")]
    pub patient_instruction: Option<String>,
    /// When to take it.
    #[serde(deserialize_with = "lenient")]
    pub timing: Option<Timing>,
    /// `asNeededBoolean`: taken only when needed.
    #[serde(deserialize_with = "lenient")]
    pub as_needed_boolean: Option<bool>,
    /// `asNeededCodeableConcept`: taken when needed, for this reason.
    #[serde(deserialize_with = "lenient")]
    pub as_needed_codeable_concept: Option<CodeableConcept>,
    /// How it enters the body, e.g. oral.
    #[serde(deserialize_with = "lenient")]
    pub route: Option<CodeableConcept>,
    /// Supplemental instructions or warnings, e.g. "with meals", "may cause drowsiness".
    #[serde(deserialize_with = "lenient_list")]
    pub additional_instruction: Vec<CodeableConcept>,
    /// The amount per dose.
    #[serde(deserialize_with = "lenient_list")]
    pub dose_and_rate: Vec<DoseAndRate>,
}

/// The amount of one dose (the rate is not shown).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DoseAndRate {
    /// `doseQuantity`.
    #[serde(deserialize_with = "lenient")]
    pub dose_quantity: Option<Quantity>,
    /// `doseRange`.
    #[serde(deserialize_with = "lenient")]
    pub dose_range: Option<Range>,
}

/// When something happens: a named schedule (e.g. "BID") or a repeat rule.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Timing {
    /// A named schedule such as BID or "every morning".
    #[serde(deserialize_with = "lenient")]
    pub code: Option<CodeableConcept>,
    /// How often.
    #[serde(deserialize_with = "lenient")]
    pub repeat: Option<Repeat>,
}

/// `Timing.repeat`: `frequency` (to `frequencyMax`) times per `period` `periodUnit`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Repeat {
    /// Times per period.
    #[serde(deserialize_with = "lenient")]
    pub frequency: Option<u32>,
    /// At most this many times per period.
    #[serde(deserialize_with = "lenient")]
    pub frequency_max: Option<u32>,
    /// The period's length.
    #[serde(deserialize_with = "lenient")]
    pub period: Option<f64>,
    /// s | min | h | d | wk | mo | a (UCUM).
    #[serde(deserialize_with = "lenient")]
    pub period_unit: Option<String>,
}

impl Dosage {
    /// The dosage in words: the structured parts ("1 mg · twice a day · oral · as needed for
    /// pain") and the additional instructions, else the server's text (which says it all),
    /// else the patient instruction, else the named schedule, else the additional instructions.
    pub fn display(&self) -> Option<String> {
        let structured: Vec<String> = [
            self.dose(),
            self.timing.as_ref().and_then(Timing::repeat_words),
            self.route.as_ref().and_then(CodeableConcept::display),
            self.as_needed(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let additional = self
            .additional_instruction
            .iter()
            .filter_map(CodeableConcept::display);
        if !structured.is_empty() {
            let parts: Vec<String> = structured.into_iter().chain(additional).collect();
            return Some(parts.join(" \u{b7} "));
        }
        non_blank(self.text.as_deref())
            .or_else(|| non_blank(self.patient_instruction.as_deref()))
            .or_else(|| self.timing.as_ref()?.code.as_ref()?.display())
            .or_else(|| {
                let additional: Vec<String> = additional.collect();
                (!additional.is_empty()).then(|| additional.join(" \u{b7} "))
            })
    }

    // A unit is shown only as written: Synthea's `{"value": 1}` is "dose 1", never "1 tablet".
    fn dose(&self) -> Option<String> {
        let first = self.dose_and_rate.first()?;
        if let Some(quantity) = &first.dose_quantity {
            return Some(format!("dose {}", quantity.display()?));
        }
        let range = first.dose_range.as_ref()?;
        let low = shown(range.low.as_ref()?.value?);
        let high = range.high.as_ref()?.display()?;
        Some(format!("dose {low}\u{2013}{high}"))
    }

    fn as_needed(&self) -> Option<String> {
        match (&self.as_needed_codeable_concept, self.as_needed_boolean) {
            (Some(reason), _) => Some(match reason.display() {
                Some(reason) => format!("as needed for {reason}"),
                None => "as needed".into(),
            }),
            (None, Some(true)) => Some("as needed".into()),
            _ => None,
        }
    }
}

impl Timing {
    /// The repeat rule in words: "once a day", "twice a day", "3 times a day", "every 8
    /// hours", "1–2 times a day"; `None` without one.
    pub fn repeat_words(&self) -> Option<String> {
        let repeat = self.repeat.as_ref()?;
        let frequency = repeat.frequency.unwrap_or(1);
        let period = repeat.period?;
        let unit = unit_word(repeat.period_unit.as_deref()?)?;
        let times = match (frequency, repeat.frequency_max) {
            (low, Some(high)) if high > low => format!("{low}\u{2013}{high} times"),
            (1, _) => "once".into(),
            (2, _) => "twice".into(),
            (n, _) => format!("{n} times"),
        };
        if (period - 1.0).abs() < f64::EPSILON {
            let article = if unit == "hour" { "an" } else { "a" };
            return Some(format!("{times} {article} {unit}"));
        }
        let every = format!("every {} {unit}s", shown(period));
        Some(match times.as_str() {
            "once" => every,
            _ => format!("{times} {every}"),
        })
    }
}

// UCUM period units (FHIR R4 ValueSet units-of-time).
fn unit_word(code: &str) -> Option<&'static str> {
    Some(match code {
        "s" => "second",
        "min" => "minute",
        "h" => "hour",
        "d" => "day",
        "wk" => "week",
        "mo" => "month",
        "a" => "year",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dosage(json: &str) -> Option<String> {
        serde_json::from_str::<Dosage>(json).unwrap().display()
    }

    #[test]
    fn a_structured_dose_and_frequency_read_as_words() {
        let synthea = r#"{"sequence":1,"timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}},
            "asNeededBoolean":false,"doseAndRate":[{"doseQuantity":{"value":1}}]}"#;
        assert_eq!(dosage(synthea).as_deref(), Some("dose 1 \u{b7} once a day"));
        let twice = r#"{"timing":{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}},
            "doseAndRate":[{"doseQuantity":{"value":500,"unit":"mg"}}],"route":{"text":"Oral"}}"#;
        assert_eq!(
            dosage(twice).as_deref(),
            Some("dose 500 mg \u{b7} twice a day \u{b7} Oral")
        );
    }

    // FHIR R4 Dosage.additionalInstruction: "supplemental instruction or warnings to the
    // patient". Leatrice McCullough's doxycycline of 2 Nov 1970 carries two.
    #[test]
    fn additional_instructions_and_warnings_follow_the_structured_dosage() {
        let doxycycline = r#"{"sequence":1,"additionalInstruction":[
            {"coding":[{"system":"http://snomed.info/sct","code":"418577003","display":"Take at regular intervals. Complete the prescribed course unless otherwise directed."}],"text":"Take at regular intervals. Complete the prescribed course unless otherwise directed."},
            {"coding":[{"system":"http://snomed.info/sct","code":"419115000","display":"Do not take milk, indigestion remedies, or medicines containing iron or zinc at the same time of day as this medicine"}],"text":"Do not take milk, indigestion remedies, or medicines containing iron or zinc at the same time of day as this medicine"}],
            "timing":{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}},"asNeededBoolean":false,
            "doseAndRate":[{"doseQuantity":{"value":1}}]}"#;
        assert_eq!(
            dosage(doxycycline).as_deref(),
            Some(
                "dose 1 \u{b7} twice a day \u{b7} Take at regular intervals. Complete the \
                 prescribed course unless otherwise directed. \u{b7} Do not take milk, indigestion \
                 remedies, or medicines containing iron or zinc at the same time of day as this \
                 medicine"
            )
        );
        assert_eq!(
            dosage(r#"{"additionalInstruction":[{"text":"With meals"}]}"#).as_deref(),
            Some("With meals")
        );
    }

    #[test]
    fn a_period_longer_than_one_unit_reads_as_every() {
        assert_eq!(
            dosage(r#"{"timing":{"repeat":{"frequency":1,"period":8,"periodUnit":"h"}}}"#)
                .as_deref(),
            Some("every 8 hours")
        );
        assert_eq!(
            dosage(r#"{"timing":{"repeat":{"frequency":1,"frequencyMax":2,"period":1,"periodUnit":"h"}}}"#)
                .as_deref(),
            Some("1\u{2013}2 times an hour")
        );
    }

    #[test]
    fn as_needed_is_said_with_its_reason() {
        assert_eq!(
            dosage(r#"{"sequence":1,"asNeededBoolean":true}"#).as_deref(),
            Some("as needed")
        );
        assert_eq!(
            dosage(r#"{"asNeededCodeableConcept":{"text":"pain"}}"#).as_deref(),
            Some("as needed for pain")
        );
    }

    #[test]
    fn without_structure_the_servers_text_is_shown_then_the_instruction_then_the_schedule() {
        assert_eq!(
            dosage(r#"{"text":"1 tab","patientInstruction":"one"}"#).as_deref(),
            Some("1 tab")
        );
        assert_eq!(
            dosage(r#"{"patientInstruction":"one a day"}"#).as_deref(),
            Some("one a day")
        );
        assert_eq!(
            dosage(r#"{"timing":{"code":{"text":"BID"}}}"#).as_deref(),
            Some("BID")
        );
        assert_eq!(dosage("{}"), None);
    }

    #[test]
    fn a_malformed_part_leaves_the_rest_readable() {
        assert_eq!(
            dosage(r#"{"text":"1 tab","timing":"daily"}"#).as_deref(),
            Some("1 tab")
        );
    }
}
