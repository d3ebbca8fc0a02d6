//! The outlet's public pages as last rendered, kept for a moment in this
//! process: a busy outlet's clip page is read thousands of times a second,
//! and each rendering reads the database several times.
//!
//! An entry is kept at most [`KEEP`]; every change the public may see that
//! this process makes (a post out, a removal, a takedown, a correction, the
//! settings) forgets them all at once, so on one machine a takedown is
//! visible on the next request. Another process's change is visible within
//! [`KEEP`] — far within the minute the pages tell shared caches to keep them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a rendered page is kept.
pub const KEEP: Duration = Duration::from_secs(1);
/// Pages kept at most; past it the oldest half is dropped.
const MAX: usize = 2048;

/// A rendered page: its headers and body as the handler made them, and the
/// body compressed once with brotli for the browsers that take it.
pub struct Page {
    pub headers: Vec<(axum::http::HeaderName, axum::http::HeaderValue)>,
    pub body: bytes::Bytes,
    pub brotli: Option<bytes::Bytes>,
}

impl Page {
    pub fn new(
        headers: Vec<(axum::http::HeaderName, axum::http::HeaderValue)>,
        body: bytes::Bytes,
    ) -> Page {
        let brotli = (body.len() >= 256).then(|| compress(&body)).flatten();
        Page {
            headers,
            body,
            brotli,
        }
    }
}

/// `body` in brotli, at a quality between speed and size (the page is
/// compressed once and sent many times).
fn compress(body: &[u8]) -> Option<bytes::Bytes> {
    let mut out = Vec::with_capacity(body.len() / 3);
    let params = brotli::enc::BrotliEncoderParams {
        quality: 6,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).ok()?;
    Some(out.into())
}

#[derive(Default)]
pub struct Pages {
    kept: Mutex<HashMap<String, (Instant, Arc<Page>)>>,
}

impl Pages {
    /// The page at `key` (path and query), if kept and fresh.
    pub fn get(&self, key: &str) -> Option<Arc<Page>> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(key)
            .filter(|(at, _)| at.elapsed() < KEEP)
            .map(|(_, p)| p.clone())
    }

    pub fn put(&self, key: String, page: Arc<Page>) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= MAX {
            kept.retain(|_, (at, _)| at.elapsed() < KEEP);
            if kept.len() >= MAX {
                kept.clear();
            }
        }
        kept.insert(key, (Instant::now(), page));
    }

    /// Forgets every page: something the public sees has changed.
    pub fn forget(&self) {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_kept_a_moment_and_forgotten_on_a_change() {
        let p = Pages::default();
        let page = Arc::new(Page::new(vec![], bytes::Bytes::from_static(b"x")));
        p.put("/v/a".into(), page);
        assert!(p.get("/v/a").is_some() && p.get("/v/b").is_none());
        p.forget();
        assert!(p.get("/v/a").is_none());
        for i in 0..(MAX + 10) {
            p.put(
                format!("/v/{i}"),
                Arc::new(Page::new(vec![], Default::default())),
            );
        }
        assert!(p.kept.lock().unwrap().len() <= MAX);
        let text = "Mùa lúa chín trên cánh đồng mẫu lớn. ".repeat(40);
        let big = Page::new(vec![], bytes::Bytes::from(text.clone()));
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &big.brotli.unwrap()[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
    }
}
