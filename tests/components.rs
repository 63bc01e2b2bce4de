//! Component tests in headless Chromium: the trend plot, the paged list and the paged lab table, mounted into a
//! real document and driven through the DOM as a user (or assistive technology) would.
#![cfg(target_arch = "wasm32")]

use bedside::fhir::date::FhirDateTime;
use bedside::sections::view::SectionView;
use bedside::summary::chart::{ChartInput, ChartPoint};
use bedside::summary::labs;
use bedside::summary::listing::GrantReach;
use bedside::summary::vitals;
use bedside::ui::chart::TrendChart;
use bedside::ui::paged::{ListItem, PagedList, FIRST_PAGE};
use bedside::ui::sections::render;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, SvgElement};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh container in the test document; the mounted view lives as long as the handle.
fn container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let element: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&element).unwrap();
    element
}

/// Lets Leptos run the effects a DOM event scheduled, as the browser would before painting.
async fn settle() {
    bedside::browser::world::sleep(10).await;
}

fn all(root: &HtmlElement, css: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(css).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn one(root: &HtmlElement, css: &str) -> web_sys::Element {
    root.query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("no {css}"))
}

fn systolic(values: &[(f64, f64)]) -> ChartInput {
    ChartInput {
        title: "Systolic blood pressure".into(),
        points: values
            .iter()
            .map(|&(day, value)| ChartPoint {
                day,
                value,
                value_text: format!("{value} mmHg"),
                date_text: format!("day {day}"),
            })
            .collect(),
        reference: Some((90.0, 120.0)),
    }
}

#[wasm_bindgen_test]
fn the_plot_draws_one_focusable_point_per_value_a_line_and_the_reference_band() {
    let root = container();
    let input = systolic(&[(1.0, 118.0), (30.0, 135.0), (60.0, 128.0)]);
    let _mounted =
        leptos::mount::mount_to(root.clone(), move || view! { <TrendChart input=input /> });

    let points = all(&root, "circle.trend-point");
    assert_eq!(points.len(), 3);
    for point in &points {
        assert_eq!(point.get_attribute("tabindex").as_deref(), Some("0"));
        let label = point.get_attribute("aria-label").unwrap();
        assert!(label.contains("mmHg") && label.contains("day"), "{label}");
    }
    let line = one(&root, "polyline.trend-line");
    assert_eq!(
        line.get_attribute("points")
            .unwrap()
            .split_whitespace()
            .count(),
        3
    );
    let band = one(&root, "rect.trend-band");
    let height: f64 = band.get_attribute("height").unwrap().parse().unwrap();
    assert!(height > 1.0, "band height {height}");
    let svg = one(&root, "svg");
    let alternative = svg.get_attribute("aria-label").unwrap();
    assert!(
        alternative.contains("Systolic blood pressure"),
        "{alternative}"
    );
}

#[wasm_bindgen_test]
async fn focusing_or_hovering_a_point_shows_its_value_and_date_and_leaving_hides_it() {
    let root = container();
    let input = systolic(&[(1.0, 118.0), (30.0, 135.0)]);
    let _mounted =
        leptos::mount::mount_to(root.clone(), move || view! { <TrendChart input=input /> });
    let tooltip = one(&root, "[data-testid=trend-tooltip]");
    assert_eq!(tooltip.text_content().unwrap_or_default(), "");

    let points = all(&root, "circle.trend-point");
    let second: SvgElement = points[1].clone().unchecked_into();
    second.focus().unwrap();
    settle().await;
    let shown = tooltip.text_content().unwrap_or_default();
    assert!(
        shown.contains("135 mmHg") && shown.contains("day 30"),
        "{shown}"
    );

    second.blur().unwrap();
    settle().await;
    assert_eq!(tooltip.text_content().unwrap_or_default(), "");

    let hover = web_sys::MouseEvent::new("mouseenter").unwrap();
    points[0].dispatch_event(&hover).unwrap();
    settle().await;
    let shown = tooltip.text_content().unwrap_or_default();
    assert!(shown.contains("118 mmHg"), "{shown}");
}

