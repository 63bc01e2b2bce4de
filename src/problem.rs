//! Every error a user can meet implements [`UserFacing`], so the error page never shows a
//! debug string and each flow step names what went wrong and what to do next.

/// Plain-words wording of an error, for the error page.
pub trait UserFacing {
    /// A short heading, e.g. "Sign-in was cancelled".
    fn title(&self) -> String;
    /// One or two sentences saying what went wrong, naming the thing that was wrong.
    fn message(&self) -> String;
    /// What the user can do about it, when there is something useful to say.
    fn hint(&self) -> Option<String> {
        None
    }
}

/// A rendered problem: what the error page and tests read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Heading.
    pub title: String,
    /// What went wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

impl<E: UserFacing> From<E> for Problem {
    fn from(error: E) -> Self {
        Problem {
            title: error.title(),
            message: error.message(),
            hint: error.hint(),
        }
    }
}

/// The most characters of outside text (a server's words, a value from the address bar) an
/// error message repeats: enough to name what was wrong, too few to carry a page of
/// instructions from whoever wrote it.
pub const QUOTE_LIMIT: usize = 300;

/// Outside text as quoted data: between curly quotes, at most [`QUOTE_LIMIT`] characters (an
/// ellipsis marks a cut), with control and bidirectional-override characters turned into
/// spaces so the text can neither break lines nor reorder the sentence around it.
pub fn quoted(text: &str) -> String {
    let mut shown: String = text
        .chars()
        .take(QUOTE_LIMIT)
        .map(|c| {
            let reorders = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            if c.is_control() || reorders {
                ' '
            } else {
                c
            }
        })
        .collect();
    if text.chars().nth(QUOTE_LIMIT).is_some() {
        shown.push('\u{2026}');
    }
    format!("\u{201c}{shown}\u{201d}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_text_is_cut_at_the_limit_with_an_ellipsis() {
        let long = "x".repeat(QUOTE_LIMIT + 50);
        let shown = quoted(&long);
        assert_eq!(shown.chars().count(), QUOTE_LIMIT + 3);
        assert!(shown.ends_with("\u{2026}\u{201d}"));
        assert_eq!(quoted("short"), "\u{201c}short\u{201d}");
    }

    #[test]
    fn quoted_text_cannot_break_lines_or_reorder_the_sentence() {
        assert_eq!(quoted("a\nb\u{202e}c\u{2067}d"), "\u{201c}a b c d\u{201d}");
    }

    #[test]
    fn the_limit_counts_characters_not_bytes() {
        let cyrillic = "\u{0436}".repeat(QUOTE_LIMIT);
        assert!(!quoted(&cyrillic).contains('\u{2026}'));
    }
}
