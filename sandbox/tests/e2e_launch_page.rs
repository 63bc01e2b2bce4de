//! End-to-end: the EHR launch page and the start page are light (issue 13, item 2). `/launch`
//! and `/` serve `launch.html`, whose small module signs in without the whole app; the app's code
//! is only prefetched there, for the callback page. Run with `cargo xtask test`.

mod e2e_support;

use e2e_support::Harness;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{json, Value};

/// chromedriver's `POST /session/{id}/goog/cdp/execute`: a DevTools command.
#[derive(Debug)]
struct Cdp(Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.0.to_string()))
    }
}

// A page is gone once it has sent the browser to sign in, so what it loaded is read as it leaves
// and kept in the tab's session storage for the test, under its path (the app never writes these
// keys).
const KEEP_PAGE_RESOURCES: &str = r#"
addEventListener("pagehide", () => {
  const loaded = performance.getEntriesByType("resource")
    .map((e) => ({ name: new URL(e.name).pathname, initiator: e.initiatorType }));
  sessionStorage.setItem("e2e.resources:" + location.pathname, JSON.stringify(loaded));
});
"#;

/// Keeps what each page of the tab loads, from the next page on.
async fn keep_page_resources(harness: &Harness) {
    harness
        .client
        .issue_cmd(Cdp(json!({
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": { "source": KEEP_PAGE_RESOURCES },
        })))
        .await
        .expect("the DevTools command");
}

/// What the page at `path` had loaded when it left: path and initiator type of each resource.
async fn page_resources(harness: &Harness, path: &str) -> Vec<(String, String)> {
    let kept = harness
        .client
        .execute(
            "return sessionStorage.getItem('e2e.resources:' + arguments[0]);",
            vec![json!(path)],
        )
        .await
        .expect("reading the kept entries");
    let kept: Value = serde_json::from_str(kept.as_str().expect("the page left")).unwrap();
    kept.as_array()
        .expect("a list")
        .iter()
        .map(|e| {
            let text = |key: &str| e[key].as_str().unwrap_or_default().to_owned();
            (text("name"), text("initiator"))
        })
        .collect()
}

/// The app's own module and wasm (`bedside-<hash>`), not the launch page's (`bedside-launch-`).
fn is_app_code(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.starts_with("bedside-")
        && !name.starts_with("bedside-launch-")
        && (name.ends_with(".js") || name.ends_with(".wasm"))
}

