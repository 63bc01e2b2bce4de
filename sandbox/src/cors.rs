//! The two CORS policies.
//!
//! - Public documents (smart-configuration, CapabilityStatement, style) allow any origin:
//!   they hold no secrets and apps must read them before they have a token.
//! - The token endpoint and the FHIR API allow only the app origin, echoed back with
//!   `Vary: Origin`; other origins get no CORS headers at all. Never with credentials.
//!   A handler can mark a response [`WithoutCors`] to get none (the `oracle-like` 401s),
//!   and profiles choose other policies (see `profile::CorsStyle`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const ALLOW_METHODS: &str = "GET, POST";
const ALLOW_HEADERS: &str = "Authorization, Content-Type, Accept";
const MAX_AGE: &str = "600";

/// Marks a response that must go out without CORS headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WithoutCors;

/// Middleware: `Access-Control-Allow-Origin: *` on every response; answers preflights.
pub(crate) async fn public(request: Request, next: Next) -> Response {
    let star = HeaderValue::from_static("*");
    if request.method() == Method::OPTIONS {
        let mut response = StatusCode::NO_CONTENT.into_response();
        add_preflight(response.headers_mut(), star);
        return response;
    }
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, star);
    response
}

/// Middleware: CORS for the app origin only (state: the app origin).
pub(crate) async fn app_only(
    State(app_origin): State<Arc<str>>,
    request: Request,
    next: Next,
) -> Response {
    let allowed = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| *o == &*app_origin)
        .and_then(|o| HeaderValue::from_str(o).ok());
    let is_preflight = request.method() == Method::OPTIONS;
    let mut response = if is_preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let suppressed = response.extensions().get::<WithoutCors>().is_some();
    let headers = response.headers_mut();
    // Whether CORS headers appear depends on Origin, so caches must key on it.
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(origin) = allowed.filter(|_| !suppressed) {
        if is_preflight {
            add_preflight(headers, origin);
        } else {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            // Not CORS-safelisted, so a browser hides it unless exposed; a client needs it
            // to honour a 429 or 503.
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("Retry-After"),
            );
        }
    }
    response
}

fn add_preflight(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOW_METHODS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(MAX_AGE),
    );
}
