//! Loads one section: runs its planned searches, follows `next` pages on the same server,
//! retries 429/503 after `Retry-After`, fetches referenced Medications that did not come with
//! the requests, and applies the client-side filter. Decisions come from `fhir::bundle` and
//! `sections::plan`; this file only performs them.

use super::slices::read_page;
use super::{http::exchange, world};
use crate::fhir::bundle::{retry_delay_ms, Incomplete, PageStep, Paging, Progress};
use crate::fhir::model::{Observation, Parsed};
use crate::fhir::outcome::{check_read, FhirReadError};
use crate::fhir::slices::next_link;
use crate::http::{HttpRequest, HttpResult, Purpose};
use crate::problem::Problem;
use crate::sections::plan::{
    has_category, medication_followups, medication_references, Query, SectionPlan,
};
use crate::sections::view::{LoadedSection, Notice, SectionView};
use crate::smart::driver::{Ended, TokenDriver, Transport};
use crate::smart::lifecycle::ReauthorizeReason;
use crate::smart::session::Session;
use futures::future::{ready, select, try_join_all, Either};
use futures::FutureExt;
use serde_json::Value;
use std::cell::{Ref, RefCell};
use std::pin::pin;
use std::rc::Rc;
use url::Url;
use web_sys::{AbortController, AbortSignal};

/// The one session every section shares, driven by the pure core's token driver so a refresh
/// happens once and a rotated refresh token replaces the old one for everybody. It lives in
/// memory only. Its stop switch ends every request still running when the user leaves the
/// record (signs out, signs in again), so no more data is fetched for a patient nobody is
/// looking at.
#[derive(Clone)]
pub struct SharedSession {
    driver: Rc<TokenDriver<Browser>>,
    stop: Option<AbortController>,
}

impl SharedSession {
    /// Shares `session`.
    pub fn new(session: Session) -> Self {
        // Only a browser without AbortController (none this app supports) lacks it; the
        // requests then simply run to the end.
        let stop = AbortController::new().ok();
        let browser = Browser {
            stop: stop.as_ref().map(AbortController::signal),
        };
        SharedSession {
            driver: Rc::new(TokenDriver::new(session, browser)),
            stop,
        }
    }

    /// Reads the session.
    pub fn borrow(&self) -> Ref<'_, Session> {
        self.driver.session()
    }

    /// Ends every request made with this session, now and later.
    pub fn stop(&self) {
        self.driver.stop();
        if let Some(stop) = &self.stop {
            stop.abort();
        }
    }

    /// Whether [`SharedSession::stop`] was called.
    pub fn stopped(&self) -> bool {
        self.driver.stopped()
    }
}

/// Requests as the browser performs them: through `fetch`, ended by the session's stop switch.
#[derive(Clone)]
struct Browser {
    stop: Option<AbortSignal>,
}

impl Transport for Browser {
    async fn token(&self, request: HttpRequest) -> HttpResult {
        let exchanged = exchange(&request, self.stop.as_ref()).await;
        exchanged.map(|(response, _)| response)
    }

    async fn fhir(&self, request: HttpRequest) -> HttpResult {
        send_with_retries(&request, self.stop.as_ref()).await
    }

    fn now_ms(&self) -> u64 {
        world::now_ms()
    }
}

/// Why a section (or the banner) could not load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// A request failed.
    Read(FhirReadError),
    /// Access ended and could not be renewed: the user must authorize again.
    Reauthorize(Box<ReauthorizeReason>),
    /// The session was stopped: the user left the record.
    Stopped,
}

impl From<Ended> for LoadError {
    fn from(ended: Ended) -> Self {
        match ended {
            Ended::Reauthorize(reason) => LoadError::Reauthorize(reason),
            Ended::Stopped => LoadError::Stopped,
        }
    }
}

impl From<FhirReadError> for LoadError {
    fn from(error: FhirReadError) -> Self {
        LoadError::Read(error)
    }
}

impl From<LoadError> for Problem {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::Read(error) => error.into(),
            LoadError::Reauthorize(reason) => (*reason).into(),
            LoadError::Stopped => Ended::Stopped.into(),
        }
    }
}

/// A section's page cap: 60,000 observations at 500 per page.
pub const MAX_PAGES: usize = 120;

