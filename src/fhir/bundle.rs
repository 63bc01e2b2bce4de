//! Search results (FHIR R4 §3.1.1 "Paging", §2.36 Bundle of type searchset): one page parsed,
//! and the decisions about the next: follow `next` only on the same server, stop on a loop or
//! at the page cap, and retry 429/503 after `Retry-After` a bounded number of times.

use super::outcome::{outcome_text, FhirReadError};
use super::FhirBaseUrl;
use crate::problem::UserFacing;
use serde_json::Value;
use std::collections::HashSet;
use url::Url;

/// One page of a searchset.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchPage {
    /// Entries with `search.mode` match (or no mode).
    pub matches: Vec<Value>,
    /// Entries with `search.mode` include (e.g. Medications from `_include`).
    pub included: Vec<Value>,
    /// Texts of OperationOutcome entries (`search.mode` outcome): warnings from the server.
    pub warnings: Vec<String>,
    /// The `next` link, as written.
    pub next: Option<String>,
    /// `total`, when the server counts.
    pub total: Option<u64>,
}

/// Why a page could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleError {
    /// Not JSON.
    NotJson(String),
    /// JSON, but not a Bundle.
    NotABundle(String),
}

impl BundleError {
    /// What was wrong, in plain words.
    pub fn detail(&self) -> String {
        match self {
            BundleError::NotJson(detail) => format!("the answer is not JSON ({detail})"),
            BundleError::NotABundle(found) => format!("expected a Bundle, found {found}"),
        }
    }
}

/// Parses one searchset page. Entries without a resource are skipped; each resource is kept
/// as JSON so that one malformed resource cannot fail the page.
pub fn parse_search_page(body: &str) -> Result<SearchPage, BundleError> {
    let bundle: Value =
        serde_json::from_str(body).map_err(|e| BundleError::NotJson(e.to_string()))?;
    match bundle.get("resourceType").and_then(Value::as_str) {
        Some("Bundle") => {}
        other => {
            return Err(BundleError::NotABundle(
                other.unwrap_or("(none)").to_owned(),
            ))
        }
    }
    let mut page = SearchPage {
        total: bundle.get("total").and_then(Value::as_u64),
        next: bundle.get("link").and_then(next_of),
        ..SearchPage::default()
    };
    let entries = bundle.get("entry").and_then(Value::as_array);
    for entry in entries.into_iter().flatten() {
        let Some(resource) = entry.get("resource") else {
            continue;
        };
        match entry.pointer("/search/mode").and_then(Value::as_str) {
            Some("include") => page.included.push(resource.clone()),
            Some("outcome") => page.warnings.extend(outcome_text(&resource.to_string())),
            _ => page.matches.push(resource.clone()),
        }
    }
    Ok(page)
}

/// The `next` link among a Bundle's `link` array, as written.
pub fn next_of(links: &Value) -> Option<String> {
    links
        .as_array()?
        .iter()
        .find(|link| link.get("relation").and_then(Value::as_str) == Some("next"))
        .and_then(|link| link.get("url").and_then(Value::as_str))
        .map(str::to_owned)
}

/// What to do after a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStep {
    /// Fetch this next page (same server: the token may go with it).
    Next(Url),
    /// No more pages.
    Done,
    /// The `next` link was one already fetched; paging stopped.
    LoopDetected,
    /// The per-section page cap was reached with more pages left.
    CapReached,
    /// The `next` link points outside this FHIR server; it was not followed, so the token
    /// never reaches another origin.
    ForeignLink(String),
}

/// Paging state for one section's search.
#[derive(Debug, Clone)]
pub struct Paging {
    seen: HashSet<String>,
    pages: usize,
    max_pages: usize,
    loaded: usize,
    total: Option<u64>,
}

impl Paging {
    /// Starts paging a search whose first page is `first`.
    pub fn new(first: &Url, max_pages: usize) -> Self {
        Paging {
            seen: HashSet::from([first.to_string()]),
            pages: 0,
            max_pages,
            loaded: 0,
            total: None,
        }
    }

