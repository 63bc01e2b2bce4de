//! Search values and how a resource matches them (FHIR R4 §3.1.1.4 "Search parameter types"):
//! tokens (§3.1.1.4.10), dates with prefixes (§3.1.1.4.4 and §3.1.1.5.6: the range of the
//! search value against the range of the target) and references (§3.1.1.4.12).

use serde_json::Value;

use crate::dates::{self, Range};
use crate::registry::{Kind, Param};

/// A date prefix (FHIR R4 §3.1.1.4.4). `ap` is not supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefix {
    /// The search range contains the target (the default).
    Eq,
    /// Not `eq`.
    Ne,
    /// The target reaches above the search range.
    Gt,
    /// The target reaches below the search range.
    Lt,
    /// `gt` or `eq`.
    Ge,
    /// `lt` or `eq`.
    Le,
    /// The target starts after the search range.
    Sa,
    /// The target ends before the search range.
    Eb,
}

/// One OR-ed value of a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SearchValue {
    /// A token: `system` `None` = any system, `Some("")` = no system; `code` `None` = any.
    Token {
        /// The system part.
        system: Option<String>,
        /// The code part.
        code: Option<String>,
    },
    /// A date with its prefix.
    Date(Prefix, Range),
    /// A reference, reduced to `Type/id` (or the bare id).
    Reference(String),
    /// A string, lower-cased.
    Text(String),
}

/// Parses one value of a parameter of `kind`; the error says what is wrong.
pub(crate) fn parse_value(kind: Kind, text: &str) -> Result<SearchValue, String> {
    match kind {
        Kind::Token => Ok(match text.split_once('|') {
            Some((system, code)) => SearchValue::Token {
                system: Some(system.to_string()),
                code: (!code.is_empty()).then(|| code.to_string()),
            },
            None => SearchValue::Token {
                system: None,
                code: Some(text.to_string()),
            },
        }),
        Kind::Date => {
            let (prefix, rest) = prefix(text);
            let range = dates::range(rest)
                .ok_or_else(|| format!("\"{text}\" is not a FHIR date with an optional prefix (eq, ne, gt, lt, ge, le, sa, eb)"))?;
            Ok(SearchValue::Date(prefix, range))
        }
        Kind::String => Ok(SearchValue::Text(text.to_lowercase())),
        Kind::Reference => {
            // An absolute URL is reduced to its last two segments, `Type/id`.
            let segments: Vec<&str> = text.rsplitn(3, '/').collect();
            let reduced = match segments.as_slice() {
                [id] => (*id).to_string(),
                [id, ty, ..] => format!("{ty}/{id}"),
                [] => String::new(),
            };
            Ok(SearchValue::Reference(reduced))
        }
    }
}

fn prefix(text: &str) -> (Prefix, &str) {
    let table = [
        ("eq", Prefix::Eq),
        ("ne", Prefix::Ne),
        ("gt", Prefix::Gt),
        ("lt", Prefix::Lt),
        ("ge", Prefix::Ge),
        ("le", Prefix::Le),
        ("sa", Prefix::Sa),
        ("eb", Prefix::Eb),
    ];
    for (name, prefix) in table {
        if let Some(rest) = text.strip_prefix(name) {
            return (prefix, rest);
        }
    }
    (Prefix::Eq, text)
}

/// True when `resource` matches any of `values` for `param`.
pub(crate) fn matches_any(resource: &Value, param: &Param, values: &[SearchValue]) -> bool {
    values.iter().any(|value| matches(resource, param, value))
}

fn matches(resource: &Value, param: &Param, value: &SearchValue) -> bool {
    match value {
        SearchValue::Token { system, code } => tokens(resource.get(param.path))
            .iter()
            .any(|(s, c)| token_matches(system.as_deref(), code.as_deref(), *s, c)),
        SearchValue::Date(prefix, search) => {
            date_range(resource, param.path).is_some_and(|target| compare(*prefix, *search, target))
        }
        SearchValue::Text(wanted) => strings(resource, param.path).iter().any(|text| {
            text.to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word.starts_with(wanted.as_str()))
                || text.to_lowercase().starts_with(wanted.as_str())
        }),
        SearchValue::Reference(wanted) => {
            let Some(reference) = resource
                .get(param.path)
                .and_then(|r| r.get("reference"))
                .and_then(Value::as_str)
            else {
                return false;
            };
            reference == wanted || reference.rsplit('/').next() == Some(wanted.as_str())
        }
    }
}

fn token_matches(system: Option<&str>, code: Option<&str>, s: Option<&str>, c: &str) -> bool {
    if code.is_some_and(|code| code != c) {
        return false;
    }
    match (system, s) {
        (None, _) => true,
        // A plain `code` element has its system implied by the element.
        (Some(_), None) => true,
        (Some(""), Some(_)) => false,
        (Some(wanted), Some(actual)) => wanted == actual,
    }
}

/// The (system, code) pairs of an element: a code, Coding, CodeableConcept or a list.
fn tokens(element: Option<&Value>) -> Vec<(Option<&str>, &str)> {
    let mut out = Vec::new();
    collect_tokens(element, &mut out);
    out
}

fn collect_tokens<'a>(element: Option<&'a Value>, out: &mut Vec<(Option<&'a str>, &'a str)>) {
    match element {
        Some(Value::String(code)) => out.push((None, code)),
        Some(Value::Array(items)) => items.iter().for_each(|i| collect_tokens(Some(i), out)),
        Some(Value::Object(object)) => {
            if let Some(codings) = object.get("coding") {
                collect_tokens(Some(codings), out);
            } else if let Some(code) = object.get("code").and_then(Value::as_str) {
                let system = object.get("system").and_then(Value::as_str);
                out.push((Some(system.unwrap_or("")), code));
            }
        }
        _ => {}
    }
}

