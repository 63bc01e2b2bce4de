//! HTML of the sandbox's own pages (EHR, consent, errors): escaping, the shared layout and
//! the security headers. Every interpolated string goes through [`escape`]; patient names
//! in the data contain markup on purpose.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The Content-Security-Policy of every sandbox page.
pub(crate) const CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'";

/// Escapes text for use in element content and in double- or single-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2733;background:#f3f5f8}
header.ehr{display:flex;align-items:center;gap:1.5rem;height:56px;padding:0 1.25rem;background:#1f3a5f;color:#fff}
header.ehr a{color:#cfe0f5}
header.ehr .brand{font-weight:600;letter-spacing:.02em}
main{max-width:1100px;margin:1.5rem auto;padding:0 1.25rem}
.card{background:#fff;border:1px solid #d8dee6;border-radius:8px;padding:1.25rem 1.5rem;margin-bottom:1rem}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:.55rem .7rem;border-bottom:1px solid #e3e7ed}
th{background:#eef2f6;font-weight:600;font-size:.85rem;text-transform:uppercase;letter-spacing:.03em}
a{color:#1b5fa8}
.actions a{margin-right:1rem}
.muted{color:#5c6b7a}
.message{padding:.6rem .8rem;border-radius:6px;background:#fdecea;color:#8a1c13;border:1px solid #f5c2bc}
label{display:block;margin:.35rem 0}
.patient-option{padding:.2rem 0}
input[type=text],input[type=password]{padding:.4rem .5rem;border:1px solid #b8c2cc;border-radius:4px;width:16rem}
fieldset{border:1px solid #d8dee6;border-radius:6px;margin:1rem 0;padding:.75rem 1rem}
button{font:inherit;padding:.5rem 1.2rem;border-radius:5px;border:1px solid #1f3a5f;cursor:pointer;margin-right:.5rem}
button#allow{background:#1f3a5f;color:#fff}
button#deny{background:#fff;color:#1f3a5f}
code{font-size:.9em}
";

/// A whole page; `title` is text, `body` is markup built from escaped parts.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n",
        escape(title)
    )
}

/// Sends a page with the sandbox's CSP, or a stricter `csp` when given.
pub(crate) fn respond(status: StatusCode, html: String, csp: Option<String>) -> Response {
    let csp = csp.unwrap_or_else(|| CSP.to_string());
    let csp = HeaderValue::from_str(&csp).unwrap_or(HeaderValue::from_static(CSP));
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        html,
    )
        .into_response()
}

/// The sandbox's error page: used where redirecting would be unsafe (unknown client,
/// unregistered redirect URI) or impossible.
pub(crate) fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<header class=\"ehr\"><span class=\"brand\">Sandbox EHR</span></header>\n\
<main><div class=\"card\"><h1 id=\"error-title\">{}</h1><p id=\"error-message\">{}</p></div></main>",
        escape(title),
        escape(message)
    );
    respond(status, page(title, &body), None)
}

/// Makes a page refuse to be framed by anyone: `X-Frame-Options: DENY` and
/// `frame-ancestors 'none'` added to its CSP (what many EHRs do on their sign-in pages).
pub(crate) fn refuse_framing(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or(CSP)
        .to_string();
    let csp = format!("{csp}; frame-ancestors 'none'");
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// [`refuse_framing`] when `refuse` is set, else the response unchanged.
pub(crate) fn framing(response: Response, refuse: bool) -> Response {
    if refuse {
        refuse_framing(response)
    } else {
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_become_entities() {
        assert_eq!(
            escape("<b>Bold</b> & \"quotes\" 'x'"),
            "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quotes&quot; &#39;x&#39;"
        );
    }

    #[test]
    fn the_page_title_is_escaped() {
        assert!(page("<script>", "").contains("<title>&lt;script&gt;</title>"));
    }
}
