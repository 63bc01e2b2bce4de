//! Starting and stopping a sandbox: binds the EHR and app listeners on 127.0.0.1, builds
//! both routers and serves them until shutdown.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::data::{PatientSummary, Store};
use crate::options::{Options, CLIENT_ID};
use crate::profile::{CorsStyle, PROFILES};
use crate::request_log::{self, LoggedRequest, RequestLog};
use crate::simulate::LaunchOptions;
use crate::state::{Client, Ctx, Lifetimes, Sandbox};
use crate::upstream::Upstream;
use crate::{auth, capability, cors, discovery, ehr, fhir, html, oidc, user};

/// How long [`Running::shutdown`] waits for open connections before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// A running sandbox. Dropping it stops the servers without waiting.
#[derive(Debug)]
pub struct Running {
    /// `http://localhost:{port}` of the EHR, auth and FHIR servers.
    pub ehr_origin: String,
    /// `http://localhost:{port}` of the app files and `config.json`.
    pub app_origin: String,
    patients: Vec<PatientSummary>,
    sandbox: Arc<Sandbox>,
    log: Arc<RequestLog>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// The FHIR base URL of the reference profile: `{ehr_origin}/reference/fhir`.
    pub fn fhir_base(&self) -> String {
        crate::profile::fhir_base(&self.ehr_origin, &PROFILES[0])
    }

    /// The FHIR base URL of the profile named `profile` (see the table in `profile`), e.g.
    /// `{ehr_origin}/epic-like/fhir` or `{ehr_origin}/oracle-like/{tenant}/fhir`.
    ///
    /// # Panics
    /// If no profile has that name: a test naming a wrong profile should fail loudly.
    pub fn fhir_base_of(&self, profile: &str) -> String {
        let profile = crate::profile::by_name(profile)
            .unwrap_or_else(|| panic!("the sandbox has no profile named {profile}"));
        crate::profile::fhir_base(&self.ehr_origin, profile)
    }

    /// The names of the profiles this sandbox serves, the reference one first.
    pub fn profiles(&self) -> Vec<&'static str> {
        PROFILES.iter().map(|p| p.name).collect()
    }

    /// What the sandbox prints at start-up: the EHR page, the app, and every profile's FHIR
    /// base with what sets it apart (so another SMART tool can be pointed at any of them).
    pub fn startup_text(&self) -> String {
        let mut text = format!(
            "  EHR page:  {}\n  App:       {}/\n  FHIR bases:\n",
            self.ehr_page_url(),
            self.app_origin
        );
        for profile in PROFILES {
            let note = if profile.secured {
                ""
            } else {
                "  (no authorization)"
            };
            text += &format!(
                "    {:<12} {}{note}\n",
                profile.name,
                crate::profile::fhir_base(&self.ehr_origin, profile)
            );
        }
        text
    }

    /// The EHR page with the patient list: `{ehr_origin}/`.
    pub fn ehr_page_url(&self) -> String {
        format!("{}/", self.ehr_origin)
    }

    /// The redirect URI registered for Bedside: `{app_origin}/callback` (or below
    /// `Options::app_url`).
    pub fn redirect_uri(&self) -> String {
        format!("{}/callback", self.sandbox.app_base)
    }

    /// The redirect URI registered for Bedside with one profile only, and the one the
    /// sandbox's `config.json` gives that profile's server: `{app_origin}/callback/{profile}`.
    pub fn redirect_uri_of(&self, profile: &str) -> String {
        crate::state::own_redirect_uri(&self.sandbox.app_base, profile)
    }

    /// The synthetic patients this sandbox serves, in list order; none in upstream mode,
    /// where the EHR page lists the upstream's.
    pub fn patients(&self) -> &[PatientSummary] {
        &self.patients
    }

    /// The resources of `resource_type` in the compartment of `patient_id` that this
    /// sandbox serves (generated and loaded), in the order a search without `_sort` returns
    /// them. Empty for an unknown patient or type, and in upstream mode.
    pub fn resources(&self, patient_id: &str, resource_type: &str) -> Vec<serde_json::Value> {
        if self.sandbox.upstream.is_some() {
            return Vec::new();
        }
        self.sandbox
            .data
            .of_patient(patient_id, resource_type)
            .into_iter()
            .cloned()
            .collect()
    }

    /// Every request the EHR origin (EHR page, auth and FHIR servers of every profile) has
    /// answered so far, in the order it answered them.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.entries()
    }

    /// Stops both servers, letting requests in flight finish for a short grace period.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Starts a sandbox: binds both listeners (port 0 picks a free port), then serves in the
