//! Entry point: mounts the Leptos app (the browser build) .

#[cfg(target_arch = "wasm32")]
fn main() {
    bedside::ui::mount();
}

// The native build exists only so `cargo test` and `cargo clippy` cover the pure layers.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Bedside runs in a browser: build it with `trunk build` or run `cargo xtask demo`.");
}
