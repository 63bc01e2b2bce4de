//! Simulated failures (see the table in `sandbox::Simulation`'s module): each one is
//! chosen per EHR launch (`&simulate=NAME` on `/ehr/launch`) or for every launch
//! (`Options::simulate`), and answers exactly as documented.

mod common;

use std::time::Duration;

use common::flows::*;
use common::*;
use sandbox::Simulation;
use serde_json::Value;

const SCOPE: &str = "launch patient/Patient.rs";
const REFRESH_SCOPE: &str = "launch patient/Patient.rs offline_access";

async fn authorize_simulating(name: &str) -> (Running, reqwest::Response) {
    let sandbox = start().await;
    let extra = format!("&simulate={name}");
    let response = authorize_with(&http(), &sandbox, &extra, SCOPE, &[], &Pkce::new("sim")).await;
    (sandbox, response)
}

async fn tokens_simulating(sandbox: &Running, name: &str, scope: &str) -> reqwest::Response {
    tokens_with(&http(), sandbox, &format!("&simulate={name}"), scope, &[]).await
}

/// A FHIR read of the first patient, sent from the app origin.
async fn read_from_app(sandbox: &Running, token: &str) -> reqwest::Response {
    let url = format!(
        "{}/Patient/{}",
        sandbox.fhir_base(),
        sandbox.patients()[0].id
    );
    http()
        .get(url)
        .header("Origin", &sandbox.app_origin)
        .bearer_auth(token)
        .send()
        .await
        .expect("the FHIR server answers")
}

async fn expect_error_page(response: reqwest::Response, words: &str) {
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/html"));
    let page = response.text().await.expect("a page");
    assert!(page.contains(words), "{page}");
}

#[tokio::test]
async fn auth_invalid_client_id_shows_the_sandbox_error_page_instead_of_redirecting() {
    let (_sandbox, response) = authorize_simulating("auth_invalid_client_id").await;
    expect_error_page(response, "Unknown client_id").await;
}

#[tokio::test]
async fn auth_invalid_redirect_uri_shows_the_sandbox_error_page_instead_of_redirecting() {
    let (_sandbox, response) = authorize_simulating("auth_invalid_redirect_uri").await;
    expect_error_page(response, "is not registered").await;
}

#[tokio::test]
async fn auth_invalid_scope_redirects_with_invalid_scope_a_description_and_the_state() {
    let (sandbox, response) = authorize_simulating("auth_invalid_scope").await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "invalid_scope");
    assert!(!params["error_description"].is_empty());
    assert_eq!(params["state"], "state-0123456789abcdef");
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn auth_access_denied_redirects_with_access_denied_as_if_the_user_declined() {
    let (sandbox, response) = authorize_simulating("auth_access_denied").await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "access_denied");
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn auth_error_without_state_redirects_with_the_error_and_its_words_but_no_state() {
    let (sandbox, response) = authorize_simulating("auth_error_without_state").await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "invalid_scope");
    assert!(
        params["error_description"].contains("is not allowed for client"),
        "{params:?}"
    );
    assert!(!params.contains_key("state"), "{params:?}");
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn token_invalid_token_rejects_the_code_with_invalid_grant() {
    let sandbox = start().await;
    let response = tokens_simulating(&sandbox, "token_invalid_token", SCOPE).await;
    let description = expect_token_error(response, "invalid_grant").await;
    assert!(description.contains("rejected"), "{description}");
}

#[tokio::test]
async fn token_invalid_scope_answers_400_invalid_scope() {
    let sandbox = start().await;
    let response = tokens_simulating(&sandbox, "token_invalid_scope", SCOPE).await;
    expect_token_error(response, "invalid_scope").await;
}

#[tokio::test]
async fn token_expired_refresh_token_lets_the_first_access_token_work() {
    let sandbox = start().await;
    let response = tokens_simulating(&sandbox, "token_expired_refresh_token", REFRESH_SCOPE).await;
    let tokens: Value = response.json().await.expect("JSON");
    let access = tokens["access_token"].as_str().expect("an access token");
    assert_eq!(read_from_app(&sandbox, access).await.status(), 200);
}

#[tokio::test]
async fn token_expired_refresh_token_refuses_the_refresh_with_invalid_grant() {
    let sandbox = start().await;
    let http = http();
    let response = tokens_simulating(&sandbox, "token_expired_refresh_token", REFRESH_SCOPE).await;
    let tokens: Value = response.json().await.expect("JSON");
    let refresh_token = tokens["refresh_token"].as_str().expect("a refresh token");
    let response = refresh(&http, &sandbox, refresh_token).await;
    let description = expect_token_error(response, "invalid_grant").await;
    assert!(description.contains("expired"), "{description}");
}

