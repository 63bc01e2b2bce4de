//! The page a reload, a duplicated tab or a return through history lands on after a sign-in:
//! access ended with the old page's memory; it says so, and offers the way back that fits how
//! the launch began (`smart::reentry` decides).

use super::problem::ProblemPanel;
use crate::browser::{flow, storage};
use crate::problem::{Problem, UserFacing};
use crate::smart::authorize::LaunchKind;
use crate::smart::reentry::{reentry, Reentry};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Says that access ended and offers the next step.
#[component]
pub fn ReentryPage() -> impl IntoView {
    let decided = RwSignal::new(None::<Result<Reentry, Problem>>);
    let problem = RwSignal::new(None::<Problem>);
    let signing_in = RwSignal::new(false);
    let source = super::config::config();
    spawn_local(async move {
        let remembered = storage::remembered_launch();
        decided.set(Some(
            source
                .get()
                .await
                .map(|config| reentry(remembered.as_deref(), &config)),
        ));
    });
    view! {
        {move || match decided.get() {
            None => view! { <p class="muted">"Loading configuration\u{2026}"</p> }.into_any(),
            Some(Err(found)) => view! { <ProblemPanel problem=found /> }.into_any(),
            Some(Ok(decision)) => view! {
                <section class="reentry" role="status" data-testid="reentry">
                    <h1 data-testid="reentry-title">{decision.title()}</h1>
                    <p data-testid="reentry-message">{decision.message()}</p>
                    <p data-testid="reentry-hint">{decision.hint()}</p>
                    {next_step(decision, signing_in, problem)}
                </section>
            }.into_any(),
        }}
        {move || problem.get().map(|found| view! { <ProblemPanel problem=found no_restart=true /> })}
    }
}

fn next_step(
    decision: Reentry,
    signing_in: RwSignal<bool>,
    problem: RwSignal<Option<Problem>>,
) -> impl IntoView {
    match decision {
        Reentry::SignInAgain { iss, name } => {
            let source = super::config::config();
            let sign_in = move |_| {
                let iss = iss.clone();
                let source = source.clone();
                signing_in.set(true);
                problem.set(None);
                spawn_local(async move {
                    let begun = match source.get().await {
                        Ok(config) => flow::begin(&config, iss, LaunchKind::Standalone).await,
                        Err(found) => Err(found),
                    };
                    if let Err(found) = begun {
                        signing_in.set(false);
                        problem.set(Some(found));
                    }
                });
            };
            view! {
                <p><button class="button" data-testid="reentry-sign-in"
                    disabled=move || signing_in.get() on:click=sign_in>
                    {format!("Sign in again to {name}")}
                </button></p>
            }
            .into_any()
        }
        Reentry::Unknown { start_page: true } => {
            view! { <p><a class="button" href="./" data-testid="start-page">"Choose a server"</a></p> }
                .into_any()
        }
        Reentry::OpenFromChart | Reentry::Unknown { start_page: false } => ().into_any(),
    }
}
