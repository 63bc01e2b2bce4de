//! Encounters and procedures: most recent first, paginated so a long history stays light.

use super::parts::{meta, unreadable_notice};
use crate::summary::encounters::EncountersView;
use crate::summary::listing::{nothing_listed, GrantReach};
use crate::summary::procedures::ProceduresView;
use crate::ui::paged::{ListItem, PagedList};
use leptos::prelude::*;

pub fn render_encounters(view_model: EncountersView, reach: GrantReach) -> AnyView {
    let empty = nothing_listed("encounters", view_model.unreadable.len(), reach);
    let items: Vec<ListItem> = view_model
        .encounters
        .into_iter()
        .map(|e| {
            let details = meta(&[e.when, e.class, e.reason, e.status]);
            (e.title, details).into()
        })
        .collect();
    let body = view! {
        <PagedList items=items empty=empty />
        {unreadable_notice(&view_model.unreadable)}
    };
    body.into_any()
}

pub fn render_procedures(view_model: ProceduresView, reach: GrantReach) -> AnyView {
    let empty = nothing_listed("procedures", view_model.unreadable.len(), reach);
    let items: Vec<ListItem> = view_model
        .procedures
        .into_iter()
        .map(|p| {
            let details = meta(&[p.when, p.reason, p.status, p.status_reason]);
            (p.name, details).into()
        })
        .collect();
    let body = view! {
        <PagedList items=items empty=empty />
        {unreadable_notice(&view_model.unreadable)}
    };
    body.into_any()
}
