//! `cargo xtask bench [--runs N] [--delay-ms D] [--out FILE]`: builds the app, then runs the
//! benchmark driver (`bench/`, binary `bedside-bench`) against it. BENCHMARKS.md says what it
//! measures and how to read it.

use std::process::Command;

/// Runs the driver built for speed: the workspace's release profile is tuned for the wasm
/// bundle's size (opt-level "z", fat LTO), which would slow the in-process sandbox that
/// answers the browser. Its own target directory keeps `cargo xtask demo`'s build intact.
pub fn bench(args: &[String]) -> Result<(), String> {
    let root = std::env::current_dir().map_err(|e| e.to_string())?;
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
        .args(args)
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_PANIC", "unwind")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("CHROMIUM", "/usr/bin/chromium");
    super::run(&mut command)
}
