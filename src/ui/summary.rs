//! The summary page: the banner and every section load at once, in one parallel wave after
//! the token, and each shows its own state.

use super::banner::PatientBanner;
use super::config::config;
use super::inspector::InspectorPanel;
use super::problem::ProblemPanel;
use super::report::CapabilityPanel;
use super::section::{SectionFrame, SectionState};
use crate::browser::fetch::{LoadError, SharedSession};
use crate::browser::flow::PendingIdentity;
use crate::browser::{fetch, flow, inspector, location, style, world};
use crate::fhir::capabilities::Capabilities;
use crate::fhir::patient::PatientUnavailable;
use crate::fhir::FhirBaseUrl;
use crate::problem::Problem;
use crate::route::signed_out_url;
use crate::sections::plan::{in_load_order, SectionPlan};
use crate::sections::summary_model::{SectionStart, SummaryModel};
use crate::sections::{in_column, Column, Section};
use crate::smart::authorize::LaunchKind;
use crate::smart::session::Session;
use crate::smart::user::SignedInAs;
use crate::summary::banner::{banner, Banner};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq)]
enum BannerState {
    Loading,
    Ready(Banner),
    Failed(Problem),
    Stopped,
}

/// The summary of the patient in `session`'s context.
#[component]
pub fn SummaryPage(
    session: Session,
    capabilities: Capabilities,
    identity: Option<PendingIdentity>,
) -> impl IntoView {
    let model = SummaryModel::new(&session, &capabilities);
    let show_banner = model.show_banner;
    // The session (with its token) lives only in memory, owned by this page and shared by
    // every section so that refreshes happen once.
    let session: StoredValue<SharedSession, LocalStorage> =
        StoredValue::new_local(SharedSession::new(session));
    on_cleanup(move || {
        if let Some(current) = session.try_get_value() {
            current.stop();
        }
    });
    let access_ended = RwSignal::new(None::<Problem>);

    let banner_state = RwSignal::new(BannerState::Loading);
    // Set when the patient is not on the server: the summary stops on one page.
    let patient_missing = RwSignal::new(None::<Problem>);
    let (patient_id, server_name) = (
        session.get_value().borrow().patient_id().to_string(),
        model.server.clone(),
    );
    spawn_local(async move {
        let current = session.get_value();
        banner_state.set(match flow::read_patient(&current).await {
            Ok(patient) => BannerState::Ready(banner(&patient, world::today())),
            Err(LoadError::Reauthorize(reason)) => {
                access_ended.set(Some((*reason).into()));
                BannerState::Stopped
            }
            Err(LoadError::Stopped) => BannerState::Stopped,
            Err(LoadError::Read(error)) => {
                match PatientUnavailable::from_read(&error, &patient_id, &server_name) {
                    Some(stop) => {
                        current.stop();
                        patient_missing.set(Some(stop.into()));
                        BannerState::Stopped
                    }
                    None => BannerState::Failed(error.into()),
                }
            }
        });
    });

    let mut states: HashMap<Section, RwSignal<SectionState>> = HashMap::new();
    let mut section_plans: HashMap<Section, SectionPlan> = HashMap::new();
    for (section, start) in model.sections.clone() {
        let state = RwSignal::new(match start {
            SectionStart::Load(plan) => {
                section_plans.insert(section, plan);
                SectionState::Loading(None)
            }
            SectionStart::NotGranted => SectionState::NotGranted,
            SectionStart::Unavailable(reason) => SectionState::Unavailable(reason),
        });
        states.insert(section, state);
    }
    let in_table_order = model
        .sections
        .iter()
        .filter_map(|(s, _)| section_plans.get(s));
    for plan in in_load_order(in_table_order) {
        load(session, plan.clone(), states[&plan.section], access_ended);
    }
    // After the sections' requests, in their wave (not one of their own) and at low priority
    // (`HttpRequest::low_priority`): the EHR's style document is not needed to show the
    // patient. (The key set that checks the id_token came beside the token request.)
    let for_style = session.get_value().borrow().clone();
    spawn_local(async move { style::apply_ehr_style(&for_style).await });
    let identity = check_identity(session, identity);
    // The page is drawn in a task after the one that accepted the token: every request above
    // is sent first (each load sends its first request when it first runs, in this task), and
    // accepting the token and drawing the page are not one long task.
    let drawn = RwSignal::new(false);
    spawn_local(async move {
        world::next_task().await;
        drawn.set(true);
    });
    // Bench mark `bedside:all-sections`, once, when no section is loading (browser::marks).
    let all: Vec<RwSignal<SectionState>> = states.values().copied().collect();
    Effect::new(move |marked: Option<bool>| {
        if marked == Some(true) {
            return true;
        }
        let loading =
            |s: &RwSignal<SectionState>| s.with(|s| matches!(s, SectionState::Loading(_)));
        let settled = !all.iter().any(loading);
        if settled {
            crate::browser::marks::mark("bedside:all-sections");
        }
        settled
    });
    let frame = move |section: Section| {
        let state = states[&section];
        let plan = section_plans.get(&section).cloned();
        let retry = Callback::new(move |_| {
            if let Some(plan) = plan.clone() {
                load(session, plan, state, access_ended);
            }
        });
        view! { <SectionFrame section=section state=state on_retry=retry /> }
    };

    move || {
        if !drawn.get() {
            return None;
        }
        crate::browser::marks::mark("bedside:summary");
        let (model, frame) = (model.clone(), frame.clone());
        Some(view! {
            <div class="summary" data-testid="summary">
                <AccessEnded problem=access_ended session=session restart=model.restart.clone() />
                {move || match banner_state.get() {
                    BannerState::Loading => view! {
                        <div class="banner-placeholder skeleton" aria-busy="true" aria-label="Loading the patient"></div>
                    }.into_any(),
                    BannerState::Ready(banner) => {
                        crate::browser::marks::mark("bedside:banner");
                        show_banner.then(|| view! { <PatientBanner banner=banner /> }).into_any()
                    }
                    BannerState::Failed(problem) => view! { <ProblemPanel problem=problem /> }.into_any(),
                    BannerState::Stopped => ().into_any(),
                }}
                {move || patient_missing.get().map(|problem| view! {
                    <div class="patient-missing" data-testid="patient-missing">
                        <ProblemPanel problem=problem no_restart=true />
                    </div>
                })}
                <Show when=move || patient_missing.with(Option::is_none)>
                    {Column::ALL.into_iter().map(|column| view! {
                        <div class=column.class()>{in_column(column).map(&frame).collect_view()}</div>
                    }).collect_view()}
                </Show>
                <SummaryFooter model=model session=session identity=identity />
            </div>
        })
    }
}

