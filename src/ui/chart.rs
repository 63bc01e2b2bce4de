//! The trend plot: an inline SVG drawn from `summary::chart`'s layout. Each point can be
//! hovered or focused to show its value and date; the whole plot has a text alternative.

use crate::summary::chart::{layout, ChartInput, HEIGHT, WIDTH};
use leptos::prelude::*;

/// A small line chart with points, a reference band and a tooltip.
#[component]
pub fn TrendChart(input: ChartInput) -> impl IntoView {
    let chart = layout(&input);
    let active = RwSignal::new(None::<usize>);
    let labels: Vec<String> = chart.points.iter().map(|p| p.label.clone()).collect();
    let view_box = format!("0 0 {WIDTH} {HEIGHT}");
    let right = WIDTH - 8.0;
    view! {
        <figure class="trend" data-testid="trend">
            <svg viewBox=view_box role="group" aria-label=chart.summary.clone() class="trend-plot">
                {chart.band.map(|(top, bottom)| view! {
                    <rect class="trend-band" x="36" y=top width=right - 36.0 height=(bottom - top).max(0.5) />
                })}
                {chart.ticks.iter().map(|(y, text)| view! {
                    <line class="trend-grid" x1="36" x2=right y1=*y y2=*y />
                    <text class="trend-tick" x="32" y=*y + 3.0 text-anchor="end">{text.clone()}</text>
                }).collect_view()}
                <polyline class="trend-line" points=chart.polyline.clone() />
                {chart.points.iter().enumerate().map(|(index, point)| view! {
                    <circle class="trend-point" cx=point.x cy=point.y r="3" tabindex="0"
                        role="img" aria-label=point.label.clone()
                        on:mouseenter=move |_| active.set(Some(index))
                        on:focus=move |_| active.set(Some(index))
                        on:mouseleave=move |_| active.set(None)
                        on:blur=move |_| active.set(None)>
                        <title>{point.label.clone()}</title>
                    </circle>
                }).collect_view()}
            </svg>
            <figcaption>
                {chart.date_range.map(|(from, to)| view! {
                    <span class="trend-range">{from}" \u{2013} "{to}</span>
                })}
                <span class="trend-tooltip" aria-live="polite" data-testid="trend-tooltip">
                    {move || active.get().and_then(|i| labels.get(i).cloned()).unwrap_or_default()}
                </span>
            </figcaption>
        </figure>
    }
}