#[tokio::test]
async fn token_server_error_answers_500_with_an_html_body_the_app_may_read() {
    let sandbox = start().await;
    let http = http();
    let pkce = Pkce::new("server-error");
    let extra = "&simulate=token_server_error";
    let code = code_with(&http, &sandbox, extra, SCOPE, &[], &pkce).await;
    let redirect_uri = sandbox.redirect_uri();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("client_id", "bedside"),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    let response = http
        .post(format!("{}/reference/auth/token", sandbox.ehr_origin))
        .header("Origin", &sandbox.app_origin)
        .form(&form)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        sandbox.app_origin.as_str()
    );
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/html"));
    assert!(response.text().await.expect("a body").contains("<html>"));
}

#[tokio::test]
async fn request_invalid_token_answers_401_invalid_token_with_cors_headers() {
    let sandbox = start().await;
    let tokens = token_json(
        &http(),
        &sandbox,
        "&simulate=request_invalid_token",
        SCOPE,
        &[],
    )
    .await;
    let response = read_from_app(&sandbox, tokens["access_token"].as_str().expect("a token")).await;
    assert_eq!(response.status(), 401);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap_or_default();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        sandbox.app_origin.as_str()
    );
    let outcome: Value = response.json().await.expect("JSON");
    assert_eq!(outcome["resourceType"], "OperationOutcome");
}

#[tokio::test]
async fn request_expired_token_issues_an_access_token_that_lives_10_seconds() {
    let sandbox = start().await;
    let tokens = token_json(
        &http(),
        &sandbox,
        "&simulate=request_expired_token",
        SCOPE,
        &[],
    )
    .await;
    assert_eq!(tokens["expires_in"], 10);
}

#[tokio::test]
async fn request_expired_token_makes_the_token_fail_after_its_life() {
    let sandbox = start().await;
    let tokens = token_json(
        &http(),
        &sandbox,
        "&simulate=request_expired_token",
        SCOPE,
        &[],
    )
    .await;
    let access = tokens["access_token"].as_str().expect("a token");
    assert_eq!(read_from_app(&sandbox, access).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(10_500)).await;
    assert_eq!(read_from_app(&sandbox, access).await.status(), 401);
}

#[tokio::test]
async fn request_401_without_cors_answers_401_without_any_cors_header() {
    let sandbox = start().await;
    let extra = "&simulate=request_401_without_cors";
    let tokens = token_json(&http(), &sandbox, extra, SCOPE, &[]).await;
    let response = read_from_app(&sandbox, tokens["access_token"].as_str().expect("a token")).await;
    assert_eq!(response.status(), 401);
    let cors = response
        .headers()
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .count();
    assert_eq!(cors, 0);
}

#[tokio::test]
async fn a_simulation_binds_only_the_launch_that_chose_it() {
    let sandbox = start().await;
    let http = http();
    let _denied = launch_with(&http, &sandbox, "&simulate=auth_access_denied").await;
    let tokens = token_json(&http, &sandbox, "", SCOPE, &[]).await;
    assert!(tokens["access_token"].is_string());
}

#[tokio::test]
async fn the_sandbox_wide_simulation_applies_to_a_standalone_launch() {
    let sandbox = start_with(Options {
        simulate: Some(Simulation::AuthAccessDenied),
        ..Options::default()
    })
    .await;
    let request = Authorize::new(
        &sandbox,
        "launch/patient patient/Patient.rs",
        &Pkce::new("s"),
    );
    let response = request.send(&http(), &sandbox).await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(params["error"], "access_denied");
}

#[tokio::test]
async fn simulate_none_on_a_launch_overrides_the_sandbox_wide_simulation() {
    let sandbox = start_with(Options {
        simulate: Some(Simulation::AuthAccessDenied),
        ..Options::default()
    })
    .await;
    let tokens = token_json(&http(), &sandbox, "&simulate=none", SCOPE, &[]).await;
    assert!(tokens["access_token"].is_string());
}

#[tokio::test]
async fn an_unknown_simulation_on_a_launch_is_refused_with_an_error_page() {
    let sandbox = start().await;
    let url = format!(
        "{}/ehr/launch?patient={}&simulate=auth_nonsense",
        sandbox.ehr_origin,
        sandbox.patients()[0].id
    );
    let response = http().get(url).send().await.expect("an answer");
    assert_eq!(response.status(), 400);
    assert!(response
        .text()
        .await
        .expect("a page")
        .contains("auth_access_denied"));
}