/// background on the current tokio runtime. An `upstream` that is not an `http://` base URL
/// is an `InvalidInput` error.
pub async fn start(options: Options) -> std::io::Result<Running> {
    let ehr_listener = bind(options.ehr_port, "EHR").await?;
    let app_listener = bind(options.app_port, "app").await?;
    // Every URL says localhost: to a browser 127.0.0.1 is another origin, so mixing the two
    // would break CORS, redirect URI matching and storage.
    let ehr_origin = format!("http://localhost:{}", ehr_listener.local_addr()?.port());
    let app_origin = format!("http://localhost:{}", app_listener.local_addr()?.port());
    let (app_base, app_served_from) = match &options.app_url {
        Some(url) => app_elsewhere(url)?,
        None => (app_origin.clone(), app_origin.clone()),
    };
    let mut redirect_uris = vec![format!("{app_base}/callback")];
    redirect_uris.extend(options.extra_redirect_uris.iter().cloned());
    let client = Client {
        id: CLIENT_ID.to_string(),
        name: "Bedside".to_string(),
        redirect_uris,
        app_base,
    };
    let lifetimes = Lifetimes {
        code: options.code_lifetime,
        access: options.access_token_lifetime,
        refresh: Duration::from_secs(24 * 3600),
        launch: Duration::from_secs(300),
        pending: Duration::from_secs(600),
    };
    let mut store = Store::generate(options.seed);
    if let Some(dir) = &options.data_dir {
        let loaded = crate::data::load::load_dir(dir);
        let mut problems = loaded.problems;
        problems.extend(store.add_loaded(loaded.resources));
        for problem in problems {
            eprintln!("bedside-sandbox: skipped {problem}");
        }
    }
    let data = Arc::new(store);
    let mut patients = data.patient_summaries();
    let mut sandbox = Sandbox::new(
        ehr_origin.clone(),
        app_served_from,
        options.app_dir.clone(),
        client,
        data.clone(),
        lifetimes,
        LaunchOptions {
            simulation: options.simulate,
            access_lifetime: None,
            denied: options.denied_scopes.clone(),
            refuse_framing: options.refuse_framing,
        },
    );
    sandbox.foreign_next_origin = options.foreign_next_origin.clone();
    sandbox.fhir_delay = options.fhir_delay;
    sandbox.extra_servers = options.extra_servers.clone();
    sandbox.request_timeout_seconds = options.request_timeout_seconds;
    if let Some(base) = &options.upstream {
        let upstream = Upstream::new(base)
            .map_err(|message| std::io::Error::new(std::io::ErrorKind::InvalidInput, message))?;
        sandbox.upstream = Some(upstream);
        // The generated patients are not served, so a test must not be told about them.
        patients.clear();
    }
    let sandbox = Arc::new(sandbox);
    let (stop, stopped) = watch::channel(false);
    let log = Arc::new(RequestLog::default());
    let ehr = ehr_router(&sandbox).layer(from_fn_with_state(log.clone(), request_log::record));
    let tasks = vec![
        serve(ehr_listener, ehr, stopped.clone()),
        serve(app_listener, app_router(&sandbox), stopped),
    ];
    Ok(Running {
        ehr_origin,
        app_origin,
        patients,
        sandbox,
        log,
        stop,
        tasks,
    })
}

/// `Options::app_url` as the app's base URL without its trailing slash, and its origin; an
/// `InvalidInput` error unless it is an http(s) URL.
fn app_elsewhere(url: &str) -> std::io::Result<(String, String)> {
    let invalid = |why: &str| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("app URL {url}: {why}"),
        )
    };
    let parsed = url::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
        return Err(invalid("not an http(s) base URL without a query"));
    }
    let base = url.trim_end_matches('/').to_owned();
    Ok((base, parsed.origin().ascii_serialization()))
}

/// Binds 127.0.0.1:`port`; the error names the port and its role.
async fn bind(port: u16, role: &str) -> std::io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("{role} port {port}: {e}")))
}

