//! What the EHR origin was asked, in the order it answered: tests read it through
//! [`crate::Running::requests`] to check what an app sent (grant types, bearer tokens, which
//! resources it searched) and what the sandbox answered, without trusting the app's own account.
//!
//! A FHIR search answer whose entries the token may not see names each one withheld and why
//! (the same screening in upstream mode and on the sandbox's own data).
//!
//! Form-encoded requests (token, revocation, authorization POSTs) are small, so their fields
//! and JSON answers are kept whole; other bodies (FHIR Bundles) are left alone.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::params::is_form;

/// Bounds the memory of a long-running demo sandbox; a test makes far fewer requests.
const MAX_ENTRIES: usize = 10_000;

/// The size axum's own body extractors accept by default.
const MAX_BODY: usize = 2 * 1024 * 1024;

/// One request the EHR origin answered.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRequest {
    /// `GET`, `POST`, `OPTIONS`…
    pub method: String,
    /// The path, e.g. `/reference/fhir/Observation`.
    pub path: String,
    /// The query string as sent, if there was one.
    pub query: Option<String>,
    /// The token of an `Authorization: Bearer` header.
    pub bearer: Option<String>,
    /// The fields of a form-encoded body, in order.
    pub form: Vec<(String, String)>,
    /// The status of the answer.
    pub status: u16,
    /// The answer's body when the request was form-encoded and the answer is JSON (what the
    /// token endpoint issued, or the error it gave).
    pub answer: Option<Value>,
    /// The entries of a search answer the token may not see, removed from it.
    pub withheld: Vec<Withheld>,
}

/// One resource removed from an answer because the token may not see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    /// `{resourceType}/{id}`.
    pub resource: String,
    /// Why, as a 403 for it would say.
    pub reason: String,
}

/// What a handler withheld from its answer, handed to the log as a response extension.
#[derive(Debug, Clone)]
pub(crate) struct WithheldEntries(pub(crate) Vec<Withheld>);

impl LoggedRequest {
    /// The path and query, as the request named them (`/reference/fhir/Condition?patient=x`).
    pub fn target(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }

    /// The first form field named `name`.
    pub fn form_field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }
}

/// The log shared by the EHR router and [`crate::Running`].
#[derive(Debug, Default)]
pub(crate) struct RequestLog(Mutex<VecDeque<LoggedRequest>>);

impl RequestLog {
    /// Everything logged so far, oldest first.
    pub(crate) fn entries(&self) -> Vec<LoggedRequest> {
        self.lock().iter().cloned().collect()
    }

    fn push(&self, entry: LoggedRequest) {
        let mut entries = self.lock();
        if entries.len() == MAX_ENTRIES {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<LoggedRequest>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Middleware: logs the request and the status of its answer.
pub(crate) async fn record(
    State(log): State<Arc<RequestLog>>,
    request: Request,
    next: Next,
) -> Response {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_owned);
    let mut entry = LoggedRequest {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().map(str::to_owned),
        bearer,
        form: Vec::new(),
        status: 0,
        answer: None,
        withheld: Vec::new(),
    };
    let form = is_form(request.headers());
    let request = if form {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        };
        entry.form = url::form_urlencoded::parse(&bytes).into_owned().collect();
        Request::from_parts(parts, Body::from(bytes))
    } else {
        request
    };
    let response = next.run(request).await;
    entry.status = response.status().as_u16();
    if let Some(WithheldEntries(withheld)) = response.extensions().get() {
        entry.withheld.clone_from(withheld);
    }
    let response = if form {
        let (parts, body) = response.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        entry.answer = serde_json::from_slice(&bytes).ok();
        Response::from_parts(parts, Body::from(bytes))
    } else {
        response
    };
    log.push(entry);
    response
}
