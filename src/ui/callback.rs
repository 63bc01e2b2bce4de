//! The callback page: completes the sign-in, then shows the patient.

use super::banner::PatientBanner;
use super::problem::ProblemPanel;
use crate::browser::{flow, style, world};
use crate::problem::Problem;
use crate::smart::authorize::LaunchKind;
use crate::smart::session::Session;
use crate::summary::banner::{banner, Banner};
use leptos::prelude::*;
use leptos::task::spawn_local;
use url::Url;

/// What the page shows about the session: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SessionFacts {
    server: String,
    launch: &'static str,
    granted_scope: String,
    need_banner: bool,
}

impl SessionFacts {
    fn of(session: &Session) -> Self {
        SessionFacts {
            server: session.fhir_base.to_string(),
            launch: match session.launch {
                LaunchKind::Ehr { .. } => "EHR launch",
                LaunchKind::Standalone => "Standalone launch",
            },
            granted_scope: session.granted_scope.clone(),
            need_banner: session.context.need_patient_banner,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    SigningIn,
    LoadingPatient(SessionFacts),
    Ready(SessionFacts, Banner),
    Failed(Option<SessionFacts>, Problem),
}

/// Completes the authorization in `url`.
#[component]
pub fn CallbackPage(url: Url) -> impl IntoView {
    let (phase, set_phase) = signal(Phase::SigningIn);
    // The session (with its token) lives only in this component's memory.
    let session = StoredValue::new_local(None::<Session>);
    spawn_local(async move {
        let (started, _capabilities) = match flow::complete(&url).await {
            Ok(started) => started,
            Err(problem) => return set_phase.set(Phase::Failed(None, problem)),
        };
        let for_style = started.clone();
        spawn_local(async move { style::apply_ehr_style(&for_style).await });
        let facts = SessionFacts::of(&started);
        set_phase.set(Phase::LoadingPatient(facts.clone()));
        let result = flow::read_patient(&started).await;
        session.set_value(Some(started));
        set_phase.set(match result {
            Ok(patient) => Phase::Ready(facts, banner(&patient, world::today())),
            Err(problem) => Phase::Failed(Some(facts), problem),
        });
    });
    view! {
        {move || match phase.get() {
            Phase::SigningIn => status("Completing sign-in\u{2026}").into_any(),
            Phase::LoadingPatient(facts) => view! {
                {status("Loading the patient record\u{2026}")}
                <SessionFooter facts=facts />
            }.into_any(),
            Phase::Ready(facts, banner) => view! {
                {facts.need_banner.then(|| view! { <PatientBanner banner=banner /> })}
                <SessionFooter facts=facts />
            }.into_any(),
            Phase::Failed(facts, problem) => view! {
                <ProblemPanel problem=problem />
                {facts.map(|facts| view! { <SessionFooter facts=facts /> })}
            }.into_any(),
        }}
    }
}

fn status(text: &'static str) -> impl IntoView {
    view! {
        <section class="status" aria-live="polite" data-testid="working">
            <div class="spinner" aria-hidden="true"></div>
            <p>{text}</p>
        </section>
    }
}

#[component]
fn SessionFooter(facts: SessionFacts) -> impl IntoView {
    view! {
        <footer class="session" data-testid="session">
            <span>{facts.launch}" \u{b7} "{facts.server}</span>
            <span class="scopes" title="Access granted by the sign-in server">
                "Access granted: "<code>{facts.granted_scope}</code>
            </span>
        </footer>
    }
}