    /// Decides the step after a page from its `next` link alone, before the page's entries
    /// are read, so that the next request can be on its way while they are parsed. Only a
    /// link on this server is followed, which keeps the token from another origin.
    pub fn ahead(&mut self, next: Option<&str>, base: &FhirBaseUrl) -> PageStep {
        let Some(next) = next else {
            return PageStep::Done;
        };
        let Some(url) = base.resolve(next).ok().filter(|url| base.covers(url)) else {
            return PageStep::ForeignLink(next.to_owned());
        };
        if !self.seen.insert(url.to_string()) {
            return PageStep::LoopDetected;
        }
        // The page whose link this is counts, though it is read after this decision.
        if self.pages + 1 >= self.max_pages {
            return PageStep::CapReached;
        }
        PageStep::Next(url)
    }

    /// Records a page that was read.
    pub fn read(&mut self, page: &SearchPage) {
        self.pages += 1;
        self.loaded += page.matches.len();
        self.total = page.total.or(self.total);
    }

    /// What a failed page means: the first page's failure is the search's; after a later one,
    /// the pages already read stand, and the search is [`Incomplete`] (more exists, unread).
    pub fn failed(&self, error: FhirReadError) -> Result<Incomplete, FhirReadError> {
        if self.pages == 0 {
            return Err(error);
        }
        Ok(Incomplete {
            pages: self.pages,
            progress: self.progress(),
            reason: error.title(),
        })
    }

    /// Progress so far, e.g. "loaded 400 of ~2,300".
    pub fn progress(&self) -> Progress {
        Progress {
            loaded: self.loaded,
            total: self.total,
        }
    }
}

/// A search that stopped because a page after the first failed: what arrived is kept, and
/// the section says that more exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    /// Pages read before the failure.
    pub pages: usize,
    /// What those pages held.
    pub progress: Progress,
    /// Why the next page could not be read (the error's title).
    pub reason: String,
}

impl Incomplete {
    /// Plain words for the section, e.g. "Only the first 2 pages were loaded (loaded 1,000 of
    /// ~2,300): more exists, but the next page could not be read (…)."
    pub fn describe(&self) -> String {
        let pages = match self.pages {
            1 => "page was".to_owned(),
            n => format!("{n} pages were"),
        };
        format!(
            "Only the first {pages} loaded ({}): more exists, but the next page could not be \
             read ({}).",
            self.progress.describe(),
            self.reason.to_lowercase()
        )
    }
}

/// How much of a section has arrived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Matches received.
    pub loaded: usize,
    /// The server's count, if it gave one.
    pub total: Option<u64>,
}

impl Progress {
    /// The progress of several searches run at once for one section: what all have loaded,
    /// of the total they announce (unknown when one of them does not say).
    pub fn combined(parts: &[Progress]) -> Progress {
        Progress {
            loaded: parts.iter().map(|p| p.loaded).sum(),
            total: parts.iter().map(|p| p.total).sum(),
        }
    }

    /// Plain words: "loaded 400 of ~2,300" or "loaded 400".
    pub fn describe(&self) -> String {
        match self.total {
            Some(total) => format!(
                "loaded {} of ~{}",
                thousands(self.loaded as u64),
                thousands(total)
            ),
            None => format!("loaded {}", thousands(self.loaded as u64)),
        }
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// At most this many retries of one request after 429 or 503.
pub const MAX_RETRIES: u32 = 3;
const LONGEST_WAIT_MS: u64 = 30_000;

/// How long to wait before retrying, for a 429 (RFC 6585) or 503 (RFC 9110 §15.6.4) answer:
/// `Retry-After` seconds when given (capped at 30 s), else a growing default. `None` means do
/// not retry: another status, or retries used up. `attempt` counts retries already made.
pub fn retry_delay_ms(status: u16, retry_after: Option<&str>, attempt: u32) -> Option<u64> {
    if !matches!(status, 429 | 503) || attempt >= MAX_RETRIES {
        return None;
    }
    let fallback = 1_000 * 2u64.pow(attempt);
    let seconds = retry_after.and_then(|value| value.trim().parse::<u64>().ok());
    Some(
        seconds
            .map_or(fallback, |s| s.saturating_mul(1000))
            .min(LONGEST_WAIT_MS),
    )
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
