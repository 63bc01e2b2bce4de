//! Colour contrast as WCAG 2.1 defines it (Success Criterion 1.4.3, "Contrast (Minimum)", and
//! its definitions of *relative luminance* and *contrast ratio*): what the style document's
//! colours must reach before Bedside draws text with them.

/// WCAG 2.1 AA: text of normal size needs at least 4.5:1 against its background.
pub const AA_NORMAL_TEXT: f64 = 4.5;

/// An sRGB colour with 8-bit channels and an opacity from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgba {
    /// Red, 0–255.
    pub red: f64,
    /// Green, 0–255.
    pub green: f64,
    /// Blue, 0–255.
    pub blue: f64,
    /// Opacity, 0 (transparent) to 1 (opaque).
    pub alpha: f64,
}

/// The CSS basic colour keywords (CSS Color 4 §6.1, the sixteen of HTML 4), the ones whose
/// contrast Bedside can check by name; other names are refused as unknown.
const NAMED: [(&str, u32); 16] = [
    ("black", 0x000000),
    ("silver", 0xc0c0c0),
    ("gray", 0x808080),
    ("white", 0xffffff),
    ("maroon", 0x800000),
    ("red", 0xff0000),
    ("purple", 0x800080),
    ("fuchsia", 0xff00ff),
    ("green", 0x008000),
    ("lime", 0x00ff00),
    ("olive", 0x808000),
    ("yellow", 0xffff00),
    ("navy", 0x000080),
    ("blue", 0x0000ff),
    ("teal", 0x008080),
    ("aqua", 0x00ffff),
];

impl Rgba {
    /// An opaque colour from `0xrrggbb`.
    pub const fn hex(rgb: u32) -> Rgba {
        Rgba {
            red: ((rgb >> 16) & 0xff) as f64,
            green: ((rgb >> 8) & 0xff) as f64,
            blue: (rgb & 0xff) as f64,
            alpha: 1.0,
        }
    }

    /// Reads `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`/`rgba()` with numbers or
    /// percentages, `hsl()`/`hsla()`, or a basic colour keyword; `None` for anything else.
    pub fn parse(text: &str) -> Option<Rgba> {
        let text = text.trim().to_ascii_lowercase();
        if let Some(hex) = text.strip_prefix('#') {
            return parse_hex(hex);
        }
        if let Some((_, rgb)) = NAMED.iter().find(|(name, _)| *name == text) {
            return Some(Rgba::hex(*rgb));
        }
        let (function, args) = text.strip_suffix(')')?.split_once('(')?;
        let args: Vec<&str> = args
            .split([',', ' ', '/'])
            .filter(|a| !a.is_empty())
            .collect();
        if !(3..=4).contains(&args.len()) {
            return None;
        }
        let alpha = match args.get(3) {
            Some(alpha) => amount(alpha, 1.0)?,
            None => 1.0,
        };
        let colour = match function {
            "rgb" | "rgba" => Rgba {
                red: amount(args[0], 255.0)?,
                green: amount(args[1], 255.0)?,
                blue: amount(args[2], 255.0)?,
                alpha,
            },
            "hsl" | "hsla" => {
                let hue = args[0].trim_end_matches("deg").parse::<f64>().ok()?;
                let saturation = amount(args[1], 100.0)? / 100.0;
                from_hsl(hue, saturation, amount(args[2], 100.0)? / 100.0, alpha)
            }
            _ => return None,
        };
        Some(colour)
    }

    /// This colour drawn over an opaque `background` (source-over compositing).
    pub fn over(self, background: Rgba) -> Rgba {
        let mix = |front: f64, back: f64| front * self.alpha + back * (1.0 - self.alpha);
        Rgba {
            red: mix(self.red, background.red),
            green: mix(self.green, background.green),
            blue: mix(self.blue, background.blue),
            alpha: 1.0,
        }
    }

    /// Relative luminance (WCAG 2.1 definitions), 0 for black to 1 for white.
    pub fn relative_luminance(self) -> f64 {
        let linear = |channel: f64| {
            let c = channel / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.red) + 0.7152 * linear(self.green) + 0.0722 * linear(self.blue)
    }

    /// `#rrggbb`, for messages.
    pub fn to_hex(self) -> String {
        let byte = |c: f64| c.round().clamp(0.0, 255.0) as u8;
        format!(
            "#{:02x}{:02x}{:02x}",
            byte(self.red),
            byte(self.green),
            byte(self.blue)
        )
    }
}