/// Why access ended, above the sections, with "Sign in again" after a standalone launch
/// (`restart` is its server).
#[component]
fn AccessEnded(
    problem: RwSignal<Option<Problem>>,
    session: StoredValue<SharedSession, LocalStorage>,
    restart: Option<FhirBaseUrl>,
) -> impl IntoView {
    let can_sign_in_again = restart.is_some();
    let restart = StoredValue::new(restart);
    let config = StoredValue::new_local(config());
    let sign_in_again = move |_| {
        if let Some(fhir_base) = restart.get_value() {
            session.get_value().stop();
            let config = config.get_value();
            spawn_local(async move {
                let restarted = async {
                    let config = config.get().await?;
                    flow::begin(&config, fhir_base, LaunchKind::Standalone).await
                };
                if let Err(found) = restarted.await {
                    problem.set(Some(found));
                }
            });
        }
    };
    move || {
        problem.get().map(|problem| {
            view! {
                <div class="access-ended" data-testid="access-ended">
                    <ProblemPanel problem=problem no_restart=true />
                    {can_sign_in_again.then(|| view! {
                        <button data-testid="sign-in-again" on:click=sign_in_again>"Sign in again"</button>
                    })}
                </div>
            }
        })
    }
}

/// Who signed in, once checked: nothing until the check ends.
type IdentityShown = RwSignal<Option<Result<SignedInAs, Problem>>>;

