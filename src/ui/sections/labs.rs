//! Labs: latest result per test with range and flag, grouped by panel; a trend on demand.

use super::super::chart::TrendChart;
use super::parts::unreadable_notice;
use crate::summary::chart::{chart_points, ChartInput};
use crate::summary::labs::{LabGroup, LabResult, LabsView};
use crate::summary::line_breaks::name_pieces;
use crate::summary::listing::{nothing_listed, GrantReach};
use crate::summary::observations::same_time_note;
use crate::ui::paged::ShowMore;
use leptos::prelude::*;

pub fn render(view_model: LabsView, reach: GrantReach) -> AnyView {
    let unreadable = view_model.unreadable.len();
    let groups: Vec<AnyView> = view_model.groups.into_iter().map(group).collect();
    let body = view! {
        {if groups.is_empty() {
            view! { <p class="muted">{nothing_listed("lab results", unreadable, reach)}</p> }.into_any()
        } else {
            groups.into_any()
        }}
        {unreadable_notice(&view_model.unreadable)}
    };
    body.into_any()
}

/// Rows of a lab table drawn at first: every test of an ordered panel (a CBC has about a
/// dozen); a category of thousands of distinct tests is drawn a page at a time.
const FIRST_LAB_ROWS: usize = 20;

fn group(group: LabGroup) -> AnyView {
    let total = group.results.len();
    let shown = RwSignal::new(FIRST_LAB_ROWS.min(total));
    let results = StoredValue::new(group.results);
    view! {
        <div class="table-scroll">
            <table class="labs">
                <caption>{group.name}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Test"</th>
                        <th scope="col">"Result"</th>
                        <th scope="col">"Range"</th>
                        <th scope="col">"When"</th>
                    </tr>
                </thead>
                <tbody>
                    // Keyed by position, so rows already drawn (and their open trends) stay.
                    <For each=move || 0..shown.get() key=|index| *index let:index>
                        {results.with_value(|all| row(all[index].clone()))}
                    </For>
                </tbody>
            </table>
            <ShowMore shown=shown first=FIRST_LAB_ROWS total=total />
        </div>
    }
    .into_any()
}

fn row(result: LabResult) -> AnyView {
    let show_trend = RwSignal::new(false);
    let trend = (result.series.len() > 1).then(|| {
        let (title, unit) = (result.name.clone(), result.unit.clone().unwrap_or_default());
        let series = result.series;
        move || ChartInput {
            title: title.clone(),
            points: chart_points(None, &series, &unit),
            reference: None,
        }
    });
    let flag = result.flag.as_ref().filter(|f| f.is_noteworthy()).map(|f| {
        let computed = if result.flag_computed {
            " (from range)"
        } else {
            ""
        };
        (f.short().to_owned(), computed)
    });
    let value = match &result.unit {
        Some(unit) => format!("{} {unit}", result.value),
        None => result.value.clone(),
    };
    let has_chart = trend.is_some();
    let count = result.result_count;
    let same_time = same_time_note(&result.same_time);
    view! {
        <tr class:abnormal=result.abnormal data-testid="lab-row">
            <th scope="row">{name_with_breaks(&result.name)}</th>
            <td>
                <span class="lab-value">{value}</span>
                {flag.map(|(short, computed)| view! {
                    <span class="flag" title=format!("Interpretation{computed}")>{short}</span>
                })}
                {same_time.map(|note| view! { <span class="same-time" data-testid="same-time">{note}</span> })}
            </td>
            <td>{result.reference_range.unwrap_or_else(|| "\u{2014}".into())}</td>
            <td>
                {result.when}
                {has_chart.then(|| view! {
                    <button class="link" aria-expanded=move || show_trend.get().to_string()
                        on:click=move |_| show_trend.update(|s| *s = !*s)>
                        {format!("Trend ({count})")}
                    </button>
                })}
            </td>
        </tr>
        // A plot is drawn when asked for: a test with years of results plots hundreds of
        // points, and most plots are never opened.
        {trend.map(|input| move || show_trend.get().then(|| view! {
            <tr class="trend-row">
                <td colspan="4"><TrendChart input=input() /></td>
            </tr>
        }))}
    }
    .into_any()
}

// A `<wbr>` after each joint of a LOINC name, so a narrow column breaks it between its parts.
fn name_with_breaks(name: &str) -> Vec<AnyView> {
    name_pieces(name)
        .into_iter()
        .enumerate()
        .map(|(index, piece)| {
            let piece = piece.to_owned();
            view! { {(index > 0).then(|| view! { <wbr /> })}{piece} }.into_any()
        })
        .collect()
}
