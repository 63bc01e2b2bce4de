//! The token driver the shell runs (`smart::driver`), driven here against a scripted fake EHR
//! on a virtual clock. The EHR rotates refresh tokens and refuses a reused one (RFC 9700
//! §4.14.2), and either of its endpoints can hold its next answer until the test releases it,
//! so concurrent requests really overlap. Tasks run on a local pool that polls only tasks that
//! were woken: a request waiting for a refresh finishes only if the refresh's end wakes it.

use super::*;
use crate::smart::driver::{Ended, TokenDriver, Transport};
use futures::channel::oneshot;
use futures::executor::{block_on, LocalPool};
use futures::task::LocalSpawnExt;
use std::cell::{Cell, RefCell, RefMut};
use std::rc::Rc;

/// The authorization and FHIR servers: one live access token, one live refresh token.
#[derive(Default)]
struct FakeEhr {
    access: String,
    refresh: Option<String>,
    issued: u32,
    refresh_tokens_seen: Vec<String>,
    /// A server that accepts no access token at all, even one it has just issued.
    refuses_every_access_token: bool,
    /// Every exchange, in the order the servers answered.
    log: Vec<String>,
    /// The next token answer waits for this.
    token_held: Option<oneshot::Receiver<()>>,
    /// The next FHIR answer waits for this.
    fhir_held: Option<oneshot::Receiver<()>>,
}