/// Starts checking who signed in (`pending` when the launch asked for an identity); `None`
/// when nobody is to be shown.
fn check_identity(
    session: StoredValue<SharedSession, LocalStorage>,
    pending: Option<PendingIdentity>,
) -> Option<IdentityShown> {
    let pending = pending?;
    let shown = RwSignal::new(None);
    spawn_local(async move {
        let found = match flow::confirm_identity(pending).await {
            Ok(user) => Ok(flow::signed_in_as(&session.get_value(), &user).await),
            Err(problem) => Err(problem),
        };
        shown.set(Some(found));
    });
    Some(shown)
}

/// Who signed in, as the id_token and the user's resource say (`shown` when the launch asked
/// for an identity).
#[component]
fn Identity(shown: Option<IdentityShown>) -> impl IntoView {
    let asked = shown.is_some();
    move || match shown.and_then(|shown| shown.get()) {
        Some(Ok(SignedInAs::Named(name))) => view! {
            <span data-testid="signed-in-as">"Signed in as "<strong>{name}</strong></span>
        }
        .into_any(),
        Some(Ok(role)) => view! {
            <span data-testid="signed-in-as">{role.lead()}</span>
        }
        .into_any(),
        Some(Err(problem)) => view! {
            <span class="identity-warning" data-testid="identity-warning" title=problem.message>
                {problem.title}
            </span>
        }
        .into_any(),
        None if asked => view! {
            <span class="identity-pending">"Checking who signed in\u{2026}"</span>
        }
        .into_any(),
        None => ().into_any(),
    }
}

/// The footer: who signed in, the launch and server, the access granted, the capability
/// report, the inspector in debug mode, and sign-out.
#[component]
fn SummaryFooter(
    model: SummaryModel,
    session: StoredValue<SharedSession, LocalStorage>,
    identity: Option<IdentityShown>,
) -> impl IntoView {
    let access_summary = model.access_summary();
    let SummaryModel {
        report,
        launch,
        server,
        granted,
        requested,
        not_granted,
        ..
    } = model;
    let inspected = inspector::enabled().then(|| (granted.clone(), not_granted.clone()));
    let sign_out = move |_| {
        let shared = session.get_value();
        shared.stop();
        let current = shared.borrow().clone();
        spawn_local(async move {
            flow::sign_out(current).await;
            // Leaving the page discards the app's memory, and with it the session.
            location::navigate(&signed_out_url(&location::app_base()));
        });
    };
    view! {
        <footer class="session" data-testid="session">
            <Identity shown=identity />
            <span>{launch}" \u{b7} "{server}</span>
            <details class="scopes" data-testid="scopes">
                <summary>{access_summary}</summary>
                <p>"Granted: "<code>{granted}</code></p>
                {(!not_granted.is_empty()).then(|| view! {
                    <p data-testid="not-granted-scopes">"Not granted: "<code>{not_granted.join(" ")}</code></p>
                })}
            </details>
            <CapabilityPanel report=report />
            {inspected.map(|(granted, not_granted)| view! {
                <InspectorPanel session=session requested=requested granted=granted not_granted=not_granted />
            })}
            <button class="link" data-testid="sign-out" on:click=sign_out>"Sign out"</button>
        </footer>
    }
}

fn load(
    session: StoredValue<SharedSession, LocalStorage>,
    plan: SectionPlan,
    state: RwSignal<SectionState>,
    access_ended: RwSignal<Option<Problem>>,
) {
    state.set(SectionState::Loading(None));
    spawn_local(async move {
        let current = session.get_value();
        let progress = move |p| state.set(SectionState::Loading(Some(p)));
        // Drawn in the task that finishes the section's data (`load_section` yields first when
        // building it took long).
        let outcome = fetch::load_section(&current, &plan, &progress).await;
        // A stopped session means the user left this record: nothing is left to show.
        if current.stopped() {
            return;
        }
        state.set(match outcome {
            Ok(loaded) => SectionState::Loaded(std::sync::Arc::new(loaded)),
            Err(LoadError::Reauthorize(reason)) => {
                access_ended.set(Some((*reason).into()));
                SectionState::Stopped
            }
            Err(LoadError::Stopped) => SectionState::Stopped,
            Err(LoadError::Read(error)) => SectionState::Failed(error.into()),
        });
    });
}
