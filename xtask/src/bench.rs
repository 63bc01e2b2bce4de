//! `cargo xtask bench [--runs N] [--delay-ms D] [--out FILE]`: builds the app and the
//! fhirclient.js comparator (`xtask/comparator/`), then runs the benchmark driver (`bench/`,
//! binary `bedside-bench`) against both. BENCHMARKS.md says what it measures and how to read it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The fhirclient.js release the comparator is written against.
const FHIRCLIENT_VERSION: &str = "2.6.3";
/// The bundler that builds the comparator.
const ESBUILD_VERSION: &str = "0.25.0";
/// Where npm installs both (apart from binaryen's `target/tools`: an npm install there would
/// remove what it did not install itself).
const COMPARATOR_TOOLS: &str = "target/tools/comparator";
/// The built comparator: its two pages and two bundles.
const COMPARATOR_OUT: &str = "target/comparator";

/// Installs fhirclient.js and esbuild from npm when they are not there in these versions, then
/// bundles the comparator's `launch.js` and `app.js` and copies its pages beside them.
fn build_comparator(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(COMPARATOR_TOOLS);
    let modules = tools.join("node_modules");
    let installed = |package: &str, version: &str| {
        std::fs::read_to_string(modules.join(package).join("package.json"))
            .is_ok_and(|text| text.contains(&format!("\"version\": \"{version}\"")))
    };
    if !installed("fhirclient", FHIRCLIENT_VERSION) || !installed("esbuild", ESBUILD_VERSION) {
        super::run(
            Command::new("npm")
                .args(["install", "--no-save", "--no-package-lock", "--prefix"])
                .arg(&tools)
                .arg(format!("fhirclient@{FHIRCLIENT_VERSION}"))
                .arg(format!("esbuild@{ESBUILD_VERSION}")),
        )?;
    }
    let source = root.join("xtask/comparator");
    let out = root.join(COMPARATOR_OUT);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for page in ["launch.html", "callback.html"] {
        std::fs::copy(source.join(page), out.join(page))
            .map_err(|e| format!("{}: {e}", source.join(page).display()))?;
    }
    super::run(
        Command::new(modules.join(".bin/esbuild"))
            .arg(source.join("launch.js"))
            .arg(source.join("app.js"))
            .args(["--bundle", "--minify", "--format=iife", "--target=es2020"])
            .arg(format!("--outdir={}", out.display()))
            .env("NODE_PATH", &modules),
    )?;
    Ok(out)
}

/// Runs the driver built for speed: the workspace's release profile is tuned for the wasm
/// bundle's size (opt-level "z", fat LTO), which would slow the in-process sandbox that
/// answers the browser. Its own target directory keeps `cargo xtask demo`'s build intact.
pub fn bench(args: &[String]) -> Result<(), String> {
    let root = std::env::current_dir().map_err(|e| e.to_string())?;
    let comparator = build_comparator(&root)?;
    let mut command = Command::new("cargo");
    command
        .args([
            "run",
            "--release",
            "--package",
            "bench",
            "--bin",
            "bedside-bench",
        ])
        .arg("--target-dir")
        .arg(root.join("target/bench"))
        .arg("--")
        .arg("--dist")
        .arg(root.join("dist"))
        .arg("--comparator")
        .arg(comparator)
        .args(args)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_PANIC", "unwind")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("CHROMIUM", "/usr/bin/chromium");
    super::run(&mut command)
}
