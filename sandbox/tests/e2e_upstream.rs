//! End-to-end against a real FHIR server: helios-hfs (an open-source FHIR R4 server) holds the
//! Synthea corpus (`../shared/corpus/synthea/` beside the workspace), the sandbox stands in
//! front of it (`--upstream`), and every section of every corpus patient's summary must read
//! exactly as it does with the same bundles loaded through `--data`, on `reference` and on
//! `epic-like`. A real server pages with its own opaque links (hfs: `_cursor`), counts,
//! sorts and matches tokens its own way, so this is where the relay meets the world.
//!
//! Built only with the `hfs` feature and run by `cargo xtask test-upstream`, which installs
//! hfs and an R4 `search-parameters.json` and names them in `BEDSIDE_HFS` and
//! `BEDSIDE_HFS_DATA`. Not part of `cargo xtask test`: loading the corpus takes minutes.

mod e2e_support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use e2e_support::{free_port, ChildGuard, Harness, SECTIONS};
use serde_json::{json, Value};

/// How long hfs may take to open its database and answer `metadata`.
const HFS_START: Duration = Duration::from_secs(120);

fn corpus() -> PathBuf {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/synthea"
    ));
    assert!(
        dir.is_dir(),
        "the Synthea corpus is missing at {}: it must sit at ../shared/corpus/synthea beside \
         the workspace",
        dir.display()
    );
    dir
}

fn required_env(name: &str) -> PathBuf {
    std::env::var_os(name)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("{name} is not set: run this test with `cargo xtask test-upstream`")
        })
}

/// A running hfs with an empty sqlite database of its own, ended when dropped.
struct Hfs {
    base: String,
    _process: ChildGuard,
    database: PathBuf,
}

impl Drop for Hfs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.database);
    }
}

