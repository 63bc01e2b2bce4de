//! The EHR launch page: checks the launch, discovers the server and redirects to sign-in.

use super::problem::ProblemPanel;
use crate::browser::flow;
use crate::problem::Problem;
use crate::smart::authorize::LaunchKind;
use crate::smart::launch::parse_ehr_launch;
use leptos::prelude::*;
use leptos::task::spawn_local;
use url::Url;

/// Runs the EHR launch for `url`.
#[component]
pub fn LaunchPage(url: Url) -> impl IntoView {
    let (problem, set_problem) = signal(None::<Problem>);
    let server = parse_ehr_launch(&url)
        .map(|launch| launch.iss.to_string())
        .ok();
    spawn_local(async move {
        let outcome = async {
            let launch = parse_ehr_launch(&url)?;
            let config = flow::load_config().await?;
            let kind = LaunchKind::Ehr {
                launch: launch.launch,
            };
            flow::begin(&config, launch.iss, kind).await
        };
        if let Err(found) = outcome.await {
            set_problem.set(Some(found));
        }
    });
    view! {
        {move || match problem.get() {
            Some(problem) => view! { <ProblemPanel problem=problem /> }.into_any(),
            None => view! {
                <section class="status" aria-live="polite" data-testid="launching">
                    <div class="spinner" aria-hidden="true"></div>
                    <p>"Connecting to "{server.clone().unwrap_or_else(|| "your EHR".into())}"\u{2026}"</p>
                </section>
            }.into_any(),
        }}
    }
}
