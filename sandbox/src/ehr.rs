//! The EHR origin's own pages: the patient list (`/`) and the launch page
//! (`/ehr/launch?patient=ID[&encounter=ID][&target=tab][&profile=NAME]`), which creates a single-use launch
//! context and embeds the app in an iframe or sends the browser to it.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::data::PatientSummary;
use crate::html::{self, escape};
use crate::params::Params;
use crate::profile::{fhir_base, PROFILES};
use crate::state::{LaunchContext, Sandbox};

/// `GET /`: every patient, with links that launch Bedside embedded or in a new tab.
pub(crate) async fn home(State(sandbox): State<Arc<Sandbox>>) -> Response {
    let rows: String = sandbox
        .data
        .patient_summaries()
        .iter()
        .map(|p| {
            let id = escape(&p.id);
            let launch = format!("/ehr/launch?patient={}", encode(&p.id));
            format!(
                "<tr data-patient=\"{id}\"><td class=\"patient-name\"><bdi>{}</bdi></td><td class=\"patient-birth-date\">{}</td>\
<td class=\"patient-gender\">{}</td><td class=\"patient-mrn\">{}</td><td class=\"actions\">\
<a class=\"launch-embedded\" data-patient=\"{id}\" href=\"{href}\">Launch Bedside</a>\
<a class=\"launch-tab\" data-patient=\"{id}\" href=\"{href}&amp;target=tab\" target=\"_blank\">Open in new tab</a></td></tr>\n",
                escape(&p.display_name),
                escape(p.birth_date.as_deref().unwrap_or("—")),
                escape(p.gender.as_deref().unwrap_or("—")),
                escape(p.mrn.as_deref().unwrap_or("—")),
                href = escape(&launch),
            )
        })
        .collect();
    let base = fhir_base(&sandbox.ehr_origin, &PROFILES[0]);
    let body = format!(
        "<header class=\"ehr\"><span class=\"brand\">Sandbox EHR</span><span>Signed in as clinician</span></header>\n\
<main><h1>Patients</h1>\n<table id=\"patient-list\"><thead><tr><th>Name</th><th>Birth date</th><th>Gender</th><th>MRN</th><th>Bedside</th></tr></thead>\n\
<tbody>\n{rows}</tbody></table>\n\
<p class=\"muted\">FHIR base <code id=\"fhir-base\">{base}</code> · app <code id=\"app-origin\">{app}</code> · synthetic data only.</p></main>",
        base = escape(&base),
        app = escape(&sandbox.app_origin),
    );
    html::respond(StatusCode::OK, html::page("Sandbox EHR", &body), None)
}

/// `GET /ehr/launch`: creates a launch context and opens the app with `iss` and `launch`.
pub(crate) async fn launch(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let summaries = sandbox.data.patient_summaries();
    let Some(patient) = params
        .get("patient")
        .and_then(|id| summaries.iter().find(|p| p.id == id))
    else {
        return html::error_page(
            StatusCode::NOT_FOUND,
            "Unknown patient",
            "Choose a patient from the patient list.",
        );
    };
    let encounter = params.get("encounter");
    if encounter.is_some_and(|e| !is_fhir_id(e)) {
        return html::error_page(
            StatusCode::BAD_REQUEST,
            "Bad encounter id",
            "An encounter id is 1-64 of A-Z a-z 0-9 - .",
        );
    }
    // `profile=epic-like` etc. launches into another simulated EHR; `open` has no launch.
    let profile = params
        .get("profile")
        .and_then(crate::profile::by_name)
        .filter(|p| p.secured)
        .unwrap_or(&PROFILES[0]);
    let context = LaunchContext {
        patient: Some(patient.id.clone()),
        encounter: encounter.map(str::to_string),
    };
    let launch = sandbox
        .grants()
        .create_launch(profile.name, context, sandbox.lifetimes.launch);
    let app_url = match Url::parse(&format!("{}/launch", sandbox.app_origin)) {
        Ok(mut url) => {
            url.query_pairs_mut()
                .append_pair("iss", &fhir_base(&sandbox.ehr_origin, profile))
                .append_pair("launch", &launch);
            url.to_string()
        }
        Err(_) => {
            return html::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Bad app origin",
                &sandbox.app_origin,
            )
        }
    };
    if params.get("target") == Some("tab") {
        return (StatusCode::FOUND, [(header::LOCATION, app_url)]).into_response();
    }
    embedded_page(&sandbox, patient, &app_url)
}

fn embedded_page(sandbox: &Sandbox, patient: &PatientSummary, app_url: &str) -> Response {
    let fresh_tab = format!("/ehr/launch?patient={}&target=tab", encode(&patient.id));
    let body = format!(
        "<header class=\"ehr\" id=\"ehr-patient-header\" data-patient=\"{id}\"><a class=\"brand\" href=\"/\">Sandbox EHR</a>\
<strong id=\"ehr-patient-name\"><bdi>{name}</bdi></strong><span>born {born}</span><span>{gender}</span><span>MRN {mrn}</span>\
<a id=\"open-in-tab\" href=\"{fresh_tab}\" target=\"_blank\">Open Bedside in a new tab</a></header>\n\
<iframe id=\"bedside-frame\" title=\"Bedside\" src=\"{src}\" style=\"display:block;border:0;width:100%;height:calc(100vh - 56px)\"></iframe>",
        id = escape(&patient.id),
        name = escape(&patient.display_name),
        born = escape(patient.birth_date.as_deref().unwrap_or("unknown")),
        gender = escape(patient.gender.as_deref().unwrap_or("gender unknown")),
        mrn = escape(patient.mrn.as_deref().unwrap_or("none")),
        fresh_tab = escape(&fresh_tab),
        src = escape(app_url),
    );
    // The embedded app lives on the app origin, which `default-src 'self'` alone would block;
    // 'self' stays allowed because the app's frame navigates to this origin's authorize page.
    let csp = format!("{}; frame-src 'self' {}", html::CSP, sandbox.app_origin);
    let title = format!("{} - Sandbox EHR", patient.display_name);
    html::respond(StatusCode::OK, html::page(&title, &body), Some(csp))
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// FHIR R4 `id`: 1 to 64 of `[A-Za-z0-9\-\.]`.
fn is_fhir_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}
