//! A searchset page read in slices: a 50 MB Bundle parsed in one piece holds the browser's main
//! thread for seconds, so its `entry` array is cut into the text of each entry first (a scan
//! that builds nothing), and the entries are parsed a slice at a time, each slice by the same
//! reader as a whole page (`bundle::parse_search_page`).

use super::bundle::{parse_search_page, BundleError, SearchPage};

/// Entries parsed in one slice: a few hundred kilobytes, a few milliseconds.
pub const SLICE: usize = 250;

/// A page cut at its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutPage<'a> {
    /// The Bundle with an empty `entry` array: its links, total and type.
    pub envelope: String,
    /// The JSON text of each entry, in order.
    pub entries: Vec<&'a str>,
}

/// Cuts `body` at the elements of its top-level `entry` array; `None` when `body` is not a
/// JSON object whose shape the scan can follow (the whole-page reader then says what is wrong).
pub fn cut_entries(body: &str) -> Option<CutPage<'_>> {
    let bytes = body.as_bytes();
    let mut at = skip_space(bytes, 0);
    if bytes.get(at) != Some(&b'{') {
        return None;
    }
    at += 1;
    loop {
        at = skip_space(bytes, at);
        match bytes.get(at)? {
            b'}' => return None,
            b',' => at += 1,
            b'"' => {
                let key_end = skip_string(bytes, at)?;
                let key = &body[at + 1..key_end - 1];
                at = skip_space(bytes, key_end);
                if bytes.get(at) != Some(&b':') {
                    return None;
                }
                at = skip_space(bytes, at + 1);
                let value_end = skip_value(bytes, at)?;
                if key == "entry" && bytes[at] == b'[' {
                    let entries = elements(body, at, value_end)?;
                    let envelope = format!("{}[]{}", &body[..at], &body[value_end..]);
                    return Some(CutPage { envelope, entries });
                }
                at = value_end;
            }
            _ => return None,
        }
    }
}

/// Reads entries cut by [`cut_entries`] as one page of matches, includes and warnings.
pub fn parse_entries(entries: &[&str]) -> Result<SearchPage, BundleError> {
    let body = format!(
        r#"{{"resourceType":"Bundle","type":"searchset","entry":[{}]}}"#,
        entries.join(",")
    );
    parse_search_page(&body)
}

// The elements of the array spanning `start..end` (`[` … `]`), as text.
fn elements(body: &str, start: usize, end: usize) -> Option<Vec<&str>> {
    let bytes = body.as_bytes();
    let mut found = Vec::new();
    let mut at = skip_space(bytes, start + 1);
    while at < end - 1 {
        let element_end = skip_value(bytes, at)?;
        found.push(&body[at..element_end]);
        at = skip_space(bytes, element_end);
        match bytes.get(at)? {
            b',' => at = skip_space(bytes, at + 1),
            b']' => break,
            _ => return None,
        }
    }
    Some(found)
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

// The index just after the string starting at `at` (a `"`).
fn skip_string(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

// The index just after the JSON value starting at `at`: nesting counted, strings skipped, so
// brackets inside text do not count.
fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => skip_string(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = skip_string(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            (i > at).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"{"resourceType": "Bundle", "type": "searchset", "total": 3,
      "link": [{"relation": "next", "url": "https://e.example/fhir/Condition?page=2"}],
      "entry": [
        {"resource": {"resourceType": "Condition", "id": "a", "note": [{"text": "a \"quoted\" ] } text"}]},
         "search": {"mode": "match"}},
        {"resource": {"resourceType": "Medication", "id": "m"}, "search": {"mode": "include"}},
        {"resource": {"resourceType": "Condition", "id": "b"}}
      ]}"#;

    #[test]
    fn a_page_cut_and_read_in_slices_equals_the_page_read_whole() {
        let whole = parse_search_page(PAGE).unwrap();
        let cut = cut_entries(PAGE).unwrap();
        assert_eq!(cut.entries.len(), 3);
        let mut sliced = parse_search_page(&cut.envelope).unwrap();
        assert!(sliced.matches.is_empty());
        for slice in cut.entries.chunks(2) {
            let part = parse_entries(slice).unwrap();
            sliced.matches.extend(part.matches);
            sliced.included.extend(part.included);
            sliced.warnings.extend(part.warnings);
        }
        assert_eq!(sliced, whole);
    }

    #[test]
    fn brackets_and_quotes_inside_text_do_not_cut_an_entry() {
        let cut = cut_entries(PAGE).unwrap();
        assert!(
            cut.entries[0].ends_with("\"match\"}}"),
            "{}",
            cut.entries[0]
        );
    }

    #[test]
    fn a_page_without_entries_is_cut_into_none() {
        let cut = cut_entries(r#"{"resourceType":"Bundle","total":0}"#);
        assert_eq!(cut, None);
        let empty = cut_entries(r#"{"resourceType":"Bundle","entry":[]}"#).unwrap();
        assert!(empty.entries.is_empty());
    }

    #[test]
    fn broken_json_is_left_to_the_whole_page_reader() {
        for broken in [
            "",
            "[1]",
            "{\"entry\": [{\"a\": 1}",
            "{\"entry\" [",
            "{\"a\": \"x",
        ] {
            assert_eq!(cut_entries(broken), None, "{broken}");
        }
    }
}