#[tokio::test]
async fn the_ehr_page_offers_every_simulation_in_its_select() {
    let sandbox = start().await;
    let page = http()
        .get(sandbox.ehr_page_url())
        .send()
        .await
        .expect("the EHR page")
        .text()
        .await
        .expect("HTML");
    assert!(page.contains("<select id=\"simulate\" name=\"simulate\">"));
    for simulation in Simulation::ALL {
        assert!(
            page.contains(&format!("value=\"{}\"", simulation.name())),
            "{simulation}"
        );
    }
}

#[tokio::test]
async fn the_ehr_page_url_preselects_a_simulation_and_its_launch_links_carry_it() {
    let sandbox = start().await;
    let url = format!("{}?simulate=token_server_error", sandbox.ehr_page_url());
    let page = http()
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("HTML");
    assert!(page.contains("value=\"token_server_error\" selected"));
    let launch_link = format!(
        "/ehr/launch?patient={}&amp;simulate=token_server_error",
        sandbox.patients()[0].id
    );
    assert!(page.contains(&launch_link), "{page}");
}

const SEARCH_SCOPE: &str = "launch patient/Condition.rs patient/Observation.rs";

/// The access token of an EHR launch of the first patient simulating `name`, allowed to
/// search Conditions and Observations.
async fn search_token(sandbox: &Running, name: &str) -> String {
    let extra = format!("&simulate={name}");
    let tokens = token_json(&http(), sandbox, &extra, SEARCH_SCOPE, &[]).await;
    tokens["access_token"]
        .as_str()
        .expect("an access token")
        .to_string()
}

/// `{type}?patient={first patient}&_count=1`: one match a page, so there is a next page.
/// The absolute URL of a one-entry first page of the first patient's `ty` resources.
fn first_page(sandbox: &Running, ty: &str) -> String {
    format!(
        "{}/{ty}?patient={}&_count=1",
        sandbox.fhir_base(),
        sandbox.patients()[0].id
    )
}

/// The Bundle at `url`, fetched from the app origin with `token`.
async fn bundle_at(sandbox: &Running, url: &str, token: &str) -> Value {
    get_from_app(sandbox, url, token)
        .await
        .json()
        .await
        .expect("a Bundle")
}

/// A search `url` (absolute) sent from the app origin with `token`.
async fn get_from_app(sandbox: &Running, url: &str, token: &str) -> reqwest::Response {
    http()
        .get(url)
        .header("Origin", &sandbox.app_origin)
        .bearer_auth(token)
        .send()
        .await
        .expect("the FHIR server answers")
}

#[tokio::test]
async fn request_rate_limited_answers_the_first_search_of_each_type_429_with_retry_after() {
    let sandbox = start().await;
    let token = search_token(&sandbox, "request_rate_limited").await;
    let conditions = first_page(&sandbox, "Condition");
    let refused = get_from_app(&sandbox, &conditions, &token).await;
    assert_eq!(refused.status(), 429);
    let headers = refused.headers();
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(
        headers["access-control-allow-origin"],
        sandbox.app_origin.as_str()
    );
    assert_eq!(headers["access-control-expose-headers"], "Retry-After");
    let outcome: Value = refused.json().await.expect("JSON");
    assert_eq!(outcome["issue"][0]["code"], "throttled");

    let again = get_from_app(&sandbox, &conditions, &token).await;
    assert_eq!(again.status(), 200);
    let observations = first_page(&sandbox, "Observation");
    let other_type = get_from_app(&sandbox, &observations, &token).await;
    assert_eq!(other_type.status(), 429);

    let statuses: Vec<u16> = sandbox
        .requests()
        .iter()
        .filter(|r| r.target().starts_with("/reference/fhir/Condition?"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 200], "the request log");
}

#[tokio::test]
async fn request_rate_limited_spares_a_launch_without_the_simulation() {
    let sandbox = start().await;
    let token = search_token(&sandbox, "none").await;
    let url = first_page(&sandbox, "Condition");
    assert_eq!(get_from_app(&sandbox, &url, &token).await.status(), 200);
}

#[tokio::test]
async fn paging_loop_leads_the_second_page_back_to_the_first() {
    let sandbox = start().await;
    let token = search_token(&sandbox, "paging_loop").await;
    let first = first_page(&sandbox, "Condition");
    let page_one: Value = bundle_at(&sandbox, &first, &token).await;
    let second = next_link(&page_one).expect("page 1 has a next link");
    assert!(second.contains("_offset=1"), "{second}");
    let page_two: Value = bundle_at(&sandbox, &second, &token).await;
    assert_eq!(next_link(&page_two), Some(first));
}

