//! End-to-end: the patient summary in headless Chromium against the sandbox. Expected values
//! are read from the sandbox's own generated resources for the named patient. Run with
//! `cargo xtask test`.

mod e2e_support;

use e2e_support::Harness;
use serde_json::Value;

fn code_text(resource: &Value, element: &str) -> Option<String> {
    let concept = resource.get(element)?;
    concept
        .get("text")
        .and_then(Value::as_str)
        .or_else(|| concept.pointer("/coding/0/display").and_then(Value::as_str))
        .map(str::to_owned)
}

fn status_code(resource: &Value, element: &str) -> Option<String> {
    resource
        .pointer(&format!("/{element}/coding/0/code"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Opens the summary of `patient` by EHR launch in a tab of its own (full width).
async fn open_summary(harness: &Harness, patient: &sandbox::PatientSummary) {
    harness.open_ehr_launch(&patient.id, "").await;
    harness.wait_for("[data-testid=patient-name]").await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_summary_shows_each_sections_expected_content() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Ольга");
    open_summary(&harness, &patient).await;

    let conditions = harness.sandbox.resources(&patient.id, "Condition");
    let active = conditions
        .iter()
        .find(|c| status_code(c, "clinicalStatus").as_deref() == Some("active"))
        .and_then(|c| code_text(c, "code"))
        .expect("Ольга has an active condition");
    let problems = harness.section_text("section-problems").await;
    assert!(problems.contains(&active), "problems: {problems}");

    let requests = harness.sandbox.resources(&patient.id, "MedicationRequest");
    // Ольга's active orders name their drug by a contained Medication (`#med1`).
    let active_medication = requests
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_str) == Some("active"))
        .filter_map(|r| r.pointer("/contained/0"))
        .find_map(|m| code_text(m, "code"))
        .expect("Ольга has an active medication named by a contained Medication");
    let medications = harness.section_text("section-medications").await;
    assert!(
        medications.contains(&active_medication),
        "medications: {medications}"
    );

    let allergies = harness.sandbox.resources(&patient.id, "AllergyIntolerance");
    let substance = allergies
        .iter()
        .find(|a| status_code(a, "clinicalStatus").as_deref() == Some("active"))
        .and_then(|a| code_text(a, "code"))
        .expect("Ольга has an active allergy");
    let allergy_text = harness.section_text("section-allergies").await;
    assert!(
        allergy_text.contains(&substance),
        "allergies: {allergy_text}"
    );

    // Card titles are upper-cased by CSS, and WebDriver reads text as rendered.
    let vitals = harness
        .section_text("section-vital-signs")
        .await
        .to_lowercase();
    assert!(
        vitals.contains("heart rate") && vitals.contains("/min"),
        "vitals: {vitals}"
    );
    let labs = harness.section_text("section-labs").await;
    // Grouped by the DiagnosticReports' panels (sandbox/src/data/codes.rs PANELS), newest first.
    for panel in [
        "CBC panel - Blood by Automated count",
        "Basic metabolic panel - Blood",
        "Lipid panel with direct LDL - Serum or Plasma",
    ] {
        assert!(labs.contains(panel), "labs not grouped by {panel}: {labs}");
    }
    assert!(
        labs.contains("Hemoglobin") || labs.contains("HbA1c"),
        "labs: {labs}"
    );
    for id in [
        "section-immunizations",
        "section-encounters",
        "section-procedures",
    ] {
        let text = harness.section_text(id).await;
        assert!(!text.contains("could not"), "{id}: {text}");
    }
    harness.screenshot("summary-1280").await;
    harness
        .client
        .execute(
            "document.querySelector('[data-testid=section-labs]').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    harness.screenshot("summary-labs-1280").await;
    harness.finish().await;
}

/// Every request the app sent after the token (URL, `startTime`), and when the summary page was
/// first drawn (its `bedside:summary` mark).
async fn requests_and_drawing(harness: &Harness) -> (Vec<(String, f64)>, f64) {
    let found = harness
        .client
        .execute(
            r#"const mark = (name) => performance.getEntriesByName(name)[0].startTime;
               const token = mark("bedside:token");
               return [performance.getEntriesByType("resource")
                   .filter((e) => e.initiatorType === "fetch" && e.startTime >= token)
                   .map((e) => [e.name, e.startTime]), mark("bedside:summary")];"#,
            vec![],
        )
        .await
        .expect("the performance timeline");
    let requests = found[0]
        .as_array()
        .expect("resource entries")
        .iter()
        .map(|e| (e[0].as_str().unwrap().to_owned(), e[1].as_f64().unwrap()))
        .collect();
    (requests, found[1].as_f64().expect("a bedside:summary mark"))
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_records_requests_are_sent_before_the_summary_page_is_drawn() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    open_summary(&harness, &patient).await;
    harness
        .wait_for("[data-testid=section-procedures] [data-testid=count]")
        .await;
    let (requests, drawn) = requests_and_drawing(&harness).await;
    // The patient's read and every section's search, with the style document beside them:
    // all sent before any drawing delays them.
    let first_wave: Vec<&(String, f64)> = requests
        .iter()
        .filter(|(url, _)| {
            url.contains(&format!("/Patient/{}", patient.id))
                || url.contains(&format!("patient={}", patient.id))
                || url.ends_with("/smart-style.json")
        })
        .collect();
    assert!(first_wave.len() >= 15, "{requests:#?}");
    let late: Vec<_> = first_wave
        .iter()
        .filter(|(_, start)| *start > drawn)
        .collect();
    assert!(
        late.is_empty(),
        "sent after the page was drawn at {drawn}: {late:#?}"
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_key_set_is_asked_for_beside_the_token_request() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    open_summary(&harness, &patient).await;
    let timing = harness
        .client
        .execute(
            r#"const entry = (end) => performance.getEntriesByType("resource")
                   .find((e) => e.name.endsWith(end));
               const token = entry("/auth/token"), keys = entry("/auth/jwks");
               return [token.responseEnd, keys ? keys.startTime : null];"#,
            vec![],
        )
        .await
        .expect("the performance timeline");
    let token_answered = timing[0].as_f64().expect("a token request");
    let keys_asked = timing[1].as_f64().expect("a key set request");
    // Public and known from discovery: it need not wait for the token, and sent with it, it
    // takes none of the connections the record's requests need after it.
    assert!(
        keys_asked < token_answered,
        "the key set was asked for at {keys_asked} ms, after the token arrived at {token_answered}"
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_480_pixel_wide_frame_has_no_horizontal_scroll() {
    let harness = Harness::start().await;
    harness.client.set_window_size(480, 1400).await.unwrap();
    let patient = harness.patient_named("José");
    open_summary(&harness, &patient).await;
    harness.section_text("section-labs").await;
    harness.section_text("section-vital-signs").await;
    let overflow = harness.horizontal_overflow().await;
    assert!(overflow <= 0, "horizontal overflow of {overflow} px");
    harness.screenshot("summary-480").await;
    harness.finish().await;
}

/// The page's and a section's background colours, as computed.
async fn backgrounds(harness: &Harness) -> (String, String) {
    let colours = harness
        .client
        .execute(
            "const of = (e) => getComputedStyle(e).backgroundColor; \
             return [of(document.body), of(document.querySelector('.summary-section'))];",
            vec![],
        )
        .await
        .unwrap();
    (
        colours[0].as_str().unwrap().to_owned(),
        colours[1].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_dark_colour_scheme_gets_the_dark_palette() {
    let light = Harness::start().await;
    let patient = light.patient_named("Ольга");
    open_summary(&light, &patient).await;
    light.section_text("section-labs").await;
    let (light_page, light_section) = backgrounds(&light).await;
    light.finish().await;

    let dark =
        Harness::start_with_browser(sandbox::Options::default(), &["--force-dark-mode"]).await;
    let prefers_dark = dark
        .client
        .execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(prefers_dark, true, "the browser does not prefer dark");
    open_summary(&dark, &patient).await;
    dark.section_text("section-labs").await;
    let (dark_page, dark_section) = backgrounds(&dark).await;
    // The sandbox's smart_style_url tints the light palette, so compare brightness, not
    // exact colours.
    let brightness = |rgb: &str| -> u32 {
        rgb.trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(", ")
            .map(|c| c.parse::<u32>().unwrap())
            .sum()
    };
    for (what, light, dark) in [
        ("page", &light_page, &dark_page),
        ("section", &light_section, &dark_section),
    ] {
        assert!(brightness(light) > 600, "light {what} is {light}");
        assert!(brightness(dark) < 150, "dark {what} is {dark}");
    }
    dark.screenshot("summary-dark").await;
    dark.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn hostile_markup_in_the_record_is_shown_as_text_and_runs_no_script() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("<b>Bold</b>");
    open_summary(&harness, &patient).await;
    assert_eq!(
        harness.text_of("[data-testid=patient-name]").await,
        patient.display_name
    );
    harness.section_text("section-problems").await;
    let injected = harness
        .client
        .execute(
            "return document.querySelectorAll('main b, main script, main img').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(injected, 0, "markup from the record became elements");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_ten_thousand_observation_patient_renders_vitals_and_labs() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Maximilian");
    open_summary(&harness, &patient).await;
    let vitals = harness
        .section_text("section-vital-signs")
        .await
        .to_lowercase();
    assert!(vitals.contains("weight"), "vitals: {vitals}");
    let labs = harness.section_text("section-labs").await;
    assert!(!labs.is_empty());
    harness.screenshot("summary-10k").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_lab_trend_is_drawn_when_it_is_asked_for() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Maximilian");
    open_summary(&harness, &patient).await;
    harness.section_text("section-labs").await;
    let plots = "[data-testid=section-labs] [data-testid=trend]";
    let drawn = harness
        .client
        .find_all(fantoccini::Locator::Css(plots))
        .await
        .unwrap();
    assert!(drawn.is_empty(), "trends drawn before being asked for");
    harness
        .click("[data-testid=section-labs] button[aria-expanded=false]")
        .await;
    let plot = harness.wait_for(&format!("{plots} svg")).await;
    let label = plot.attr("aria-label").await.unwrap().unwrap_or_default();
    assert!(!label.is_empty(), "a trend without its text alternative");
    harness.finish().await;
}
