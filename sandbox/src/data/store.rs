//! The store the FHIR server reads from: the patients in list order, each with a record of
//! its clinical resources that is generated on first use (so a sandbox starts at once even
//! though one patient has more than 10,000 observations), and resources that belong to no
//! patient.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::clinician::practitioner;
use super::summary::{self, PatientSummary};
use super::{clinical, patients};

/// Resources by type, in the order they were added, with an index by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record {
    by_type: HashMap<String, Vec<Value>>,
    index: HashMap<(String, String), usize>,
}

impl Record {
    /// A record holding `resources`; ones without `resourceType` or `id` are dropped.
    pub(crate) fn from_resources(resources: Vec<Value>) -> Record {
        let mut record = Record::default();
        for resource in resources {
            record.push(resource);
        }
        record
    }

    /// Adds one resource; a second resource with the same type and id replaces the first.
    pub(crate) fn push(&mut self, resource: Value) {
        let (Some(ty), Some(id)) = (type_of(&resource), id_of(&resource)) else {
            return;
        };
        let key = (ty.to_string(), id.to_string());
        let list = self.by_type.entry(key.0.clone()).or_default();
        match self.index.get(&key) {
            Some(&at) => list[at] = resource,
            None => {
                self.index.insert(key, list.len());
                list.push(resource);
            }
        }
    }

    /// Every resource of `resource_type`.
    pub(crate) fn of(&self, resource_type: &str) -> &[Value] {
        self.by_type
            .get(resource_type)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The resource of `resource_type` with `id`.
    pub(crate) fn get(&self, resource_type: &str, id: &str) -> Option<&Value> {
        let at = *self
            .index
            .get(&(resource_type.to_string(), id.to_string()))?;
        self.by_type.get(resource_type)?.get(at)
    }
}

/// One patient and its record.
#[derive(Debug, Clone)]
struct Entry {
    patient: Value,
    id: String,
    /// Position in the generated list; `None` for a patient from elsewhere (not yet used).
    position: Option<usize>,
    record: OnceLock<Record>,
}

/// All resources of one sandbox.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    seed: u64,
    entries: Vec<Entry>,
    shared: Record,
}

impl Store {
    /// The generated patients for `seed`; their records are generated on first use.
    pub(crate) fn generate(seed: u64) -> Store {
        let entries = patients::generate(seed)
            .into_iter()
            .enumerate()
            .map(|(position, patient)| Entry {
                id: id_of(&patient).unwrap_or_default().to_string(),
                patient,
                position: Some(position),
                record: OnceLock::new(),
            })
            .collect();
        // The signed-in clinician is a resource like any other: searched and read by id.
        Store {
            seed,
            entries,
            shared: Record::from_resources(vec![practitioner()]),
        }
    }

    /// Adds loaded resources: each Patient (unless its id is taken) with the resources whose
    /// patient reference names it, every other resource beside the patients. Returns one
    /// problem line per skipped Patient.
    pub(crate) fn add_loaded(&mut self, resources: Vec<Value>) -> Vec<String> {
        let mut problems = Vec::new();
        let mut records: HashMap<String, Vec<Value>> = HashMap::new();
        let mut others = Vec::new();
        for resource in resources {
            if type_of(&resource) == Some("Patient") {
                let id = id_of(&resource).unwrap_or_default().to_string();
                if self.has_patient(&id) || records.contains_key(&id) {
                    problems.push(format!("Patient/{id}: the id is already taken; skipped"));
                    continue;
                }
                records.insert(id.clone(), Vec::new());
                self.entries.push(Entry {
                    patient: resource,
                    id,
                    position: None,
                    record: OnceLock::new(),
                });
            } else {
                others.push(resource);
            }
        }
        for resource in others {
            let owner = patient_of(&resource).filter(|id| records.contains_key(*id));
            match owner.map(str::to_string) {
                Some(id) => records.entry(id).or_default().push(resource),
                None => self.shared.push(resource),
            }
        }
        for entry in self.entries.iter_mut().filter(|e| e.position.is_none()) {
            let record = Record::from_resources(records.remove(&entry.id).unwrap_or_default());
            entry.record = OnceLock::from(record);
        }
        problems
    }

