//! The refresh bookkeeping a session carries (one refresh in flight at a time) and why access
//! ended: the state that `session` holds and `lifecycle` decides on, kept below both.

use super::token::TokenError;

/// How long before expiry a refresh starts, unless the session is told otherwise.
pub const DEFAULT_REFRESH_LEAD_MS: u64 = 60_000;

/// A refresh with no outcome after this long is presumed lost (its answer never came), so
/// another may start rather than leave every request waiting forever.
pub const STALLED_REFRESH_MS: u64 = 30_000;

/// Refresh bookkeeping carried by a [`Session`]: it lets one refresh be in flight at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshGate {
    pub(super) lead_ms: u64,
    pub(super) issued_at_ms: u64,
    pub(super) in_flight_since_ms: Option<u64>,
    pub(super) generation: u64,
    pub(super) failure: Option<ReauthorizeCause>,
}

impl RefreshGate {
    /// The gate of a token issued at `issued_at_ms`.
    pub(super) fn new(issued_at_ms: u64) -> Self {
        RefreshGate {
            lead_ms: DEFAULT_REFRESH_LEAD_MS,
            issued_at_ms,
            in_flight_since_ms: None,
            generation: 0,
            failure: None,
        }
    }

    pub(super) fn in_flight(&self, now_ms: u64) -> bool {
        self.in_flight_since_ms
            .is_some_and(|since| now_ms < since.saturating_add(STALLED_REFRESH_MS))
    }
}

/// Why access ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReauthorizeCause {
    /// The token expired and there was no refresh token.
    Expired,
    /// The refresh request failed (e.g. `invalid_grant`, or no answer).
    RefreshFailed(TokenError),
    /// The FHIR server answered 401 and renewing did not help (or was impossible).
    Rejected,
    /// The refresh response named another patient than the session's.
    PatientChanged,
}
