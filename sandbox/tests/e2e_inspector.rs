//! End-to-end: the launch inspector (`?debug=1`) shows the launch's timeline with secrets
//! redacted, and is absent otherwise.

mod e2e_support;

use e2e_support::Harness;

/// A standalone launch of the first sandbox patient from the app's start page at `query`.
async fn launch_standalone(harness: &Harness, query: &str) {
    let start = format!("{}{query}", harness.sandbox.app_origin);
    harness.client.goto(&start).await.unwrap();
    let server = format!("button[data-iss=\"{}\"]", harness.sandbox.fhir_base());
    harness.click(&server).await;
    let patient = harness.sandbox.patients()[0].id.clone();
    harness.click(&format!("#patient-{patient}")).await;
    harness.click("#allow").await;
    harness.wait_for("[data-testid=patient-name]").await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn debug_mode_shows_every_launch_step_with_secrets_redacted() {
    let harness = Harness::start().await;
    launch_standalone(&harness, "?debug=1").await;
    harness.click("[data-testid=inspector] summary").await;
    // The open panel follows the sections' requests as they finish.
    let mut timeline = String::new();
    for _ in 0..100 {
        timeline = harness.text_of("[data-testid=inspector-timeline]").await;
        if timeline.contains("Observation?") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let lines: Vec<&str> = timeline.lines().collect();
    // A row reads "+120 ms STEP METHOD URL STATUS 45 ms 1.2 KB".
    let step_with = |step: &str, status: &str| {
        lines.iter().any(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.get(2) == Some(&step) && words.get(5) == Some(&status)
        })
    };
    for (step, status) in [
        ("discovery", "200"),
        ("authorize", "navigated"),
        ("callback", "navigated"),
        ("token", "200"),
        ("FHIR", "200"),
    ] {
        assert!(
            step_with(step, status),
            "no {step} step with {status} in:\n{timeline}"
        );
    }
    // The authorization request's one-time values and the returned code are redacted, and
    // no token (nor anything labelled as one) appears anywhere on the page.
    for one_time in ["state=", "code_challenge=", "code="] {
        let shown: Vec<&str> = timeline
            .split(one_time)
            .skip(1)
            .map(|rest| rest.split(['&', ' ', '\n']).next().unwrap_or_default())
            .collect();
        assert!(!shown.is_empty(), "no {one_time} in:\n{timeline}");
        assert!(
            shown.iter().all(|value| *value == "%5Bredacted%5D"),
            "{one_time} values shown: {shown:?}"
        );
    }
    let context = harness.text_of("[data-testid=inspector-context]").await;
    assert!(context.contains("[redacted] ("), "{context}");
    let page: String = harness
        .client
        .execute("return document.body.innerText;", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!page.contains("Bearer"), "a bearer header is on the page");
    harness
        .client
        .execute(
            "document.querySelector('[data-testid=inspector]').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    harness.screenshot("inspector").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn without_debug_mode_there_is_no_inspector() {
    let harness = Harness::start().await;
    launch_standalone(&harness, "").await;
    harness.wait_for("[data-testid=capability-report]").await;
    let inspectors = harness
        .client
        .find_all(fantoccini::Locator::Css("[data-testid=inspector]"))
        .await
        .unwrap();
    assert!(inspectors.is_empty(), "an inspector without debug mode");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_capability_report_is_drawn_when_it_is_opened() {
    let harness = Harness::start().await;
    launch_standalone(&harness, "").await;
    harness.wait_for("[data-testid=capability-report]").await;
    let tables = harness
        .client
        .find_all(fantoccini::Locator::Css(
            "[data-testid=capability-report] table",
        ))
        .await
        .unwrap();
    assert!(tables.is_empty(), "the closed report was drawn");
    harness
        .click("[data-testid=capability-report] summary")
        .await;
    let report = harness
        .text_of("[data-testid=capability-report] table")
        .await;
    assert!(report.contains("Labs"), "{report}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn in_debug_mode_a_start_page_problem_shows_the_launch_inspector_under_it() {
    let harness = Harness::start().await;
    let start = format!("{}/?debug=1", harness.sandbox.app_origin);
    harness.client.goto(&start).await.unwrap();
    let field = harness.wait_for("#server-url").await;
    field
        .send_keys(&format!(
            "https://evil.example/fhir{}",
            char::from(fantoccini::key::Key::Enter)
        ))
        .await
        .expect("typing into the field");
    assert_eq!(
        harness.text_of("[data-testid=error-title]").await,
        "This server is not allowed"
    );
    // Debug mode is the whole app's: the light page handed the start page over.
    assert!(!harness.is_present("main[data-bedside-light]").await);
    let inspector = harness
        .text_of("[data-testid=error] ~ [data-testid=inspector] summary")
        .await;
    assert!(inspector.starts_with("Launch inspector"), "{inspector}");
    harness.finish().await;
}