impl FakeEhr {
    fn token_endpoint(&mut self, request: &HttpRequest) -> HttpResult {
        let form = form(request);
        assert_eq!(form["grant_type"], "refresh_token");
        let presented = form["refresh_token"].clone();
        assert!(
            !self.refresh_tokens_seen.contains(&presented),
            "refresh token {presented} was used twice"
        );
        self.refresh_tokens_seen.push(presented.clone());
        if self.refresh.as_ref() != Some(&presented) {
            self.log.push(format!("refresh with {presented}: 400"));
            return reply(400, r#"{"error":"invalid_grant"}"#);
        }
        self.log.push(format!("refresh with {presented}: 200"));
        self.issued += 1;
        self.access = format!("at-{}", self.issued);
        let rotated = format!("rt-{}", self.issued);
        self.refresh = Some(rotated.clone());
        reply(
            200,
            &token(&self.access, Some(&rotated), r#","expires_in":300"#),
        )
    }

    fn fhir(&mut self, request: &HttpRequest) -> HttpResult {
        let presented = request.header("authorization").unwrap_or_default();
        let token = presented.strip_prefix("Bearer ").unwrap_or("none");
        let status = match token == self.access && !self.refuses_every_access_token {
            true => 200,
            false => 401,
        };
        self.log.push(format!("read with {token}: {status}"));
        match status {
            200 => reply(200, r#"{"resourceType":"Bundle"}"#),
            _ => reply(401, ""),
        }
    }

    fn revoke_access_token(&mut self) {
        self.access = "revoked".into();
    }

    fn revoke_refresh_token(&mut self) {
        self.refresh = None;
    }
}

/// The fake EHR and the virtual clock, as the driver sees them.
#[derive(Clone)]
struct Scripted {
    ehr: Rc<RefCell<FakeEhr>>,
    clock: Rc<Cell<u64>>,
}

impl Transport for Scripted {
    async fn token(&self, request: HttpRequest) -> HttpResult {
        let held = self.ehr.borrow_mut().token_held.take();
        if let Some(release) = held {
            let _ = release.await;
        }
        self.ehr.borrow_mut().token_endpoint(&request)
    }

    async fn fhir(&self, request: HttpRequest) -> HttpResult {
        let held = self.ehr.borrow_mut().fhir_held.take();
        if let Some(release) = held {
            let _ = release.await;
        }
        self.ehr.borrow_mut().fhir(&request)
    }

    fn now_ms(&self) -> u64 {
        self.clock.get()
    }
}

/// The scripted EHR on its virtual clock, and the shell's driver for [`session`]'s tokens
/// (`at-1`, `rt-1`, 300 s).
struct Script {
    transport: Scripted,
    driver: Rc<TokenDriver<Scripted>>,
}

fn script() -> Script {
    let ehr = FakeEhr {
        access: "at-1".into(),
        refresh: Some("rt-1".into()),
        issued: 1,
        ..FakeEhr::default()
    };
    let transport = Scripted {
        ehr: Rc::new(RefCell::new(ehr)),
        clock: Rc::new(Cell::new(0)),
    };
    let driver = Rc::new(TokenDriver::new(session(), transport.clone()));
    Script { transport, driver }
}

impl Script {
    fn ehr(&self) -> RefMut<'_, FakeEhr> {
        self.transport.ehr.borrow_mut()
    }

    fn at(&self, ms: u64) {
        self.transport.clock.set(ms);
    }

    fn log(&self) -> Vec<String> {
        self.ehr().log.clone()
    }

    /// One section's read at `ms`, run to its end.
    fn read_at(&self, ms: u64) -> Result<u16, Ended> {
        self.at(ms);
        block_on(self.driver.send(lab_search())).map(|result| result.unwrap().status)
    }

    /// Starts `count` reads on `pool`; each outcome lands in its slot when the read ends.
    fn spawn_reads(&self, pool: &LocalPool, count: usize) -> Rc<RefCell<Vec<Option<Outcome>>>> {
        let outcomes = Rc::new(RefCell::new(vec![None; count]));
        for index in 0..count {
            let (driver, outcomes) = (Rc::clone(&self.driver), Rc::clone(&outcomes));
            let read = async move {
                let outcome = driver.send(lab_search()).await;
                outcomes.borrow_mut()[index] = Some(outcome.map(|result| result.unwrap().status));
            };
            pool.spawner().spawn_local(read).unwrap();
        }
        outcomes
    }

    /// Holds the token endpoint's next answer; sending on the result releases it.
    fn hold_token(&self) -> oneshot::Sender<()> {
        let (release, held) = oneshot::channel();
        self.ehr().token_held = Some(held);
        release
    }

    /// Holds the FHIR server's next answer; sending on the result releases it.
    fn hold_fhir(&self) -> oneshot::Sender<()> {
        let (release, held) = oneshot::channel();
        self.ehr().fhir_held = Some(held);
        release
    }
}

/// A read's status, or why it ended without one.
type Outcome = Result<u16, Ended>;

fn lab_search() -> HttpRequest {
    HttpRequest::get(
        Purpose::FhirSearch,
        Url::parse("https://ehr.example/fhir/Observation?category=laboratory").unwrap(),
        "application/fhir+json",
    )
}

#[test]
fn requests_after_expiry_share_one_refresh_and_are_woken_when_it_ends() {
    let script = script();
    script.at(301 * S);
    let release = script.hold_token();
    let mut pool = LocalPool::new();
    let outcomes = script.spawn_reads(&pool, 3);

    pool.run_until_stalled();
    assert_eq!(script.log(), Vec::<String>::new(), "nothing answered yet");
    assert_eq!(*outcomes.borrow(), [None, None, None]);

    release.send(()).unwrap();
    pool.run_until_stalled();
    assert_eq!(
        script.log(),
        [
            "refresh with rt-1: 200",
            "read with at-2: 200",
            "read with at-2: 200",
            "read with at-2: 200"
        ]
    );
    assert_eq!(*outcomes.borrow(), vec![Some(Ok(200)); 3]);
}

#[test]
fn while_a_proactive_refresh_runs_other_requests_go_on_with_the_unexpired_token() {
    let script = script();
    script.at(250 * S);
    let release = script.hold_token();
    let mut pool = LocalPool::new();
    let outcomes = script.spawn_reads(&pool, 3);

    pool.run_until_stalled();
    assert_eq!(script.log(), ["read with at-1: 200", "read with at-1: 200"]);

    release.send(()).unwrap();
    pool.run_until_stalled();
    assert_eq!(
        script.log()[2..],
        ["refresh with rt-1: 200", "read with at-2: 200"]
    );
    assert_eq!(*outcomes.borrow(), vec![Some(Ok(200)); 3]);
}

#[test]
fn a_failed_proactive_refresh_still_sends_the_request_with_the_unexpired_token() {
    let script = script();
    script.ehr().revoke_refresh_token();

    assert_eq!(script.read_at(250 * S), Ok(200));
    assert_eq!(
        script.log(),
        ["refresh with rt-1: 400", "read with at-1: 200"]
    );
}

#[test]
fn after_a_failed_proactive_refresh_an_expired_token_ends_access_without_a_request() {
    let script = script();
    script.ehr().revoke_refresh_token();
    script.read_at(250 * S).unwrap();

    let Err(Ended::Reauthorize(reason)) = script.read_at(300 * S) else {
        panic!("expected access to end");
    };
    assert!(matches!(reason.cause, ReauthorizeCause::RefreshFailed(_)));
    assert_eq!(
        script.log().len(),
        2,
        "sent after expiry: {:?}",
        script.log()
    );
}

#[test]
fn a_401_is_refreshed_once_and_the_request_sent_again_with_the_new_token() {
    let script = script();
    script.ehr().revoke_access_token();

    assert_eq!(script.read_at(10 * S), Ok(200));
    assert_eq!(
        script.log(),
        [
            "read with at-1: 401",
            "refresh with rt-1: 200",
            "read with at-2: 200"
        ]
    );
}

#[test]
fn a_401_while_another_request_refreshes_waits_for_that_refresh_and_retries() {
    let script = script();
    script.at(250 * S);
    let release = script.hold_token();
    let mut pool = LocalPool::new();
    // The first read starts a proactive refresh; meanwhile the server drops at-1.
    let first = script.spawn_reads(&pool, 1);
    pool.run_until_stalled();
    script.ehr().revoke_access_token();
    let second = script.spawn_reads(&pool, 1);
    pool.run_until_stalled();

    release.send(()).unwrap();
    pool.run_until_stalled();
    assert_eq!(
        script.log(),
        [
            "read with at-1: 401",
            "refresh with rt-1: 200",
            "read with at-2: 200",
            "read with at-2: 200"
        ]
    );
    assert_eq!(*first.borrow(), [Some(Ok(200))]);
    assert_eq!(*second.borrow(), [Some(Ok(200))]);
}

#[test]
fn a_401_after_the_retry_ends_access() {
    let script = script();
    script.ehr().refuses_every_access_token = true;

    let Err(Ended::Reauthorize(reason)) = script.read_at(10 * S) else {
        panic!("expected access to end");
    };
    assert_eq!(reason.cause, ReauthorizeCause::Rejected);
    assert_eq!(
        script.log(),
        [
            "read with at-1: 401",
            "refresh with rt-1: 200",
            "read with at-2: 401"
        ]
    );
}

#[test]
fn each_refresh_presents_the_rotated_refresh_token() {
    let script = script();
    script.read_at(250 * S).unwrap();
    script.read_at(500 * S).unwrap();
    script.ehr().revoke_access_token();
    script.read_at(510 * S).unwrap();

    assert_eq!(script.ehr().refresh_tokens_seen, ["rt-1", "rt-2", "rt-3"]);
    assert_eq!(script.log().last().unwrap(), "read with at-4: 200");
}

#[test]
fn a_stopped_driver_sends_nothing() {
    let script = script();
    script.driver.stop();

    assert_eq!(script.read_at(250 * S), Err(Ended::Stopped));
    assert_eq!(script.log(), Vec::<String>::new());
}

#[test]
fn a_401_arriving_after_stop_is_neither_refreshed_for_nor_retried() {
    let script = script();
    script.ehr().revoke_access_token();
    script.at(10 * S);
    let release = script.hold_fhir();
    let mut pool = LocalPool::new();
    let outcomes = script.spawn_reads(&pool, 1);
    pool.run_until_stalled();

    script.driver.stop();
    release.send(()).unwrap();
    pool.run_until_stalled();
    assert_eq!(*outcomes.borrow(), [Some(Err(Ended::Stopped))]);
    assert_eq!(script.log(), ["read with at-1: 401"]);
}

#[test]
fn a_whole_session_refreshes_rotates_retries_and_finally_asks_to_sign_in_again() {
    let script = script();

    // Fresh token: the request goes straight through.
    script.read_at(10 * S).unwrap();
    // Within 60 s of expiry: refresh first, with rt-1, which the server rotates to rt-2.
    script.read_at(250 * S).unwrap();
    // The server drops the access token early: 401, refresh with rt-2, retry succeeds.
    script.ehr().revoke_access_token();
    script.read_at(260 * S).unwrap();
    // The server ends the grant: 401, the refresh is refused, the user must sign in again.
    script.ehr().revoke_access_token();
    script.ehr().revoke_refresh_token();
    let Err(Ended::Reauthorize(reason)) = script.read_at(270 * S) else {
        panic!("expected access to end");
    };

    assert_eq!(
        script.log(),
        [
            "read with at-1: 200",
            "refresh with rt-1: 200",
            "read with at-2: 200",
            "read with at-2: 401",
            "refresh with rt-2: 200",
            "read with at-3: 200",
            "read with at-3: 401",
            "refresh with rt-3: 400"
        ]
    );
    assert!(matches!(reason.cause, ReauthorizeCause::RefreshFailed(_)));
    assert!(matches!(reason.restart, Restart::SignInAgain { .. }));
    // A later request is not sent with dead tokens.
    assert!(matches!(
        script.read_at(600 * S),
        Err(Ended::Reauthorize(_))
    ));
    assert_eq!(script.log().len(), 8);
}
