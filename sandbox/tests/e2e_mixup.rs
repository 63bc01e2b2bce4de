//! End-to-end: the OAuth mix-up attack (RFC 9700 §4.4) against Bedside. A hostile
//! authorization server on Bedside's allow-list, started by the test, answers Bedside's
//! authorization request by sending the browser on to the honest sandbox's sign-in with
//! Bedside's own `state` and PKCE challenge (the client id, redirect URI and `aud` swapped for
//! those Bedside uses with the honest server, as an attacker would). The user signs in there;
//! the honest code comes back to Bedside. Bedside must not post it, with its verifier, to the
//! hostile token endpoint, and must say why it stopped. Run with `cargo xtask test`.

mod e2e_support;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use e2e_support::Harness;
use std::sync::{Arc, Mutex};
use url::Url;

/// What the hostile server was sent, and where it sends the browser on to.
#[derive(Default)]
struct Hostile {
    /// Bodies of every request to its token endpoint.
    token_requests: Mutex<Vec<String>>,
    /// The honest server's authorize endpoint, FHIR base and the redirect URI Bedside has
    /// registered there, set once the sandbox runs.
    honest: Mutex<Option<(String, String, String)>>,
}

/// The hostile server: answers on `http://localhost:{port}`, FHIR base `/fhir`.
struct HostileServer {
    base: String,
    seen: Arc<Hostile>,
}

impl HostileServer {
    async fn start() -> HostileServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port for the hostile server");
        let origin = format!(
            "http://localhost:{}",
            listener.local_addr().expect("an address").port()
        );
        let seen = Arc::new(Hostile::default());
        let discovery = smart_configuration(&origin);
        let app = Router::new()
            .route(
                "/fhir/.well-known/smart-configuration",
                get(move || async move { with_cors(discovery.clone().into_response()) }),
            )
            .route("/authorize", get(pass_on))
            .route("/token", post(steal))
            .with_state(seen.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        HostileServer {
            base: format!("{origin}/fhir"),
            seen,
        }
    }

    /// Points the hostile authorize endpoint at the honest server.
    fn aim_at(&self, authorize: String, fhir_base: String, redirect_uri: String) {
        *self.seen.honest.lock().unwrap() = Some((authorize, fhir_base, redirect_uri));
    }

    fn token_requests(&self) -> Vec<String> {
        self.seen.token_requests.lock().unwrap().clone()
    }
}

fn smart_configuration(origin: &str) -> String {
    serde_json::json!({
        "issuer": format!("{origin}/fhir"),
        "authorization_endpoint": format!("{origin}/authorize"),
        "token_endpoint": format!("{origin}/token"),
        "code_challenge_methods_supported": ["S256"],
        "capabilities": ["launch-standalone", "client-public", "context-standalone-patient",
                         "permission-v1"],
    })
    .to_string()
}

fn with_cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}

/// The attack: Bedside's state and challenge, sent on to the honest sign-in with the client
/// id, redirect URI and audience Bedside uses there.
async fn pass_on(State(seen): State<Arc<Hostile>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let sent: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let keep = |name: &str| {
        sent.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let Some((authorize, fhir_base, redirect_uri)) = seen.honest.lock().unwrap().clone() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let mut honest = Url::parse(&authorize).expect("the honest authorize endpoint");
    honest
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", sandbox::CLIENT_ID)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", "launch/patient patient/*.read")
        .append_pair("state", &keep("state"))
        .append_pair("aud", &fhir_base)
        .append_pair("code_challenge", &keep("code_challenge"))
        .append_pair("code_challenge_method", "S256");
    (StatusCode::FOUND, [(header::LOCATION, honest.to_string())]).into_response()
}

/// Records what reaches the hostile token endpoint: with a mix-up, the honest code and
/// Bedside's PKCE verifier.
async fn steal(State(seen): State<Arc<Hostile>>, body: String) -> Response {
    seen.token_requests.lock().unwrap().push(body);
    with_cors(
        (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"error":"invalid_grant"}"#,
        )
            .into_response(),
    )
}

