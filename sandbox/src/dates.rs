//! Calendar arithmetic without a clock: civil dates as day numbers (days since 1970-01-01),
//! FHIR `date`/`dateTime` text as ranges of UTC seconds (FHIR R4 §2.24.0.1 "Primitive types"
//! and §3.1.1.5.6 "Date parameters": a partial date means the whole period it names).

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible
/// low-level date algorithms").
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `YYYY-MM-DD` of a day number.
pub(crate) fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDThh:mm:ssZ` of a day number and a minute of that day.
pub(crate) fn date_time(days: i64, minute: u32) -> String {
    format!(
        "{}T{:02}:{:02}:00Z",
        date(days),
        (minute / 60) % 24,
        minute % 60
    )
}

/// A half-open range `[start, end)` of UTC seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    /// First second inside the range.
    pub(crate) start: i64,
    /// First second after the range.
    pub(crate) end: i64,
}

/// The range a FHIR `date`, `dateTime` or `instant` names: `1980` is the whole year,
/// `1980-03` the month, a day the day, a time with seconds that second. A time without a
/// zone is read as UTC (the sandbox's data are all UTC). `None` if the text is not one.
pub(crate) fn range(text: &str) -> Option<Range> {
    let (date_part, time_part) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut fields = date_part.split('-');
    let year = number(fields.next()?, 4)?;
    let month = match fields.next() {
        Some(m) => Some(number(m, 2)?),
        None => None,
    };
    let day = match fields.next() {
        Some(d) => Some(number(d, 2)?),
        None => None,
    };
    if fields.next().is_some() || month.is_some_and(|m| !(1..=12).contains(&m)) {
        return None;
    }
    let day_secs = |y: i64, m: u32, d: u32| days_from_civil(y, m, d) * 86_400;
    let Some(month) = month else {
        return Some(Range {
            start: day_secs(year, 1, 1),
            end: day_secs(year + 1, 1, 1),
        });
    };
    let month = month as u32;
    let Some(day) = day else {
        let (ny, nm) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        return Some(Range {
            start: day_secs(year, month, 1),
            end: day_secs(ny, nm, 1),
        });
    };
    let day = day as u32;
    if !(1..=31).contains(&day) {
        return None;
    }
    let midnight = day_secs(year, month, day);
    let Some(time) = time_part else {
        return Some(Range {
            start: midnight,
            end: midnight + 86_400,
        });
    };
    let (clock, offset) = split_zone(time)?;
    let mut parts = clock.split(':');
    let hour = number(parts.next()?, 2)?;
    let minute = number(parts.next()?, 2)?;
    let seconds = parts.next();
    if parts.next().is_some() || hour > 23 || minute > 59 {
        return None;
    }
    let (second, width) = match seconds {
        None => (0, 60),
        Some(s) => (number(s.split('.').next()?, 2)?, 1),
    };
    let start = midnight + hour * 3600 + minute * 60 + second - offset;
    Some(Range {
        start,
        end: start + width,
    })
}

/// Splits `hh:mm[:ss[.fff]][Z|±hh:mm]` into the clock and the zone offset in seconds.
fn split_zone(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix('Z') {
        return Some((clock, 0));
    }
    match time.rfind(['+', '-']) {
        Some(at) => {
            let sign = if time.as_bytes()[at] == b'-' { -1 } else { 1 };
            let (h, m) = time[at + 1..].split_once(':')?;
            Some((
                &time[..at],
                sign * (number(h, 2)? * 3600 + number(m, 2)? * 60),
            ))
        }
        None => Some((time, 0)),
    }
}

fn number(text: &str, width: usize) -> Option<i64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_across_leap_years() {
        for days in [-800_000, -1, 0, 59, 11_016, 19_000, 20_089, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(date(days_from_civil(2024, 2, 29) + 1), "2024-03-01");
    }

    #[test]
    fn a_year_names_the_whole_year_and_a_month_the_whole_month() {
        let year = range("1980").unwrap_or(Range { start: 0, end: 0 });
        assert_eq!(year.end - year.start, 366 * 86_400);
        let feb = range("1981-02").unwrap_or(Range { start: 0, end: 0 });
        assert_eq!(feb.end - feb.start, 28 * 86_400);
    }

    #[test]
    fn a_time_with_an_offset_is_moved_to_utc() {
        assert_eq!(
            range("2020-01-01T10:00:00+02:00").map(|r| r.start),
            range("2020-01-01T08:00:00Z").map(|r| r.start)
        );
        assert_eq!(
            range("2020-01-01T08:00Z").map(|r| r.end - r.start),
            Some(60)
        );
    }

    #[test]
    fn malformed_dates_are_refused() {
        for text in [
            "80",
            "1980-13",
            "1980-1",
            "1980-01-01T25:00:00Z",
            "soon",
            "",
        ] {
            assert_eq!(range(text), None, "{text}");
        }
    }
}
