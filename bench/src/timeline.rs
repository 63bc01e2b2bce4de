//! The typical launch's network timeline across both documents (launch page, authorization,
//! callback page), read from chromedriver's performance log (DevTools `Network.*` events), in
//! which CORS preflights and redirects are requests of their own. Resource timing cannot show
//! it: the launch document is gone when the callback document is read, and preflights are
//! hidden inside their request's entry.

use serde_json::Value;

/// One request as the browser's network stack saw it; a redirect ends one hop and starts the
/// next.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    /// The URL asked for.
    pub url: String,
    /// `GET`, `POST`, `OPTIONS`.
    pub method: String,
    /// DevTools' resource type: `Document`, `Script`, `Fetch`, `Preflight`, `Other`, ...
    pub kind: String,
    /// When it was sent, ms since the epoch.
    pub start: f64,
    /// When it finished (or failed, or was redirected), ms since the epoch.
    pub end: Option<f64>,
    /// The answer's status.
    pub status: Option<u16>,
    /// Answered by the browser's cache, not the server.
    pub cached: bool,
    /// Sent at the lowest priorities, as a prefetch for a later page is.
    pub prefetch: bool,
}

/// The hops of a performance log, in the order they were sent. `messages` are the log
/// entries' `message` strings (`{"message": {"method", "params"}, "webview"}`); other events
/// are skipped. DevTools stamps events on a monotonic clock and gives the wall clock only with
/// `requestWillBeSent`: the first one sets the offset for all.
pub fn hops(messages: &[String]) -> Vec<Hop> {
    let mut hops: Vec<Hop> = Vec::new();
    // requestId → index of its open hop.
    let mut open: std::collections::HashMap<String, usize> = Default::default();
    let mut offset: Option<f64> = None;
    for text in messages {
        let Ok(entry) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let event = &entry["message"];
        let params = &event["params"];
        let (Some(id), Some(stamp)) = (params["requestId"].as_str(), params["timestamp"].as_f64())
        else {
            continue;
        };
        if let (None, Some(wall)) = (offset, params["wallTime"].as_f64()) {
            offset = Some(wall - stamp);
        }
        let Some(offset) = offset else { continue };
        let at = (stamp + offset) * 1000.0;
        let status = |response: &Value| response["status"].as_u64().map(|s| s as u16);
        match event["method"].as_str().unwrap_or_default() {
            "Network.requestWillBeSent" => {
                if let Some(&index) = open.get(id) {
                    let redirect = &params["redirectResponse"];
                    hops[index].end = Some(at);
                    hops[index].status = status(redirect);
                }
                let request = &params["request"];
                let url = request["url"].as_str().unwrap_or_default();
                // The browser's own pages (the new tab page before the launch) are not the app's.
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    open.remove(id);
                    continue;
                }
                open.insert(id.to_owned(), hops.len());
                hops.push(Hop {
                    url: url.to_owned(),
                    method: request["method"].as_str().unwrap_or_default().to_owned(),
                    kind: params["type"].as_str().unwrap_or("Other").to_owned(),
                    start: at,
                    end: None,
                    status: None,
                    cached: false,
                    prefetch: matches!(
                        request["initialPriority"].as_str(),
                        Some("Lowest" | "VeryLow" | "Idle")
                    ),
                });
            }
            "Network.requestServedFromCache" => {
                if let Some(&index) = open.get(id) {
                    hops[index].cached = true;
                }
            }
            "Network.responseReceived" => {
                if let Some(&index) = open.get(id) {
                    let response = &params["response"];
                    hops[index].status = status(response);
                    let from_cache = ["fromDiskCache", "fromPrefetchCache", "fromServiceWorker"]
                        .iter()
                        .any(|flag| response[flag].as_bool() == Some(true));
                    hops[index].cached |= from_cache;
                    if let Some(kind) = params["type"].as_str() {
                        hops[index].kind = kind.to_owned();
                    }
                }
            }
            "Network.loadingFinished" | "Network.loadingFailed" => {
                if let Some(index) = open.remove(id) {
                    hops[index].end = Some(at);
                }
            }
            _ => {}
        }
    }
    hops.sort_by(|a, b| a.start.total_cmp(&b.start));
    hops
}

