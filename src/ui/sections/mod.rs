//! One renderer per section: each draws the section's view model, built by the load task
//! (`sections::view`).

mod allergies;
mod encounters;
mod immunizations;
mod labs;
mod medications;
mod parts;
mod problems;
mod vitals;

use crate::sections::view::SectionView;
use crate::summary::listing::GrantReach;
use leptos::prelude::*;

/// Draws a section's view model; `reach` decides whether an empty list may be claimed.
pub fn render(view: SectionView, reach: GrantReach) -> AnyView {
    match view {
        SectionView::Problems(view) => problems::render(view, reach),
        SectionView::Medications(view) => medications::render(view, reach),
        SectionView::Allergies(view) => allergies::render(view, reach),
        SectionView::Immunizations(view) => immunizations::render(view, reach),
        SectionView::VitalSigns(view) => vitals::render(view, reach),
        SectionView::Labs(view) => labs::render(view, reach),
        SectionView::Encounters(view) => encounters::render_encounters(view, reach),
        SectionView::Procedures(view) => encounters::render_procedures(view, reach),
    }
}
