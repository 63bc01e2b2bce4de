//! Leptos components. They render view models and dispatch intents to `browser::flow`; no
//! protocol or clinical rule lives here.

mod app;
mod banner;
mod callback;
mod chart;
mod inspector;
mod launch;
mod problem;
mod report;
mod section;
mod sections;
mod start;
mod summary;

/// Mounts the app on `<body>`.
pub fn mount() {
    crate::browser::marks::boot();
    leptos::mount::mount_to_body(app::App);
}