#[tokio::test]
async fn paging_foreign_next_links_the_first_page_to_the_configured_origin() {
    let foreign = "http://127.0.0.1:9";
    let sandbox = start_with(Options {
        foreign_next_origin: Some(foreign.to_string()),
        ..Options::default()
    })
    .await;
    let token = search_token(&sandbox, "paging_foreign_next").await;
    let first = first_page(&sandbox, "Condition");
    let page: Value = bundle_at(&sandbox, &first, &token).await;
    let next = next_link(&page).expect("a next link");
    let expected = format!("{foreign}/reference/fhir/Condition?");
    assert!(next.starts_with(&expected), "{next}");
    assert!(next.contains("_offset=1"), "{next}");
}

#[tokio::test]
async fn paging_foreign_next_without_an_origin_points_at_one_that_never_resolves() {
    let sandbox = start().await;
    let token = search_token(&sandbox, "paging_foreign_next").await;
    let first = first_page(&sandbox, "Condition");
    let page: Value = bundle_at(&sandbox, &first, &token).await;
    let next = next_link(&page).expect("a next link");
    assert!(next.starts_with("http://foreign-origin.invalid/"), "{next}");
}

#[tokio::test]
async fn token_with_newline_issues_an_access_token_carrying_an_injected_header_line() {
    let sandbox = start().await;
    let response = tokens_simulating(&sandbox, "token_with_newline", SCOPE).await;
    assert_eq!(response.status(), 200);
    let tokens: Value = response.json().await.expect("JSON");
    let access = tokens["access_token"].as_str().expect("an access token");
    assert!(access.contains("\r\nX-Injected: "), "{access:?}");
}

#[tokio::test]
async fn request_redirected_answers_condition_searches_307_outside_every_fhir_base() {
    let sandbox = start().await;
    let token = search_token(&sandbox, "request_redirected").await;
    let response = get_from_app(&sandbox, &first_page(&sandbox, "Condition"), &token).await;
    assert_eq!(response.status(), 307);
    let headers = response.headers();
    let location = headers["location"].to_str().unwrap_or_default();
    let outside = format!("{}/outside/reference/fhir/Condition?", sandbox.ehr_origin);
    assert!(location.starts_with(&outside), "{location}");
    assert_eq!(
        headers["access-control-allow-origin"],
        sandbox.app_origin.as_str()
    );
    let observations = first_page(&sandbox, "Observation");
    assert_eq!(
        get_from_app(&sandbox, &observations, &token).await.status(),
        200
    );
}

#[tokio::test]
async fn request_no_answer_holds_the_first_condition_search_and_answers_the_next() {
    let sandbox = start().await;
    let token = search_token(&sandbox, "request_no_answer").await;
    let url = first_page(&sandbox, "Condition");
    let held =
        tokio::time::timeout(Duration::from_secs(2), get_from_app(&sandbox, &url, &token)).await;
    assert!(held.is_err(), "the first search was answered");
    assert_eq!(get_from_app(&sandbox, &url, &token).await.status(), 200);
}

#[tokio::test]
async fn paging_second_page_fails_links_a_second_page_that_answers_500() {
    let sandbox = start().await;
    let token = search_token(&sandbox, "paging_second_page_fails").await;
    let first = format!(
        "{}/Condition?patient={}",
        sandbox.fhir_base(),
        sandbox.patients()[0].id
    );
    let page_one: Value = bundle_at(&sandbox, &first, &token).await;
    assert!(page_one["entry"].as_array().is_some_and(|e| !e.is_empty()));
    let second = next_link(&page_one).expect("page 1 has a next link");
    let failed = get_from_app(&sandbox, &second, &token).await;
    assert_eq!(failed.status(), 500);
    let outcome: Value = failed.json().await.expect("JSON");
    assert_eq!(outcome["issue"][0]["code"], "exception");
}

#[tokio::test]
async fn paging_escaping_next_links_the_first_page_to_an_encoded_path_outside_the_base() {
    let sandbox = start().await;
    let token = search_token(&sandbox, "paging_escaping_next").await;
    let page: Value = bundle_at(&sandbox, &first_page(&sandbox, "Condition"), &token).await;
    let next = next_link(&page).expect("a next link");
    let escaping = format!("{}/..%2Foutside/Condition?", sandbox.fhir_base());
    assert!(next.starts_with(&escaping), "{next}");
}

#[tokio::test]
async fn request_redirected_elsewhere_answers_condition_searches_302_to_the_configured_origin() {
    let foreign = "http://127.0.0.1:9";
    let sandbox = start_with(Options {
        foreign_next_origin: Some(foreign.to_string()),
        ..Options::default()
    })
    .await;
    let token = search_token(&sandbox, "request_redirected_elsewhere").await;
    let response = get_from_app(&sandbox, &first_page(&sandbox, "Condition"), &token).await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap_or_default();
    let expected = format!("{foreign}/reference/fhir/Condition?");
    assert!(location.starts_with(&expected), "{location}");
}
