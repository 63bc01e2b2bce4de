//! The FHIR R4 datatypes Bedside reads (FHIR R4 §2.24 "Datatypes"), with only the elements it
//! uses; unknown elements are ignored, as FHIR's forward-compatibility rules ask of readers.

use serde::Deserialize;

/// A code from a code system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Coding {
    /// Code system URI.
    pub system: Option<String>,
    /// The code.
    pub code: Option<String>,
    /// Human text for the code.
    pub display: Option<String>,
}

/// A concept given by codes and/or text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CodeableConcept {
    /// Codes, any number of systems.
    pub coding: Vec<Coding>,
    /// The text as entered or chosen.
    pub text: Option<String>,
}

impl CodeableConcept {
    /// True when any coding has this system and code.
    pub fn has_code(&self, system: &str, code: &str) -> bool {
        self.coding
            .iter()
            .any(|c| c.system.as_deref() == Some(system) && c.code.as_deref() == Some(code))
    }

    /// Display text: `text`, else the first coding's `display`, else `system|code`.
    pub fn display(&self) -> Option<String> {
        non_blank(self.text.as_deref())
            .or_else(|| {
                self.coding
                    .iter()
                    .find_map(|c| non_blank(c.display.as_deref()))
            })
            .or_else(|| {
                self.coding.iter().find_map(|c| {
                    let code = non_blank(c.code.as_deref())?;
                    Some(match non_blank(c.system.as_deref()) {
                        Some(system) => format!("{system}|{code}"),
                        None => code,
                    })
                })
            })
    }
}

/// A person's name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct HumanName {
    /// usual | official | temp | nickname | anonymous | old | maiden.
    #[serde(rename = "use")]
    pub name_use: Option<String>,
    /// The full name as written.
    pub text: Option<String>,
    /// Family name.
    pub family: Option<String>,
    /// Given names, in order.
    pub given: Vec<String>,
    /// Parts before the name, e.g. "Dr.".
    pub prefix: Vec<String>,
    /// Parts after the name, e.g. "Jr.".
    pub suffix: Vec<String>,
}

/// A business identifier such as an MRN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Identifier {
    /// usual | official | temp | secondary | old.
    #[serde(rename = "use")]
    pub identifier_use: Option<String>,
    /// What kind of identifier (v2-0203 codes such as MR).
    #[serde(rename = "type")]
    pub kind: Option<CodeableConcept>,
    /// The namespace.
    pub system: Option<String>,
    /// The value.
    pub value: Option<String>,
}

/// A phone number, e-mail address, etc.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ContactPoint {
    /// phone | fax | email | pager | url | sms | other.
    pub system: Option<String>,
    /// The number or address.
    pub value: Option<String>,
    /// home | work | temp | old | mobile.
    #[serde(rename = "use")]
    pub contact_use: Option<String>,
}

/// `Some(trimmed)` for text with something in it.
pub fn non_blank(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn concept(json: &str) -> CodeableConcept {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn codeable_concept_display_prefers_text_then_display_then_system_and_code() {
        let full = r#"{"text":"Asthma","coding":[{"system":"http://snomed.info/sct","code":"195967001","display":"Asthma (disorder)"}]}"#;
        assert_eq!(concept(full).display().as_deref(), Some("Asthma"));
        let no_text =
            r#"{"coding":[{"system":"s","code":"1"},{"system":"s","code":"2","display":"Two"}]}"#;
        assert_eq!(concept(no_text).display().as_deref(), Some("Two"));
        let codes_only = r#"{"coding":[{"system":"http://loinc.org","code":"8867-4"}]}"#;
        assert_eq!(
            concept(codes_only).display().as_deref(),
            Some("http://loinc.org|8867-4")
        );
        assert_eq!(concept(r#"{"text":"  "}"#).display(), None);
    }
}
