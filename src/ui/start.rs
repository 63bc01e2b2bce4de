//! The standalone start page in the whole app: the shell's page (`browser::start_page`, which
//! the light page shows too), with the launch inspector after a problem in debug mode.

use super::inspector::FailedLaunchInspector;
use crate::browser::start_page::StartPage;
use leptos::html::Main;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// Draws the start page into `main` once it is on the page.
pub fn show_in(main: NodeRef<Main>) {
    let source = super::config::config();
    main.on_load(move |main| {
        let inspector = Box::new(|holder: &web_sys::Element| {
            let holder = holder.clone().unchecked_into::<web_sys::HtmlElement>();
            leptos::mount::mount_to(holder, FailedLaunchInspector).forget();
        });
        let page = StartPage::show(&main, Some(inspector));
        spawn_local(async move { page.configured(source.get().await) });
    });
}
