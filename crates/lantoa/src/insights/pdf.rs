//! Printing a report to PDF with a headless browser (Chromium), through one
//! bounded pool per process.
//!
//! Each print starts a browser of a few hundred megabytes; without a bound a
//! handful of clicks on *PDF* exhausts the server. At most `pdf_printers` run
//! at once and a user has at most `pdf_prints_per_user` of them; anything more
//! is told at once to try again (503 with `Retry-After`, or 429 for the user's
//! own limit) rather than queued behind a slow print. The browser runs through
//! `crate::subprocess`, with the same deadline, group kill and parent-death
//! signal as ffmpeg.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::Config;
use crate::domain::UserId;
use crate::error::{Error, Result};
use crate::subprocess::Subprocess;

/// What a busy answer suggests waiting, in seconds (a print takes a few).
const RETRY_AFTER_SECS: u64 = 10;

/// The browsers looked for on PATH when `pdf_browser` is not set.
const BROWSERS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The prints running in this process, bounded in all and per user.
pub struct PrintPool {
    slots: Arc<Semaphore>,
    per_user: usize,
    running: Mutex<HashMap<UserId, usize>>,
}

/// A place in the pool; given back when dropped.
pub struct PrintSlot {
    pool: Arc<PrintPool>,
    user: UserId,
    _permit: OwnedSemaphorePermit,
}

impl PrintPool {
    pub fn new(config: &Config) -> PrintPool {
        PrintPool {
            slots: Arc::new(Semaphore::new(config.pdf_printers.max(1) as usize)),
            per_user: config.pdf_prints_per_user.max(1) as usize,
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a place for `user`, or says why there is none now.
    pub fn try_start(self: &Arc<Self>, user: UserId) -> Result<PrintSlot> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.get(&user).copied().unwrap_or(0) >= self.per_user {
            return Err(Error::TooMany("insights-pdf-yours-running"));
        }
        let permit = self
            .slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| Error::Busy {
                message_id: "insights-pdf-busy",
                retry_after: RETRY_AFTER_SECS,
            })?;
        *running.entry(user).or_default() += 1;
        Ok(PrintSlot {
            pool: self.clone(),
            user,
            _permit: permit,
        })
    }
}

impl Drop for PrintSlot {
    fn drop(&mut self) {
        let mut running = self.pool.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = running.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                running.remove(&self.user);
            }
        }
    }
}

/// Prints a standalone HTML page to an A4 PDF for `user`. Without a browser on
/// the server, the browser's own "Save as PDF" remains (a conflict saying so).
pub async fn print(
    pool: &Arc<PrintPool>,
    config: &Config,
    user: UserId,
    html: &str,
) -> Result<Vec<u8>> {
    let _slot = pool.try_start(user)?;
    let Some(browser) = browser(config) else {
        return Err(Error::Conflict("insights-pdf-unavailable"));
    };
    let dir = config.data_dir.join("tmp");
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let stem = dir.join(format!("report-{}", crate::crypto::random_token()));
    let profile = stem.with_extension("profile");
    let (src, out) = (stem.with_extension("html"), stem.with_extension("pdf"));
    tokio::fs::write(&src, html)
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let run = Subprocess::new(
        &browser,
        Duration::from_secs(config.pdf_timeout_seconds as u64),
    )
    .what("pdf browser")
    .args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--print-to-pdf={}", out.display()))
    .arg(format!("file://{}", src.display()))
    .output()
    .await;
    let bytes = tokio::fs::read(&out).await;
    let _ = tokio::fs::remove_file(&src).await;
    let _ = tokio::fs::remove_file(&out).await;
    let _ = tokio::fs::remove_dir_all(&profile).await;
    match (run, bytes) {
        (Ok(_), Ok(b)) if b.starts_with(b"%PDF") => Ok(b),
        (run, _) => {
            tracing::warn!(?run, "printing the report to PDF failed");
            Err(Error::Conflict("insights-pdf-unavailable"))
        }
    }
}

/// The browser to print with: the setting, else the first known one on PATH.
fn browser(config: &Config) -> Option<String> {
    if let Some(b) = &config.pdf_browser {
        return Some(b.clone());
    }
    BROWSERS
        .into_iter()
        .find(|b| on_path(b))
        .map(str::to_string)
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| Path::new(&d).join(program).is_file()))
}
