//! The EHR's style document (`smart_style_url`, SMART App Launch 2.x §"Styling"): its keys are
//! mapped onto the CSS custom properties of `style/main.css`, so Bedside looks at home inside
//! the EHR. Every value is checked against a narrow pattern before it reaches CSS; a bad value
//! is skipped and named, and a bad document changes nothing. Values that are safe CSS can
//! still be unreadable: colours whose text would fail WCAG 2.1 AA contrast are refused as a
//! palette, and a font size too small (or too large) to read is refused, each named with why.

use super::contrast::{contrast_ratio, Rgba, AA_NORMAL_TEXT};
use serde_json::{Map, Value};

/// Which SMART style key feeds which custom property, and what kind of value it must be.
const KEYS: [(&str, &str, Kind); 11] = [
    ("color_background", "--color-background", Kind::Color),
    ("color_error", "--color-error", Kind::Color),
    ("color_highlight", "--color-highlight", Kind::Color),
    (
        "color_modal_backdrop",
        "--color-modal-backdrop",
        Kind::Color,
    ),
    ("color_success", "--color-success", Kind::Color),
    ("color_text", "--color-text", Kind::Color),
    ("dim_border_radius", "--dim-border-radius", Kind::Length),
    ("dim_font_size", "--dim-font-size", Kind::Length),
    ("dim_spacing_size", "--dim-spacing-size", Kind::Length),
    ("font_family_body", "--font-family-body", Kind::FontFamily),
    (
        "font_family_heading",
        "--font-family-heading",
        Kind::FontFamily,
    ),
];

/// Where Bedside draws text in a colour on a background, each side a style key (Bedside's own
/// light palette in `style/main.css` standing in when the document leaves it out) or a colour
/// the document cannot change.
const TEXT_PAIRS: [(Paint, Paint, &str); 6] = [
    (TEXT, BACKGROUND, "body text on the page background"),
    (TEXT, SURFACE, "body text on the white panels"),
    (HIGHLIGHT, BACKGROUND, "links on the page background"),
    (HIGHLIGHT, SURFACE, "links on the white panels"),
    (
        ON_HIGHLIGHT,
        HIGHLIGHT,
        "white button text on the highlight colour",
    ),
    (ERROR, SURFACE, "warnings on the white panels"),
];
const TEXT: Paint = Paint::Key("color_text", 0x1b1f24);
const BACKGROUND: Paint = Paint::Key("color_background", 0xf6f7f9);
const HIGHLIGHT: Paint = Paint::Key("color_highlight", 0x0b5cad);
const ERROR: Paint = Paint::Key("color_error", 0xb3261e);
const SURFACE: Paint = Paint::Fixed(0xffffff);
const ON_HIGHLIGHT: Paint = Paint::Fixed(0xffffff);

/// Root font sizes Bedside accepts, in CSS pixels: below, text is too small to read; above,
/// the summary no longer fits an EHR's side panel.
const FONT_SIZE_PX: (f64, f64) = (12.0, 32.0);

#[derive(Debug, Clone, Copy)]
enum Paint {
    Key(&'static str, u32),
    Fixed(u32),
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Color,
    Length,
    FontFamily,
}

/// The properties to set, and what was skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StyleOverrides {
    /// `(custom property, value)` pairs, safe to set.
    pub properties: Vec<(&'static str, String)>,
    /// Plain words on each skipped value, for a console warning.
    pub skipped: Vec<String>,
}

/// The colour scheme the user's system asks for (`prefers-color-scheme`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorScheme {
    /// Light, or no preference.
    Light,
    /// Dark.
    Dark,
}

