//! The redirect back from the authorization server (RFC 6749 §4.1.2 and §4.1.2.1): parsed,
//! matched to its in-flight record by `state`, and turned into a [`StateVerified`] proof that
//! alone can build the token request.

use super::authorize::{InFlightRecord, LaunchKind, State};
use super::oauth_error::OAuthErrorCode;
use super::secret::AuthorizationCode;
use crate::problem::UserFacing;
use thiserror::Error;
use url::Url;

/// Parameters of an authorization response that must leave the address bar at once.
const RESPONSE_PARAMETERS: [&str; 7] = [
    "code",
    "state",
    "error",
    "error_description",
    "error_uri",
    "iss",
    "session_state",
];

/// What the authorization server sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackResponse {
    /// Success: a code for this state.
    Code {
        /// The authorization code.
        code: AuthorizationCode,
        /// The state it answers.
        state: State,
    },
    /// Refusal (RFC 6749 §4.1.2.1).
    Error {
        /// The error code.
        code: OAuthErrorCode,
        /// `error_description`, server text shown as text.
        description: Option<String>,
        /// `error_uri`, kept only when it is an https or http URL; shown as text, never a link.
        uri: Option<String>,
        /// The state, if the server sent one.
        state: Option<State>,
    },
}

impl CallbackResponse {
    /// The state the response answers, when it names one.
    pub fn state(&self) -> Option<&State> {
        match self {
            CallbackResponse::Code { state, .. } => Some(state),
            CallbackResponse::Error { state, .. } => state.as_ref(),
        }
    }
}

/// Reads the callback URL. RFC 6749 §3.1: a parameter sent more than once is an error, and an
/// empty one counts as absent.
pub fn parse_callback(url: &Url) -> Result<CallbackResponse, CallbackError> {
    parse_response(url.query_pairs())
}

/// The authorization response parameters of the callback URL, as the address carried them:
/// what a sign-in window hands back to the frame that opened it.
pub fn response_parameters(url: &Url) -> Vec<(String, String)> {
    url.query_pairs()
        .filter(|(name, _)| RESPONSE_PARAMETERS.contains(&name.as_ref()))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect()
}

/// Reads an authorization response from its parameters, wherever they arrived (the address,
/// or a message from a sign-in window), by the rules of [`parse_callback`].
pub fn parse_response<N, V>(
    pairs: impl IntoIterator<Item = (N, V)>,
) -> Result<CallbackResponse, CallbackError>
where
    N: AsRef<str> + Into<String>,
    V: AsRef<str> + Into<String>,
{
    let mut seen: Vec<(String, String)> = Vec::new();
    for (name, value) in pairs {
        if !RESPONSE_PARAMETERS.contains(&name.as_ref()) {
            continue;
        }
        if seen.iter().any(|(n, _)| n == name.as_ref()) {
            return Err(CallbackError::RepeatedParameter(name.into()));
        }
        if !value.as_ref().is_empty() {
            seen.push((name.into(), value.into()));
        }
    }
    let get = |name: &str| seen.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let state = get("state").map(|s| State::from_callback(&s));
    if let Some(error) = get("error") {
        return Ok(CallbackResponse::Error {
            code: OAuthErrorCode::parse(&error),
            description: get("error_description"),
            uri: get("error_uri")
                .and_then(|u| Url::parse(&u).ok())
                .filter(|u| matches!(u.scheme(), "https" | "http"))
                .map(String::from),
            state,
        });
    }
    match (get("code"), state) {
        (Some(code), Some(state)) => Ok(CallbackResponse::Code {
            code: AuthorizationCode::new(code),
            state,
        }),
        (Some(_), None) => Err(CallbackError::MissingState),
        (None, _) => Err(CallbackError::NoAuthorizationResponse),
    }
}

/// The callback URL with the authorization response removed, for `history.replaceState`.
pub fn cleaned_url(url: &Url) -> Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !RESPONSE_PARAMETERS.contains(&name.as_ref()))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let mut cleaned = url.clone();
    cleaned.set_fragment(None);
    if kept.is_empty() {
        cleaned.set_query(None);
    } else {
        cleaned.query_pairs_mut().clear().extend_pairs(kept);
    }
    cleaned
}

/// Proof that a code arrived with the state of a live in-flight record. Only [`verify`] makes
/// one, and the token request consumes it, so an unverified code cannot be exchanged.
#[derive(Debug)]
pub struct StateVerified {
    pub(super) code: AuthorizationCode,
    pub(super) record: InFlightRecord,
}

