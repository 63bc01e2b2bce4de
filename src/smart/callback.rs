//! The redirect back from the authorization server (RFC 6749 §4.1.2 and §4.1.2.1): parsed,
//! matched to its in-flight record by `state`, and turned into a [`StateVerified`] proof that
//! alone can build the token request.

use super::authorize::{InFlightRecord, LaunchKind, State};
use super::oauth_error::OAuthErrorCode;
use super::secret::AuthorizationCode;
use crate::problem::{quoted, UserFacing};
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

/// What the authorization server sent back, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackResponse {
    /// The code, or the refusal.
    pub answer: Answer,
    /// `iss` (RFC 9207 §2): the issuer identifier of the server that answered, when it says.
    pub iss: Option<String>,
    /// The address the answer arrived at, without query or fragment: which of Bedside's
    /// redirect URIs the server sent the browser to.
    pub arrived_at: Url,
}

/// The authorization response proper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
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
        match &self.answer {
            Answer::Code { state, .. } => Some(state),
            Answer::Error { state, .. } => state.as_ref(),
        }
    }
}

/// Reads the callback URL. RFC 6749 §3.1: a parameter sent more than once is an error, and an
/// empty one counts as absent.
pub fn parse_callback(url: &Url) -> Result<CallbackResponse, CallbackError> {
    parse_response(url, url.query_pairs())
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
/// or a message from a sign-in window, which names the address it was opened on as
/// `arrived_at`), by the rules of [`parse_callback`].
pub fn parse_response<N, V>(
    arrived_at: &Url,
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
    let answer = match (get("error"), get("code"), state) {
        (Some(error), _, state) => Answer::Error {
            code: OAuthErrorCode::parse(&error),
            description: get("error_description"),
            uri: get("error_uri")
                .and_then(|u| Url::parse(&u).ok())
                .filter(|u| matches!(u.scheme(), "https" | "http"))
                .map(String::from),
            state,
        },
        (None, Some(code), Some(state)) => Answer::Code {
            code: AuthorizationCode::new(code),
            state,
        },
        (None, Some(_), None) => return Err(CallbackError::MissingState),
        (None, None, _) => return Err(CallbackError::NoAuthorizationResponse),
    };
    Ok(CallbackResponse {
        answer,
        iss: get("iss"),
        arrived_at: address_only(arrived_at),
    })
}

/// `url` without query and fragment: the redirect URI an answer arrived at.
pub fn address_only(url: &Url) -> Url {
    let mut address = url.clone();
    address.set_query(None);
    address.set_fragment(None);
    address
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
/// deleted there, so a second use of the same state finds none), then checks that the answer
/// came from the server the record was made for (see [`check_origin_of_answer`]).
pub fn verify(
    response: CallbackResponse,
    record: Option<InFlightRecord>,
    now_ms: u64,
) -> Result<StateVerified, CallbackError> {
    let CallbackResponse {
        answer,
        iss,
        arrived_at,
    } = response;
    let record = match (&answer, record) {
        (Answer::Code { state, .. }, Some(record))
        | (
            Answer::Error {
                state: Some(state), ..
            },
            Some(record),
        ) if *state == record.state => record,
        // Some servers drop `state` from errors. Such an answer cannot be tied to a sign-in,
        // so it proves nothing, but its words usually say what was wrong: they are shown,
        // marked as the server's and not verified (RFC 6749 §4.1.2.1).
        (
            Answer::Error {
                code,
                description,
                uri,
                state: None,
            },
            _,
        ) => {
            return Err(CallbackError::RefusedWithoutState {
                code: code.clone(),
                description: description.clone(),
                uri: uri.clone(),
            })
        }
        // An error answering none of our requests may be forged: it gets the same answer as
        // an unknown state, and no server words are repeated.
        _ => return Err(CallbackError::UnknownState),
    };
    if record.is_expired(now_ms) {
        return Err(CallbackError::Expired);
    }
    check_origin_of_answer(&record, &arrived_at, iss.as_deref())?;
    match answer {
        Answer::Code { code, .. } => Ok(StateVerified { code, record }),
        Answer::Error {
            code,
            description,
            uri,
            ..
        } => Err(CallbackError::Refused {
            code,
            description,
            uri,
            launch: record.launch,
        }),
    }
}

/// The mix-up defence (RFC 9700 §4.4.2): an answer counts only when it arrived at the
/// redirect URI the record was sent with (same origin and path; each server may have its own)
/// and, per RFC 9207 §2.4, when its `iss` equals the issuer the record was made for, compared
/// as plain strings (RFC 3986 §6.2.1). Without `iss` it counts only if the server did not
/// advertise `authorization_response_iss_parameter_supported`.
pub fn check_origin_of_answer(
    record: &InFlightRecord,
    arrived_at: &Url,
    iss: Option<&str>,
) -> Result<(), CallbackError> {
    let expected = &record.redirect_uri;
    if arrived_at.origin() != expected.origin() || arrived_at.path() != expected.path() {
        return Err(CallbackError::WrongRedirectUri {
            server: record.fhir_base.to_string(),
            expected: address_only(expected).to_string(),
            arrived_at: arrived_at.to_string(),
        });
    }
    let server = &record.authorization_server;
    match iss {
        Some(named) if named != server.issuer => Err(CallbackError::IssuerMismatch {
            expected: server.issuer.clone(),
            received: named.to_owned(),
        }),
        None if server.requires_iss => Err(CallbackError::IssuerMissing {
            expected: server.issuer.clone(),
        }),
        _ => Ok(()),
    }
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
    /// The answer arrived at a redirect URI other than the one the sign-in was sent with:
    /// another server answered (mix-up).
    #[error("answer arrived at {arrived_at}, expected {expected}")]
    WrongRedirectUri {
        /// The FHIR server the sign-in was for.
        server: String,
        /// The redirect URI sent with the sign-in.
        expected: String,
        /// Where the answer arrived.
        arrived_at: String,
    },
    /// `iss` names another server than the one the sign-in was sent to (RFC 9207).
    #[error("iss {received} differs from {expected}")]
    IssuerMismatch {
        /// The issuer the sign-in was sent to.
        expected: String,
        /// The `iss` the answer carried, from the address bar.
        received: String,
    },
    /// The server promised `iss` in every answer and this one has none (RFC 9207 §2.4).
    #[error("iss missing, expected {expected}")]
    IssuerMissing {
        /// The issuer the sign-in was sent to.
        expected: String,
    },
    /// An error answer without `state`: it cannot be tied to a sign-in.
    #[error("authorization error without state: {}", code.as_str())]
    RefusedWithoutState {
        /// The OAuth error code.
        code: OAuthErrorCode,
        /// The server's description, unverified.
        description: Option<String>,
        /// The server's help page, unverified.
        uri: Option<String>,
    },
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
            CallbackError::Refused { .. } | CallbackError::RefusedWithoutState { .. } => {
                "Sign-in was refused".into()
            }
            CallbackError::Expired => "The sign-in took too long".into(),
            CallbackError::WrongRedirectUri { .. }
            | CallbackError::IssuerMismatch { .. }
            | CallbackError::IssuerMissing { .. } => {
                "The sign-in answer did not come from the server you signed in to".into()
            }
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
            CallbackError::WrongRedirectUri {
                server,
                expected,
                arrived_at,
            } => format!(
                "Bedside sent this sign-in to {server}, to come back to {expected}, but the \
                 answer came back to {}, the address of another server's sign-in. Another \
                 server may have passed your sign-in on (a \"mix-up\" attack), so Bedside \
                 did not use the answer and sent its code nowhere.",
                quoted(arrived_at)
            ),
            CallbackError::IssuerMismatch { expected, received } => format!(
                "Bedside sent this sign-in to the server {expected}, but the answer says it \
                 comes from {} (its \"iss\"). Another server may have passed your sign-in on \
                 (a \"mix-up\" attack), so Bedside did not use the answer and sent its code \
                 nowhere.",
                quoted(received)
            ),
            CallbackError::IssuerMissing { expected } => format!(
                "The server {expected} announces that every answer it sends names it (\"iss\"), \
                 but this answer names no server, so it may not come from there. Bedside did \
                 not use it and sent its code nowhere."
            ),
            CallbackError::RefusedWithoutState {
                code,
                description,
                uri,
            } => {
                let mut text = code.sentence();
                text.push_str(
                    " The answer carries no \"state\", so Bedside cannot tell which sign-in it \
                     answers, nor vouch for the server's words.",
                );
                push_server_words(&mut text, description.as_deref(), uri.as_deref(), true);
                text
            }
            CallbackError::Refused {
                code,
                description,
                uri,
                ..
            } => {
                let mut text = code.sentence();
                push_server_words(&mut text, description.as_deref(), uri.as_deref(), false);
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
            CallbackError::RefusedWithoutState { .. } => {
                "Open the app from your EHR or start again. If it happens again, show this \
                 message to whoever set Bedside up: the server's words usually name the setting \
                 that is wrong (client id, redirect URI or scope)."
            }
            CallbackError::WrongRedirectUri { .. }
            | CallbackError::IssuerMismatch { .. }
            | CallbackError::IssuerMissing { .. } => {
                "Start again and choose the server you mean to use. If this happens again, tell \
                 whoever set Bedside up: a server on its list may be misconfigured or hostile."
            }
            _ => "Open the app from your EHR or start again.",
        };
        Some(again.into())
    }
}

// The server's own words, quoted and capped; `unverified` says so when nothing ties them to
// the server Bedside signed in to.
fn push_server_words(
    text: &mut String,
    description: Option<&str>,
    uri: Option<&str>,
    unverified: bool,
) {
    let said = if unverified {
        "The server's own words (not verified by Bedside):"
    } else {
        "The server said:"
    };
    if let Some(words) = description {
        text.push_str(&format!(" {said} {}", quoted(words)));
    }
    if let Some(page) = uri {
        text.push_str(&format!(" More information: {}", quoted(page)));
    }
}

#[cfg(test)]
#[path = "callback_tests.rs"]
mod tests;
