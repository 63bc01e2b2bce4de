//! `bedside-bench`: measures Bedside's speed and size (run it through `cargo xtask bench`).
//!
//! Starts the sandbox in-process serving the built app, then, for each run, three fresh
//! headless Chromium browsers (WebDriver, DevTools network latency on every request): an EHR
//! launch inside the EHR page's iframe, a standalone launch, and the 10,000-observation
//! patient. Prints a table, writes JSON, and reports each budget as pass or miss without
//! failing. BENCHMARKS.md explains every figure.

mod browser;
mod report;
mod scenarios;
mod sizes;
mod waves;

use report::{Report, Scenario};
use std::path::PathBuf;

struct Args {
    runs: usize,
    delay_ms: u64,
    out: PathBuf,
    dist: PathBuf,
}

const USAGE: &str = "usage: bedside-bench [--runs N] [--delay-ms D] [--out FILE] [--dist DIR]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        runs: 5,
        delay_ms: 50,
        out: PathBuf::from("target/bench.json"),
        dist: PathBuf::from("dist"),
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
    let first_load = sizes::measure(&args.dist)?;
    let sandbox = sandbox::start(sandbox::Options {
        app_dir: Some(args.dist.clone()),
        ..sandbox::Options::default()
    })
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
    let outcome = async {
        for run in 1..=args.runs {
            eprintln!("bedside-bench: run {run} of {}", args.runs);
            let browser = driver.browser(args.delay_ms).await?;
            let result = scenarios::ehr_launch_in_iframe(&browser, &sandbox, &ehr_patient).await;
            browser.close().await;
            ehr.add(result?);

            let browser = driver.browser(args.delay_ms).await?;
            let result =
                scenarios::standalone_launch(&browser, &sandbox, &standalone_patient).await;
            browser.close().await;
            standalone.add(result?);

            let browser = driver.browser(args.delay_ms).await?;
            let result = scenarios::large_patient(&browser, &sandbox, &large).await;
            browser.close().await;
            large_patient.add(result?);
        }
        Ok::<(), String>(())
    }
    .await;
    driver.stop();
    sandbox.shutdown().await;
    outcome?;

    let report = Report {
        runs: args.runs,
        delay_ms: args.delay_ms,
        first_load,
        scenarios: vec![ehr, standalone, large_patient],
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
