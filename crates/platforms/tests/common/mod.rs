//! What the connector tests share: the sandbox on a free port, connectors
//! pointed at it, and stepping a post until it is done.

// Each test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use lantoa_platforms::PlatformError;
use lantoa_platforms::connector::{Connector, Connectors, Endpoints, Handle, Next, Post};
use lantoa_sandbox::Mocks;

/// The sandbox with default mocks on a free port: its state and its address.
pub async fn sandbox() -> (Arc<Mocks>, String) {
    spawn(Mocks::default()).await
}

/// The sandbox serving `m` on a free port: its state and its address.
pub async fn spawn(m: Mocks) -> (Arc<Mocks>, String) {
    let m = Arc::new(m);
    let base = lantoa_sandbox::spawn(m.clone()).await.unwrap();
    (m, base)
}

/// Every platform's API at `base`, with posts in processing asked after
/// every 5 ms.
pub fn endpoints(base: &str) -> Endpoints<'_> {
    Endpoints {
        youtube_api_url: base,
        youtube_analytics_url: base,
        facebook_graph_url: base,
        facebook_rupload_url: base,
        facebook_graph_version: "v25.0",
        facebook_reel_metrics: &[],
        tiktok_api_url: base,
        zalo_api_url: base,
        tiktok_status_per_minute: lantoa_platforms::tiktok::STATUS_PER_MINUTE,
        poll: Duration::from_millis(5),
    }
}

/// Connectors to the sandbox at `base`.
pub fn connectors(base: &str) -> Connectors {
    Connectors::new(&endpoints(base))
}

/// Steps a post with `c` until done (or the first error), saving every
/// handle; panics after 50 steps.
pub async fn run<C: Connector>(c: &C, p: &Post<'_>, mut h: Handle) -> Result<Next, PlatformError> {
    for _ in 0..50 {
        match c.step(p, &h).await? {
            Next::Save { handle, .. } => h = handle,
            Next::Wait(d) => tokio::time::sleep(d).await,
            done @ Next::Done { .. } => return Ok(done),
        }
    }
    panic!("never finished");
}