/// Starts the sandbox with the hostile server on its allow-list (with its own redirect URI
/// `callback/hostile`, or the shared one), and the hostile server aimed at the reference
/// profile with the redirect URI `honest_redirect` picks.
async fn attack_setup(
    hostile_redirect_name: Option<&str>,
    honest_redirect: impl FnOnce(&sandbox::Running) -> String,
) -> (Harness, HostileServer) {
    let hostile = HostileServer::start().await;
    let options = sandbox::Options {
        extra_servers: vec![sandbox::ExtraServer {
            iss: hostile.base.clone(),
            name: "Partner EHR".into(),
            redirect_name: hostile_redirect_name.map(str::to_owned),
        }],
        ..sandbox::Options::default()
    };
    let harness = Harness::start_with(options).await;
    let honest = &harness.sandbox;
    hostile.aim_at(
        format!("{}/reference/auth/authorize", honest.ehr_origin),
        honest.fhir_base(),
        honest_redirect(honest),
    );
    (harness, hostile)
}

/// The user picks the hostile server on the start page, then signs in at the honest server's
/// page it was sent to and allows access.
async fn sign_in_through_the_hostile_server(harness: &Harness, hostile: &HostileServer) {
    harness
        .client
        .goto(&harness.sandbox.app_origin)
        .await
        .unwrap();
    harness
        .click(&format!("button[data-iss=\"{}\"]", hostile.base))
        .await;
    harness.wait_for("#consent-form").await;
    let patient = harness.sandbox.patients()[0].id.clone();
    harness.click(&format!("#patient-{patient}")).await;
    harness.click("#allow").await;
}

/// What Bedside must do once the honest code is back: refuse with words, and send the code
/// nowhere (neither to the hostile token endpoint nor anywhere else).
async fn assert_refused_and_the_code_went_nowhere(harness: &Harness, hostile: &HostileServer) {
    let title = harness.text_of("[data-testid=error-title]").await;
    let message = harness.text_of("[data-testid=error-message]").await;
    println!(
        "hostile token endpoint received: {:?}",
        hostile.token_requests()
    );
    assert_eq!(
        title, "The sign-in answer did not come from the server you signed in to",
        "{message}"
    );
    assert!(message.contains("sent its code nowhere"), "{message}");
    // Give a wrongly sent token request time to arrive before concluding none was sent.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        hostile.token_requests(),
        Vec::<String>::new(),
        "the hostile token endpoint received the honest code"
    );
    let redeemed: Vec<_> = harness
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/auth/token"))
        .collect();
    assert!(redeemed.is_empty(), "the code was redeemed: {redeemed:?}");
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn a_code_passed_on_by_a_hostile_server_never_reaches_its_token_endpoint() {
    // Each server has its own redirect URI: the honest code comes back to the honest
    // server's, which is not the one Bedside's sign-in with the hostile server named.
    let (harness, hostile) = attack_setup(Some("hostile"), |honest| {
        honest.redirect_uri_of("reference")
    })
    .await;
    sign_in_through_the_hostile_server(&harness, &hostile).await;
    assert_refused_and_the_code_went_nowhere(&harness, &hostile).await;
    let message = harness.text_of("[data-testid=error-message]").await;
    assert!(message.contains("callback/reference"), "{message}");
    harness.screenshot("mix-up-refused").await;
    harness.finish().await;
}

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn with_one_shared_redirect_uri_the_honest_servers_iss_still_stops_the_mix_up() {
    // The hostile server is configured without a redirect URI of its own, so the code comes
    // back to the shared one; only `iss` (RFC 9207), which the reference profile sends, shows
    // that the honest server answered.
    let (harness, hostile) = attack_setup(None, |honest| honest.redirect_uri()).await;
    sign_in_through_the_hostile_server(&harness, &hostile).await;
    assert_refused_and_the_code_went_nowhere(&harness, &hostile).await;
    let message = harness.text_of("[data-testid=error-message]").await;
    assert!(
        message.contains(&format!("\u{201c}{}\u{201d}", harness.sandbox.fhir_base())),
        "{message}"
    );
    harness.finish().await;
}
