//! Headless Chromium over WebDriver: one chromedriver for the whole bench, a fresh browser
//! with a fresh profile for every run, network latency through the DevTools protocol.

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs in every document before its own scripts (DevTools
/// `Page.addScriptToEvaluateOnNewDocument`): records long tasks, keeps every resource timing
/// entry, and marks when the WebAssembly module is instantiated (`bench:wasm:end`), keeping
/// the instance to read the size of its linear memory. It also writes both wasm marks to the
/// console with the wall clock (`bench-mark {name} {ms since the epoch}`): a document's marks
/// are gone once it navigates, its console lines are kept in the browser log. It measures; it
/// changes nothing the app does.
const PROBE: &str = r#"(() => {
  try { performance.setResourceTimingBufferSize(100000); } catch (_) {}
  const bench = { longtasks: [], instance: null };
  window.__bench = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
  } catch (_) {}
  const mark = (name) => {
    performance.mark(name);
    console.debug("bench-mark " + name + " " + (performance.timeOrigin + performance.now()));
  };
  for (const name of ["instantiateStreaming", "instantiate"]) {
    const original = WebAssembly[name];
    if (typeof original !== "function") continue;
    WebAssembly[name] = function (...args) {
      mark("bench:wasm:start");
      return original.apply(this, args).then((result) => {
        mark("bench:wasm:end");
        bench.instance = result.instance || result;
        return result;
      });
    };
  }
})();"#;

/// A chromedriver process.
pub struct Driver {
    process: Child,
    url: String,
    count: u32,
}

/// One browser: a WebDriver session with its own profile directory.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    profile: PathBuf,
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("no free port: {e}"))
}

impl Driver {
    /// Starts `chromedriver` (env `CHROMEDRIVER`, default `/usr/bin/chromedriver`).
    pub async fn start() -> Result<Driver, String> {
        let port = free_port()?;
        let program =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let process = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {program}: {e}"))?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("chromedriver did not listen on {port}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(Driver {
            process,
            url: format!("http://127.0.0.1:{port}"),
            count: 0,
        })
    }

    /// A new browser with a fresh profile, the probe installed and `latency_ms` added to every
    /// request; with `network_log`, chromedriver keeps its DevTools network events (see
    /// [`Browser::network_log`]).
    pub async fn browser(&mut self, latency_ms: u64, network_log: bool) -> Result<Browser, String> {
        self.count += 1;
        let profile = std::env::temp_dir().join(format!(
            "bedside-bench-{}-{}",
            std::process::id(),
            self.count
        ));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).map_err(|e| format!("{}: {e}", profile.display()))?;
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities(&profile, network_log)?)
            .connect(&self.url)
            .await
            .map_err(|e| format!("no WebDriver session: {e}"))?;
        let browser = Browser { client, profile };
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": PROBE }),
            )
            .await?;
        // Latency applies to every request of this tab's frames, embedded ones included; the
        // emulation only takes effect with the Network domain enabled.
        browser.cdp("Network.enable", json!({})).await?;
        browser
            .cdp(
                "Network.emulateNetworkConditions",
                json!({ "offline": false, "latency": latency_ms,
                        "downloadThroughput": -1, "uploadThroughput": -1 }),
            )
            .await?;
        Ok(browser)
    }

    /// Stops chromedriver.
    pub fn stop(mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

// The flags every browser of this project gets (webdriver.json), a fresh profile, and precise
// `performance.memory` figures (Chromium otherwise rounds them). The performance log costs
// chromedriver work on every network event, so only the launches whose timeline is read keep it.
fn capabilities(
    profile: &Path,
    network_log: bool,
) -> Result<serde_json::Map<String, Value>, String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../webdriver.json");
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let shared: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let mut args: Vec<Value> = shared["goog:chromeOptions"]["args"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    args.push(json!(format!("--user-data-dir={}", profile.display())));
    args.push(json!("--window-size=1280,900"));
    args.push(json!("--enable-precise-memory-info"));
    let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut options = json!({ "binary": binary, "args": args });
    let mut capabilities = serde_json::Map::new();
    if network_log {
        options["perfLoggingPrefs"] = json!({ "enableNetwork": true, "enablePage": false });
        capabilities.insert(
            "goog:loggingPrefs".into(),
            json!({ "performance": "ALL", "browser": "ALL" }),
        );
    }
    capabilities.insert("goog:chromeOptions".into(), options);
    Ok(capabilities)
}

impl Browser {
    /// Sends a DevTools protocol command through chromedriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
        self.client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body: json!({ "cmd": cmd, "params": params }),
            })
            .await
            .map_err(|e| format!("DevTools {cmd}: {e}"))
    }

    /// The entries of chromedriver's log `kind` since the last call (the `message` of each):
    /// `performance` (DevTools events) or `browser` (console lines); empty unless the browser
    /// was started with its network log.
    pub async fn log(&self, kind: &'static str) -> Result<Vec<String>, String> {
        let value = self
            .client
            .issue_cmd(SessionPost {
                path: "se/log",
                body: json!({ "type": kind }),
            })
            .await
            .map_err(|e| format!("reading the {kind} log: {e}"))?;
        Ok(value
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|e| e["message"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Ends the session and removes the profile.
    pub async fn close(self) {
        let _ = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A chromedriver extension command: `POST /session/{id}/{path}` with a JSON body
/// (`goog/cdp/execute` for DevTools, `se/log` for a log).
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}
