//! docs/DEPLOYMENT.md's web-server recipes, run as the guide writes them: each test takes the
//! block marked `<!-- tested: NAME -->` from the guide, replaces only what a reader replaces
//! (host name and TLS lines, paths, the EHR origin), runs the server unprivileged on a free
//! port with its files in a temporary folder, and launches Bedside through it, built for the
//! base path `/bedside/`, inside the sandbox EHR's iframe. Then every file the app loaded, and
//! its routes, are fetched again from the page, as the browser asks for them, and their
//! headers checked; the start page (the base path) must be the light page; and the access log
//! must hold no authorization code. Last, through the
//! sandbox itself: the callback page takes the hashed files from the browser's cache.

mod e2e_support;

use e2e_support::{free_port, launch_in_frame, ChildGuard, Harness};
use e2e_support::{SECTIONS, SIGN_IN_BUTTON};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The base path the guide's recipes serve the app under.
const BASE_PATH: &str = "/bedside/";

/// What the guide's blocks name and a reader replaces.
const GUIDE_ROOT: &str = "/srv/www";
const GUIDE_EHR: &str = "https://ehr.example.org";

/// The fenced block after `<!-- tested: {name} -->` in docs/DEPLOYMENT.md.
fn guide_block(name: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/DEPLOYMENT.md");
    let guide = std::fs::read_to_string(path).expect("docs/DEPLOYMENT.md");
    let marker = format!("<!-- tested: {name} -->");
    let after = &guide[guide
        .find(&marker)
        .unwrap_or_else(|| panic!("the guide has no {marker}"))..];
    let fence = after.find("```").expect("a fenced block after the marker");
    let body = &after[fence..];
    let body = &body[body.find('\n').expect("a fence line") + 1..];
    body[..body.find("```").expect("a closing fence")].to_owned()
}

/// `text` with each `(from, to)` replaced; a `from` the guide no longer holds fails the test,
/// so the guide cannot drift away from what is tested.
fn substitute(text: &str, replacements: &[(&str, &str)]) -> String {
    replacements
        .iter()
        .fold(text.to_owned(), |text, (from, to)| {
            assert!(
                text.contains(from),
                "the guide's block no longer has {from:?}"
            );
            text.replace(from, to)
        })
}

/// A temporary folder laid out as the guide says: the app built for `/bedside/` in
/// `www/bedside/`, with the `config.json` the sandbox generates for an app at that address.
async fn site(harness: &Harness) -> PathBuf {
    let dist = std::env::var_os("BEDSIDE_DIST_BASE_PATH")
        .map(PathBuf::from)
        .expect(
            "BEDSIDE_DIST_BASE_PATH must name the app built with --public-url /bedside/; \
         `cargo xtask build` writes it to target/dist-bedside",
        );
    let index = std::fs::read_to_string(dist.join("index.html")).expect("its index.html");
    assert!(
        index.contains("<base href=\"/bedside/\""),
        "{} is not built for /bedside/",
        dist.display()
    );
    let dir = std::env::temp_dir().join(format!(
        "bedside-deploy-{}-{}",
        std::process::id(),
        free_port()
    ));
    let app = dir.join("www").join(BASE_PATH.trim_matches('/'));
    std::fs::create_dir_all(&app).expect("the site folder");
    std::fs::create_dir_all(dir.join("logs")).expect("the log folder");
    for entry in std::fs::read_dir(&dist).expect("the built app") {
        let entry = entry.expect("a file of the built app");
        if entry.file_type().expect("its type").is_file() {
            std::fs::copy(entry.path(), app.join(entry.file_name())).expect("copying the app");
        }
    }
    let config = reqwest::get(format!("{}/config.json", harness.sandbox.app_origin))
        .await
        .expect("the sandbox's config.json")
        .text()
        .await
        .expect("its text");
    std::fs::write(app.join("config.json"), config).expect("writing config.json");
    dir
}

/// A web server running one of the guide's configurations.
struct Server {
    process: ChildGuard,
    name: &'static str,
    /// Its error output, shown when it fails.
    errors: PathBuf,
}

