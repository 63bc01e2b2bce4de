//! Performance marks (User Timing) at the moments `cargo xtask bench` measures, readable in any
//! browser's performance panel too. Always on: a mark is a cheap entry in the page's own
//! timeline and carries no patient data.
//!
//! | name | set when |
//! | --- | --- |
//! | `bedside:boot` | the app starts mounting ([`boot`], from `ui::mount`) |
//! | `bedside:callback` | the callback page starts |
//! | `bedside:token` | the token response was accepted |
//! | `bedside:summary` | the summary page is first drawn (after its first requests were sent) |
//! | `bedside:banner` | the patient banner is rendered |
//! | `bedside:section:{id}` | a section is rendered settled (loaded, failed, not granted, unavailable) |
//! | `bedside:all-sections` | every section of the summary is settled |

/// The prefix of every mark Bedside sets.
pub const PREFIX: &str = "bedside:";

/// Sets the User Timing mark `name` (`performance.mark`); does nothing where the page has no
/// Performance API.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        // A mark that cannot be set only loses a measurement.
        let _ = performance.mark(name);
    }
}

/// Marks the app's start (`bedside:boot`): called once, as `ui::mount` begins.
pub fn boot() {
    mark("bedside:boot");
}

/// Marks the section titled `title` as settled: `bedside:section:vital-signs` for "Vital signs".
pub fn section_settled(title: &str) {
    mark(&section_mark(title));
}

/// The mark name of the section titled `title`.
pub fn section_mark(title: &str) -> String {
    format!("{PREFIX}section:{}", title.to_lowercase().replace(' ', "-"))
}
