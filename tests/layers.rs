//! Guards the layer boundary: the pure layers must not reach for web APIs, so their rules stay
//! testable with plain `cargo test` (see DESIGN.md §2).
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

const PURE: [&str; 9] = [
    "src/clinical_codes.rs",
    "src/sections",
    "src/smart",
    "src/fhir",
    "src/summary",
    "src/config.rs",
    "src/http.rs",
    "src/problem.rs",
    "src/route.rs",
];
const EFFECT_CRATES: [&str; 5] = ["leptos", "web_sys", "gloo", "wasm_bindgen", "js_sys"];

fn rust_files(path: &Path, found: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), found);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        found.push(path.to_path_buf());
    }
}

#[test]
fn pure_layers_do_not_use_browser_or_ui_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for part in PURE {
        rust_files(&root.join(part), &mut files);
    }
    assert!(
        files.len() > 10,
        "the pure layers were not found: {files:?}"
    );
    let mut offences = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for krate in EFFECT_CRATES {
                if line.contains(&format!("{krate}::")) {
                    offences.push(format!(
                        "{}:{}: {}",
                        file.display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "pure layers use effect crates:\n{}",
        offences.join("\n")
    );
}

// The planner (`fhir`) and the view models (`summary`) both read the clinical code table; it
// stays below both only while it imports nothing from the crate.
#[test]
fn the_clinical_code_table_imports_nothing_from_the_crate() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/clinical_codes.rs");
    let text = std::fs::read_to_string(&path).unwrap();
    let imports: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("crate::") || line.contains("super::"))
        .filter(|line| !line.trim_start().starts_with("//"))
        .filter(|line| !line.contains("use super::*"))
        .collect();
    assert!(imports.is_empty(), "clinical_codes imports {imports:?}");
}
