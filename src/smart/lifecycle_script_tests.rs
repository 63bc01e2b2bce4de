//! A whole session on a virtual clock against a scripted fake EHR that rotates refresh tokens
//! and refuses a reused one: token → proactive refresh → rotation → 401 → refresh → retry →
//! refresh failure → reauthorize. The shell loop is capped so a wrong decision cannot spin.

use super::*;

const MAX_STEPS: usize = 8;

/// The authorization and FHIR servers: one live access token, one live refresh token.
struct FakeEhr {
    access: String,
    refresh: Option<String>,
    issued: u32,
    refresh_tokens_seen: Vec<String>,
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
            return reply(400, r#"{"error":"invalid_grant"}"#);
        }
        self.issued += 1;
        self.access = format!("at-{}", self.issued);
        let rotated = format!("rt-{}", self.issued);
        self.refresh = Some(rotated.clone());
        reply(
            200,
            &token(&self.access, Some(&rotated), r#","expires_in":300"#),
        )
    }

    fn fhir(&self, request: &HttpRequest) -> HttpResult {
        let presented = request.header("authorization").unwrap_or_default();
        if presented == format!("Bearer {}", self.access) {
            reply(200, r#"{"resourceType":"Bundle"}"#)
        } else {
            reply(401, "")
        }
    }

    fn revoke_access_token(&mut self) {
        self.access = "revoked".into();
    }

    fn revoke_grant(&mut self) {
        self.revoke_access_token();
        self.refresh = None;
    }
}

/// What the shell does for one section's fetch, logging each exchange.
fn fetch(
    session: &mut Session,
    ehr: &mut FakeEhr,
    now: u64,
    log: &mut Vec<String>,
) -> Result<(), Box<ReauthorizeReason>> {
    let mut steps = 0..MAX_STEPS;
    loop {
        assert!(steps.next().is_some(), "step cap reached before sending");
        match session.next_step(now) {
            NextStep::UseToken => break,
            NextStep::Refresh(request) => {
                log.push("refresh".into());
                let _ = session.finish_refresh(ehr.token_endpoint(&request), now);
            }
            NextStep::AwaitRefresh => panic!("nothing else is in flight"),
            NextStep::Reauthorize(reason) => return Err(Box::new(reason)),
        }
    }
    let mut attempt = RequestAttempt::start(session);
    loop {
        assert!(steps.next().is_some(), "step cap reached while retrying");
        let result = ehr.fhir(&session.read("Observation?category=laboratory"));
        log.push(result.as_ref().unwrap().status.to_string());
        match attempt.judge(session, &result, now) {
            Verdict::Accept => return Ok(()),
            Verdict::Retry => {}
            Verdict::RefreshThenRetry => {
                let request = session.begin_refresh(now).expect("no refresh in flight");
                log.push("refresh".into());
                session.finish_refresh(ehr.token_endpoint(&request), now)?;
            }
            Verdict::Reauthorize(reason) => return Err(Box::new(reason)),
        }
    }
}

#[test]
fn a_whole_session_refreshes_rotates_retries_and_finally_asks_to_sign_in_again() {
    let mut ehr = FakeEhr {
        access: "at-1".into(),
        refresh: Some("rt-1".into()),
        issued: 1,
        refresh_tokens_seen: Vec::new(),
    };
    let mut session = session();
    let mut log = Vec::new();

    // Fresh token: the request goes straight through.
    fetch(&mut session, &mut ehr, 10 * S, &mut log).unwrap();
    // Within 60 s of expiry: refresh first, with rt-1, which the server rotates to rt-2.
    fetch(&mut session, &mut ehr, 250 * S, &mut log).unwrap();
    // The server drops the access token early: 401, refresh with rt-2, retry succeeds.
    ehr.revoke_access_token();
    fetch(&mut session, &mut ehr, 260 * S, &mut log).unwrap();
    // The server ends the grant: 401, the refresh is refused, the user must sign in again.
    ehr.revoke_grant();
    let reason = fetch(&mut session, &mut ehr, 270 * S, &mut log).unwrap_err();

    assert_eq!(
        log,
        ["200", "refresh", "200", "401", "refresh", "200", "401", "refresh"]
    );
    assert_eq!(ehr.refresh_tokens_seen, ["rt-1", "rt-2", "rt-3"]);
    assert!(matches!(reason.cause, ReauthorizeCause::RefreshFailed(_)));
    assert!(matches!(reason.restart, Restart::SignInAgain { .. }));
    // The shell now shows the reason; a later request is not sent with dead tokens forever.
    assert!(matches!(
        session.next_step(600 * S),
        NextStep::Reauthorize(_)
    ));
}
