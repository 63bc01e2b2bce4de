//! Guards the layering of `src/`: the pure layers must not reach for web APIs, so their rules
//! stay testable with plain `cargo test`; and no file, and no top-level module, depends on itself
//! through others, so each layer can be read, tested and changed from the bottom up.
//!
//! The circle check reads the crate's own paths (`use crate::…`, `use super::…`, grouped
//! `use crate::{a, b::c}` trees, and paths such as `crate::x::y(…)` written inline in code), follows
//! re-exports to the file that defines the item, and fails on any strongly connected set of files
//! or of top-level modules. It is a function over a source root ([`import_circles`]), so another
//! crate of this workspace can be held to the same rule.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[path = "support/import_circles.rs"]
mod import_circles;

use import_circles::{
    assert_no_file_circles, assert_no_module_circles, import_circles, lex, Edge, ImportGraph, Kind,
    Token,
};

const EFFECT_CRATES: [&str; 5] = ["leptos", "web_sys", "gloo", "wasm_bindgen", "js_sys"];

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(path: &Path, found: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), found);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        found.push(path.to_path_buf());
    }
}

/// The modules `lib.rs` declares for every target: everything but the browser-only shell and UI,
/// which `lib.rs` compiles for wasm32 alone. These are the pure layers.
fn pure_modules() -> Vec<String> {
    let tokens = lex(&std::fs::read_to_string(source_root().join("lib.rs")).unwrap());
    let mut pure = Vec::new();
    let mut wasm_only = false;
    for (at, token) in tokens.iter().enumerate() {
        match &token.kind {
            Kind::Str(word) if word == "wasm32" => wasm_only = true,
            Kind::Ident(word) if word == "mod" => {
                if let Some(Token {
                    kind: Kind::Ident(name),
                    ..
                }) = tokens.get(at + 1)
                {
                    if !wasm_only {
                        pure.push(name.clone());
                    }
                }
                wasm_only = false;
            }
            _ => {}
        }
    }
    pure
}

