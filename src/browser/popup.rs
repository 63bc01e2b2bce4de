//! The sign-in window: opened on the user's click from a framed Bedside and watched until it
//! hands back the authorization response or closes; and, in that window, handing the response
//! back. Which messages count, and when a window hands back, is decided in `smart::popup`.

use super::{location, world};
use crate::smart::authorize::{AuthorizationRedirect, InFlightRecord};
use crate::smart::callback::{CallbackError, StateVerified};
use crate::smart::popup::{
    check_opened, relay_message, AwaitingAnswer, Incoming, SignInWindowError,
};
use std::cell::RefCell;
use std::rc::Rc;
use url::Url;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Window};

// `popup` asks for a small separate window rather than a tab, so the EHR page stays in view.
// `noopener` must not be given: the window needs `opener` to hand the response back.
const FEATURES: &str = "popup,width=520,height=720";

const POLL_MS: u64 = 250;

/// True when Bedside runs inside a frame. `window.top` may be compared across origins (only its
/// contents are off limits), so no cross-origin access is attempted.
pub fn is_framed() -> bool {
    let own = location::window();
    match own.top() {
        Ok(Some(top)) => !js_sys::Object::is(&top, &own),
        // A top that cannot be read at all is some other window's.
        _ => true,
    }
}

/// A message event, copied out of the listener.
struct Received {
    origin: String,
    from_sign_in_window: bool,
    data: Option<String>,
}

/// An open sign-in window and the listener that collects messages for it.
pub struct SignInWindow {
    window: Window,
    inbox: Rc<RefCell<Vec<Received>>>,
    listener: Closure<dyn FnMut(MessageEvent)>,
}

/// Opens the sign-in window and sends it to `redirect`. It must run inside the click handler
/// itself: browsers let a page open a window only while it handles the user's click.
pub fn open(redirect: &AuthorizationRedirect) -> Result<SignInWindow, SignInWindowError> {
    let own = location::window();
    // Opened empty and then sent on, so that a GET and a form POST (`authorize-post`) take the
    // same path; the empty window's document is Bedside's, so the form can be built in it.
    let opened = own
        .open_with_url_and_target_and_features("", "_blank", FEATURES)
        .ok()
        .flatten();
    let window = check_opened(opened, |w| w.closed().unwrap_or(true))?;
    let inbox = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&inbox);
    let source = window.clone();
    let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let from_sign_in_window = event
            .source()
            .is_some_and(|sender| js_sys::Object::is(&sender, &source));
        sink.borrow_mut().push(Received {
            origin: event.origin(),
            from_sign_in_window,
            data: event.data().as_string(),
        });
    });
    let _ = own.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    location::follow(&window, redirect);
    Ok(SignInWindow {
        window,
        inbox,
        listener,
    })
}

/// Why waiting for the sign-in window ended without a checked response.
pub enum NoAnswer {
    /// The window closed first.
    Closed(SignInWindowError),
    /// The answer came and was refused.
    Refused(CallbackError),
}

impl SignInWindow {
    /// Waits for the window's answer to `record`'s authorization and checks it. The record
    /// stays in this function's memory: it never reaches storage or the other window.
    pub async fn answer(self, record: InFlightRecord) -> Result<StateVerified, NoAnswer> {
        let mut waiting = AwaitingAnswer::new(record, &location::own_origin());
        let mut seen_closed = false;
        let outcome = loop {
            let received: Vec<Received> = self.inbox.borrow_mut().drain(..).collect();
            let answer = received.iter().find_map(|message| {
                let incoming = Incoming {
                    origin: &message.origin,
                    from_sign_in_window: message.from_sign_in_window,
                    data: message.data.as_deref(),
                };
                waiting.receive(incoming, world::now_ms())
            });
            if let Some(answer) = answer {
                break answer.map_err(NoAnswer::Refused);
            }
            // A window that posts its answer and closes at once may look closed before its
            // message is delivered here, so only a second look, one poll later, counts.
            if self.window.closed().unwrap_or(true) {
                if seen_closed {
                    break Err(NoAnswer::Closed(SignInWindowError::ClosedEarly));
                }
                seen_closed = true;
            }
            world::sleep(POLL_MS).await;
        };
        let _ = self.window.close();
        let _ = location::window()
            .remove_event_listener_with_callback("message", self.listener.as_ref().unchecked_ref());
        outcome
    }
}

/// The Bedside window that opened this one, if any: an opener of another origin cannot even
/// tell its origin (reading it throws), so only Bedside's own pages qualify.
pub fn bedside_opener() -> Option<Window> {
    let opener = location::window().opener().ok()?;
    if opener.is_null() || opener.is_undefined() {
        return None;
    }
    let opener: Window = opener.unchecked_into();
    let origin = opener.location().origin().ok()?;
    (origin == location::own_origin()).then_some(opener)
}

/// Hands the authorization response in `callback` to `opener`, addressed to Bedside's own
/// origin only, and closes this window.
pub fn hand_back(opener: &Window, callback: &Url) {
    let message = JsValue::from_str(&relay_message(callback));
    let _ = opener.post_message(&message, &location::own_origin());
    let _ = location::window().close();
}