/// The marks the bench's probe wrote to the console (`bench-mark {name} {ms since the epoch}`,
/// anywhere in a browser log line, which chromedriver prefixes with the script's address and
/// may quote), in log order.
pub fn console_marks(lines: &[String]) -> Vec<(String, f64)> {
    lines
        .iter()
        .filter_map(|line| {
            let (_, rest) = line.split_once("bench-mark ")?;
            let mut words = rest.split_whitespace();
            let name = words.next()?;
            let at = words.next()?.trim_matches(|c| c == '"' || c == '\\');
            Some((name.to_owned(), at.parse().ok()?))
        })
        .collect()
}

/// The path of `url`, without query or fragment.
fn path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.find('/').map_or("", |at| &rest[at..]);
    rest.split(['?', '#']).next().unwrap_or_default()
}

/// What a hop is, for the phases.
fn is_discovery(hop: &Hop) -> bool {
    let path = path(&hop.url);
    path.ends_with("/.well-known/smart-configuration") || path.ends_with("/metadata")
}

fn is_token(hop: &Hop) -> bool {
    path(&hop.url).ends_with("/token")
}

fn is_code(hop: &Hop) -> bool {
    let path = path(&hop.url);
    path.ends_with(".js") || path.ends_with(".wasm")
}

fn is_preflight(hop: &Hop) -> bool {
    hop.kind == "Preflight" || hop.method == "OPTIONS"
}

/// Marks of the callback document the phases need, ms since the epoch.
#[derive(Debug, Default, Clone, Copy)]
pub struct CallbackMarks {
    /// The code is ready: the wasm instantiated (Bedside), or the script ran (the comparator's
    /// first mark).
    pub ready: Option<f64>,
    /// The app's `callback` mark.
    pub callback: Option<f64>,
    /// The app's `token` mark (token response accepted).
    pub token: Option<f64>,
}

