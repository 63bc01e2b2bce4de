//! The app origin: the built app directory with an SPA fallback (any GET path that is not a
//! file gets `index.html`, so every per-server callback path `callback/{name}` serves the app
//! too, and the start page `/` and `launch` get the light page `launch.html` where the build has
//! one), and a
//! `config.json` generated from the running sandbox (a
//! `config.json` file in the directory is ignored).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::html;
use crate::profile::{fhir_base, PROFILES};
use crate::state::{own_redirect_uri, Sandbox};

/// `config.json` as the app reads it.
#[derive(Serialize)]
struct Config {
    servers: Vec<Server>,
    other_servers: Option<Vec<Server>>,
    redirect_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_timeout_seconds: Option<u32>,
}

/// One SMART server the app may launch from.
#[derive(Serialize)]
struct Server {
    iss: String,
    name: String,
    client_id: String,
    standalone: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_uri: Option<String>,
}

/// `GET /config.json`: one server per profile, each with a redirect URI of its own (the
/// mix-up defence: an answer at another server's redirect URI is refused), then the extra
/// servers a test added, and the shared callback.
pub(crate) async fn config_json(State(sandbox): State<Arc<Sandbox>>) -> Response {
    let profiles = PROFILES.iter().map(|profile| Server {
        iss: fhir_base(&sandbox.ehr_origin, profile),
        name: profile.title.to_string(),
        client_id: sandbox.client.id.clone(),
        standalone: true,
        redirect_uri: Some(own_redirect_uri(&sandbox.app_base, profile.name)),
    });
    let extra = sandbox.extra_servers.iter().map(|server| Server {
        iss: server.iss.clone(),
        name: server.name.clone(),
        client_id: sandbox.client.id.clone(),
        standalone: true,
        redirect_uri: server
            .redirect_name
            .as_ref()
            .map(|name| own_redirect_uri(&sandbox.app_base, name)),
    });
    let config = Config {
        servers: profiles.chain(extra).collect(),
        other_servers: None,
        redirect_uri: format!("{}/callback", sandbox.app_base),
        request_timeout_seconds: sandbox.request_timeout_seconds,
    };
    let body = serde_json::to_string_pretty(&config).unwrap_or_default();
    file_response("application/json", body.into_bytes())
}

/// Any other request to the app origin: a file of the app, else `index.html`.
pub(crate) async fn serve(
    State(sandbox): State<Arc<Sandbox>>,
    method: Method,
    uri: Uri,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
        )
            .into_response();
    }
    let Some(dir) = sandbox.app_dir.as_deref() else {
        return not_built("The sandbox was started without --app-dir.");
    };
    if let Some(file) = resolve(dir, uri.path()).await {
        if let Ok(bytes) = tokio::fs::read(&file).await {
            let kind = content_type(&file);
            let mut response = file_response(kind, bytes);
            if is_hashed(&file) {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
            }
            return framed_only_by_the_ehr(&sandbox, response);
        }
    }
    let light = match light_page(uri.path()) {
        Some(page) => tokio::fs::read(dir.join(page)).await.ok(),
        None => None,
    };
    let page = match light {
        Some(bytes) => Ok(bytes),
        None => tokio::fs::read(dir.join("index.html")).await,
    };
    match page {
        Ok(bytes) => {
            framed_only_by_the_ehr(&sandbox, file_response("text/html; charset=utf-8", bytes))
        }
        Err(_) => not_built(&format!("There is no index.html in {}.", dir.display())),
    }
}

/// The light page that serves `path` in place of the app, when the build has it: the start
/// page and the EHR launch (`launch.html`, see `src/bin/launch.rs`), which load a small module
/// instead of the whole app.
fn light_page(path: &str) -> Option<&'static str> {
    matches!(path.trim_end_matches('/'), "" | "/launch").then_some("launch.html")
}

/// The page the app origin answers at `path` with the build in `dir`: the light page where it
/// serves that address and the build has one, else the whole app (`index.html`).
pub fn page_at(dir: &Path, path: &str) -> &'static str {
    light_page(path)
        .filter(|page| dir.join(page).is_file())
        .unwrap_or("index.html")
}

