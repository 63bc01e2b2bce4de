//! Token lifetime decisions (RFC 6749 §6; SMART App Launch 2.2 §"Refresh access token"): when
//! to refresh, how a refresh response rotates the tokens, and when a failed request deserves
//! one refresh and one retry. Everything here decides; `driver` sends, waits and retries.

use super::authorize::LaunchKind;
use super::oauth_error::OAuthErrorCode;
use super::refresh_gate::ReauthorizeCause;
use super::scope::ScopeSet;
use super::session::Session;
use super::token::{parse_token_response, TokenError};
use crate::fhir::FhirBaseUrl;
use crate::http::{FailureKind, HttpRequest, HttpResult, Purpose};
use crate::problem::UserFacing;

/// What to do before sending a FHIR request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// The access token is good: send.
    UseToken,
    /// Send this refresh first, then hand its outcome to [`Session::finish_refresh`].
    Refresh(HttpRequest),
    /// The token has expired and another section's refresh is in flight: wait for it.
    AwaitRefresh,
    /// Access cannot be renewed: the user must sign in or launch again.
    Reauthorize(ReauthorizeReason),
}

/// How the user gets back in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restart {
    /// An EHR launch can only be repeated from the EHR.
    FromEhr {
        /// The server the session was for.
        fhir_base: FhirBaseUrl,
    },
    /// A standalone launch can start again here, for the same server; the patient is picked
    /// again there (a standalone authorization cannot ask for a given patient).
    SignInAgain {
        /// The server to sign in to.
        fhir_base: FhirBaseUrl,
        /// The patient the session showed.
        patient: String,
    },
}

/// Why the user must authorize again, and what restarting needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReauthorizeReason {
    /// What happened.
    pub cause: ReauthorizeCause,
    /// What the shell offers.
    pub restart: Restart,
}

impl UserFacing for ReauthorizeReason {
    fn title(&self) -> String {
        match self.cause {
            ReauthorizeCause::PatientChanged => "The patient changed".into(),
            _ => "Your access to the record has ended".into(),
        }
    }

    fn message(&self) -> String {
        let what = match &self.cause {
            ReauthorizeCause::Expired => {
                "Access to the record expired, and the server gave Bedside no way to renew it."
                    .to_owned()
            }
            // RFC 6749 §5.2: answering a refresh, invalid_grant means the refresh token itself
            // is invalid, expired or revoked. The code-exchange wording ("the sign-in could not
            // be completed") would describe a sign-in the user never attempted.
            ReauthorizeCause::RefreshFailed(TokenError::Refused {
                code: OAuthErrorCode::InvalidGrant,
                description,
            }) => {
                let said = description
                    .as_ref()
                    .map(|words| format!(" The server said: \u{201c}{words}\u{201d}"))
                    .unwrap_or_default();
                format!(
                    "Renewing access failed. The server no longer accepts Bedside's refresh \
                     token: it is invalid, expired or revoked.{said}"
                )
            }
            ReauthorizeCause::RefreshFailed(error) => {
                format!("Renewing access failed. {}", error.message())
            }
            ReauthorizeCause::Rejected => {
                "The FHIR server no longer accepts Bedside's access (HTTP 401).".to_owned()
            }
            ReauthorizeCause::PatientChanged => "While renewing access, the server named a \
                 different patient, so Bedside stopped rather than mix two records."
                .to_owned(),
        };
        let next = match &self.restart {
            Restart::FromEhr { .. } => {
                "Bedside was opened from your EHR, so it must be opened from there again."
            }
            Restart::SignInAgain { .. } => "Sign in again to continue with the same server.",
        };
        format!("{what} {next}")
    }

    fn hint(&self) -> Option<String> {
        Some(match &self.restart {
            Restart::FromEhr { .. } => {
                "Close Bedside and launch it again from the patient's chart in your EHR.".into()
            }
            Restart::SignInAgain { fhir_base, .. } => format!(
                "Choose \u{201c}Sign in again\u{201d} to reconnect to {fhir_base}; pick the same \
                 patient when the server asks."
            ),
        })
    }
}

impl Session {
    /// Starts proactive refreshes `lead_ms` before expiry instead of the default 60 s.
    pub fn set_refresh_lead_ms(&mut self, lead_ms: u64) {
        self.gate.lead_ms = lead_ms;
    }

    /// Decides what to do before a FHIR request at `now_ms`. A refresh token is used whenever
    /// the session has one, whatever the granted scope says about `offline_access` or
    /// `online_access`: servers issue refresh tokens under their own policy. A token without
    /// an expiry is used until the server refuses it (see [`RequestAttempt`]).
    pub fn next_step(&mut self, now_ms: u64) -> NextStep {
        let Some(expires_at) = self.expires_at_ms else {
            return NextStep::UseToken;
        };
        let expired = now_ms >= expires_at;
        // Never before half the lifetime, so a token shorter than twice the lead (the
        // sandbox's `--token-lifetime 30`) is not refreshed again at once.
        let lifetime = expires_at.saturating_sub(self.gate.issued_at_ms);
        let lead = self.gate.lead_ms.min(lifetime / 2);
        if now_ms.saturating_add(lead) < expires_at {
            return NextStep::UseToken;
        }
        if let Some(request) = self.begin_refresh(now_ms) {
            return NextStep::Refresh(request);
        }
        match (self.gate.in_flight(now_ms), expired) {
            (true, true) => NextStep::AwaitRefresh,
            (false, true) => {
                let cause = self
                    .gate
                    .failure
                    .clone()
                    .unwrap_or(ReauthorizeCause::Expired);
                NextStep::Reauthorize(self.reauthorize(cause))
            }
            (_, false) => NextStep::UseToken,
        }
    }

