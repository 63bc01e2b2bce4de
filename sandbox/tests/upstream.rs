//! Upstream mode: a sandbox started with `upstream` puts its authorization server, scope
//! checks, CORS and profile quirks in front of another FHIR server. The upstream here is a
//! second sandbox's `open` profile (no authorization), whose generated patients are the data.

mod common;

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::IntoResponse;
use axum::Router;
use common::*;
use serde_json::Value;

const SCOPE: &str = "launch patient/Condition.rs patient/Patient.rs";

/// The upstream (a default sandbox) and a sandbox in front of its `open` profile.
async fn fronted() -> (Running, Running) {
    let upstream = start().await;
    let front = start_with(Options {
        upstream: Some(upstream.fhir_base_of("open")),
        ..Options::default()
    })
    .await;
    (upstream, front)
}

/// An upstream patient with at least three Conditions, so that `_count=2` pages.
fn patient_with_conditions(upstream: &Running) -> String {
    upstream
        .patients()
        .iter()
        .map(|p| p.id.clone())
        .find(|id| upstream.resources(id, "Condition").len() >= 3)
        .expect("a patient with three Conditions")
}

/// Every string in `value`, for checking what a body mentions.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(text) => vec![text.clone()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(fields) => fields.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

async fn get(url: &str, token: Option<&str>, front: &Running) -> reqwest::Response {
    let mut request = http().get(url).header("Origin", &front.app_origin);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the front sandbox answers")
}

#[tokio::test]
async fn a_launched_search_pages_through_the_upstream_with_every_url_on_the_fronts_base() {
    let (upstream, front) = fronted().await;
    let patient = patient_with_conditions(&upstream);
    let tokens = ehr_tokens(&http(), &front, &patient, SCOPE).await;
    let token = tokens["access_token"].as_str().expect("a token");
    let first = format!("{}/Condition?patient={patient}&_count=2", front.fhir_base());
    let response = get(&first, Some(token), &front).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        front.app_origin.as_str()
    );
    let page: Value = response.json().await.expect("a Bundle");
    let expected: Vec<Value> = upstream.resources(&patient, "Condition");
    assert_eq!(entries(&page, "match"), expected[..2]);
    for entry in page["entry"].as_array().expect("entries") {
        let full_url = entry["fullUrl"].as_str().unwrap_or_default();
        assert!(full_url.starts_with(&front.fhir_base()), "{full_url}");
    }
    let mentioned = strings(&page);
    assert!(
        !mentioned.iter().any(|s| s.contains(&upstream.ehr_origin)),
        "the upstream's address leaked: {mentioned:?}"
    );
    let next = next_link(&page).expect("a next link");
    assert!(next.starts_with(&front.fhir_base()), "{next}");
    let second: Value = get(&next, Some(token), &front)
        .await
        .json()
        .await
        .expect("a Bundle");
    assert_eq!(
        entries(&second, "match"),
        expected[2..expected.len().min(4)]
    );
}

#[tokio::test]
async fn the_ehr_page_lists_the_upstreams_patients() {
    let (upstream, front) = fronted().await;
    assert!(front.patients().is_empty());
    let page = http()
        .get(front.ehr_page_url())
        .send()
        .await
        .expect("the EHR page")
        .text()
        .await
        .expect("HTML");
    for patient in upstream.patients() {
        assert!(
            page.contains(&format!("data-patient=\"{}\"", patient.id)),
            "{} is not listed",
            patient.id
        );
    }
}

#[tokio::test]
async fn a_standalone_launch_picks_an_upstream_patient_and_reads_it() {
    let (upstream, front) = fronted().await;
    let http = http();
    let pkce = Pkce::new("standalone-upstream");
    let page = Authorize::new(&front, "launch/patient patient/Patient.rs", &pkce)
        .send(&http, &front)
        .await
        .text()
        .await
        .expect("the sign-in page");
    let patient = upstream.patients()[2].id.clone();
    assert!(
        page.contains(&format!("id=\"patient-{patient}\"")),
        "{page}"
    );
    let request_id = request_id(&page);
    let form = [
        ("request_id", request_id.as_str()),
        ("username", "clinician"),
        ("password", "demo"),
        ("patient", patient.as_str()),
        ("decision", "allow"),
    ];
    let response = decide(&http, &front, &form).await;
    let params = redirect_params(&response, &front.redirect_uri());
    let tokens: Value = redeem(&http, &front, &params["code"], &pkce)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(tokens["patient"], patient.as_str());
    let read = read_patient(&http, &front, &patient, tokens["access_token"].as_str()).await;
    assert_eq!(read.status(), 200);
    let resource: Value = read.json().await.expect("a Patient");
    assert_eq!(resource["id"], patient.as_str());
}

