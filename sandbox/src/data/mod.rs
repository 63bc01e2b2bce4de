//! Synthetic clinical data, generated from a seed and held as FHIR R4 JSON by type and id.
//!
//! The store is the one place the FHIR server reads resources from; new kinds of data
//! (conditions, observations, ...) are new generator modules that add resources here.

mod patients;

use std::collections::HashMap;

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

/// All synthetic resources of one sandbox.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    resources: HashMap<(String, String), Value>,
    patient_ids: Vec<String>,
}

impl Store {
    /// Generates every resource from `seed`; the same seed always gives the same store.
    pub(crate) fn generate(seed: u64) -> Store {
        let patients = patients::generate(seed);
        let patient_ids = patients.iter().filter_map(resource_id).collect();
        let mut store = Store {
            resources: HashMap::new(),
            patient_ids,
        };
        for resource in patients {
            store.insert(resource);
        }
        store
    }

    fn insert(&mut self, resource: Value) {
        let ty = resource.get("resourceType").and_then(Value::as_str);
        if let (Some(ty), Some(id)) = (ty, resource_id(&resource)) {
            self.resources.insert((ty.to_string(), id), resource);
        }
    }

    /// The resource of type `resource_type` with id `id`.
    pub(crate) fn get(&self, resource_type: &str, id: &str) -> Option<&Value> {
        self.resources
            .get(&(resource_type.to_string(), id.to_string()))
    }

    /// The patients in list order, summarized.
    pub(crate) fn patient_summaries(&self) -> Vec<PatientSummary> {
        self.patient_ids
            .iter()
            .filter_map(|id| self.get("Patient", id))
            .map(summarize)
            .collect()
    }
}

fn resource_id(resource: &Value) -> Option<String> {
    resource
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_patients_and_another_seed_other_ids() {
        let a = Store::generate(7).patient_summaries();
        assert_eq!(a, Store::generate(7).patient_summaries());
        let b = Store::generate(8).patient_summaries();
        assert_eq!(a.len(), b.len());
        assert!(a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.id != y.id && x.display_name == y.display_name));
    }

    #[test]
    fn there_are_at_least_twelve_patients_with_unique_ids_and_mrns() {
        let patients = Store::generate(1).patient_summaries();
        assert!(patients.len() >= 12);
        let ids: std::collections::HashSet<_> = patients.iter().map(|p| &p.id).collect();
        let mrns: std::collections::HashSet<_> =
            patients.iter().filter_map(|p| p.mrn.as_ref()).collect();
        assert_eq!(ids.len(), patients.len());
        assert_eq!(mrns.len(), patients.len() - 1);
    }

    #[test]
    fn display_names_read_given_then_family() {
        let names: Vec<String> = Store::generate(7)
            .patient_summaries()
            .into_iter()
            .map(|p| p.display_name)
            .collect();
        for expected in [
            "Zoë Ångström",
            "Ольга Смирнова",
            "太郎 山田",
            "José Núñez",
            "<b>Bold</b> & \"quotes\"",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} missing from {names:?}"
            );
        }
    }

    #[test]
    fn one_patient_has_only_a_text_name() {
        let store = Store::generate(7);
        let bare: Vec<PatientSummary> = store
            .patient_summaries()
            .into_iter()
            .filter(|p| p.birth_date.is_none() && p.gender.is_none() && p.mrn.is_none())
            .collect();
        assert_eq!(bare.len(), 1);
        let resource = store
            .get("Patient", &bare[0].id)
            .cloned()
            .unwrap_or_default();
        assert!(resource.get("identifier").is_none() && resource.get("telecom").is_none());
        assert!(!bare[0].display_name.is_empty());
    }

    #[test]
    fn every_mrn_identifier_uses_the_v2_mr_type_and_the_sandbox_system() {
        let store = Store::generate(7);
        for summary in store.patient_summaries().iter().filter(|p| p.mrn.is_some()) {
            let patient = store
                .get("Patient", &summary.id)
                .cloned()
                .unwrap_or_default();
            let mr = &patient["identifier"][0];
            assert_eq!(
                mr["type"]["coding"][0]["system"],
                "http://terminology.hl7.org/CodeSystem/v2-0203"
            );
            assert_eq!(mr["type"]["coding"][0]["code"], "MR");
            assert_eq!(mr["system"], "urn:oid:2.16.840.1.113883.19.5");
            assert_eq!(patient["identifier"].as_array().map(Vec::len), Some(2));
        }
    }
}
