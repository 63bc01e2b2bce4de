//! Patient summaries: the name, birth date, gender and MRN a list or a banner shows,
//! derived from a Patient resource.

use serde_json::Value;

/// A patient as a list or a banner shows it, derived from the Patient resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientSummary {
    /// The Patient resource id.
    pub id: String,
    /// The name as the app banner should show it: given names, then family name.
    pub display_name: String,
    /// `Patient.birthDate`, when recorded.
    pub birth_date: Option<String>,
    /// `Patient.gender`, when recorded.
    pub gender: Option<String>,
    /// The medical record number (identifier of type `MR`), when recorded.
    pub mrn: Option<String>,
}

/// Summarizes a Patient resource: the official (else first) name as "Given Family", falling
/// back to its `text`, and the identifier whose type is `MR`.
pub(crate) fn summarize(patient: &Value) -> PatientSummary {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let names = patient.get("name").and_then(Value::as_array);
    let name = names.and_then(|names| {
        names
            .iter()
            .find(|n| n.get("use").and_then(Value::as_str) == Some("official"))
            .or_else(|| names.first())
    });
    let display_name = name.map(display_name).unwrap_or_default();
    let mrn = patient
        .get("identifier")
        .and_then(Value::as_array)
        .and_then(|ids| ids.iter().find(|id| identifier_type(id) == Some("MR")))
        .and_then(|id| text(id, "value"));
    PatientSummary {
        id: text(patient, "id").unwrap_or_default(),
        display_name,
        birth_date: text(patient, "birthDate"),
        gender: text(patient, "gender"),
        mrn,
    }
}

fn display_name(name: &Value) -> String {
    let mut parts: Vec<&str> = name
        .get("given")
        .and_then(Value::as_array)
        .map(|given| given.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    parts.extend(name.get("family").and_then(Value::as_str));
    if parts.is_empty() {
        return name
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
    }
    parts.join(" ")
}

fn identifier_type(identifier: &Value) -> Option<&str> {
    identifier
        .pointer("/type/coding")?
        .as_array()?
        .iter()
        .find_map(|c| c.get("code").and_then(Value::as_str))
}
