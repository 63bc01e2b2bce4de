//! The launch inspector (debug mode): the launch's timeline, the scopes asked for and granted,
//! and the launch context, with tokens reduced to their length.

use crate::browser::fetch::SharedSession;
use crate::browser::{inspector, world};
use crate::inspect::{bytes_text, session_facts, timeline_rows, LaunchLog};
use leptos::prelude::*;
use std::time::Duration;

/// The inspector for `session`, whose requests keep arriving while it is open.
#[component]
pub fn InspectorPanel(
    session: StoredValue<SharedSession, LocalStorage>,
    requested: String,
    granted: String,
    not_granted: Vec<String>,
) -> impl IntoView {
    let log = RwSignal::new(inspector::snapshot().unwrap_or_default());
    // Sections keep loading (and tokens refreshing) after the page appears, so the open
    // panel follows them; the copy is cheap next to a request.
    if let Ok(handle) = set_interval_with_handle(
        move || log.set(inspector::snapshot().unwrap_or_default()),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    let facts = move || {
        log.track();
        session
            .try_get_value()
            .map(|shared| session_facts(&shared.borrow(), world::now_ms()))
            .unwrap_or_default()
    };
    let summary = move || {
        log.with(|log: &LaunchLog| {
            format!(
                "Launch inspector \u{b7} {} steps \u{b7} {} ms \u{b7} {}",
                log.entries.len(),
                log.span_ms(),
                bytes_text(log.bytes())
            )
        })
    };
    let opened = RwSignal::new(false);
    view! {
        // Drawn when first opened; the panel starts closed, so its first toggle is its opening.
        <details class="inspector" data-testid="inspector" on:toggle=move |_| opened.set(true)>
            <summary>{summary}</summary>
            {move || opened.get().then(|| {
                let (requested, granted) = (requested.clone(), granted.clone());
                let not_granted = if not_granted.is_empty() { "none".to_owned() } else { not_granted.join(" ") };
                view! {
                    <p class="note">"Debug mode. Tokens and one-time values (code, state, nonce, launch) are never shown."</p>
                    <h3>"Timeline"</h3>
                    <Timeline log=log />
                    <h3>"Scopes"</h3>
                    <dl>
                        <dt>"Requested"</dt><dd><code>{requested}</code></dd>
                        <dt>"Granted"</dt><dd><code data-testid="inspector-granted">{granted}</code></dd>
                        <dt>"Not granted"</dt><dd><code>{not_granted}</code></dd>
                    </dl>
                    <h3>"Session and launch context"</h3>
                    <dl data-testid="inspector-context">
                        {move || facts().into_iter().map(|(label, value)| view! {
                            <dt>{label}</dt><dd>{value}</dd>
                        }).collect_view()}
                    </dl>
                }
            })}
        </details>
    }
}

/// The launch's steps as a table, following `log`.
#[component]
fn Timeline(log: RwSignal<LaunchLog>) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table data-testid="inspector-timeline">
                <thead><tr>
                    <th scope="col">"Start"</th><th scope="col">"Step"</th><th scope="col">"Request"</th>
                    <th scope="col">"Status"</th><th scope="col">"Time"</th><th scope="col">"Size"</th>
                </tr></thead>
                <tbody>
                    {move || log.with(timeline_rows).into_iter().map(|row| view! {
                        <tr class:failed=row.failed>
                            <td>{row.offset}</td>
                            <td>{row.step}</td>
                            <td><code>{row.method}" "{row.url}</code></td>
                            <td>{row.outcome}</td>
                            <td>{row.duration}</td>
                            <td>{row.size}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The inspector of a launch that failed before any session existed: its steps so far, open,
/// so that what led to the error page is in view. Shown only in debug mode.
#[component]
pub fn FailedLaunchInspector() -> impl IntoView {
    inspector::snapshot().map(|steps| {
        let log = RwSignal::new(steps);
        view! {
            <details class="inspector" data-testid="inspector" open=true>
                <summary>{format!("Launch inspector \u{b7} {} steps", log.with(|l| l.entries.len()))}</summary>
                <p class="note">"Debug mode. Tokens and one-time values (code, state, nonce, launch) are never shown."</p>
                <h3>"Timeline"</h3>
                <Timeline log=log />
            </details>
        }
    })
}
