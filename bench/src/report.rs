//! Collecting runs into median, min and max; the budgets; the table and the JSON file.

use crate::scenarios::Run;
use crate::sizes::FirstLoad;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

/// First-load code, gzip -9, in bytes (1 KB = 1,000 bytes).
const FIRST_LOAD_GZIP_BUDGET: usize = 150_000;
/// Sequential waves after the callback: the token, then one parallel wave (plus paging).
const WAVES_BUDGET: usize = 2;
/// The 10,000-observation patient: token → all sections, ms (median of the runs).
const LARGE_PATIENT_BUDGET_MS: f64 = 1000.0;
/// Longest main-thread task, ms, over every measured document of every run.
const LONGEST_TASK_BUDGET_MS: f64 = 100.0;

/// One scenario's runs.
pub struct Scenario {
    key: &'static str,
    title: &'static str,
    /// Runs of the fhirclient.js comparator, which Bedside's budgets do not count.
    comparator: bool,
    runs: Vec<Run>,
}

impl Scenario {
    /// No runs yet.
    pub fn new(key: &'static str, title: &'static str) -> Scenario {
        Scenario {
            key,
            title,
            comparator: false,
            runs: Vec::new(),
        }
    }

    /// A scenario of the fhirclient.js comparator, no runs yet.
    pub fn comparator(key: &'static str, title: &'static str) -> Scenario {
        Scenario {
            comparator: true,
            ..Scenario::new(key, title)
        }
    }

    /// Adds a run.
    pub fn add(&mut self, run: Run) {
        self.runs.push(run);
    }

    /// Figure name → its value in each run, in run order.
    fn figures(&self) -> BTreeMap<&'static str, Vec<f64>> {
        let mut figures: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
        for run in &self.runs {
            for (name, value) in &run.figures {
                figures.entry(name).or_default().push(*value);
            }
        }
        figures
    }

    fn values_of(&self, name: &str) -> Vec<f64> {
        self.runs
            .iter()
            .filter_map(|run| run.figures.get(name).copied())
            .collect()
    }
}

/// Median, min and max of `values` (the median of an even count is the mean of the middle two).
pub fn stats(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    (median, sorted[0], sorted[n - 1])
}

/// Everything one bench measured.
pub struct Report {
    /// Runs per scenario.
    pub runs: usize,
    /// Latency added to every request, ms.
    pub delay_ms: u64,
    /// Bytes of the first load of the whole app (`index.html`: the callback page, and the start
    /// page on a host that does not answer `/` with the light page).
    pub first_load: FirstLoad,
    /// Bytes of the first load of the start page: the page the sandbox answers at `/`.
    pub start_page: FirstLoad,
    /// Bytes of the first load of the light EHR launch page (`launch.html`).
    pub launch_page: FirstLoad,
    /// The launches.
    pub scenarios: Vec<Scenario>,
}

/// Bedside against the fhirclient.js app sending the same queries: (figure, Bedside's
/// scenario, the comparator's scenario).
const COMPARISONS: [(&str, &str, &str); 3] = [
    (
        "launch URL → all sections",
        "typical_tab_launch",
        "fhirclient_typical_tab_launch",
    ),
    (
        "token → all sections",
        "large_patient",
        "fhirclient_large_patient",
    ),
    (
        "launch URL → all sections",
        "large_patient",
        "fhirclient_large_patient",
    ),
];

/// The prefix of the typical launch's phase figures (`timeline::phases`), shown in a table of
/// their own.
const TIMELINE: &str = "timeline ";

/// A budget and whether it was met.
struct Budget {
    name: &'static str,
    limit: String,
    measured: String,
    pass: bool,
}