/// The `frame-ancestors` policy of the app's pages: the app itself and the sandbox's EHR
/// origin may frame it, no other site (a page framing the app could overlay or trick clicks).
pub(crate) fn frame_ancestors(ehr_origin: &str) -> String {
    format!("frame-ancestors 'self' {ehr_origin}")
}

// Only documents are framed, so only HTML carries the policy; `index.html`'s meta CSP cannot
// set `frame-ancestors`.
fn framed_only_by_the_ehr(sandbox: &Sandbox, mut response: Response) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"text/html"));
    if let Ok(policy) = HeaderValue::from_str(&frame_ancestors(&sandbox.ehr_origin)) {
        if is_html {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    response
}

/// The file under `dir` that `path` names, if it exists and stays inside `dir`. Hidden
/// names, `.` and `..` never match, and symlinks may not lead out of `dir`.
async fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut file = dir.to_path_buf();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let segment = percent_decode(segment)?;
        if segment.starts_with('.') || segment.contains(['/', '\\', '\0']) {
            return None;
        }
        file.push(segment);
    }
    let root = tokio::fs::canonicalize(dir).await.ok()?;
    let file = tokio::fs::canonicalize(&file).await.ok()?;
    let is_file = tokio::fs::metadata(&file).await.ok()?.is_file();
    (is_file && file.starts_with(&root)).then_some(file)
}

/// Decodes `%XX` escapes of one path segment; `None` for a bad escape or non-UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(file: &Path) -> &'static str {
    match file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `Cache-Control` of a file whose name carries a hash of its content: a new build gives it a
/// new name, so the browser may keep it for a year without asking again (the callback page
/// then compiles the wasm the launch page already fetched).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether `file` is one of Trunk's content-hashed outputs (`bedside-<hash>.js`,
/// `bedside-<hash>_bg.wasm`, `main-<hash>.css`): the last `-` of its stem is followed by at
/// least 16 hex digits (and `_bg` for the wasm).
fn is_hashed(file: &Path) -> bool {
    let Some(stem) = file.file_stem().and_then(|s| s.to_str()) else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty() && hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

// Everything else is revalidated (`index.html`, `config.json`, the loader where a plain `trunk
// build` left it `boot.js`): a rebuilt app or a new configuration must show at once.
fn file_response(content_type: &'static str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn not_built(reason: &str) -> Response {
    let message = format!(
        "{reason} Build the app with `trunk build` and start the sandbox with --app-dir dist."
    );
    html::error_page(StatusCode::NOT_FOUND, "Bedside is not built", &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode_and_bad_ones_are_refused() {
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%2e%2e").as_deref(), Some(".."));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
    }

    #[test]
    fn only_names_with_a_content_hash_count_as_hashed() {
        for hashed in [
            "bedside-3f9a0c1d2e4b5a67.js",
            "bedside-3f9a0c1d2e4b5a67_bg.wasm",
            "main-0123456789abcdef0123.css",
            "boot-0123456789abcdef.js",
        ] {
            assert!(is_hashed(Path::new(hashed)), "{hashed}");
        }
        for plain in [
            "index.html",
            "boot.js",
            "config.json",
            "unsupported.js",
            "bedside-notahash00000000.js",
            "-3f9a0c1d2e4b5a67.js",
            "bedside-3f9a0c1d.js",
        ] {
            assert!(!is_hashed(Path::new(plain)), "{plain}");
        }
    }

    #[test]
    fn only_the_start_and_launch_addresses_get_the_light_page() {
        for light in ["/", "", "/launch", "/launch/"] {
            assert_eq!(light_page(light), Some("launch.html"), "{light}");
        }
        for app in [
            "/index.html",
            "/callback",
            "/callback/launch",
            "/launcher",
            "/x/launch",
        ] {
            assert_eq!(light_page(app), None, "{app}");
        }
    }

    #[tokio::test]
    async fn dot_dot_segments_never_leave_the_app_dir() {
        let dir = std::env::temp_dir();
        assert_eq!(resolve(&dir, "/../etc/passwd").await, None);
        assert_eq!(resolve(&dir, "/%2e%2e/etc/passwd").await, None);
        assert_eq!(resolve(&dir, "/..%2fetc%2fpasswd").await, None);
    }
}
