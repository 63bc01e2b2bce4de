//! Entry point. In the browser: mounts the Leptos app. Natively: the registration sheet
//! (`cargo run -- register [--config FILE] [--app-url URL]`), since the pure layers that know
//! the scopes and URLs compile on the host too.

#[cfg(target_arch = "wasm32")]
fn main() {
    bedside::ui::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("register") {
        eprintln!(
            "Bedside runs in a browser: `cargo xtask demo` builds and serves it.\n\
             Natively this binary prints the EHR registration sheet:\n  \
             cargo run -- register [--config public/config.json] [--app-url http://localhost:8080/]"
        );
        std::process::exit(2);
    }
    let option = |name: &str, default: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    };
    let config_path = option("--config", "public/config.json");
    let app_url = option("--app-url", "http://localhost:8080/");
    let fail = |message: String| -> ! {
        eprintln!("register: {message}");
        std::process::exit(1)
    };
    let app_url =
        url::Url::parse(&app_url).unwrap_or_else(|e| fail(format!("--app-url {app_url}: {e}")));
    let text = std::fs::read_to_string(&config_path)
        .unwrap_or_else(|e| fail(format!("cannot read {config_path}: {e}")));
    let config = bedside::config::AppConfig::parse(&text, &app_url).unwrap_or_else(|e| {
        use bedside::problem::UserFacing;
        fail(e.message())
    });
    print!(
        "{}",
        bedside::registration::registration_sheet(&config, &app_url)
    );
}
