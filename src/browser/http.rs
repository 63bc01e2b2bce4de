//! Performs [`HttpRequest`]s with fetch. Cookies are never sent (`credentials: omit`): tokens
//! travel in headers only, and some token endpoints answer CORS with `*`, which a credentialed
//! request would fail.

use super::{inspector, world};
use crate::http::{HttpRequest, HttpResponse, HttpResult, Method, NetworkFailure};
use crate::inspect::{entry_for, Outcome};
use gloo_net::http::RequestBuilder;
use web_sys::{AbortSignal, RequestCache, RequestCredentials};

/// Sends the request and reads the body as text (UTF-8, as `Response.text()` reads it).
pub async fn send(request: &HttpRequest) -> HttpResult {
    exchange(request, None).await.map(|(response, _)| response)
}

/// Like [`send`], also returning the `Retry-After` header (for 429 and 503 answers); `stop`
/// ends the request early.
pub async fn exchange(
    request: &HttpRequest,
    stop: Option<&AbortSignal>,
) -> Result<(HttpResponse, Option<String>), NetworkFailure> {
    let started = world::now_ms();
    let result = perform(request, stop).await;
    inspector::record(|| {
        let (outcome, bytes) = match &result {
            Ok((response, _)) => (Outcome::Status(response.status), response.body.len()),
            Err(failure) => (Outcome::Failed(failure.detail.clone()), 0),
        };
        entry_for(request, outcome, started, world::now_ms(), bytes)
    });
    result
}

async fn perform(
    request: &HttpRequest,
    stop: Option<&AbortSignal>,
) -> Result<(HttpResponse, Option<String>), NetworkFailure> {
    let failure = |error: gloo_net::Error| NetworkFailure {
        detail: error.to_string(),
    };
    // gloo-net appends "&" and its own (here empty) parameters to a URL that has a query, so
    // the query goes through its parameter list instead: servers see exactly the pairs we mean.
    let mut bare = request.url.clone();
    bare.set_query(None);
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let method = match request.method {
        Method::Get => gloo_net::http::Method::GET,
        Method::Post => gloo_net::http::Method::POST,
    };
    let mut builder = RequestBuilder::new(bare.as_str())
        .method(method)
        .query(pairs.iter().map(|(name, value)| (name.as_str(), value)))
        .credentials(RequestCredentials::Omit)
        .cache(RequestCache::NoStore)
        .abort_signal(stop);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let prepared = match &request.body {
        Some(body) => builder.body(body.clone()),
        None => builder.build(),
    }
    .map_err(failure)?;
    let response = prepared.send().await.map_err(failure)?;
    let retry_after = response.headers().get("retry-after");
    let answer = HttpResponse {
        status: response.status(),
        content_type: response.headers().get("content-type"),
        body: text(response.binary().await.map_err(failure)?),
    };
    Ok((answer, retry_after))
}

// The body arrives as bytes, copied into memory in one piece: read as a JavaScript string it
// would be decoded and then copied again character by character, for a 50 MB searchset
// hundreds of milliseconds in one task. Invalid UTF-8 is replaced, as `Response.text()` does.
fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}
