//! The launch inspector's record: every step of a launch (discovery, authorization, token,
//! each FHIR request) with status, duration and size, for developers fitting Bedside to an
//! EHR. Nothing secret enters it: only methods, redacted URLs and numbers, never bodies or
//! headers, so it may cross the authorization redirect beside the in-flight record.

use crate::http::{HttpRequest, Method, Purpose};
use crate::smart::authorize::LaunchKind;
use crate::smart::session::Session;
use serde::{Deserialize, Serialize};
use url::Url;

/// Query parameters whose values are secrets or one-time values: never shown.
const SECRET_PARAMS: [&str; 11] = [
    "code",
    "state",
    "nonce",
    "code_verifier",
    "code_challenge",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "client_secret",
    "launch",
];

/// Shown in place of a secret value.
pub const REDACTED: &str = "[redacted]";

/// What a step of the launch was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// `config.json`.
    Config,
    /// `.well-known/smart-configuration` or the CapabilityStatement.
    Discovery,
    /// The browser sent to the authorization endpoint.
    Authorize,
    /// The authorization server sent the browser back.
    Callback,
    /// The authorization code exchanged for tokens.
    Token,
    /// A refresh token exchanged for a new access token.
    Refresh,
    /// Tokens revoked at sign-out (RFC 7009).
    Revoke,
    /// The id_token's keys or the OpenID configuration.
    Identity,
    /// A FHIR read or search with the access token.
    Fhir,
    /// Anything else (the EHR's style document).
    Other,
}

impl Step {
    /// The step's name in the timeline.
    pub fn label(self) -> &'static str {
        match self {
            Step::Config => "config",
            Step::Discovery => "discovery",
            Step::Authorize => "authorize",
            Step::Callback => "callback",
            Step::Token => "token",
            Step::Refresh => "refresh",
            Step::Revoke => "revoke",
            Step::Identity => "identity",
            Step::Fhir => "FHIR",
            Step::Other => "other",
        }
    }
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// What it was.
    pub step: Step,
    /// `GET` or `POST`.
    pub method: String,
    /// The URL with every secret value replaced by [`REDACTED`].
    pub url: String,
    /// The answer: an HTTP status, or why there was none.
    pub outcome: Outcome,
    /// When it started, milliseconds since the Unix epoch.
    pub started_ms: u64,
    /// How long it took.
    pub duration_ms: u64,
    /// The size of the response body.
    pub bytes: usize,
}

/// How a step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// An HTTP status.
    Status(u16),
    /// The request failed before any answer (network, CORS, aborted).
    Failed(String),
    /// A navigation, which has no answer of its own.
    Navigated,
}

impl Outcome {
    /// The outcome as the timeline shows it.
    pub fn describe(&self) -> String {
        match self {
            Outcome::Status(status) => status.to_string(),
            Outcome::Failed(reason) => format!("failed: {reason}"),
            Outcome::Navigated => "navigated".into(),
        }
    }
}

/// The whole timeline, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchLog {
    /// The steps.
    pub entries: Vec<Entry>,
}

/// Timelines stop growing here, so a long session cannot eat memory (the 10,000-observation
/// patient needs about 20 requests; a day of refreshes a few hundred).
pub const MAX_ENTRIES: usize = 2_000;

impl LaunchLog {
    /// Adds an entry unless the log is full.
    pub fn push(&mut self, entry: Entry) {
        if self.entries.len() < MAX_ENTRIES {
            self.entries.push(entry);
        }
    }

    /// Milliseconds from the first step to the end of the last.
    pub fn span_ms(&self) -> u64 {
        let start = self.entries.iter().map(|e| e.started_ms).min();
        let end = self
            .entries
            .iter()
            .map(|e| e.started_ms + e.duration_ms)
            .max();
        match (start, end) {
            (Some(start), Some(end)) => end - start,
            _ => 0,
        }
    }