impl StateVerified {
    /// The record this callback completed.
    pub fn record(&self) -> &InFlightRecord {
        &self.record
    }
}

/// Matches the response to the record the shell took out of storage for its state (already
/// deleted there, so a second use of the same state finds none).
pub fn verify(
    response: CallbackResponse,
    record: Option<InFlightRecord>,
    now_ms: u64,
) -> Result<StateVerified, CallbackError> {
    let (presented, code) = match response {
        CallbackResponse::Code { code, state } => (state, Some(code)),
        CallbackResponse::Error {
            code,
            description,
            uri,
            state,
        } => {
            // An error answering none of our requests may be forged: it gets the same
            // answer as an unknown state, and no server words are repeated.
            let ours = matches!((&state, &record), (Some(s), Some(r)) if *s == r.state);
            if !ours {
                return Err(CallbackError::UnknownState);
            }
            let launch = record.map(|r| r.launch).unwrap_or(LaunchKind::Standalone);
            return Err(CallbackError::Refused {
                code,
                description,
                uri,
                launch,
            });
        }
    };
    let record = record.ok_or(CallbackError::UnknownState)?;
    if record.state != presented {
        return Err(CallbackError::UnknownState);
    }
    if record.is_expired(now_ms) {
        return Err(CallbackError::Expired);
    }
    let code = code.ok_or(CallbackError::NoAuthorizationResponse)?;
    Ok(StateVerified { code, record })
}

/// Why the callback cannot continue.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CallbackError {
    /// Neither `code` nor `error` in the URL.
    #[error("no authorization response in the URL")]
    NoAuthorizationResponse,
    /// A code without a state.
    #[error("code without state")]
    MissingState,
    /// A parameter appeared twice.
    #[error("parameter {0} repeated")]
    RepeatedParameter(String),
    /// No live in-flight record has this state: tampered, replayed, or from another tab.
    #[error("unknown or used state")]
    UnknownState,
    /// The record is older than ten minutes.
    #[error("authorization took too long")]
    Expired,
    /// The authorization server refused (e.g. `access_denied`).
    #[error("authorization refused: {}", code.as_str())]
    Refused {
        /// The OAuth error code.
        code: OAuthErrorCode,
        /// The server's description.
        description: Option<String>,
        /// The server's help page.
        uri: Option<String>,
        /// How the launch began, to say how to try again.
        launch: LaunchKind,
    },
}

impl UserFacing for CallbackError {
    fn title(&self) -> String {
        match self {
            CallbackError::Refused {
                code: OAuthErrorCode::AccessDenied,
                ..
            } => "Access was not granted".into(),
            CallbackError::Refused { .. } => "Sign-in was refused".into(),
            CallbackError::Expired => "The sign-in took too long".into(),
            _ => "This sign-in cannot be completed".into(),
        }
    }

    fn message(&self) -> String {
        match self {
            CallbackError::NoAuthorizationResponse => {
                "This page finishes a sign-in, but the address holds no answer from a sign-in \
                 server."
                    .into()
            }
            CallbackError::MissingState => {
                "The sign-in server's answer has no \"state\", so Bedside cannot tell whether it \
                 answers a request Bedside made."
                    .into()
            }
            CallbackError::RepeatedParameter(name) => format!(
                "The sign-in server's answer contains \"{name}\" more than once, which is not \
                 allowed."
            ),
            CallbackError::UnknownState => {
                "This sign-in answer does not match any sign-in Bedside started in this browser \
                 tab (its \"state\" is unknown or was already used)."
                    .into()
            }
            CallbackError::Expired => {
                "More than ten minutes passed between starting the sign-in and returning to \
                 Bedside, so it was abandoned for safety."
                    .into()
            }
            CallbackError::Refused {
                code,
                description,
                uri,
                ..
            } => {
                let mut text = code.sentence();
                if let Some(words) = description {
                    text.push_str(&format!(" The server said: \u{201c}{words}\u{201d}"));
                }
                if let Some(page) = uri {
                    text.push_str(&format!(" More information: {page}"));
                }
                text
            }
        }
    }

    fn hint(&self) -> Option<String> {
        let again = match self {
            CallbackError::Refused {
                launch: LaunchKind::Ehr { .. },
                ..
            } => "Open Bedside again from your EHR.",
            _ => "Open the app from your EHR or start again.",
        };
        Some(again.into())
    }
}

#[cfg(test)]
#[path = "callback_tests.rs"]
mod tests;
