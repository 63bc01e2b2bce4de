//! The capability report panel, opened from the footer.

use crate::sections::report::CapabilityReport;
use leptos::prelude::*;

/// What the server supports that Bedside uses, and where it fell back; the report is drawn
/// when the panel is first opened (few readers open it).
#[component]
pub fn CapabilityPanel(report: CapabilityReport) -> impl IntoView {
    let opened = RwSignal::new(false);
    view! {
        // The panel starts closed, so its first toggle is its opening.
        <details class="capability-report" data-testid="capability-report" on:toggle=move |_| opened.set(true)>
            <summary>"Server capabilities"</summary>
            {move || opened.get().then(|| report_body(report.clone()))}
        </details>
    }
}

fn report_body(report: CapabilityReport) -> impl IntoView {
    let CapabilityReport {
        fhir_version,
        notice,
        resources_listed,
        resources_missing,
        rows,
    } = report;
    view! {
            <p>{fhir_version}</p>
            {notice.map(|text| view! { <p class="notice">{text}</p> })}
            <p>"Resources listed: "{resources_listed.join(", ")}</p>
            {(!resources_missing.is_empty()).then(|| view! {
                <p>"Not listed: "{resources_missing.join(", ")}</p>
            })}
            <table>
                <thead><tr><th scope="col">"Section"</th><th scope="col">"Requests"</th><th scope="col">"Done on this device"</th></tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row">{row.section}</th>
                            <td>{match row.unavailable {
                                Some(reason) => view! { <span>{reason.wording()}</span> }.into_any(),
                                None => row.requests.into_iter().map(|r| view! { <code>{r}</code><br/> }).collect_view().into_any(),
                            }}</td>
                            <td>{if row.fallbacks.is_empty() { "\u{2014}".to_owned() } else { row.fallbacks.iter().map(|f| f.wording()).collect::<Vec<_>>().join(" ") }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
    }
}
