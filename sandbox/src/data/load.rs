//! FHIR R4 JSON from a folder (`--data DIR`): transaction and collection Bundles as
//! Synthea writes them, single resources (`*.json`) and NDJSON (`*.ndjson`, one resource a
//! line). `urn:uuid:` references between the entries of a Bundle are rewritten to
//! `Type/id`. A file that cannot be read or parsed is reported by name and skipped.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use super::store::{id_of, type_of};

/// What a folder held: its resources, and one problem line per skipped file or line.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// Every resource, Bundles unpacked, in file-name order.
    pub(crate) resources: Vec<Value>,
    /// `{file}: {what is wrong}` for each file or NDJSON line that was skipped.
    pub(crate) problems: Vec<String>,
}

/// Reads every `*.json` and `*.ndjson` file directly in `dir`, in name order.
pub(crate) fn load_dir(dir: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(error) => {
            loaded.problems.push(format!("{}: {error}", dir.display()));
            return loaded;
        }
    };
    files.sort();
    for file in files {
        let name = file.display().to_string();
        let extension = file
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !matches!(extension, "json" | "ndjson") {
            continue;
        }
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(error) => {
                loaded.problems.push(format!("{name}: {error}"));
                continue;
            }
        };
        if extension == "ndjson" {
            for (number, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                match parse(line) {
                    Ok(resources) => loaded.resources.extend(resources),
                    Err(error) => loaded
                        .problems
                        .push(format!("{name} line {}: {error}", number + 1)),
                }
            }
        } else {
            match parse(&text) {
                Ok(resources) => loaded.resources.extend(resources),
                Err(error) => loaded.problems.push(format!("{name}: {error}")),
            }
        }
    }
    loaded
}

/// One JSON document: a resource, or a Bundle whose entries are returned with their
/// `urn:uuid:` references resolved.
pub fn parse(text: &str) -> Result<Vec<Value>, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let Some(ty) = type_of(&value) else {
        return Err("no resourceType: not a FHIR resource".into());
    };
    if ty != "Bundle" {
        return match id_of(&value) {
            Some(_) => Ok(vec![value]),
            None => Err(format!("a {ty} without an id")),
        };
    }
    let entries = value
        .get("entry")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut targets: HashMap<String, String> = HashMap::new();
    for entry in &entries {
        let resource = &entry["resource"];
        if let (Some(url), Some(ty), Some(id)) = (
            entry.get("fullUrl").and_then(Value::as_str),
            type_of(resource),
            id_of(resource),
        ) {
            targets.insert(url.to_string(), format!("{ty}/{id}"));
        }
    }
    let mut resources = Vec::new();
    for entry in entries {
        let Some(mut resource) = entry.get("resource").cloned() else {
            continue;
        };
        if id_of(&resource).is_none() {
            continue;
        }
        resolve(&mut resource, &targets);
        resources.push(resource);
    }
    Ok(resources)
}

/// Rewrites every `reference` that names a Bundle entry's `fullUrl` (e.g. `urn:uuid:…`).
fn resolve(value: &mut Value, targets: &HashMap<String, String>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members.iter_mut() {
                match member {
                    Value::String(text) if name == "reference" => {
                        if let Some(target) = targets.get(text.as_str()) {
                            *text = target.clone();
                        }
                    }
                    other => resolve(other, targets),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| resolve(item, targets)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urn_uuid_references_of_a_transaction_bundle_become_type_and_id() {
        let bundle = r#"{"resourceType":"Bundle","type":"transaction","entry":[
            {"fullUrl":"urn:uuid:aaa","resource":{"resourceType":"Patient","id":"aaa"}},
            {"fullUrl":"urn:uuid:bbb","resource":{"resourceType":"Observation","id":"bbb","subject":{"reference":"urn:uuid:aaa"}}}]}"#;
        let resources = parse(bundle).unwrap_or_default();
        assert_eq!(resources.len(), 2);
        assert_eq!(resources[1]["subject"]["reference"], "Patient/aaa");
    }

    #[test]
    fn a_resource_without_a_resource_type_is_refused() {
        assert!(parse(r#"{"id":"x"}"#).is_err());
    }

    #[test]
    fn a_broken_file_is_reported_by_name_and_the_others_load() {
        let dir = std::env::temp_dir().join(format!("sandbox-load-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let written = std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(dir.join("bad.json"), "{"))
            .and_then(|_| {
                std::fs::write(
                    dir.join("good.json"),
                    r#"{"resourceType":"Patient","id":"p"}"#,
                )
            });
        assert!(written.is_ok());
        let loaded = load_dir(&dir);
        assert_eq!(loaded.resources.len(), 1);
        assert_eq!(loaded.problems.len(), 1);
        assert!(
            loaded.problems[0].contains("bad.json"),
            "{:?}",
            loaded.problems
        );
    }

    #[test]
    fn broken_json_is_refused() {
        assert!(parse("{\"resourceType\":").is_err());
    }
}
