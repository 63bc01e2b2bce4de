//! FHIR `date` values (`1980`, `1980-03`, `1980-03-12`) and `dateTime`/`instant` values
//! (`2015-02-07T13:28:17-05:00`), kept at the precision they were written with (FHIR R4 §2.24.0.1
//! "Primitive Types"), and ordered as points on one time line.

use std::cmp::Ordering;
use std::fmt;

/// A calendar date whose month and day may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FhirDate {
    /// Four-digit year.
    pub year: u16,
    /// 1–12 when written.
    pub month: Option<u8>,
    /// 1–31 when written.
    pub day: Option<u8>,
}

/// An age in whole years; `approximate` when the birth date lacks a month or day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age {
    /// Completed years.
    pub years: u16,
    /// The birth date's precision could not settle the last year.
    pub approximate: bool,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl FhirDate {
    /// A full date, for "today" as handed in by the shell.
    pub fn ymd(year: u16, month: u8, day: u8) -> Self {
        FhirDate {
            year,
            month: Some(month),
            day: Some(day),
        }
    }

    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or the date part of a `dateTime`. Anything else
    /// (including impossible months and days) is `None`: a malformed date is shown as missing,
    /// never guessed.
    pub fn parse(text: &str) -> Option<Self> {
        let date_part = text.split('T').next()?;
        let mut parts = date_part.split('-');
        let year = parse_digits(parts.next()?, 4)?;
        let month = match parts.next() {
            Some(text) => Some(parse_digits(text, 2)?),
            None => None,
        };
        let day = match parts.next() {
            Some(text) => Some(parse_digits(text, 2)?),
            None => None,
        };
        if parts.next().is_some() || year == 0 {
            return None;
        }
        let month = month.map(|m| m as u8);
        let day = day.map(|d| d as u8);
        match (month, day) {
            (Some(m), _) if !(1..=12).contains(&m) => None,
            (Some(m), Some(d)) if d < 1 || d > days_in_month(year, m) => None,
            _ => Some(FhirDate { year, month, day }),
        }
    }

    /// Completed years between this date and `today`.
    pub fn age_on(&self, today: FhirDate) -> Option<Age> {
        if *self > today {
            return None;
        }
        let years = today.year - self.year;
        let (today_month, today_day) = (today.month.unwrap_or(12), today.day.unwrap_or(31));
        match (self.month, self.day) {
            (Some(m), Some(d)) => {
                let before_birthday = (today_month, today_day) < (m, d);
                Some(Age {
                    years: years - u16::from(before_birthday),
                    approximate: false,
                })
            }
            (Some(m), None) if m != today_month => Some(Age {
                years: years - u16::from(today_month < m),
                approximate: false,
            }),
            _ => Some(Age {
                years: years.saturating_sub(1),
                approximate: years > 0,
            }),
        }
    }
}

fn parse_digits(text: &str, width: usize) -> Option<u16> {
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Written as precisely as known: `1980`, `Mar 1980`, `12 Mar 1980` (month names avoid the
/// day/month ambiguity of numeric dates across locales).
impl fmt::Display for FhirDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month_name = |m: u8| MONTHS[usize::from(m - 1)];
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{d} {} {}", month_name(m), self.year),
            (Some(m), None) => write!(f, "{} {}", month_name(m), self.year),
            _ => write!(f, "{}", self.year),
        }
    }
}

/// How much of a `dateTime` was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    /// `1980`.
    Year,
    /// `1980-03`.
    Month,
    /// `1980-03-12`.
    Day,
    /// `1980-03-12T08:30:00Z`.
    Time,
}

/// The time part of a `dateTime`, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–60 (60 only for a leap second).
    pub second: u8,
    /// Fraction of the second, in milliseconds (finer digits are dropped).
    pub millis: u16,
    /// Offset from UTC in minutes; `None` when no zone was written, which FHIR forbids but some
    /// servers send: such a time is read as UTC.
    pub offset_minutes: Option<i16>,
}

/// A FHIR `dateTime` (or `instant`, or `date`): a date of any precision, with a time of day when
/// one was written. Ordered by the instant its written period starts at (UTC); among values
/// starting at the same instant the less precise comes first, so the order is total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FhirDateTime {
    /// The calendar date, possibly partial.
    pub date: FhirDate,
    /// The time of day; only present on a full date.
    pub time: Option<TimeOfDay>,
}

