//! The FHIR R4 datatypes Bedside reads (FHIR R4 §2.24 "Datatypes"), with only the elements it
//! uses; unknown elements are ignored, as FHIR's forward-compatibility rules ask of readers.

use super::code_words::code_in_words;
use super::lenient::{Lenient, LenientList};
use serde::de::Deserializer;
use serde::Deserialize;

/// Reads an optional element leniently: an element of the wrong shape is read as absent, so
/// one malformed element makes that element unknown, never its whole record unreadable (for
/// `#[serde(deserialize_with = "lenient")]` on a resource's `Option` fields).
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Lenient::deserialize(deserializer).map(|Lenient(value)| value)
}

/// Reads a repeating element leniently: items of the wrong shape are left out, and a single
/// item written without its array is read as a list of one.
pub fn lenient_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    LenientList::deserialize(deserializer).map(|LenientList(items)| items)
}

/// Reads a status that FHIR R4 codes as a CodeableConcept but STU3 wrote as a plain code
/// (`Condition.clinicalStatus`, `AllergyIntolerance.verificationStatus`…): the code becomes a
/// coding without a system, which the status readers accept.
pub fn concept_or_code<'de, D>(deserializer: D) -> Result<Option<CodeableConcept>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Code(String),
        Concept(CodeableConcept),
    }
    Ok(match lenient::<D, Written>(deserializer)? {
        Some(Written::Code(code)) => non_blank(Some(&code)).map(|code| CodeableConcept {
            coding: vec![Coding {
                system: None,
                code: Some(code),
                display: None,
            }],
            text: None,
        }),
        Some(Written::Concept(concept)) => Some(concept),
        None => None,
    })
}

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

    /// Display text: `text` (what the user saw or typed, FHIR R4 §2.24.0.11), else the first
    /// coding's `display`, else the code in words (`code_words`): never a raw `system|code`.
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
                    Some(code_in_words(
                        non_blank(c.system.as_deref()).as_deref(),
                        &code,
                    ))
                })
            })
    }
}

/// The display texts of several concepts joined with "; " (e.g. reasons); `None` when none
/// has any text.
pub fn displays_joined(concepts: &[CodeableConcept]) -> Option<String> {
    let texts: Vec<String> = concepts
        .iter()
        .filter_map(CodeableConcept::display)
        .collect();
    (!texts.is_empty()).then(|| texts.join("; "))
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

impl HumanName {
    /// The name to show for a person with `names`: the preferred one (see
    /// [`HumanName::preferred`]) as text, or `None` when nothing is written.
    pub fn preferred_text(names: &[HumanName]) -> Option<String> {
        Some(HumanName::preferred(names)?.display()).filter(|name| !name.is_empty())
    }

    // FHIR gives no ranking of names; official, then usual, then the first non-historical one
    // is what clinicians expect to see.
    fn preferred(names: &[HumanName]) -> Option<&HumanName> {
        let with_use = |wanted: &str| names.iter().find(|n| n.name_use.as_deref() == Some(wanted));
        with_use("official")
            .or_else(|| with_use("usual"))
            .or_else(|| {
                names
                    .iter()
                    .find(|n| !matches!(n.name_use.as_deref(), Some("old") | Some("maiden")))
            })
            .or_else(|| names.first())
    }

    /// Prefix, given names, family and suffix in reading order; `text` when no given or family
    /// name is recorded.
    pub fn display(&self) -> String {
        let parts: Vec<&str> = self
            .prefix
            .iter()
            .chain(&self.given)
            .map(String::as_str)
            .chain(self.family.as_deref())
            .chain(self.suffix.iter().map(String::as_str))
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect();
        let has_core = !self.given.is_empty() || non_blank(self.family.as_deref()).is_some();
        if has_core {
            parts.join(" ")
        } else {
            non_blank(self.text.as_deref()).unwrap_or_else(|| parts.join(" "))
        }
    }
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

/// A reference to another resource (FHIR R4 §2.3.0 "Resource References").
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Reference {
    /// Relative (`Medication/123`), absolute, or local to the container (`#med1`).
    pub reference: Option<String>,
    /// Text for the target, when the sender wrote one.
    pub display: Option<String>,
}

impl Reference {
    /// The id of a contained resource this points at (`#med1` → `med1`).
    pub fn contained_id(&self) -> Option<&str> {
        self.reference
            .as_deref()?
            .strip_prefix('#')
            .filter(|id| !id.is_empty())
    }

    /// The id of the `resource_type` resource this points at, from a relative or absolute
    /// reference, ignoring a `/_history/{version}` suffix.
    pub fn target_id(&self, resource_type: &str) -> Option<&str> {
        let reference = self.reference.as_deref()?;
        let reference = reference
            .split_once("/_history/")
            .map_or(reference, |(head, _)| head);
        let (head, id) = reference.rsplit_once('/')?;
        let named_type = head.rsplit('/').next()?;
        (named_type == resource_type && !id.is_empty()).then_some(id)
    }
}

/// A stretch of time; either end may be missing (an open end means "ongoing" or "unknown").
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Period {
    /// `dateTime` as written.
    pub start: Option<String>,
    /// `dateTime` as written.
    pub end: Option<String>,
}

/// Resource metadata the server maintains (FHIR R4 §2.40, `Meta`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Meta {
    /// When the server last changed the resource, as written.
    pub last_updated: Option<String>,
}

/// A measured amount (FHIR R4 §2.24.0.14), including `Age` and `SimpleQuantity`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Quantity {
    /// The number. JSON numbers are read as binary floats, so `1.50` comes back as `1.5`.
    pub value: Option<f64>,
    /// `<`, `<=`, `>=` or `>`: how to read the value.
    pub comparator: Option<String>,
    /// Unit as people write it.
    pub unit: Option<String>,
    /// Unit system, usually UCUM.
    pub system: Option<String>,
    /// Unit code in `system`, e.g. `mm[Hg]`.
    pub code: Option<String>,
}

