//! The light page's module (`launch.html`, served at the start page's address and at `launch`):
//! the standalone start page and the EHR launch's happy path without the UI framework. The
//! start page is the shell's (`browser::start_page`), the one the whole app shows too; the EHR
//! launch reads the launch, checks the issuer against `config.json`, discovers the server and
//! redirects to sign-in with the same pure core and shell as the app. Anything else (a launch
//! problem, a sign-in that needs a new window, the inspector, any other page) is handed to the
//! whole app, which runs the page again and shows its typed pages. `boot.js` performs the
//! hand-over.

#[cfg(target_arch = "wasm32")]
mod light {
    use bedside::browser::start_page::StartPage;
    use bedside::browser::{flow, location, popup};
    use bedside::inspect;
    use bedside::route::{route, Route};
    use bedside::smart::authorize::LaunchKind;
    use bedside::smart::launch::parse_ehr_launch;
    use bedside::smart::popup::{sign_in_place, SignInPlace};
    use url::Url;
    use wasm_bindgen::prelude::wasm_bindgen;

    /// Runs the page at the current address. `true`: the page is the light module's (the start
    /// page is shown, or the browser is on its way to the authorization server); `false`: the
    /// whole app must take over.
    #[wasm_bindgen]
    pub async fn light_launch() -> bool {
        let url = location::current_url();
        if inspect::requested_by(&url) {
            return false;
        }
        match route(&location::app_base(), &url) {
            Route::Start => start_page().await,
            Route::Launch => redirected(&url).await.is_some(),
            Route::Callback => false,
        }
    }

    /// Shows the start page in the light page's `<main>`, unless the configuration asks for
    /// debug mode, whose inspector is the whole app's.
    async fn start_page() -> bool {
        let main = location::window()
            .document()
            .and_then(|document| document.query_selector("main[data-bedside-light]").ok())
            .flatten();
        let Some(main) = main else {
            return false;
        };
        let page = StartPage::show(&main, None);
        let config = flow::load_config().await;
        if config.as_ref().is_ok_and(|config| config.debug) {
            return false;
        }
        page.configured(config);
        true
    }

    async fn redirected(url: &Url) -> Option<()> {
        let launch = parse_ehr_launch(url).ok()?;
        let config = flow::load_config().await.ok()?;
        let frame_allowed = config
            .server(&launch.iss)
            .is_some_and(|s| s.sign_in_in_frame);
        // Decided before discovery, so a launch that needs the new-window step discovers once.
        let place = sign_in_place(popup::is_framed(), frame_allowed);
        if config.debug || place != SignInPlace::ThisWindow {
            return None;
        }
        let kind = LaunchKind::Ehr {
            launch: launch.launch,
        };
        let prepared = flow::prepare(&config, launch.iss, kind).await.ok()?;
        prepared.redirect_here().ok()
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("bedside-launch is the light page's module: `cargo xtask build` builds it.");
    std::process::exit(2);
}
