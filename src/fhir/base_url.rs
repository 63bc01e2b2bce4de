//! [`FhirBaseUrl`]: the `iss` of a launch and the `aud` of its authorization, normalized once so
//! that comparisons (allow-list, `aud`, token binding) are exact string comparisons.

use std::fmt;
use thiserror::Error;
use url::Url;

/// An absolute `http(s)` FHIR base URL without query, fragment, credentials or trailing slash.
/// Plain `http` is allowed only for loopback hosts: a bearer token must not cross a network in
/// clear text (SMART App Launch, "Security and Privacy Considerations").
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FhirBaseUrl(Url);

/// Why a string is not a usable FHIR base URL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BaseUrlError {
    /// Not a URL at all.
    #[error("\"{0}\" is not a web address")]
    NotAUrl(String),
    /// A scheme other than https (or http on loopback).
    #[error("\"{0}\" must start with https:// (plain http is allowed only for localhost)")]
    InsecureOrUnsupportedScheme(String),
    /// Has a query or a fragment, which a base URL cannot have.
    #[error("\"{0}\" must not contain a query (?) or a fragment (#)")]
    HasQueryOrFragment(String),
    /// Has user:password@ in it.
    #[error("\"{0}\" must not contain a user name or password")]
    HasCredentials(String),
}

