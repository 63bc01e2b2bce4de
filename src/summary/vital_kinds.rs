//! The vital signs Bedside tracks, the LOINC codes that name them (FHIR R4 Vital Signs profile,
//! §8.5.1), and the unit each is shown in, with conversions from the other common UCUM units.

use crate::fhir::datatypes::{non_blank, Quantity};

/// A kind of vital sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VitalKind {
    /// 8480-6.
    Systolic,
    /// 8462-4.
    Diastolic,
    /// 8867-4.
    HeartRate,
    /// 9279-1.
    RespiratoryRate,
    /// 8310-5.
    Temperature,
    /// 59408-5 or 2708-6.
    OxygenSaturation,
    /// 29463-7.
    Weight,
    /// 8302-2.
    Height,
    /// 39156-5.
    Bmi,
}

impl VitalKind {
    /// Every kind, in the order the section shows them.
    pub const ALL: [VitalKind; 9] = [
        VitalKind::Systolic,
        VitalKind::Diastolic,
        VitalKind::HeartRate,
        VitalKind::RespiratoryRate,
        VitalKind::Temperature,
        VitalKind::OxygenSaturation,
        VitalKind::Weight,
        VitalKind::Height,
        VitalKind::Bmi,
    ];

    /// The kind a LOINC code names. Panels such as 85354-9 (blood pressure) name no kind
    /// themselves; their components do.
    pub fn from_loinc(code: &str) -> Option<VitalKind> {
        Some(match code {
            "8480-6" => VitalKind::Systolic,
            "8462-4" => VitalKind::Diastolic,
            "8867-4" => VitalKind::HeartRate,
            "9279-1" => VitalKind::RespiratoryRate,
            "8310-5" => VitalKind::Temperature,
            "59408-5" | "2708-6" => VitalKind::OxygenSaturation,
            "29463-7" => VitalKind::Weight,
            "8302-2" => VitalKind::Height,
            "39156-5" => VitalKind::Bmi,
            _ => return None,
        })
    }

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
            VitalKind::Height => "cm",
            VitalKind::Bmi => "kg/m²",
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
                (VitalKind::Height, "cm") => value,
                (VitalKind::Height, "m") => value * 100.0,
                (VitalKind::Height, "[in_i]" | "in") => value * 2.54,
                (VitalKind::Bmi, "kg/m2" | "kg/m^2" | "kg/m²") => value,
                _ => return None,
            })
        };
        // A value beyond f64 after conversion (1e308 m in cm) is no measurement to show.
        factor(unit?.as_str()).filter(|converted| converted.is_finite())
    }

    /// A value in this kind's unit as text: one decimal for the continuous measures
    /// (temperature, weight, height, BMI), whole numbers as written for the rest.
    pub fn format(self, value: f64) -> String {
        match self {
            VitalKind::Temperature | VitalKind::Weight | VitalKind::Height | VitalKind::Bmi => {
                format!("{value:.1} {}", self.unit())
            }
            _ => format!("{value} {}", self.unit()),
        }
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
    fn both_pulse_oximetry_codes_name_oxygen_saturation() {
        assert_eq!(
            VitalKind::from_loinc("59408-5"),
            Some(VitalKind::OxygenSaturation)
        );
        assert_eq!(
            VitalKind::from_loinc("2708-6"),
            Some(VitalKind::OxygenSaturation)
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
