use super::*;

fn at(text: &str) -> FhirDateTime {
    FhirDateTime::parse(text).unwrap()
}

fn period(start: Option<&str>, end: Option<&str>) -> Period {
    Period {
        start: start.map(str::to_owned),
        end: end.map(str::to_owned),
    }
}

#[test]
fn a_date_time_is_shown_as_precisely_as_written() {
    assert_eq!(
        Recorded::date_time(Some("1980")).text.as_deref(),
        Some("1980")
    );
    assert_eq!(
        Recorded::date_time(Some("2015-02-07T13:28:17-05:00"))
            .text
            .as_deref(),
        Some("7 Feb 2015 13:28")
    );
}

#[test]
fn a_malformed_date_time_is_missing_not_guessed() {
    assert_eq!(Recorded::date_time(Some("07/02/2015")), Recorded::default());
}

#[test]
fn a_period_shows_both_ends_or_the_open_one() {
    let text = |p: Period| Recorded::period(Some(&p)).text;
    assert_eq!(
        text(period(Some("2020-03-03"), Some("2020-03-05"))).as_deref(),
        Some("3 Mar 2020 – 5 Mar 2020")
    );
    assert_eq!(
        text(period(Some("2020-03-03"), None)).as_deref(),
        Some("from 3 Mar 2020")
    );
    assert_eq!(
        text(period(None, Some("2020-03"))).as_deref(),
        Some("until Mar 2020")
    );
    assert_eq!(
        text(period(Some("2020"), Some("2020"))).as_deref(),
        Some("2020")
    );
}

// Every Synthea encounter and procedure: `period` 2020-12-11T17:41:45+00:00 to
// 2020-12-11T17:56:45+00:00 (Kristie Effertz's check-up).
#[test]
fn a_period_within_one_day_names_the_day_once() {
    let text = |p: Period| Recorded::period(Some(&p)).text;
    assert_eq!(
        text(period(
            Some("2020-12-11T17:41:45+00:00"),
            Some("2020-12-11T17:56:45+00:00")
        ))
        .as_deref(),
        Some("11 Dec 2020 17:41 – 17:56")
    );
    // Another day, or the same clock date in another zone, needs its date.
    assert_eq!(
        text(period(
            Some("2019-04-28T03:43:05+00:00"),
            Some("2019-04-29T05:43:05+00:00")
        ))
        .as_deref(),
        Some("28 Apr 2019 03:43 – 29 Apr 2019 05:43")
    );
    assert_eq!(
        text(period(
            Some("2012-03-11T01:30:00-05:00"),
            Some("2012-03-11T03:10:00-04:00")
        ))
        .as_deref(),
        Some("11 Mar 2012 01:30 – 11 Mar 2012 03:10")
    );
}

#[test]
fn a_period_sorts_by_its_start_else_its_end() {
    let both = Recorded::period(Some(&period(Some("2020-01-01"), Some("2021-01-01"))));
    assert_eq!(both.at, Some(at("2020-01-01")));
    let end_only = Recorded::period(Some(&period(None, Some("2021-01-01"))));
    assert_eq!(end_only.at, Some(at("2021-01-01")));
}

#[test]
fn ages_are_shown_but_never_sorted_as_dates() {
    let age = Quantity {
        value: Some(45.0),
        unit: Some("a".into()),
        ..Quantity::default()
    };
    let recorded = Recorded::age(Some(&age));
    assert_eq!(recorded.text.as_deref(), Some("at age 45 a"));
    assert_eq!(recorded.at, None);
    let range = Range {
        low: Some(Quantity {
            value: Some(40.0),
            ..Quantity::default()
        }),
        high: Some(age),
    };
    assert_eq!(
        Recorded::age_range(Some(&range)).text.as_deref(),
        Some("at age 40–45 a")
    );
}

#[test]
fn or_else_falls_back_only_when_there_is_nothing_to_show() {
    let written = Recorded::free_text(Some("childhood"));
    assert_eq!(
        written
            .clone()
            .or_else(|| Recorded::date_time(Some("2000"))),
        written
    );
    let fallback = Recorded::free_text(Some("  ")).or_else(|| Recorded::date_time(Some("2000")));
    assert_eq!(fallback.text.as_deref(), Some("2000"));
}

#[test]
fn newest_first_puts_later_dates_first_and_undated_last_then_orders_by_id() {
    let mut items = vec![
        (None, "a"),
        (Some(at("2019")), "b"),
        (Some(at("2020-06-01")), "z"),
        (Some(at("2020-06-01")), "c"),
        (None, "0"),
    ];
    sort_newest_first(&mut items, |(when, id)| (when.as_ref(), id));
    let ids: Vec<_> = items.iter().map(|(_, id)| *id).collect();
    assert_eq!(ids, vec!["c", "z", "b", "0", "a"]);
}

#[test]
fn ago_uses_the_largest_whole_unit() {
    let now = at("2026-11-29T12:00:00Z");
    assert_eq!(
        ago(&at("2026-11-29T11:59:30Z"), &now).as_deref(),
        Some("just now")
    );
    assert_eq!(
        ago(&at("2026-11-29T11:15:00Z"), &now).as_deref(),
        Some("45 min ago")
    );
    assert_eq!(
        ago(&at("2026-11-29T07:00:00Z"), &now).as_deref(),
        Some("5 h ago")
    );
    assert_eq!(
        ago(&at("2026-11-17T12:00:00Z"), &now).as_deref(),
        Some("12 d ago")
    );
    assert_eq!(ago(&at("2026-07-29"), &now).as_deref(), Some("4 mo ago"));
    assert_eq!(ago(&at("2020"), &now).as_deref(), Some("6 y ago"));
}

#[test]
fn a_date_on_the_same_day_reads_today_even_in_a_zone_behind_utc() {
    let now = at("2026-11-29T08:00:00-05:00");
    assert_eq!(ago(&at("2026-11-29"), &now).as_deref(), Some("today"));
    let late_evening = at("2026-11-29T23:00:00-05:00");
    assert_eq!(
        ago(&at("2026-11-29"), &late_evening).as_deref(),
        Some("today")
    );
    assert_eq!(
        ago(&at("2026-11-28"), &late_evening).as_deref(),
        Some("1 d ago")
    );
}

#[test]
fn a_future_time_has_no_ago() {
    let now = at("2026-11-29T12:00:00Z");
    assert_eq!(ago(&at("2026-11-30"), &now), None);
    assert_eq!(ago(&at("2026-11-29T12:00:01Z"), &now), None);
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_is_parsed_or_refused_without_panicking(text in "\\PC{0,40}") {
            let _ = Recorded::date_time(Some(&text));
        }

        #[test]
        fn date_times_order_like_their_instants(
            a in (1900u16..2100, 1u8..=12, 1u8..=28, 0u8..24, 0u8..60, -12i16..=14),
            b in (1900u16..2100, 1u8..=12, 1u8..=28, 0u8..24, 0u8..60, -12i16..=14),
        ) {
            let write = |(y, mo, d, h, mi, z): (u16, u8, u8, u8, u8, i16)| {
                let sign = if z < 0 { '-' } else { '+' };
                at(&format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00{sign}{:02}:00", z.abs()))
            };
            let (a, b) = (write(a), write(b));
            if a.epoch_millis() != b.epoch_millis() {
                prop_assert_eq!(a < b, a.epoch_millis() < b.epoch_millis());
            }
            prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        }
    }
}
