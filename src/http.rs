//! HTTP exchanges as values: the pure layers build [`HttpRequest`]s and interpret
//! [`HttpResponse`]s; only `browser::http` sends anything.

use url::Url;

/// The methods Bedside uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A safe read.
    Get,
    /// A form or JSON submission.
    Post,
}

/// What a request is for, named where it is built, so that nothing downstream (the launch
/// inspector) has to guess it from the request's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The app's own `config.json`.
    Config,
    /// The FHIR server's `.well-known/smart-configuration`.
    SmartConfiguration,
    /// The FHIR server's CapabilityStatement (`metadata`).
    CapabilityStatement,
    /// The authorization code exchanged for tokens.
    Token,
    /// A refresh token exchanged for a new access token.
    Refresh,
    /// A token revoked at sign-out (RFC 7009).
    Revoke,
    /// The signing keys (JWKS) that check an id_token.
    Identity,
    /// A FHIR read of one resource.
    FhirRead,
    /// A FHIR search, or a further page of one.
    FhirSearch,
    /// A FHIR search read for its first page only (the newest results, as many as the section
    /// shows): no request follows its answer.
    FhirNewest,
    /// The EHR's style document.
    Style,
}

/// A request to be performed by the shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// What it is for.
    pub purpose: Purpose,
    /// GET or POST.
    pub method: Method,
    /// Absolute target URL.
    pub url: Url,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// Body text for POST.
    pub body: Option<String>,
}

impl HttpRequest {
    /// A GET for `purpose` that asks for the given media type.
    pub fn get(purpose: Purpose, url: Url, accept: &str) -> Self {
        HttpRequest {
            purpose,
            method: Method::Get,
            url,
            headers: vec![("Accept".into(), accept.into())],
            body: None,
        }
    }

    /// A POST for `purpose` of `application/x-www-form-urlencoded` pairs, escaped per the HTML
    /// form rules that RFC 6749 §B requires.
    pub fn post_form(purpose: Purpose, url: Url, pairs: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        HttpRequest {
            purpose,
            method: Method::Post,
            url,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("Accept".into(), "application/json".into()),
            ],
            body: Some(body),
        }
    }

    /// Whether the browser may follow a redirect for this request. Only a GET without an
    /// `Authorization` header may: following a redirect would carry a bearer token (or a POST's
    /// code, verifier or refresh token) wherever the server pointed, outside the server it was
    /// meant for (RFC 9700 §4.12, "307 Redirect").
    pub fn may_follow_redirects(&self) -> bool {
        self.method == Method::Get && self.header("authorization").is_none()
    }

    /// Whether a page may have preloaded this request: `launch.html` preloads the app's own
    /// `config.json` (`<link rel=preload as=fetch crossorigin>`). The browser hands a preloaded
    /// answer only to a request sent the way the preload was, with same-origin credentials and
    /// the HTTP cache's default mode; every other request omits credentials and the cache.
    pub fn may_be_preloaded(&self) -> bool {
        self.purpose == Purpose::Config
    }

    /// Whether the request goes out at low priority (the fetch `priority` hint): the browser
    /// has a few connections per server and gives a free one to the most urgent request
    /// waiting. Low: the EHR's style document and the keys that check the id_token (not needed
    /// to show the patient), and searches read for their newest page only (no request waits on
    /// their answer). The rest keep the default, so the next page of a paged search, asked for
    /// when the page before it arrives, does not queue behind requests sent before it.
    pub fn low_priority(&self) -> bool {
        matches!(
            self.purpose,
            Purpose::Style | Purpose::Identity | Purpose::FhirNewest
        )
    }

    /// The value of a header, compared case-insensitively by name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// What came back, with the body read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body as text.
    pub body: String,
}

impl HttpResponse {
    /// A 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why no response arrived. Browsers hide the reason for a failed fetch (a CORS refusal, a
/// refused connection and a DNS failure look alike), so this carries only what the shell saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkFailure {
    /// What kind of failure the shell saw.
    pub kind: FailureKind,
    /// The browser's description, for the details panel only.
    pub detail: String,
}