#[test]
fn pure_layers_do_not_use_browser_or_ui_crates() {
    let root = source_root();
    let mut files = Vec::new();
    for module in pure_modules() {
        rust_files(&root.join(format!("{module}.rs")), &mut files);
        rust_files(&root.join(&module), &mut files);
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

// The guard above takes the pure layers from `lib.rs`'s declarations; this keeps the crate's own
// description of them (the first sentence of its documentation) from drifting away from that.
#[test]
fn lib_rs_names_exactly_the_modules_it_compiles_for_every_target_as_pure() {
    let text = std::fs::read_to_string(source_root().join("lib.rs")).unwrap();
    let start = text
        .find("The pure layers (")
        .expect("lib.rs names its pure layers")
        + 17;
    let end = start + text[start..].find(')').unwrap();
    let named: BTreeSet<String> = text[start..end]
        .split(',')
        .map(|name| name.replace("//!", "").trim().trim_matches('`').to_string())
        .collect();
    let declared: BTreeSet<String> = pure_modules().into_iter().collect();
    assert_eq!(named, declared);
}

// The planner (`fhir`) and the view models (`summary`) both read the clinical code table; it
// stays below both only while it imports nothing from the crate.
#[test]
fn the_clinical_code_table_imports_nothing_from_the_crate() {
    let graph = ImportGraph::read(&source_root());
    let table = source_root().join("clinical_codes.rs");
    let imports: Vec<&Edge> = graph.edges.iter().filter(|e| e.from == table).collect();
    assert!(imports.is_empty(), "clinical_codes imports {imports:?}");
}

#[test]
fn no_file_in_src_depends_on_itself_through_other_files() {
    assert_no_file_circles(&source_root());
}

#[test]
fn no_top_level_module_in_src_depends_on_itself_through_other_modules() {
    assert_no_module_circles(&source_root());
}

// The reader above must see every form of path the crate writes, or it passes by not looking.
// These small crates hold known circles (and known non-circles) in each form.

#[test]
fn a_circle_through_grouped_use_trees_and_inline_paths_is_found() {
    let circles = import_circles(&fixture(
        "grouped",
        &[
            ("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            (
                "a.rs",
                "use crate::{c, b::{self as bee, Thing}};\npub fn f() {}\n",
            ),
            ("b.rs", "pub struct Thing;\npub fn g() { crate::a::f() }\n"),
            ("c.rs", "pub fn h() {}\n"),
        ],
    ));
    assert_eq!(circles.files, ["a.rs -> b.rs -> a.rs"]);
    assert_eq!(circles.modules, ["a -> b -> a"]);
}

#[test]
fn a_circle_between_sibling_files_through_super_is_found_but_is_no_module_circle() {
    let circles = import_circles(&fixture(
        "siblings",
        &[
            ("lib.rs", "pub mod m;\n"),
            ("m/mod.rs", "pub mod x;\npub mod y;\n"),
            ("m/x.rs", "use super::y::Y;\npub struct X;\n"),
            (
                "m/y.rs",
                "pub struct Y;\nfn f() -> super::super::m::x::X { todo!() }\n",
            ),
        ],
    ));
    assert_eq!(circles.files, ["m/x.rs -> m/y.rs -> m/x.rs"]);
    assert!(circles.modules.is_empty(), "{:?}", circles.modules);
}

#[test]
fn a_circle_through_a_re_export_reaches_the_defining_file() {
    let circles = import_circles(&fixture(
        "reexport",
        &[
            ("lib.rs", "pub mod low;\npub mod high;\n"),
            ("low/mod.rs", "mod inner;\npub use inner::Thing;\n"),
            ("low/inner.rs", "use crate::high::Top;\npub struct Thing;\n"),
            (
                "high.rs",
                "use crate::low::Thing;\npub struct Top(Thing);\n",
            ),
        ],
    ));
    assert_eq!(circles.files, ["high.rs -> low/inner.rs -> high.rs"]);
    assert_eq!(circles.modules, ["high -> low -> high"]);
}

#[test]
fn a_circle_through_a_module_imported_by_name_and_used_inline_is_found() {
    let circles = import_circles(&fixture(
        "by-name",
        &[
            ("lib.rs", "pub mod a;\npub mod b;\n"),
            ("a.rs", "use crate::b;\npub fn f() { b::g() }\n"),
            ("b/mod.rs", "mod inner;\npub use inner::g;\n"),
            ("b/inner.rs", "pub fn g() { super::super::a::f() }\n"),
        ],
    ));
    assert_eq!(circles.files, ["a.rs -> b/inner.rs -> a.rs"]);
    assert_eq!(circles.modules, ["a -> b -> a"]);
}

#[test]
fn comments_strings_tests_modules_and_path_attributes_make_no_circle() {
    let circles = import_circles(&fixture(
        "quiet",
        &[
            ("lib.rs", "pub mod a;\npub mod b;\n"),
            (
                "a.rs",
                "use crate::b::B;\npub struct A;\n\
                 #[cfg(test)]\n#[path = \"a_tests.rs\"]\nmod tests;\n",
            ),
            ("a_tests.rs", "use super::*;\nuse crate::b::B;\n"),
            (
                "b.rs",
                "// crate::a::A in a comment\n/* crate::a::A /* nested */ */\n\
                 pub struct B;\nconst S: &str = \"crate::a::A\";\nconst R: &str = r#\"crate::a\"#;\n\
                 fn lifetime<'a>(x: &'a str) -> char { let _ = x; '\"' }\n\
                 #[cfg(test)]\nmod tests {\n    use super::*;\n    fn t() { let _ = B; }\n}\n",
            ),
        ],
    ));
    assert!(circles.files.is_empty(), "{:?}", circles.files);
    assert!(circles.modules.is_empty(), "{:?}", circles.modules);
}

#[test]
fn a_visibility_path_is_no_import_but_a_real_one_beside_it_is() {
    let quiet = import_circles(&fixture(
        "visibility",
        &[
            ("lib.rs", "pub mod data;\n"),
            ("data/mod.rs", "mod people;\nmod store;\n"),
            (
                "data/people.rs",
                "pub(super) mod index {\n    pub(in super::super) const ZOE: usize = 0;\n}\n",
            ),
            ("data/store.rs", "use super::people::index;\n"),
        ],
    ));
    assert!(quiet.files.is_empty(), "{:?}", quiet.files);
    let circle = import_circles(&fixture(
        "visibility-and-use",
        &[
            ("lib.rs", "pub mod data;\n"),
            (
                "data/mod.rs",
                "mod people;\nuse crate::data::people::g;\npub fn f() { g() }\n",
            ),
            (
                "data/people.rs",
                "pub(in crate::data) fn g() { super::f() }\n",
            ),
        ],
    ));
    assert_eq!(
        circle.files,
        ["data/mod.rs -> data/people.rs -> data/mod.rs"]
    );
}

/// Writes a small crate into a fresh temporary directory and returns its source root.
fn fixture(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(format!("bedside-layers-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}