    /// Total bytes received.
    pub fn bytes(&self) -> usize {
        self.entries.iter().map(|e| e.bytes).sum()
    }
}

/// Whether the address asks for the inspector (`?debug=1` or `?debug=true`).
pub fn requested_by(url: &Url) -> bool {
    url.query_pairs()
        .any(|(key, value)| key == "debug" && matches!(value.as_ref(), "1" | "true"))
}

/// `url` with the values of secret query parameters and any userinfo replaced, so that the
/// timeline can be shown, copied and pasted into a bug report.
pub fn redacted_url(url: &Url) -> String {
    let mut shown = url.clone();
    if !shown.username().is_empty() || shown.password().is_some() {
        let _ = shown.set_username(REDACTED);
        let _ = shown.set_password(None);
    }
    if shown.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if SECRET_PARAMS.contains(&key.as_ref()) {
                    REDACTED.to_owned()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.set_fragment(None);
    shown.to_string()
}

/// The timeline step a request belongs to, from the purpose it was built for.
pub fn step_of(purpose: Purpose) -> Step {
    match purpose {
        Purpose::Config => Step::Config,
        Purpose::SmartConfiguration | Purpose::CapabilityStatement => Step::Discovery,
        Purpose::Token => Step::Token,
        Purpose::Refresh => Step::Refresh,
        Purpose::Revoke => Step::Revoke,
        Purpose::Identity => Step::Identity,
        Purpose::FhirRead | Purpose::FhirSearch | Purpose::FhirNewest => Step::Fhir,
        Purpose::Style => Step::Other,
    }
}

/// An entry for `request`, which took from `started_ms` to `ended_ms` and ended in `outcome`.
pub fn entry_for(
    request: &HttpRequest,
    outcome: Outcome,
    started_ms: u64,
    ended_ms: u64,
    bytes: usize,
) -> Entry {
    Entry {
        step: step_of(request.purpose),
        method: method_name(request.method).into(),
        url: redacted_url(&request.url),
        outcome,
        started_ms,
        duration_ms: ended_ms.saturating_sub(started_ms),
        bytes,
    }
}

/// An entry for a navigation (to the authorization endpoint, or back at the callback).
pub fn navigation(step: Step, method: Method, url: &Url, at_ms: u64) -> Entry {
    Entry {
        step,
        method: method_name(method).into(),
        url: redacted_url(url),
        outcome: Outcome::Navigated,
        started_ms: at_ms,
        duration_ms: 0,
        bytes: 0,
    }
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
    }
}

/// A secret's presence without its value: what the inspector says about a token.
pub fn describe_secret(length: Option<usize>) -> String {
    match length {
        Some(length) => format!("{REDACTED} ({length} characters)"),
        None => "none".into(),
    }
}

/// One timeline row as the inspector shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    /// The step's name.
    pub step: &'static str,
    /// `GET` or `POST`.
    pub method: String,
    /// The redacted URL.
    pub url: String,
    /// The status, or why there was none.
    pub outcome: String,
    /// Whether the outcome is an error (HTTP 4xx/5xx or no answer).
    pub failed: bool,
    /// Start, counted from the first step (`+120 ms`).
    pub offset: String,
    /// `45 ms`.
    pub duration: String,
    /// `1.2 KB`.
    pub size: String,
}

/// The timeline's rows, oldest first.
pub fn timeline_rows(log: &LaunchLog) -> Vec<TimelineRow> {
    let first = log.entries.iter().map(|e| e.started_ms).min().unwrap_or(0);
    // Entries are written when a request ends; the timeline reads in the order they began.
    let mut entries: Vec<&Entry> = log.entries.iter().collect();
    crate::sort::sort_by_key(&mut entries, |entry| entry.started_ms);
    entries
        .into_iter()
        .map(|entry| TimelineRow {
            step: entry.step.label(),
            method: entry.method.clone(),
            url: entry.url.clone(),
            outcome: entry.outcome.describe(),
            failed: match entry.outcome {
                Outcome::Status(status) => status >= 400,
                Outcome::Failed(_) => true,
                Outcome::Navigated => false,
            },
            offset: format!("+{} ms", entry.started_ms - first),
            duration: format!("{} ms", entry.duration_ms),
            size: bytes_text(entry.bytes),
        })
        .collect()
}

