//! FHIR `date` values (`1980`, `1980-03`, `1980-03-12`) and the date part of `dateTime`, kept at
//! the precision they were written with (FHIR R4 §2.24.0.1 "Primitive Types").

use std::fmt;

/// A calendar date whose month and day may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
