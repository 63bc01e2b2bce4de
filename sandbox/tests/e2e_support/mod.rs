//! The end-to-end harness: a fresh sandbox serving the built app, a fresh chromedriver and a
//! fresh headless Chromium profile for every test, torn down when the test ends.
// Shared by several test binaries, each of which uses only part of it.
#![allow(dead_code)]

use fantoccini::elements::Element;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

// Generous: the 10,000-observation patient pages through a debug-built sandbox.
const WAIT: Duration = Duration::from_secs(60);

/// The `data-testid` of every summary section, in page order.
pub const SECTIONS: [&str; 8] = [
    "section-problems",
    "section-medications",
    "section-allergies",
    "section-vital-signs",
    "section-labs",
    "section-immunizations",
    "section-encounters",
    "section-procedures",
];

/// One test's world.
pub struct Harness {
    /// The sandbox EHR and app origin.
    pub sandbox: sandbox::Running,
    /// The WebDriver session.
    pub client: Client,
    driver: ChildGuard,
    profile: PathBuf,
}

/// A child process started in a process group of its own, ended with that whole group when
/// the guard is dropped, so a panicking test leaves no chromedriver and no Chromium behind.
pub struct ChildGuard(Child);

impl ChildGuard {
    /// Starts `command` in a process group of its own.
    pub fn spawn(command: &mut Command) -> std::io::Result<ChildGuard> {
        use std::os::unix::process::CommandExt;
        command.process_group(0).spawn().map(ChildGuard)
    }

    /// How the process ended, if it has.
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.0.try_wait().ok().flatten()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // Chromium's processes are the driver's children in its group; killing only the
        // driver would orphan them.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The built app named by `BEDSIDE_DIST`, checked to hold an `index.html`.
pub fn required_dist() -> PathBuf {
    let dist = std::env::var_os("BEDSIDE_DIST").map(PathBuf::from).expect(
        "BEDSIDE_DIST must name the built app (Trunk's dist/); run the e2e tests with `cargo xtask test`",
    );
    assert!(
        dist.join("index.html").is_file(),
        "{} has no index.html: build the app with `cargo xtask build`",
        dist.display()
    );
    dist
}

/// A loopback port that was free a moment ago and that this process has not handed out
/// before: two tests starting at once must not both give it to their chromedriver.
pub fn free_port() -> u16 {
    static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map(|addr| addr.port())
            .expect("a free loopback port");
        let mut handed_out = HANDED_OUT.lock().unwrap_or_else(|e| e.into_inner());
        if handed_out.get_or_insert_with(HashSet::new).insert(port) {
            return port;
        }
    }
}

/// Waits until the WebDriver server on `port` answers its `/status` with `ready: true`.
/// A bare TCP connect is no proof: on Linux a connect to a free ephemeral port can succeed
/// by connecting to itself (TCP simultaneous open) while nothing listens.
async fn wait_until_webdriver_ready(port: u16, driver: &mut ChildGuard) {
    let status_url = format!("http://127.0.0.1:{port}/status");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("an HTTP client");
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(exit) = driver.exited() {
            panic!("chromedriver exited before it was ready: {exit}");
        }
        let last = match http.get(&status_url).send().await {
            Ok(answer) => match answer.json::<Value>().await {
                Ok(status) if status["value"]["ready"] == Value::Bool(true) => return,
                Ok(status) => format!("not ready: {status}"),
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        assert!(
            Instant::now() < deadline,
            "chromedriver on {port} never became ready: {last}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Opens the WebDriver session, retrying while the driver refuses connections or has not
/// finished starting (a transient state, not a failure of the app under test).
async fn new_session(port: u16, capabilities: serde_json::Map<String, Value>) -> Client {
    const ATTEMPTS: u32 = 5;
    let mut attempt = 1;
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return client,
            Err(error) if attempt < ATTEMPTS => {
                eprintln!("WebDriver session attempt {attempt} failed, retrying: {error}");
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(error) => panic!("no WebDriver session in headless Chromium: {error}"),
        }
    }
}

fn fresh_profile_dir() -> PathBuf {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "bedside-e2e-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("a temporary profile directory");
    dir
}

// The Chromium flags live in webdriver.json at the workspace root, shared with the
// wasm-bindgen-test runner, so every browser this project starts is started the same way.
fn chrome_capabilities(profile: &Path, extra_args: &[&str]) -> serde_json::Map<String, Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../webdriver.json");
    let text = std::fs::read_to_string(path).expect("webdriver.json at the workspace root");
    let shared: Value = serde_json::from_str(&text).expect("webdriver.json is JSON");
    let mut args: Vec<Value> = shared["goog:chromeOptions"]["args"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    args.push(json!(format!("--user-data-dir={}", profile.display())));
    args.push(json!("--window-size=1280,900"));
    args.extend(extra_args.iter().map(|arg| json!(arg)));
    let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut capabilities = serde_json::Map::new();
    // chromedriver turns Chromium's pop-up blocker off by default; keeping it on makes the
    // browser treat windows opened outside a user's click as a user's browser would.
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": binary,
            "args": args,
            "excludeSwitches": ["disable-popup-blocking"],
        }),
    );
    capabilities
}