impl FhirBaseUrl {
    /// Parses and normalizes (`https://ehr.example/fhir/` and `https://EHR.example/fhir` are the
    /// same server).
    pub fn parse(input: &str) -> Result<Self, BaseUrlError> {
        let trimmed = input.trim();
        let url = Url::parse(trimmed).map_err(|_| BaseUrlError::NotAUrl(trimmed.to_owned()))?;
        if !secure_transport(&url) {
            return Err(BaseUrlError::InsecureOrUnsupportedScheme(
                trimmed.to_owned(),
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlError::HasQueryOrFragment(trimmed.to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(BaseUrlError::HasCredentials(trimmed.to_owned()));
        }
        let mut normalized = url;
        let path = normalized.path().trim_end_matches('/').to_owned();
        normalized.set_path(&path);
        Ok(FhirBaseUrl(normalized))
    }

    /// The normalized text, e.g. `https://ehr.example/fhir`.
    pub fn as_str(&self) -> &str {
        // `Url` keeps a lone "/" path for an empty one; the SMART `aud` must match the `iss`
        // the EHR sent, which never ends in a slash after normalization.
        self.0.as_str().trim_end_matches('/')
    }

    /// `{base}/{relative}`, e.g. `join("Patient/123")`.
    pub fn join(&self, relative: &str) -> Url {
        let joined = format!("{}/{}", self.as_str(), relative.trim_start_matches('/'));
        Url::parse(&joined).expect("a valid base joined with a path is a valid URL")
    }

    /// Resolves a possibly relative endpoint URL from a discovery document. SMART 2.2 allows
    /// endpoints relative to the FHIR base, so `auth/token` becomes `{base}/auth/token`.
    pub fn resolve(&self, reference: &str) -> Result<Url, url::ParseError> {
        let with_slash = Url::parse(&format!("{}/", self.as_str()))?;
        with_slash.join(reference)
    }

    /// True when `url` is this server: the same origin, and a path at or below the base path on
    /// a segment boundary (`/fhir` covers `/fhir/Patient` but not `/fhirevil`). The path is
    /// compared after percent-decoding (RFC 3986 §6.2.2.2), and one with a dot segment left in it
    /// (`..%2F`, `%2e%2e%5C`, `..;`, decoded once or more: RFC 3986 §5.2.4) is never covered: a
    /// server or proxy that decodes before routing would resolve it outside the base.
    pub fn covers(&self, url: &Url) -> bool {
        if url.origin() != self.0.origin() {
            return false;
        }
        let (Some(path), Some(base)) = (decoded_path(url.path()), decoded_path(self.0.path()))
        else {
            return false;
        };
        if path.split(|&b| b == b'/' || b == b'\\').any(is_dot_segment) {
            return false;
        }
        let base = base.strip_suffix(b"/").unwrap_or(&base);
        match path.strip_prefix(base) {
            Some(rest) => rest.is_empty() || rest.starts_with(b"/"),
            None => false,
        }
    }

    /// The server's origin, e.g. `https://ehr.example`, as written in allow-lists.
    pub fn origin(&self) -> String {
        self.0.origin().ascii_serialization()
    }
}

/// Decoding rounds after which a path that still changes is refused: more layers of encoding
/// than any honest server writes.
const DECODING_ROUNDS: usize = 3;

/// `path` percent-decoded until nothing changes (a server may decode more than once), or `None`
/// when it still changes after [`DECODING_ROUNDS`] or holds a control character (some servers
/// end a path at NUL).
fn decoded_path(path: &str) -> Option<Vec<u8>> {
    let mut current = path.as_bytes().to_vec();
    for _ in 0..DECODING_ROUNDS {
        let next = percent_decoded(&current);
        if next == current {
            return (!current.iter().any(u8::is_ascii_control)).then_some(current);
        }
        current = next;
    }
    None
}

fn percent_decoded(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = match bytes.get(index..index + 3) {
            Some([b'%', high, low]) => hex(*high).zip(hex(*low)),
            _ => None,
        };
        match escaped {
            Some((high, low)) => {
                out.push((high << 4) | low);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    out
}

// `..;x` counts too: Tomcat and servers like it drop `;` parameters before resolving dots.
fn is_dot_segment(segment: &[u8]) -> bool {
    let name = segment.split(|&b| b == b';').next().unwrap_or_default();
    name == b"." || name == b".."
}

/// True for `https`, and for plain `http` to a loopback host (where nothing crosses a network).
pub fn secure_transport(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => is_loopback(url),
        _ => false,
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl fmt::Display for FhirBaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for FhirBaseUrl {
    type Error = BaseUrlError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        FhirBaseUrl::parse(&value)
    }
}

impl From<FhirBaseUrl> for String {
    fn from(value: FhirBaseUrl) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> FhirBaseUrl {
        FhirBaseUrl::parse(s).unwrap()
    }

    #[test]
    fn trailing_slash_and_host_case_are_normalized_away() {
        assert_eq!(
            base("https://EHR.example/fhir/").as_str(),
            "https://ehr.example/fhir"
        );
        assert_eq!(base("https://ehr.example").as_str(), "https://ehr.example");
    }

    #[test]
    fn plain_http_is_refused_outside_loopback() {
        assert!(matches!(
            FhirBaseUrl::parse("http://ehr.example/fhir"),
            Err(BaseUrlError::InsecureOrUnsupportedScheme(_))
        ));
        assert!(FhirBaseUrl::parse("http://localhost:9000/fhir").is_ok());
        assert!(FhirBaseUrl::parse("http://127.0.0.1:9000/fhir").is_ok());
    }

    #[test]
    fn hostile_schemes_and_queries_are_refused() {
        assert!(FhirBaseUrl::parse("javascript:alert(1)").is_err());
        assert!(FhirBaseUrl::parse("https://ehr.example/fhir?x=1").is_err());
        assert!(FhirBaseUrl::parse("https://user:pw@ehr.example/fhir").is_err());
        assert!(FhirBaseUrl::parse("not a url").is_err());
    }

    #[test]
    fn relative_endpoints_resolve_below_the_base() {
        let b = base("https://ehr.example/fhir");
        assert_eq!(
            b.resolve("auth/token").unwrap().as_str(),
            "https://ehr.example/fhir/auth/token"
        );
        assert_eq!(
            b.resolve("/oauth/token").unwrap().as_str(),
            "https://ehr.example/oauth/token"
        );
        assert_eq!(
            b.resolve("https://auth.example/token").unwrap().as_str(),
            "https://auth.example/token"
        );
    }

    #[test]
    fn covers_only_same_origin_paths_below_the_base_on_a_segment_boundary() {
        let b = base("https://ehr.example/fhir");
        let yes = |s: &str| b.covers(&Url::parse(s).unwrap());
        assert!(yes("https://ehr.example/fhir/Patient/1"));
        assert!(yes("https://ehr.example/fhir"));
        assert!(!yes("https://ehr.example/fhirevil/Patient/1"));
        assert!(!yes("https://ehr.example/other/Patient/1"));
        assert!(!yes("https://evil.example/fhir/Patient/1"));
        assert!(!yes("http://ehr.example/fhir/Patient/1"));
        assert!(!yes("https://ehr.example:8443/fhir/Patient/1"));
    }

    #[test]
    fn percent_encoded_dot_segments_never_count_as_below_the_base() {
        let b = base("https://ehr.example/fhir");
        for hostile in [
            "https://ehr.example/fhir/..%2Foutside%2FCondition",
            "https://ehr.example/fhir/..%2foutside",
            "https://ehr.example/fhir/%2e%2e%2Foutside",
            "https://ehr.example/fhir/%2E%2E%2foutside",
            "https://ehr.example/fhir/.%2e%2Foutside",
            "https://ehr.example/fhir/%2e.%2Foutside",
            "https://ehr.example/fhir/..%5Coutside",
            "https://ehr.example/fhir/%2e%2e%5coutside",
            "https://ehr.example/fhir/Patient/..%2F..%2Foutside",
            "https://ehr.example/fhir/%252e%252e%252Foutside",
            "https://ehr.example/fhir/%25252e%25252e%25252Foutside",
            "https://ehr.example/fhir/..;/outside",
            "https://ehr.example/fhir/..;jsessionid=1/outside",
            "https://ehr.example/fhir/.%2F..%2Foutside",
            "https://ehr.example/fhir/Patient%2F..%2F..%2Foutside",
            "https://ehr.example/fhir/..%00/outside",
        ] {
            let url = Url::parse(hostile).unwrap();
            assert!(!b.covers(&url), "{hostile} (parsed as {url})");
        }
    }

    #[test]
    fn dot_segments_the_url_parser_resolves_leave_the_base_too() {
        // WHATWG URL resolves these while parsing (RFC 3986 §5.2.4), so the prefix check sees
        // the path they lead to.
        let b = base("https://ehr.example/fhir");
        for escaping in [
            "https://ehr.example/fhir/../outside",
            "https://ehr.example/fhir/%2e%2e/outside",
            "https://ehr.example/fhir/.%2E/outside",
            "https://ehr.example/fhir/..\\outside",
        ] {
            assert!(!b.covers(&Url::parse(escaping).unwrap()), "{escaping}");
        }
    }

    #[test]
    fn encoded_ordinary_characters_and_dotted_ids_stay_below_the_base() {
        let b = base("https://ehr.example/fhir");
        for fine in [
            "https://ehr.example/fhir/Patient/a.b-1",
            "https://ehr.example/fhir/Patient/...",
            "https://ehr.example/%66hir/Patient/1",
            "https://ehr.example/fhir/Observation?_getpages=a%2F..%2Fb&_page=2",
            "https://ehr.example/fhir/Binary/x%2Fy",
        ] {
            assert!(b.covers(&Url::parse(fine).unwrap()), "{fine}");
        }
    }

    // proptest is a native dev-dependency; the wasm build of these tests skips the property.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Where a server that decodes everything, treats `\\` as `/` and drops `;`
        /// parameters would route `path`: RFC 3986 §5.2.4 on the fully decoded segments.
        fn routed(path: &str) -> Vec<Vec<u8>> {
            let mut bytes = path.as_bytes().to_vec();
            for _ in 0..8 {
                bytes = percent_decoded(&bytes);
            }
            let mut out: Vec<Vec<u8>> = Vec::new();
            for segment in bytes.split(|&b| b == b'/' || b == b'\\').skip(1) {
                let name = segment.split(|&b| b == b';').next().unwrap_or_default();
                match name {
                    b"." => {}
                    b".." => {
                        out.pop();
                    }
                    _ => out.push(segment.to_vec()),
                }
            }
            out
        }

        const PIECES: [&str; 14] = [
            "..",
            ".",
            "%2e%2e",
            "%2E.",
            ".%2e",
            "..%2F",
            "%2F",
            "%5C",
            "%252e%252e",
            "..;",
            "Patient",
            "a.b",
            "fhir",
            "%66hir",
        ];

        proptest! {
            #[test]
            fn a_covered_url_routes_below_the_base_however_a_server_decodes_it(
                picks in proptest::collection::vec(0..PIECES.len(), 1..8)
            ) {
                let b = base("https://ehr.example/fhir");
                let tail: Vec<&str> = picks.iter().map(|&i| PIECES[i]).collect();
                let text = format!("https://ehr.example/fhir/{}", tail.join("/"));
                let url = Url::parse(&text).unwrap();
                if b.covers(&url) {
                    let route = routed(url.path());
                    prop_assert!(
                        route.first().map(Vec::as_slice) == Some(b"fhir".as_slice()),
                        "{} is covered but routes to {:?}", url, route
                    );
                }
            }
        }
    }

    #[test]
    fn join_appends_a_relative_path() {
        assert_eq!(
            base("https://ehr.example/fhir/")
                .join("Patient/123")
                .as_str(),
            "https://ehr.example/fhir/Patient/123"
        );
    }
}