/// A byte count in the unit a reader takes in at once.
pub fn bytes_text(bytes: usize) -> String {
    match bytes {
        0..=999 => format!("{bytes} B"),
        1_000..=999_999 => format!("{:.1} KB", bytes as f64 / 1_000.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

/// What the session holds, as label and value pairs, with both tokens reduced to their length.
pub fn session_facts(session: &Session, now_ms: u64) -> Vec<(&'static str, String)> {
    let context = &session.context;
    let or_none = |value: &Option<String>| value.clone().unwrap_or_else(|| "none".into());
    let mut facts = vec![
        ("FHIR server", session.fhir_base.to_string()),
        ("Client id", session.client_id.to_string()),
        (
            "Launch",
            match &session.launch {
                LaunchKind::Ehr { .. } => "EHR launch".into(),
                LaunchKind::Standalone => "standalone launch".into(),
            },
        ),
        ("Patient", context.patient.to_string()),
        (
            "Encounter",
            or_none(&context.encounter.as_ref().map(ToString::to_string)),
        ),
        ("Intent", or_none(&context.intent)),
        ("Tenant", or_none(&context.tenant)),
        (
            "need_patient_banner",
            context.need_patient_banner.to_string(),
        ),
        ("smart_style_url", or_none(&context.smart_style_url)),
    ];
    for item in &context.fhir_context {
        let described = [
            item.reference.clone(),
            item.canonical.clone(),
            item.identifier.as_ref().map(ToString::to_string),
            item.resource_type.as_ref().map(|t| format!("type {t}")),
            item.role.as_ref().map(|r| format!("role {r}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        facts.push(("fhirContext", described));
    }
    facts.push((
        "Access token",
        describe_secret(Some(session.access_token_length())),
    ));
    facts.push((
        "Expires",
        match session.expires_at_ms {
            Some(at) if at > now_ms => format!("in {} s", (at - now_ms) / 1000),
            Some(_) => "expired".into(),
            None => "not said by the server".into(),
        },
    ));
    facts.push((
        "Refresh token",
        describe_secret(
            session
                .refresh_token
                .as_ref()
                .map(|token| token.expose().chars().count()),
        ),
    ));
    facts.push((
        "Revocation endpoint",
        session
            .revocation_endpoint
            .as_ref()
            .map_or_else(|| "none".into(), ToString::to_string),
    ));
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn the_inspector_is_asked_for_with_debug_1_or_true_only() {
        assert!(requested_by(&url(
            "https://app.example/launch?iss=x&debug=1"
        )));
        assert!(requested_by(&url("https://app.example/?debug=true")));
        assert!(!requested_by(&url("https://app.example/?debug=0")));
        assert!(!requested_by(&url("https://app.example/?nodebug=1")));
        assert!(!requested_by(&url("https://app.example/")));
    }

    #[test]
    fn authorization_secrets_are_redacted_and_the_rest_kept() {
        // RFC 6749 §4.1.1 and RFC 7636 §4.3: the request's one-time values.
        let shown = redacted_url(&url(
            "https://auth.example/authorize?response_type=code&client_id=bedside\
             &state=s3cr3t&code_challenge=abc&code_challenge_method=S256&nonce=n0nce\
             &launch=xyz123&aud=https%3A%2F%2Ffhir.example%2Fr4&scope=launch+openid",
        ));
        for secret in ["s3cr3t", "abc", "n0nce", "xyz123"] {
            assert!(!shown.contains(secret), "{secret} leaked into {shown}");
        }
        for kept in [
            "response_type=code",
            "client_id=bedside",
            "code_challenge_method=S256",
            "aud=https%3A%2F%2Ffhir.example%2Fr4",
            "scope=launch+openid",
        ] {
            assert!(shown.contains(kept), "{kept} missing from {shown}");
        }
    }

    #[test]
    fn a_callback_code_a_token_in_a_query_userinfo_and_fragments_are_redacted() {
        let shown = redacted_url(&url(
            "https://user:pw@app.example/callback?code=c0de&state=st&access_token=at#frag",
        ));
        for secret in ["c0de", "=st", "=at", "pw", "user", "frag"] {
            assert!(!shown.contains(secret), "{secret} leaked into {shown}");
        }
        assert!(shown.starts_with("https://%5Bredacted%5D@app.example/callback?code="));
    }

    #[test]
    fn a_url_without_a_query_is_unchanged() {
        assert_eq!(
            redacted_url(&url("https://fhir.example/r4/Patient/123")),
            "https://fhir.example/r4/Patient/123"
        );
    }

    // The step comes from what the request was built for, even where its shape would mislead:
    // a style document on the FHIR server carries the bearer token, a FHIR read does not yet.
    #[test]
    fn a_request_is_shown_as_the_step_it_was_built_for() {
        let style = url("https://ehr.example/r4/style.json");
        let mut styled = HttpRequest::get(Purpose::Style, style, "application/json");
        styled
            .headers
            .push(("Authorization".into(), "Bearer x".into()));
        assert_eq!(
            entry_for(&styled, Outcome::Status(200), 0, 1, 0).step,
            Step::Other
        );
        let read = HttpRequest::get(
            Purpose::FhirRead,
            url("https://ehr.example/r4/Patient/1"),
            "application/fhir+json",
        );
        assert_eq!(
            entry_for(&read, Outcome::Status(200), 0, 1, 0).step,
            Step::Fhir
        );
    }

    #[test]
    fn each_purpose_has_its_step() {
        let expected = [
            (Purpose::Config, Step::Config),
            (Purpose::SmartConfiguration, Step::Discovery),
            (Purpose::CapabilityStatement, Step::Discovery),
            (Purpose::Token, Step::Token),
            (Purpose::Refresh, Step::Refresh),
            (Purpose::Revoke, Step::Revoke),
            (Purpose::Identity, Step::Identity),
            (Purpose::FhirRead, Step::Fhir),
            (Purpose::FhirSearch, Step::Fhir),
            (Purpose::FhirNewest, Step::Fhir),
            (Purpose::Style, Step::Other),
        ];
        for (purpose, step) in expected {
            assert_eq!(step_of(purpose), step, "{purpose:?}");
        }
    }

    #[test]
    fn an_entry_never_holds_headers_or_bodies() {
        let mut request = HttpRequest::post_form(
            Purpose::Refresh,
            url("https://ehr.example/token"),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "r3fr3sh"),
            ],
        );
        request
            .headers
            .push(("Authorization".into(), "Bearer t0k3n".into()));
        let entry = entry_for(&request, Outcome::Status(200), 10, 35, 512);
        let text = serde_json::to_string(&entry).unwrap();
        assert!(
            !text.contains("r3fr3sh") && !text.contains("t0k3n"),
            "{text}"
        );
        assert_eq!(entry.duration_ms, 25);
        assert_eq!(entry.bytes, 512);
    }

    #[test]
    fn the_log_sums_its_span_and_bytes_and_stops_growing_when_full() {
        let request = HttpRequest::get(
            Purpose::CapabilityStatement,
            url("https://ehr.example/r4/metadata"),
            "x",
        );
        let mut log = LaunchLog::default();
        assert_eq!(log.span_ms(), 0);
        log.push(entry_for(&request, Outcome::Status(200), 100, 150, 10));
        log.push(entry_for(&request, Outcome::Status(200), 120, 400, 5));
        assert_eq!(log.span_ms(), 300);
        assert_eq!(log.bytes(), 15);
        for _ in 0..MAX_ENTRIES {
            log.push(entry_for(&request, Outcome::Status(200), 0, 1, 1));
        }
        assert_eq!(log.entries.len(), MAX_ENTRIES);
    }

    #[test]
    fn rows_count_from_the_first_step_and_mark_failures() {
        let get = HttpRequest::get(
            Purpose::CapabilityStatement,
            url("https://ehr.example/r4/metadata"),
            "x",
        );
        let mut log = LaunchLog::default();
        log.push(entry_for(&get, Outcome::Status(200), 1_000, 1_045, 12_345));
        log.push(navigation(
            Step::Authorize,
            Method::Get,
            &url("https://ehr.example/authorize?state=s"),
            1_050,
        ));
        log.push(entry_for(&get, Outcome::Status(404), 1_200, 1_210, 10));
        // Written when it ended, after a later request had started.
        log.push(entry_for(&get, Outcome::Status(200), 1_100, 1_400, 10));
        log.push(entry_for(
            &get,
            Outcome::Failed("TypeError: Failed to fetch".into()),
            1_300,
            1_301,
            0,
        ));
        let rows = timeline_rows(&log);
        assert_eq!(rows[0].offset, "+0 ms");
        assert_eq!(rows[0].duration, "45 ms");
        assert_eq!(rows[0].size, "12.3 KB");
        assert_eq!(rows[0].step, "discovery");
        assert!(!rows[0].failed);
        assert_eq!(rows[1].outcome, "navigated");
        assert!(!rows[1].failed);
        assert_eq!(rows[1].offset, "+50 ms");
        assert_eq!(rows[2].offset, "+100 ms");
        assert!(rows[3].failed);
        assert!(rows[4].failed);
        assert_eq!(rows[4].outcome, "failed: TypeError: Failed to fetch");
    }

    #[test]
    fn sizes_read_in_bytes_kilobytes_and_megabytes() {
        assert_eq!(bytes_text(999), "999 B");
        assert_eq!(bytes_text(1_000), "1.0 KB");
        assert_eq!(bytes_text(2_500_000), "2.5 MB");
    }

    #[test]
    fn session_facts_show_the_context_and_only_the_lengths_of_tokens() {
        let session = crate::smart::session::test_session(
            r#"{"access_token":"at-secret-1","token_type":"Bearer","expires_in":300,
                "refresh_token":"rt-secret-22","patient":"p-1","encounter":"e-9",
                "need_patient_banner":false,"intent":"reconcile-medications",
                "fhirContext":[{"reference":"DiagnosticReport/7","role":"launch"}]}"#,
            Some("https://ehr.example/auth/revoke"),
        );
        let facts = session_facts(&session, 100_000);
        let text = format!("{facts:?}");
        assert!(!text.contains("secret"), "{text}");
        let fact = |label: &str| {
            facts
                .iter()
                .find(|(l, _)| *l == label)
                .map(|(_, value)| value.as_str())
                .unwrap_or_else(|| panic!("no {label} in {text}"))
        };
        assert_eq!(fact("Patient"), "p-1");
        assert_eq!(fact("Encounter"), "e-9");
        assert_eq!(fact("Intent"), "reconcile-medications");
        assert_eq!(fact("need_patient_banner"), "false");
        assert_eq!(fact("fhirContext"), "DiagnosticReport/7, role launch");
        assert_eq!(fact("Access token"), "[redacted] (11 characters)");
        assert_eq!(fact("Refresh token"), "[redacted] (12 characters)");
        assert_eq!(fact("Expires"), "in 200 s");
        assert_eq!(
            fact("Revocation endpoint"),
            "https://ehr.example/auth/revoke"
        );
    }

    #[test]
    fn a_secret_is_described_by_its_length_only() {
        assert_eq!(describe_secret(Some(42)), "[redacted] (42 characters)");
        assert_eq!(describe_secret(None), "none");
    }
}
