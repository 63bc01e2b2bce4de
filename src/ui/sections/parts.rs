//! Pieces every section renderer draws with: the unreadable-records notice, an item's
//! secondary line, a collapsed group of past items.

use crate::fhir::model::MalformedResource;
use crate::ui::paged::{ListItem, PagedList};
use leptos::prelude::*;

/// A line saying which records could not be read (they are skipped, never fatal).
pub(super) fn unreadable_notice(unreadable: &[MalformedResource]) -> Option<AnyView> {
    (!unreadable.is_empty()).then(|| {
        let lines: Vec<String> = unreadable.iter().map(ToString::to_string).collect();
        view! {
            <details class="unreadable" data-testid="unreadable">
                <summary>{format!("{} record(s) could not be read", lines.len())}</summary>
                <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            </details>
        }
        .into_any()
    })
}

/// An item's secondary line: the present parts joined with " · ".
pub(super) fn meta(parts: &[Option<String>]) -> Option<String> {
    let present: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
    (!present.is_empty()).then(|| present.join(" \u{b7} "))
}

/// A collapsed group of past items, paged like every list, `first` rows at first.
pub(super) fn past_group(label: &str, items: Vec<ListItem>, first: usize) -> Option<AnyView> {
    (!items.is_empty()).then(|| {
        let summary = format!("{label} ({})", items.len());
        view! {
            <details class="past">
                <summary>{summary}</summary>
                <PagedList items=items empty="" first=first />
            </details>
        }
        .into_any()
    })
}
