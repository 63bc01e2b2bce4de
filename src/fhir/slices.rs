//! A searchset page read in slices: a 50 MB Bundle parsed in one piece holds the browser's main
//! thread for seconds, so its `entry` array is cut into the text of each entry first (a scan
//! that builds nothing), and the entries are parsed a slice at a time, each slice by the same
//! reader as a whole page (`bundle::parse_search_page`).

use super::bundle::{next_of, parse_search_page, BundleError, SearchPage};

/// Entries parsed in one slice: a few hundred kilobytes, a few milliseconds.
pub const SLICE: usize = 250;

/// A page being cut at its entries, a few at a time, so that no one step scans the whole body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutter<'a> {
    body: &'a str,
    // The `[` of the top-level `entry` array.
    open: usize,
    // Where the next entry (or the closing `]`) is looked for.
    at: usize,
    // The index just after the closing `]`, once found.
    close: Option<usize>,
}

impl<'a> Cutter<'a> {
    /// Finds the top-level `entry` array of `body`; `None` when `body` is not a JSON object
    /// whose shape the scan can follow or has no `entry` array (the whole-page reader then
    /// says what is wrong, or reads the page in one piece).
    pub fn new(body: &'a str) -> Option<Self> {
        let open = member(body, |key, value| key == "entry" && value == b'[')?;
        Some(Cutter {
            body,
            open,
            at: skip_space(body.as_bytes(), open + 1),
            close: None,
        })
    }

    /// The JSON text of up to `count` further entries, in order; empty once the array has
    /// ended; `None` when the array is broken.
    pub fn next_entries(&mut self, count: usize) -> Option<Vec<&'a str>> {
        let bytes = self.body.as_bytes();
        let mut found = Vec::new();
        while self.close.is_none() && found.len() < count {
            if bytes.get(self.at)? == &b']' {
                self.close = Some(self.at + 1);
                break;
            }
            let element_end = skip_value(bytes, self.at)?;
            found.push(&self.body[self.at..element_end]);
            self.at = skip_space(bytes, element_end);
            match bytes.get(self.at)? {
                b',' => self.at = skip_space(bytes, self.at + 1),
                b']' => self.close = Some(self.at + 1),
                _ => return None,
            }
        }
        Some(found)
    }

    /// The Bundle with an empty `entry` array (its links, total and type), once every entry
    /// has been taken.
    pub fn envelope(&self) -> Option<String> {
        let close = self.close?;
        Some(format!(
            "{}[]{}",
            &self.body[..self.open],
            &self.body[close..]
        ))
    }
}

/// Entries skipped over in one step once a section has all it keeps: a scan that parses nothing.
const SKIP: usize = SLICE * 20;

/// A page read one step at a time, keeping at most `room` matches; between steps the caller
/// lets the browser do other work.
#[derive(Debug)]
pub struct PageReader<'a> {
    body: &'a str,
    room: usize,
    cutter: Option<Cutter<'a>>,
    read: SearchPage,
    first: bool,
    skipped: bool,
}

/// A page read: what it holds, and whether entries were left unread for want of room.
pub type ReadPage = Result<(SearchPage, bool), BundleError>;

impl<'a> PageReader<'a> {
    /// A reader of `body` keeping at most `room` matches.
    pub fn new(body: &'a str, room: usize) -> Self {
        PageReader {
            body,
            room,
            cutter: Cutter::new(body),
            read: SearchPage::default(),
            first: true,
            skipped: false,
        }
    }

