//! Leptos components. They render view models and dispatch intents to `browser::flow`; no
//! protocol or clinical rule lives here.

mod app;
mod banner;
mod callback;
mod launch;
mod problem;
mod start;

/// Mounts the app on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(app::App);
}
