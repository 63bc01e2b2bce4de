//! The EHR origin's own pages: the patient list (`/`) and the launch page
//! (`/ehr/launch?patient=ID[&encounter=ID][&target=tab][&profile=NAME]`), which creates a single-use launch
//! context and embeds the app in an iframe or sends the browser to it. `patient=ID` may name a
//! patient the FHIR server does not hold, as a real chart sometimes does.
//!
//! Launch options, bound to the launch token (each falls back to the sandbox's options):
//! `simulate=NAME` (a simulated failure, see `simulate`), `lifetime=SECONDS` (access token
//! lifetime), `deny=Procedure,Immunization` (resource types or scopes the client may not
//! get), `frames=deny` (authorization pages refuse framing and ask the user to sign in).
//! The patient list has a `<select id="simulate">` for the first; the list's own URL takes
//! all four and passes them on to its launch links (`/?simulate=NAME` pre-selects).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use url::Url;

use crate::data::{is_fhir_id, PatientSummary};
use crate::html::{self, escape};
use crate::params::Params;
use crate::profile::{fhir_base, PROFILES};
use crate::simulate::{LaunchOptions, Simulation};
use crate::state::{LaunchContext, Sandbox};

/// `simulate=none`: no simulation, even when the sandbox simulates one for every launch.
const NO_SIMULATION: &str = "none";

/// Parameters of the patient list and of `/ehr/launch` that set launch options.
const OPTION_PARAMS: [&str; 4] = ["simulate", "lifetime", "deny", "frames"];

/// `&name=value` for each launch option present in `params`, URL-encoded.
fn option_suffix(params: &Params) -> String {
    OPTION_PARAMS
        .iter()
        .filter_map(|name| {
            params
                .get(name)
                .map(|value| format!("&{name}={}", encode(value)))
        })
        .collect()
}

