//! The callback page: completes the sign-in, then hands the session to the summary; in a
//! sign-in window, hands the answer back to the Bedside frame that opened it instead.

use super::problem::LaunchProblem;
use super::summary::SummaryPage;
use crate::browser::flow;
use crate::browser::flow::{Arrival, Completed};
use crate::problem::Problem;
use leptos::prelude::*;
use leptos::task::spawn_local;
use url::Url;

#[derive(Clone)]
enum Phase {
    SigningIn,
    Started(Box<Completed>),
    HandedBack,
    Failed(Problem),
}

/// Completes the authorization in `url`.
#[component]
pub fn CallbackPage(url: Url) -> impl IntoView {
    // Local (not shared across threads) because it holds the session, which lives in memory.
    let phase = RwSignal::new_local(Phase::SigningIn);
    crate::browser::marks::mark("bedside:callback");
    spawn_local(async move {
        phase.set(match flow::complete(&url).await {
            Ok(Arrival::SignedIn(completed)) => Phase::Started(signed_in(completed)),
            Ok(Arrival::HandedBack) => Phase::HandedBack,
            Err(problem) => Phase::Failed(problem),
        });
    });
    view! {
        {move || match phase.get() {
            Phase::SigningIn => view! {
                <section class="status" aria-live="polite" data-testid="working">
                    <div class="spinner" aria-hidden="true"></div>
                    <p>"Completing sign-in\u{2026}"</p>
                </section>
            }.into_any(),
            Phase::Started(started) => summary(started).into_any(),
            Phase::HandedBack => view! {
                <section class="status" aria-live="polite" data-testid="handed-back">
                    <p>"Back to Bedside in your EHR\u{2026} This window closes by itself."</p>
                </section>
            }.into_any(),
            Phase::Failed(problem) => view! { <LaunchProblem problem=problem /> }.into_any(),
        }}
    }
}

/// Marks the token's arrival; returns the sign-in for [`summary`]. Every page that completes a
/// sign-in goes through here.
pub(super) fn signed_in(completed: Box<Completed>) -> Box<Completed> {
    crate::browser::marks::mark("bedside:token");
    completed
}

/// The summary of a completed sign-in.
pub(super) fn summary(started: Box<Completed>) -> impl IntoView {
    let Completed {
        session,
        capabilities,
        identity,
    } = *started;
    view! { <SummaryPage session=session capabilities=capabilities identity=identity /> }
}
