//! The token lifecycle, performed: one driver that the browser shell and the native scripted-EHR
//! tests both run, generic over how a request travels ([`Transport`]). It asks the session's
//! rules in `lifecycle` what to do and does it: refreshes before a request when the token is
//! ageing, lets every concurrent request share the one refresh in flight (they are woken when it
//! ends, never by a timer), refreshes once and retries once after a 401, and hands reauthorize
//! verdicts to the caller.

use super::lifecycle::{NextStep, ReauthorizeReason, RequestAttempt, Verdict};
use super::refresh_gate::ReauthorizeCause;
use super::session::Session;
use crate::http::{HttpRequest, HttpResult};
use crate::problem::UserFacing;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use std::cell::{Cell, Ref, RefCell};
use std::future::Future;
use std::rc::Rc;

/// How requests reach the servers, and what time it is: `fetch` and the browser clock in the
/// shell, a scripted EHR on a virtual clock in the tests.
pub trait Transport {
    /// Sends a refresh to the token endpoint.
    fn token(&self, request: HttpRequest) -> impl Future<Output = HttpResult>;
    /// Sends a FHIR request that carries the bearer token.
    fn fhir(&self, request: HttpRequest) -> impl Future<Output = HttpResult>;
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// Why a request got no answer to hand on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Access ended and could not be renewed: the user must authorize again.
    Reauthorize(Box<ReauthorizeReason>),
    /// The driver was stopped: the user left the record.
    Stopped,
}

impl UserFacing for Ended {
    fn title(&self) -> String {
        match self {
            Ended::Reauthorize(reason) => reason.title(),
            Ended::Stopped => "Reading the record stopped".into(),
        }
    }

    fn message(&self) -> String {
        match self {
            Ended::Reauthorize(reason) => reason.message(),
            Ended::Stopped => {
                "Bedside stopped reading this record because it was closed or signed out.".into()
            }
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Ended::Reauthorize(reason) => reason.hint(),
            Ended::Stopped => None,
        }
    }
}

// The refresh in flight, awaited by every request that needs it. Its outcome is what
// `Session::finish_refresh` said, so a request that asked for the refresh after a 401 can give
// the user the reason when it failed.
type Refresh = Shared<LocalBoxFuture<'static, Result<(), Box<ReauthorizeReason>>>>;

/// The one session every request shares, so a refresh happens once and a rotated refresh token
/// replaces the old one for everybody. It lives in memory only.
pub struct TokenDriver<T> {
    session: Rc<RefCell<Session>>,
    transport: T,
    // The refresh the session counts as in flight: every refresh begins here and keeps its
    // future here until the next one begins.
    refresh: RefCell<Option<Refresh>>,
    stopped: Cell<bool>,
}

impl<T: Transport + Clone + 'static> TokenDriver<T> {
    /// Drives `session`'s requests through `transport`.
    pub fn new(session: Session, transport: T) -> Self {
        TokenDriver {
            session: Rc::new(RefCell::new(session)),
            transport,
            refresh: RefCell::new(None),
            stopped: Cell::new(false),
        }
    }

    /// Reads the session.
    pub fn session(&self) -> Ref<'_, Session> {
        self.session.borrow()
    }

    /// Sends nothing more: every later request, and every answer arriving from now on, ends
    /// as [`Ended::Stopped`] (an answer is then neither refreshed for nor retried).
    pub fn stop(&self) {
        self.stopped.set(true);
    }

    /// Whether [`TokenDriver::stop`] was called.
    pub fn stopped(&self) -> bool {
        self.stopped.get()
    }

    /// Sends `request` with the bearer token (attached only when the URL is the session's
    /// server), renewing the token before it expires and once after a 401 (SMART App Launch
    /// "Refresh access token"). The answer is handed on as it is, failures included, unless
    /// access ended or the driver was stopped.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResult, Ended> {
        self.fresh_token().await?;
        let mut attempt = RequestAttempt::start(&self.session());
        loop {
            self.go_on()?;
            let authorized = self.session().authorize(request.clone());
            let result = self.transport.fhir(authorized).await;
            self.go_on()?;
            let verdict = attempt.judge(&self.session(), &result, self.transport.now_ms());
            match verdict {
                Verdict::Accept => return Ok(result),
                Verdict::Retry => {}
                Verdict::RefreshThenRetry => self.renew().await?,
                Verdict::Reauthorize(reason) => return Err(Ended::Reauthorize(Box::new(reason))),
            }
        }
    }

    fn go_on(&self) -> Result<(), Ended> {
        match self.stopped() {
            true => Err(Ended::Stopped),
            false => Ok(()),
        }
    }

    // Until the session says the token may be used. A failed proactive refresh leaves the
    // current token usable until it expires, so its outcome is not an answer here: the next
    // step decides whether the request can still go.
    async fn fresh_token(&self) -> Result<(), Ended> {
        loop {
            self.go_on()?;
            let step = self.session.borrow_mut().next_step(self.transport.now_ms());
            let refresh = match step {
                NextStep::UseToken => return Ok(()),
                NextStep::Refresh(request) => self.begin(request),
                NextStep::AwaitRefresh => self.in_flight()?,
                NextStep::Reauthorize(reason) => return Err(Ended::Reauthorize(Box::new(reason))),
            };
            let _ = refresh.await;
        }
    }

    // After a 401: this request's own refresh, or the one another request has in flight; its
    // failure is this request's answer.
    async fn renew(&self) -> Result<(), Ended> {
        let begun = self
            .session
            .borrow_mut()
            .begin_refresh(self.transport.now_ms());
        let refresh = match begun {
            Some(request) => self.begin(request),
            None => self.in_flight()?,
        };
        refresh.await.map_err(Ended::Reauthorize)
    }

    fn begin(&self, request: HttpRequest) -> Refresh {
        let (session, transport) = (Rc::clone(&self.session), self.transport.clone());
        let refresh = async move {
            let result = transport.token(request).await;
            let now_ms = transport.now_ms();
            session.borrow_mut().finish_refresh(result, now_ms)
        }
        .boxed_local()
        .shared();
        *self.refresh.borrow_mut() = Some(refresh.clone());
        refresh
    }

    // The session counts a refresh as in flight only between `begin_refresh` and
    // `finish_refresh`, and only this driver calls them, around the future it keeps: so the
    // future is here. Were it not, nothing would renew the token, which is what expiry means.
    fn in_flight(&self) -> Result<Refresh, Ended> {
        self.refresh.borrow().clone().ok_or_else(|| {
            let reason = self.session().reauthorize(ReauthorizeCause::Expired);
            Ended::Reauthorize(Box::new(reason))
        })
    }
}