/// The phases of one launch, each a time in ms since `zero` (the moment the browser was sent
/// to the launch URL), named so that they sort in launch order; absent phases are left out.
/// Also counts the CORS preflights before the token response.
pub fn phases(
    hops: &[Hop],
    console: &[(String, f64)],
    zero: f64,
    marks: CallbackMarks,
) -> Vec<(&'static str, f64)> {
    let documents: Vec<&Hop> = hops.iter().filter(|h| h.kind == "Document").collect();
    let launch = documents.first();
    let authorize = documents
        .iter()
        .find(|h| path(&h.url).ends_with("/authorize"));
    let callback = documents
        .iter()
        .skip_while(|h| !path(&h.url).ends_with("/authorize"))
        .find(|h| path(&h.url).contains("callback"));
    let before = |limit: Option<&&Hop>| {
        let limit = limit.map_or(f64::INFINITY, |h| h.start);
        move |h: &&Hop| h.start < limit
    };
    let after = |from: Option<&&Hop>| {
        let from = from.map_or(f64::INFINITY, |h| h.start);
        move |h: &&Hop| h.start >= from
    };
    let launch_page: Vec<&Hop> = hops.iter().filter(before(authorize)).collect();
    let callback_page: Vec<&Hop> = hops.iter().filter(after(callback)).collect();
    let first_start = |list: &[&Hop], pick: &dyn Fn(&Hop) -> bool| {
        list.iter()
            .filter(|h| pick(h))
            .map(|h| h.start)
            .reduce(f64::min)
    };
    let last_end = |list: &[&Hop], pick: &dyn Fn(&Hop) -> bool| {
        list.iter()
            .filter(|h| pick(h))
            .filter_map(|h| h.end)
            .reduce(f64::max)
    };
    // The launch page's own code: scripts and wasm it waits for, not what it prefetches for
    // the next page.
    let launch_code = |h: &Hop| is_code(h) && !h.prefetch;
    let config = |h: &Hop| path(&h.url).ends_with("/config.json") && !is_preflight(h);
    let discovery = |h: &Hop| is_discovery(h) && !is_preflight(h);
    let token = |h: &Hop| is_token(h) && !is_preflight(h);
    // The probe's wasm marks of the launch page: those before the authorization.
    let launch_mark = |name: &str| {
        let limit = authorize.map_or(f64::INFINITY, |h| h.start);
        console
            .iter()
            .find(|(mark, at)| mark == name && *at < limit)
            .map(|(_, at)| *at)
    };
    let callback_compile = console
        .iter()
        .find(|(mark, at)| mark == "bench:wasm:start" && callback.is_some_and(|h| *at >= h.start))
        .map(|(_, at)| *at);
    let points = [
        (
            "timeline 01 launch html received",
            launch.and_then(|h| h.end),
        ),
        (
            "timeline 02 launch code received",
            last_end(&launch_page, &launch_code),
        ),
        (
            "timeline 03 config.json sent",
            first_start(&launch_page, &config),
        ),
        (
            "timeline 04 config.json received",
            last_end(&launch_page, &config),
        ),
        (
            "timeline 04a launch wasm compile started",
            launch_mark("bench:wasm:start"),
        ),
        (
            "timeline 04b launch wasm instantiated",
            launch_mark("bench:wasm:end"),
        ),
        (
            "timeline 05 discovery sent",
            first_start(&launch_page, &discovery),
        ),
        (
            "timeline 06 discovery received",
            last_end(&launch_page, &discovery),
        ),
        ("timeline 07 authorize sent", authorize.map(|h| h.start)),
        ("timeline 08 callback html sent", callback.map(|h| h.start)),
        (
            "timeline 09 callback html received",
            callback.and_then(|h| h.end),
        ),
        (
            "timeline 10 callback code received",
            last_end(&callback_page, &is_code),
        ),
        (
            "timeline 10a callback wasm compile started",
            callback_compile,
        ),
        ("timeline 11 callback code ready", marks.ready),
        ("timeline 12 callback mark", marks.callback),
        (
            "timeline 13 token sent",
            first_start(&callback_page, &token),
        ),
        (
            "timeline 14 token received",
            last_end(&callback_page, &token),
        ),
        ("timeline 15 token accepted", marks.token),
    ];
    let mut out: Vec<(&'static str, f64)> = points
        .into_iter()
        .filter_map(|(name, at)| at.map(|at| (name, at - zero)))
        .collect();
    let preflights = hops
        .iter()
        .filter(|h| is_preflight(h) && marks.token.is_none_or(|token| h.start < token))
        .count();
    out.push((
        "timeline preflights before the token (count)",
        preflights as f64,
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(method: &str, params: Value) -> String {
        json!({ "message": { "method": method, "params": params }, "webview": "x" }).to_string()
    }

    fn sent(id: &str, url: &str, kind: &str, stamp: f64) -> String {
        event(
            "Network.requestWillBeSent",
            json!({ "requestId": id, "timestamp": stamp, "wallTime": 1000.0 + stamp,
                    "type": kind, "request": { "url": url, "method": "GET" } }),
        )
    }

    fn finished(id: &str, stamp: f64) -> String {
        event(
            "Network.loadingFinished",
            json!({ "requestId": id, "timestamp": stamp }),
        )
    }

    #[test]
    fn monotonic_stamps_become_wall_clock_milliseconds_through_the_first_wall_time() {
        let log = [
            sent("1", "http://a/x", "Document", 5.0),
            finished("1", 5.25),
        ];
        let hops = hops(&log);
        assert_eq!(hops.len(), 1);
        assert_eq!(hops[0].start, 1_005_000.0);
        assert_eq!(hops[0].end, Some(1_005_250.0));
    }

    #[test]
    fn a_redirect_ends_one_hop_with_its_status_and_starts_the_next() {
        let redirected = event(
            "Network.requestWillBeSent",
            json!({ "requestId": "1", "timestamp": 2.0, "wallTime": 1002.0, "type": "Document",
                    "request": { "url": "http://app/callback?code=c", "method": "GET" },
                    "redirectResponse": { "status": 302 } }),
        );
        let log = [
            sent("1", "http://ehr/auth/authorize?x=1", "Document", 1.0),
            redirected,
            finished("1", 2.5),
        ];
        let hops = hops(&log);
        assert_eq!(hops.len(), 2);
        assert_eq!(
            (hops[0].end, hops[0].status),
            (Some(1_002_000.0), Some(302))
        );
        assert_eq!(hops[1].url, "http://app/callback?code=c");
        assert_eq!(hops[1].end, Some(1_002_500.0));
    }

    #[test]
    fn a_preflight_is_counted_and_does_not_stand_for_its_request() {
        let log = [
            sent("1", "http://app/launch?iss=i", "Document", 1.0),
            finished("1", 1.1),
            sent("p", "http://ehr/fhir/metadata", "Preflight", 1.2),
            finished("p", 1.3),
            sent("2", "http://ehr/fhir/metadata", "Fetch", 1.3),
            finished("2", 1.4),
        ];
        let phases = phases(&hops(&log), &[], 1_001_000.0, CallbackMarks::default());
        let value = |name: &str| phases.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        assert_eq!(value("timeline 05 discovery sent"), Some(300.0));
        assert_eq!(
            value("timeline preflights before the token (count)"),
            Some(1.0)
        );
    }

    #[test]
    fn the_callback_page_is_the_first_callback_document_after_the_authorization() {
        let log = [
            sent("1", "http://app/callback-like/launch", "Document", 1.0),
            sent("2", "http://ehr/auth/authorize?a=b", "Document", 2.0),
            sent("3", "http://app/callback?code=c", "Document", 3.0),
            sent("4", "http://ehr/auth/token", "Fetch", 4.0),
            finished("4", 4.5),
        ];
        let phases = phases(&hops(&log), &[], 1_001_000.0, CallbackMarks::default());
        let value = |name: &str| phases.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        assert_eq!(value("timeline 07 authorize sent"), Some(1000.0));
        assert_eq!(value("timeline 08 callback html sent"), Some(2000.0));
        assert_eq!(value("timeline 13 token sent"), Some(3000.0));
        assert_eq!(value("timeline 14 token received"), Some(3500.0));
    }

    #[test]
    fn what_the_launch_page_prefetches_for_the_next_page_is_not_its_own_code() {
        let prefetch = event(
            "Network.requestWillBeSent",
            json!({ "requestId": "3", "timestamp": 1.2, "type": "Other",
                    "request": { "url": "http://app/app_bg.wasm", "method": "GET",
                                 "initialPriority": "VeryLow" } }),
        );
        let log = [
            sent("1", "http://app/launch", "Document", 1.0),
            sent("2", "http://app/light_bg.wasm", "Other", 1.1),
            prefetch,
            finished("2", 1.3),
            finished("3", 1.9),
        ];
        let phases = phases(&hops(&log), &[], 1_001_000.0, CallbackMarks::default());
        let value = |name: &str| phases.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        assert_eq!(value("timeline 02 launch code received"), Some(300.0));
    }

    #[test]
    fn console_marks_are_read_from_quoted_log_lines() {
        let lines = [
            r#"http://app/boot.js 12:3 "bench-mark bench:wasm:end 1764570000123.5""#.to_owned(),
            "http://app/x.js 1:1 \"something else\"".to_owned(),
        ];
        assert_eq!(
            console_marks(&lines),
            [("bench:wasm:end".to_owned(), 1_764_570_000_123.5)]
        );
    }

    #[test]
    fn the_launch_pages_wasm_marks_are_those_before_the_authorization() {
        let log = [
            sent("1", "http://app/launch", "Document", 1.0),
            sent("2", "http://ehr/auth/authorize", "Document", 2.0),
            sent("3", "http://app/callback", "Document", 3.0),
        ];
        let console = [
            ("bench:wasm:end".to_owned(), 1_001_500.0),
            ("bench:wasm:start".to_owned(), 1_003_100.0),
            ("bench:wasm:end".to_owned(), 1_003_200.0),
        ];
        let phases = phases(&hops(&log), &console, 1_001_000.0, CallbackMarks::default());
        let value = |name: &str| phases.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        assert_eq!(value("timeline 04b launch wasm instantiated"), Some(500.0));
        assert_eq!(value("timeline 04a launch wasm compile started"), None);
        assert_eq!(
            value("timeline 10a callback wasm compile started"),
            Some(2100.0)
        );
    }

    #[test]
    fn events_of_other_kinds_unreadable_entries_and_the_browsers_own_pages_are_skipped() {
        let log = [
            "not json".to_owned(),
            event("Page.loadEventFired", json!({ "timestamp": 1.0 })),
            sent("0", "chrome://new-tab-page/", "Document", 0.5),
            sent("1", "http://a/", "Document", 1.0),
        ];
        assert_eq!(hops(&log).len(), 1);
    }
}
