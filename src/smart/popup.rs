//! Signing in through a new window when Bedside runs inside a frame.
//!
//! Some authorization servers refuse to show their sign-in or consent pages in a frame
//! (`X-Frame-Options`, CSP `frame-ancestors`; documented for Epic and Oracle Health). A frame
//! that navigates to such a page shows the browser's own error page, and Bedside's code is gone
//! from the frame, so it can neither notice nor recover. Inside a frame, Bedside therefore asks
//! for one click and opens the authorization page in a new window. That window comes back to
//! the registered redirect URI, hands the authorization response to the frame with
//! `postMessage` (to Bedside's own origin only) and closes. The frame kept the in-flight record
//! (with the PKCE verifier) in memory, checks the message and exchanges the code itself, so the
//! tokens never exist outside the frame's memory.

use super::authorize::InFlightRecord;
use super::callback::{
    address_only, parse_response, response_parameters, verify, CallbackError, StateVerified,
};
use crate::problem::UserFacing;
use serde::{Deserialize, Serialize};
use url::Url;

/// Where the authorization page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInPlace {
    /// Navigate Bedside's own window to it.
    ThisWindow,
    /// Ask for a click, then open it in a new window.
    NewWindow,
}

/// Chooses where the authorization page goes. `framed`: Bedside's window is not the top-level
/// one. `frame_allowed`: the configuration says this server's authorization pages work inside a
/// frame (`sign_in_in_frame`).
///
/// Whether a server will show a page at all, and whether that page may be framed, cannot be
/// learnt beforehand: a probe would spend the EHR's single-use `launch` value, and a refused
/// frame cannot be detected from the outside. So a frame asks for the click unless the
/// deployment vouches for the server; a top-level window always navigates, as before.
pub fn sign_in_place(framed: bool, frame_allowed: bool) -> SignInPlace {
    if framed && !frame_allowed {
        SignInPlace::NewWindow
    } else {
        SignInPlace::ThisWindow
    }
}

/// Checks what `window.open` gave back: no window (most pop-up blockers), or one that is already
/// closed (some blockers), means the sign-in window was blocked.
pub fn check_opened<W>(
    window: Option<W>,
    is_closed: impl FnOnce(&W) -> bool,
) -> Result<W, SignInWindowError> {
    match window {
        Some(window) if !is_closed(&window) => Ok(window),
        _ => Err(SignInWindowError::Blocked),
    }
}

/// What Bedside's callback page does with an authorization response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackRole<W> {
    /// Check it against this tab's in-flight record and exchange the code here.
    Complete,
    /// Hand it to this Bedside window, which opened this one and holds the record in memory.
    HandBack(W),
}

/// Decides the callback page's role from whether this tab's storage held a record for the
/// state, and the window that opened this one when it is a Bedside page (same origin). A
/// record means a flow in this tab, which completes here. Without one, a window opened by
/// Bedside is that Bedside's sign-in window: its record never touched storage (and a new window
/// does not share its opener's sessionStorage anyway). Anything else completes here, which
/// refuses the unknown state with the usual message. `window.name` is deliberately not
/// consulted: any page can set it.
pub fn callback_role<W>(record_found: bool, bedside_opener: Option<W>) -> CallbackRole<W> {
    match bedside_opener {
        Some(opener) if !record_found => CallbackRole::HandBack(opener),
        _ => CallbackRole::Complete,
    }
}

/// Marks Bedside's own messages among whatever else a window may receive.
const MESSAGE_KIND: &str = "bedside.authorization-response";

/// The message a sign-in window posts to its opener. Only the authorization response travels:
/// the code (useless without the verifier, which never left the frame) or the error, the
/// state and `iss`, and the address the window was sent back to (without its query), which
/// the frame checks against the record's redirect URI as the callback page would.
#[derive(Debug, Serialize, Deserialize)]
struct Relay {
    kind: String,
    params: Vec<(String, String)>,
    arrived_at: Url,
}

/// The message for the authorization response in `callback`, as text for `postMessage`.
pub fn relay_message(callback: &Url) -> String {
    let relay = Relay {
        kind: MESSAGE_KIND.into(),
        params: response_parameters(callback),
        arrived_at: address_only(callback),
    };
    serde_json::to_string(&relay).expect("pairs of strings serialize")
}

/// A `message` event, as the shell saw it.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// `event.origin`.
    pub origin: &'a str,
    /// `event.source` is the very window this frame opened.
    pub from_sign_in_window: bool,
    /// `event.data`, when it is text.
    pub data: Option<&'a str>,
}

/// The frame's side while the sign-in window is open: the in-flight record, in memory only.
#[derive(Debug)]
pub struct AwaitingAnswer {
    record: Option<InFlightRecord>,
    origin: String,
}

impl AwaitingAnswer {
    /// Waits for the answer to `record`'s authorization; `own_origin` is Bedside's origin
    /// (`location.origin`), the only one a genuine answer comes from.
    pub fn new(record: InFlightRecord, own_origin: &str) -> Self {
        AwaitingAnswer {
            record: Some(record),
            origin: own_origin.to_owned(),
        }
    }

    /// Checks a message. `None`: not an answer to this sign-in (another origin, another window,
    /// not Bedside's message, or the answer already came), to be ignored so that no other page
    /// can end the sign-in. `Some`: the answer, checked like a callback against the record,
    /// which it consumes, so a second answer finds nothing.
    pub fn receive(
        &mut self,
        message: Incoming<'_>,
        now_ms: u64,
    ) -> Option<Result<StateVerified, CallbackError>> {
        if message.origin != self.origin || !message.from_sign_in_window {
            return None;
        }
        let relay: Relay = serde_json::from_str(message.data?).ok()?;
        if relay.kind != MESSAGE_KIND {
            return None;
        }
        let record = self.record.take()?;
        Some(
            parse_response(&relay.arrived_at, relay.params)
                .and_then(|response| verify(response, Some(record), now_ms)),
        )
    }
}

/// Why signing in through a new window could not go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignInWindowError {
    /// `window.open` was refused.
    #[error("sign-in window blocked")]
    Blocked,
    /// The window closed before it handed back an answer.
    #[error("sign-in window closed early")]
    ClosedEarly,
}

impl UserFacing for SignInWindowError {
    fn title(&self) -> String {
        match self {
            SignInWindowError::Blocked => "The sign-in window was blocked".into(),
            SignInWindowError::ClosedEarly => "The sign-in window was closed".into(),
        }
    }

    fn message(&self) -> String {
        match self {
            SignInWindowError::Blocked => {
                "Your browser blocked the sign-in window; allow pop-ups for this site and try \
                 again."
                    .into()
            }
            SignInWindowError::ClosedEarly => {
                "The sign-in window closed before the sign-in was finished.".into()
            }
        }
    }

    fn hint(&self) -> Option<String> {
        Some("Choose \u{201c}Sign in in a new window\u{201d} to try again.".into())
    }
}

#[cfg(test)]
#[path = "popup_tests.rs"]
mod tests;
