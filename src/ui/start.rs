//! The standalone start page: pick a configured FHIR server or type one in.

use super::problem::LaunchProblem;
use crate::browser::{flow, location};
use crate::config::AppConfig;
use crate::fhir::FhirBaseUrl;
use crate::problem::Problem;
use crate::route::is_signed_out;
use crate::smart::authorize::LaunchKind;
use crate::smart::launch::LaunchError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The server picker.
#[component]
pub fn StartPage() -> impl IntoView {
    let config = RwSignal::new(None::<Result<AppConfig, Problem>>);
    let problem = RwSignal::new(None::<Problem>);
    let connecting = RwSignal::new(None::<String>);
    let typed = RwSignal::new(String::new());
    let source = super::config::config();
    spawn_local(async move { config.set(Some(source.get().await)) });

    let connect = move |text: String| {
        let Some(Ok(loaded)) = config.get_untracked() else {
            return;
        };
        problem.set(None);
        let iss = match FhirBaseUrl::parse(&text) {
            Ok(iss) => iss,
            Err(error) => {
                let reason = error.to_string();
                return problem.set(Some(LaunchError::BadIssuer { reason }.into()));
            }
        };
        connecting.set(Some(iss.to_string()));
        spawn_local(async move {
            if let Err(found) = flow::begin(&loaded, iss, LaunchKind::Standalone).await {
                connecting.set(None);
                problem.set(Some(found));
            }
        });
    };

    view! {
        <section class="start" data-testid="server-picker">
            <h1>"Bedside"</h1>
            {is_signed_out(&location::current_url()).then(|| view! {
                <p class="notice" role="status" data-testid="signed-out">
                    "You have signed out: Bedside no longer holds any access to the record."
                </p>
            })}
            <p class="lede">"A patient summary for SMART on FHIR servers. Choose where the record lives; the server will ask you to sign in and pick a patient."</p>
            {move || match config.get() {
                None => view! { <p class="muted">"Loading configuration\u{2026}"</p> }.into_any(),
                Some(Err(found)) => view! { <LaunchProblem problem=found /> }.into_any(),
                Some(Ok(loaded)) => {
                    let servers: Vec<(String, String)> = loaded
                        .standalone_servers()
                        .map(|s| (s.iss.to_string(), s.label()))
                        .collect();
                    view! {
                        <h2>"Servers"</h2>
                        <ul class="servers">
                            {servers.into_iter().map(|(iss, label)| {
                                let target = iss.clone();
                                let attribute = iss.clone();
                                view! {
                                    <li>
                                        <button class="server" data-iss=attribute
                                            disabled=move || connecting.get().is_some()
                                            on:click=move |_| connect(target.clone())>
                                            <span class="server-name">{label}</span>
                                            <span class="server-url">{iss}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <form class="other-server" on:submit=move |ev| {
                            ev.prevent_default();
                            connect(typed.get_untracked());
                        }>
                            <label for="server-url">"Another FHIR server"</label>
                            <div class="row">
                                <input id="server-url" type="url" placeholder="https://fhir.example.org/r4"
                                    autocomplete="url" bind:value=typed />
                                <button id="connect-url" type="submit"
                                    disabled=move || connecting.get().is_some()>"Connect"</button>
                            </div>
                        </form>
                    }.into_any()
                }
            }}
            {move || connecting.get().map(|server| view! {
                <p class="status-line" aria-live="polite">"Connecting to "{server}"\u{2026}"</p>
            })}
            {move || problem.get().map(|found| view! { <LaunchProblem problem=found /> })}
        </section>
    }
}