/// The kinds of failure the shell can tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No answer came: the server is down, unreachable, or refused this origin (CORS).
    Unreachable,
    /// No answer came before the deadline, so the request was abandoned.
    TimedOut {
        /// The deadline, in seconds.
        seconds: u32,
    },
    /// The server answered with a redirect, which a request carrying credentials never
    /// follows (see [`HttpRequest::may_follow_redirects`]).
    Redirected,
    /// The browser refused to build the request (e.g. a header value it does not allow).
    Unsendable,
}

impl NetworkFailure {
    /// A failure of `kind`, with the browser's words.
    pub fn new(kind: FailureKind, detail: impl Into<String>) -> Self {
        NetworkFailure {
            kind,
            detail: detail.into(),
        }
    }

    /// No answer arrived (the usual failed fetch).
    pub fn unreachable(detail: impl Into<String>) -> Self {
        NetworkFailure::new(FailureKind::Unreachable, detail)
    }
}

/// The outcome of performing an [`HttpRequest`].
pub type HttpResult = Result<HttpResponse, NetworkFailure>;

/// A body's bytes as text, as the Fetch standard's "UTF-8 decode" reads them (what
/// `Response.text()` does): a leading byte order mark is dropped and invalid sequences become
/// U+FFFD.
pub fn body_text(bytes: Vec<u8>) -> String {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://ehr.example/fhir/Condition").unwrap()
    }

    #[test]
    fn only_the_apps_own_config_may_be_preloaded() {
        let url = Url::parse("https://app.example/config.json").unwrap();
        assert!(
            HttpRequest::get(Purpose::Config, url.clone(), "application/json").may_be_preloaded()
        );
        for purpose in [
            Purpose::SmartConfiguration,
            Purpose::CapabilityStatement,
            Purpose::FhirRead,
        ] {
            assert!(!HttpRequest::get(purpose, url.clone(), "application/json").may_be_preloaded());
        }
        assert!(!HttpRequest::post_form(Purpose::Token, url, &[]).may_be_preloaded());
    }

    #[test]
    fn the_style_document_the_signing_keys_and_newest_only_searches_go_at_low_priority() {
        for purpose in [Purpose::Style, Purpose::Identity, Purpose::FhirNewest] {
            assert!(HttpRequest::get(purpose, url(), "application/json").low_priority());
        }
    }

    #[test]
    fn paged_searches_reads_and_the_sign_in_keep_the_default_priority() {
        for purpose in [
            Purpose::Config,
            Purpose::SmartConfiguration,
            Purpose::CapabilityStatement,
            Purpose::FhirRead,
            Purpose::FhirSearch,
        ] {
            let request = HttpRequest::get(purpose, url(), "application/fhir+json");
            assert!(!request.low_priority());
        }
        for purpose in [Purpose::Token, Purpose::Refresh, Purpose::Revoke] {
            assert!(!HttpRequest::post_form(purpose, url(), &[]).low_priority());
        }
    }

    #[test]
    fn a_get_without_credentials_may_follow_redirects() {
        assert!(HttpRequest::get(Purpose::Config, url(), "application/json").may_follow_redirects());
    }

    #[test]
    fn a_request_with_a_bearer_token_never_follows_redirects() {
        let mut request = HttpRequest::get(Purpose::FhirRead, url(), "application/fhir+json");
        request
            .headers
            .push(("authorization".into(), "Bearer abc".into()));
        assert!(!request.may_follow_redirects());
    }

    #[test]
    fn a_form_post_never_follows_redirects() {
        let request = HttpRequest::post_form(Purpose::Token, url(), &[("code", "c")]);
        assert!(!request.may_follow_redirects());
    }

    #[test]
    fn a_byte_order_mark_before_a_body_is_not_text() {
        assert_eq!(body_text(b"\xEF\xBB\xBF{}".to_vec()), "{}");
    }

    #[test]
    fn invalid_utf8_in_a_body_becomes_replacement_characters() {
        assert_eq!(body_text(b"a\xFFb".to_vec()), "a\u{FFFD}b");
    }

    #[test]
    fn a_utf8_body_is_read_as_written() {
        assert_eq!(body_text("Zoë".as_bytes().to_vec()), "Zoë");
    }
}