#[tokio::test]
async fn a_request_without_a_token_is_refused_and_never_reaches_the_upstream() {
    let (upstream, front) = fronted().await;
    let patient = &upstream.patients()[0].id;
    let search = format!("{}/Condition?patient={patient}", front.fhir_base());
    let response = get(&search, None, &front).await;
    assert_eq!(response.status(), 401);
    let outcome: Value = response.json().await.expect("an OperationOutcome");
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    let paging = format!("{}?_getpages=anything", front.fhir_base());
    assert_eq!(get(&paging, None, &front).await.status(), 401);
    let relayed = upstream
        .requests()
        .iter()
        .filter(|r| r.target().starts_with("/open/fhir"))
        .count();
    assert_eq!(relayed, 0);
}

#[tokio::test]
async fn scopes_and_the_patient_in_context_are_enforced_on_upstream_data() {
    let (upstream, front) = fronted().await;
    let patient = patient_with_conditions(&upstream);
    let other = upstream
        .patients()
        .iter()
        .map(|p| p.id.clone())
        .find(|id| *id != patient && !upstream.resources(id, "Condition").is_empty())
        .expect("another patient with Conditions");
    let tokens = ehr_tokens(&http(), &front, &patient, SCOPE).await;
    let token = tokens["access_token"].as_str();
    let base = front.fhir_base();

    let not_granted = get(
        &format!("{base}/Observation?patient={patient}"),
        token,
        &front,
    )
    .await;
    assert_eq!(not_granted.status(), 403);
    let other_patient = get(&format!("{base}/Condition?patient={other}"), token, &front).await;
    assert_eq!(other_patient.status(), 403);
    let others_condition = &upstream.resources(&other, "Condition")[0]["id"];
    let read = format!(
        "{base}/Condition/{}",
        others_condition.as_str().unwrap_or_default()
    );
    assert_eq!(get(&read, token, &front).await.status(), 403);

    // Without a patient parameter the search is limited to the patient in context.
    let all: Value = get(&format!("{base}/Condition?_count=1000"), token, &front)
        .await
        .json()
        .await
        .expect("a Bundle");
    assert_eq!(
        entries(&all, "match"),
        upstream.resources(&patient, "Condition")
    );
    let relayed = upstream.requests().into_iter().map(|r| r.target());
    let narrowed = format!("/open/fhir/Condition?_count=1000&patient={patient}");
    assert!(relayed.into_iter().any(|t| t == narrowed), "{narrowed}");
}

#[tokio::test]
async fn a_profiles_count_cap_applies_to_the_relayed_search() {
    let (upstream, front) = fronted().await;
    let patient = &upstream.patients()[1].id;
    let token = profile_token(
        &http(),
        &front,
        "oracle-like",
        patient,
        "launch patient/Condition.read",
    )
    .await;
    let search = format!("Condition?patient={patient}&_count=500");
    let response = fhir_get(&http(), &front, "oracle-like", &search, Some(&token)).await;
    assert_eq!(response.status(), 200);
    let relayed: Vec<String> = upstream
        .requests()
        .into_iter()
        .map(|r| r.target())
        .collect();
    let capped = format!("/open/fhir/Condition?patient={patient}&_count=50");
    assert!(relayed.contains(&capped), "{relayed:?}");
}

#[tokio::test]
async fn an_upstream_that_stops_answering_gives_a_502_operation_outcome() {
    let (upstream, front) = fronted().await;
    let patient = patient_with_conditions(&upstream);
    let tokens = ehr_tokens(&http(), &front, &patient, SCOPE).await;
    upstream.shutdown().await;
    let search = format!("{}/Condition?patient={patient}", front.fhir_base());
    let response = get(&search, tokens["access_token"].as_str(), &front).await;
    assert_eq!(response.status(), 502);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        front.app_origin.as_str()
    );
    let outcome: Value = response.json().await.expect("an OperationOutcome");
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(outcome["issue"][0]["code"], "transient");
    let diagnostics = outcome["issue"][0]["diagnostics"]
        .as_str()
        .unwrap_or_default();
    assert!(
        diagnostics.contains("upstream FHIR server") && diagnostics.contains("did not answer"),
        "{diagnostics}"
    );
    let page = http()
        .get(front.ehr_page_url())
        .send()
        .await
        .expect("a page");
    assert_eq!(page.status(), 502);
}

#[tokio::test]
async fn an_https_or_malformed_upstream_is_refused_at_start() {
    for upstream in ["https://fhir.example.org/r4", "no url"] {
        let started = sandbox::start(Options {
            upstream: Some(upstream.to_string()),
            ..Options::default()
        })
        .await;
        let error = started.expect_err("refused");
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{upstream}");
    }
}

