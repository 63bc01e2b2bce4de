//! Leptos components. They render view models and dispatch intents to `browser::flow`; no
//! protocol or clinical rule lives here.

mod app;
mod banner;
mod callback;
/// The trend plot.
pub mod chart;
mod config;
mod inspector;
mod launch;
/// Long lists, a page at a time.
pub mod paged;
mod problem;
mod reentry;
mod report;
mod section;
/// One renderer per section, drawing its view model.
pub mod sections;
mod start;
mod summary;

/// Mounts the app on `<body>`.
pub fn mount() {
    crate::browser::marks::boot();
    leptos::mount::mount_to_body(app::App);
}
