//! The frame every summary section shares: heading with count, skeleton while loading, paging
//! progress, its own error with a retry, "not shared by this launch", or its content (with a
//! retry too when a later page failed and only part of it arrived).

use super::problem::ProblemPanel;
use super::sections::render;
use crate::fhir::bundle::Progress;
use crate::problem::Problem;
use crate::sections::plan::UnavailableReason;
use crate::sections::view::LoadedSection;
use crate::sections::Section;
use leptos::prelude::*;
use std::sync::Arc;

/// Where one section stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SectionState {
    /// Requests in flight; progress once the first page arrived.
    Loading(Option<Progress>),
    /// The launch's scopes do not cover this section's data; nothing was requested.
    NotGranted,
    /// The server cannot answer this section.
    Unavailable(UnavailableReason),
    /// A request failed.
    Failed(Problem),
    /// Access ended before this section loaded; the page says why once, above the sections.
    Stopped,
    /// Everything arrived, built into the section's view model (shared, not copied, when the
    /// state is read).
    Loaded(Arc<LoadedSection>),
}

/// A section with its state.
#[component]
pub fn SectionFrame(
    section: Section,
    state: RwSignal<SectionState>,
    on_retry: Callback<()>,
) -> impl IntoView {
    let id = format!(
        "section-{}",
        section.title().to_lowercase().replace(' ', "-")
    );
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="summary-section" id=id.clone() data-testid=id aria-labelledby=labelled_by
            aria-busy=move || matches!(state.get(), SectionState::Loading(_)).to_string()>
            {move || {
                let current = state.get();
                if !matches!(current, SectionState::Loading(_)) {
                    crate::browser::marks::section_settled(section.title());
                }
                let (count, content) = match &current {
                    SectionState::Loaded(loaded) => {
                        (Some(loaded.view.count()), render(loaded.view.clone(), loaded.reach()))
                    }
                    SectionState::Loading(progress) => (None, skeleton(*progress)),
                    SectionState::NotGranted => (None, view! {
                        <p class="muted" data-testid="not-granted">"Not shared by this launch."</p>
                    }.into_any()),
                    SectionState::Unavailable(reason) => (None, view! {
                        <p class="muted" data-testid="unavailable">{reason.wording()}</p>
                    }.into_any()),
                    SectionState::Stopped => (None, view! {
                        <p class="muted" data-testid="stopped">"Not loaded: access to the record ended."</p>
                    }.into_any()),
                    SectionState::Failed(problem) => (None, view! {
                        <ProblemPanel problem=problem.clone() />
                        <button class="retry" on:click=move |_| on_retry.run(())>"Try again"</button>
                    }.into_any()),
                };
                let (notices, incomplete) = match &current {
                    SectionState::Loaded(loaded) => (
                        loaded.notices.iter().map(|n| n.wording()).collect(),
                        loaded.incomplete.iter().map(|cut| cut.describe()).collect::<Vec<_>>(),
                    ),
                    _ => (Vec::new(), Vec::new()),
                };
                view! {
                    <h2 id=heading_id.clone()>
                        {section.title()}
                        {count.map(|n| view! { <span class="count" data-testid="count">{n}</span> })}
                    </h2>
                    {content}
                    {(!notices.is_empty()).then(|| view! {
                        <ul class="notices">
                            {notices.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                        </ul>
                    })}
                    {(!incomplete.is_empty()).then(|| view! {
                        <div class="incomplete" role="status" data-testid="incomplete">
                            {incomplete.into_iter().map(|n| view! { <p>{n}</p> }).collect_view()}
                            <button class="retry" on:click=move |_| on_retry.run(())>"Try again"</button>
                        </div>
                    })}
                }
            }}
        </section>
    }
}

fn skeleton(progress: Option<Progress>) -> AnyView {
    view! {
        <div class="skeleton" aria-hidden="true"><span></span><span></span><span></span></div>
        <p class="progress" data-testid="progress">
            {progress.map_or_else(|| "Loading\u{2026}".to_owned(), |p| format!("Loading \u{2014} {}", p.describe()))}
        </p>
    }
    .into_any()
}
