//! The problems list, paged.

use super::parts::{meta, past_group, unreadable_notice};
use crate::summary::listing::{nothing_listed, GrantReach};
use crate::summary::problems::{ProblemLine, ProblemsView};
use crate::ui::paged::{ListItem, PagedList};
use leptos::prelude::*;

/// Problems shown at first: every problem of any real record; a list of thousands (a server
/// sending 90,000 Conditions) is drawn a page at a time, not all at once.
const FIRST_PROBLEMS: usize = 100;

pub fn render(view_model: ProblemsView, reach: GrantReach) -> AnyView {
    let empty = nothing_listed("current problems", view_model.unreadable.len(), reach);
    let current: Vec<ListItem> = view_model.current.into_iter().map(item).collect();
    let past: Vec<ListItem> = view_model.past.into_iter().map(item).collect();
    let body = view! {
        <PagedList items=current empty=empty first=FIRST_PROBLEMS />
        {past_group("Resolved and inactive", past, FIRST_PROBLEMS)}
        {unreadable_notice(&view_model.unreadable)}
    };
    body.into_any()
}

fn item(line: ProblemLine) -> ListItem {
    let details = meta(&[
        line.status.filter(|s| s != "Active"),
        line.verification,
        line.onset.map(|o| format!("onset {o}")),
        line.abated.map(|a| format!("ended {a}")),
        line.recorded.map(|r| format!("recorded {r}")),
    ]);
    (line.name, details).into()
}
