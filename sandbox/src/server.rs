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
use crate::profile::{Ctx, PROFILES};
use crate::state::{Client, Lifetimes, Sandbox};
use crate::{auth, cors, discovery, ehr, fhir, html, Options, CLIENT_ID};

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
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// The FHIR base URL of the reference profile: `{ehr_origin}/reference/fhir`.
    pub fn fhir_base(&self) -> String {
        crate::profile::fhir_base(&self.ehr_origin, &PROFILES[0])
    }

    /// The EHR page with the patient list: `{ehr_origin}/`.
    pub fn ehr_page_url(&self) -> String {
        format!("{}/", self.ehr_origin)
    }

    /// The redirect URI registered for Bedside: `{app_origin}/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("{}/callback", self.app_origin)
    }

    /// The synthetic patients this sandbox serves, in list order.
    pub fn patients(&self) -> &[PatientSummary] {
        &self.patients
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
/// background on the current tokio runtime.
pub async fn start(options: Options) -> std::io::Result<Running> {
    let ehr_listener = bind(options.ehr_port, "EHR").await?;
    let app_listener = bind(options.app_port, "app").await?;
    // Every URL says localhost: to a browser 127.0.0.1 is another origin, so mixing the two
    // would break CORS, redirect URI matching and storage.
    let ehr_origin = format!("http://localhost:{}", ehr_listener.local_addr()?.port());
    let app_origin = format!("http://localhost:{}", app_listener.local_addr()?.port());
    let mut redirect_uris = vec![format!("{app_origin}/callback")];
    redirect_uris.extend(options.extra_redirect_uris.iter().cloned());
    let client = Client {
        id: CLIENT_ID.to_string(),
        name: "Bedside".to_string(),
        redirect_uris,
    };
    let lifetimes = Lifetimes {
        code: options.code_lifetime,
        access: options.access_token_lifetime,
        refresh: Duration::from_secs(24 * 3600),
        launch: Duration::from_secs(300),
        pending: Duration::from_secs(600),
    };
    let data = Store::generate(options.seed);
    let patients = data.patient_summaries();
    let sandbox = Arc::new(Sandbox::new(
        ehr_origin.clone(),
        app_origin.clone(),
        options.app_dir.clone(),
        client,
        data,
        lifetimes,
    ));
    let (stop, stopped) = watch::channel(false);
    let tasks = vec![
        serve(ehr_listener, ehr_router(&sandbox), stopped.clone()),
        serve(app_listener, app_router(&sandbox), stopped),
    ];
    Ok(Running {
        ehr_origin,
        app_origin,
        patients,
        stop,
        tasks,
    })
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
        .with_state(sandbox.clone());
    for profile in PROFILES {
        let ctx = Ctx {
            sandbox: sandbox.clone(),
            profile,
        };
        router = router.nest(&format!("/{}", profile.name), profile_router(ctx));
    }
    router.fallback(not_found)
}

/// The routes of one profile, each with its CORS policy.
fn profile_router(ctx: Ctx) -> Router {
    let app_origin: Arc<str> = Arc::from(ctx.sandbox.app_origin.as_str());
    let public = Router::new()
        .route(
            "/fhir/.well-known/smart-configuration",
            get(discovery::smart_configuration),
        )
        .route("/fhir/metadata", get(discovery::capability_statement))
        .route("/smart-style.json", get(discovery::smart_style))
        .layer(from_fn(cors::public));
    let app_only = Router::new()
        .route(
            "/fhir/Patient/{id}",
            get(fhir::read_patient).fallback(fhir::not_supported),
        )
        .route(
            "/fhir/{*rest}",
            get(fhir::not_supported).fallback(fhir::not_supported),
        )
        .route("/auth/token", post(auth::token))
        .layer(from_fn_with_state(app_origin, cors::app_only));
    let pages = Router::new()
        .route("/auth/authorize", get(auth::authorize))
        .route("/auth/authorize/decision", post(auth::decision));
    public.merge(app_only).merge(pages).with_state(ctx)
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
