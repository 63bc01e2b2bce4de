//! The measured launches: what the browser is made to do, and what is read from its
//! performance timeline afterwards.

use crate::browser::Browser;
use crate::timeline::{self, CallbackMarks, Hop};
use crate::waves::{self, Request, Waves};
use fantoccini::Locator;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long one launch may take before the run is abandoned.
const WAIT: Duration = Duration::from_secs(90);

/// What one run of one scenario measured: named figures and the waves after the callback.
#[derive(Debug, Default)]
pub struct Run {
    /// Figure name → value (milliseconds unless the name says otherwise).
    pub figures: BTreeMap<&'static str, f64>,
    /// Waves after the callback.
    pub waves: Waves,
    /// The requests after the callback they were counted from.
    pub requests: Vec<Request>,
    /// Every request of the launch across its documents, preflights and redirects included
    /// (when the browser kept its network log), and the time the launch started (ms since the
    /// epoch).
    pub timeline: Option<(f64, Vec<Hop>)>,
}

/// One document's performance timeline.
#[derive(Debug)]
struct Snapshot {
    /// `performance.timeOrigin` (ms since the epoch).
    origin: f64,
    /// First mark of each name → its `startTime`.
    marks: BTreeMap<String, f64>,
    /// Resource timing entries: URL, initiator type, start, response end.
    resources: Vec<(String, String, f64, f64)>,
    /// Long task durations.
    longtasks: Vec<f64>,
    /// `performance.memory.usedJSHeapSize`.
    heap: Option<f64>,
    /// The wasm instance's linear memory, bytes.
    wasm_memory: Option<f64>,
}

const SNAPSHOT: &str = r#"
const marks = {};
for (const m of performance.getEntriesByType("mark")) if (!(m.name in marks)) marks[m.name] = m.startTime;
const resources = performance.getEntriesByType("resource")
  .map((e) => [e.name, e.initiatorType, e.startTime, e.responseEnd]);
const bench = window.__bench || {};
let wasmMemory = null;
try { wasmMemory = bench.instance.exports.memory.buffer.byteLength; } catch (_) {}
return { origin: performance.timeOrigin, marks, resources,
  longtasks: (bench.longtasks || []).map((t) => t.duration),
  heap: performance.memory ? performance.memory.usedJSHeapSize : null, wasmMemory };
"#;

/// Whether the page set the mark `arguments[0]`, or shows a problem (Bedside's error page, or the
/// comparator's failure).
const STATUS: &str = r#"
if (performance.getEntriesByName(arguments[0]).length > 0) return "done";
if (performance.getEntriesByName("comparator:failed").length > 0) return "problem: " + document.body.textContent;
const problem = document.querySelector("[data-testid=error-message]");
if (problem && !document.querySelector("[data-testid=summary]")) return "problem: " + problem.textContent;
return "waiting";
"#;

/// The path of the wasm module the page's `boot.js` tag loads.
const PAGE_WASM: &str = r#"
return document.querySelector("script[data-bedside-wasm]").dataset.bedsideWasm;
"#;

/// Sends the page to `arguments[0]` and answers when it did (ms since the epoch).
const NAVIGATE: &str = r#"
const at = performance.timeOrigin + performance.now();
location.href = arguments[0];
return at;
"#;

/// Clicks the element `css` from a script and answers the click's time (ms since the epoch).
const CLICK: &str = r#"
const element = document.querySelector(arguments[0]);
const at = performance.timeOrigin + performance.now();
element.click();
return at;
"#;