impl Quantity {
    /// The unit to show: `unit`, else the code; a UCUM annotation is shown as its words
    /// (`mL/min/{1.73_m2}` → "mL/min/1.73 m²"), and a UCUM code written where words belong
    /// (Synthea copies the code into `unit`) is shown with its print symbols
    /// (`10*3/uL` → "10³/µL").
    pub fn unit_text(&self) -> Option<String> {
        let unit = non_blank(self.unit.as_deref()).or_else(|| non_blank(self.code.as_deref()))?;
        let is_ucum_code = self.system.as_deref().map(str::trim) == Some(UCUM)
            && non_blank(self.code.as_deref()).as_deref() == Some(unit.as_str());
        let words = without_annotation_marks(&unit);
        Some(match is_ucum_code {
            true => ucum_print_symbols(&words),
            false => words,
        })
    }

    /// e.g. `<5 mg/dL`; `None` without a value.
    pub fn display(&self) -> Option<String> {
        let value = super::decimal::shown(self.value?);
        let comparator = self.comparator.as_deref().unwrap_or("").trim();
        Some(match self.unit_text() {
            Some(unit) => format!("{comparator}{value} {unit}"),
            None => format!("{comparator}{value}"),
        })
    }
}

// UCUM writes annotations in curly braces, with underscores for spaces; they carry no meaning
// for the unit, only words for the reader, and servers (Synthea among them) copy the UCUM
// code into `unit` as it is.
fn without_annotation_marks(unit: &str) -> String {
    if !unit.contains('{') {
        return unit.to_owned();
    }
    unit.chars()
        .filter(|c| !matches!(c, '{' | '}'))
        .map(|c| if c == '_' { ' ' } else { c })
        .collect()
}

/// The UCUM code system (FHIR R4 §2.24.0.14: Quantity units are coded in UCUM).
const UCUM: &str = "http://unitsofmeasure.org";

// UCUM atoms a reader knows with the micro prefix, which UCUM's case-sensitive codes write as
// `u` (`uL`, `ug`, `umol`) and its print symbols as µ. `U` alone is an enzyme unit, not micro.
const MICRO_ATOMS: [&str; 9] = ["L", "g", "mol", "m", "eq", "IU", "[IU]", "kat", "s"];

// Each `/`-separated term of a UCUM code as printed: `10*3` and `10^3` as 10³, `u` as µ before
// a known atom, and an exponent of 2 or 3 after a unit letter as ² or ³ (`m2`, `1.73 m2`).
fn ucum_print_symbols(code: &str) -> String {
    code.split('/')
        .map(|term| {
            let power = term
                .strip_prefix("10*")
                .or_else(|| term.strip_prefix("10^"))
                .filter(|exponent| !exponent.is_empty())
                .and_then(|exponent| {
                    exponent
                        .chars()
                        .map(superscript)
                        .collect::<Option<String>>()
                });
            if let Some(power) = power {
                return format!("10{power}");
            }
            if let Some(atom) = term.strip_prefix('u').filter(|a| MICRO_ATOMS.contains(a)) {
                return format!("\u{b5}{atom}");
            }
            let mut chars: Vec<char> = term.chars().collect();
            if let [.., letter, exponent] = chars.as_mut_slice() {
                if letter.is_ascii_alphabetic() && matches!(exponent, '2' | '3') {
                    if let Some(raised) = superscript(*exponent) {
                        *exponent = raised;
                    }
                }
            }
            chars.into_iter().collect()
        })
        .collect::<Vec<String>>()
        .join("/")
}

fn superscript(digit: char) -> Option<char> {
    Some(match digit {
        '0' => '\u{2070}',
        '1' => '\u{b9}',
        '2' => '\u{b2}',
        '3' => '\u{b3}',
        '4'..='9' => char::from_u32(0x2070 + digit.to_digit(10)?)?,
        '-' => '\u{207b}',
        _ => return None,
    })
}

/// A low and high bound, either of which may be missing.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Range {
    /// Inclusive lower bound.
    pub low: Option<Quantity>,
    /// Inclusive upper bound.
    pub high: Option<Quantity>,
}

