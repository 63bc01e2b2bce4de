//! End-to-end: the EHR launch page is light (issue 13, item 2). `/launch` serves `launch.html`,
//! whose small module signs in without the whole app; the app's code is only prefetched there,
//! for the callback page. Run with `cargo xtask test`.

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

// The launch page is gone once it has sent the browser to sign in, so what it loaded is read as
// it leaves and kept in the tab's session storage for the test (the app never writes this key).
const KEEP_LAUNCH_RESOURCES: &str = r#"
addEventListener("pagehide", () => {
  if (!location.pathname.endsWith("/launch")) return;
  const loaded = performance.getEntriesByType("resource")
    .map((e) => ({ name: new URL(e.name).pathname, initiator: e.initiatorType }));
  sessionStorage.setItem("e2e.launch-resources", JSON.stringify(loaded));
});
"#;

/// What the launch page had loaded when it left: path and initiator type of each resource.
async fn launch_page_resources(harness: &Harness) -> Vec<(String, String)> {
    let kept = harness
        .client
        .execute(
            "return sessionStorage.getItem('e2e.launch-resources');",
            vec![],
        )
        .await
        .expect("reading the kept entries");
    let kept: Value = serde_json::from_str(kept.as_str().expect("the launch page left")).unwrap();
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
    harness
        .client
        .issue_cmd(Cdp(json!({
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": { "source": KEEP_LAUNCH_RESOURCES },
        })))
        .await
        .expect("the DevTools command");
    let patient = harness.patient_named("José");
    harness.open_ehr_launch(&patient.id, "").await;
    harness.wait_for("[data-testid=patient-name]").await;
    launch_page_resources(harness).await
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn an_ehr_launch_in_a_tab_reaches_the_summary_loading_only_the_light_module() {
    let harness = Harness::start().await;
    let loaded = launch_in_a_tab_to_the_summary(&harness).await;

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
