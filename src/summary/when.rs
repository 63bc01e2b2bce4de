//! When things happened, for every section alike: FHIR time choices (`dateTime`, `Period`,
//! `Age`, `string`) turned into a sort key and text written as precisely as recorded, the one
//! newest-first order, and "how long ago".

use crate::fhir::datatypes::{non_blank, Period, Quantity, Range};
use crate::fhir::date::{FhirDateTime, Precision};
use std::cmp::Ordering;

/// A time as recorded: what to sort by (when it is a date) and what to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The instant to sort by; `None` for text, ages and malformed dates.
    pub at: Option<FhirDateTime>,
    /// The text to show.
    pub text: Option<String>,
}

impl Recorded {
    /// A `dateTime` as written; a malformed one is missing, never guessed.
    pub fn date_time(written: Option<&str>) -> Self {
        let at = written.and_then(FhirDateTime::parse);
        Recorded {
            at,
            text: at.map(|at| at.to_string()),
        }
    }

    /// A `Period`, sorted by its start (else its end): "3 Mar 2020 – 5 Mar 2020",
    /// "3 Mar 2020 09:30 – 10:15" within one day, "from 3 Mar 2020", "until 5 Mar 2020".
    pub fn period(period: Option<&Period>) -> Self {
        let Some(period) = period else {
            return Recorded::default();
        };
        let start = Recorded::date_time(period.start.as_deref());
        let end = Recorded::date_time(period.end.as_deref());
        let text = match (&start.text, &end.text) {
            (Some(s), Some(e)) if s == e => Some(s.clone()),
            (Some(s), Some(e)) => Some(match end_time_on_the_same_day(start.at, end.at) {
                Some(end_time) => format!("{s} – {end_time}"),
                None => format!("{s} – {e}"),
            }),
            (Some(s), None) => Some(format!("from {s}")),
            (None, Some(e)) => Some(format!("until {e}")),
            (None, None) => None,
        };
        Recorded {
            at: start.at.or(end.at),
            text,
        }
    }

    /// Free text such as "childhood": shown, not sortable.
    pub fn free_text(written: Option<&str>) -> Self {
        Recorded {
            at: None,
            text: non_blank(written),
        }
    }

    /// An `Age`: "at age 45 a".
    pub fn age(age: Option<&Quantity>) -> Self {
        Recorded {
            at: None,
            text: age
                .and_then(Quantity::display)
                .map(|age| format!("at age {age}")),
        }
    }

    /// A `Range` of ages: "at age 40–45 a".
    pub fn age_range(range: Option<&Range>) -> Self {
        let bound = |q: Option<&Quantity>| q.and_then(|q| q.value);
        let Some(range) = range else {
            return Recorded::default();
        };
        let unit = range
            .high
            .as_ref()
            .or(range.low.as_ref())
            .and_then(Quantity::unit_text)
            .map(|unit| format!(" {unit}"))
            .unwrap_or_default();
        let text = match (bound(range.low.as_ref()), bound(range.high.as_ref())) {
            (Some(low), Some(high)) => Some(format!("at age {low}–{high}{unit}")),
            (Some(low), None) => Some(format!("at age {low}{unit} or older")),
            (None, Some(high)) => Some(format!("by age {high}{unit}")),
            (None, None) => None,
        };
        Recorded { at: None, text }
    }

    /// This, or `fallback` when this has nothing to show.
    pub fn or_else(self, fallback: impl FnOnce() -> Recorded) -> Recorded {
        if self.text.is_some() {
            self
        } else {
            fallback()
        }
    }
}

// The end's time of day alone, when both ends have a time on the same date written in the same
// zone: a visit of fifteen minutes reads "11 Dec 2020 17:41 – 17:56", not the date twice.
fn end_time_on_the_same_day(
    start: Option<FhirDateTime>,
    end: Option<FhirDateTime>,
) -> Option<String> {
    let (start, end) = (start?, end?);
    let (start_time, end_time) = (start.time?, end.time?);
    (start.date == end.date && start_time.offset_minutes == end_time.offset_minutes)
        .then(|| format!("{:02}:{:02}", end_time.hour, end_time.minute))
}

/// The one newest-first order: dated before undated, later before earlier, then by id so that
/// equal dates always come out in the same order.
pub fn newest_first(
    a: (Option<&FhirDateTime>, &str),
    b: (Option<&FhirDateTime>, &str),
) -> Ordering {
    let by_date = match (a.0, b.0) {
        (Some(x), Some(y)) => y.cmp(x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_date.then_with(|| a.1.cmp(b.1))
}

/// How long before `now` this was, in the largest whole unit that fits ("just now", "3 h ago",
/// "12 d ago", "4 mo ago", "2 y ago"). A date without a time is counted in calendar days from
/// `now`'s own date, so a date on that day reads "today" whatever the zone. `None` when it lies
/// in the future.
pub fn ago(then: &FhirDateTime, now: &FhirDateTime) -> Option<String> {
    const MINUTE: i64 = 60_000;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    let has_time = then.precision() == Precision::Time;
    let now_millis = if has_time {
        now.epoch_millis()
    } else {
        FhirDateTime::from(now.date).epoch_millis()
    };
    let elapsed = now_millis - then.epoch_millis();
    Some(match elapsed {
        e if e < 0 => return None,
        e if e < DAY && !has_time => "today".into(),
        e if e < MINUTE => "just now".into(),
        e if e < HOUR => format!("{} min ago", e / MINUTE),
        e if e < DAY => format!("{} h ago", e / HOUR),
        e if e < 60 * DAY => format!("{} d ago", e / DAY),
        e if e < 730 * DAY => format!("{} mo ago", e / (30 * DAY)),
        e => format!("{} y ago", e / (365 * DAY)),
    })
}

/// Newest-first position of `(at, id)` pairs, for sorting any list of dated records.
pub fn sort_newest_first<T>(items: &mut [T], key: impl Fn(&T) -> (Option<&FhirDateTime>, &str)) {
    crate::sort::sort_by(items, |a, b| newest_first(key(a), key(b)));
}

#[cfg(test)]
#[path = "when_tests.rs"]
mod tests;