/// A note with its author and time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Annotation {
    /// Who wrote it, as text.
    pub author_string: Option<String>,
    /// When it was written.
    pub time: Option<String>,
    /// The note (markdown, shown as text).
    pub text: Option<String>,
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
    fn codeable_concept_display_prefers_text_then_display_then_the_code_in_words() {
        let full = r#"{"text":"Asthma","coding":[{"system":"http://snomed.info/sct","code":"195967001","display":"Asthma (disorder)"}]}"#;
        assert_eq!(concept(full).display().as_deref(), Some("Asthma"));
        let no_text =
            r#"{"coding":[{"system":"s","code":"1"},{"system":"s","code":"2","display":"Two"}]}"#;
        assert_eq!(concept(no_text).display().as_deref(), Some("Two"));
        let codes_only = r#"{"coding":[{"system":"http://loinc.org","code":"8867-4"}]}"#;
        assert_eq!(
            concept(codes_only).display().as_deref(),
            Some("8867-4 (LOINC)")
        );
        assert_eq!(concept(r#"{"text":"  "}"#).display(), None);
    }

    #[test]
    fn several_concepts_join_their_display_texts() {
        let concepts = vec![
            concept(r#"{"text":"Chest pain"}"#),
            concept("{}"),
            concept(r#"{"text":"Dyspnea"}"#),
        ];
        assert_eq!(
            displays_joined(&concepts).as_deref(),
            Some("Chest pain; Dyspnea")
        );
        assert_eq!(displays_joined(&[concept("{}")]), None);
    }

    fn reference(text: &str) -> Reference {
        Reference {
            reference: Some(text.into()),
            display: None,
        }
    }

    #[test]
    fn a_reference_names_its_target_id_whether_relative_absolute_or_versioned() {
        assert_eq!(
            reference("Medication/m1").target_id("Medication"),
            Some("m1")
        );
        assert_eq!(
            reference("https://ehr.example/fhir/Medication/m1/_history/3").target_id("Medication"),
            Some("m1")
        );
        assert_eq!(reference("Patient/m1").target_id("Medication"), None);
        assert_eq!(reference("Medication/").target_id("Medication"), None);
    }

    #[test]
    fn a_local_reference_names_a_contained_resource() {
        assert_eq!(reference("#med1").contained_id(), Some("med1"));
        assert_eq!(reference("#").contained_id(), None);
        assert_eq!(reference("Medication/med1").contained_id(), None);
    }

    #[test]
    fn a_quantity_shows_comparator_value_and_unit_else_code() {
        let quantity: Quantity =
            serde_json::from_str(r#"{"value":5.0,"comparator":"<","code":"mg/dL"}"#).unwrap();
        assert_eq!(quantity.display().as_deref(), Some("<5 mg/dL"));
        assert_eq!(Quantity::default().display(), None);
    }

    #[test]
    fn a_ucum_annotation_in_the_unit_is_shown_as_words_without_its_braces() {
        let egfr: Quantity = serde_json::from_str(
            r#"{"value":138.9,"unit":"mL/min/{1.73_m2}","system":"http://unitsofmeasure.org","code":"mL/min/{1.73_m2}"}"#,
        )
        .unwrap();
        assert_eq!(egfr.display().as_deref(), Some("138.9 mL/min/1.73 m\u{b2}"));
        let score: Quantity = serde_json::from_str(r#"{"value":3,"code":"{score}"}"#).unwrap();
        assert_eq!(score.unit_text().as_deref(), Some("score"));
    }

    // UCUM (§4.2.2, print symbols): `10*3` is ten to the third, `u` the micro prefix, and an
    // atom's trailing integer its exponent. Synthea copies the code into `unit`, so a blood
    // count read "5.089 10*6/uL".
    #[test]
    fn a_ucum_code_written_as_the_unit_is_shown_with_its_print_symbols() {
        let shown = |unit: &str| {
            Quantity {
                unit: Some(unit.into()),
                system: Some(UCUM.into()),
                code: Some(unit.into()),
                ..Quantity::default()
            }
            .unit_text()
            .unwrap()
        };
        assert_eq!(shown("10*6/uL"), "10\u{2076}/\u{b5}L");
        assert_eq!(shown("10*3/uL"), "10\u{b3}/\u{b5}L");
        assert_eq!(shown("10^9/L"), "10\u{2079}/L");
        assert_eq!(shown("kg/m2"), "kg/m\u{b2}");
        assert_eq!(shown("ug/dL"), "\u{b5}g/dL");
        assert_eq!(shown("U/L"), "U/L");
        assert_eq!(shown("mmol/L"), "mmol/L");
        assert_eq!(shown("10*3"), "10\u{b3}");
    }

    #[test]
    fn a_unit_in_words_is_shown_as_written() {
        let quantity = Quantity {
            unit: Some("x10^3/uL".into()),
            system: Some(UCUM.into()),
            code: Some("10*3/uL".into()),
            ..Quantity::default()
        };
        assert_eq!(quantity.unit_text().as_deref(), Some("x10^3/uL"));
    }
}
