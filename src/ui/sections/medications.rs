//! The medications list.

use super::parts::{meta, past_group, unreadable_notice};
use crate::summary::listing::{nothing_listed, GrantReach};
use crate::summary::medications::{MedicationLine, MedicationSource, MedicationsView};
use crate::ui::paged::{ListItem, PagedList, FIRST_PAGE};
use leptos::prelude::*;

pub fn render(view_model: MedicationsView, reach: GrantReach) -> AnyView {
    let empty = nothing_listed("current medications", view_model.unreadable.len(), reach);
    let current: Vec<ListItem> = view_model.current.into_iter().map(item).collect();
    let past: Vec<ListItem> = view_model.past.into_iter().map(item).collect();
    let body = view! {
        <PagedList items=current empty=empty />
        {past_group("Stopped and completed", past, FIRST_PAGE)}
        {unreadable_notice(&view_model.unreadable)}
    };
    body.into_any()
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
