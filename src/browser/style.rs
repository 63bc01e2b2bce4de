//! Applies the EHR's style document to the page's custom properties.

use super::http::send;
use crate::fhir::base_url::secure_transport;
use crate::http::{HttpRequest, Purpose};
use crate::smart::session::Session;
use crate::smart::style::{style_overrides, ColorScheme};
use url::Url;
use wasm_bindgen::JsCast;

/// Fetches `smart_style_url` and sets the custom properties it maps to. Any failure only logs a
/// console warning: styling must never break the app.
pub async fn apply_ehr_style(session: &Session) {
    let Some(address) = session.context.smart_style_url.clone() else {
        return;
    };
    let warn = |text: String| web_sys::console::warn_1(&format!("Bedside style: {text}").into());
    let Some(url) = Url::parse(&address).ok().filter(secure_transport) else {
        return warn(format!(
            "smart_style_url {address} is not a secure web address; ignored"
        ));
    };
    // The style document is usually public; the token goes along only to the FHIR server itself.
    let request = session.authorize(HttpRequest::get(Purpose::Style, url, "application/json"));
    let body = match send(&request).await {
        Ok(response) if response.is_success() => response.body,
        Ok(response) => return warn(format!("{address} answered {}; ignored", response.status)),
        Err(failure) => {
            return warn(format!(
                "{address} could not be fetched ({})",
                failure.detail
            ))
        }
    };
    let scheme = match web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
    {
        Some(query) if query.matches() => ColorScheme::Dark,
        _ => ColorScheme::Light,
    };
    let overrides = match style_overrides(&body, scheme) {
        Ok(overrides) => overrides,
        Err(why) => return warn(format!("{why}; ignored")),
    };
    for skipped in overrides.skipped {
        warn(skipped);
    }
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(root) = root {
        for (property, value) in overrides.properties {
            let _ = root.style().set_property(property, &value);
        }
    }
}