impl Hfs {
    async fn start() -> Hfs {
        let binary = required_env("BEDSIDE_HFS");
        let data = required_env("BEDSIDE_HFS_DATA");
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let database = std::env::temp_dir().join(format!("bedside-hfs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&database);
        std::fs::create_dir_all(&database).expect("a folder for the database");
        let log = std::fs::File::create(database.join("hfs.log")).expect("a log file");
        let process = ChildGuard::spawn(
            Command::new(&binary)
                .env("HFS_SERVER_PORT", port.to_string())
                .env("HFS_SERVER_HOST", "127.0.0.1")
                .env("HFS_BASE_URL", &base)
                .env("HFS_STORAGE_BACKEND", "sqlite")
                .env("HFS_DATABASE_URL", database.join("fhir.db"))
                .env("HFS_DATA_DIR", &data)
                .env("HFS_LOG_LEVEL", "warn")
                .stdout(Stdio::null())
                .stderr(log),
        )
        .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()));
        let hfs = Hfs {
            base,
            _process: process,
            database,
        };
        let deadline = Instant::now() + HFS_START;
        loop {
            let answer = reqwest::get(format!("{}/metadata", hfs.base)).await;
            if answer.is_ok_and(|a| a.status().is_success()) {
                return hfs;
            }
            assert!(
                Instant::now() < deadline,
                "hfs did not answer within {HFS_START:?}; its log: {}",
                std::fs::read_to_string(hfs.database.join("hfs.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Loads every resource of one corpus file as `--data` reads it (references resolved to
    /// `Type/id`), each under its own id, in one transaction, so both modes serve the same ids.
    async fn load(&self, resources: Vec<Value>) {
        let entries: Vec<Value> = resources
            .into_iter()
            .map(|resource| {
                let url = format!(
                    "{}/{}",
                    resource["resourceType"].as_str().unwrap_or_default(),
                    resource["id"].as_str().unwrap_or_default()
                );
                json!({ "resource": resource, "request": { "method": "PUT", "url": url } })
            })
            .collect();
        let count = entries.len();
        let bundle = json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries });
        let answer = reqwest::Client::new()
            .post(&self.base)
            .header("content-type", "application/fhir+json")
            .body(bundle.to_string())
            .timeout(Duration::from_secs(600))
            .send()
            .await
            .expect("hfs answers the transaction");
        let status = answer.status();
        let text = answer.text().await.unwrap_or_default();
        assert!(
            status.is_success(),
            "hfs refused {count} entries: {status} {text:.2000}"
        );
    }
}

/// The text of every section of one patient's summary, launched from the EHR page.
async fn sections(harness: &Harness, patient: &str, profile: &str) -> Vec<String> {
    let url = format!(
        "{}ehr/launch?patient={patient}&profile={profile}&target=tab",
        harness.sandbox.ehr_page_url()
    );
    harness.client.goto(&url).await.unwrap();
    harness.wait_for("[data-testid=summary]").await;
    let mut texts = Vec::new();
    for id in SECTIONS {
        texts.push(harness.section_text(id).await);
    }
    texts
}

/// Every section of every patient on both profiles, in one mode, and the FHIR requests the
/// sandbox answered meanwhile.
async fn summaries(
    options: sandbox::Options,
    patients: &[String],
) -> (Vec<(String, Vec<String>)>, Vec<sandbox::LoggedRequest>) {
    let harness = Harness::start_with(options).await;
    let mut all = Vec::new();
    for patient in patients {
        for profile in ["reference", "epic-like"] {
            let texts = sections(&harness, patient, profile).await;
            all.push((format!("{patient} on {profile}"), texts));
        }
    }
    let requests = harness.sandbox.requests();
    harness.finish().await;
    (all, requests)
}

#[tokio::test]
#[ignore = "needs helios-hfs, the built app and Chromium: run `cargo xtask test-upstream`"]
async fn every_section_reads_the_same_through_helios_hfs_as_from_the_same_bundles_loaded_here() {
    let hfs = Hfs::start().await;
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("the corpus folder")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut patients = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a corpus file");
        let resources = sandbox::read_document(&text).expect("a corpus bundle");
        let ids = resources.iter().filter(|r| r["resourceType"] == "Patient");
        patients.extend(ids.filter_map(|r| r["id"].as_str()).map(str::to_owned));
        hfs.load(resources).await;
    }
    if let Ok(limit) = std::env::var("BEDSIDE_UPSTREAM_PATIENTS") {
        patients.truncate(
            limit
                .parse()
                .expect("BEDSIDE_UPSTREAM_PATIENTS is a number"),
        );
    }
    let (local, _) = summaries(
        sandbox::Options {
            data_dir: Some(corpus()),
            ..sandbox::Options::default()
        },
        &patients,
    )
    .await;
    let (relayed, requests) = summaries(
        sandbox::Options {
            upstream: Some(hfs.base.clone()),
            ..sandbox::Options::default()
        },
        &patients,
    )
    .await;
    // hfs pages with `_cursor`: its links must have been followed through the sandbox.
    let cursor_pages = requests
        .iter()
        .filter(|r| r.query.as_deref().is_some_and(|q| q.contains("_cursor=")) && r.status == 200);
    assert!(
        cursor_pages.count() > 0,
        "no hfs paging link was followed: the corpus should need second pages"
    );
    let refused: Vec<String> = requests
        .iter()
        .filter(|r| r.path.contains("/fhir/") && r.status >= 400)
        .map(|r| format!("{} {}", r.status, r.target()))
        .collect();
    assert!(refused.is_empty(), "FHIR requests failed: {refused:?}");
    let mut differences = Vec::new();
    for ((launch, here), (_, there)) in local.iter().zip(&relayed) {
        for ((id, here), there) in SECTIONS.iter().zip(here).zip(there) {
            if here != there {
                differences.push(format!(
                    "{launch}, {id}:\n--- with --data:\n{here}\n--- through hfs:\n{there}"
                ));
            }
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} sections differ:\n\n{}",
        differences.len(),
        local.len() * SECTIONS.len(),
        differences.join("\n\n")
    );
    println!(
        "{} of {} sections the same through helios-hfs as with --data",
        local.len() * SECTIONS.len(),
        local.len() * SECTIONS.len()
    );
}
