//! The address bar: where we are, the app's base, and the ways to move.

use crate::smart::authorize::AuthorizationRedirect;
use url::Url;

/// The window Bedside runs in.
pub fn window() -> web_sys::Window {
    web_sys::window().expect("Bedside runs in a browser window")
}

/// The current address.
pub fn current_url() -> Url {
    let href = window().location().href().unwrap_or_default();
    Url::parse(&href).expect("the browser's own address is a valid URL")
}

/// Bedside's origin (`location.origin`), the only one its windows accept messages from.
pub fn own_origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// The app's base URL (Trunk writes the public URL into `<base href>`).
pub fn app_base() -> Url {
    let document = window().document().expect("a window has a document");
    let base = document.base_uri().ok().flatten().unwrap_or_default();
    Url::parse(&base).unwrap_or_else(|_| current_url())
}

/// Replaces the current history entry without navigating, e.g. to drop `code` and `state`.
pub fn replace_url(url: &Url) {
    // If the browser refuses, the worst case is a stale address: nothing to show the user.
    let _ = window().history().and_then(|h| {
        h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url.as_str()))
    });
}

/// Navigates the current frame to `url`.
pub fn navigate(url: &Url) {
    let _ = window().location().assign(url.as_str());
}

/// Sends `target` (this window, or a sign-in window it opened) to the authorization endpoint.
pub fn follow(target: &web_sys::Window, redirect: &AuthorizationRedirect) {
    match redirect {
        AuthorizationRedirect::Get(url) => {
            let _ = target.location().assign(url.as_str());
        }
        AuthorizationRedirect::Post { action, fields } => submit_form(target, action, fields),
    }
}

/// Submits a POST form to `action` in `target` (SMART `authorize-post`). The form is built with
/// DOM calls, so field values are never parsed as HTML. A sign-in window still shows its
/// initial `about:blank`, whose document belongs to Bedside's origin, so the form can be built
/// there.
fn submit_form(target: &web_sys::Window, action: &Url, fields: &[(String, String)]) {
    use wasm_bindgen::JsCast;
    let Some(document) = target.document() else {
        return;
    };
    let Ok(form) = document
        .create_element("form")
        .map(|element| element.unchecked_into::<web_sys::HtmlFormElement>())
    else {
        return;
    };
    form.set_method("post");
    form.set_action(action.as_str());
    for (name, value) in fields {
        if let Ok(input) = document
            .create_element("input")
            .map(|element| element.unchecked_into::<web_sys::HtmlInputElement>())
        {
            input.set_type("hidden");
            input.set_name(name);
            input.set_value(value);
            let _ = form.append_child(&input);
        }
    }
    if let Some(body) = document.body() {
        let _ = body.append_child(&form);
        let _ = form.submit();
    }
}
