//! Performs [`HttpRequest`]s with fetch. Cookies are never sent (`credentials: omit`): tokens
//! travel in headers only, and some token endpoints answer CORS with `*`, which a credentialed
//! request would fail.

use super::{inspector, world};
use crate::http::{body_text, HttpRequest, HttpResponse, HttpResult, Method, NetworkFailure};
use crate::inspect::{entry_for, Outcome};
use gloo_net::http::RequestBuilder;
use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
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
    let status = response.status();
    let content_type = response.headers().get("content-type");
    let answer = HttpResponse {
        status,
        content_type,
        body: body_text(body_bytes(&response.into()).await?),
    };
    Ok((answer, retry_after))
}

/// Bytes of a body copied into memory per task: a 54 MB searchset copied at once holds the
/// main thread for a hundred milliseconds.
const COPY_SLICE: usize = 4 << 20;

// The body as bytes, copied a slice per task. Read as a JavaScript string it would be decoded
// and then copied again character by character, for a 50 MB searchset hundreds of milliseconds
// in one task.
async fn body_bytes(response: &web_sys::Response) -> Result<Vec<u8>, NetworkFailure> {
    let failure = |error: JsValue| NetworkFailure {
        detail: error
            .as_string()
            .unwrap_or_else(|| "the body could not be read".into()),
    };
    let buffer = JsFuture::from(response.array_buffer().map_err(failure)?)
        .await
        .map_err(failure)?;
    let source = Uint8Array::new(&buffer);
    let mut bytes = vec![0; source.length() as usize];
    for (index, slice) in bytes.chunks_mut(COPY_SLICE).enumerate() {
        if index > 0 {
            world::sleep(0).await;
        }
        let start = (index * COPY_SLICE) as u32;
        source
            .subarray(start, start + slice.len() as u32)
            .copy_to(slice);
    }
    Ok(bytes)
}
