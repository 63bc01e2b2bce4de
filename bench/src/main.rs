//! `bedside-bench`: measures Bedside's speed and size (run it through `cargo xtask bench`).
//!
//! Starts the sandbox in-process serving the built app, then, for each run, three fresh
//! headless Chromium browsers (WebDriver, DevTools network latency on every request): an EHR
//! launch inside the EHR page's iframe, a standalone launch, and the 10,000-observation
//! patient. With `--comparator DIR` (the built fhirclient.js app of `xtask/comparator/`), each
//! run also times a typical EHR launch in a tab and the 10,000-observation patient in that app,
//! served beside Bedside on the app origin and sending Bedside's queries, alternating which of
//! the two goes first, and prints Bedside/fhirclient ratios. Prints a table, writes JSON, and
//! reports each budget as pass or miss without failing. BENCHMARKS.md explains every figure.

mod browser;
mod report;
mod scenarios;
mod sizes;
mod timeline;
mod waves;

use report::{Report, Scenario};
use scenarios::App;
use std::path::{Path, PathBuf};

struct Args {
    runs: usize,
    delay_ms: u64,
    out: PathBuf,
    dist: PathBuf,
    comparator: Option<PathBuf>,
}

const USAGE: &str =
    "usage: bedside-bench [--runs N] [--delay-ms D] [--out FILE] [--dist DIR] [--comparator DIR]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        runs: 5,
        delay_ms: 50,
        out: PathBuf::from("target/bench.json"),
        dist: PathBuf::from("dist"),
        comparator: None,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mut value = || given.next().ok_or(format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--runs" => args.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--delay-ms" => {
                args.delay_ms = value()?.parse().map_err(|e| format!("--delay-ms: {e}"))?
            }
            "--out" => args.out = PathBuf::from(value()?),
            "--dist" => args.dist = PathBuf::from(value()?),
            "--comparator" => args.comparator = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    if args.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    Ok(args)
}

