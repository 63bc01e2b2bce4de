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