/// Contrast ratio (L1 + 0.05) / (L2 + 0.05), L1 the lighter: from 1 (none) to 21.
pub fn contrast_ratio(one: Rgba, other: Rgba) -> f64 {
    let (a, b) = (one.relative_luminance(), other.relative_luminance());
    (a.max(b) + 0.05) / (a.min(b) + 0.05)
}

fn parse_hex(hex: &str) -> Option<Rgba> {
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let digits: Vec<u32> = hex.chars().filter_map(|c| c.to_digit(16)).collect();
    let channels: Vec<f64> = match digits.len() {
        3 | 4 => digits.iter().map(|d| f64::from(d * 17)).collect(),
        6 | 8 => digits
            .chunks(2)
            .map(|pair| f64::from(pair[0] * 16 + pair[1]))
            .collect(),
        _ => return None,
    };
    Some(Rgba {
        red: channels[0],
        green: channels[1],
        blue: channels[2],
        alpha: channels.get(3).map_or(1.0, |a| a / 255.0),
    })
}

// A number from 0 to `full`, or a percentage of `full`; clamped to that range as CSS does.
fn amount(text: &str, full: f64) -> Option<f64> {
    let value = match text.strip_suffix('%') {
        Some(percent) => percent.parse::<f64>().ok()? / 100.0 * full,
        None => text.parse::<f64>().ok()?,
    };
    value.is_finite().then(|| value.clamp(0.0, full))
}

// CSS Color 4 §7.1's HSL to sRGB conversion.
fn from_hsl(hue: f64, saturation: f64, lightness: f64, alpha: f64) -> Rgba {
    let hue = hue.rem_euclid(360.0);
    let channel = |n: f64| {
        let k = (n + hue / 30.0) % 12.0;
        let a = saturation * lightness.min(1.0 - lightness);
        (lightness - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0)) * 255.0
    };
    Rgba {
        red: channel(0.0),
        green: channel(8.0),
        blue: channel(4.0),
        alpha,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(one: &str, other: &str) -> f64 {
        let ratio = contrast_ratio(Rgba::parse(one).unwrap(), Rgba::parse(other).unwrap());
        (ratio * 100.0).round() / 100.0
    }

    #[test]
    fn black_on_white_is_the_largest_ratio_21_to_1() {
        assert_eq!(ratio("#000000", "#ffffff"), 21.0);
    }

    #[test]
    fn a_colour_on_itself_is_the_smallest_ratio_1_to_1() {
        assert_eq!(ratio("#777", "#777777"), 1.0);
    }

    #[test]
    fn grey_767676_on_white_just_passes_aa_and_777777_just_fails() {
        assert_eq!(ratio("#767676", "white"), 4.54);
        assert_eq!(ratio("#777777", "white"), 4.48);
    }

    #[test]
    fn relative_luminance_follows_the_wcag_channel_weights() {
        assert_eq!(Rgba::hex(0xffffff).relative_luminance(), 1.0);
        assert_eq!(Rgba::hex(0x000000).relative_luminance(), 0.0);
        assert!((Rgba::hex(0xff0000).relative_luminance() - 0.2126).abs() < 1e-12);
        assert!((Rgba::hex(0x00ff00).relative_luminance() - 0.7152).abs() < 1e-12);
        assert!((Rgba::hex(0x0000ff).relative_luminance() - 0.0722).abs() < 1e-12);
    }

    #[test]
    fn functional_and_short_notations_read_as_the_same_colour() {
        let navy = Some(Rgba::hex(0x000080));
        assert_eq!(Rgba::parse("rgb(0, 0, 128)"), navy);
        assert_eq!(Rgba::parse("rgb(0 0 128 / 100%)"), navy);
        assert_eq!(Rgba::parse("navy"), navy);
        assert_eq!(Rgba::parse("#fff"), Some(Rgba::hex(0xffffff)));
        assert_eq!(Rgba::parse("hsl(0, 0%, 100%)"), Some(Rgba::hex(0xffffff)));
        assert_eq!(
            Rgba::parse("hsl(240, 100%, 25.1%)").unwrap().to_hex(),
            "#000080"
        );
    }

    #[test]
    fn translucent_text_is_judged_as_drawn_over_its_background() {
        let faint = Rgba::parse("rgba(0, 0, 0, 0.1)").unwrap();
        let white = Rgba::hex(0xffffff);
        assert!(contrast_ratio(faint.over(white), white) < 1.5);
    }

    #[test]
    fn unknown_names_and_broken_values_are_not_colours() {
        for text in [
            "papayawhip",
            "#12345",
            "rgb(1,2)",
            "hsl(x, 1%, 1%)",
            "currentcolor",
        ] {
            assert_eq!(Rgba::parse(text), None, "{text}");
        }
    }
}
