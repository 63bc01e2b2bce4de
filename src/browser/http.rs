//! Performs [`HttpRequest`]s with fetch. Cookies are never sent (`credentials: omit`): tokens
//! travel in headers only, and some token endpoints answer CORS with `*`, which a credentialed
//! request would fail; the one exception is the app's own `config.json`, sent as the launch
//! page preloads it (see [`HttpRequest::may_be_preloaded`]). A request that carries credentials
//! never follows a redirect (`redirect: manual`, see [`HttpRequest::may_follow_redirects`]);
//! every request has a deadline, after which it is aborted. Every step that can fail returns an error, never a
//! panic: a header the browser refuses becomes a [`FailureKind::Unsendable`].

use super::{inspector, world};
use crate::config::DEFAULT_REQUEST_TIMEOUT_SECONDS;
use crate::http::{
    body_text, FailureKind, HttpRequest, HttpResponse, HttpResult, Method, NetworkFailure,
};
use crate::inspect::{entry_for, Outcome};
use js_sys::Uint8Array;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, Request, RequestCache, RequestCredentials, RequestInit,
    RequestRedirect, Response, ResponseType,
};

thread_local! {
    static DEADLINE_SECONDS: Cell<u32> = const { Cell::new(DEFAULT_REQUEST_TIMEOUT_SECONDS) };
}

/// Sets the deadline of every later request (`config.json`'s `request_timeout_seconds`).
pub fn set_deadline(seconds: u32) {
    DEADLINE_SECONDS.with(|deadline| deadline.set(seconds));
}

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
    let seconds = DEADLINE_SECONDS.with(Cell::get);
    let unsendable =
        |error: JsValue| NetworkFailure::new(FailureKind::Unsendable, describe(&error));
    let deadline = Deadline::arm(seconds, stop).map_err(unsendable)?;
    let prepared = prepare(request, &deadline.controller.signal()).map_err(unsendable)?;
    // Once armed, a failure is the deadline's doing if it expired, else the network's.
    let failed = |error: JsValue| {
        let kind = if deadline.expired.get() {
            FailureKind::TimedOut { seconds }
        } else {
            FailureKind::Unreachable
        };
        NetworkFailure::new(kind, describe(&error))
    };
    let window = web_sys::window().ok_or_else(|| unsendable(JsValue::from_str("no window")))?;
    let response: Response = JsFuture::from(window.fetch_with_request(&prepared))
        .await
        .map_err(failed)?
        .unchecked_into();
    if response.type_() == ResponseType::Opaqueredirect {
        return Err(NetworkFailure::new(
            FailureKind::Redirected,
            "the server answered with a redirect, which was not followed",
        ));
    }
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let retry_after = header("retry-after");
    let content_type = header("content-type");
    let answer = HttpResponse {
        status: response.status(),
        content_type,
        body: body_text(body_bytes(&response, &failed).await?),
    };
    Ok((answer, retry_after))
}

fn prepare(request: &HttpRequest, signal: &AbortSignal) -> Result<Request, JsValue> {
    let headers = Headers::new()?;
    for (name, value) in &request.headers {
        headers.append(name, value)?;
    }
    let init = RequestInit::new();
    init.set_method(match request.method {
        Method::Get => "GET",
        Method::Post => "POST",
    });
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    if request.may_be_preloaded() {
        init.set_credentials(RequestCredentials::SameOrigin);
    } else {
        init.set_credentials(RequestCredentials::Omit);
        init.set_cache(RequestCache::NoStore);
    }
    init.set_redirect(if request.may_follow_redirects() {
        RequestRedirect::Follow
    } else {
        RequestRedirect::Manual
    });
    init.set_signal(Some(signal));
    if request.low_priority() {
        // web-sys has no setter for the fetch priority hint yet; a browser without it ignores
        // the member.
        js_sys::Reflect::set(
            &init,
            &JsValue::from_str("priority"),
            &JsValue::from_str("low"),
        )?;
    }
    Request::new_with_str_and_init(request.url.as_str(), &init)
}

/// One request's abort switch: thrown by a timer at the deadline, or by the caller's `stop`
/// signal. Dropping it disarms both, so nothing outlives the request.
struct Deadline {
    controller: AbortController,
    expired: Rc<Cell<bool>>,
    timer: i32,
    _on_expiry: Closure<dyn FnMut()>,
    stop: Option<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl Deadline {
    fn arm(seconds: u32, stop: Option<&AbortSignal>) -> Result<Deadline, JsValue> {
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let controller = AbortController::new()?;
        let expired = Rc::new(Cell::new(false));
        let on_expiry = {
            let (controller, expired) = (controller.clone(), expired.clone());
            Closure::<dyn FnMut()>::new(move || {
                expired.set(true);
                controller.abort();
            })
        };
        let ms = i32::try_from(u64::from(seconds) * 1000).unwrap_or(i32::MAX);
        let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            on_expiry.as_ref().unchecked_ref(),
            ms,
        )?;
        let mut deadline = Deadline {
            controller,
            expired,
            timer,
            _on_expiry: on_expiry,
            stop: None,
        };
        if let Some(signal) = stop {
            if signal.aborted() {
                deadline.controller.abort();
            } else {
                let controller = deadline.controller.clone();
                let on_stop = Closure::<dyn FnMut()>::new(move || controller.abort());
                signal
                    .add_event_listener_with_callback("abort", on_stop.as_ref().unchecked_ref())?;
                deadline.stop = Some((signal.clone(), on_stop));
            }
        }
        Ok(deadline)
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            window.clear_timeout_with_handle(self.timer);
        }
        if let Some((signal, on_stop)) = &self.stop {
            let _ = signal
                .remove_event_listener_with_callback("abort", on_stop.as_ref().unchecked_ref());
        }
    }
}

/// The browser's words for a failure: a JS error's message, or the value as text.
fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// Bytes of a body copied into memory per task: a 54 MB searchset copied at once holds the
/// main thread for a hundred milliseconds.
const COPY_SLICE: usize = 4 << 20;

// The body as bytes, copied a slice per task. Read as a JavaScript string it would be decoded
// and then copied again character by character, for a 50 MB searchset hundreds of milliseconds
// in one task.
async fn body_bytes(
    response: &Response,
    failed: &dyn Fn(JsValue) -> NetworkFailure,
) -> Result<Vec<u8>, NetworkFailure> {
    let buffer = JsFuture::from(response.array_buffer().map_err(failed)?)
        .await
        .map_err(failed)?;
    let source = Uint8Array::new(&buffer);
    let mut bytes = vec![0; source.length() as usize];
    for (index, slice) in bytes.chunks_mut(COPY_SLICE).enumerate() {
        if index > 0 {
            world::next_task().await;
        }
        let start = (index * COPY_SLICE) as u32;
        source
            .subarray(start, start + slice.len() as u32)
            .copy_to(slice);
    }
    Ok(bytes)
}
