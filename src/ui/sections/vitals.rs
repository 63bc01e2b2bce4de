//! Vital signs: the latest of each, with a trend plot.

use super::super::chart::TrendChart;
use super::parts::unreadable_notice;
use crate::summary::chart::{chart_points, ChartInput};
use crate::summary::listing::{nothing_listed, GrantReach};
use crate::summary::observations::{same_time_note, TrendPoint};
use crate::summary::vitals::{VitalReading, VitalsView};
use leptos::prelude::*;

pub fn render(view_model: VitalsView, reach: GrantReach) -> AnyView {
    let series = view_model.series;
    let cards: Vec<AnyView> = view_model
        .latest
        .into_iter()
        .map(|reading| {
            let points = series
                .iter()
                .find(|s| s.kind == reading.kind)
                .map(|s| s.points.clone())
                .unwrap_or_default();
            card(reading, points)
        })
        .collect();
    let excluded = view_model.excluded.len();
    let unreadable = view_model.unreadable.len();
    let body = view! {
        {view_model.blood_pressure.map(|bp| view! {
            <p class="headline" data-testid="blood-pressure">"Blood pressure "<strong>{bp}</strong></p>
        })}
        {if cards.is_empty() {
            view! { <p class="muted">{nothing_listed("vital signs", unreadable, reach)}</p> }.into_any()
        } else {
            view! { <div class="vital-cards">{cards}</div> }.into_any()
        }}
        {(excluded > 0).then(|| view! {
            <p class="muted small">{format!("{excluded} measurement(s) without a date or a known unit are not shown.")}</p>
        })}
        {unreadable_notice(&view_model.unreadable)}
    };
    body.into_any()
}

fn card(reading: VitalReading, points: Vec<TrendPoint>) -> AnyView {
    let title = reading.kind.title();
    let chart = (points.len() > 1).then(|| ChartInput {
        title: title.to_owned(),
        points: chart_points(Some(reading.kind), &points, reading.kind.unit()),
        reference: None,
    });
    let same_time = same_time_note(&reading.same_time);
    view! {
        <article class="vital-card" data-testid="vital">
            <h3>{title}</h3>
            <p class="vital-value">{reading.text}</p>
            {same_time.map(|note| view! { <p class="same-time" data-testid="same-time">{note}</p> })}
            <p class="item-meta">
                {reading.when}
                {reading.ago.map(|ago| format!(" ({ago})"))}
                {reading.original.map(|o| format!(" \u{b7} recorded as {o}"))}
            </p>
            {chart.map(|input| view! { <TrendChart input=input /> })}
        </article>
    }
    .into_any()
}
