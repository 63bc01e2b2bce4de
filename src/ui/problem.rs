//! The error panel: what went wrong and what to do, in plain words.

use super::inspector::FailedLaunchInspector;
use crate::problem::Problem;
use leptos::prelude::*;

/// Shows a problem with a way to start again (left out with `no_restart` where the page offers
/// its own next step).
#[component]
pub fn ProblemPanel(problem: Problem, #[prop(optional)] no_restart: bool) -> impl IntoView {
    view! {
        <section class="problem" role="alert" data-testid="error">
            <h2 data-testid="error-title">{problem.title}</h2>
            <p data-testid="error-message">{problem.message}</p>
            {problem.hint.map(|hint| view! { <p class="hint" data-testid="error-hint">{hint}</p> })}
            {(!no_restart).then(|| view! { <p><a class="button" href="./">"Start again"</a></p> })}
        </section>
    }
}

/// A launch that failed before a session existed (start, launch and callback pages): the
/// problem, and in debug mode the launch inspector's steps that led to it.
#[component]
pub fn LaunchProblem(problem: Problem, #[prop(optional)] no_restart: bool) -> impl IntoView {
    view! {
        <ProblemPanel problem=problem no_restart=no_restart />
        <FailedLaunchInspector />
    }
}