    /// Does one step of the reading (a slice of entries parsed or skipped); the page once read.
    pub fn step(&mut self) -> Option<ReadPage> {
        let Some(cutter) = self.cutter.as_mut() else {
            return Some(whole(self.body, self.room));
        };
        let full = self.read.matches.len() >= self.room;
        let Some(entries) = cutter.next_entries(if full { SKIP } else { SLICE }) else {
            // A broken array: the whole-page reader says what is wrong.
            return Some(whole(self.body, self.room));
        };
        let ended = entries.is_empty() || cutter.envelope().is_some();
        if std::mem::take(&mut self.first) && ended {
            // A small page is read in one piece.
            return Some(whole(self.body, self.room));
        }
        if full {
            self.skipped |= !entries.is_empty();
        } else if !entries.is_empty() {
            match parse_entries(&entries) {
                Ok(part) => {
                    self.read.matches.extend(part.matches);
                    self.read.included.extend(part.included);
                    self.read.warnings.extend(part.warnings);
                }
                Err(error) => return Some(Err(error)),
            }
        }
        let envelope = cutter.envelope()?;
        Some(parse_search_page(&envelope).map(|mut page| {
            let read = std::mem::take(&mut self.read);
            page.matches = read.matches;
            page.included.extend(read.included);
            page.warnings.extend(read.warnings);
            let cut_short = self.skipped || page.matches.len() > self.room;
            page.matches.truncate(self.room);
            (page, cut_short)
        }))
    }
}

fn whole(body: &str, room: usize) -> ReadPage {
    let mut page = parse_search_page(body)?;
    let cut_short = page.matches.len() > room;
    page.matches.truncate(room);
    Ok((page, cut_short))
}

/// Reads entries cut by a [`Cutter`] as one page of matches, includes and warnings.
pub fn parse_entries(entries: &[&str]) -> Result<SearchPage, BundleError> {
    let body = format!(
        r#"{{"resourceType":"Bundle","type":"searchset","entry":[{}]}}"#,
        entries.join(",")
    );
    parse_search_page(&body)
}

/// The `next` link of a searchset page, found without parsing its entries (they are skipped
/// over by a scan), so the next page can be asked for before this one is read. It is the link
/// the whole-page reader finds; `None` when the body has none or its shape cannot be followed.
pub fn next_link(body: &str) -> Option<String> {
    let start = member(body, |key, _| key == "link")?;
    let end = skip_value(body.as_bytes(), start)?;
    next_of(&serde_json::from_str(&body[start..end]).ok()?)
}

