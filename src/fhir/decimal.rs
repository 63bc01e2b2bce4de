//! FHIR `decimal` values as a clinician reads them. FHIR R4 §2.24.0.1 says a decimal's written
//! precision is significant, so a value is shown with the digits it was written with; but
//! generated and converted data often carries a binary float's full expansion
//! (`51.91461074162891`), whose trailing digits no instrument measured. Those are shown with
//! [`RAW_FLOAT_DIGITS`] significant digits instead.

/// More significant digits than this marks a value as a raw float rather than a measurement
/// as written (laboratory and vital-sign results carry at most five or six).
const WRITTEN_DIGITS_MAX: usize = 6;

/// The significant digits a raw float is shown with. Four, not three: some results carry their
/// meaning in the fourth (urine specific gravity 1.023 against 1.02), and a digit too many is
/// less harm than a value rounded into another one.
pub const RAW_FLOAT_DIGITS: usize = 4;

/// The number as shown: as written when it has at most six significant digits, else rounded to
/// four significant digits without trailing zeros (the whole-number part is never rounded away:
/// 123456.78 → 123457).
/// Never in exponent notation.
pub fn shown(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let written = plain(value);
    if significant_digits(&written) <= WRITTEN_DIGITS_MAX {
        return written;
    }
    let magnitude = if value == 0.0 {
        0
    } else {
        value.abs().log10().floor() as i32
    };
    let decimals = (RAW_FLOAT_DIGITS as i32 - 1 - magnitude).max(0) as usize;
    let rounded = with_decimals(value, decimals);
    // Zeros left by rounding a raw float were never measured either.
    match rounded.contains('.') {
        true => rounded
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned(),
        false => rounded,
    }
}

/// The number with at most `decimals` decimals, trailing zeros kept (`37.0` for one decimal).
pub fn with_decimals(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    // "-0" and "-0.0" read as a negative sign on nothing.
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        text.trim_start_matches('-').to_owned()
    } else {
        text
    }
}

/// How many decimals the number was written with (`1.25` → 2, `70` → 0), as far as a binary
/// float keeps it (`1.50` was read as `1.5`).
pub fn decimals_written(value: f64) -> usize {
    plain(value)
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
}

// The shortest text that reads back as the same float, without exponent.
fn plain(value: f64) -> String {
    let text = value.to_string();
    if text.contains('e') {
        format!("{value:.12}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_owned()
    } else {
        text
    }
}

fn significant_digits(text: &str) -> usize {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let trimmed = digits.trim_start_matches('0');
    match text.contains('.') {
        true => trimmed.len(),
        // Trailing zeros of a whole number are place holders, not measured digits.
        false => trimmed.trim_end_matches('0').len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_as_written_keeps_its_digits() {
        assert_eq!(shown(5.4), "5.4");
        assert_eq!(shown(140.0), "140");
        assert_eq!(shown(0.015), "0.015");
        assert_eq!(shown(1234.56), "1234.56");
        assert_eq!(shown(250000.0), "250000");
    }

    #[test]
    fn a_raw_float_is_shown_with_four_significant_digits() {
        assert_eq!(shown(51.91461074162891), "51.91");
        assert_eq!(shown(173.69867319686267), "173.7");
        assert_eq!(shown(0.30000000000000004), "0.3");
        assert_eq!(shown(4.123456789), "4.123");
    }

    #[test]
    fn rounding_never_cuts_the_whole_number_part() {
        assert_eq!(shown(123456.789012), "123457");
    }

    #[test]
    fn negative_and_tiny_values_read_plainly() {
        assert_eq!(shown(-2.123456789), "-2.123");
        assert_eq!(shown(0.000012345678), "0.00001235");
        assert_eq!(with_decimals(-0.01, 1), "0.0");
    }

    #[test]
    fn the_decimals_written_are_counted() {
        assert_eq!(decimals_written(1.25), 2);
        assert_eq!(decimals_written(70.0), 0);
        assert_eq!(decimals_written(36.6), 1);
    }
}
