//! End-to-end: the app's paging against servers that misbehave, simulated by the sandbox: a
//! 429 with `Retry-After` is waited out, a loop of `next` links ends, and a `next` link to
//! another origin is not followed, so the bearer token stays with the FHIR server, nor is a
//! search's redirect to another origin. What the sandbox and a foreign listener received is
//! checked from their own records. Run with `cargo xtask test`.

mod e2e_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use e2e_support::Harness;
use sandbox::{LoggedRequest, Options};

const CONDITIONS: &str = "/reference/fhir/Condition?";

/// EHR launch in a tab of its own with the sandbox simulating `simulation`.
async fn launch_with(harness: &Harness, simulation: &str) {
    let patient = &harness.sandbox.patients()[1].id;
    let url = format!(
        "{}ehr/launch?patient={patient}&simulate={simulation}&target=tab",
        harness.sandbox.ehr_page_url()
    );
    harness.client.goto(&url).await.unwrap();
}

/// The Problems section once its data has arrived (its count shows): its whole text.
async fn loaded_problems(harness: &Harness) -> String {
    harness
        .wait_for("[data-testid=section-problems] [data-testid=count]")
        .await;
    harness.text_of("[data-testid=section-problems]").await
}

/// The sandbox's FHIR searches of Conditions, in order.
fn condition_searches(harness: &Harness) -> Vec<LoggedRequest> {
    harness
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.target().starts_with(CONDITIONS))
        .collect()
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_429_with_retry_after_is_waited_out_and_the_section_loads() {
    let harness = Harness::start().await;
    launch_with(&harness, "request_rate_limited").await;
    loaded_problems(&harness).await;
    let searches = condition_searches(&harness);
    let refused = searches
        .iter()
        .position(|r| r.status == 429)
        .unwrap_or_else(|| panic!("the sandbox answered no Condition search 429: {searches:?}"));
    let retried = searches[refused + 1..]
        .iter()
        .any(|r| r.target() == searches[refused].target() && r.status == 200);
    assert!(retried, "the refused search was not repeated: {searches:?}");
    assert!(
        harness
            .client
            .find(fantoccini::Locator::Css(
                "[data-testid=section-problems] [data-testid=error-message]"
            ))
            .await
            .is_err(),
        "the section shows an error"
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_loop_of_next_links_ends_with_the_data_and_a_notice() {
    let harness = Harness::start().await;
    launch_with(&harness, "paging_loop").await;
    let problems = loaded_problems(&harness).await;
    assert!(
        problems.contains("led back to a page already loaded"),
        "{problems}"
    );
    harness
        .wait_for("main:has(section.summary-section):not(:has(section[aria-busy=true]))")
        .await;
    // Following the loop would fetch some page twice; every FHIR request stays unique.
    let fhir: Vec<String> = harness
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.target().contains("/fhir/"))
        .map(|r| r.target())
        .collect();
    let mut unique = fhir.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        fhir.len(),
        "a page was fetched again: {fhir:#?}"
    );
    harness.finish().await;
}

/// A listener on another origin that answers 404 to everything and keeps the headers of
/// every request it gets.
async fn foreign_listener() -> (String, Arc<Mutex<Vec<HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let router = axum::Router::new().fallback(move |headers: HeaderMap| {
        record.lock().expect("the record").push(headers);
        async { StatusCode::NOT_FOUND }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (origin, seen)
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_next_link_to_another_origin_never_gets_the_token_and_the_user_is_told() {
    let (origin, seen) = foreign_listener().await;
    let harness = Harness::start_with(Options {
        foreign_next_origin: Some(origin.clone()),
        ..Options::default()
    })
    .await;
    launch_with(&harness, "paging_foreign_next").await;
    let problems = loaded_problems(&harness).await;
    assert!(
        problems.contains("next page is at another address")
            && problems.contains(&origin)
            && problems.contains("your access token stays with this server"),
        "{problems}"
    );
    harness
        .wait_for("main:has(section.summary-section):not(:has(section[aria-busy=true]))")
        .await;
    // Requests the page might still send get a moment to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let seen = seen.lock().expect("the record").clone();
    let with_token = seen
        .iter()
        .filter(|headers| headers.contains_key("authorization"))
        .count();
    assert_eq!(with_token, 0, "the other origin got the token: {seen:?}");
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_search_redirected_to_another_origin_is_not_followed_and_the_section_says_why() {
    let (origin, seen) = foreign_listener().await;
    let harness = Harness::start_with(Options {
        foreign_next_origin: Some(origin.clone()),
        ..Options::default()
    })
    .await;
    launch_with(&harness, "request_redirected_elsewhere").await;
    let message = harness
        .text_of("[data-testid=section-problems] [data-testid=error-message]")
        .await;
    assert!(
        message.contains("Bedside did not follow, so your access stays with this server"),
        "{message}"
    );
    harness
        .wait_for("main:has(section.summary-section):not(:has(section[aria-busy=true]))")
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let seen = seen.lock().expect("the record").clone();
    assert!(seen.is_empty(), "the other origin was asked: {seen:?}");
    harness.finish().await;
}