impl Server {
    /// Waits until `{origin}/bedside/` answers.
    async fn wait_until_serving(&mut self, origin: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(exit) = self.process.exited() {
                panic!(
                    "{} exited ({exit}): {}",
                    self.name,
                    std::fs::read_to_string(&self.errors).unwrap_or_default()
                );
            }
            if let Ok(answer) = reqwest::get(format!("{origin}{BASE_PATH}")).await {
                if answer.status().is_success() {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "{} never answered", self.name);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// nginx with the guide's block inside an `http` block as Debian's `nginx.conf` has it (the
/// MIME types included first), in the foreground, with its pid, logs and temporary files in
/// `dir`.
fn start_nginx(dir: &Path, port: u16, ehr_origin: &str) -> Server {
    let block = substitute(
        &guide_block("nginx"),
        &[
            ("listen 443 ssl;", &format!("listen 127.0.0.1:{port};")),
            (GUIDE_ROOT, &dir.join("www").display().to_string()),
            (
                "/var/log/nginx/bedside-access.log",
                &dir.join("logs/access.log").display().to_string(),
            ),
            (GUIDE_EHR, ehr_origin),
        ],
    );
    // The TLS lines name certificates this machine does not have; the test speaks http.
    let block: String = block
        .lines()
        .filter(|line| !line.trim_start().starts_with("ssl_certificate"))
        .map(|line| format!("        {line}\n"))
        .collect();
    let prefix = dir.display();
    let conf = format!(
        "daemon off;\npid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n\
         \x20   client_body_temp_path {prefix}/body;\n    proxy_temp_path {prefix}/proxy;\n\
         \x20   fastcgi_temp_path {prefix}/fastcgi;\n    uwsgi_temp_path {prefix}/uwsgi;\n\
         \x20   scgi_temp_path {prefix}/scgi;\n{block}}}\n"
    );
    let conf_path = dir.join("nginx.conf");
    std::fs::write(&conf_path, conf).expect("writing nginx.conf");
    let errors = dir.join("logs/error.log");
    let nginx = std::env::var("NGINX").unwrap_or_else(|_| "/usr/sbin/nginx".into());
    let check = Command::new(&nginx)
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf_path)
        .arg("-e")
        .arg(&errors)
        .output()
        .unwrap_or_else(|e| panic!("could not run {nginx} (cargo xtask setup installs it): {e}"));
    assert!(
        check.status.success(),
        "nginx -t refuses the guide's configuration: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let process = ChildGuard::spawn(
        Command::new(&nginx)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf_path)
            .arg("-e")
            .arg(&errors)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
    .unwrap_or_else(|e| panic!("could not start {nginx}: {e}"));
    Server {
        process,
        name: "nginx",
        errors,
    }
}

/// Caddy with the guide's Caddyfile behind global options that keep it to itself (no admin
/// endpoint, its state in `dir`).
fn start_caddy(dir: &Path, port: u16, ehr_origin: &str) -> Server {
    let site = substitute(
        &guide_block("caddy"),
        &[
            // An http:// address: no certificate is fetched, and Caddy serves plain http.
            ("apps.example.org {", &format!("http://localhost:{port} {{")),
            (GUIDE_ROOT, &dir.join("www").display().to_string()),
            (
                "/var/log/caddy/bedside-access.log",
                &dir.join("logs/access.log").display().to_string(),
            ),
            (GUIDE_EHR, ehr_origin),
        ],
    );
    let caddyfile = dir.join("Caddyfile");
    std::fs::write(&caddyfile, format!("{{\n    admin off\n}}\n{site}")).expect("a Caddyfile");
    let errors = dir.join("logs/caddy.log");
    let output = std::fs::File::create(&errors).expect("Caddy's own log");
    let caddy = std::env::var("CADDY").unwrap_or_else(|_| "/usr/bin/caddy".into());
    let process = ChildGuard::spawn(
        Command::new(&caddy)
            .args(["run", "--adapter", "caddyfile", "--config"])
            .arg(&caddyfile)
            .env("HOME", dir)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_DATA_HOME", dir.join("data"))
            .stdout(Stdio::null())
            .stderr(output),
    )
    .unwrap_or_else(|e| panic!("could not start {caddy} (cargo xtask setup installs it): {e}"));
    Server {
        process,
        name: "Caddy",
        errors,
    }
}

/// Fetches each URL from the page, as the browser asks for it (its own `Accept-Encoding`),
/// bypassing the cache, and answers status and headers.
const FETCH_ALL: &str = r#"
const done = arguments[arguments.length - 1];
Promise.all(arguments[0].map(async (url) => {
  const response = await fetch(url, { cache: "no-store" });
  await response.arrayBuffer();
  const headers = {};
  response.headers.forEach((value, name) => { headers[name] = value; });
  return { url, status: response.status, headers };
})).then(done, (error) => done(String(error)));
"#;

/// Every same-origin file the frame's document loaded, its own address, and the app's routes.
const LOADED: &str = r#"
const own = (url) => new URL(url).origin === location.origin;
const files = performance.getEntriesByType("resource").map((e) => e.name).filter(own);
const page = performance.getEntriesByType("navigation")[0].name;
return [page, ...files];
"#;

fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The media type a file's extension calls for; the app's routes are HTML.
fn expected_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => "application/wasm",
        Some("js") => "javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        _ => "text/html",
    }
}