/// The range of a date element: `path`, `{path}DateTime`, `{path}Period` or `{path}Instant`.
pub(crate) fn date_range(resource: &Value, path: &str) -> Option<Range> {
    let element = resource.get(path).or_else(|| {
        ["DateTime", "Period", "Instant"]
            .iter()
            .find_map(|suffix| resource.get(format!("{path}{suffix}")))
    })?;
    match element {
        Value::String(text) => dates::range(text),
        Value::Object(period) => {
            let bound = |key: &str| {
                period
                    .get(key)
                    .and_then(Value::as_str)
                    .and_then(dates::range)
            };
            let (start, end) = (bound("start"), bound("end"));
            if start.is_none() && end.is_none() {
                return None;
            }
            Some(Range {
                start: start.map_or(i64::MIN, |r| r.start),
                end: end.map_or(i64::MAX, |r| r.end),
            })
        }
        _ => None,
    }
}

/// FHIR R4 §3.1.1.4.4: how the target range relates to the search range for each prefix.
fn compare(prefix: Prefix, search: Range, target: Range) -> bool {
    let contains = target.start >= search.start && target.end <= search.end;
    match prefix {
        Prefix::Eq => contains,
        Prefix::Ne => !contains,
        Prefix::Gt => target.end > search.end,
        Prefix::Lt => target.start < search.start,
        Prefix::Ge => target.end > search.end || contains,
        Prefix::Le => target.start < search.start || contains,
        Prefix::Sa => target.start >= search.end,
        Prefix::Eb => target.end <= search.start,
    }
}

/// The strings a string parameter searches: `path` is `list.part.part…`, e.g. `name.family`
/// (each HumanName's family) or `name.text.family.given` (several parts of each), in order.
pub(crate) fn strings<'a>(resource: &'a Value, path: &str) -> Vec<&'a str> {
    let mut parts = path.split('.');
    let Some(list) = parts.next().and_then(|name| resource.get(name)) else {
        return Vec::new();
    };
    let parts: Vec<&str> = parts.collect();
    let items: Vec<&Value> = match list {
        Value::Array(items) => items.iter().collect(),
        item => vec![item],
    };
    let mut found = Vec::new();
    for item in items {
        for part in &parts {
            match item.get(part) {
                Some(Value::String(text)) => found.push(text.as_str()),
                Some(Value::Array(texts)) => found.extend(texts.iter().filter_map(Value::as_str)),
                _ => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Range {
        dates::range(text).unwrap_or(Range { start: 0, end: 0 })
    }

    #[test]
    fn eq_on_a_day_matches_times_within_that_day_only() {
        let search = day("2020-05-01");
        assert!(compare(Prefix::Eq, search, day("2020-05-01T10:00:00Z")));
        assert!(!compare(Prefix::Eq, search, day("2020-05-02T10:00:00Z")));
        assert!(!compare(Prefix::Eq, search, day("2020")));
    }

    #[test]
    fn ge_and_le_include_the_day_itself_and_gt_and_lt_exclude_it() {
        let search = day("2020-05-01");
        let same = day("2020-05-01T10:00:00Z");
        assert!(compare(Prefix::Ge, search, same) && compare(Prefix::Le, search, same));
        assert!(!compare(Prefix::Gt, search, same) && !compare(Prefix::Lt, search, same));
        assert!(compare(Prefix::Gt, search, day("2020-05-02")));
        assert!(compare(Prefix::Lt, search, day("2020-04-30")));
    }

    #[test]
    fn a_partial_target_date_overlapping_the_search_value_matches_gt_and_lt() {
        // A condition with onset "1980" reaches both below and above 1980-06-01.
        let year = day("1980");
        assert!(compare(Prefix::Gt, day("1980-06-01"), year));
        assert!(compare(Prefix::Lt, day("1980-06-01"), year));
        assert!(!compare(Prefix::Eq, day("1980-06-01"), year));
    }

    #[test]
    fn tokens_match_by_code_by_system_and_code_by_system_only_and_without_system() {
        let concept = serde_json::json!({ "code": { "coding": [{ "system": "http://loinc.org", "code": "8867-4" }] } });
        let param = Param {
            name: "code",
            kind: Kind::Token,
            path: "code",
        };
        let hit = |text: &str| {
            parse_value(Kind::Token, text).is_ok_and(|v| matches(&concept, &param, &v))
        };
        assert!(hit("8867-4"));
        assert!(hit("http://loinc.org|8867-4"));
        assert!(hit("http://loinc.org|"));
        assert!(!hit("|8867-4"));
        assert!(!hit("http://snomed.info/sct|8867-4"));
        assert!(!hit("8480-6"));
    }

    #[test]
    fn references_match_as_type_and_id_as_a_bare_id_and_as_an_absolute_url() {
        let resource = serde_json::json!({ "subject": { "reference": "Patient/p-1" } });
        let param = Param {
            name: "patient",
            kind: Kind::Reference,
            path: "subject",
        };
        for text in [
            "Patient/p-1",
            "p-1",
            "http://localhost:1/reference/fhir/Patient/p-1",
        ] {
            let value =
                parse_value(Kind::Reference, text).unwrap_or(SearchValue::Reference(String::new()));
            assert!(matches(&resource, &param, &value), "{text}");
        }
    }
}