/// A FHIR server that pages as helios-hfs does, with an opaque `_cursor` the sandbox's own
/// search rules do not know: it serves `upstream`'s `open` profile, translating its `_offset`
/// links into `_cursor` ones and back. Returns its base URL and the targets it was asked for.
async fn cursor_paging(upstream: &Running) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let own = format!("http://{}/fhir", listener.local_addr().expect("an address"));
    let behind = upstream.fhir_base_of("open");
    let asked = Arc::new(Mutex::new(Vec::new()));
    let state = CursorPaging {
        own: own.clone(),
        behind,
        asked: asked.clone(),
    };
    let app = Router::new()
        .fallback(relay_with_cursors)
        .with_state(Arc::new(state));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (own, asked)
}

/// The cursor-paging server's base, the base it serves from, and what it was asked.
struct CursorPaging {
    own: String,
    behind: String,
    asked: Arc<Mutex<Vec<String>>>,
}

async fn relay_with_cursors(State(state): State<Arc<CursorPaging>>, uri: Uri) -> impl IntoResponse {
    let CursorPaging { own, behind, asked } = &*state;
    let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    asked.lock().expect("the log").push(target.to_owned());
    let below_base = target.strip_prefix("/fhir").unwrap_or(target);
    let url = format!("{behind}{}", below_base.replace("_cursor=", "_offset="));
    let answer = http().get(url).send().await.expect("the upstream answers");
    let status = answer.status().as_u16();
    let body = answer.text().await.expect("a body");
    let body = body
        .replace(behind.as_str(), own)
        .replace("_offset=", "_cursor=");
    (
        StatusCode::from_u16(status).expect("a status"),
        [("content-type", "application/fhir+json")],
        body,
    )
}

/// A sandbox in front of a cursor-paging server in front of a default sandbox.
async fn fronting_cursors() -> (Running, Running, Arc<Mutex<Vec<String>>>) {
    let upstream = start().await;
    let (base, asked) = cursor_paging(&upstream).await;
    let front = start_with(Options {
        upstream: Some(base),
        ..Options::default()
    })
    .await;
    (upstream, front, asked)
}

async fn bundle(url: &str, token: Option<&str>, front: &Running) -> (u16, Value) {
    let response = get(url, token, front).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("FHIR JSON"))
}

#[tokio::test]
async fn an_upstreams_next_link_with_an_opaque_cursor_is_relayed_and_pages_on() {
    let (upstream, front, _) = fronting_cursors().await;
    let patient = patient_with_conditions(&upstream);
    let tokens = ehr_tokens(&http(), &front, &patient, SCOPE).await;
    let token = tokens["access_token"].as_str();
    let first = format!("{}/Condition?patient={patient}&_count=2", front.fhir_base());
    let (_, page) = bundle(&first, token, &front).await;
    let next = next_link(&page).expect("a next link");
    assert!(next.starts_with(&front.fhir_base()), "{next}");
    assert!(next.contains("_cursor="), "{next}");
    let (status, second) = bundle(&next, token, &front).await;
    assert_eq!(status, 200, "{second}");
    let expected = upstream.resources(&patient, "Condition");
    assert_eq!(
        entries(&second, "match"),
        expected[2..expected.len().min(4)]
    );
}

#[tokio::test]
async fn a_paging_link_the_sandbox_did_not_hand_out_is_refused_and_never_relayed() {
    let (upstream, front, asked) = fronting_cursors().await;
    let patient = patient_with_conditions(&upstream);
    let tokens = ehr_tokens(&http(), &front, &patient, SCOPE).await;
    let token = tokens["access_token"].as_str();
    let base = front.fhir_base();
    let forged = [
        format!("{base}/Condition?patient={patient}&_count=2&_cursor=2"),
        format!("{base}?_getpages=anything"),
    ];
    for url in &forged {
        let (status, outcome) = bundle(url, token, &front).await;
        assert_eq!(status, 400, "{url}");
        assert_eq!(outcome["resourceType"], "OperationOutcome");
    }
    let relayed = asked.lock().expect("the log").clone();
    assert!(
        !relayed
            .iter()
            .any(|t| t.contains("_cursor") || t.contains("_getpages")),
        "{relayed:?}"
    );
}

#[tokio::test]
async fn a_paging_link_works_only_for_the_token_family_it_was_handed_to() {
    let (upstream, front, _) = fronting_cursors().await;
    let patient = patient_with_conditions(&upstream);
    let first_launch = ehr_tokens(&http(), &front, &patient, SCOPE).await;
    let second_launch = ehr_tokens(&http(), &front, &patient, SCOPE).await;
    let search = format!("{}/Condition?patient={patient}&_count=2", front.fhir_base());
    let (_, page) = bundle(&search, first_launch["access_token"].as_str(), &front).await;
    let next = next_link(&page).expect("a next link");
    let (status, _) = bundle(&next, second_launch["access_token"].as_str(), &front).await;
    assert_eq!(status, 400);
}

