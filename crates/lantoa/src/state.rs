//! The application state shared by every request and worker.

use std::sync::Arc;
use std::time::Instant;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::keys::Keys;
use crate::storage::Store;
use crate::web::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub clock: Arc<dyn Clock>,
    pub store: Store,
    pub uploads: Arc<crate::service::uploads::UploadLocks>,
    /// Bounds the ffmpeg processes this process runs at once.
    pub ffmpeg: Arc<tokio::sync::Semaphore>,
    /// Bounds the PDF prints (headless browsers) this process runs at once.
    pub printing: Arc<crate::insights::pdf::PrintPool>,
    pub metrics: Arc<Metrics>,
    pub started: Instant,
    /// The install's Web Push identity, derived once on first use.
    pub vapid: Arc<std::sync::OnceLock<crate::push::Vapid>>,
    /// The public surveys' budgets per address, challenges taken and the
    /// day's salt (memory of fixed size; see `service::surveys::respond`).
    pub surveys: Arc<crate::service::surveys::Guard>,
    /// The outlets' public pages as last rendered (see `service::outlet::pages`).
    pub outlet_pages: Arc<crate::service::outlet::pages::Pages>,
    /// The signed-in people, kept for a moment (see `service::principals`).
    pub principals: Arc<crate::service::principals::Principals>,
}

impl AppState {
    pub fn new(
        db: Db,
        config: Config,
        keys: Keys,
        clock: Arc<dyn Clock>,
        store: Store,
    ) -> AppState {
        let ffmpeg = Arc::new(tokio::sync::Semaphore::new(
            config.max_ffmpeg_processes.max(1) as usize,
        ));
        AppState {
            ffmpeg,
            printing: Arc::new(crate::insights::pdf::PrintPool::new(&config)),
            db,
            config: Arc::new(config),
            keys: Arc::new(keys),
            clock,
            store,
            uploads: Arc::new(Default::default()),
            metrics: Arc::new(Metrics::default()),
            started: Instant::now(),
            vapid: Arc::default(),
            surveys: Arc::default(),
            outlet_pages: Arc::default(),
            principals: Arc::default(),
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
