//! End-to-end: what a person or a server can do by accident or on purpose that must not leave
//! Bedside stranded or fooled: a reload of the summary (in a tab and in the EHR's frame),
//! vital signs with extreme values, an unreadable style document, an id_token without a name,
//! a 54 MB searchset (the longest main-thread task is printed, not asserted: it depends on the
//! machine).
//! Run with `cargo xtask test`.

mod e2e_support;

use e2e_support::{enter_bedside_frame, launch_in_frame, Harness, SECTIONS, SIGN_IN_BUTTON};
use sandbox::Options;
use std::path::PathBuf;
use std::time::Duration;

const REENTRY_MESSAGE: &str = "Bedside keeps its access to the record only in this page's \
     memory, never on disk, so it ended when the page was reloaded, copied to a new tab or \
     opened again from the browser's history.";

async fn wait_for_every_section(harness: &Harness) {
    for section in SECTIONS {
        harness
            .wait_for(&format!("[data-testid={section}][aria-busy=false]"))
            .await;
    }
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn reloading_a_standalone_summary_says_access_ended_and_one_click_signs_in_again() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    harness.start_standalone_launch().await;
    harness.click(&format!("#patient-{}", patient.id)).await;
    harness.click("#allow").await;
    harness.wait_for("[data-testid=patient-name]").await;

    harness.client.refresh().await.unwrap();
    assert_eq!(
        harness.text_of("[data-testid=reentry-message]").await,
        REENTRY_MESSAGE
    );
    assert_eq!(
        harness.text_of("[data-testid=reentry-hint]").await,
        "Sign in again to Bedside sandbox (reference EHR) to see the record."
    );
    assert!(!harness.is_present("[data-testid=server-picker]").await);
    harness.screenshot("reload-standalone").await;

    harness.click("[data-testid=reentry-sign-in]").await;
    harness.click(&format!("#patient-{}", patient.id)).await;
    harness.click("#allow").await;
    assert_eq!(
        harness.text_of("[data-testid=patient-name]").await,
        patient.display_name
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn reloading_the_summary_inside_the_ehr_frame_says_to_open_bedside_from_the_chart() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    launch_in_frame(&harness, &patient, "").await;
    harness.click(SIGN_IN_BUTTON).await;
    harness.wait_for("[data-testid=patient-name]").await;
    harness.wait_for_windows(1).await;

    harness
        .client
        .execute("location.reload();", vec![])
        .await
        .unwrap();
    harness.client.enter_parent_frame().await.unwrap();
    enter_bedside_frame(&harness).await;
    assert_eq!(
        harness.text_of("[data-testid=reentry-message]").await,
        REENTRY_MESSAGE
    );
    assert_eq!(
        harness.text_of("[data-testid=reentry-hint]").await,
        "Open Bedside again from the patient's chart in your EHR."
    );
    assert!(!harness.is_present("[data-testid=reentry-sign-in]").await);
    assert!(!harness.is_present("[data-testid=start-page]").await);
    harness.client.enter_parent_frame().await.unwrap();
    harness.screenshot("reload-ehr-frame").await;
    harness.finish().await;
}

/// A folder with one patient whose vital signs no plot can scale naively: heart rates 1e17
/// and the next f64 after it (adding a tick step to 1e17 adds nothing), respiratory rates at
/// the ends of f64, identical temperatures, and a height that overflows to infinity in cm.
fn extreme_vitals_folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bedside-extreme-vitals-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp folder");
    let observation = |id: &str, loinc: &str, unit: &str, value: &str, day: u32| {
        format!(
            r#"{{"resourceType":"Observation","id":"{id}","status":"final",
            "category":[{{"coding":[{{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}}]}}],
            "code":{{"coding":[{{"system":"http://loinc.org","code":"{loinc}"}}]}},
            "subject":{{"reference":"Patient/extreme"}},"effectiveDateTime":"2024-03-{day:02}",
            "valueQuantity":{{"value":{value},"unit":"{unit}","system":"http://unitsofmeasure.org","code":"{unit}"}}}}"#
        )
    };
    let mut lines = vec![r#"{"resourceType":"Patient","id":"extreme","name":[{"given":["Extreme"],"family":"Vitals"}],"birthDate":"1970-01-01"}"#.to_owned()];
    let readings = [
        ("8867-4", "/min", "100000000000000000"),
        ("8867-4", "/min", "100000000000000016"),
        ("9279-1", "/min", "1.7976931348623157e308"),
        ("9279-1", "/min", "-1.7976931348623157e308"),
        ("9279-1", "/min", "5e-324"),
        ("8310-5", "Cel", "37"),
        ("8310-5", "Cel", "37"),
        ("8302-2", "m", "1e308"),
        ("8302-2", "m", "1.5e308"),
    ];
    for (n, (loinc, unit, value)) in readings.iter().enumerate() {
        let day = n as u32 + 1;
        lines.push(observation(&format!("x{n}"), loinc, unit, value, day).replace('\n', ""));
    }
    std::fs::write(dir.join("extreme.ndjson"), lines.join("\n")).expect("a file");
    dir
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_patient_with_extreme_vital_values_gets_the_vitals_section_and_the_rest_of_the_app() {
    let harness = Harness::start_with(Options {
        data_dir: Some(extreme_vitals_folder()),
        ..Options::default()
    })
    .await;
    harness.open_ehr_launch("extreme", "").await;
    assert_eq!(
        harness.text_of("[data-testid=patient-name]").await,
        "Extreme Vitals"
    );
    wait_for_every_section(&harness).await;
    let vitals = harness
        .section_text("section-vital-signs")
        .await
        .to_lowercase();
    assert!(vitals.contains("heart rate"), "{vitals}");
    assert!(!vitals.contains("inf "), "{vitals}");
    let plots = harness
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=trend] svg')].map(svg => \
             [svg.querySelectorAll('.trend-tick').length, svg.getAttribute('aria-label')]);",
            vec![],
        )
        .await
        .unwrap();
    let plots = plots.as_array().unwrap();
    assert!(!plots.is_empty(), "no trend plot was drawn");
    for plot in plots {
        let ticks = plot[0].as_u64().unwrap();
        assert!((1..=12).contains(&ticks), "{plot}");
    }
    // The page still answers: the main thread is free.
    harness.click("[data-testid=session] summary").await;
    harness.screenshot("extreme-vitals").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_style_document_with_white_text_on_white_is_not_applied() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    harness
        .open_ehr_launch(&patient.id, "&simulate=style_low_contrast")
        .await;
    wait_for_every_section(&harness).await;
    let fetched = || {
        harness.sandbox.requests().iter().any(|r| {
            r.path.ends_with("/smart-style.json") && r.query.as_deref() == Some("contrast=low")
        })
    };
    for _ in 0..50 {
        if fetched() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        fetched(),
        "the app never fetched the low-contrast style document"
    );
    // Applying takes a task after the fetch; give it time to go wrong.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let computed = harness
        .client
        .execute(
            "return [getComputedStyle(document.body).color, \
             getComputedStyle(document.documentElement).fontSize];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        computed[0], "rgb(27, 31, 36)",
        "Bedside's own text colour stays"
    );
    assert_eq!(computed[1], "16px", "Bedside's own font size stays");
    harness.screenshot("low-contrast-style-refused").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn without_a_name_in_the_id_token_the_practitioners_own_name_is_shown() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    harness
        .open_ehr_launch(&patient.id, "&simulate=id_token_without_name")
        .await;
    assert_eq!(
        harness.text_of("[data-testid=signed-in-as]").await,
        "Signed in as Dr. Ada Okafor"
    );
    let read = harness
        .sandbox
        .requests()
        .into_iter()
        .find(|r| r.method == "GET" && r.path.ends_with("/Practitioner/ada-okafor"))
        .expect("the user's Practitioner was read");
    assert_eq!(read.status, 200);
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_54_mb_searchset_is_read_in_slices_and_the_page_stays_responsive() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    harness
        .open_ehr_launch(&patient.id, "&simulate=huge_searchset")
        .await;
    harness.wait_for("[data-testid=patient-name]").await;
    // Long tasks are buffered from the document's start, so an observer made now on the
    // summary's document still sees the ones before it.
    harness
        .client
        .execute(
            "window.bedsideLongTasks = []; new PerformanceObserver((list) => { \
             for (const task of list.getEntries()) window.bedsideLongTasks.push(task.duration); \
             }).observe({ type: 'longtask', buffered: true });",
            vec![],
        )
        .await
        .unwrap();
    let problems = harness.section_text("section-problems").await;
    assert!(
        problems.contains("Bedside kept the first 2000 of 90433 entries"),
        "{problems}"
    );
    wait_for_every_section(&harness).await;
    // The page answers a click while and after the searchset is read.
    harness.click("[data-testid=session] summary").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let tasks = harness
        .client
        .execute("return window.bedsideLongTasks;", vec![])
        .await
        .unwrap();
    let durations: Vec<f64> = tasks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_f64())
        .collect();
    let longest = durations.iter().copied().fold(0.0, f64::max);
    println!(
        "54 MB searchset: longest main-thread task {longest:.0} ms ({} tasks over 50 ms: {durations:.0?})",
        durations.len()
    );
    harness.screenshot("huge-searchset").await;
    harness.finish().await;
}
