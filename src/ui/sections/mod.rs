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
use crate::fhir::plan::Section;
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

const PAGE: usize = 10;

/// A long list shown a page at a time, so a history of thousands renders only what is asked
/// for: `(title, details)` items, newest first.
fn paginated(items: Vec<(String, Option<String>)>, empty: &'static str) -> AnyView {
    if items.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    let total = items.len();
    let shown = RwSignal::new(PAGE.min(total));
    let items = StoredValue::new(items);
    view! {
        <ul class="items">
            {move || items.with_value(|all| all.iter().take(shown.get()).map(|(title, details)| view! {
                <li>
                    <span class="item-name">{title.clone()}</span>
                    {details.clone().map(|d| view! { <span class="item-meta">{d}</span> })}
                </li>
            }).collect_view())}
        </ul>
        {move || (shown.get() < total).then(|| view! {
            <button class="link more" on:click=move |_| shown.update(|n| *n = (*n + PAGE * 2).min(total))>
                {format!("Show more ({} of {total} shown)", shown.get())}
            </button>
        })}
    }
    .into_any()
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

/// A collapsed group of past items.
fn past_group(label: &str, items: Vec<AnyView>) -> Option<AnyView> {
    (!items.is_empty()).then(|| {
        let summary = format!("{label} ({})", items.len());
        view! {
            <details class="past">
                <summary>{summary}</summary>
                <ul class="items">{items}</ul>
            </details>
        }
        .into_any()
    })
}