fn serve(
    listener: TcpListener,
    router: Router,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await;
    })
}

fn ehr_router(sandbox: &Arc<Sandbox>) -> Router {
    let mut router = Router::new()
        .route("/", get(ehr::home))
        .route("/ehr/launch", get(ehr::launch))
        .route("/ehr/ehr.js", get(ehr::script))
        .with_state(sandbox.clone());
    for profile in PROFILES {
        let ctx = Ctx {
            sandbox: sandbox.clone(),
            profile,
        };
        router = router.nest(&profile.prefix(), profile_router(ctx));
    }
    router.fallback(not_found)
}

/// The routes of one profile, each with the CORS policy the profile gives it.
fn profile_router(ctx: Ctx) -> Router {
    let app_origin: Arc<str> = Arc::from(ctx.sandbox.app_origin.as_str());
    let profile = ctx.profile;
    let public = Router::new()
        .route(
            "/fhir/.well-known/smart-configuration",
            get(discovery::smart_configuration),
        )
        .route("/fhir/metadata", get(capability::capability_statement))
        .route("/smart-style.json", get(discovery::smart_style));
    let public = if profile.openid {
        let openid_configuration =
            format!("{}/.well-known/openid-configuration", ctx.issuer_path());
        public
            .route(&openid_configuration, get(oidc::openid_configuration))
            .route("/auth/jwks", get(oidc::jwks))
    } else {
        public
    };
    let public = public.layer(from_fn(cors::public));
    let fhir = Router::new()
        .route(
            "/fhir/{type}",
            get(fhir::search_type).fallback(fhir::not_supported),
        )
        .route(
            "/fhir/{type}/{id}",
            get(fhir::read).fallback(fhir::not_supported),
        )
        .route(
            "/fhir/{type}/{id}/{*rest}",
            get(fhir::not_supported).fallback(fhir::not_supported),
        );
    let fhir = if ctx.sandbox.upstream.is_some() {
        fhir.route(
            "/fhir",
            get(fhir::search_base).fallback(fhir::not_supported),
        )
    } else {
        fhir
    };
    let fhir = if profile.openid {
        fhir.route(
            "/fhir/Practitioner/{id}",
            get(user::read_practitioner).fallback(fhir::not_supported),
        )
    } else {
        fhir
    };
    // Inside the CORS layer, so even a preflight-free GET waits: like a slow FHIR server.
    let delay = ctx.sandbox.fhir_delay;
    let fhir = if delay.is_zero() {
        fhir
    } else {
        fhir.layer(from_fn(
            move |request, next: axum::middleware::Next| async move {
                tokio::time::sleep(delay).await;
                next.run(request).await
            },
        ))
    };
    let fhir = match profile.cors {
        CorsStyle::NoFhir => fhir,
        CorsStyle::AppOnly | CorsStyle::Oracle => {
            fhir.layer(from_fn_with_state(app_origin.clone(), cors::app_only))
        }
    };
    let mut router = public.merge(fhir);
    if profile.secured {
        let mut token = Router::new().route("/auth/token", post(auth::token));
        if profile.revocation {
            token = token.route("/auth/revoke", post(auth::revoke));
        }
        let token = match profile.cors {
            CorsStyle::Oracle => token.layer(from_fn(cors::public)),
            CorsStyle::AppOnly | CorsStyle::NoFhir => {
                token.layer(from_fn_with_state(app_origin, cors::app_only))
            }
        };
        let authorize = if profile.authorize_post {
            get(auth::authorize).post(auth::authorize_post)
        } else {
            get(auth::authorize)
        };
        let pages = Router::new()
            .route("/auth/authorize", authorize)
            .route("/auth/authorize/decision", post(auth::decision));
        router = router.merge(token).merge(pages);
    }
    router.with_state(ctx)
}

fn app_router(sandbox: &Arc<Sandbox>) -> Router {
    Router::new()
        .route("/config.json", get(crate::app_files::config_json))
        .fallback(crate::app_files::serve)
        .with_state(sandbox.clone())
}

async fn not_found() -> Response {
    html::error_page(
        StatusCode::NOT_FOUND,
        "Not found",
        "The sandbox EHR has no page at this address.",
    )
}
