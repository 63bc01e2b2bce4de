//! The light launch page's module (`launch.html`): the EHR launch's happy path without the UI
//! framework. It reads the launch, checks the issuer against `config.json`, discovers the server
//! and redirects to sign-in with the same pure core and shell as the app; anything else (a
//! launch problem, a sign-in that needs a new window, the inspector) is handed to the whole app,
//! which runs the launch again and shows its typed pages. `boot.js` performs the hand-over.

#[cfg(target_arch = "wasm32")]
mod light {
    use bedside::browser::{flow, location, popup};
    use bedside::inspect;
    use bedside::smart::authorize::LaunchKind;
    use bedside::smart::launch::parse_ehr_launch;
    use bedside::smart::popup::{sign_in_place, SignInPlace};
    use wasm_bindgen::prelude::wasm_bindgen;

    /// Starts the EHR launch at the current address. `true`: the browser is on its way to the
    /// authorization server; `false`: the whole app must take over.
    #[wasm_bindgen]
    pub async fn light_launch() -> bool {
        redirected().await.is_some()
    }

    async fn redirected() -> Option<()> {
        let url = location::current_url();
        if inspect::requested_by(&url) {
            return None;
        }
        let launch = parse_ehr_launch(&url).ok()?;
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
    eprintln!("bedside-launch is the light launch page's module: `cargo xtask build` builds it.");
    std::process::exit(2);
}
