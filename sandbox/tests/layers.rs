//! The sandbox is held to the app's rule: no file, and no top-level module, of `sandbox/src`
//! depends on itself through others (the check is the app's own, `tests/support/`).
#![cfg(not(target_arch = "wasm32"))]

#[path = "../../tests/support/import_circles.rs"]
mod import_circles;

use import_circles::{assert_no_file_circles, assert_no_module_circles};
use std::path::{Path, PathBuf};

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_file_in_sandbox_src_depends_on_itself_through_other_files() {
    assert_no_file_circles(&source_root());
}

#[test]
fn no_top_level_module_in_sandbox_src_depends_on_itself_through_other_modules() {
    assert_no_module_circles(&source_root());
}