    /// The refresh request (RFC 6749 §6: a form POST of `grant_type=refresh_token`,
    /// `refresh_token` and, for a public client, `client_id`), or `None` while another refresh
    /// is in flight or when there is no refresh token. Marks the refresh as in flight.
    pub fn begin_refresh(&mut self, now_ms: u64) -> Option<HttpRequest> {
        if self.gate.in_flight(now_ms) {
            return None;
        }
        let refresh_token = self.refresh_token.as_ref()?;
        let request = HttpRequest::post_form(
            Purpose::Refresh,
            self.token_endpoint.clone(),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
                ("client_id", self.client_id.as_str()),
            ],
        );
        self.gate.in_flight_since_ms = Some(now_ms);
        Some(request)
    }

    /// Applies the refresh outcome. Success replaces the access token, rotates the refresh
    /// token (a response without one keeps the old one, RFC 6749 §6), sets the new expiry from
    /// `now_ms`, and narrows the granted scope when the server names one. Failure drops the
    /// refresh token for good: it is never retried, since a response lost after the server
    /// rotated would make a retry look like token reuse, and the current access token stays
    /// usable until it expires. The error is the reason to show if the caller cannot go on
    /// (boxed: it is large, and success is the common case).
    pub fn finish_refresh(
        &mut self,
        result: HttpResult,
        now_ms: u64,
    ) -> Result<(), Box<ReauthorizeReason>> {
        self.gate.in_flight_since_ms = None;
        let outcome = parse_token_response(&self.token_endpoint, result)
            .map_err(ReauthorizeCause::RefreshFailed)
            .and_then(|token| match &token.patient {
                Some(patient) if patient != self.patient_id().as_str() => {
                    Err(ReauthorizeCause::PatientChanged)
                }
                _ => Ok(token),
            });
        match outcome {
            Ok(token) => {
                self.access_token = token.access_token;
                if let Some(rotated) = token.refresh_token {
                    self.refresh_token = Some(rotated);
                }
                self.expires_at_ms = token
                    .expires_in
                    .map(|seconds| now_ms.saturating_add(seconds.saturating_mul(1000)));
                if !token.scope.is_empty() {
                    self.granted_scope = ScopeSet::parse_lenient(&token.scope);
                }
                self.gate.issued_at_ms = now_ms;
                self.gate.generation += 1;
                Ok(())
            }
            Err(cause) => {
                self.refresh_token = None;
                self.gate.failure = Some(cause.clone());
                Err(Box::new(self.reauthorize(cause)))
            }
        }
    }

    pub(super) fn reauthorize(&self, cause: ReauthorizeCause) -> ReauthorizeReason {
        let fhir_base = self.fhir_base.clone();
        let restart = match self.launch {
            LaunchKind::Ehr { .. } => Restart::FromEhr { fhir_base },
            LaunchKind::Standalone => Restart::SignInAgain {
                fhir_base,
                patient: self.patient_id().to_string(),
            },
        };
        ReauthorizeReason { cause, restart }
    }

    // A fetch that failed without a response may be a 401 whose CORS headers were missing
    // (many servers add them only to 2xx): suspect it when the clock puts the token in the
    // last quarter of its lifetime or past it (a server clock ahead of ours expires it
    // early), or when its lifetime is unknown.
    fn token_may_have_lapsed(&self, now_ms: u64) -> bool {
        self.expires_at_ms.is_none_or(|expires_at| {
            let quarter = expires_at.saturating_sub(self.gate.issued_at_ms) / 4;
            now_ms.saturating_add(quarter) >= expires_at
        })
    }
}

/// What to do with the outcome of one FHIR request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Hand the result to the caller as it is.
    Accept,
    /// The token was renewed since this request was sent: send it again now.
    Retry,
    /// Refresh ([`Session::begin_refresh`], or wait for the one in flight), then send again.
    RefreshThenRetry,
    /// Give up: the user must authorize again.
    Reauthorize(ReauthorizeReason),
}

/// One FHIR request's retry state: after a 401 (or a failure that may hide one) it is
/// refreshed once and retried once; a second refusal ends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestAttempt {
    generation: u64,
    retried: bool,
}

impl RequestAttempt {
    /// An attempt about to be sent with the session's current token.
    pub fn start(session: &Session) -> Self {
        RequestAttempt {
            generation: session.gate.generation,
            retried: false,
        }
    }

    /// Judges the outcome of sending the request at `now_ms`.
    pub fn judge(&mut self, session: &Session, result: &HttpResult, now_ms: u64) -> Verdict {
        let unauthorized = match result {
            Ok(response) if response.status == 401 => true,
            Ok(_) => return Verdict::Accept,
            // Only a failure without any answer may be a 401 whose CORS headers were missing;
            // a deadline or a redirect is not one.
            Err(failure)
                if failure.kind == FailureKind::Unreachable
                    && session.token_may_have_lapsed(now_ms) =>
            {
                false
            }
            Err(_) => return Verdict::Accept,
        };
        let rejected = || {
            let cause = session.gate.failure.clone();
            Verdict::Reauthorize(session.reauthorize(cause.unwrap_or(ReauthorizeCause::Rejected)))
        };
        if self.retried {
            return if unauthorized {
                rejected()
            } else {
                Verdict::Accept
            };
        }
        self.retried = true;
        if session.gate.generation != self.generation {
            return Verdict::Retry;
        }
        match (&session.refresh_token, unauthorized) {
            (Some(_), _) => Verdict::RefreshThenRetry,
            (None, true) => rejected(),
            (None, false) => Verdict::Accept,
        }
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
