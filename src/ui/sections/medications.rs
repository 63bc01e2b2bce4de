//! The medications list.

use super::{meta, past_group, unreadable_notice};
use crate::browser::fetch::SectionData;
use crate::summary::listing::nothing_listed;
use crate::summary::medications::{build, MedicationLine, MedicationSource};
use crate::ui::paged::{ListItem, PagedList, FIRST_PAGE};
use leptos::prelude::*;

pub fn render(data: &SectionData) -> (usize, AnyView) {
    // Included Medications travel beside the requests that name them.
    let resources: Vec<serde_json::Value> =
        data.matches.iter().chain(&data.included).cloned().collect();
    let view_model = build(&resources);
    let count = view_model.current.len();
    let empty = nothing_listed("current medications", view_model.unreadable.len());
    let current: Vec<ListItem> = view_model.current.into_iter().map(item).collect();
    let past: Vec<ListItem> = view_model.past.into_iter().map(item).collect();
    let body = view! {
        <PagedList items=current empty=empty />
        {past_group("Stopped and completed", past, FIRST_PAGE)}
        {unreadable_notice(&view_model.unreadable)}
    };
    (count, body.into_any())
}

fn item(line: MedicationLine) -> ListItem {
    let details = meta(&[
        line.dosage,
        line.status,
        line.date.map(|d| match line.source {
            MedicationSource::Request => format!("ordered {d}"),
            MedicationSource::Statement => format!("reported {d}"),
        }),
    ]);
    ListItem {
        title: match line.do_not_perform {
            true => format!("Do not give: {}", line.name),
            false => line.name,
        },
        details,
        alert: line.do_not_perform,
    }
}