fn patient(sandbox: &sandbox::Running, given: &str) -> Result<String, String> {
    sandbox
        .patients()
        .iter()
        .find(|p| p.display_name.starts_with(given))
        .map(|p| p.id.clone())
        .ok_or_else(|| format!("the sandbox has no patient named {given}"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let result = match parse_args() {
        Ok(args) => bench(args).await,
        Err(message) => Err(message),
    };
    if let Err(message) = result {
        eprintln!("bedside-bench: {message}");
        std::process::exit(1);
    }
}

async fn bench(args: Args) -> Result<(), String> {
    if !args.dist.join("index.html").is_file() {
        return Err(format!(
            "{} has no index.html: build the app first (`cargo xtask build`)",
            args.dist.display()
        ));
    }
    let first_load = sizes::measure(&args.dist, "index.html")?;
    // What the sandbox answers at `/`, which is what a standalone user loads first.
    let start_page = sizes::measure(&args.dist, sandbox::page_at(&args.dist, "/"))?;
    let launch_page = sizes::measure(&args.dist, "launch.html")?;
    let mut options = sandbox::Options {
        app_dir: Some(args.dist.clone()),
        ..sandbox::Options::default()
    };
    if let Some(comparator) = &args.comparator {
        // Both apps on one origin: the sandbox's CORS and client registration stay as they are,
        // with the comparator's callback page registered beside Bedside's.
        let both = std::env::temp_dir().join(format!("bedside-bench-app-{}", std::process::id()));
        copy_dir(&args.dist, &both)?;
        copy_dir(comparator, &both.join("comparator"))?;
        options.app_dir = Some(both);
        options.app_port = browser::free_port()?;
        options.extra_redirect_uris = vec![format!(
            "http://localhost:{}/comparator/callback.html",
            options.app_port
        )];
    }
    let staged = options
        .app_dir
        .clone()
        .filter(|_| args.comparator.is_some());
    let sandbox = sandbox::start(options)
        .await
        .map_err(|e| format!("the sandbox did not start: {e}"))?;
    let ehr_patient = patient(&sandbox, "Zoë")?;
    let standalone_patient = patient(&sandbox, "Ольга")?;
    let large = patient(&sandbox, "Maximilian")?;

    let mut driver = browser::Driver::start().await?;
    let mut ehr = Scenario::new(
        "ehr_launch_iframe",
        "(a) EHR launch in the EHR page's iframe",
    );
    let mut standalone = Scenario::new("standalone_launch", "(b) standalone launch");
    let mut large_patient = Scenario::new("large_patient", "(c) 10,000-observation patient");
    let mut typical = Scenario::new("typical_tab_launch", "(d) typical EHR launch in a tab");
    let mut typical_fhirclient = Scenario::comparator(
        "fhirclient_typical_tab_launch",
        "(d') the same launch: fhirclient.js app, Bedside's queries",
    );
    let mut large_fhirclient = Scenario::comparator(
        "fhirclient_large_patient",
        "(c') the 10,000-observation patient: fhirclient.js app, Bedside's queries",
    );
    let outcome = async {
        for run in 1..=args.runs {
            eprintln!("bedside-bench: run {run} of {}", args.runs);
            let browser = driver.browser(args.delay_ms, false).await?;
            let result = scenarios::ehr_launch_in_iframe(&browser, &sandbox, &ehr_patient).await;
            browser.close().await;
            ehr.add(result?);

            let browser = driver.browser(args.delay_ms, false).await?;
            let result =
                scenarios::standalone_launch(&browser, &sandbox, &standalone_patient).await;
            browser.close().await;
            standalone.add(result?);

            if args.comparator.is_none() {
                let browser = driver.browser(args.delay_ms, false).await?;
                let result = scenarios::large_patient(&browser, &sandbox, &large).await;
                browser.close().await;
                large_patient.add(result?);
                continue;
            }
            // Which app goes first alternates, so a drift in the machine's load weighs on both.
            let order = if run % 2 == 1 {
                [App::Bedside, App::Fhirclient]
            } else {
                [App::Fhirclient, App::Bedside]
            };
            for app in order {
                let browser = driver.browser(args.delay_ms, true).await?;
                let result = scenarios::tab_launch(&browser, &sandbox, &ehr_patient, app).await;
                browser.close().await;
                match app {
                    App::Bedside => typical.add(result?),
                    App::Fhirclient => typical_fhirclient.add(result?),
                }
            }
            for app in order {
                let browser = driver.browser(args.delay_ms, false).await?;
                let result = match app {
                    App::Bedside => scenarios::large_patient(&browser, &sandbox, &large).await,
                    App::Fhirclient => scenarios::tab_launch(&browser, &sandbox, &large, app).await,
                };
                browser.close().await;
                match app {
                    App::Bedside => large_patient.add(result?),
                    App::Fhirclient => large_fhirclient.add(result?),
                }
            }
        }
        Ok::<(), String>(())
    }
    .await;
    driver.stop();
    sandbox.shutdown().await;
    if let Some(staged) = staged {
        let _ = std::fs::remove_dir_all(staged);
    }
    outcome?;
    let mut scenarios = vec![ehr, standalone, large_patient];
    if args.comparator.is_some() {
        scenarios.extend([typical, typical_fhirclient, large_fhirclient]);
    }

    let report = Report {
        runs: args.runs,
        delay_ms: args.delay_ms,
        first_load,
        start_page,
        launch_page,
        scenarios,
    };
    println!("{}", report.table());
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let json = serde_json::to_string_pretty(&report.to_json()).expect("JSON from values");
    std::fs::write(&args.out, json + "\n").map_err(|e| format!("{}: {e}", args.out.display()))?;
    println!("Written to {}", args.out.display());
    Ok(())
}

/// Copies the files of `from` into `to`, folders included.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("{}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}
