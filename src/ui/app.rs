//! The page switch: one address, one page.

use super::config::provide_config;
use super::{callback::CallbackPage, launch::LaunchPage, reentry::ReentryPage, start};
use crate::browser::{inspector, location};
use crate::inspect;
use crate::route::{route, Route};
use crate::smart::reentry::is_return_after_sign_in;
use leptos::prelude::*;

/// The root component.
#[component]
pub fn App() -> impl IntoView {
    let url = location::current_url();
    if inspect::requested_by(&url) {
        inspector::enable(Default::default());
    }
    provide_config();
    let main = NodeRef::new();
    let page = match route(&location::app_base(), &url) {
        Route::Launch => view! { <LaunchPage url=url /> }.into_any(),
        Route::Callback if is_return_after_sign_in(&url) => view! { <ReentryPage /> }.into_any(),
        Route::Callback => view! { <CallbackPage url=url /> }.into_any(),
        Route::Start => {
            start::show_in(main);
            ().into_any()
        }
    };
    view! {
        <main class="app" node_ref=main>{page}</main>
    }
}
