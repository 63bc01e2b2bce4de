//! What an access token may look like before it goes into an `Authorization: Bearer` header
//! (RFC 6750 §2.1): `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
//! A token outside that grammar (a line break, a space, a quote) could split or bend the
//! header, and browsers refuse to build such a header at all; it is refused where it arrives,
//! at the token response, with words that name the fault and never repeat the token.

use std::fmt;

/// The longest access token accepted, in characters. Servers commonly cap a request's header
/// lines at 8 KiB (e.g. nginx's `large_client_header_buffers`), so a longer token could not be
/// used anyway; a cap also keeps a hostile answer from filling every request.
pub const MAX_TOKEN_LENGTH: usize = 8192;

/// Why a token cannot be a bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenDefect {
    /// Longer than [`MAX_TOKEN_LENGTH`].
    TooLong {
        /// Its length in characters.
        length: usize,
    },
    /// A character outside the grammar, at a 1-based character position.
    Character {
        /// What kind of character it is.
        kind: CharacterKind,
        /// Its 1-based position.
        position: usize,
    },
    /// `=` followed by something other than `=`: padding belongs only at the end.
    PaddingInside {
        /// The 1-based position of the first character after the padding.
        position: usize,
    },
}

/// The kinds of character a bearer token must not contain, named without quoting the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharacterKind {
    /// CR or LF, which would end the header line.
    LineBreak,
    /// A space or a tab.
    Whitespace,
    /// Another control character.
    Control,
    /// A character outside ASCII.
    NonAscii,
    /// Printable ASCII punctuation outside the grammar, e.g. `"` or `%`.
    Punctuation(char),
}

/// Checks `token` against RFC 6750 §2.1 and [`MAX_TOKEN_LENGTH`].
pub fn check_bearer_token(token: &str) -> Result<(), TokenDefect> {
    let length = token.chars().count();
    if length > MAX_TOKEN_LENGTH {
        return Err(TokenDefect::TooLong { length });
    }
    let mut padding = false;
    for (index, character) in token.chars().enumerate() {
        let position = index + 1;
        if character == '=' {
            // The grammar needs at least one token character before the padding.
            if position == 1 {
                return Err(TokenDefect::Character {
                    kind: CharacterKind::Punctuation('='),
                    position,
                });
            }
            padding = true;
        } else if is_token_character(character) {
            if padding {
                return Err(TokenDefect::PaddingInside { position });
            }
        } else {
            return Err(TokenDefect::Character {
                kind: kind_of(character),
                position,
            });
        }
    }
    Ok(())
}

fn is_token_character(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/')
}

fn kind_of(c: char) -> CharacterKind {
    match c {
        '\r' | '\n' => CharacterKind::LineBreak,
        ' ' | '\t' => CharacterKind::Whitespace,
        c if c.is_control() => CharacterKind::Control,
        c if !c.is_ascii() => CharacterKind::NonAscii,
        c => CharacterKind::Punctuation(c),
    }
}

impl fmt::Display for TokenDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenDefect::TooLong { length } => write!(
                f,
                "is {length} characters long, more than the {MAX_TOKEN_LENGTH} Bedside accepts"
            ),
            TokenDefect::Character { kind, position } => {
                let what = match kind {
                    CharacterKind::LineBreak => "a line break (CR or LF)".to_owned(),
                    CharacterKind::Whitespace => "a space or tab".to_owned(),
                    CharacterKind::Control => "a control character".to_owned(),
                    CharacterKind::NonAscii => "a character outside ASCII".to_owned(),
                    CharacterKind::Punctuation(c) => format!("the character \u{201c}{c}\u{201d}"),
                };
                write!(f, "contains {what} at position {position}")
            }
            TokenDefect::PaddingInside { position } => write!(
                f,
                "continues after its \u{201c}=\u{201d} padding at position {position}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_6750_example_token_is_accepted() {
        // RFC 6750 §2.1: "Authorization: Bearer mF_9.B5f-4.1JqM".
        assert_eq!(check_bearer_token("mF_9.B5f-4.1JqM"), Ok(()));
    }

    #[test]
    fn every_character_of_the_b64token_grammar_is_accepted() {
        let all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/";
        assert_eq!(check_bearer_token(all), Ok(()));
    }

    #[test]
    fn trailing_padding_is_accepted() {
        assert_eq!(check_bearer_token("YWJj=="), Ok(()));
        assert_eq!(check_bearer_token("a="), Ok(()));
    }

    #[test]
    fn a_jwt_access_token_is_accepted() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl";
        assert_eq!(check_bearer_token(jwt), Ok(()));
    }

    #[test]
    fn a_line_break_is_refused_and_located() {
        for token in ["abc\r\nX-Injected: 1", "abc\ndef", "abc\rdef"] {
            assert_eq!(
                check_bearer_token(token),
                Err(TokenDefect::Character {
                    kind: CharacterKind::LineBreak,
                    position: 4
                }),
                "{token:?}"
            );
        }
    }

    #[test]
    fn spaces_tabs_and_control_characters_are_refused() {
        let kind = |token| match check_bearer_token(token) {
            Err(TokenDefect::Character { kind, .. }) => Some(kind),
            _ => None,
        };
        assert_eq!(kind("a b"), Some(CharacterKind::Whitespace));
        assert_eq!(kind("a\tb"), Some(CharacterKind::Whitespace));
        assert_eq!(kind("a\0b"), Some(CharacterKind::Control));
        assert_eq!(kind("a\u{7f}b"), Some(CharacterKind::Control));
        assert_eq!(kind("a\u{e9}b"), Some(CharacterKind::NonAscii));
    }

    #[test]
    fn punctuation_outside_the_grammar_is_refused_by_name() {
        for c in [
            '"', '%', ',', ';', ':', '\\', '@', '(', '<', '*', '!', '#', '?', '&',
        ] {
            assert_eq!(
                check_bearer_token(&format!("ab{c}")),
                Err(TokenDefect::Character {
                    kind: CharacterKind::Punctuation(c),
                    position: 3
                }),
                "{c}"
            );
        }
    }

    #[test]
    fn padding_is_allowed_only_at_the_end() {
        assert_eq!(
            check_bearer_token("ab=cd"),
            Err(TokenDefect::PaddingInside { position: 4 })
        );
        assert!(check_bearer_token("=abc").is_err());
        assert!(check_bearer_token("==").is_err());
    }

    #[test]
    fn a_token_longer_than_the_cap_is_refused() {
        assert_eq!(check_bearer_token(&"a".repeat(MAX_TOKEN_LENGTH)), Ok(()));
        assert_eq!(
            check_bearer_token(&"a".repeat(MAX_TOKEN_LENGTH + 1)),
            Err(TokenDefect::TooLong {
                length: MAX_TOKEN_LENGTH + 1
            })
        );
    }

    #[test]
    fn the_description_names_the_fault_without_the_token() {
        let token = "SECRETPART\r\nX-Evil: 1";
        let words = check_bearer_token(token).unwrap_err().to_string();
        assert_eq!(words, "contains a line break (CR or LF) at position 11");
        assert!(!words.contains("SECRETPART"));
    }
}
