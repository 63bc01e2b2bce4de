//! Launches with options: an EHR launch whose `/ehr/launch` URL carries extra parameters
//! (`simulate`, `lifetime`, `deny`, `frames`), taken to the authorize answer or the tokens.

use reqwest::Response;
use serde_json::Value;

use super::{redirect_params, Authorize, Pkce, Running};

/// The launch id of an EHR launch of the first patient into the reference profile with
/// `extra` (e.g. `"&simulate=token_server_error"`) appended to `/ehr/launch`.
pub async fn launch_with(http: &reqwest::Client, sandbox: &Running, extra: &str) -> String {
    let patient = &sandbox.patients()[0].id;
    let url = format!(
        "{}/ehr/launch?patient={patient}&target=tab{extra}",
        sandbox.ehr_origin
    );
    let response = http.get(url).send().await.expect("the EHR answers");
    let params = redirect_params(&response, &format!("{}/launch", sandbox.app_origin));
    params.get("launch").expect("a launch parameter").clone()
}

/// The authorize answer to an EHR launch with `extra` launch options, asking for `scope`,
/// with `authorize_extra` parameters added (e.g. a nonce).
pub async fn authorize_with(
    http: &reqwest::Client,
    sandbox: &Running,
    extra: &str,
    scope: &str,
    authorize_extra: &[(&str, &str)],
    pkce: &Pkce,
) -> Response {
    let launch = launch_with(http, sandbox, extra).await;
    let mut request = Authorize::ehr(sandbox, &launch, pkce).set("scope", scope);
    for (name, value) in authorize_extra {
        request = request.set(name, value);
    }
    request.send(http, sandbox).await
}

/// The code of an EHR launch with `extra` launch options.
pub async fn code_with(
    http: &reqwest::Client,
    sandbox: &Running,
    extra: &str,
    scope: &str,
    authorize_extra: &[(&str, &str)],
    pkce: &Pkce,
) -> String {
    let response = authorize_with(http, sandbox, extra, scope, authorize_extra, pkce).await;
    let params = redirect_params(&response, &sandbox.redirect_uri());
    params
        .get("code")
        .unwrap_or_else(|| panic!("a code, got {params:?}"))
        .clone()
}

/// The token endpoint's answer to a whole EHR launch with `extra` launch options.
pub async fn tokens_with(
    http: &reqwest::Client,
    sandbox: &Running,
    extra: &str,
    scope: &str,
    authorize_extra: &[(&str, &str)],
) -> Response {
    let pkce = Pkce::new("with-options");
    let code = code_with(http, sandbox, extra, scope, authorize_extra, &pkce).await;
    super::redeem(http, sandbox, &code, &pkce).await
}

/// The JSON token response of a whole EHR launch with `extra` launch options; must be 200.
pub async fn token_json(
    http: &reqwest::Client,
    sandbox: &Running,
    extra: &str,
    scope: &str,
    authorize_extra: &[(&str, &str)],
) -> Value {
    let response = tokens_with(http, sandbox, extra, scope, authorize_extra).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("a JSON token response")
}

/// A refresh request with `refresh_token`.
pub async fn refresh(http: &reqwest::Client, sandbox: &Running, refresh_token: &str) -> Response {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", "bedside"),
    ];
    super::token_request(http, sandbox, &form).await
}