impl FhirDateTime {
    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or `YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]`.
    /// A malformed value is `None`: shown as missing, never guessed.
    pub fn parse(text: &str) -> Option<Self> {
        let (date_text, time_text) = match text.split_once('T') {
            Some((date, time)) => (date, Some(time)),
            None => (text, None),
        };
        let date = FhirDate::parse(date_text)?;
        let time = match time_text {
            None => None,
            Some(_) if date.day.is_none() => return None,
            Some(time) => Some(parse_time(time)?),
        };
        Some(FhirDateTime { date, time })
    }

    /// How much was written.
    pub fn precision(&self) -> Precision {
        match (self.date.month, self.date.day, self.time) {
            (_, Some(_), Some(_)) => Precision::Time,
            (_, Some(_), None) => Precision::Day,
            (Some(_), None, _) => Precision::Month,
            (None, _, _) => Precision::Year,
        }
    }

    /// Milliseconds since 1970-01-01T00:00Z of the start of the written period (a year starts
    /// on 1 January; a date without a zone is read as UTC), for ordering and for plotting.
    pub fn epoch_millis(&self) -> i64 {
        let days = days_from_civil(
            i64::from(self.date.year),
            self.date.month.unwrap_or(1),
            self.date.day.unwrap_or(1),
        );
        let time_millis = self.time.map_or(0, |t| {
            let seconds = i64::from(t.hour) * 3600 + i64::from(t.minute) * 60 + i64::from(t.second)
                - i64::from(t.offset_minutes.unwrap_or(0)) * 60;
            seconds * 1000 + i64::from(t.millis)
        });
        days * 86_400_000 + time_millis
    }
}

impl From<FhirDate> for FhirDateTime {
    fn from(date: FhirDate) -> Self {
        FhirDateTime { date, time: None }
    }
}

impl Ord for FhirDateTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch_millis()
            .cmp(&other.epoch_millis())
            .then_with(|| self.precision().cmp(&other.precision()))
            .then_with(|| (self.date, self.time).cmp(&(other.date, other.time)))
    }
}

impl PartialOrd for FhirDateTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The date as [`FhirDate`] writes it, then the local time as written (`7 Feb 2015 13:28`);
/// seconds and the zone are left out, as clinicians read them.
impl fmt::Display for FhirDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date)?;
        if let Some(time) = self.time {
            write!(f, " {:02}:{:02}", time.hour, time.minute)?;
        }
        Ok(())
    }
}

fn parse_time(text: &str) -> Option<TimeOfDay> {
    let (clock, offset_minutes) = split_zone(text)?;
    let mut parts = clock.split(':');
    let hour = parse_digits(parts.next()?, 2)?;
    let minute = parse_digits(parts.next()?, 2)?;
    let (second, millis) = match parts.next() {
        None => (0, 0),
        Some(seconds) => {
            let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
            let fraction_ok = fraction.bytes().all(|b| b.is_ascii_digit())
                && (seconds.len() == 2 || !fraction.is_empty());
            if !fraction_ok {
                return None;
            }
            let millis = format!("{fraction:0<3}")[..3].parse::<u16>().ok()?;
            (parse_digits(whole, 2)?, millis)
        }
    };
    if parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    Some(TimeOfDay {
        hour: hour as u8,
        minute: minute as u8,
        second: second as u8,
        millis,
        offset_minutes,
    })
}

