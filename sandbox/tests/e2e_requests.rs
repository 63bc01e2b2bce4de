//! End-to-end: requests a hostile or broken server cannot steer. An access token with a line
//! break is refused at the token step with words (and the app stays usable), a redirect of a
//! request carrying the token is reported instead of followed, and a search that never
//! answers ends at the configured deadline with a retry; a section whose second page fails
//! keeps what it read and says more exists; a `next` link leaving the base through `..%2F` is
//! not followed. What the sandbox received is checked from its own
//! request log. Run with `cargo xtask test`.

mod e2e_support;

use e2e_support::Harness;
use sandbox::{LoggedRequest, Options};

const PROBLEMS: &str = "[data-testid=section-problems]";

/// EHR launch in a tab of its own with the sandbox simulating `simulation`.
async fn launch_with(harness: &Harness, simulation: &str) {
    let patient = &harness.sandbox.patients()[1].id;
    harness
        .open_ehr_launch(patient, &format!("&simulate={simulation}"))
        .await;
}

/// Requests the EHR origin answered whose path starts with `prefix`.
fn requests_under(harness: &Harness, prefix: &str) -> Vec<LoggedRequest> {
    harness
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with(prefix))
        .collect()
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_access_token_with_a_line_break_is_refused_with_words_and_the_app_stays_usable() {
    let harness = Harness::start().await;
    launch_with(&harness, "token_with_newline").await;
    let title = harness.text_of("[data-testid=error-title]").await;
    let message = harness.text_of("[data-testid=error-message]").await;
    assert_eq!(title, "The sign-in server issued an unusable access token");
    assert!(message.contains("line break (CR or LF)"), "{message}");
    assert!(!message.contains("X-Injected"), "{message}");
    harness.screenshot("token-with-newline").await;
    let with_token: Vec<LoggedRequest> = requests_under(&harness, "/reference/fhir/")
        .into_iter()
        .filter(|r| r.bearer.is_some())
        .collect();
    assert!(with_token.is_empty(), "the token was used: {with_token:#?}");

    // "Start again" leads to a sign-in that works, and from the summary, to sign-out.
    harness.click("[data-testid=error] a.button").await;
    harness.start_standalone_launch().await;
    let patient = &harness.sandbox.patients()[1].id;
    harness.click(&format!("#patient-{patient}")).await;
    harness.click("#allow").await;
    harness.wait_for("[data-testid=patient-name]").await;
    harness.click("[data-testid=sign-out]").await;
    harness.wait_for("[data-testid=signed-out]").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_redirected_search_is_not_followed_and_its_section_says_why() {
    let harness = Harness::start().await;
    launch_with(&harness, "request_redirected").await;
    let title = harness
        .text_of(&format!("{PROBLEMS} [data-testid=error-title]"))
        .await;
    let message = harness
        .text_of(&format!("{PROBLEMS} [data-testid=error-message]"))
        .await;
    assert_eq!(title, "The server sent this request elsewhere");
    assert!(
        message.contains("Bedside did not follow, so your access stays with this server"),
        "{message}"
    );
    // The other sections are not redirected and load.
    harness.section_text("section-allergies").await;
    let redirected: Vec<LoggedRequest> = requests_under(&harness, "/reference/fhir/Condition")
        .into_iter()
        .filter(|r| r.status == 307)
        .collect();
    assert!(!redirected.is_empty(), "no search was redirected");
    // Following it would have reached /outside/… on the same origin, with the token.
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let outside = requests_under(&harness, "/outside");
    assert!(
        outside.is_empty(),
        "the redirect was followed: {outside:#?}"
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_search_that_never_answers_ends_at_the_deadline_and_its_retry_loads_it() {
    let harness = Harness::start_with(Options {
        request_timeout_seconds: Some(4),
        ..Options::default()
    })
    .await;
    launch_with(&harness, "request_no_answer").await;
    // The other sections load while the Condition search is held.
    harness.section_text("section-allergies").await;
    let message = harness
        .text_of(&format!("{PROBLEMS} [data-testid=error-message]"))
        .await;
    assert!(
        message.contains("did not answer in 4 seconds") && message.contains("problems"),
        "{message}"
    );
    harness.screenshot("request-timed-out").await;
    // The held search is logged only when answered, so every search logged is the retry's.
    let searches = || -> Vec<LoggedRequest> {
        requests_under(&harness, "/reference/fhir/Condition")
            .into_iter()
            .filter(|r| r.method == "GET")
            .collect()
    };
    assert!(searches().is_empty(), "{:#?}", searches());
    harness.click(&format!("{PROBLEMS} button.retry")).await;
    harness.section_text("section-problems").await;
    let answered = searches();
    assert!(
        !answered.is_empty() && answered.iter().all(|r| r.status == 200),
        "the retry did not search again: {answered:#?}"
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_failed_second_page_keeps_the_first_and_offers_to_load_again() {
    let harness = Harness::start().await;
    launch_with(&harness, "paging_second_page_fails").await;
    let problems = harness.section_text("section-problems").await;
    let incomplete = harness
        .text_of(&format!("{PROBLEMS} [data-testid=incomplete]"))
        .await;
    assert!(
        incomplete.contains("Only the first page was loaded")
            && incomplete.contains("more exists, but the next page could not be read"),
        "{incomplete}"
    );
    let count: usize = harness
        .text_of(&format!("{PROBLEMS} [data-testid=count]"))
        .await
        .parse()
        .unwrap_or_default();
    assert!(
        count > 0,
        "the first page's problems are not shown: {problems}"
    );
    let second_pages = || {
        requests_under(&harness, "/reference/fhir/Condition")
            .into_iter()
            .filter(|r| r.target().contains("_offset=") && r.status == 500)
            .count()
    };
    let failed_before = second_pages();
    assert!(failed_before > 0, "no second page was asked for");
    harness
        .click(&format!("{PROBLEMS} [data-testid=incomplete] button.retry"))
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while second_pages() == failed_before {
        assert!(
            std::time::Instant::now() < deadline,
            "the retry sent nothing"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_next_link_escaping_the_base_through_an_encoded_slash_never_gets_the_token() {
    let harness = Harness::start().await;
    launch_with(&harness, "paging_escaping_next").await;
    let problems = harness.section_text("section-problems").await;
    assert!(
        problems.contains("next page is at another address")
            && problems.contains("your access token stays with this server"),
        "{problems}"
    );
    harness
        .wait_for("main:has(section.summary-section):not(:has(section[aria-busy=true]))")
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let escaped: Vec<LoggedRequest> = harness
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("outside"))
        .collect();
    assert!(
        escaped.is_empty(),
        "the escaping link was followed: {escaped:#?}"
    );
    harness.finish().await;
}
