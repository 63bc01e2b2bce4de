//! FHIR logical ids, checked once where they enter (a token response's context, a reference in
//! a resource) and carried typed from there.

use std::fmt;

/// A FHIR logical id: 1 to 64 of `A-Z a-z 0-9 - .` (FHIR R4 §2.24.0.1, the `id` datatype).
/// Safe to put into a request path as it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FhirId(String);

impl FhirId {
    /// The id, when `text` is one.
    pub fn parse(text: &str) -> Option<FhirId> {
        let valid = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        valid.then(|| FhirId(text.to_owned()))
    }

    /// The id as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FhirId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_digits_hyphens_and_dots_up_to_64_make_an_id() {
        assert_eq!(FhirId::parse("Pat-1.a").unwrap().as_str(), "Pat-1.a");
        assert!(FhirId::parse(&"a".repeat(64)).is_some());
    }

    #[test]
    fn empty_too_long_or_other_characters_are_no_id() {
        for text in ["", "a/b", "a b", "a_b", "é", "1?x=2", "../Patient"] {
            assert_eq!(FhirId::parse(text), None, "{text:?}");
        }
        assert_eq!(FhirId::parse(&"a".repeat(65)), None);
    }
}
