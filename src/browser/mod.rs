//! The effect shell: the only code that touches web APIs. It performs what the pure layers
//! describe and hands them the world (time, randomness, the address).

/// Loading a summary section: searches, pages, retries.
pub mod fetch;
/// Launch and callback sequences: pure decisions, performed.
pub mod flow;
/// Sending [`crate::http::HttpRequest`]s with fetch.
pub mod http;
/// The launch inspector's timeline (debug mode).
pub mod inspector;
/// The address bar and the app's base URL.
pub mod location;
/// Performance marks for `cargo xtask bench`.
pub mod marks;
/// The sign-in window of a framed Bedside, and handing its answer back.
pub mod popup;
/// Searchset pages read a slice of entries per task.
pub mod slices;
/// The standalone start page, drawn with DOM calls (light page and whole app).
pub mod start_page;
/// sessionStorage: the in-flight authorization record and the tab's last launch.
pub mod storage;
/// The EHR style document applied to the page.
pub mod style;
/// RS256 signature checks with WebCrypto.
pub mod webcrypto;
/// The clock and the random number generator.
pub mod world;
