//! Which page the address shows, relative to the app's base path (the app may be deployed
//! under any path, e.g. `https://host/apps/bedside/`).

use url::Url;

/// The app's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The standalone start page with the server picker.
    Start,
    /// The EHR launch entry (`launch?iss=…&launch=…`).
    Launch,
    /// The redirect back from the authorization server: `callback`, or `callback/{name}` for
    /// a server with a redirect URI of its own (which one must match the in-flight record is
    /// checked at the callback, `smart::callback`).
    Callback,
}

/// Resolves `current` against the app's `base`.
pub fn route(base: &Url, current: &Url) -> Route {
    let base_path = base.path().trim_end_matches('/');
    let relative = current
        .path()
        .strip_prefix(base_path)
        .unwrap_or_default()
        .trim_matches('/');
    match relative {
        "launch" | "launch.html" => Route::Launch,
        "callback" => Route::Callback,
        own if own
            .strip_prefix("callback/")
            .is_some_and(|name| !name.is_empty()) =>
        {
            Route::Callback
        }
        _ => Route::Start,
    }
}

/// The address a signed-in page shows: the callback page's, with no answer in it, so that a
/// reload or a duplicated tab lands on `smart::reentry`'s page.
pub fn signed_in_url(base: &Url) -> Url {
    base.join("callback").unwrap_or_else(|_| base.clone())
}

/// Where sign-out leaves the user: the start page, saying that they signed out.
pub fn signed_out_url(base: &Url) -> Url {
    let mut url = base.clone();
    url.set_query(Some("signed-out"));
    url
}

/// Whether the address is the one [`signed_out_url`] gives.
pub fn is_signed_out(url: &Url) -> bool {
    url.query_pairs().any(|(key, _)| key == "signed-out")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_out_lands_on_the_start_page_which_knows_it() {
        let base = Url::parse("https://a.example/apps/bedside/").unwrap();
        let landing = signed_out_url(&base);
        assert_eq!(route(&base, &landing), Route::Start);
        assert!(is_signed_out(&landing));
        assert!(!is_signed_out(&base));
    }

    fn at(base: &str, current: &str) -> Route {
        route(&Url::parse(base).unwrap(), &Url::parse(current).unwrap())
    }

    #[test]
    fn routes_resolve_at_the_site_root() {
        assert_eq!(
            at("https://a.example/", "https://a.example/launch?iss=x"),
            Route::Launch
        );
        assert_eq!(
            at("https://a.example/", "https://a.example/callback?code=1"),
            Route::Callback
        );
        assert_eq!(at("https://a.example/", "https://a.example/"), Route::Start);
    }

    #[test]
    fn routes_resolve_under_a_base_path() {
        let base = "https://a.example/apps/bedside/";
        assert_eq!(
            at(base, "https://a.example/apps/bedside/launch"),
            Route::Launch
        );
        assert_eq!(
            at(base, "https://a.example/apps/bedside/callback/"),
            Route::Callback
        );
        assert_eq!(at(base, "https://a.example/apps/bedside/"), Route::Start);
        assert_eq!(at(base, "https://a.example/launch"), Route::Start);
    }

    #[test]
    fn a_per_server_redirect_uri_below_callback_is_the_callback_page() {
        let base = "https://a.example/apps/bedside/";
        assert_eq!(
            at(base, "https://a.example/apps/bedside/callback/epic?code=1"),
            Route::Callback
        );
        assert_eq!(
            at(base, "https://a.example/apps/bedside/callbacks"),
            Route::Start
        );
    }
}
