//! `lantoa-s3`: an S3-compatible server in a process of its own, for the
//! cluster test (the same server the API tests run in-process: s3s over a
//! folder), with a switch to make it fail.
//!
//! `POST /__fault?seconds=N` makes every S3 request for the next N seconds
//! answer 503 `ServiceUnavailable` (as S3 does when it sheds load);
//! `seconds=0` ends it early. The switch needs no signature: the server only
//! listens where the test runs.
//!
//! ```sh
//! lantoa-s3 --root /tmp/s3 --listen 127.0.0.1:9400 --bucket lantoa-media \
//!   --key cluster-key --secret cluster-secret
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;

#[derive(Parser, Debug)]
#[command(
    name = "lantoa-s3",
    about = "An S3-compatible server over a folder, for tests"
)]
struct Args {
    /// The folder objects are kept in (one sub-folder per bucket).
    #[arg(long)]
    root: std::path::PathBuf,
    #[arg(long, default_value = "127.0.0.1:9400")]
    listen: String,
    /// A bucket created at start if missing.
    #[arg(long, default_value = "lantoa-media")]
    bucket: String,
    #[arg(long)]
    key: String,
    #[arg(long)]
    secret: String,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Until when (ms since the epoch) every S3 request fails.
#[derive(Default)]
struct Fault {
    until: AtomicU64,
    refused: AtomicU64,
}

impl Fault {
    fn failing(&self) -> bool {
        now_ms() < self.until.load(Ordering::Relaxed)
    }
}

type Body = s3s::Body;

fn answer(status: StatusCode, text: String) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r
}

/// The fault switch: `POST /__fault?seconds=N`; `GET /__fault` tells the state.
fn switch(fault: &Fault, req: &Request<Incoming>) -> Response<Body> {
    if req.method() == hyper::Method::POST {
        let seconds: u64 = req
            .uri()
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("seconds=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or(10);
        fault
            .until
            .store(now_ms() + seconds * 1000, Ordering::Relaxed);
        eprintln!("lantoa-s3: failing every request for {seconds} s");
    }
    let left = fault.until.load(Ordering::Relaxed).saturating_sub(now_ms());
    answer(
        StatusCode::OK,
        format!(
            "{{\"failing_ms\":{left},\"refused\":{}}}\n",
            fault.refused.load(Ordering::Relaxed)
        ),
    )
}

const UNAVAILABLE: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(args.root.join(&args.bucket))?;
    let fs = s3s_fs::FileSystem::new(&args.root)
        .map_err(|e| anyhow::anyhow!("the folder cannot be served: {e:?}"))?;
    let mut b = s3s::service::S3ServiceBuilder::new(fs);
    b.set_auth(s3s::auth::SimpleAuth::from_single(
        args.key.as_str(),
        args.secret.as_str(),
    ));
    let service = b.build();
    let fault = Arc::new(Fault::default());
    let listener = tokio::net::TcpListener::bind(&args.listen).await?;
    println!("lantoa-s3 listening on http://{}", listener.local_addr()?);
    let http = ConnBuilder::new(TokioExecutor::new());
    loop {
        let (socket, _) = listener.accept().await?;
        let (service, fault) = (service.clone(), fault.clone());
        let handler = hyper::service::service_fn(move |req: Request<Incoming>| {
            let (service, fault) = (service.clone(), fault.clone());
            async move {
                if req.uri().path() == "/__fault" {
                    return Ok(switch(&fault, &req));
                }
                if fault.failing() {
                    fault.refused.fetch_add(1, Ordering::Relaxed);
                    // A little delay, as an overloaded server gives.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let mut r = answer(StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE.into());
                    r.headers_mut()
                        .insert("content-type", "application/xml".parse().unwrap());
                    return Ok::<_, s3s::HttpError>(r);
                }
                hyper::service::Service::call(&service, req).await
            }
        });
        let conn = http
            .serve_connection(TokioIo::new(socket), handler)
            .into_owned();
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
}
