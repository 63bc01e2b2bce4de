//! Paging cases from FHIR R4 §3.1.1.5 ("Paging") and §2.36 (Bundle.entry.search.mode).

use super::*;
use serde_json::json;

fn base() -> FhirBaseUrl {
    FhirBaseUrl::parse("https://ehr.example/fhir").unwrap()
}

fn page(next: Option<&str>, matches: usize, total: Option<u64>) -> SearchPage {
    SearchPage {
        matches: vec![json!({"resourceType": "Observation"}); matches],
        next: next.map(str::to_owned),
        total,
        ..SearchPage::default()
    }
}

// The order the loader follows: the step is decided from the link, then the page is read.
fn after(paging: &mut Paging, page: &SearchPage) -> PageStep {
    let step = paging.ahead(page.next.as_deref(), &base());
    paging.read(page);
    step
}

fn first() -> Url {
    Url::parse("https://ehr.example/fhir/Observation?patient=1").unwrap()
}

#[test]
fn a_searchset_separates_matches_includes_and_outcomes() {
    let body = json!({
        "resourceType": "Bundle", "type": "searchset", "total": 2,
        "link": [{"relation": "self", "url": "s"}, {"relation": "next", "url": "https://ehr.example/fhir/x?page=2"}],
        "entry": [
            {"resource": {"resourceType": "MedicationRequest", "id": "1"}, "search": {"mode": "match"}},
            {"resource": {"resourceType": "MedicationRequest", "id": "2"}},
            {"resource": {"resourceType": "Medication", "id": "m"}, "search": {"mode": "include"}},
            {"resource": {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "Results truncated"}]},
             "search": {"mode": "outcome"}},
            {"fullUrl": "entry without a resource"}
        ]
    });
    let parsed = parse_search_page(&body.to_string()).unwrap();
    assert_eq!(parsed.matches.len(), 2);
    assert_eq!(parsed.included.len(), 1);
    assert_eq!(parsed.warnings, vec!["Results truncated"]);
    assert_eq!(parsed.total, Some(2));
    assert_eq!(
        parsed.next.as_deref(),
        Some("https://ehr.example/fhir/x?page=2")
    );
}

