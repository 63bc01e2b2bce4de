//! How each vital sign is shown: its heading and the unit it is shown in, with conversions from
//! the other common UCUM units. Which codes name it is `clinical_codes`'s table.

pub use crate::clinical_codes::VitalKind;
use crate::fhir::datatypes::{non_blank, Quantity};
use crate::fhir::decimal::with_decimals;

// The kinds and their codes live in `clinical_codes`, the one table the planner reads too;
// how each kind is shown lives here.
impl VitalKind {
    /// The heading shown.
    pub fn title(self) -> &'static str {
        match self {
            VitalKind::Systolic => "Systolic blood pressure",
            VitalKind::Diastolic => "Diastolic blood pressure",
            VitalKind::HeartRate => "Heart rate",
            VitalKind::RespiratoryRate => "Respiratory rate",
            VitalKind::Temperature => "Temperature",
            VitalKind::OxygenSaturation => "Oxygen saturation",
            VitalKind::Weight => "Weight",
            VitalKind::Height => "Height",
            VitalKind::Bmi => "Body mass index",
            VitalKind::HeadCircumference => "Head circumference",
            VitalKind::PainSeverity => "Pain severity",
        }
    }

    /// The unit values are shown and plotted in.
    pub fn unit(self) -> &'static str {
        match self {
            VitalKind::Systolic | VitalKind::Diastolic => "mmHg",
            VitalKind::HeartRate | VitalKind::RespiratoryRate => "/min",
            VitalKind::Temperature => "°C",
            VitalKind::OxygenSaturation => "%",
            VitalKind::Weight => "kg",
            VitalKind::Height | VitalKind::HeadCircumference => "cm",
            VitalKind::Bmi => "kg/m²",
            VitalKind::PainSeverity => "of 10",
        }
    }

    /// The value in [`VitalKind::unit`], converting °F, lb, in, g and m; `None` when the unit is
    /// not one known for this kind, or the value is not a finite number in it. The UCUM code is read first, then the human unit.
    pub fn in_display_unit(self, quantity: &Quantity) -> Option<f64> {
        let value = quantity.value?;
        let unit =
            non_blank(quantity.code.as_deref()).or_else(|| non_blank(quantity.unit.as_deref()));
        let factor = |unit: &str| -> Option<f64> {
            Some(match (self, unit) {
                (VitalKind::Systolic | VitalKind::Diastolic, "mm[Hg]" | "mmHg") => value,
                (
                    VitalKind::HeartRate,
                    "/min" | "{beats}/min" | "beats/min" | "{Beats}/min" | "bpm",
                ) => value,
                (VitalKind::RespiratoryRate, "/min" | "{breaths}/min" | "breaths/min") => value,
                (VitalKind::Temperature, "Cel" | "°C" | "degC") => value,
                (VitalKind::Temperature, "[degF]" | "°F" | "degF") => (value - 32.0) * 5.0 / 9.0,
                (VitalKind::OxygenSaturation, "%") => value,
                (VitalKind::Weight, "kg") => value,
                (VitalKind::Weight, "g") => value / 1000.0,
                (VitalKind::Weight, "[lb_av]" | "lb" | "lbs") => value * 0.453_592_37,
                (VitalKind::Height | VitalKind::HeadCircumference, "cm") => value,
                (VitalKind::Height | VitalKind::HeadCircumference, "m") => value * 100.0,
                (VitalKind::Height | VitalKind::HeadCircumference, "[in_i]" | "in") => value * 2.54,
                (VitalKind::Bmi, "kg/m2" | "kg/m^2" | "kg/m²") => value,
                (VitalKind::PainSeverity, "{score}" | "{Score}" | "score") => value,
                _ => return None,
            })
        };
        // A value beyond f64 after conversion (1e308 m in cm) is no measurement to show.
        factor(unit?.as_str()).filter(|converted| converted.is_finite())
    }

    /// The decimals a clinician reads this kind with: one for the continuous measures
    /// (temperature, weight, height, BMI, head circumference), none for pressures, rates and
    /// saturation, and the pain score, which are measured in whole units.
    pub fn decimals(self) -> usize {
        match self {
            VitalKind::Temperature
            | VitalKind::Weight
            | VitalKind::Height
            | VitalKind::Bmi
            | VitalKind::HeadCircumference => 1,
            VitalKind::Systolic
            | VitalKind::Diastolic
            | VitalKind::HeartRate
            | VitalKind::RespiratoryRate
            | VitalKind::OxygenSaturation
            | VitalKind::PainSeverity => 0,
        }
    }

    /// A value in this kind's unit as text, with [`VitalKind::decimals`] decimals.
    pub fn format(self, value: f64) -> String {
        self.format_as_written(value, None)
    }

    /// A value as text with [`VitalKind::decimals`] decimals, or fewer when it was recorded in
    /// this unit with fewer (`70 kg` stays `70 kg`): never more digits than were measured.
    pub fn format_as_written(self, value: f64, decimals_written: Option<usize>) -> String {
        let decimals = decimals_written.map_or(self.decimals(), |d| d.min(self.decimals()));
        format!("{} {}", with_decimals(value, decimals), self.unit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quantity(value: f64, code: &str) -> Quantity {
        Quantity {
            value: Some(value),
            code: Some(code.into()),
            ..Quantity::default()
        }
    }

    #[test]
    fn a_raw_float_blood_pressure_reads_as_whole_millimetres() {
        assert_eq!(VitalKind::Systolic.format(173.69867319686267), "174 mmHg");
    }

    #[test]
    fn a_value_recorded_in_the_shown_unit_keeps_no_more_decimals_than_written() {
        assert_eq!(VitalKind::Weight.format_as_written(70.0, Some(0)), "70 kg");
        assert_eq!(
            VitalKind::Weight.format_as_written(69.17804811675673, Some(14)),
            "69.2 kg"
        );
    }

    #[test]
    fn a_value_that_overflows_in_the_display_unit_is_no_value() {
        assert_eq!(
            VitalKind::Height.in_display_unit(&quantity(1e308, "m")),
            None
        );
        assert_eq!(
            VitalKind::Height.in_display_unit(&quantity(1.5, "m")),
            Some(150.0)
        );
    }

    #[test]
    fn the_blood_pressure_panel_code_names_no_single_kind() {
        assert_eq!(VitalKind::from_loinc("85354-9"), None);
    }

    #[test]
    fn fahrenheit_is_converted_to_celsius() {
        let celsius = VitalKind::Temperature
            .in_display_unit(&quantity(98.6, "[degF]"))
            .unwrap();
        assert_eq!(VitalKind::Temperature.format(celsius), "37.0 °C");
    }

    #[test]
    fn pounds_are_converted_to_kilograms() {
        let kg = VitalKind::Weight
            .in_display_unit(&quantity(154.0, "[lb_av]"))
            .unwrap();
        assert_eq!(VitalKind::Weight.format(kg), "69.9 kg");
    }

    #[test]
    fn inches_are_converted_to_centimetres() {
        let cm = VitalKind::Height
            .in_display_unit(&quantity(70.0, "[in_i]"))
            .unwrap();
        assert_eq!(VitalKind::Height.format(cm), "177.8 cm");
    }

    #[test]
    fn the_human_unit_is_read_when_the_code_is_missing() {
        let q = Quantity {
            value: Some(72.0),
            unit: Some("beats/min".into()),
            ..Quantity::default()
        };
        assert_eq!(VitalKind::HeartRate.in_display_unit(&q), Some(72.0));
    }

    #[test]
    fn a_unit_foreign_to_the_kind_is_refused() {
        assert_eq!(
            VitalKind::Weight.in_display_unit(&quantity(70.0, "cm")),
            None
        );
        assert_eq!(
            VitalKind::Temperature.in_display_unit(&quantity(300.0, "K")),
            None
        );
        let no_unit = Quantity {
            value: Some(37.0),
            ..Quantity::default()
        };
        assert_eq!(VitalKind::Temperature.in_display_unit(&no_unit), None);
    }
}