/// What arrived for a section, before its view model is built.
#[derive(Debug, Default)]
struct SectionData {
    /// Matching resources (after the client-side category filter).
    matches: Vec<Value>,
    /// Included or separately fetched resources (Medications).
    included: Vec<Value>,
    /// Server warnings and paging notices.
    notices: Vec<Notice>,
    /// Searches cut short by a failed later page: what they read is above, more exists.
    incomplete: Vec<Incomplete>,
    /// The Observations among `matches`, read into typed resources page by page as each page
    /// arrived (while the next one was on its way), for the Observation sections that keep
    /// every match; `None` where they are read once every page is in.
    observations: Option<Parsed<Observation>>,
}

/// Loads `plan`'s data and builds the section's view model from it; `on_progress` hears how
/// much has arrived after each page.
pub async fn load_section(
    session: &SharedSession,
    plan: &SectionPlan,
    on_progress: &dyn Fn(Progress),
) -> Result<LoadedSection, LoadError> {
    let base = session.borrow().fhir_base.clone();
    let what = format!("the {} list", plan.section.title().to_lowercase());
    // The section's searches run at once (e.g. MedicationRequest beside MedicationStatement),
    // and their results keep the plan's order.
    let progress = RefCell::new(vec![Progress::default(); plan.queries.len()]);
    // A category picked out here is picked from every match once all have arrived.
    let read_as_pages_arrive =
        plan.section.observation_category().is_some() && plan.client.filter_category.is_none();
    let searches = plan.queries.iter().enumerate().map(|(index, query)| {
        let progress = &progress;
        let what = &what;
        async move {
            let report = |now: Progress| {
                progress.borrow_mut()[index] = now;
                on_progress(Progress::combined(&progress.borrow()));
            };
            let mut found = SectionData {
                observations: read_as_pages_arrive.then(Parsed::none),
                ..SectionData::default()
            };
            search_all_pages(
                session,
                query,
                what,
                plan.section.kept(),
                &mut found,
                &report,
            )
            .await?;
            Ok::<_, LoadError>(found)
        }
    });
    let mut data = SectionData::default();
    for found in try_join_all(searches).await? {
        data.matches.extend(found.matches);
        data.included.extend(found.included);
        data.notices.extend(found.notices);
        data.incomplete.extend(found.incomplete);
        if let Some(read) = found.observations {
            let all = data.observations.get_or_insert_with(Parsed::none);
            all.resources.extend(read.resources);
            all.malformed.extend(read.malformed);
        }
    }
    if let Some(lookup) = plan.client.medication_lookup {
        for query in medication_followups(lookup, &medication_references(&data.matches)) {
            match &query.id {
                // A read answers one resource, not a Bundle.
                Some(_) => {
                    let url = query.url(&base);
                    let body = check_read(
                        "a medication",
                        &origin(&url),
                        fetch(session, Purpose::FhirRead, url).await?,
                    )?;
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
                        plan.section.kept(),
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
    // On a large record, reading the last page, reading the Observations and building the
    // view model are each a long piece of work: tasks of their own let the browser paint and
    // handle input between them. A small section is built in the task its data finished in.
    let large = data.matches.len() > OBSERVATIONS_AT_ONCE;
    let observations = match (
        plan.section.observation_category(),
        data.observations.take(),
    ) {
        (Some(_), Some(read)) => Some(read),
        (Some(_), None) if large => Some(observations_in_slices(&data.matches).await),
        _ => None,
    };
    let started = world::now_ms();
    let (matches, included, now) = (&data.matches, &data.included, world::now());
    let view = match observations {
        Some(read) => SectionView::from_observations(plan.section, read, matches, included, now),
        None => SectionView::build(plan.section, matches, included, now),
    };
    // Likewise the drawing, after a long build; after a short one the section is drawn in
    // this same task (the caller draws as soon as this returns).
    if world::now_ms().saturating_sub(started) > LONG_BUILD_MS {
        world::next_task().await;
    }
    let withheld = plan.narrowed_category.map(Notice::CategoryNarrowed);
    Ok(LoadedSection {
        view,
        notices: withheld.into_iter().chain(data.notices).collect(),
        incomplete: data.incomplete,
    })
}

/// Observations read into typed resources in one task: about 15 ms of work in a browser.
const OBSERVATIONS_AT_ONCE: usize = 1000;

/// `matches`' Observations read [`OBSERVATIONS_AT_ONCE`] at a time, each slice in a task of
/// its own.
async fn observations_in_slices(matches: &[Value]) -> Parsed<Observation> {
    let mut parsed = Parsed::none();
    for slice in matches.chunks(OBSERVATIONS_AT_ONCE) {
        world::background_task().await;
        parsed.read_more(slice);
    }
    world::background_task().await;
    parsed
}

/// A view model built in longer than this is drawn in a task of its own: together they
/// could pass the 50 ms at which a task delays the user's input.
const LONG_BUILD_MS: u64 = 16;

async fn search_all_pages(
    session: &SharedSession,
    query: &Query,
    what: &str,
    kept: usize,
    data: &mut SectionData,
    on_progress: &dyn Fn(Progress),
) -> Result<(), LoadError> {
    let base = session.borrow().fhir_base.clone();
    let first = query.url(&base);
    let mut paging = Paging::new(&first, MAX_PAGES);
    let purpose = match query.newest_only {
        true => Purpose::FhirNewest,
        false => Purpose::FhirSearch,
    };
    let mut arriving = fetch_body(session, purpose, first, what).boxed_local();
    loop {
        let body = match arriving.await {
            Ok(body) => body,
            Err(LoadError::Read(error)) => {
                data.incomplete.push(paging.failed(error)?);
                return Ok(());
            }
            Err(ended) => return Err(ended),
        };
        // The next page is asked for before this one is read: its request is on the network
        // while this page's entries are parsed.
        let step = paging.ahead(next_link(&body).as_deref(), &base);
        let mut next = match &step {
            // Sorted newest first and as long as the section shows: later pages are not needed.
            PageStep::Next(url) if !query.newest_only => {
                Some(fetch_body(session, Purpose::FhirSearch, url.clone(), what).boxed_local())
            }
            _ => None,
        };
        let room = kept.saturating_sub(data.matches.len());
        let read = match next.as_mut() {
            None => read_page(&body, room).await,
            Some(fetching) => match select(pin!(read_page(&body, room)), fetching).await {
                Either::Left((read, _)) => read,
                Either::Right((fetched, reading)) => {
                    let read = reading.await;
                    next = Some(ready(fetched).boxed_local());
                    read
                }
            },
        };
        let (page, cut_short) = match read {
            Ok(read) => read,
            Err(error) => {
                let malformed = FhirReadError::Malformed {
                    what: what.to_owned(),
                    detail: error.detail(),
                };
                data.incomplete.push(paging.failed(malformed)?);
                return Ok(());
            }
        };
        paging.read(&page);
        if let Some(read) = data.observations.as_mut() {
            read.read_more(&page.matches);
        }
        data.matches.extend(page.matches);
        data.included.extend(page.included);
        data.notices
            .extend(page.warnings.into_iter().map(Notice::Server));
        on_progress(paging.progress());
        if cut_short || (data.matches.len() >= kept && matches!(step, PageStep::Next(_))) {
            data.notices.push(Notice::KeptFirst {
                kept,
                total: page.total,
            });
            return Ok(());
        }
        match (step, next) {
            (PageStep::Next(_), Some(next)) => arriving = next,
            (PageStep::Next(_), None) | (PageStep::Done, _) => return Ok(()),
            (PageStep::LoopDetected, _) => {
                data.notices.push(Notice::PagesLoop);
                return Ok(());
            }
            (PageStep::CapReached, _) => {
                data.notices.push(Notice::PageCap {
                    pages: MAX_PAGES,
                    progress: paging.progress(),
                });
                return Ok(());
            }
            (PageStep::ForeignLink(link), _) => {
                data.notices.push(Notice::ForeignLink(link));
                return Ok(());
            }
        }
    }
}

/// Fetches one page's text.
async fn fetch_body(
    session: &SharedSession,
    purpose: Purpose,
    url: Url,
    what: &str,
) -> Result<String, LoadError> {
    let origin = origin(&url);
    let result = fetch(session, purpose, url).await?;
    Ok(check_read(what, &origin, result)?)
}

/// One GET with the bearer token (attached only because the URL is this server's). The token
/// is renewed before it expires and once after a 401 (SMART App Launch "Refresh access
/// token"); 429/503 are retried as `retry_delay_ms` decides.
pub async fn fetch(
    session: &SharedSession,
    purpose: Purpose,
    url: Url,
) -> Result<HttpResult, LoadError> {
    let request = HttpRequest::get(purpose, url, "application/fhir+json");
    Ok(session.driver.send(request).await?)
}

async fn send_with_retries(request: &HttpRequest, stop: Option<&AbortSignal>) -> HttpResult {
    let mut attempt = 0;
    loop {
        let (response, retry_after) = exchange(request, stop).await?;
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
