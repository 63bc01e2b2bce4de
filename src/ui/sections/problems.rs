//! The problems list.

use super::{meta, past_group, unreadable_notice};
use crate::browser::fetch::SectionData;
use crate::summary::problems::{build, ProblemLine};
use leptos::prelude::*;

pub fn render(data: &SectionData) -> (usize, AnyView) {
    let view_model = build(&data.matches);
    let count = view_model.current.len();
    let current: Vec<AnyView> = view_model.current.into_iter().map(item).collect();
    let past: Vec<AnyView> = view_model.past.into_iter().map(item).collect();
    let body = view! {
        {if current.is_empty() {
            view! { <p class="muted">"No current problems recorded."</p> }.into_any()
        } else {
            view! { <ul class="items">{current}</ul> }.into_any()
        }}
        {past_group("Resolved and inactive", past)}
        {unreadable_notice(&view_model.unreadable)}
    };
    (count, body.into_any())
}

fn item(line: ProblemLine) -> AnyView {
    let details = meta(&[
        line.status.filter(|s| s != "Active"),
        line.verification,
        line.onset.map(|o| format!("onset {o}")),
        line.abated.map(|a| format!("ended {a}")),
        line.recorded.map(|r| format!("recorded {r}")),
    ]);
    view! {
        <li>
            <span class="item-name">{line.name}</span>
            {details.map(|d| view! { <span class="item-meta">{d}</span> })}
        </li>
    }
    .into_any()
}
