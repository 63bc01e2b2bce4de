//! The launch and callback sequences: each step is a pure decision from `smart`, and this file
//! only performs the I/O between them. Every failure arrives as a [`Problem`] in plain words.

use super::{http::send, location, storage, world};
use crate::config::{AppConfig, ConfigError};
use crate::fhir::capabilities::Capabilities;
use crate::fhir::patient::{patient_from_read, Patient};
use crate::fhir::FhirBaseUrl;
use crate::http::HttpRequest;
use crate::problem::Problem;
use crate::smart::authorize::{authorization_request, AuthorizationRedirect, LaunchKind};
use crate::smart::callback::{cleaned_url, parse_callback, verify, CallbackResponse};
use crate::smart::discovery::{discovery_requests, resolve};
use crate::smart::launch::{check_allowed, client_settings};
use crate::smart::session::Session;
use crate::smart::token::{parse_token_response, token_request};
use futures::future::join;
use url::Url;

/// Fetches and validates `config.json` from next to the app.
pub async fn load_config() -> Result<AppConfig, Problem> {
    let base = location::app_base();
    let url = base
        .join("config.json")
        .map_err(|e| ConfigError::Unavailable(e.to_string()))?;
    let response = send(&HttpRequest::get(url, "application/json"))
        .await
        .map_err(|failure| ConfigError::Unavailable(failure.detail))?;
    if !response.is_success() {
        return Err(ConfigError::Unavailable(format!("HTTP status {}", response.status)).into());
    }
    Ok(AppConfig::parse(&response.body, &base)?)
}

/// Discovers the server, stores the in-flight record and redirects to the authorization
/// endpoint. Returns only on failure (on success the page is navigating away).
pub async fn begin(config: &AppConfig, iss: FhirBaseUrl, kind: LaunchKind) -> Result<(), Problem> {
    check_allowed(config, &iss, &kind)?;
    let [well_known, metadata] = discovery_requests(&iss);
    let (well_known, metadata) = join(send(&well_known), send(&metadata)).await;
    let discovery = resolve(&iss, well_known, metadata)?;
    let client = client_settings(config, &iss, &kind, &discovery)?;
    storage::discard_abandoned();
    let (redirect, record) =
        authorization_request(&discovery, &client, kind, world::entropy(), world::now_ms());
    storage::save(&record)?;
    match redirect {
        AuthorizationRedirect::Get(url) => location::navigate(&url),
        AuthorizationRedirect::Post { action, fields } => location::submit_form(&action, &fields),
    }
    Ok(())
}

/// Completes the callback at `url`: cleans the address bar first, then checks state, exchanges
/// the code and starts the in-memory session. The capabilities come from the in-flight record.
pub async fn complete(url: &Url) -> Result<(Session, Capabilities), Problem> {
    let response = parse_callback(url);
    location::replace_url(&cleaned_url(url));
    let response = response?;
    let state = match &response {
        CallbackResponse::Code { state, .. } => Some(state.clone()),
        CallbackResponse::Error { state, .. } => state.clone(),
    };
    let record = state.as_ref().and_then(storage::take);
    storage::discard_abandoned();
    let verified = verify(response, record, world::now_ms())?;
    let capabilities = verified.record().capabilities.clone();
    let (request, exchange) = token_request(verified);
    let token = parse_token_response(&request.url, send(&request).await)?;
    Ok((
        Session::start(exchange, token, world::now_ms())?,
        capabilities,
    ))
}

/// Reads the patient in context.
pub async fn read_patient(session: &Session) -> Result<Patient, Problem> {
    let request = session.read(&format!("Patient/{}", session.patient_id()));
    let result = send(&request).await;
    Ok(patient_from_read(&session.fhir_base.origin(), result)?)
}
