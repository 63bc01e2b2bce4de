//! The `error` codes of RFC 6749 §4.1.2.1 (authorization) and §5.2 (token), each with a plain
//! sentence: the codes are for machines, the sentences for the clinician.

/// An OAuth error code; unknown codes are kept as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthErrorCode {
    /// `invalid_request`.
    InvalidRequest,
    /// `invalid_client`.
    InvalidClient,
    /// `invalid_grant`.
    InvalidGrant,
    /// `unauthorized_client`.
    UnauthorizedClient,
    /// `access_denied`.
    AccessDenied,
    /// `unsupported_response_type`.
    UnsupportedResponseType,
    /// `unsupported_grant_type`.
    UnsupportedGrantType,
    /// `invalid_scope`.
    InvalidScope,
    /// `server_error`.
    ServerError,
    /// `temporarily_unavailable`.
    TemporarilyUnavailable,
    /// Anything else.
    Other(String),
}

impl OAuthErrorCode {
    /// Reads a code as written by the server.
    pub fn parse(code: &str) -> Self {
        match code {
            "invalid_request" => OAuthErrorCode::InvalidRequest,
            "invalid_client" => OAuthErrorCode::InvalidClient,
            "invalid_grant" => OAuthErrorCode::InvalidGrant,
            "unauthorized_client" => OAuthErrorCode::UnauthorizedClient,
            "access_denied" => OAuthErrorCode::AccessDenied,
            "unsupported_response_type" => OAuthErrorCode::UnsupportedResponseType,
            "unsupported_grant_type" => OAuthErrorCode::UnsupportedGrantType,
            "invalid_scope" => OAuthErrorCode::InvalidScope,
            "server_error" => OAuthErrorCode::ServerError,
            "temporarily_unavailable" => OAuthErrorCode::TemporarilyUnavailable,
            other => OAuthErrorCode::Other(other.to_owned()),
        }
    }

    /// The code as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::UnauthorizedClient => "unauthorized_client",
            OAuthErrorCode::AccessDenied => "access_denied",
            OAuthErrorCode::UnsupportedResponseType => "unsupported_response_type",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::InvalidScope => "invalid_scope",
            OAuthErrorCode::ServerError => "server_error",
            OAuthErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            OAuthErrorCode::Other(code) => code,
        }
    }

    /// What the code means, in plain words.
    pub fn sentence(&self) -> String {
        match self {
            OAuthErrorCode::InvalidRequest => {
                "The sign-in server rejected the request as incomplete or malformed.".into()
            }
            OAuthErrorCode::InvalidClient => {
                "The sign-in server does not recognise Bedside (unknown client id).".into()
            }
            OAuthErrorCode::InvalidGrant => {
                "The sign-in could not be completed: the authorization was invalid, expired or \
                 already used."
                    .into()
            }
            OAuthErrorCode::UnauthorizedClient => {
                "Bedside is not allowed to sign in this way on this server.".into()
            }
            OAuthErrorCode::AccessDenied => "Access was declined, so Bedside cannot show \
                                             the record."
                .into(),
            OAuthErrorCode::UnsupportedResponseType | OAuthErrorCode::UnsupportedGrantType => {
                "The sign-in server does not support the sign-in method Bedside uses.".into()
            }
            OAuthErrorCode::InvalidScope => {
                "The sign-in server refused the access Bedside asked for (invalid scope).".into()
            }
            OAuthErrorCode::ServerError => "The sign-in server had an internal error.".into(),
            OAuthErrorCode::TemporarilyUnavailable => {
                "The sign-in server is temporarily unavailable.".into()
            }
            OAuthErrorCode::Other(code) => {
                format!(
                    "The sign-in server reported an error ({}).",
                    crate::problem::quoted(code)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rfc6749_code_round_trips_and_unknown_codes_are_kept() {
        for code in [
            "invalid_request",
            "invalid_client",
            "invalid_grant",
            "unauthorized_client",
            "access_denied",
            "unsupported_response_type",
            "unsupported_grant_type",
            "invalid_scope",
            "server_error",
            "temporarily_unavailable",
            "vendor_specific",
        ] {
            assert_eq!(OAuthErrorCode::parse(code).as_str(), code);
        }
        assert_eq!(
            OAuthErrorCode::parse("vendor_specific"),
            OAuthErrorCode::Other("vendor_specific".into())
        );
    }
}