/// `GET /`: every patient, with links that launch Bedside embedded or in a new tab, and
/// the simulation picker.
pub(crate) async fn home(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let suffix = option_suffix(&params);
    let chosen = match params.get("simulate") {
        Some(name) => Simulation::from_name(name),
        None => sandbox.defaults.simulation,
    };
    let patients = match sandbox.patient_list().await {
        Ok(patients) => patients,
        Err(unusable) => return unusable.page(),
    };
    let rows: String = patients
        .iter()
        .map(|p| {
            let id = escape(&p.id);
            let launch = format!("/ehr/launch?patient={}{suffix}", encode(&p.id));
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
<main><h1>Patients</h1>\n{picker}\n<table id=\"patient-list\"><thead><tr><th>Name</th><th>Birth date</th><th>Gender</th><th>MRN</th><th>Bedside</th></tr></thead>\n\
<tbody>\n{rows}</tbody></table>\n\
<p class=\"muted\">FHIR base <code id=\"fhir-base\">{base}</code> · app <code id=\"app-origin\">{app}</code> · synthetic data only.</p></main>",
        base = escape(&base),
        app = escape(&sandbox.app_base),
        picker = simulation_picker(chosen, &params),
    );
    let page = html::page("Sandbox EHR", &body)
        .replace("</body>", "<script src=\"/ehr/ehr.js\"></script>\n</body>");
    html::respond(StatusCode::OK, page, None)
}

/// The form that chooses a simulation for the launch links: submitting it reloads the list
/// with `?simulate=NAME`; `ehr.js` updates the links at once when scripts run.
fn simulation_picker(chosen: Option<Simulation>, params: &Params) -> String {
    let selected = |yes: bool| if yes { " selected" } else { "" };
    let mut options = format!(
        "<option value=\"{NO_SIMULATION}\"{}>none: a well-behaved EHR</option>",
        selected(chosen.is_none())
    );
    for simulation in Simulation::ALL {
        options += &format!(
            "<option value=\"{name}\"{}>{name} ({})</option>",
            selected(chosen == Some(*simulation)),
            escape(simulation.summary()),
            name = simulation.name(),
        );
    }
    let kept: String = OPTION_PARAMS[1..]
        .iter()
        .filter_map(|name| {
            params.get(name).map(|value| {
                format!(
                    "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                    escape(value)
                )
            })
        })
        .collect();
    format!(
        "<form id=\"launch-options\" method=\"get\" action=\"/\" class=\"card\">{kept}\
<label for=\"simulate\">Simulate a failure on launch</label>\
<select id=\"simulate\" name=\"simulate\">{options}</select> \
<button type=\"submit\" id=\"apply-simulation\">Apply to the launch links</button></form>"
    )
}

/// `GET /ehr/ehr.js`: copies the chosen simulation into every launch link's query.
pub(crate) async fn script() -> Response {
    const SCRIPT: &str =
        "document.getElementById('simulate').addEventListener('change', function (event) {\n\
  var name = event.target.value;\n\
  document.querySelectorAll('a.launch-embedded, a.launch-tab').forEach(function (link) {\n\
    var url = new URL(link.href);\n\
    url.searchParams.set('simulate', name);\n\
    link.href = url.toString();\n\
  });\n\
});\n";
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

/// `GET /ehr/launch`: creates a launch context and opens the app with `iss` and `launch`.
pub(crate) async fn launch(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Params::parse(query.unwrap_or_default().as_bytes());
    let found = match params.get("patient") {
        Some(id) => sandbox.patient(id).await,
        None => Ok(None),
    };
    let patient = match found {
        Ok(patient) => patient,
        Err(unusable) => return unusable.page(),
    };
    // A chart can name a patient the FHIR server does not hold (deleted, merged, another
    // server's id): such a launch goes ahead, so the app's handling of it can be seen. Only an
    // id that no FHIR server could hold is refused here.
    let patient = match (patient, params.get("patient")) {
        (Some(patient), _) => patient,
        (None, Some(id)) if is_fhir_id(id) => PatientSummary {
            id: id.to_string(),
            display_name: format!("Patient {id} (not on the FHIR server)"),
            birth_date: None,
            gender: None,
            mrn: None,
        },
        (None, _) => {
            return html::error_page(
                StatusCode::NOT_FOUND,
                "Unknown patient",
                "Choose a patient from the patient list.",
            )
        }
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
    let options = match launch_options(&sandbox, &params) {
        Ok(options) => options,
        Err(message) => {
            return html::error_page(StatusCode::BAD_REQUEST, "Bad launch option", &message)
        }
    };
    let context = LaunchContext {
        patient: Some(patient.id.clone()),
        encounter: encounter.map(str::to_string),
    };
    let launch =
        sandbox
            .grants()
            .create_launch(profile.name, context, options, sandbox.lifetimes.launch);
    let app_url = match Url::parse(&format!("{}/launch", sandbox.app_base)) {
        Ok(mut url) => {
            url.query_pairs_mut()
                .append_pair("iss", &fhir_base(&sandbox.ehr_origin, profile))
                .append_pair("launch", &launch);
            url.to_string()
        }
        Err(_) => {
            return html::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Bad app URL",
                &sandbox.app_base,
            )
        }
    };
    if params.get("target") == Some("tab") {
        return (StatusCode::FOUND, [(header::LOCATION, app_url)]).into_response();
    }
    embedded_page(&sandbox, &patient, &app_url, &option_suffix(&params))
}

/// The launch's options: its own parameters over the sandbox's options.
fn launch_options(sandbox: &Sandbox, params: &Params) -> Result<LaunchOptions, String> {
    let mut options = sandbox.defaults.clone();
    match params.get("simulate") {
        None => {}
        Some(NO_SIMULATION) => options.simulation = None,
        Some(name) => options.simulation = Some(name.parse()?),
    }
    if let Some(seconds) = params.get("lifetime") {
        let seconds: u64 = seconds.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
            format!("lifetime \"{seconds}\" is not a positive number of seconds.")
        })?;
        options.access_lifetime = Some(Duration::from_secs(seconds));
    }
    if let Some(denied) = params.get("deny") {
        options.denied.extend(
            denied
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string),
        );
    }
    match params.get("frames") {
        None => {}
        Some("deny") => options.refuse_framing = true,
        Some(other) => return Err(format!("frames \"{other}\" is unknown; use frames=deny.")),
    }
    Ok(options)
}

fn embedded_page(
    sandbox: &Sandbox,
    patient: &PatientSummary,
    app_url: &str,
    suffix: &str,
) -> Response {
    let fresh_tab = format!(
        "/ehr/launch?patient={}&target=tab{suffix}",
        encode(&patient.id)
    );
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
