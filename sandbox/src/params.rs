//! Request parameters: `application/x-www-form-urlencoded` query strings and bodies.
//!
//! RFC 6749 §3.1 and §3.2: parameters sent without a value are treated as omitted, and a
//! parameter must not be included more than once; the first repeated name is remembered so
//! the endpoint can refuse the request in its own way.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};

/// True when the request body is declared `application/x-www-form-urlencoded`.
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Parsed parameters: the first value of each name, and the first name that was repeated.
#[derive(Debug, Default)]
pub(crate) struct Params {
    values: HashMap<String, String>,
    repeated: Option<String>,
}

impl Params {
    /// Parses a query string or form body; never fails (bad escapes decode lossily).
    pub(crate) fn parse(input: &[u8]) -> Params {
        let mut params = Params::default();
        for (name, value) in url::form_urlencoded::parse(input) {
            if value.is_empty() {
                continue;
            }
            if params.values.contains_key(name.as_ref()) {
                params.repeated.get_or_insert_with(|| name.to_string());
                continue;
            }
            params.values.insert(name.into_owned(), value.into_owned());
        }
        params
    }

    /// The value of `name`, or `None` if it was absent or empty.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The first parameter name that appeared more than once.
    pub(crate) fn repeated(&self) -> Option<&str> {
        self.repeated.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_count_as_absent() {
        let p = Params::parse(b"state=&scope=launch");
        assert_eq!(p.get("state"), None);
        assert_eq!(p.get("scope"), Some("launch"));
    }

    #[test]
    fn a_repeated_name_is_reported_and_the_first_value_kept() {
        let p = Params::parse(b"a=1&b=2&a=3");
        assert_eq!(p.repeated(), Some("a"));
        assert_eq!(p.get("a"), Some("1"));
    }

    #[test]
    fn plus_and_percent_escapes_are_decoded() {
        let p = Params::parse(b"scope=launch+patient%2FPatient.rs");
        assert_eq!(p.get("scope"), Some("launch patient/Patient.rs"));
    }
}
