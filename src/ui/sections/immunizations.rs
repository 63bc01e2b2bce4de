//! Immunizations, one line per vaccine.

use super::parts::{meta, unreadable_notice};
use crate::summary::immunizations::{DoseStatus, ImmunizationsView, VaccineGroup};
use crate::summary::listing::{nothing_listed, GrantReach};
use crate::ui::paged::{ListItem, PagedList};
use leptos::prelude::*;

pub fn render(view_model: ImmunizationsView, reach: GrantReach) -> AnyView {
    let empty = nothing_listed("immunizations", view_model.unreadable.len(), reach);
    let items: Vec<ListItem> = view_model.vaccines.into_iter().map(item).collect();
    let body = view! {
        <PagedList items=items empty=empty />
        {unreadable_notice(&view_model.unreadable)}
    };
    body.into_any()
}

fn item(group: VaccineGroup) -> ListItem {
    let not_done: Vec<String> = group
        .doses
        .iter()
        .filter_map(|dose| match &dose.status {
            DoseStatus::NotDone { reason } => Some(format!(
                "not given{}{}",
                dose.date
                    .as_deref()
                    .map(|d| format!(" {d}"))
                    .unwrap_or_default(),
                reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            )),
            _ => None,
        })
        .collect();
    let doses = match group.completed_doses {
        0 => None,
        1 => Some("1 dose".to_owned()),
        n => Some(format!("{n} doses")),
    };
    let details = meta(&[
        group.latest_dose.map(|d| format!("latest {d}")),
        doses,
        (!not_done.is_empty()).then(|| not_done.join("; ")),
    ]);
    (group.name, details).into()
}
