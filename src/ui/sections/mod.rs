//! One renderer per section: each turns the section's data into its view model (in `summary`)
//! and draws it. Renderers return the count shown next to the heading.

mod allergies;
mod encounters;
mod immunizations;
mod labs;
mod medications;
mod problems;
mod vitals;

use crate::browser::fetch::SectionData;
use crate::fhir::model::MalformedResource;
use crate::sections::Section;
use crate::ui::paged::{ListItem, PagedList};
use leptos::prelude::*;

/// The renderer of a section.
pub fn body_for(section: Section) -> fn(&SectionData) -> (usize, AnyView) {
    match section {
        Section::Problems => problems::render,
        Section::Medications => medications::render,
        Section::Allergies => allergies::render,
        Section::Immunizations => immunizations::render,
        Section::VitalSigns => vitals::render,
        Section::Labs => labs::render,
        Section::Encounters => encounters::render_encounters,
        Section::Procedures => encounters::render_procedures,
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