/// Reads a style document. `Err` carries why the whole document was ignored.
///
/// Under a dark scheme the document's colours are not applied: they are the EHR's light
/// palette, and mixing some of them (a light background) into the dark palette (light text)
/// would leave text without contrast. Sizes and fonts apply either way.
pub fn style_overrides(body: &str, scheme: ColorScheme) -> Result<StyleOverrides, String> {
    let document: Map<String, Value> = serde_json::from_str(body)
        .map_err(|e| format!("the style document is not a JSON object ({e})"))?;
    let mut overrides = StyleOverrides::default();
    for (key, property, kind) in KEYS {
        let Some(value) = document.get(key) else {
            continue;
        };
        if matches!(kind, Kind::Color) && scheme == ColorScheme::Dark {
            overrides.skipped.push(format!(
                "{key}: the dark colour scheme keeps its own colours"
            ));
            continue;
        }
        let Some(text) = value.as_str().map(str::trim).filter(|v| is_safe(v, kind)) else {
            overrides
                .skipped
                .push(format!("{key}: {value} is not an acceptable value"));
            continue;
        };
        if key == "dim_font_size" {
            if let Err(why) = readable_font_size(text) {
                overrides.skipped.push(format!("{key}: {why}"));
                continue;
            }
        }
        overrides.properties.push((property, text.to_owned()));
    }
    if scheme == ColorScheme::Light {
        let refusals = contrast_refusals(&document);
        if !refusals.is_empty() {
            overrides
                .properties
                .retain(|(property, _)| !property.starts_with("--color-"));
            overrides.skipped.extend(refusals);
        }
    }
    Ok(overrides)
}

// Why the document's palette cannot be used, one sentence per failing colour or pair; empty
// when every pair of text and background it touches reaches WCAG 2.1 AA (4.5:1).
fn contrast_refusals(document: &Map<String, Value>) -> Vec<String> {
    let set = |key: &str| document.get(key).and_then(Value::as_str).map(str::trim);
    let mut refusals = Vec::new();
    let mut colour = |paint: Paint| -> Option<(Rgba, bool)> {
        match paint {
            Paint::Fixed(rgb) => Some((Rgba::hex(rgb), false)),
            // An unsafe value is skipped already, so Bedside's own colour stays.
            Paint::Key(key, default) => match set(key).filter(|v| is_safe(v, Kind::Color)) {
                None => Some((Rgba::hex(default), false)),
                Some(text) => {
                    let parsed = Rgba::parse(text);
                    if parsed.is_none() && !refusals.iter().any(|r: &String| r.starts_with(key)) {
                        refusals.push(format!(
                            "{key}: Bedside cannot check the contrast of {text:?}; write it \
                             as #rrggbb; none of the document's colours are applied"
                        ));
                    }
                    parsed.map(|c| (c, true))
                }
            },
        }
    };
    let mut failures = Vec::new();
    for (front, back, place) in TEXT_PAIRS {
        let (Some((text, text_set)), Some((background, background_set))) =
            (colour(front), colour(back))
        else {
            continue;
        };
        if !(text_set || background_set) {
            continue;
        }
        // A translucent background shows the white page beneath it.
        let background = background.over(Rgba::hex(0xffffff));
        let ratio = contrast_ratio(text.over(background), background);
        if ratio < AA_NORMAL_TEXT {
            failures.push(format!(
                "{} on {} ({place}) has a contrast of {:.2}:1, below the {AA_NORMAL_TEXT}:1 \
                 WCAG 2.1 AA asks of text; none of the document's colours are applied",
                describe(front, text),
                describe(back, background),
                (ratio * 100.0).floor() / 100.0,
            ));
        }
    }
    refusals.extend(failures);
    refusals
}

fn describe(paint: Paint, colour: Rgba) -> String {
    match paint {
        Paint::Key(key, _) => format!("{key} {}", colour.to_hex()),
        Paint::Fixed(_) => colour.to_hex(),
    }
}

// `Err` says why a root font size is refused; CSS pixels per unit at the browser's default
// 16 px root, since the value becomes the root's own size.
fn readable_font_size(text: &str) -> Result<(), String> {
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(number_end);
    let per_unit = match unit {
        "px" => 1.0,
        "pt" => 4.0 / 3.0,
        "em" | "rem" => 16.0,
        "%" => 0.16,
        _ => return Err(format!("{text} has no unit a font size can use")),
    };
    let pixels = number
        .parse::<f64>()
        .map_err(|_| format!("{text} is not a size"))?
        * per_unit;
    let (smallest, largest) = FONT_SIZE_PX;
    if pixels < smallest {
        Err(format!(
            "{text} is {pixels:.1} px, below {smallest} px: too small to read; Bedside keeps its own size"
        ))
    } else if pixels > largest {
        Err(format!(
            "{text} is {pixels:.1} px, above {largest} px: the summary would not fit; Bedside keeps its own size"
        ))
    } else {
        Ok(())
    }
}