/// Launches `patient` from the EHR in a tab, keeping what the launch page loaded, and waits
/// for the summary: returns the launch page's resources.
async fn launch_in_a_tab_to_the_summary(harness: &Harness) -> Vec<(String, String)> {
    keep_page_resources(harness).await;
    let patient = harness.patient_named("José");
    harness.open_ehr_launch(&patient.id, "").await;
    harness.wait_for("[data-testid=patient-name]").await;
    page_resources(harness, "/launch").await
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_ehr_launch_in_a_tab_reaches_the_summary_loading_only_the_light_module() {
    let harness = Harness::start().await;
    let loaded = launch_in_a_tab_to_the_summary(&harness).await;

    assert_light_with_the_app_prefetched(&loaded);
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_launch_page_reads_config_json_from_its_preload_without_a_second_request() {
    let harness = Harness::start().await;
    let loaded = launch_in_a_tab_to_the_summary(&harness).await;

    let config = loaded
        .iter()
        .filter(|(name, _)| name == "/config.json")
        .collect::<Vec<_>>();
    assert_eq!(
        config,
        [&("/config.json".to_owned(), "link".to_owned())],
        "{loaded:?}"
    );
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_launch_page_prefetches_the_apps_module_and_wasm_for_the_callback_page() {
    let harness = Harness::start().await;
    let loaded = launch_in_a_tab_to_the_summary(&harness).await;

    for suffix in [".js", "_bg.wasm"] {
        let prefetched = loaded.iter().any(|(name, initiator)| {
            is_app_code(name) && name.ends_with(suffix) && initiator == "link"
        });
        assert!(
            prefetched,
            "the app's {suffix} is not prefetched: {loaded:?}"
        );
    }
    harness.finish().await;
}

/// The paths of the resources the current document loaded.
const LOADED_PATHS: &str = r#"
return performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname);
"#;

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_launch_the_light_page_cannot_start_is_handed_to_the_whole_app_in_place() {
    let harness = Harness::start().await;
    let refused = format!(
        "{}/launch?iss=https%3A%2F%2Fevil.example%2Ffhir&launch=abc",
        harness.sandbox.app_origin
    );
    harness.client.goto(&refused).await.unwrap();

    // The whole app's typed page, in the document the light page started.
    assert_eq!(
        harness.text_of("[data-testid=error-title]").await,
        "This server is not allowed"
    );
    let loaded: Vec<String> = serde_json::from_value(
        harness
            .client
            .execute(LOADED_PATHS, vec![])
            .await
            .expect("the document's resource timing"),
    )
    .expect("a list of paths");
    assert!(
        loaded.iter().any(|path| path.contains("/bedside-launch-")),
        "the light page did not start: {loaded:?}"
    );
    assert!(
        loaded
            .iter()
            .any(|path| is_app_code(path) && path.ends_with("_bg.wasm")),
        "the app did not take over: {loaded:?}"
    );
    assert!(
        !harness.is_present("main[data-bedside-light]").await,
        "the light page's status is still shown"
    );
    harness.finish().await;
}

/// Whether `loaded` holds the light module's wasm once and none of the app's code but what was
/// prefetched (a `link`), with the app's module and wasm among those.
fn assert_light_with_the_app_prefetched(loaded: &[(String, String)]) {
    let light = loaded
        .iter()
        .filter(|(name, _)| name.contains("/bedside-launch-") && name.ends_with("_bg.wasm"));
    assert_eq!(light.count(), 1, "the light module: {loaded:?}");
    let app_loaded = loaded
        .iter()
        .filter(|(name, initiator)| is_app_code(name) && initiator != "link")
        .collect::<Vec<_>>();
    assert!(
        app_loaded.is_empty(),
        "the app's code was loaded: {app_loaded:?}"
    );
    for suffix in [".js", "_bg.wasm"] {
        let prefetched = loaded.iter().any(|(name, initiator)| {
            is_app_code(name) && name.ends_with(suffix) && initiator == "link"
        });
        assert!(
            prefetched,
            "the app's {suffix} is not prefetched: {loaded:?}"
        );
    }
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_standalone_launch_from_the_start_page_loads_only_the_light_module_and_reaches_the_summary(
) {
    let harness = Harness::start().await;
    keep_page_resources(&harness).await;
    harness.start_standalone_launch().await;
    let patient = harness.sandbox.patients()[0].id.clone();
    harness.click(&format!("#patient-{patient}")).await;
    harness.click("#allow").await;
    harness.wait_for("[data-testid=patient-name]").await;

    assert_light_with_the_app_prefetched(&page_resources(&harness, "/").await);
    harness.finish().await;
}

/// Opens the start page at `query` and waits for the light module's picker.
async fn open_light_start_page(harness: &Harness, query: &str) {
    let start = format!("{}/{query}", harness.sandbox.app_origin);
    harness.client.goto(&start).await.unwrap();
    harness
        .wait_for("main[data-bedside-light] [data-testid=server-picker] button.server")
        .await;
}

/// Types `address` into the start page's field and presses Enter, as a keyboard user does.
async fn type_server(harness: &Harness, address: &str) {
    let field = harness.wait_for("#server-url").await;
    field
        .send_keys(&format!(
            "{address}{}",
            char::from(fantoccini::key::Key::Enter)
        ))
        .await
        .expect("typing into the field");
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_typed_address_with_markup_is_a_problem_shown_as_text_by_the_light_start_page() {
    let harness = Harness::start().await;
    open_light_start_page(&harness, "").await;
    // A web address to the browser (the field is `type=url`), but no FHIR server.
    let hostile = "javascript:<img src=x onerror=alert(1)>";
    type_server(&harness, hostile).await;

    let problem = "main[data-bedside-light] [data-testid=error]";
    harness.wait_for(problem).await;
    assert_eq!(
        harness.text_of("[data-testid=error-title]").await,
        "Bedside was not launched correctly"
    );
    let message = harness.text_of("[data-testid=error-message]").await;
    assert!(message.contains(hostile), "{message}");
    assert!(
        !harness.is_present(&format!("{problem} img")).await,
        "the typed markup became an element"
    );
    // The field keeps what was typed, and the servers can still be chosen.
    let field = harness.wait_for("#server-url").await;
    assert_eq!(field.prop("value").await.unwrap().as_deref(), Some(hostile));
    assert!(
        !harness.is_present("button.server[disabled]").await,
        "the servers stay disabled"
    );
    harness.screenshot("start-page-problem").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_typed_server_that_is_not_allowed_is_refused_by_name_in_the_light_start_page() {
    let harness = Harness::start().await;
    open_light_start_page(&harness, "").await;
    type_server(&harness, "https://evil.example/fhir").await;

    harness
        .wait_for("main[data-bedside-light] [data-testid=error]")
        .await;
    assert_eq!(
        harness.text_of("[data-testid=error-title]").await,
        "This server is not allowed"
    );
    let message = harness.text_of("[data-testid=error-message]").await;
    assert!(message.contains("https://evil.example/fhir"), "{message}");
    // Shown by the light page itself: a hand-over to the whole app removes its `<main>`.
    assert!(harness.is_present("main[data-bedside-light]").await);
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_light_start_page_says_the_user_signed_out_only_after_sign_out() {
    let harness = Harness::start().await;
    open_light_start_page(&harness, "?signed-out").await;
    assert_eq!(
        harness
            .text_of("main[data-bedside-light] [data-testid=signed-out]")
            .await,
        "You have signed out: Bedside no longer holds any access to the record."
    );
    open_light_start_page(&harness, "").await;
    assert!(!harness.is_present("[data-testid=signed-out]").await);
    harness.finish().await;
}