#[test]
fn a_body_that_is_not_a_bundle_is_named() {
    let error = parse_search_page(r#"{"resourceType":"OperationOutcome"}"#).unwrap_err();
    assert!(error.detail().contains("OperationOutcome"));
    assert!(matches!(
        parse_search_page("<html>"),
        Err(BundleError::NotJson(_))
    ));
}

#[test]
fn paging_follows_next_links_on_the_same_server() {
    let mut paging = Paging::new(&first(), 10);
    let step = after(
        &mut paging,
        &page(
            Some("https://ehr.example/fhir/Observation?page=2"),
            50,
            None,
        ),
    );
    assert_eq!(
        step,
        PageStep::Next(Url::parse("https://ehr.example/fhir/Observation?page=2").unwrap())
    );
    assert_eq!(after(&mut paging, &page(None, 10, None)), PageStep::Done);
    assert_eq!(paging.progress().loaded, 60);
}

#[test]
fn a_relative_next_link_is_resolved_against_the_base() {
    let mut paging = Paging::new(&first(), 10);
    let step = after(&mut paging, &page(Some("Observation?page=2"), 1, None));
    assert_eq!(
        step,
        PageStep::Next(Url::parse("https://ehr.example/fhir/Observation?page=2").unwrap())
    );
}

#[test]
fn a_next_link_already_seen_ends_paging() {
    let mut paging = Paging::new(&first(), 10);
    let loop_back = "https://ehr.example/fhir/Observation?patient=1";
    assert_eq!(
        after(&mut paging, &page(Some(loop_back), 1, None)),
        PageStep::LoopDetected
    );
    let mut two_cycle = Paging::new(&first(), 10);
    let a = "https://ehr.example/fhir/Observation?page=a";
    let b = "https://ehr.example/fhir/Observation?page=b";
    assert!(matches!(
        after(&mut two_cycle, &page(Some(a), 1, None)),
        PageStep::Next(_)
    ));
    assert!(matches!(
        after(&mut two_cycle, &page(Some(b), 1, None)),
        PageStep::Next(_)
    ));
    assert_eq!(
        after(&mut two_cycle, &page(Some(a), 1, None)),
        PageStep::LoopDetected
    );
}

#[test]
fn a_next_link_to_another_origin_is_not_followed() {
    let mut paging = Paging::new(&first(), 10);
    let elsewhere = "https://evil.example/fhir/Observation?page=2";
    assert_eq!(
        after(&mut paging, &page(Some(elsewhere), 1, None)),
        PageStep::ForeignLink(elsewhere.into())
    );
    let sibling_path = "https://ehr.example/other/Observation?page=2";
    assert!(matches!(
        after(&mut paging, &page(Some(sibling_path), 1, None)),
        PageStep::ForeignLink(_)
    ));
}

#[test]
fn paging_stops_at_the_page_cap() {
    let mut paging = Paging::new(&first(), 2);
    let next = |n: u32| {
        page(
            Some(&format!("https://ehr.example/fhir/Observation?page={n}")),
            1,
            Some(9),
        )
    };
    assert!(matches!(after(&mut paging, &next(2)), PageStep::Next(_)));
    assert_eq!(after(&mut paging, &next(3)), PageStep::CapReached);
}

#[test]
fn progress_reads_as_loaded_of_about_total() {
    let mut paging = Paging::new(&first(), 10);
    after(
        &mut paging,
        &page(Some("https://ehr.example/fhir/O?p=2"), 400, Some(2300)),
    );
    assert_eq!(paging.progress().describe(), "loaded 400 of ~2,300");
    assert_eq!(
        Progress {
            loaded: 12,
            total: None
        }
        .describe(),
        "loaded 12"
    );
}

#[test]
fn retry_after_seconds_are_honoured_for_429_and_503_only() {
    assert_eq!(retry_delay_ms(429, Some("2"), 0), Some(2_000));
    assert_eq!(retry_delay_ms(503, Some(" 1 "), 1), Some(1_000));
    assert_eq!(retry_delay_ms(500, Some("2"), 0), None);
    assert_eq!(retry_delay_ms(404, None, 0), None);
}

#[test]
fn retries_are_bounded_and_waits_capped() {
    assert_eq!(retry_delay_ms(429, Some("1"), MAX_RETRIES), None);
    assert_eq!(retry_delay_ms(429, Some("3600"), 0), Some(30_000));
    assert_eq!(
        retry_delay_ms(429, Some("Wed, 21 Oct 2015 07:28:00 GMT"), 1),
        Some(2_000)
    );
    assert_eq!(retry_delay_ms(503, None, 0), Some(1_000));
}

#[test]
fn parallel_searches_add_up_their_progress() {
    let known = |loaded, total| Progress {
        loaded,
        total: Some(total),
    };
    let both = Progress::combined(&[known(400, 2_300), known(50, 80)]);
    assert_eq!(both.describe(), "loaded 450 of ~2,380");
    let unknown = Progress {
        loaded: 10,
        total: None,
    };
    assert_eq!(
        Progress::combined(&[known(400, 2_300), unknown]).describe(),
        "loaded 410"
    );
    assert_eq!(Progress::combined(&[]).describe(), "loaded 0 of ~0");
}

fn network_error() -> FhirReadError {
    FhirReadError::Network {
        what: "the problems list".into(),
        origin: "https://ehr.example".into(),
    }
}

#[test]
fn a_failed_first_page_fails_the_search() {
    let paging = Paging::new(&first(), 10);
    assert_eq!(paging.failed(network_error()), Err(network_error()));
}

#[test]
fn a_first_page_whose_next_link_was_followed_ahead_still_fails_the_search_when_unreadable() {
    let mut paging = Paging::new(&first(), 10);
    let step = paging.ahead(Some("https://ehr.example/fhir/Observation?page=2"), &base());
    assert!(matches!(step, PageStep::Next(_)));
    assert_eq!(paging.failed(network_error()), Err(network_error()));
}

#[test]
fn a_failed_later_page_keeps_what_arrived_and_says_more_exists() {
    let mut paging = Paging::new(&first(), 10);
    let next = "https://ehr.example/fhir/Condition?page=2";
    after(&mut paging, &page(Some(next), 500, Some(1200)));
    let incomplete = paging.failed(network_error()).unwrap();
    assert_eq!(incomplete.pages, 1);
    assert_eq!(incomplete.progress.loaded, 500);
    assert_eq!(
        incomplete.describe(),
        "Only the first page was loaded (loaded 500 of ~1,200): more exists, but the next page \
         could not be read (the health record server did not answer)."
    );
}