/// Launches Bedside through `server` (already serving `origin`) in the EHR's iframe and
/// checks what the browser was sent and what the server logged.
async fn launch_through(harness: Harness, mut server: Server, origin: &str, dir: &Path) {
    server.wait_until_serving(origin).await;
    let patient = harness.patient_named("Zoë");
    launch_in_frame(&harness, &patient, "").await;
    harness.click(SIGN_IN_BUTTON).await;
    for section in SECTIONS {
        harness.section_text(section).await;
    }
    harness.wait_for_windows(1).await;
    let read_log = || std::fs::read_to_string(dir.join("logs/access.log")).expect("the access log");
    let launched = read_log();
    assert!(
        launched.contains(&format!("{BASE_PATH}callback/reference")),
        "the sign-in answer did not pass through {}: {launched}",
        server.name
    );

    let loaded: Vec<String> = serde_json::from_value(
        harness
            .client
            .execute(LOADED, vec![])
            .await
            .expect("the frame's resource timing"),
    )
    .expect("a list of URLs");
    assert!(
        loaded.iter().any(|url| url.contains("/bedside-launch-")),
        "{} did not answer {BASE_PATH}launch with the light launch page: {loaded:?}",
        server.name
    );
    let mut urls = loaded.clone();
    urls.extend(
        ["", "callback?code=c&state=s", "callback/reference?code=c"]
            .iter()
            .map(|route| format!("{origin}{BASE_PATH}{route}")),
    );
    let answers = harness
        .client
        .execute_async(FETCH_ALL, vec![serde_json::json!(urls)])
        .await
        .expect("fetching the files again");
    let answers = answers
        .as_array()
        .unwrap_or_else(|| panic!("fetching failed: {answers}"));
    assert_eq!(answers.len(), urls.len());
    for ending in ["_bg.wasm", ".js", ".css", "config.json", "/launch"] {
        assert!(
            loaded.iter().any(|url| url
                .split('?')
                .next()
                .is_some_and(|path| path.ends_with(ending))),
            "the app loaded nothing ending in {ending} through {}: {loaded:?}",
            server.name
        );
    }
    let frame_ancestors = format!("frame-ancestors 'self' {}", harness.sandbox.ehr_origin);
    for answer in answers {
        let url = answer["url"].as_str().expect("a URL");
        let path = url[origin.len()..].split('?').next().unwrap_or_default();
        let header = |name: &str| answer["headers"][name].as_str().unwrap_or_default();
        let context = format!("{} {path}: {}", server.name, answer["headers"]);
        assert_eq!(answer["status"], 200, "{context}");
        assert!(
            header("content-type").contains(expected_type(path)),
            "{context}: expected {}",
            expected_type(path)
        );
        assert_eq!(
            header("content-security-policy"),
            frame_ancestors,
            "{context}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{context}");
        assert_eq!(header("referrer-policy"), "no-referrer", "{context}");
        let cache = if is_hashed(path) {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        assert_eq!(header("cache-control"), cache, "{context}");
        if [".wasm", ".js", ".css"]
            .iter()
            .any(|ext| path.ends_with(ext))
        {
            assert!(
                ["gzip", "br", "zstd"].contains(&header("content-encoding")),
                "{context}: sent uncompressed"
            );
        }
    }

    // The start page, the base path itself, is the light page too: its module draws the picker.
    harness
        .client
        .goto(&format!("{origin}{BASE_PATH}"))
        .await
        .expect("opening the start page");
    harness
        .wait_for("main[data-bedside-light] [data-testid=server-picker] button.server")
        .await;

    // Read again: the routes fetched above asked with a `code` of their own, as any visitor may.
    let log = read_log();
    assert!(
        !log.contains("code="),
        "{}'s access log keeps the authorization code: {log}",
        server.name
    );
    drop(server);
    harness.finish().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// A sandbox whose EHR launches the app at `http://localhost:{port}/bedside/`.
async fn harness_for_app_on(port: u16) -> Harness {
    Harness::start_with(sandbox::Options {
        app_url: Some(format!("http://localhost:{port}{BASE_PATH}")),
        ..sandbox::Options::default()
    })
    .await
}

#[tokio::test]
#[ignore = "needs the built app, Chromium and nginx: run `cargo xtask test`"]
async fn the_guides_nginx_recipe_serves_bedside_under_a_base_path_with_every_header() {
    let port = free_port();
    let harness = harness_for_app_on(port).await;
    let dir = site(&harness).await;
    let server = start_nginx(&dir, port, &harness.sandbox.ehr_origin);
    launch_through(harness, server, &format!("http://localhost:{port}"), &dir).await;
}

#[tokio::test]
#[ignore = "needs the built app, Chromium and Caddy: run `cargo xtask test`"]
async fn the_guides_caddy_recipe_serves_bedside_under_a_base_path_with_every_header() {
    let port = free_port();
    let harness = harness_for_app_on(port).await;
    let dir = site(&harness).await;
    let server = start_caddy(&dir, port, &harness.sandbox.ehr_origin);
    launch_through(harness, server, &format!("http://localhost:{port}"), &dir).await;
}

/// The callback document's entries for Trunk's hashed files: name and bytes over the network
/// (`transferSize` is 0 for an answer from the browser's cache).
const HASHED_TRANSFERS: &str = r#"
return performance.getEntriesByType("resource")
  .filter((e) => /-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/.test(new URL(e.name).pathname))
  .map((e) => [new URL(e.name).pathname, e.transferSize]);
"#;

#[tokio::test]
#[ignore = "needs the built app and Chromium: run `cargo xtask test`"]
async fn the_callback_page_takes_the_code_the_launch_page_fetched_from_the_browser_cache() {
    let harness = Harness::start().await;
    let patient = harness.patient_named("Zoë");
    harness.open_ehr_launch(&patient.id, "").await;
    harness.section_text(SECTIONS[0]).await;
    let entries: Vec<(String, f64)> = serde_json::from_value(
        harness
            .client
            .execute(HASHED_TRANSFERS, vec![])
            .await
            .expect("the callback document's resource timing"),
    )
    .expect("pairs of path and size");
    assert!(
        entries.iter().any(|(path, _)| path.ends_with("_bg.wasm")),
        "the callback page loaded no wasm: {entries:?}"
    );
    // The loader too: a round trip for it would hold back the wasm's compilation.
    assert!(
        entries.iter().any(|(path, _)| path.contains("/boot-")),
        "the callback page's loader is not named by its content: {entries:?}"
    );
    for (path, transferred) in entries {
        assert_eq!(
            transferred, 0.0,
            "{path} was fetched again for the callback page"
        );
    }
    harness.finish().await;
}
