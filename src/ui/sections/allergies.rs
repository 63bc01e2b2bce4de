//! The allergies list: "no known allergies" only when the server says so.

use super::parts::{meta, past_group, unreadable_notice};
use crate::summary::allergies::{AllergiesView, AllergyLine, AllergyListState, Criticality};
use crate::summary::listing::{nothing_listed, GrantReach};
use crate::ui::paged::{ListItem, PagedList, FIRST_PAGE};
use leptos::prelude::*;

pub fn render(view_model: AllergiesView, reach: GrantReach) -> AnyView {
    let unreadable = view_model.unreadable.len();
    let headline = match view_model.state {
        AllergyListState::Listed => None,
        // Nothing listed but records unread or perhaps withheld: no claim about the chart.
        AllergyListState::NoneActive | AllergyListState::NoneRecorded
            if unreadable > 0 || reach == GrantReach::Narrowed =>
        {
            Some(nothing_listed("allergies", unreadable, reach))
        }
        AllergyListState::NoKnownAllergies => Some(view_model.no_known.join("; ")),
        AllergyListState::NoneActive => Some("No active allergies recorded.".to_owned()),
        AllergyListState::NoneRecorded => Some(
            "No allergy information recorded (this is not the same as no known allergies)."
                .to_owned(),
        ),
    };
    let current: Vec<ListItem> = view_model.current.into_iter().map(item).collect();
    let past: Vec<ListItem> = view_model.other.into_iter().map(item).collect();
    let body = view! {
        {headline.map(|text| view! { <p class="muted" data-testid="allergy-state">{text}</p> })}
        {(!current.is_empty()).then(|| view! { <PagedList items=current empty="" /> })}
        {past_group("Inactive and resolved", past, FIRST_PAGE)}
        {unreadable_notice(&view_model.unreadable)}
    };
    body.into_any()
}

fn item(line: AllergyLine) -> ListItem {
    let reactions: Vec<String> = line
        .reactions
        .iter()
        .map(|r| match &r.severity {
            Some(severity) => format!(
                "{} ({})",
                r.manifestations.join(", "),
                severity.to_lowercase()
            ),
            None => r.manifestations.join(", "),
        })
        .collect();
    let details = meta(&[
        line.criticality.map(|c| c.label().to_owned()),
        (!reactions.is_empty()).then(|| reactions.join("; ")),
        line.unconfirmed.then(|| "Unconfirmed".to_owned()),
        line.kind,
        line.onset.map(|o| format!("since {o}")),
    ]);
    ListItem {
        title: line.substance,
        details,
        alert: line.criticality == Some(Criticality::High),
    }
}
