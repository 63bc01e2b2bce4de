//! The EHR's style document (`smart_style_url`, SMART App Launch 2.x §"Styling"): its keys are
//! mapped onto the CSS custom properties of `style/main.css`, so Bedside looks at home inside
//! the EHR. Every value is checked against a narrow pattern before it reaches CSS; a bad value
//! is skipped and named, and a bad document changes nothing.

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
        match value.as_str().map(str::trim).filter(|v| is_safe(v, kind)) {
            Some(text) => overrides.properties.push((property, text.to_owned())),
            None => overrides
                .skipped
                .push(format!("{key}: {value} is not an acceptable value")),
        }
    }
    Ok(overrides)
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
    fn the_smart_example_style_maps_onto_custom_properties() {
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
            .contains(&("--color-background", "#edeae3".into())));
        assert!(overrides
            .properties
            .contains(&("--dim-font-size", "13px".into())));
        assert!(overrides.properties.contains(&(
            "--font-family-body",
            "Georgia, Times, 'Times New Roman', serif".into()
        )));
        assert_eq!(overrides.properties.len(), 10);
        assert_eq!(
            overrides.skipped.len(),
            1,
            "the empty backdrop colour is skipped"
        );
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
        let body = r#"{"color_text": "rgb(10, 20, 30)", "color_error": "firebrick", "dim_spacing_size": "1.5rem"}"#;
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
