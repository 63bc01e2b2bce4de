//! What a browser sees: the EHR pages, the consent page, the app origin (static files, SPA
//! fallback, generated `config.json`), and the library's lifecycle.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::*;
use serde_json::{json, Value};

const HOSTILE: &str = "<b>Bold</b> & \"quotes\"";
const HOSTILE_ESCAPED: &str = "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quotes&quot;";

/// A fresh app directory with an `index.html`, a wasm file and a decoy `config.json`.
fn app_dir() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "bedside-sandbox-test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(dir.join("assets")).expect("a temp dir");
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>Bedside</title>INDEX",
    )
    .expect("index.html");
    std::fs::write(dir.join("assets/app_bg.wasm"), b"\0asm").expect("a wasm file");
    std::fs::write(dir.join("config.json"), "{\"servers\":[]}").expect("a decoy config");
    dir
}

async fn get(url: &str) -> reqwest::Response {
    http().get(url).send().await.expect("an answer")
}

#[tokio::test]
async fn config_json_lists_every_profile_with_the_reference_server_first_and_the_callback() {
    let dir = app_dir();
    let sandbox = start_with(Options {
        app_dir: Some(dir.clone()),
        ..Options::default()
    })
    .await;
    let response = get(&format!("{}/config.json", sandbox.app_origin)).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .expect("ASCII")
        .starts_with("application/json"));
    let config: Value = response.json().await.expect("JSON");
    let expected = json!({
        "iss": sandbox.fhir_base(),
        "name": "Bedside sandbox (reference EHR)",
        "client_id": "bedside",
        "standalone": true,
        "redirect_uri": format!("{}/callback/reference", sandbox.app_origin),
    });
    assert_eq!(config["servers"][0], expected);
    assert_eq!(config["other_servers"], Value::Null);
    assert_eq!(
        config["redirect_uri"],
        format!("{}/callback", sandbox.app_origin)
    );
    let servers = config["servers"].as_array().expect("a list");
    assert_eq!(servers.len(), sandbox.profiles().len());
    for (server, profile) in servers.iter().zip(sandbox.profiles()) {
        assert_eq!(server["iss"], sandbox.fhir_base_of(profile));
        assert_eq!(server["redirect_uri"], sandbox.redirect_uri_of(profile));
    }
    assert_eq!(servers[1]["name"], "Sandbox — epic-like");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_spa_fallback_serves_index_html_for_launch_and_callback_without_caching() {
    let dir = app_dir();
    let sandbox = start_with(Options {
        app_dir: Some(dir.clone()),
        ..Options::default()
    })
    .await;
    for path in [
        "/",
        "/launch?iss=x&launch=y",
        "/callback?code=c&state=s",
        "/callback/reference?code=c&state=s",
        "/deep/route",
    ] {
        let response = get(&format!("{}{path}", sandbox.app_origin)).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(response.headers()["content-type"]
            .to_str()
            .expect("ASCII")
            .starts_with("text/html"));
        assert!(
            response.text().await.expect("text").contains("INDEX"),
            "{path}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_start_and_launch_addresses_serve_the_light_page_when_the_build_has_one() {
    let dir = app_dir();
    std::fs::write(dir.join("launch.html"), "<!doctype html>LIGHT").expect("launch.html");
    let sandbox = start_with(Options {
        app_dir: Some(dir.clone()),
        ..Options::default()
    })
    .await;
    let expected_policy = format!("frame-ancestors 'self' {}", sandbox.ehr_origin);
    let launch = get(&format!("{}/launch?iss=x&launch=y", sandbox.app_origin)).await;
    assert_eq!(launch.status(), 200);
    assert_eq!(launch.headers()["cache-control"], "no-cache");
    assert_eq!(
        launch.headers()["content-security-policy"],
        expected_policy.as_str()
    );
    assert!(launch.text().await.expect("text").contains("LIGHT"));
    let start = get(&format!("{}/?signed-out", sandbox.app_origin)).await;
    assert_eq!(start.headers()["cache-control"], "no-cache");
    assert!(start.text().await.expect("text").contains("LIGHT"));
    for path in ["/index.html", "/callback?code=c&state=s", "/launcher"] {
        let page = get(&format!("{}{path}", sandbox.app_origin)).await;
        assert!(page.text().await.expect("text").contains("INDEX"), "{path}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_apps_pages_may_be_framed_only_by_the_app_itself_and_the_ehr_origin() {
    let dir = app_dir();
    let sandbox = start_with(Options {
        app_dir: Some(dir.clone()),
        ..Options::default()
    })
    .await;
    let expected = format!("frame-ancestors 'self' {}", sandbox.ehr_origin);
    for path in ["/", "/index.html", "/launch?iss=x&launch=y", "/callback"] {
        let response = get(&format!("{}{path}", sandbox.app_origin)).await;
        let policy = response
            .headers()
            .get("content-security-policy")
            .map(|value| value.to_str().expect("ASCII").to_owned());
        assert_eq!(policy.as_deref(), Some(expected.as_str()), "{path}");
    }
    let wasm = get(&format!("{}/assets/app_bg.wasm", sandbox.app_origin)).await;
    assert!(
        wasm.headers().get("content-security-policy").is_none(),
        "only documents are framed, so only they carry the policy"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn app_files_are_served_with_their_media_type_and_never_from_outside_the_dir() {
    let dir = app_dir();
    let sandbox = start_with(Options {
        app_dir: Some(dir.clone()),
        ..Options::default()
    })
    .await;
    let wasm = get(&format!("{}/assets/app_bg.wasm", sandbox.app_origin)).await;
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.bytes().await.expect("bytes").as_ref(), b"\0asm");
    for path in [
        "/%2e%2e/%2e%2e/etc/passwd",
        "/assets/..%2f..%2fetc%2fpasswd",
    ] {
        let response = get(&format!("{}{path}", sandbox.app_origin)).await;
        assert!(
            response.text().await.expect("text").contains("INDEX"),
            "{path}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn hashed_app_files_are_cached_for_a_year_and_everything_else_is_revalidated() {
    let dir = app_dir();
    for (name, body) in [
        ("bedside-3f9a0c1d2e4b5a67.js", "export default 1;"),
        ("bedside-3f9a0c1d2e4b5a67_bg.wasm", "\0asm"),
        ("main-0123456789abcdef.css", "body{}"),
        ("boot.js", "import('./x.js');"),
    ] {
        std::fs::write(dir.join(name), body).expect("an app file");
    }
    let sandbox = start_with(Options {
        app_dir: Some(dir.clone()),
        ..Options::default()
    })
    .await;
    let cache_control = |response: &reqwest::Response| {
        let value = response.headers().get("cache-control");
        value.map(|v| v.to_str().expect("ASCII").to_owned())
    };
    for hashed in [
        "/bedside-3f9a0c1d2e4b5a67.js",
        "/bedside-3f9a0c1d2e4b5a67_bg.wasm",
        "/main-0123456789abcdef.css",
    ] {
        let response = get(&format!("{}{hashed}", sandbox.app_origin)).await;
        assert_eq!(
            cache_control(&response).as_deref(),
            Some("public, max-age=31536000, immutable"),
            "{hashed}"
        );
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    }
    for revalidated in [
        "/",
        "/index.html",
        "/callback/reference?code=c&state=s",
        "/config.json",
        "/boot.js",
    ] {
        let response = get(&format!("{}{revalidated}", sandbox.app_origin)).await;
        assert_eq!(
            cache_control(&response).as_deref(),
            Some("no-cache"),
            "{revalidated}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_app_served_elsewhere_is_launched_there_and_named_in_config_json() {
    let app = "http://localhost:8443/bedside";
    let sandbox = start_with(Options {
        app_url: Some(format!("{app}/")),
        ..Options::default()
    })
    .await;
    let patient = &sandbox.patients()[0].id;
    let launch = get(&format!(
        "{}ehr/launch?patient={patient}&target=tab",
        sandbox.ehr_page_url()
    ))
    .await;
    let location = launch.headers()["location"].to_str().expect("ASCII");
    assert!(
        location.starts_with(&format!("{app}/launch?iss=")),
        "{location}"
    );
    let config: Value = get(&format!("{}/config.json", sandbox.app_origin))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(config["redirect_uri"], format!("{app}/callback"));
    assert_eq!(
        config["servers"][0]["redirect_uri"],
        format!("{app}/callback/reference")
    );
    let framing = get(&format!(
        "{}ehr/launch?patient={patient}",
        sandbox.ehr_page_url()
    ))
    .await;
    let policy = framing.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII");
    assert!(
        policy.contains("frame-src 'self' http://localhost:8443"),
        "{policy}"
    );
}

#[tokio::test]
async fn the_ehr_page_shows_the_hostile_name_as_text() {
    let sandbox = start().await;
    let response = get(&sandbox.ehr_page_url()).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .contains("default-src 'self'"));
    let page = response.text().await.expect("a page");
    assert!(page.contains(HOSTILE_ESCAPED));
    assert!(!page.contains("<b>Bold</b>"));
    assert!(!page.contains("<script>"));
}

#[tokio::test]
async fn the_ehr_page_links_every_patient_to_an_embedded_and_a_tab_launch() {
    let sandbox = start().await;
    let page = get(&sandbox.ehr_page_url())
        .await
        .text()
        .await
        .expect("a page");
    for patient in sandbox.patients() {
        let id = &patient.id;
        assert!(
            page.contains(&format!(
                "class=\"launch-embedded\" data-patient=\"{id}\" href=\"/ehr/launch?patient={id}\""
            )),
            "{id}"
        );
        assert!(page.contains(&format!("class=\"launch-tab\" data-patient=\"{id}\" href=\"/ehr/launch?patient={id}&amp;target=tab\" target=\"_blank\"")), "{id}");
    }
    assert!(
        page.contains("Zoë Ångström")
            && page.contains("Ольга Смирнова")
            && page.contains("太郎 山田")
    );
}

#[tokio::test]
async fn the_embedded_launch_page_frames_the_app_with_iss_and_a_fresh_launch() {
    let sandbox = start().await;
    let id = patient_named(&sandbox, HOSTILE);
    let response = get(&format!("{}/ehr/launch?patient={id}", sandbox.ehr_origin)).await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .to_string();
    // The app's frame must be allowed, and so must this origin: the frame navigates to the
    // authorize page here.
    assert!(
        csp.contains(&format!("frame-src 'self' {}", sandbox.app_origin)),
        "{csp}"
    );
    let page = response.text().await.expect("a page");
    assert!(page.contains(HOSTILE_ESCAPED) && !page.contains("<b>Bold</b>"));
    let iss: String =
        url::form_urlencoded::byte_serialize(sandbox.fhir_base().as_bytes()).collect();
    let src = format!(
        "<iframe id=\"bedside-frame\" title=\"Bedside\" src=\"{}/launch?iss={iss}&amp;launch=",
        sandbox.app_origin
    );
    assert!(page.contains(&src), "{page}");
}

#[tokio::test]
async fn launching_a_patient_id_no_fhir_server_could_hold_shows_an_error_page() {
    let sandbox = start().await;
    let response = get(&format!(
        "{}/ehr/launch?patient=p%20nobody%21",
        sandbox.ehr_origin
    ))
    .await;
    assert_eq!(response.status(), 404);
    assert!(response
        .text()
        .await
        .expect("a page")
        .contains("id=\"error-message\""));
}

// A chart can name a patient the FHIR server does not hold; the launch goes ahead so the app's
// handling of it can be seen.
#[tokio::test]
async fn launching_a_patient_the_fhir_server_does_not_hold_opens_the_app() {
    let sandbox = start().await;
    let response = get(&format!(
        "{}/ehr/launch?patient=p-nobody",
        sandbox.ehr_origin
    ))
    .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("a page");
    assert!(page.contains("id=\"bedside-frame\""), "{page}");
    assert!(page.contains("p-nobody"), "{page}");
}

#[tokio::test]
async fn the_consent_page_escapes_names_and_offers_every_patient() {
    let sandbox = start().await;
    let request = Authorize::new(
        &sandbox,
        "launch/patient patient/Patient.rs",
        &Pkce::new("page"),
    );
    let response = request.send(&http(), &sandbox).await;
    assert_eq!(
        response.headers()["content-security-policy"],
        "default-src 'self'; style-src 'self' 'unsafe-inline'"
    );
    assert!(
        response.headers().get("x-frame-options").is_none(),
        "the consent page must work in an iframe"
    );
    let page = response.text().await.expect("a page");
    assert!(page.contains(HOSTILE_ESCAPED) && !page.contains("<b>Bold</b>"));
    for patient in sandbox.patients() {
        let id = &patient.id;
        assert!(
            page.contains(&format!(
                "type=\"radio\" name=\"patient\" value=\"{id}\" id=\"patient-{id}\""
            )),
            "{id}"
        );
    }
    for needle in [
        "<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>",
        "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button>",
        "id=\"username\" name=\"username\" value=\"clinician\"",
        &format!(
            "action=\"{}/reference/auth/authorize/decision\"",
            sandbox.ehr_origin
        ),
        "<code>patient/Patient.rs</code>",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
}

#[tokio::test]
async fn patients_without_a_server_match_the_running_sandbox() {
    let sandbox = start_with(Options {
        seed: 99,
        ..Options::default()
    })
    .await;
    assert_eq!(sandbox::patients(99), sandbox.patients());
    assert_ne!(sandbox::patients(98)[0].id, sandbox.patients()[0].id);
}

#[tokio::test]
async fn sandboxes_run_side_by_side_and_shut_down() {
    let (a, b) = (start().await, start().await);
    assert_ne!(a.ehr_origin, b.ehr_origin);
    assert!(
        a.ehr_origin.starts_with("http://localhost:")
            && a.app_origin.starts_with("http://localhost:")
    );
    let url = a.ehr_page_url();
    assert_eq!(get(&url).await.status(), 200);
    a.shutdown().await;
    assert!(
        http().get(&url).send().await.is_err(),
        "the EHR origin is closed after shutdown"
    );
    drop(b);
}