// Narrow on purpose: no semicolons, braces, url(), quotes beyond font names, or escapes can
// reach the style sheet.
fn is_safe(value: &str, kind: Kind) -> bool {
    if value.is_empty() || value.len() > 120 {
        return false;
    }
    match kind {
        Kind::Color => {
            let hex = value.strip_prefix('#').is_some_and(|h| {
                matches!(h.len(), 3 | 4 | 6 | 8) && h.chars().all(|c| c.is_ascii_hexdigit())
            });
            let functional = ["rgb(", "rgba(", "hsl(", "hsla("].iter().any(|f| {
                value
                    .strip_prefix(f)
                    .and_then(|rest| rest.strip_suffix(')'))
                    .is_some_and(|args| {
                        args.chars()
                            .all(|c| c.is_ascii_digit() || " ,.%/".contains(c))
                    })
            });
            let named = value.chars().all(|c| c.is_ascii_alphabetic());
            hex || functional || named
        }
        Kind::Length => {
            let number_end = value
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(value.len());
            let (number, unit) = value.split_at(number_end);
            !number.is_empty()
                && number.parse::<f64>().is_ok()
                && matches!(unit, "px" | "em" | "rem" | "pt" | "%" | "")
        }
        Kind::FontFamily => value
            .chars()
            .all(|c| c.is_alphanumeric() || " ,-_'\"".contains(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smart_example_style_maps_sizes_and_fonts_onto_custom_properties() {
        // The example document of SMART App Launch 2.x §"Styling".
        let body = r##"{
          "color_background": "#edeae3", "color_error": "#9e2d2d", "color_highlight": "#69b5ce",
          "color_modal_backdrop": "", "color_success": "#498e49", "color_text": "#303030",
          "dim_border_radius": "6px", "dim_font_size": "13px", "dim_spacing_size": "20px",
          "font_family_body": "Georgia, Times, 'Times New Roman', serif",
          "font_family_heading": "\"HelveticaNeue-Light\", Helvetica, Arial, 'Lucida Grande', sans-serif"
        }"##;
        let overrides = style_overrides(body, ColorScheme::Light).unwrap();
        assert!(overrides
            .properties
            .contains(&("--dim-font-size", "13px".into())));
        assert!(overrides.properties.contains(&(
            "--font-family-body",
            "Georgia, Times, 'Times New Roman', serif".into()
        )));
        assert_eq!(overrides.properties.len(), 5);
        assert!(overrides.skipped[0].starts_with("color_modal_backdrop"));
    }

    #[test]
    fn a_palette_whose_colours_pass_aa_contrast_is_applied() {
        let body = r##"{"color_background": "#edeae3", "color_text": "#303030",
                        "color_highlight": "#1b5fa8", "color_error": "#9e2d2d"}"##;
        let overrides = style_overrides(body, ColorScheme::Light).unwrap();
        assert_eq!(overrides.properties.len(), 4, "{:?}", overrides.skipped);
        assert!(overrides.skipped.is_empty());
    }

    #[test]
    fn white_text_on_a_white_background_refuses_the_palette_and_says_why() {
        let body = r##"{"color_background": "#ffffff", "color_text": "#fefefe",
                        "color_highlight": "#1b5fa8", "dim_font_size": "15px"}"##;
        let overrides = style_overrides(body, ColorScheme::Light).unwrap();
        assert_eq!(
            overrides.properties,
            vec![("--dim-font-size", "15px".to_owned())]
        );
        assert_eq!(
            overrides.skipped[0],
            "color_text #fefefe on color_background #ffffff (body text on the page background) \
             has a contrast of 1.00:1, below the 4.5:1 WCAG 2.1 AA asks of text; none of the \
             document's colours are applied"
        );
    }

    #[test]
    fn a_text_colour_just_below_aa_on_white_panels_is_refused() {
        // #777777 on white is 4.48:1, WCAG's classic near miss; #767676 reaches 4.54:1.
        let near_miss = r##"{"color_text": "#777777", "color_background": "#ffffff"}"##;
        assert!(style_overrides(near_miss, ColorScheme::Light)
            .unwrap()
            .properties
            .is_empty());
        let enough = r##"{"color_text": "#767676", "color_background": "#ffffff"}"##;
        assert_eq!(
            style_overrides(enough, ColorScheme::Light)
                .unwrap()
                .properties
                .len(),
            2
        );
    }

    #[test]
    fn a_background_alone_that_hides_bedsides_own_text_is_refused() {
        let body = r##"{"color_background": "#1b1f24"}"##;
        let overrides = style_overrides(body, ColorScheme::Light).unwrap();
        assert!(overrides.properties.is_empty());
        assert!(overrides.skipped[0].starts_with("color_text #1b1f24 on color_background"));
    }

    #[test]
    fn translucent_text_is_judged_over_its_background() {
        let body = r##"{"color_text": "rgba(0, 0, 0, 0.2)"}"##;
        let overrides = style_overrides(body, ColorScheme::Light).unwrap();
        assert!(
            overrides.properties.is_empty(),
            "{:?}",
            overrides.properties
        );
    }

    #[test]
    fn a_colour_whose_contrast_cannot_be_checked_is_refused_by_name() {
        let body = r##"{"color_text": "papayawhip"}"##;
        let overrides = style_overrides(body, ColorScheme::Light).unwrap();
        assert!(overrides.properties.is_empty());
        assert!(overrides.skipped[0].starts_with("color_text: Bedside cannot check the contrast"));
    }

    #[test]
    fn a_font_size_below_12_pixels_is_refused_as_too_small_to_read() {
        for size in ["9px", "8pt", "0.5rem", "60%", "0"] {
            let body = format!(r#"{{"dim_font_size": "{size}"}}"#);
            let overrides = style_overrides(&body, ColorScheme::Light).unwrap();
            assert!(overrides.properties.is_empty(), "{size}");
            assert!(
                overrides.skipped[0].starts_with("dim_font_size: "),
                "{size}"
            );
        }
        let overrides = style_overrides(r#"{"dim_font_size": "9px"}"#, ColorScheme::Light).unwrap();
        assert_eq!(
            overrides.skipped[0],
            "dim_font_size: 9px is 9.0 px, below 12 px: too small to read; Bedside keeps its own size"
        );
    }

    #[test]
    fn a_font_size_above_32_pixels_is_refused_as_too_large_to_fit() {
        let overrides = style_overrides(r#"{"dim_font_size": "3em"}"#, ColorScheme::Light).unwrap();
        assert!(overrides.properties.is_empty());
        assert!(overrides.skipped[0].contains("would not fit"));
    }

    #[test]
    fn a_dark_scheme_keeps_its_colours_and_takes_sizes_and_fonts() {
        let body = r##"{"color_background": "#edeae3", "color_text": "#303030",
                        "dim_font_size": "13px", "font_family_body": "Georgia, serif"}"##;
        let overrides = style_overrides(body, ColorScheme::Dark).unwrap();
        assert_eq!(
            overrides.properties,
            vec![
                ("--dim-font-size", "13px".to_owned()),
                ("--font-family-body", "Georgia, serif".to_owned())
            ]
        );
        assert_eq!(overrides.skipped.len(), 2);
        assert!(overrides.skipped[0].starts_with("color_background"));
    }

    #[test]
    fn css_injection_attempts_are_skipped_and_named() {
        let body = r#"{"color_text": "red; background: url(https://evil.example/x)",
                       "dim_font_size": "12px}body{display:none",
                       "font_family_body": "x\\3b color: red"}"#;
        let overrides = style_overrides(body, ColorScheme::Light).unwrap();
        assert!(overrides.properties.is_empty());
        assert_eq!(overrides.skipped.len(), 3);
        assert!(overrides.skipped[0].starts_with("color_text"));
    }

    #[test]
    fn functional_and_named_colours_are_accepted() {
        let body = r#"{"color_text": "rgb(10, 20, 30)", "color_error": "maroon", "dim_spacing_size": "1.5rem"}"#;
        assert_eq!(
            style_overrides(body, ColorScheme::Light)
                .unwrap()
                .properties
                .len(),
            3
        );
    }

    #[test]
    fn a_broken_document_is_ignored_whole() {
        assert!(style_overrides("<html>", ColorScheme::Light).is_err());
        assert!(style_overrides("[1,2]", ColorScheme::Dark).is_err());
    }
}
