//! One renderer per section: each draws the section's view model, built by the load task
//! (`sections::view`).

mod allergies;
mod encounters;
mod immunizations;
mod labs;
mod medications;
mod problems;
mod vitals;

use crate::fhir::model::MalformedResource;
use crate::sections::view::SectionView;
use crate::ui::paged::{ListItem, PagedList};
use leptos::prelude::*;

/// Draws a section's view model.
pub fn render(view: SectionView) -> AnyView {
    match view {
        SectionView::Problems(view) => problems::render(view),
        SectionView::Medications(view) => medications::render(view),
        SectionView::Allergies(view) => allergies::render(view),
        SectionView::Immunizations(view) => immunizations::render(view),
        SectionView::VitalSigns(view) => vitals::render(view),
        SectionView::Labs(view) => labs::render(view),
        SectionView::Encounters(view) => encounters::render_encounters(view),
        SectionView::Procedures(view) => encounters::render_procedures(view),
    }
}

/// A line saying which records could not be read (they are skipped, never fatal).
fn unreadable_notice(unreadable: &[MalformedResource]) -> Option<AnyView> {
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
fn meta(parts: &[Option<String>]) -> Option<String> {
    let present: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
    (!present.is_empty()).then(|| present.join(" \u{b7} "))
}

/// A collapsed group of past items, paged like every list, `first` rows at first.
fn past_group(label: &str, items: Vec<ListItem>, first: usize) -> Option<AnyView> {
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
