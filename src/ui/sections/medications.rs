//! The medications list.

use super::{meta, past_group, unreadable_notice};
use crate::browser::fetch::SectionData;
use crate::summary::medications::{build, MedicationLine, MedicationSource};
use leptos::prelude::*;

pub fn render(data: &SectionData) -> (usize, AnyView) {
    // Included Medications travel beside the requests that name them.
    let resources: Vec<serde_json::Value> =
        data.matches.iter().chain(&data.included).cloned().collect();
    let view_model = build(&resources);
    let count = view_model.current.len();
    let current: Vec<AnyView> = view_model.current.into_iter().map(item).collect();
    let past: Vec<AnyView> = view_model.past.into_iter().map(item).collect();
    let body = view! {
        {if current.is_empty() {
            view! { <p class="muted">"No current medications recorded."</p> }.into_any()
        } else {
            view! { <ul class="items">{current}</ul> }.into_any()
        }}
        {past_group("Stopped and completed", past)}
        {unreadable_notice(&view_model.unreadable)}
    };
    (count, body.into_any())
}

fn item(line: MedicationLine) -> AnyView {
    let details = meta(&[
        line.dosage,
        line.status,
        line.date.map(|d| match line.source {
            MedicationSource::Request => format!("ordered {d}"),
            MedicationSource::Statement => format!("reported {d}"),
        }),
    ]);
    view! {
        <li class:do-not=line.do_not_perform>
            <span class="item-name">
                {line.do_not_perform.then_some("Do not give: ")}
                {line.name}
            </span>
            {details.map(|d| view! { <span class="item-meta">{d}</span> })}
        </li>
    }
    .into_any()
}
