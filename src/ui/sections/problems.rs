//! The problems list.

use super::{meta, unreadable_notice};
use crate::browser::fetch::SectionData;
use crate::summary::problems::{build, ProblemLine};
use crate::ui::paged::PagedList;
use leptos::prelude::*;

/// Problems shown at first: every problem of any real record; a list of thousands (a server
/// sending 90,000 Conditions) is drawn a page at a time, not all at once.
const FIRST_PROBLEMS: usize = 100;

pub fn render(data: &SectionData) -> (usize, AnyView) {
    let view_model = build(&data.matches);
    let count = view_model.current.len();
    let current: Vec<_> = view_model.current.into_iter().map(item).collect();
    let past: Vec<_> = view_model.past.into_iter().map(item).collect();
    let past = (!past.is_empty()).then(|| {
        let summary = format!("Resolved and inactive ({})", past.len());
        view! {
            <details class="past">
                <summary>{summary}</summary>
                <PagedList items=past empty="" first=FIRST_PROBLEMS />
            </details>
        }
    });
    let body = view! {
        <PagedList items=current empty="No current problems recorded." first=FIRST_PROBLEMS />
        {past}
        {unreadable_notice(&view_model.unreadable)}
    };
    (count, body.into_any())
}

fn item(line: ProblemLine) -> (String, Option<String>) {
    let details = meta(&[
        line.status.filter(|s| s != "Active"),
        line.verification,
        line.onset.map(|o| format!("onset {o}")),
        line.abated.map(|a| format!("ended {a}")),
        line.recorded.map(|r| format!("recorded {r}")),
    ]);
    (line.name, details)
}