/// Vital signs of one patient, one categorised with the R4 code system and one with the
/// pre-R4 system (`http://hl7.org/fhir/observation-category`), a day earlier.
const TWO_SYSTEMS: &str = r#"{"resourceType":"Bundle","type":"collection","entry":[
 {"resource":{"resourceType":"Patient","id":"two-systems","name":[{"given":["Two"],"family":"Systems"}]}},
 {"resource":{"resourceType":"Observation","id":"pre-r4","status":"final",
  "category":[{"coding":[{"system":"http://hl7.org/fhir/observation-category","code":"vital-signs"}]}],
  "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}],"text":"Heart rate"},
  "subject":{"reference":"Patient/two-systems"},"effectiveDateTime":"2020-01-01T10:00:00Z",
  "valueQuantity":{"value":70,"unit":"/min"}}},
 {"resource":{"resourceType":"Observation","id":"r4","status":"final",
  "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
  "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}],"text":"Heart rate"},
  "subject":{"reference":"Patient/two-systems"},"effectiveDateTime":"2020-01-02T10:00:00Z",
  "valueQuantity":{"value":72,"unit":"/min"}}}]}"#;

/// A grant narrowed to vital signs as R4 categorises them.
const VITALS_ONLY: &str = "launch patient/Patient.rs \
    patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs";

/// A sandbox serving `TWO_SYSTEMS` from its own store, and a sandbox in front of it.
async fn own_and_fronted() -> (Running, Running) {
    let dir = std::env::temp_dir().join(format!("sandbox-two-systems-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp folder");
    std::fs::write(dir.join("two-systems.json"), TWO_SYSTEMS).expect("a file");
    let own = start_with(Options {
        data_dir: Some(dir),
        ..Options::default()
    })
    .await;
    let front = start_with(Options {
        upstream: Some(own.fhir_base_of("open")),
        ..Options::default()
    })
    .await;
    (own, front)
}

/// The ids of the matches of every page of a search, following `next` links.
async fn every_page(sandbox: &Running, search: &str, token: Option<&str>) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut url = Some(format!("{}/{search}", sandbox.fhir_base()));
    while let Some(next) = url.take() {
        let (status, page) = bundle(&next, token, sandbox).await;
        assert_eq!(status, 200, "{page}");
        let ids = entries(&page, "match")
            .iter()
            .map(|r| r["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        pages.push(ids);
        url = next_link(&page);
    }
    pages
}

#[tokio::test]
async fn a_narrowed_grant_hides_the_same_records_in_both_modes() {
    let (own, front) = own_and_fronted().await;
    let search = "Observation?patient=two-systems&category=vital-signs";
    for sandbox in [&own, &front] {
        let tokens = ehr_tokens(&http(), sandbox, "two-systems", VITALS_ONLY).await;
        let pages = every_page(sandbox, search, tokens["access_token"].as_str()).await;
        assert_eq!(pages, [["r4"]], "{}", sandbox.fhir_base());
    }
}

#[tokio::test]
async fn what_the_grant_hides_is_logged_with_the_reason_in_both_modes() {
    let (own, front) = own_and_fronted().await;
    let search = "Observation?patient=two-systems&category=vital-signs";
    for sandbox in [&own, &front] {
        let tokens = ehr_tokens(&http(), sandbox, "two-systems", VITALS_ONLY).await;
        every_page(sandbox, search, tokens["access_token"].as_str()).await;
        let searched = sandbox
            .requests()
            .into_iter()
            .find(|r| r.path.ends_with("/Observation"))
            .expect("the search is logged");
        let withheld: Vec<&str> = searched
            .withheld
            .iter()
            .map(|w| w.resource.as_str())
            .collect();
        assert_eq!(withheld, ["Observation/pre-r4"], "{}", sandbox.fhir_base());
        assert!(
            searched.withheld[0].reason.contains("category="),
            "{:?}",
            searched.withheld
        );
    }
}

#[tokio::test]
async fn a_page_the_grant_empties_still_links_on_and_claims_no_total_in_both_modes() {
    let (own, front) = own_and_fronted().await;
    let search = "Observation?patient=two-systems&category=vital-signs&_sort=date&_count=1";
    for sandbox in [&own, &front] {
        let tokens = ehr_tokens(&http(), sandbox, "two-systems", VITALS_ONLY).await;
        let token = tokens["access_token"].as_str();
        let (_, first) = bundle(&format!("{}/{search}", sandbox.fhir_base()), token, sandbox).await;
        assert!(entries(&first, "match").is_empty(), "{first}");
        assert_eq!(first.get("total"), None, "{first}");
        let pages = every_page(sandbox, search, token).await;
        assert_eq!(
            pages,
            [vec![], vec!["r4".to_owned()]],
            "{}",
            sandbox.fhir_base()
        );
    }
}