    /// True when a patient with this id exists.
    pub(crate) fn has_patient(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id)
    }

    /// The patients in list order, summarized.
    pub(crate) fn patient_summaries(&self) -> Vec<PatientSummary> {
        self.entries
            .iter()
            .map(|e| summary::summarize(&e.patient))
            .collect()
    }

    /// The Patient resources in list order.
    pub(crate) fn patients(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|e| &e.patient)
    }

    /// The clinical record of the patient `id`, generated now if needed.
    pub(crate) fn record(&self, id: &str) -> Option<&Record> {
        let entry = self.entries.iter().find(|e| e.id == id)?;
        Some(self.record_of(entry))
    }

    fn record_of<'a>(&self, entry: &'a Entry) -> &'a Record {
        entry.record.get_or_init(|| {
            let position = entry.position.unwrap_or_default();
            Record::from_resources(clinical::generate(self.seed, position, &entry.patient))
        })
    }

    /// The resources of `resource_type` in the compartment of patient `id` (for Patient:
    /// the patient itself); empty for an unknown patient.
    pub(crate) fn of_patient(&self, id: &str, resource_type: &str) -> Vec<&Value> {
        if resource_type == "Patient" {
            return self.get("Patient", id).into_iter().collect();
        }
        self.record(id)
            .map(|r| r.of(resource_type).iter().collect())
            .unwrap_or_default()
    }

    /// Every resource of `resource_type`, of every patient and of none.
    pub(crate) fn all(&self, resource_type: &str) -> Vec<&Value> {
        if resource_type == "Patient" {
            return self.patients().collect();
        }
        let mut all: Vec<&Value> = Vec::new();
        for entry in &self.entries {
            all.extend(self.record_of(entry).of(resource_type));
        }
        all.extend(self.shared.of(resource_type));
        all
    }

    /// The resource of `resource_type` with `id`.
    pub(crate) fn get(&self, resource_type: &str, id: &str) -> Option<&Value> {
        if resource_type == "Patient" {
            return self.entries.iter().find(|e| e.id == id).map(|e| &e.patient);
        }
        if let Some(found) = self.shared.get(resource_type, id) {
            return Some(found);
        }
        // Generated ids start with their patient's id, so only that record is generated.
        self.entries
            .iter()
            .filter(|e| {
                e.position.is_none()
                    || id
                        .strip_prefix(e.id.as_str())
                        .is_some_and(|rest| rest.starts_with('-'))
            })
            .find_map(|e| self.record_of(e).get(resource_type, id))
    }

    /// The patient whose compartment holds this resource, if any.
    pub(crate) fn owner<'a>(&'a self, resource_type: &str, id: &'a str) -> Option<&'a str> {
        if resource_type == "Patient" {
            return self.has_patient(id).then_some(id);
        }
        self.entries
            .iter()
            .filter(|e| e.position.is_none() || id.starts_with(e.id.as_str()))
            .find(|e| self.record_of(e).get(resource_type, id).is_some())
            .map(|e| e.id.as_str())
    }
}

/// The patient whose compartment holds `resource` of a served type: a Patient's own id,
/// else the patient its compartment reference names.
pub(crate) fn compartment_owner(resource: &Value) -> Option<&str> {
    match type_of(resource)? {
        "Patient" => id_of(resource),
        _ => patient_of(resource),
    }
}

/// The patient a resource of a served type belongs to, by its compartment reference.
fn patient_of(resource: &Value) -> Option<&str> {
    let ty = crate::registry::type_named(type_of(resource)?)?;
    let path = ty.patient_path.filter(|p| *p != "id")?;
    resource
        .get(path)?
        .get("reference")?
        .as_str()?
        .strip_prefix("Patient/")
}

/// `resourceType` of a resource.
pub(crate) fn type_of(resource: &Value) -> Option<&str> {
    resource.get("resourceType").and_then(Value::as_str)
}

/// `id` of a resource.
pub(crate) fn id_of(resource: &Value) -> Option<&str> {
    resource.get("id").and_then(Value::as_str)
}
