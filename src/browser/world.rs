//! The world the pure core is handed: the time and random bytes.

use crate::fhir::date::{FhirDate, FhirDateTime};
use crate::smart::authorize::Entropy;

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Today's date in the user's time zone (ages are counted in local days).
pub fn today() -> FhirDate {
    let now = js_sys::Date::new_0();
    FhirDate::ymd(
        now.get_full_year() as u16,
        now.get_month() as u8 + 1,
        now.get_date() as u8,
    )
}

/// The current instant, for "3 h ago" texts.
pub fn now() -> FhirDateTime {
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    FhirDateTime::parse(&iso).expect("the browser writes valid ISO 8601 instants")
}

/// Fresh CSPRNG bytes (crypto.getRandomValues) for state and verifier.
pub fn entropy() -> Entropy {
    let mut state = [0u8; 32];
    let mut verifier = [0u8; 32];
    let mut nonce = [0u8; 32];
    // Without a CSPRNG there is no safe authorization at all; browsers always provide one.
    getrandom::fill(&mut state).expect("crypto.getRandomValues is available");
    getrandom::fill(&mut verifier).expect("crypto.getRandomValues is available");
    getrandom::fill(&mut nonce).expect("crypto.getRandomValues is available");
    Entropy {
        state,
        verifier,
        nonce,
    }
}

/// Resolves after `ms` milliseconds (a `setTimeout` promise).
pub async fn sleep(ms: u64) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                ms.min(i32::MAX as u64) as i32,
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves in a task of its own, queued behind the tasks already waiting (input, network
/// answers, rendering): a message the page posts to itself. A zero-delay timer would do the
/// same, but the browser holds a timer set from a timer's task for at least 4 ms once they nest
/// five deep, and a large record yields dozens of times in a row.
pub async fn next_task() {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return sleep(0).await;
    };
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        channel.port1().set_onmessage(Some(&resolve));
        let _ = channel
            .port2()
            .post_message(&wasm_bindgen::JsValue::UNDEFINED);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    // The channel lives until its message arrived: a collected port would drop it.
    channel.port1().set_onmessage(None);
}

/// Like [`next_task`], at the lowest priority where the browser schedules tasks by priority
/// (`scheduler.postTask`, priority `background`): the task waits while network answers, input
/// and rendering are pending, so reading a large page never delays the request that the
/// arrival of another page asks for. Elsewhere, [`next_task`].
pub async fn background_task() {
    match post_background_task() {
        Some(posted) => {
            let _ = wasm_bindgen_futures::JsFuture::from(posted).await;
        }
        None => next_task().await,
    }
}

// `scheduler.postTask(() => {}, { priority: "background" })`, if the browser has it.
fn post_background_task() -> Option<js_sys::Promise> {
    use js_sys::Reflect;
    use wasm_bindgen::{JsCast, JsValue};
    let scheduler = Reflect::get(&js_sys::global(), &JsValue::from_str("scheduler")).ok()?;
    let post: js_sys::Function = Reflect::get(&scheduler, &JsValue::from_str("postTask"))
        .ok()?
        .dyn_into()
        .ok()?;
    let options = js_sys::Object::new();
    Reflect::set(&options, &"priority".into(), &"background".into()).ok()?;
    let callback = wasm_bindgen::closure::Closure::once_into_js(|| {});
    post.call2(&scheduler, &callback, &options)
        .ok()?
        .dyn_into()
        .ok()
}
