//! `bedside-sandbox`: runs the local SMART EHR for Bedside until Ctrl-C.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use sandbox::{Options, Simulation};

const USAGE: &str = "\
bedside-sandbox: a local SMART on FHIR EHR for Bedside (synthetic data only)

USAGE:
    bedside-sandbox [OPTIONS]

OPTIONS:
    --ehr-port PORT        EHR, auth and FHIR server port (default 9000; 0 = any free port)
    --app-port PORT        app origin port (default 8080; 0 = any free port)
    --app-dir DIR          the built app to serve (Trunk's dist/)
    --seed N               seed of the synthetic patients (default 7)
    --token-lifetime SECS  access token lifetime in seconds (default 3600)
    --fhir-delay-ms MS     answer every FHIR read and search MS milliseconds late (a slow EHR)
    --request-timeout SECS the app's request deadline, written into its config.json
    --redirect-uri URI     register another redirect URI (repeatable)
    --simulate NAME        simulate a failure on every launch (names below)
    --deny-scope X         never grant resource type X (e.g. Procedure) or scope X (repeatable)
    --refuse-framing       sign-in pages refuse framing; EHR launches ask to sign in
    --data DIR             also serve the patients in DIR (FHIR R4 JSON Bundles, resources, NDJSON)
    --upstream URL         serve an open FHIR R4 server's data (http:// base URL) behind the
                           sandbox's auth, scope checks, CORS and profiles, not the generated data
    --help                 show this help

SIMULATIONS (also per launch on the EHR page):
";

/// The help text, with every simulation listed.
fn usage() -> String {
    let mut text = USAGE.to_string();
    for simulation in Simulation::ALL {
        text += &format!("    {:<28} {}\n", simulation.name(), simulation.summary());
    }
    text
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        ehr_port: 9000,
        app_port: 8080,
        ..Options::default()
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("{flag}: \"{text}\" is not a number"))
        };
        match flag.as_str() {
            "--ehr-port" => options.ehr_port = port(&flag, value()?)?,
            "--app-port" => options.app_port = port(&flag, value()?)?,
            "--app-dir" => options.app_dir = Some(PathBuf::from(value()?)),
            "--seed" => options.seed = number(value()?)?,
            "--token-lifetime" => {
                options.access_token_lifetime = Duration::from_secs(number(value()?)?)
            }
            "--fhir-delay-ms" => options.fhir_delay = Duration::from_millis(number(value()?)?),
            "--request-timeout" => {
                let seconds = number(value()?)?;
                let seconds = u32::try_from(seconds).map_err(|_| format!("{flag}: too large"))?;
                options.request_timeout_seconds = Some(seconds);
            }
            "--redirect-uri" => options.extra_redirect_uris.push(value()?),
            "--simulate" => options.simulate = Some(value()?.parse::<Simulation>()?),
            "--deny-scope" => options.denied_scopes.push(value()?),
            "--refuse-framing" => options.refuse_framing = true,
            "--data" => options.data_dir = Some(PathBuf::from(value()?)),
            "--upstream" => options.upstream = Some(value()?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Some(options))
}

fn port(flag: &str, text: String) -> Result<u16, String> {
    text.parse()
        .map_err(|_| format!("{flag}: \"{text}\" is not a port number"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("bedside-sandbox: {message}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let app_dir = options.app_dir.clone();
    let upstream = options.upstream.clone();
    let running = match sandbox::start(options).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("bedside-sandbox: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("Bedside sandbox is running (synthetic data only).");
    print!("{}", running.startup_text());
    if let Some(upstream) = upstream {
        println!("  Upstream:  {upstream} (its data, behind the sandbox's checks)");
    }
    if app_dir.is_none() {
        println!("  (no --app-dir: the app origin serves only config.json)");
    }
    println!("Press Ctrl-C to stop.");
    if let Err(error) = tokio::signal::ctrl_c().await {
        eprintln!("bedside-sandbox: cannot wait for Ctrl-C: {error}");
    }
    running.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn without_flags_the_demo_ports_are_used() {
        let options = parse(args("")).ok().flatten().unwrap_or_default();
        assert_eq!(
            (options.ehr_port, options.app_port, options.seed),
            (9000, 8080, 7)
        );
    }

    #[test]
    fn every_flag_is_read_and_redirect_uri_repeats() {
        let line = "--ehr-port 0 --app-port 1 --app-dir dist --seed 3 --token-lifetime 60 \
                    --redirect-uri http://a/cb --redirect-uri http://b/cb --fhir-delay-ms 250 \
                    --request-timeout 5";
        let options = parse(args(line)).ok().flatten().unwrap_or_default();
        assert_eq!(
            (options.ehr_port, options.app_port, options.seed),
            (0, 1, 3)
        );
        assert_eq!(options.app_dir, Some(PathBuf::from("dist")));
        assert_eq!(options.access_token_lifetime, Duration::from_secs(60));
        assert_eq!(options.extra_redirect_uris, ["http://a/cb", "http://b/cb"]);
        assert_eq!(options.fhir_delay, Duration::from_millis(250));
        assert_eq!(options.request_timeout_seconds, Some(5));
    }

    #[test]
    fn simulate_deny_scope_and_refuse_framing_are_read() {
        let line = "--simulate token_server_error --deny-scope Procedure --deny-scope user/Patient.rs --refuse-framing";
        let options = parse(args(line)).ok().flatten().unwrap_or_default();
        assert_eq!(options.simulate, Some(Simulation::TokenServerError));
        assert_eq!(options.denied_scopes, ["Procedure", "user/Patient.rs"]);
        assert!(options.refuse_framing);
    }

    #[test]
    fn data_names_a_folder() {
        let options = parse(args("--data synthea/fhir"))
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(options.data_dir, Some(PathBuf::from("synthea/fhir")));
    }

    #[test]
    fn upstream_names_a_fhir_base() {
        let options = parse(args("--upstream http://localhost:8090/fhir"))
            .ok()
            .flatten()
            .unwrap_or_default();
        assert_eq!(
            options.upstream.as_deref(),
            Some("http://localhost:8090/fhir")
        );
    }

    #[test]
    fn an_unknown_simulation_is_an_error() {
        assert!(parse(args("--simulate token_nonsense")).is_err());
    }

    #[test]
    fn help_asks_for_the_usage_text() {
        assert!(matches!(parse(args("--seed 1 --help")), Ok(None)));
    }

    #[test]
    fn unknown_flags_missing_values_and_bad_numbers_are_errors() {
        for line in [
            "--verbose",
            "--seed",
            "--ehr-port 70000",
            "--token-lifetime soon",
        ] {
            assert!(parse(args(line)).is_err(), "{line}");
        }
    }
}