// Splits `13:28:17-05:00` into the clock and the offset in minutes (`Z` is zero).
fn split_zone(text: &str) -> Option<(&str, Option<i16>)> {
    if let Some(clock) = text.strip_suffix('Z') {
        return Some((clock, Some(0)));
    }
    let Some(sign_at) = text.rfind(['+', '-']) else {
        return Some((text, None));
    };
    let (clock, zone) = text.split_at(sign_at);
    let sign: i16 = if zone.starts_with('-') { -1 } else { 1 };
    let (hours, minutes) = zone[1..].split_once(':')?;
    let (hours, minutes) = (parse_digits(hours, 2)?, parse_digits(minutes, 2)?);
    if hours > 14 || minutes > 59 {
        return None;
    }
    Some((clock, Some(sign * (hours as i16 * 60 + minutes as i16))))
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_precision_parses_and_displays_as_written() {
        assert_eq!(FhirDate::parse("1980").unwrap().to_string(), "1980");
        assert_eq!(FhirDate::parse("1980-03").unwrap().to_string(), "Mar 1980");
        assert_eq!(
            FhirDate::parse("1980-03-12").unwrap().to_string(),
            "12 Mar 1980"
        );
        assert_eq!(
            FhirDate::parse("2015-02-07T13:28:17-05:00")
                .unwrap()
                .to_string(),
            "7 Feb 2015"
        );
    }

    #[test]
    fn impossible_or_malformed_dates_are_refused() {
        for bad in [
            "1980-13",
            "1980-02-30",
            "80-01-01",
            "1980/01/01",
            "",
            "1980-1-1",
            "0000",
        ] {
            assert_eq!(FhirDate::parse(bad), None, "{bad}");
        }
        assert!(FhirDate::parse("2000-02-29").is_some());
        assert!(FhirDate::parse("1900-02-29").is_none());
    }

    #[test]
    fn age_counts_completed_years_around_the_birthday() {
        let born = FhirDate::parse("1980-03-12").unwrap();
        assert_eq!(born.age_on(FhirDate::ymd(2026, 3, 11)).unwrap().years, 45);
        assert_eq!(born.age_on(FhirDate::ymd(2026, 3, 12)).unwrap().years, 46);
        assert_eq!(born.age_on(FhirDate::ymd(1979, 1, 1)), None);
    }

    #[test]
    fn age_from_a_year_alone_is_marked_approximate() {
        let age = FhirDate::parse("1980")
            .unwrap()
            .age_on(FhirDate::ymd(2026, 11, 29))
            .unwrap();
        assert!(age.approximate);
        assert_eq!(age.years, 45);
    }
}

#[cfg(test)]
mod date_time_tests {
    use super::*;

    fn at(text: &str) -> FhirDateTime {
        FhirDateTime::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    #[test]
    fn a_date_time_with_a_zone_shows_its_date_and_local_time() {
        assert_eq!(
            at("2015-02-07T13:28:17-05:00").to_string(),
            "7 Feb 2015 13:28"
        );
        assert_eq!(
            at("2015-02-07T13:28:17.239+02:00").precision(),
            Precision::Time
        );
    }

    #[test]
    fn a_partial_date_time_keeps_its_written_precision() {
        assert_eq!(at("1980").to_string(), "1980");
        assert_eq!(at("1980").precision(), Precision::Year);
        assert_eq!(at("1980-03").to_string(), "Mar 1980");
        assert_eq!(at("1980-03-12").precision(), Precision::Day);
    }

    #[test]
    fn malformed_times_are_refused() {
        for bad in [
            "2015-02-07T",
            "2015-02-07T25:00:00Z",
            "2015-02-07T13:61:00Z",
            "2015-02-07T13:28:17+15:00",
            "2015-02-07T13:28:17.Z",
            "2015-02-07T1:2:3Z",
            "2015-02T13:28:17Z",
            "2015-02-07T13:28:17-0500",
            "2015-02-07 13:28:17Z",
        ] {
            assert_eq!(FhirDateTime::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_epoch_is_zero_and_zones_shift_the_instant() {
        assert_eq!(at("1970-01-01T00:00:00Z").epoch_millis(), 0);
        assert_eq!(at("1970-01-02").epoch_millis(), 86_400_000);
        assert_eq!(
            at("2015-02-07T13:28:17-05:00").epoch_millis(),
            at("2015-02-07T18:28:17Z").epoch_millis()
        );
        assert_eq!(at("1969-12-31T23:59:59.5Z").epoch_millis(), -500);
    }

    #[test]
    fn ordering_follows_the_instant_across_zones() {
        // 10:00 in New York is after 12:00 in Berlin on the same day.
        assert!(at("2020-06-01T10:00:00-04:00") > at("2020-06-01T12:00:00+02:00"));
        assert!(at("2020-06-01") < at("2020-06-01T00:00:01Z"));
    }

    #[test]
    fn a_partial_date_sorts_at_its_start_and_before_a_precise_value_at_the_same_instant() {
        assert!(at("2015") < at("2015-01-01"));
        assert!(at("2015-01-01") < at("2015-01-01T00:00:00Z"));
        assert!(at("2015-06") > at("2015"));
        assert!(at("2014-12-31") < at("2015"));
    }

    #[test]
    fn equal_instants_written_in_different_zones_still_order_deterministically() {
        let utc = at("2020-01-01T12:00:00Z");
        let paris = at("2020-01-01T13:00:00+01:00");
        assert_eq!(utc.epoch_millis(), paris.epoch_millis());
        assert_ne!(utc.cmp(&paris), Ordering::Equal);
        assert_eq!(utc.cmp(&paris), paris.cmp(&utc).reverse());
    }
}