impl Report {
    fn scenario(&self, key: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.key == key)
    }

    /// Each comparison measured: its figure, the two scenarios, and Bedside's median over the
    /// comparator's.
    fn ratios(&self) -> Vec<(&'static str, &Scenario, &Scenario, f64)> {
        COMPARISONS
            .iter()
            .filter_map(|(figure, bedside, fhirclient)| {
                let bedside = self.scenario(bedside)?;
                let fhirclient = self.scenario(fhirclient)?;
                let ratio =
                    stats(&bedside.values_of(figure)).0 / stats(&fhirclient.values_of(figure)).0;
                Some((*figure, bedside, fhirclient, ratio))
            })
            .collect()
    }

    fn budgets(&self) -> Vec<Budget> {
        let start_gzip = self.start_page.total().gzip;
        let launch_gzip = self.launch_page.total().gzip;
        let bedside = || self.scenarios.iter().filter(|s| !s.comparator);
        let mut wave_counts: Vec<usize> = bedside()
            .flat_map(|s| s.runs.iter().map(|run| run.waves.sizes.len()))
            .collect();
        wave_counts.sort_unstable();
        wave_counts.dedup();
        let large = self
            .scenarios
            .iter()
            .find(|s| s.key == "large_patient")
            .map(|s| stats(&s.values_of("token → all sections")))
            .unwrap_or((f64::NAN, f64::NAN, f64::NAN));
        let longest = bedside()
            .flat_map(|s| s.values_of("longest task (0: none over 50 ms)"))
            .fold(0.0, f64::max);
        let no_slower = self
            .ratios()
            .into_iter()
            .take(2)
            .map(|(figure, bedside, _, ratio)| Budget {
                name: if bedside.key == "large_patient" {
                    "10k patient, token → all sections: Bedside / fhirclient.js"
                } else {
                    "typical launch, launch URL → all sections: Bedside / fhirclient.js"
                },
                limit: "≤ 1.00".into(),
                measured: format!("{ratio:.2} ({figure}, medians)"),
                pass: ratio <= 1.0,
            });
        let mut budgets = vec![
            Budget {
                name: "EHR launch page (html + js + wasm + css), gzip",
                limit: format!("≤ {:.0} KB", FIRST_LOAD_GZIP_BUDGET as f64 / 1000.0),
                measured: format!("{:.1} KB", launch_gzip as f64 / 1000.0),
                pass: launch_gzip <= FIRST_LOAD_GZIP_BUDGET,
            },
            Budget {
                name: "start page (html + js + wasm + css), gzip",
                limit: format!("≤ {:.0} KB", FIRST_LOAD_GZIP_BUDGET as f64 / 1000.0),
                measured: format!("{:.1} KB", start_gzip as f64 / 1000.0),
                pass: start_gzip <= FIRST_LOAD_GZIP_BUDGET,
            },
            Budget {
                name: "sequential waves after the callback (every run)",
                limit: format!("= {WAVES_BUDGET}"),
                measured: wave_counts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                pass: wave_counts == [WAVES_BUDGET],
            },
            Budget {
                name: "10k patient: token → all sections (median)",
                limit: format!("≤ {LARGE_PATIENT_BUDGET_MS:.0} ms"),
                measured: format!("{:.0} ms (max {:.0})", large.0, large.2),
                pass: large.0 <= LARGE_PATIENT_BUDGET_MS,
            },
            Budget {
                name: "longest main-thread task (any run)",
                limit: format!("≤ {LONGEST_TASK_BUDGET_MS:.0} ms"),
                measured: if longest == 0.0 {
                    "none over 50 ms".into()
                } else {
                    format!("{longest:.0} ms")
                },
                pass: longest <= LONGEST_TASK_BUDGET_MS,
            },
        ];
        budgets.extend(no_slower);
        budgets
    }

    /// The human-readable table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\nBedside bench: {} run(s), {} ms latency added to every request\n",
            self.runs, self.delay_ms
        );
        for (title, load) in [
            ("First load, start page", &self.start_page),
            ("\nFirst load, EHR launch page", &self.launch_page),
            ("\nFirst load, callback page", &self.first_load),
        ] {
            let _ = writeln!(out, "{title:<28} raw        gzip -9    brotli 11");
            let mut kinds = load.kinds.clone();
            kinds.push(("total", load.total()));
            for (kind, size) in &kinds {
                let _ = writeln!(
                    out,
                    "  {kind:<18} {:>10.1} KB {:>7.1} KB {:>7.1} KB",
                    size.raw as f64 / 1000.0,
                    size.gzip as f64 / 1000.0,
                    size.brotli as f64 / 1000.0
                );
            }
        }
        for scenario in &self.scenarios {
            let _ = writeln!(
                out,
                "\n{:<58} {:>8} {:>8} {:>8}",
                scenario.title, "median", "min", "max"
            );
            for (name, values) in scenario.figures() {
                if name.starts_with(TIMELINE) {
                    continue;
                }
                let (median, min, max) = stats(&values);
                let _ = writeln!(out, "  {name:<56} {median:>8.1} {min:>8.1} {max:>8.1}");
            }
            let waves: Vec<String> = scenario
                .runs
                .iter()
                .map(|run| format!("{:?}+{}p", run.waves.sizes, run.waves.page_follow_ups))
                .collect();
            let _ = writeln!(
                out,
                "  requests per wave, + page follow-ups, per run: {}",
                waves.join(" ")
            );
        }
        let ratios = self.ratios();
        if !ratios.is_empty() {
            let _ = writeln!(
                out,
                "\nBedside / fhirclient.js app sending the same queries (medians)"
            );
        }
        for (figure, bedside, fhirclient, ratio) in ratios {
            let _ = writeln!(
                out,
                "  {:<20} {figure:<28} {:>8.0} / {:>8.0} = {ratio:.2}",
                bedside.key,
                stats(&bedside.values_of(figure)).0,
                stats(&fhirclient.values_of(figure)).0,
            );
        }
        self.timeline_table(&mut out);
        let _ = writeln!(out, "\nBudgets (reported, never failing)");
        for budget in self.budgets() {
            let _ = writeln!(
                out,
                "  {:<4} {:<50} {:<10} measured {}",
                if budget.pass { "pass" } else { "MISS" },
                budget.name,
                budget.limit,
                budget.measured
            );
        }
        out
    }

    /// The typical launch's phases, Bedside beside the comparator: ms from the launch URL,
    /// medians.
    fn timeline_table(&self, out: &mut String) {
        let (Some(bedside), Some(fhirclient)) = (
            self.scenario("typical_tab_launch"),
            self.scenario("fhirclient_typical_tab_launch"),
        ) else {
            return;
        };
        let (ours, theirs) = (bedside.figures(), fhirclient.figures());
        let names: std::collections::BTreeSet<&str> = ours
            .keys()
            .chain(theirs.keys())
            .copied()
            .filter(|name| name.starts_with(TIMELINE))
            .collect();
        if names.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "\nTypical launch, ms from the launch URL (medians)      Bedside  fhirclient   diff"
        );
        let median = |figures: &BTreeMap<&str, Vec<f64>>, name: &str| {
            figures.get(name).map_or(f64::NAN, |values| stats(values).0)
        };
        for name in names {
            let (a, b) = (median(&ours, name), median(&theirs, name));
            let _ = writeln!(
                out,
                "  {:<50} {a:>8.0} {b:>10.0} {:>6.0}",
                &name[TIMELINE.len()..],
                a - b
            );
        }
    }

    /// The JSON file's content.
    pub fn to_json(&self) -> Value {
        let bytes = |load: &FirstLoad| {
            let mut kinds = serde_json::Map::new();
            for (kind, size) in &load.kinds {
                kinds.insert((*kind).into(), size.to_json());
            }
            kinds.insert("total".into(), load.total().to_json());
            kinds
        };
        let first_load = bytes(&self.first_load);
        let start_page = bytes(&self.start_page);
        let launch_page = bytes(&self.launch_page);
        let mut scenarios = serde_json::Map::new();
        for scenario in &self.scenarios {
            let figures: serde_json::Map<String, Value> = scenario
                .figures()
                .into_iter()
                .map(|(name, values)| {
                    let (median, min, max) = stats(&values);
                    (
                        name.to_owned(),
                        json!({ "median": median, "min": min, "max": max, "runs": values }),
                    )
                })
                .collect();
            let waves: Vec<Value> = scenario
                .runs
                .iter()
                .map(|run| {
                    json!({ "requests_per_wave": run.waves.sizes,
                            "page_follow_ups": run.waves.page_follow_ups,
                            "requests": run.requests.iter().map(|r| json!({
                                "url": r.url, "start": r.start.round(), "end": r.end.round() }))
                                .collect::<Vec<_>>(),
                            "timeline": run.timeline.as_ref().map(|(zero, hops)| hops.iter().map(|h| json!({
                                "url": h.url.split('?').next().unwrap_or_default(),
                                "method": h.method, "type": h.kind, "status": h.status,
                                "cached": h.cached, "prefetch": h.prefetch, "start": (h.start - zero).round(),
                                "end": h.end.map(|end| (end - zero).round()) }))
                                .collect::<Vec<_>>()) })
                })
                .collect();
            scenarios.insert(
                scenario.key.into(),
                json!({ "title": scenario.title, "figures_ms": figures, "waves": waves }),
            );
        }
        let ratios: Vec<Value> = self
            .ratios()
            .into_iter()
            .map(|(figure, bedside, fhirclient, ratio)| {
                json!({ "figure": figure, "bedside": bedside.key,
                        "fhirclient": fhirclient.key, "ratio": ratio })
            })
            .collect();
        let budgets: Vec<Value> = self
            .budgets()
            .into_iter()
            .map(|b| json!({ "name": b.name, "limit": b.limit, "measured": b.measured, "pass": b.pass }))
            .collect();
        json!({
            "command": format!("cargo xtask bench --runs {} --delay-ms {}", self.runs, self.delay_ms),
            "machine": machine(),
            "runs": self.runs,
            "delay_ms": self.delay_ms,
            "first_load_bytes": first_load,
            "start_page_bytes": start_page,
            "launch_page_bytes": launch_page,
            "scenarios": scenarios,
            "bedside_over_fhirclient": ratios,
            "budgets": budgets,
        })
    }
}

fn machine() -> Value {
    let chromium = std::process::Command::new(
        std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    )
    .arg("--version")
    .output()
    .ok()
    .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "os": std::env::consts::OS,
        "arch": std::env::consts::ARCH,
        "chromium": chromium,
    })
}

#[cfg(test)]
mod tests {
    use super::stats;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(stats(&[4.0, 1.0, 3.0, 2.0]), (2.5, 1.0, 4.0));
        assert_eq!(stats(&[5.0, 1.0, 3.0]), (3.0, 1.0, 5.0));
    }
}