#[wasm_bindgen_test]
fn a_plot_without_a_reference_range_has_no_band() {
    let root = container();
    let mut input = systolic(&[(1.0, 118.0), (30.0, 135.0)]);
    input.reference = None;
    let _mounted =
        leptos::mount::mount_to(root.clone(), move || view! { <TrendChart input=input /> });
    assert!(all(&root, "rect.trend-band").is_empty());
}

fn items(count: usize) -> Vec<ListItem> {
    (0..count)
        .map(|i| (format!("Visit {i}"), Some(format!("detail {i}"))).into())
        .collect()
}

#[wasm_bindgen_test]
async fn a_long_list_renders_only_its_first_page_until_more_is_asked_for() {
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), || {
        view! { <PagedList items=items(2_500) empty="Nothing." /> }
    });
    assert_eq!(all(&root, "li").len(), FIRST_PAGE);
    let more: HtmlElement = one(&root, "button.more").unchecked_into();
    assert!(
        more.text_content()
            .unwrap()
            .contains(&format!("{FIRST_PAGE} of 2500")),
        "{:?}",
        more.text_content()
    );
    more.click();
    settle().await;
    assert_eq!(all(&root, "li").len(), FIRST_PAGE * 3);
    assert_eq!(
        one(&root, "li .item-name").text_content().as_deref(),
        Some("Visit 0")
    );
}

#[wasm_bindgen_test]
async fn the_last_page_removes_the_button_and_an_empty_list_says_so() {
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), || {
        view! { <PagedList items=items(FIRST_PAGE + 5) empty="Nothing." /> }
    });
    let more: HtmlElement = one(&root, "button.more").unchecked_into();
    more.click();
    settle().await;
    assert_eq!(all(&root, "li").len(), FIRST_PAGE + 5);
    assert!(all(&root, "button.more").is_empty());

    let empty = container();
    let _also = leptos::mount::mount_to(empty.clone(), || {
        view! { <PagedList items=Vec::new() empty="No encounters recorded." /> }
    });
    assert_eq!(
        one(&empty, "p.muted").text_content().as_deref(),
        Some("No encounters recorded.")
    );
    assert!(all(&empty, "li").is_empty());
}

#[wasm_bindgen_test]
async fn a_long_lab_table_renders_its_first_rows_until_more_is_asked_for() {
    let observations: Vec<serde_json::Value> = (0..45)
        .map(|i| {
            json!({"resourceType": "Observation", "id": format!("o{i}"), "status": "final",
                "category": [{"coding": [{"code": "laboratory"}]}],
                "code": {"text": format!("Test {i:02}")},
                "effectiveDateTime": "2024-01-01",
                "valueQuantity": {"value": i, "unit": "mg"}})
        })
        .collect();
    let now = FhirDateTime::parse("2024-06-01T00:00:00Z").unwrap();
    let view_model = labs::build(&observations, now);
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        render(SectionView::Labs(view_model.clone()), GrantReach::Whole)
    });
    assert_eq!(all(&root, "[data-testid=lab-row]").len(), 20);
    let more: HtmlElement = one(&root, "button.more").unchecked_into();
    assert!(
        more.text_content().unwrap().contains("20 of 45"),
        "{:?}",
        more.text_content()
    );
    more.click();
    settle().await;
    assert_eq!(all(&root, "[data-testid=lab-row]").len(), 45);
    assert!(root.query_selector("button.more").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn an_empty_section_under_a_narrowed_grant_claims_no_empty_record() {
    let now = FhirDateTime::parse("2024-06-01T00:00:00Z").unwrap();
    let root = container();
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        render(
            SectionView::VitalSigns(vitals::build(&[], now)),
            GrantReach::Narrowed,
        )
    });
    let text = root.text_content().unwrap_or_default();
    assert!(!text.contains("No vital signs recorded"), "{text}");
    assert!(text.contains("the grant may have withheld some"), "{text}");
}
