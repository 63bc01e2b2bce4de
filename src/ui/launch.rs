//! The EHR launch page: checks the launch and discovers the server, then redirects to sign-in;
//! inside a frame, it asks for a click and signs in through a new window (see
//! `smart::popup` for why), then shows the summary right here.

use super::callback::{signed_in, summary};
use super::problem::LaunchProblem;
use crate::browser::flow::{self, Completed, Prepared, WindowSignInFailure};
use crate::problem::Problem;
use crate::smart::authorize::LaunchKind;
use crate::smart::launch::parse_ehr_launch;
use crate::smart::popup::SignInPlace;
use leptos::prelude::*;
use leptos::task::spawn_local;
use url::Url;

#[derive(Clone)]
enum Phase {
    Connecting,
    /// Waiting for the click, with why the last attempt did not finish, if it did not.
    SignInStep(Option<Problem>),
    WindowOpen,
    Started(Box<Completed>),
    Failed(Problem),
}

/// Runs the EHR launch for `url`.
#[component]
pub fn LaunchPage(url: Url) -> impl IntoView {
    // Local: the phase holds the session, and the prepared launch is reused by every attempt.
    let phase = RwSignal::new_local(Phase::Connecting);
    let prepared = StoredValue::new_local(None::<Prepared>);
    let server = parse_ehr_launch(&url)
        .map(|launch| launch.iss.to_string())
        .unwrap_or_else(|_| "your EHR".into());
    let source = super::config::config();
    spawn_local(async move {
        let outcome = async {
            let launch = parse_ehr_launch(&url)?;
            let config = source.get().await?;
            let kind = LaunchKind::Ehr {
                launch: launch.launch,
            };
            flow::prepare(&config, launch.iss, kind).await
        };
        phase.set(match outcome.await {
            Ok(ready) if ready.place() == SignInPlace::ThisWindow => match ready.redirect_here() {
                Ok(()) => return,
                Err(problem) => Phase::Failed(problem),
            },
            Ok(ready) => {
                prepared.set_value(Some(ready));
                Phase::SignInStep(None)
            }
            Err(problem) => Phase::Failed(problem),
        });
    });
    // Synchronous up to `window.open`: pop-up blockers allow a window only during the click.
    let open_window = move |_| {
        let Some(opened) = prepared.with_value(|ready| ready.as_ref().map(Prepared::open_window))
        else {
            return;
        };
        let pending = match opened {
            Ok(pending) => pending,
            Err(blocked) => return phase.set(Phase::SignInStep(Some(blocked))),
        };
        phase.set(Phase::WindowOpen);
        spawn_local(async move {
            phase.set(match pending.complete().await {
                Ok(completed) => Phase::Started(signed_in(Box::new(completed))),
                Err(WindowSignInFailure::Closed(problem)) => Phase::SignInStep(Some(problem)),
                Err(WindowSignInFailure::Failed(problem)) => Phase::Failed(problem),
            });
        });
    };
    view! {
        {move || match phase.get() {
            Phase::Connecting => view! {
                <section class="status" aria-live="polite" data-testid="launching">
                    <div class="spinner" aria-hidden="true"></div>
                    <p>"Connecting to "{server.clone()}"\u{2026}"</p>
                </section>
            }.into_any(),
            Phase::SignInStep(problem) => view! {
                <section class="sign-in-step" data-testid="sign-in-step">
                    <h1>"Sign in to see the summary"</h1>
                    <p>"Sign-in pages often cannot be shown inside the EHR's page, so Bedside opens "
                        "yours in a small new window. It closes by itself when you are done, and "
                        "the summary appears here."</p>
                    {problem.map(|problem| view! { <LaunchProblem problem=problem no_restart=true /> })}
                    <button data-testid="sign-in-new-window" on:click=open_window>
                        "Sign in in a new window"
                    </button>
                </section>
            }.into_any(),
            Phase::WindowOpen => view! {
                <section class="status" aria-live="polite" data-testid="window-open">
                    <div class="spinner" aria-hidden="true"></div>
                    <p>"Finish signing in in the new window\u{2026}"</p>
                </section>
            }.into_any(),
            Phase::Started(started) => summary(started).into_any(),
            Phase::Failed(problem) => view! { <LaunchProblem problem=problem /> }.into_any(),
        }}
    }
}
