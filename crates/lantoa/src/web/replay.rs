//! Requests whose transaction lost to another's are run again: here, once,
//! for every route, so that a deadlock or serialization failure on
//! PostgreSQL (40P01, 40001) or a busy SQLite never reaches the user.
//!
//! A lost transaction kept nothing (the database rolled it back), so running
//! the handler again from the start is safe for what it does in the
//! database. A request is run again only when its whole body is small and
//! already known (pages, forms, JSON); file uploads and tus pieces are not,
//! as their handlers write media before their transaction. A handler that
//! calls a platform before its transaction calls it again: the platform's
//! answer then decides, as it would on the user's own second try.
//!
//! Work outside requests has its own single place: [`crate::db::Db::transact`]
//! for the shared writes and leases, the job runner (which runs a job whose
//! transaction lost again, without counting the attempt) for jobs.

use std::time::{Duration, Instant};

use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Marks the response of a request whose transaction lost to another's
/// (set from [`crate::error::Error::Contended`]).
#[derive(Clone, Copy, Debug)]
pub struct Contended;

/// How often a request is run in all.
const RUNS: u32 = 5;

/// No further run starts after this long: a request that has waited this
/// long for the database answers 503 and the user tries again.
const PATIENCE: Duration = Duration::from_secs(15);

/// The largest body kept to run a request again (forms and JSON stay well
/// under it; the web layer refuses larger ones anyway, except for files).
const MAX_KEPT: u64 = 1024 * 1024;

pub async fn layer(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let Some(len) = replayable(&req) else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, len).await {
        Ok(b) => b,
        Err(e) => return super::middleware::body_error(e).into_response(),
    };
    let mut run = 1;
    loop {
        let again = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
        let resp = next.clone().run(again).await;
        if resp.extensions().get::<Contended>().is_none() {
            return resp;
        }
        if run == RUNS || started.elapsed() > PATIENCE {
            tracing::warn!(path = %parts.uri.path(), run, "a request's transaction lost every time it was run");
            return resp;
        }
        run += 1;
        crate::db::count_retry();
        tracing::debug!(path = %parts.uri.path(), run, "request run again after its transaction lost");
        tokio::time::sleep(crate::db::backoff(run)).await;
    }
}

/// The length of the request's body when it can be kept to run again.
fn replayable(req: &Request) -> Option<usize> {
    let kind = super::content_type(req.headers()).to_ascii_lowercase();
    if kind.starts_with("multipart/") || kind.starts_with("application/offset+octet-stream") {
        return None;
    }
    let len = req.body().size_hint().exact()?;
    (len <= MAX_KEPT).then_some(len as usize)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    fn req(kind: Option<&str>, body: &'static [u8]) -> Request {
        let mut b = Request::builder().method("POST").uri("/x");
        if let Some(k) = kind {
            b = b.header(header::CONTENT_TYPE, k);
        }
        b.body(Body::from(body)).unwrap()
    }

    #[test]
    fn only_small_whole_bodies_that_write_no_media_are_run_again() {
        assert_eq!(replayable(&req(None, b"")), Some(0));
        assert_eq!(replayable(&req(Some("application/json"), b"{}")), Some(2));
        let form = "application/x-www-form-urlencoded";
        assert_eq!(replayable(&req(Some(form), b"a=1")), Some(3));
        let file = "multipart/form-data; boundary=x";
        assert_eq!(replayable(&req(Some(file), b"--x--")), None);
        let piece = "application/offset+octet-stream";
        assert_eq!(replayable(&req(Some(piece), b"abc")), None);
        // A body of unknown length (a stream) is not kept.
        let stream = futures_util::stream::once(async {
            Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"abc"))
        });
        let r = Request::builder()
            .method("POST")
            .uri("/x")
            .body(Body::from_stream(stream))
            .unwrap();
        assert_eq!(replayable(&r), None);
        let big: &'static [u8] = Box::leak(vec![b'a'; MAX_KEPT as usize + 1].into_boxed_slice());
        assert_eq!(replayable(&req(Some("application/json"), big)), None);
    }
}