impl Snapshot {
    async fn take(browser: &Browser) -> Result<Snapshot, String> {
        let value = browser
            .client
            .execute(SNAPSHOT, vec![])
            .await
            .map_err(|e| format!("reading the performance timeline: {e}"))?;
        let number = |v: &Value| v.as_f64().unwrap_or(0.0);
        Ok(Snapshot {
            origin: number(&value["origin"]),
            marks: value["marks"]
                .as_object()
                .map(|marks| marks.iter().map(|(k, v)| (k.clone(), number(v))).collect())
                .unwrap_or_default(),
            resources: value["resources"]
                .as_array()
                .map(|entries| {
                    entries
                        .iter()
                        .map(|e| {
                            let text = |i: usize| e[i].as_str().unwrap_or_default().to_owned();
                            (text(0), text(1), number(&e[2]), number(&e[3]))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            longtasks: value["longtasks"]
                .as_array()
                .map(|tasks| tasks.iter().map(number).collect())
                .unwrap_or_default(),
            heap: value["heap"].as_f64(),
            wasm_memory: value["wasmMemory"].as_f64(),
        })
    }

    fn mark(&self, name: &str) -> Result<f64, String> {
        self.marks
            .get(name)
            .copied()
            .ok_or_else(|| format!("the page set no {name} mark"))
    }

    /// The app's own requests after the callback page started (its mark `callback`): fetches,
    /// not page resources.
    fn requests_after(&self, callback: &str) -> Result<Vec<Request>, String> {
        let from = self.mark(callback)?;
        Ok(self
            .resources
            .iter()
            .filter(|(_, kind, start, _)| {
                (kind == "fetch" || kind == "xmlhttprequest") && *start >= from
            })
            .map(|(url, _, start, end)| Request {
                url: url.clone(),
                start: *start,
                end: *end,
            })
            .collect())
    }

    fn longest_task(&self) -> f64 {
        self.longtasks.iter().copied().fold(0.0, f64::max)
    }

    fn first_section(&self) -> Result<f64, String> {
        self.marks
            .iter()
            .filter(|(name, _)| name.starts_with("bedside:section:"))
            .map(|(_, at)| *at)
            .reduce(f64::min)
            .ok_or_else(|| "the page set no bedside:section:* mark".to_owned())
    }

    /// Figures every callback document gives.
    fn callback_figures(&self, run: &mut Run) -> Result<(), String> {
        let callback = self.mark("bedside:callback")?;
        let token = self.mark("bedside:token")?;
        let all = self.mark("bedside:all-sections")?;
        run.figures.insert("callback → token", token - callback);
        run.figures
            .insert("token → first section", self.first_section()? - token);
        run.figures.insert("token → all sections", all - token);
        run.figures
            .insert("longest task (0: none over 50 ms)", self.longest_task());
        if let Some(end) = self.marks.get("bench:wasm:end") {
            let boot = self.marks.get("bedside:boot").copied().unwrap_or(callback);
            run.figures
                .insert("wasm instantiated → first bedside mark", boot - end);
        }
        let requests = self.requests_after("bedside:callback")?;
        run.waves = waves::count(&requests);
        run.requests.clone_from(&requests);
        run.figures
            .insert("requests after callback (count)", requests.len() as f64);
        run.figures
            .insert("waves after callback (count)", run.waves.sizes.len() as f64);
        Ok(())
    }
}

async fn wait_until_settled(browser: &Browser) -> Result<(), String> {
    wait_until_marked(browser, "bedside:all-sections").await
}

async fn wait_until_marked(browser: &Browser, mark: &str) -> Result<(), String> {
    let deadline = Instant::now() + WAIT;
    loop {
        // Errors are expected while the document changes under the script; keep asking.
        if let Ok(Value::String(status)) = browser.client.execute(STATUS, vec![json!(mark)]).await {
            if status == "done" {
                return Ok(());
            }
            if let Some(problem) = status.strip_prefix("problem: ") {
                return Err(format!("the app showed a problem: {problem}"));
            }
        }
        if Instant::now() > deadline {
            return Err(format!("no {mark} mark within {WAIT:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click_at(browser: &Browser, css: &str) -> Result<f64, String> {
    wait_for(browser, css).await?;
    browser
        .client
        .execute(CLICK, vec![json!(css)])
        .await
        .map_err(|e| format!("clicking {css}: {e}"))?
        .as_f64()
        .ok_or_else(|| format!("clicking {css} answered no time"))
}

async fn wait_for(browser: &Browser, css: &str) -> Result<fantoccini::elements::Element, String> {
    browser
        .client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .map_err(|e| format!("{css} did not appear: {e}"))
}

/// (a) EHR launch inside the EHR page's iframe. In a frame, Bedside waits for a click on "Sign
/// in in a new window" (see the app's `smart::popup`), so the run is timed from that click.
pub async fn ehr_launch_in_iframe(
    browser: &Browser,
    sandbox: &sandbox::Running,
    patient_id: &str,
) -> Result<Run, String> {
    let goto = |url: String| async move {
        browser
            .client
            .goto(&url)
            .await
            .map_err(|e| format!("{url}: {e}"))
    };
    goto(sandbox.ehr_page_url()).await?;
    click_at(
        browser,
        &format!("a.launch-embedded[data-patient=\"{patient_id}\"]"),
    )
    .await?;
    wait_for(browser, "iframe#bedside-frame")
        .await?
        .enter_frame()
        .await
        .map_err(|e| format!("entering the iframe: {e}"))?;
    let clicked = click_at(browser, "[data-testid=sign-in-new-window]").await?;
    wait_until_settled(browser).await?;
    let page = Snapshot::take(browser).await?;
    let mut run = Run::default();
    page.callback_figures(&mut run)?;
    let at = |mark: &str| page.mark(mark).map(|t| page.origin + t - clicked);
    run.figures.insert("click → banner", at("bedside:banner")?);
    run.figures
        .insert("click → all sections", at("bedside:all-sections")?);
    Ok(run)
}

/// (b) Standalone launch: the start page (cold, first load: also the wasm figures), the
/// sandbox's sign-in and consent, then the callback.
pub async fn standalone_launch(
    browser: &Browser,
    sandbox: &sandbox::Running,
    patient_id: &str,
) -> Result<Run, String> {
    browser
        .client
        .goto(&format!("{}/", sandbox.app_origin))
        .await
        .map_err(|e| format!("{}: {e}", sandbox.app_origin))?;
    let server_button = format!("button[data-iss=\"{}\"]", sandbox.fhir_base());
    wait_for(browser, &server_button).await?;
    let start_page = Snapshot::take(browser).await?;
    let mut run = Run::default();
    // The page's own module, which boot.js's tag names: the light page also prefetches the
    // whole app's for the callback page.
    let own_wasm = browser
        .client
        .execute(PAGE_WASM, vec![])
        .await
        .map_err(|e| format!("reading the start page's module: {e}"))?;
    let own_wasm = own_wasm.as_str().unwrap_or(".wasm");
    let (_, _, wasm_start, wasm_end) = start_page
        .resources
        .iter()
        .find(|(url, ..)| url.ends_with(own_wasm))
        .cloned()
        .ok_or("the start page fetched no .wasm")?;
    let instantiated = start_page.mark("bench:wasm:end")?;
    run.figures
        .insert("first load: wasm fetch (cold)", wasm_end - wasm_start);
    run.figures.insert(
        "first load: wasm compile + instantiate after download",
        instantiated - wasm_end,
    );
    run.figures
        .insert("first load: navigation → wasm instantiated", instantiated);
    let start_longest = start_page.longest_task();

    wait_for(browser, &server_button)
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing the server: {e}"))?;
    wait_for(browser, &format!("#patient-{patient_id}"))
        .await?
        .click()
        .await
        .map_err(|e| format!("choosing the patient: {e}"))?;
    let allowed = click_at(browser, "#allow").await?;
    wait_until_settled(browser).await?;
    let page = Snapshot::take(browser).await?;
    page.callback_figures(&mut run)?;
    let all = page.mark("bedside:all-sections")?;
    run.figures
        .insert("allow → all sections", page.origin + all - allowed);
    let longest = run.figures["longest task (0: none over 50 ms)"].max(start_longest);
    run.figures
        .insert("longest task (0: none over 50 ms)", longest);
    Ok(run)
}

/// (c) The 10,000-observation patient, EHR launch in a tab of its own.
pub async fn large_patient(
    browser: &Browser,
    sandbox: &sandbox::Running,
    patient_id: &str,
) -> Result<Run, String> {
    let mut run = tab_launch(browser, sandbox, patient_id, App::Bedside).await?;
    let page = Snapshot::take(browser).await?;
    if let Some(heap) = page.heap {
        run.figures.insert("JS heap used (MB)", heap / 1e6);
    }
    if let Some(memory) = page.wasm_memory {
        run.figures.insert("wasm linear memory (MB)", memory / 1e6);
    }
    Ok(run)
}

/// The app an EHR launch in a tab opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    /// Bedside, at the app origin's `/launch`.
    Bedside,
    /// The fhirclient.js comparator (`xtask/comparator/`), at `/comparator/launch.html`.
    Fhirclient,
}

impl App {
    /// The name of the app's performance mark `what` (`callback`, `token`, `all-sections`).
    fn mark(self, what: &str) -> String {
        match self {
            App::Bedside => format!("bedside:{what}"),
            App::Fhirclient => format!("comparator:{what}"),
        }
    }

    /// The launch URL the EHR gave, for this app: the same `iss` and `launch`.
    fn launch_url(self, ehr_launch_url: &str) -> String {
        match self {
            App::Bedside => ehr_launch_url.to_owned(),
            App::Fhirclient => ehr_launch_url.replacen("/launch?", "/comparator/launch.html?", 1),
        }
    }
}

/// Asks the sandbox EHR for a launch of `patient_id` in a tab and answers the app's launch
/// URL it redirects to (`{app}/launch?iss=…&launch=…`), without following it.
async fn ehr_launch_url(sandbox: &sandbox::Running, patient_id: &str) -> Result<String, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = sandbox
        .ehr_origin
        .strip_prefix("http://")
        .ok_or("the EHR origin is not http")?;
    let port: u16 = host
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or("the EHR origin has no port")?;
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("the EHR: {e}"))?;
    let request =
        format!("GET /ehr/launch?patient={patient_id}&target=tab HTTP/1.0\r\nHost: {host}\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| format!("the EHR: {e}"))?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .await
        .map_err(|e| format!("the EHR: {e}"))?;
    answer
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("location")
                .then(|| value.trim().to_owned())
        })
        .ok_or_else(|| format!("the EHR launch answered no redirect: {answer}"))
}

/// An EHR launch in a tab of `app`, timed from the moment the browser is sent to the launch
/// URL (a fresh browser: nothing cached) until the app has drawn every section.
pub async fn tab_launch(
    browser: &Browser,
    sandbox: &sandbox::Running,
    patient_id: &str,
    app: App,
) -> Result<Run, String> {
    let url = app.launch_url(&ehr_launch_url(sandbox, patient_id).await?);
    browser
        .client
        .goto("about:blank")
        .await
        .map_err(|e| format!("about:blank: {e}"))?;
    let sent = browser
        .client
        .execute(NAVIGATE, vec![json!(url)])
        .await
        .map_err(|e| format!("{url}: {e}"))?
        .as_f64()
        .ok_or("navigating answered no time")?;
    wait_until_marked(browser, &app.mark("all-sections")).await?;
    let page = Snapshot::take(browser).await?;
    let mut run = Run::default();
    let all = page.mark(&app.mark("all-sections"))?;
    match app {
        App::Bedside => page.callback_figures(&mut run)?,
        App::Fhirclient => {
            let callback = page.mark(&app.mark("callback"))?;
            let token = page.mark(&app.mark("token"))?;
            run.figures.insert("callback → token", token - callback);
            run.figures.insert("token → all sections", all - token);
            run.figures
                .insert("longest task (0: none over 50 ms)", page.longest_task());
            let requests = page.requests_after(&app.mark("callback"))?;
            run.waves = waves::count(&requests);
            run.figures
                .insert("requests after callback (count)", requests.len() as f64);
            run.figures
                .insert("waves after callback (count)", run.waves.sizes.len() as f64);
            run.requests = requests;
        }
    }
    run.figures
        .insert("launch URL → all sections", page.origin + all - sent);
    let log = browser.log("performance").await.unwrap_or_default();
    if !log.is_empty() {
        let hops = timeline::hops(&log);
        let console = timeline::console_marks(&browser.log("browser").await.unwrap_or_default());
        let at = |mark: &str| page.marks.get(mark).map(|t| page.origin + t);
        let marks = CallbackMarks {
            ready: match app {
                App::Bedside => at("bench:wasm:end"),
                App::Fhirclient => at(&app.mark("callback")),
            },
            callback: at(&app.mark("callback")),
            token: at(&app.mark("token")),
        };
        run.figures
            .extend(timeline::phases(&hops, &console, sent, marks));
        run.timeline = Some((sent, hops));
    }
    run.figures.insert(
        "DOM elements",
        browser
            .client
            .execute("return document.getElementsByTagName('*').length;", vec![])
            .await
            .ok()
            .and_then(|n| n.as_f64())
            .unwrap_or(f64::NAN),
    );
    Ok(run)
}
