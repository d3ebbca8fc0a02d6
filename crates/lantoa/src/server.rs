//! Starting Lantoa: settings → keys → database (migrated) → state → HTTP server
//! with the background workers inside, and a graceful stop on SIGTERM.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, LogFormat, mask_url};
use crate::db::{Db, migrate};
use crate::keys::Keys;
use crate::state::AppState;

/// A start-up failure, as one sentence for the operator.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(pub String);

impl From<crate::config::ConfigError> for StartError {
    fn from(e: crate::config::ConfigError) -> Self {
        StartError(e.0)
    }
}

pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Human => builder.try_init(),
    };
}

/// Opens the database named by the settings and brings its schema up to date.
pub async fn open_database(config: &Config, clock: &dyn Clock) -> Result<Db, StartError> {
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| {
            StartError(format!(
                "The data folder {} cannot be created: {e}.",
                config.data_dir.display()
            ))
        })?;
    }
    let db = Db::connect(&config.database_url).await.map_err(|e| {
        StartError(format!(
            "The database at {} cannot be reached ({e}); check the setting `database_url` (LANTOA_DATABASE_URL).",
            mask_url(&config.database_url)
        ))
    })?;
    let applied = migrate::run(&db, clock.now_ms()).await.map_err(|e| {
        StartError(format!(
            "The database schema could not be brought up to date: {e}."
        ))
    })?;
    if !applied.is_empty() {
        tracing::info!(?applied, engine = db.engine().name(), "migrations applied");
    }
    Ok(db)
}

/// Everything a command needs: keys, database, state.
pub async fn prepare(config: Config) -> Result<AppState, StartError> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let keys = Keys::load_or_create(&config)?;
    let store = crate::storage::Store::from_config(&config)?;
    let db = open_database(&config, clock.as_ref()).await?;
    Ok(AppState::new(db, config, keys, clock, store))
}

pub struct Application {
    pub state: AppState,
    listener: TcpListener,
    pub addr: SocketAddr,
}

impl Application {
    /// Binds the listening socket (port 0 picks a free one, for tests).
    pub async fn bind(state: AppState) -> Result<Application, StartError> {
        let listen = state.config.listen;
        let listener = TcpListener::bind(listen).await.map_err(|e| {
            StartError(format!(
                "Cannot listen on {listen} ({e}); change the setting `listen` (LANTOA_LISTEN)."
            ))
        })?;
        let addr = listener
            .local_addr()
            .map_err(|e| StartError(e.to_string()))?;
        Ok(Application {
            state,
            listener,
            addr,
        })
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    /// The background workers run inside (unless `serve_workers` is off) and
    /// stop with it.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        // A web-only process (`serve_workers = false`) leaves the jobs to `lantoa worker`.
        let workers =
            self.state.config.serve_workers.then(|| {
                tokio::spawn(crate::worker::run(self.state.clone(), job_kinds(), stop_rx))
            });
        let app = crate::web::app(self.state.clone());
        let served = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        let _ = stop_tx.send(true);
        if let Some(w) = workers {
            let _ = w.await;
        }
        self.state.db.close().await;
        served
    }
}

/// Completes on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Every job kind Lantoa runs, assembled here at start-up so that the job
/// runner (`crate::jobs`) knows no feature and each feature owns its handler.
pub fn job_kinds() -> crate::jobs::Registry {
    crate::jobs::Registry::default()
        .with(crate::ingest::INGEST_JOB, crate::ingest::run)
        .with(
            crate::service::publish::PUBLISH_JOB,
            crate::service::publish::run,
        )
        .with(
            crate::service::publish::REMOVE_JOB,
            crate::service::publish::run_removal,
        )
        .with(
            crate::insights::collect::METRICS_JOB,
            crate::insights::collect::run,
        )
        .with(
            crate::service::subtitles::draft::DRAFT_JOB,
            crate::service::subtitles::draft::run,
        )
}
