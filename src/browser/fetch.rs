//! Loads one section: runs its planned searches, follows `next` pages on the same server,
//! retries 429/503 after `Retry-After`, fetches referenced Medications that did not come with
//! the requests, and applies the client-side filter. Decisions come from `fhir::bundle` and
//! `fhir::plan`; this file only performs them.

use super::{http::exchange, world};
use crate::fhir::bundle::{parse_search_page, retry_delay_ms, PageStep, Paging, Progress};
use crate::fhir::outcome::{check_read, FhirReadError};
use crate::fhir::plan::{
    has_category, medication_followups, medication_references, Query, SectionPlan,
};
use crate::http::{HttpRequest, HttpResult};
use crate::smart::session::Session;
use serde_json::Value;
use url::Url;

/// A section's page cap: 60,000 observations at 1,000 per page.
pub const MAX_PAGES: usize = 60;

/// What arrived for a section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SectionData {
    /// Matching resources (after the client-side category filter).
    pub matches: Vec<Value>,
    /// Included or separately fetched resources (Medications).
    pub included: Vec<Value>,
    /// Server warnings and paging notices, in plain words.
    pub notices: Vec<String>,
}

/// Loads `plan`'s data; `on_progress` hears how much has arrived after each page.
pub async fn load_section(
    session: &Session,
    plan: &SectionPlan,
    on_progress: &dyn Fn(Progress),
) -> Result<SectionData, FhirReadError> {
    let what = format!("the {} list", plan.section.title().to_lowercase());
    let mut data = SectionData::default();
    for query in &plan.queries {
        search_all_pages(session, query, &what, &mut data, on_progress).await?;
    }
    if let Some(lookup) = plan.client.medication_lookup {
        for query in medication_followups(lookup, &medication_references(&data.matches)) {
            match &query.id {
                // A read answers one resource, not a Bundle.
                Some(_) => {
                    let url = query.url(&session.fhir_base);
                    let body =
                        check_read("a medication", &origin(&url), fetch(session, url).await)?;
                    if let Ok(resource) = serde_json::from_str(&body) {
                        data.included.push(resource);
                    }
                }
                None => {
                    let mut medications = SectionData::default();
                    search_all_pages(
                        session,
                        &query,
                        "the medications",
                        &mut medications,
                        &|_| {},
                    )
                    .await?;
                    data.included.extend(medications.matches);
                }
            }
        }
    }
    if let Some(category) = plan.client.filter_category {
        data.matches
            .retain(|resource| has_category(resource, category));
    }
    Ok(data)
}

async fn search_all_pages(
    session: &Session,
    query: &Query,
    what: &str,
    data: &mut SectionData,
    on_progress: &dyn Fn(Progress),
) -> Result<(), FhirReadError> {
    let first = query.url(&session.fhir_base);
    let mut paging = Paging::new(&first, MAX_PAGES);
    let mut url = first;
    loop {
        let body = check_read(what, &origin(&url), fetch(session, url).await)?;
        let page = parse_search_page(&body).map_err(|error| FhirReadError::Malformed {
            what: what.to_owned(),
            detail: error.detail(),
        })?;
        let step = paging.after(&page, &session.fhir_base);
        data.matches.extend(page.matches);
        data.included.extend(page.included);
        data.notices.extend(page.warnings);
        on_progress(paging.progress());
        match step {
            PageStep::Next(next) => url = next,
            PageStep::Done => return Ok(()),
            PageStep::LoopDetected => {
                data.notices.push(
                    "The server's pages led back to a page already loaded, so loading stopped there."
                        .into(),
                );
                return Ok(());
            }
            PageStep::CapReached => {
                data.notices.push(format!(
                    "Only the first {MAX_PAGES} pages were loaded ({}).",
                    paging.progress().describe()
                ));
                return Ok(());
            }
            PageStep::ForeignLink(link) => {
                data.notices.push(format!(
                    "The server's next page is at another address ({link}); Bedside did not follow \
                     it, so your access token stays with this server."
                ));
                return Ok(());
            }
        }
    }
}

// One GET with the bearer token (attached only because the URL is this server's), retried
// after 429/503 as `retry_delay_ms` decides.
async fn fetch(session: &Session, url: Url) -> HttpResult {
    let request = session.authorize(HttpRequest::get(url, "application/fhir+json"));
    let mut attempt = 0;
    loop {
        let (response, retry_after) = exchange(&request).await?;
        match retry_delay_ms(response.status, retry_after.as_deref(), attempt) {
            Some(wait) => {
                world::sleep(wait).await;
                attempt += 1;
            }
            None => return Ok(response),
        }
    }
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}