// Where the value of the first top-level member of the JSON object `body` for which `wanted`
// holds (given its key and the value's first byte) starts; `None` when there is none or the
// object's shape cannot be followed.
fn member(body: &str, wanted: impl Fn(&str, u8) -> bool) -> Option<usize> {
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
                if wanted(key, *bytes.get(at)?) {
                    return Some(at);
                }
                at = skip_value(bytes, at)?;
            }
            _ => return None,
        }
    }
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
      "entry": [
        {"resource": {"resourceType": "Condition", "id": "a", "note": [{"text": "a \"quoted\" ] } text"}]},
         "search": {"mode": "match"}},
        {"resource": {"resourceType": "Medication", "id": "m"}, "search": {"mode": "include"}},
        {"resource": {"resourceType": "Condition", "id": "b"}}
      ],
      "link": [{"relation": "next", "url": "https://e.example/fhir/Condition?page=2"}]}"#;

    fn all_entries(body: &str, count: usize) -> (Vec<&str>, Cutter<'_>) {
        let mut cutter = Cutter::new(body).unwrap();
        let mut entries = Vec::new();
        loop {
            let more = cutter.next_entries(count).unwrap();
            if more.is_empty() {
                return (entries, cutter);
            }
            entries.extend(more);
        }
    }

    // A page of `count` Conditions, enough to be read in several slices.
    fn long_page(count: usize) -> String {
        let entries: Vec<String> = (0..count)
            .map(|i| format!(r#"{{"resource":{{"resourceType":"Condition","id":"c{i}"}}}}"#))
            .collect();
        format!(
            r#"{{"resourceType":"Bundle","type":"searchset","total":{count},"entry":[{}]}}"#,
            entries.join(",")
        )
    }

    fn read_in_steps(body: &str, room: usize) -> (ReadPage, usize) {
        let mut reader = PageReader::new(body, room);
        let mut steps = 1;
        loop {
            if let Some(read) = reader.step() {
                return (read, steps);
            }
            steps += 1;
        }
    }

    #[test]
    fn a_page_cut_and_read_in_slices_equals_the_page_read_whole() {
        let whole = parse_search_page(PAGE).unwrap();
        let (entries, cutter) = all_entries(PAGE, 2);
        assert_eq!(entries.len(), 3);
        let mut sliced = parse_search_page(&cutter.envelope().unwrap()).unwrap();
        assert!(sliced.matches.is_empty());
        for slice in entries.chunks(2) {
            let part = parse_entries(slice).unwrap();
            sliced.matches.extend(part.matches);
            sliced.included.extend(part.included);
            sliced.warnings.extend(part.warnings);
        }
        assert_eq!(sliced, whole);
    }

    #[test]
    fn brackets_and_quotes_inside_text_do_not_cut_an_entry() {
        let (entries, _) = all_entries(PAGE, 10);
        assert!(entries[0].ends_with("\"match\"}}"), "{}", entries[0]);
    }

    #[test]
    fn no_step_cuts_more_entries_than_asked() {
        let mut cutter = Cutter::new(PAGE).unwrap();
        assert_eq!(cutter.next_entries(1).unwrap().len(), 1);
        assert_eq!(cutter.envelope(), None);
        assert_eq!(cutter.next_entries(1).unwrap().len(), 1);
        assert_eq!(cutter.next_entries(5).unwrap().len(), 1);
        assert!(cutter.next_entries(5).unwrap().is_empty());
    }

    #[test]
    fn a_page_without_entries_is_not_cut() {
        assert_eq!(Cutter::new(r#"{"resourceType":"Bundle","total":0}"#), None);
        let (entries, cutter) = all_entries(r#"{"resourceType":"Bundle","entry":[ ]}"#, 5);
        assert!(entries.is_empty());
        assert_eq!(
            cutter.envelope().unwrap(),
            r#"{"resourceType":"Bundle","entry":[]}"#
        );
    }

    #[test]
    fn broken_json_is_left_to_the_whole_page_reader() {
        for broken in ["", "[1]", "{\"entry\" [", "{\"a\": \"x"] {
            assert_eq!(Cutter::new(broken), None, "{broken}");
        }
        let mut cutter = Cutter::new("{\"entry\": [{\"a\": 1}").unwrap();
        assert_eq!(cutter.next_entries(5), None);
    }

    #[test]
    fn a_long_page_read_in_steps_equals_the_page_read_whole() {
        let body = long_page(SLICE * 3 + 7);
        let (read, steps) = read_in_steps(&body, usize::MAX);
        assert_eq!(read.unwrap(), (parse_search_page(&body).unwrap(), false));
        assert!(steps > 3, "{steps}");
    }

    #[test]
    fn a_page_longer_than_the_room_keeps_the_first_matches_and_says_it_was_cut() {
        let body = long_page(SLICE * 30);
        let (read, _) = read_in_steps(&body, SLICE + 1);
        let (page, cut_short) = read.unwrap();
        let whole = parse_search_page(&body).unwrap();
        assert_eq!(page.matches, whole.matches[..SLICE + 1]);
        assert_eq!(page.total, Some(SLICE as u64 * 30));
        assert!(cut_short);
    }

    #[test]
    fn the_next_link_found_ahead_is_the_one_the_page_reader_finds() {
        let link_first = r#"{"resourceType": "Bundle", "link": [{"relation": "self", "url": "x"},
          {"relation": "next", "url": "y"}], "entry": [{"resource": {"resourceType": "Condition"}}]}"#;
        for body in [PAGE, link_first, &long_page(3)] {
            assert_eq!(
                next_link(body),
                parse_search_page(body).unwrap().next,
                "{body}"
            );
        }
        assert_eq!(next_link(link_first).as_deref(), Some("y"));
    }

    #[test]
    fn a_next_link_inside_an_entry_is_not_the_pages() {
        let body = r#"{"resourceType": "Bundle", "entry": [{"resource": {"resourceType":
          "Bundle", "link": [{"relation": "next", "url": "https://elsewhere.example/"}]}}]}"#;
        assert_eq!(next_link(body), None);
        assert_eq!(next_link("<html>"), None);
    }

    #[test]
    fn a_page_with_a_broken_entry_is_an_error_from_the_whole_page_reader() {
        let body = long_page(SLICE * 2).replace(r#""id":"c300"}"#, r#""id":"c300"]"#);
        let (read, _) = read_in_steps(&body, usize::MAX);
        assert!(matches!(read, Err(BundleError::NotJson(_))), "{read:?}");
    }
}