impl Harness {
    /// Starts the sandbox with `options` (its `app_dir` is set here) and a browser.
    pub async fn start_with(options: sandbox::Options) -> Harness {
        Harness::start_with_browser(options, &[]).await
    }

    /// Starts the sandbox with `options` and a browser given `browser_args` besides the
    /// shared ones (e.g. a forced colour scheme).
    pub async fn start_with_browser(
        mut options: sandbox::Options,
        browser_args: &[&str],
    ) -> Harness {
        options.app_dir = Some(required_dist());
        let sandbox = sandbox::start(options).await.expect("the sandbox starts");
        let port = free_port();
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let mut driver = ChildGuard::spawn(
            Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .unwrap_or_else(|e| panic!("could not start {chromedriver}: {e}"));
        wait_until_webdriver_ready(port, &mut driver).await;
        let profile = fresh_profile_dir();
        let client = new_session(port, chrome_capabilities(&profile, browser_args)).await;
        Harness {
            sandbox,
            client,
            driver,
            profile,
        }
    }

    /// Starts with the default sandbox options.
    pub async fn start() -> Harness {
        Harness::start_with(sandbox::Options::default()).await
    }

    /// Waits for an element to appear.
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            // While a page navigates (redirects, form posts), WebDriver answers lookups with
            // errors such as "aborted by navigation": those mean "not yet", like a missing element.
            let last = match self.client.find(Locator::Css(css)).await {
                Ok(element) => return element,
                Err(error) => error.to_string(),
            };
            assert!(Instant::now() < deadline, "{css} did not appear: {last}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// True when an element is there now (no waiting).
    pub async fn is_present(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("a WebDriver lookup")
            .is_empty()
    }

    /// Waits for an element and returns its text.
    pub async fn text_of(&self, css: &str) -> String {
        self.wait_for(css).await.text().await.expect("element text")
    }

    /// Clicks an element once it is there.
    pub async fn click(&self, css: &str) {
        self.wait_for(css).await.click().await.expect("click");
    }

    /// Waits until the browser has exactly `count` windows open, and returns their handles.
    pub async fn wait_for_windows(&self, count: usize) -> Vec<WindowHandle> {
        let deadline = Instant::now() + WAIT;
        loop {
            let windows = self.client.windows().await.expect("the list of windows");
            if windows.len() == count {
                return windows;
            }
            assert!(
                Instant::now() < deadline,
                "{} windows open, expected {count}",
                windows.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Everything the current document could keep a secret in: both storages, cookies and the
    /// address.
    pub async fn storage_snapshot(&self) -> Value {
        self.client
            .execute(
                "return { local: JSON.stringify(localStorage), localLength: localStorage.length, \
                 session: JSON.stringify(sessionStorage), sessionLength: sessionStorage.length, \
                 cookies: document.cookie, href: location.href };",
                vec![],
            )
            .await
            .expect("reading storage")
    }

    /// The sandbox patient whose display name starts with `given`.
    pub fn patient_named(&self, given: &str) -> sandbox::PatientSummary {
        self.sandbox
            .patients()
            .iter()
            .find(|p| p.display_name.starts_with(given))
            .cloned()
            .unwrap_or_else(|| panic!("the sandbox has a patient named {given}"))
    }

    /// EHR launch of `patient_id` in a tab of its own (full width), with the sandbox's launch
    /// options in `options` (e.g. `&simulate=NAME&lifetime=2`, see `sandbox::ehr`).
    pub async fn open_ehr_launch(&self, patient_id: &str, options: &str) {
        let url = format!(
            "{}ehr/launch?patient={patient_id}&target=tab{options}",
            self.sandbox.ehr_page_url()
        );
        self.client.goto(&url).await.unwrap();
    }

    /// Opens the app's start page, picks the reference server and waits for the sandbox's
    /// sign-in and patient picker.
    pub async fn start_standalone_launch(&self) {
        self.client.goto(&self.sandbox.app_origin).await.unwrap();
        let button = format!("button[data-iss=\"{}\"]", self.sandbox.fhir_base());
        self.click(&button).await;
        self.wait_for("#consent-form").await;
    }

    /// The text of the summary section `id` (e.g. `section-labs`) once its data has arrived
    /// and been rendered (its count appears then).
    pub async fn section_text(&self, id: &str) -> String {
        self.wait_for(&format!("[data-testid={id}] [data-testid=count]"))
            .await;
        self.text_of(&format!("[data-testid={id}]")).await
    }

    /// How many pixels the page is wider than the window (0 or less: no horizontal scroll).
    pub async fn horizontal_overflow(&self) -> i64 {
        self.client
            .execute(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                vec![],
            )
            .await
            .expect("measuring the page width")
            .as_i64()
            .expect("a whole number of pixels")
    }

    /// Saves a screenshot when `BEDSIDE_SCREENSHOTS` names a folder (for looking at the UI).
    pub async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("BEDSIDE_SCREENSHOTS") {
            let png = self.client.screenshot().await.expect("a screenshot");
            std::fs::create_dir_all(&dir).expect("the screenshot folder");
            std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png)
                .expect("writing the screenshot");
        }
    }

    /// Ends the browser session and the sandbox.
    pub async fn finish(self) {
        let Harness {
            sandbox,
            client,
            driver,
            profile,
        } = self;
        let _ = client.close().await;
        drop(driver);
        let _ = std::fs::remove_dir_all(profile);
        sandbox.shutdown().await;
    }
}

/// Opens the EHR page (with `options`, e.g. `?frames=deny`), launches Bedside for `patient`
/// into the page's iframe and waits, inside the frame, for Bedside's sign-in step: in a frame,
/// Bedside signs in through a new window on the user's click.
pub async fn launch_in_frame(harness: &Harness, patient: &sandbox::PatientSummary, options: &str) {
    let page = format!("{}{options}", harness.sandbox.ehr_page_url());
    harness.client.goto(&page).await.unwrap();
    harness
        .click(&format!(
            "a.launch-embedded[data-patient=\"{}\"]",
            patient.id
        ))
        .await;
    enter_bedside_frame(harness).await;
    harness.wait_for(SIGN_IN_BUTTON).await;
}

/// Bedside's "Sign in in a new window" button, shown inside a frame.
pub const SIGN_IN_BUTTON: &str = "[data-testid=sign-in-new-window]";

/// Switches WebDriver into the EHR page's Bedside iframe.
pub async fn enter_bedside_frame(harness: &Harness) {
    harness
        .wait_for("iframe#bedside-frame")
        .await
        .enter_frame()
        .await
        .unwrap();
}

/// A sandbox patient's birth date as the banner writes it (`12 Mar 1980`).
pub fn banner_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<u32> = iso
        .split('-')
        .map(|p| p.parse().expect("a numeric date"))
        .collect();
    format!(
        "{} {} {}",
        parts[2],
        MONTHS[parts[1] as usize - 1],
        parts[0]
    )
}
