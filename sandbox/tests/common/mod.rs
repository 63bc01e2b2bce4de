//! Helpers shared by the sandbox's HTTP tests: start a sandbox, a client that never follows
//! redirects (so every redirect is inspected), PKCE pairs, and the steps every launch needs.
#![allow(dead_code)]

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::header::LOCATION;
use reqwest::Response;
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

pub use sandbox::{Options, Running};

pub mod flows;

/// The default sandbox on free ports.
pub async fn start() -> Running {
    start_with(Options::default()).await
}

/// A sandbox with `options`.
pub async fn start_with(options: Options) -> Running {
    sandbox::start(options).await.expect("the sandbox starts")
}

/// A client that reports redirects instead of following them.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// A PKCE pair (RFC 7636 §4.1, §4.2) with S256.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    /// A pair whose verifier starts with `tag` (43+ unreserved characters).
    pub fn new(tag: &str) -> Pkce {
        let verifier = format!(
            "{tag}-{}",
            "0123456789abcdefghijklmnopqrstuvwxyz-._~ABCDEFGH"
        );
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

/// An authorize request as query parameters, changed one parameter at a time by tests.
#[derive(Clone)]
pub struct Authorize {
    params: Vec<(String, String)>,
}

impl Authorize {
    /// A valid request from Bedside to `sandbox` with `scope` (no `launch` parameter).
    pub fn new(sandbox: &Running, scope: &str, pkce: &Pkce) -> Authorize {
        let pairs = [
            ("response_type", "code".to_string()),
            ("client_id", "bedside".to_string()),
            ("redirect_uri", sandbox.redirect_uri()),
            ("scope", scope.to_string()),
            ("state", "state-0123456789abcdef".to_string()),
            ("aud", sandbox.fhir_base()),
            ("code_challenge", pkce.challenge.clone()),
            ("code_challenge_method", "S256".to_string()),
        ];
        Authorize {
            params: pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }

    /// An EHR launch request carrying `launch`.
    pub fn ehr(sandbox: &Running, launch: &str, pkce: &Pkce) -> Authorize {
        Authorize::new(sandbox, "launch patient/Patient.rs", pkce).set("launch", launch)
    }

    /// Sets (or adds) one parameter.
    pub fn set(mut self, name: &str, value: &str) -> Authorize {
        self.params.retain(|(k, _)| k != name);
        self.params.push((name.to_string(), value.to_string()));
        self
    }

    /// Removes one parameter.
    pub fn without(mut self, name: &str) -> Authorize {
        self.params.retain(|(k, _)| k != name);
        self
    }

    /// Sends the request to the authorization endpoint.
    pub async fn send(&self, http: &reqwest::Client, sandbox: &Running) -> Response {
        self.send_adding(http, sandbox, &[]).await
    }

    /// Sends the request with `extra` parameters appended (even repeated names).
    pub async fn send_adding(
        &self,
        http: &reqwest::Client,
        sandbox: &Running,
        extra: &[(&str, &str)],
    ) -> Response {
        let endpoint = format!("{}/reference/auth/authorize", sandbox.ehr_origin);
        let request = http.get(endpoint).query(&self.params).query(extra);
        request.send().await.expect("authorize answers")
    }
}

/// The query parameters of a redirect's Location, checking it goes to `redirect_uri`.
pub fn redirect_params(response: &Response, redirect_uri: &str) -> HashMap<String, String> {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    let location = response.headers().get(LOCATION).expect("a Location header");
    let url =
        Url::parse(location.to_str().expect("an ASCII Location")).expect("an absolute Location");
    let target = format!("{}{}", url.origin().ascii_serialization(), url.path());
    assert_eq!(target, redirect_uri, "redirected elsewhere");
    url.query_pairs().into_owned().collect()
}

/// The EHR page's launch id for `patient` (from the new-tab launch redirect).
pub async fn launch_id(http: &reqwest::Client, sandbox: &Running, patient: &str) -> String {
    let url = format!(
        "{}/ehr/launch?patient={patient}&target=tab",
        sandbox.ehr_origin
    );
    let response = http.get(url).send().await.expect("the EHR answers");
    let params = redirect_params(&response, &format!("{}/launch", sandbox.app_origin));
    assert_eq!(params.get("iss"), Some(&sandbox.fhir_base()));
    params.get("launch").expect("a launch parameter").clone()
}

/// Runs an EHR launch for `patient` up to the code.
pub async fn ehr_code(
    http: &reqwest::Client,
    sandbox: &Running,
    patient: &str,
    scope: &str,
    pkce: &Pkce,
) -> String {
    let launch = launch_id(http, sandbox, patient).await;
    let response = Authorize::ehr(sandbox, &launch, pkce)
        .set("scope", scope)
        .send(http, sandbox)
        .await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    assert_eq!(
        params.get("state").map(String::as_str),
        Some("state-0123456789abcdef")
    );
    params
        .get("code")
        .unwrap_or_else(|| panic!("a code, got {params:?}"))
        .clone()
}

/// POSTs a form to the token endpoint.
pub async fn token_request(
    http: &reqwest::Client,
    sandbox: &Running,
    form: &[(&str, &str)],
) -> Response {
    let endpoint = format!("{}/reference/auth/token", sandbox.ehr_origin);
    http.post(endpoint)
        .form(form)
        .send()
        .await
        .expect("the token endpoint answers")
}

/// Redeems `code` with the verifier of `pkce` and the registered redirect URI.
pub async fn redeem(
    http: &reqwest::Client,
    sandbox: &Running,
    code: &str,
    pkce: &Pkce,
) -> Response {
    let redirect_uri = sandbox.redirect_uri();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri.as_str()),
        ("client_id", "bedside"),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    token_request(http, sandbox, &form).await
}

/// A whole EHR launch for `patient` with `scope`: the token response.
pub async fn ehr_tokens(
    http: &reqwest::Client,
    sandbox: &Running,
    patient: &str,
    scope: &str,
) -> Value {
    let pkce = Pkce::new("ehr-launch");
    let code = ehr_code(http, sandbox, patient, scope, &pkce).await;
    let response = redeem(http, sandbox, &code, &pkce).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("a JSON token response")
}

/// Asserts an RFC 6749 §5.2 error response and returns its description.
pub async fn expect_token_error(response: Response, error: &str) -> String {
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("a JSON error");
    assert_eq!(body["error"], error, "{body}");
    body["error_description"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// `GET {base}/Patient/{id}` with an optional bearer token.
pub async fn read_patient(
    http: &reqwest::Client,
    sandbox: &Running,
    id: &str,
    token: Option<&str>,
) -> Response {
    let mut request = http.get(format!("{}/Patient/{id}", sandbox.fhir_base()));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the FHIR server answers")
}

/// The `request_id` hidden in a consent page.
pub fn request_id(page: &str) -> String {
    let marker = "name=\"request_id\" value=\"";
    let start = page.find(marker).expect("a request_id field") + marker.len();
    let end = page[start..].find('"').expect("the end of the value") + start;
    page[start..end].to_string()
}

/// POSTs the consent form.
pub async fn decide(http: &reqwest::Client, sandbox: &Running, form: &[(&str, &str)]) -> Response {
    let endpoint = format!("{}/reference/auth/authorize/decision", sandbox.ehr_origin);
    http.post(endpoint)
        .form(form)
        .send()
        .await
        .expect("the consent form answers")
}

/// The id of the listed patient whose display name is `name`.
pub fn patient_named(sandbox: &Running, name: &str) -> String {
    sandbox
        .patients()
        .iter()
        .find(|p| p.display_name == name)
        .unwrap_or_else(|| panic!("no patient named {name}"))
        .id
        .clone()
}

/// `{ehr_origin}/{profile}[/{tenant}]`: where a profile's `fhir` and `auth` paths start.
pub fn profile_root(sandbox: &Running, profile: &str) -> String {
    let base = sandbox.fhir_base_of(profile);
    base.strip_suffix("/fhir")
        .expect("a base ending in /fhir")
        .to_string()
}

/// An EHR launch of `patient` into `profile` with `scope`, up to the authorize answer.
pub async fn profile_authorize(
    http: &reqwest::Client,
    sandbox: &Running,
    profile: &str,
    patient: &str,
    scope: &str,
    pkce: &Pkce,
) -> Response {
    let url = format!(
        "{}/ehr/launch?patient={patient}&target=tab&profile={profile}",
        sandbox.ehr_origin
    );
    let response = http.get(url).send().await.expect("the EHR answers");
    let params = redirect_params(&response, &format!("{}/launch", sandbox.app_origin));
    assert_eq!(params.get("iss"), Some(&sandbox.fhir_base_of(profile)));
    let launch = params.get("launch").expect("a launch parameter");
    let query = [
        ("response_type", "code"),
        ("client_id", "bedside"),
        ("redirect_uri", &sandbox.redirect_uri()),
        ("scope", scope),
        ("state", "state-0123456789abcdef"),
        ("aud", &sandbox.fhir_base_of(profile)),
        ("code_challenge", &pkce.challenge),
        ("code_challenge_method", "S256"),
        ("launch", launch),
    ];
    let endpoint = format!("{}/auth/authorize", profile_root(sandbox, profile));
    http.get(endpoint)
        .query(&query)
        .send()
        .await
        .expect("authorize answers")
}

/// A whole EHR launch into `profile`: the token endpoint's answer.
pub async fn profile_token_response(
    http: &reqwest::Client,
    sandbox: &Running,
    profile: &str,
    patient: &str,
    scope: &str,
) -> Response {
    let pkce = Pkce::new("profile-launch");
    let response = profile_authorize(http, sandbox, profile, patient, scope, &pkce).await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    let code = params
        .get("code")
        .unwrap_or_else(|| panic!("a code, got {params:?}"));
    let redirect_uri = sandbox.redirect_uri();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", redirect_uri.as_str()),
        ("client_id", "bedside"),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    http.post(format!("{}/auth/token", profile_root(sandbox, profile)))
        .header("Origin", &sandbox.app_origin)
        .form(&form)
        .send()
        .await
        .expect("the token endpoint answers")
}

/// The access token of a whole EHR launch into `profile`.
pub async fn profile_token(
    http: &reqwest::Client,
    sandbox: &Running,
    profile: &str,
    patient: &str,
    scope: &str,
) -> String {
    let response = profile_token_response(http, sandbox, profile, patient, scope).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    body["access_token"].as_str().expect("a token").to_string()
}

/// `GET {base of profile}/{path}` with a bearer token; `path` may carry a query.
pub async fn fhir_get(
    http: &reqwest::Client,
    sandbox: &Running,
    profile: &str,
    path: &str,
    token: Option<&str>,
) -> Response {
    let mut request = http
        .get(format!("{}/{path}", sandbox.fhir_base_of(profile)))
        .header("Origin", &sandbox.app_origin);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("the FHIR server answers")
}

/// The `resource`s of a searchset Bundle's entries whose `search.mode` is `mode`.
pub fn entries(bundle: &Value, mode: &str) -> Vec<Value> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["search"]["mode"] == mode)
        .map(|e| e["resource"].clone())
        .collect()
}

/// A searchset Bundle's `next` link, if it has one.
pub fn next_link(bundle: &Value) -> Option<String> {
    bundle["link"]
        .as_array()?
        .iter()
        .find(|l| l["relation"] == "next")?["url"]
        .as_str()
        .map(str::to_string)
}
