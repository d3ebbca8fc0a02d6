//! The load of `public`: keep-alive HTTP/1.1 connections (bare hyper, so
//! that the load generator spends little of the shared cores), each sending
//! its next request once the last is read, for a fixed time.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::SendRequest;
use hyper::header;

use super::servers::Host;
use super::{BROWSER, CHUNK};

type Sender = SendRequest<Empty<Bytes>>;

/// A keep-alive HTTP/1.1 connection to `addr`.
async fn connect(addr: SocketAddr) -> anyhow::Result<Sender> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let io = hyper_util::rt::TokioIo::new(stream);
    let (sender, conn) = hyper::client::conn::http1::handshake(io).await?;
    tokio::spawn(conn);
    Ok(sender)
}

/// A request: a path, a byte range of it (first and last byte), whether a
/// browser would take it compressed (a page; never media), and the length
/// of the body it must answer with, when known.
#[derive(Clone)]
pub(super) struct Ask {
    pub(super) path: String,
    pub(super) range: Option<(u64, u64)>,
    pub(super) page: bool,
    pub(super) expect: Option<u64>,
}

impl Ask {
    pub(super) fn page(path: &str) -> Ask {
        Ask {
            path: path.to_string(),
            range: None,
            page: true,
            expect: None,
        }
    }
}

/// Sends `ask` on `s` and reads the body (kept in `keep` when given): its
/// status and length.
async fn send(
    s: &mut Sender,
    addr: SocketAddr,
    ask: &Ask,
    mut keep: Option<&mut Vec<u8>>,
) -> anyhow::Result<(u16, u64)> {
    s.ready().await?;
    let mut req = hyper::Request::get(ask.path.as_str())
        .header(header::HOST, addr.to_string())
        .header(header::USER_AGENT, BROWSER);
    if let Some((a, b)) = ask.range {
        req = req.header(header::RANGE, format!("bytes={a}-{b}"));
    } else if ask.page {
        req = req.header(header::ACCEPT_ENCODING, "gzip, deflate, br");
    }
    let r = s.send_request(req.body(Empty::new())?).await?;
    let status = r.status().as_u16();
    let mut body = r.into_body();
    let mut n = 0u64;
    while let Some(frame) = body.frame().await {
        if let Ok(d) = frame?.into_data() {
            n += d.len() as u64;
            if let Some(k) = keep.as_deref_mut() {
                k.extend_from_slice(&d);
            }
        }
    }
    Ok((status, n))
}

/// One request on a connection of its own, the body kept.
pub(super) async fn fetch(addr: SocketAddr, ask: &Ask) -> anyhow::Result<(u16, Vec<u8>)> {
    let mut s = connect(addr).await?;
    let mut body = Vec::new();
    let (status, _) = send(&mut s, addr, ask, Some(&mut body)).await?;
    Ok((status, body))
}

/// What the clients of one run did.
#[derive(Default)]
pub(super) struct Run {
    pub(super) ok: usize,
    /// What went wrong, by kind ("429", "short body", "connection"): target 0.
    pub(super) errors: BTreeMap<String, usize>,
    pub(super) bytes: u64,
    pub(super) lat_us: Vec<u32>,
    pub(super) wall: f64,
    /// CPU seconds of the server, and of this load generator.
    pub(super) server_cpu: f64,
    pub(super) load_cpu: f64,
}

impl Run {
    pub(super) fn per_s(&self) -> f64 {
        self.ok as f64 / self.wall
    }
    pub(super) fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.wall
    }
    /// Server CPU milliseconds per request.
    pub(super) fn cpu_ms(&self) -> f64 {
        self.server_cpu * 1000.0 / self.ok.max(1) as f64
    }
    fn merge(&mut self, o: Run) {
        self.ok += o.ok;
        self.bytes += o.bytes;
        self.lat_us.extend(o.lat_us);
        for (k, n) in o.errors {
            *self.errors.entry(k).or_default() += n;
        }
    }
}

/// What client `c` asks for the `i`-th time.
pub(super) type Asks = Arc<dyn Fn(usize, u64) -> Ask + Send + Sync>;

/// `clients` connections to `host`, each sending its next request when the
/// last is read, for `seconds`.
pub(super) async fn drive(
    host: &Host,
    clients: usize,
    seconds: f64,
    asks: Asks,
) -> anyhow::Result<Run> {
    let addr = host.addr;
    let (cpu0, me0) = (host.cpu(), crate::bench_publish::cpu());
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs_f64(seconds);
    let mut set = tokio::task::JoinSet::new();
    for c in 0..clients.max(1) {
        let asks = asks.clone();
        set.spawn(async move {
            let mut run = Run::default();
            let mut conn: Option<Sender> = None;
            let mut i = 0u64;
            while Instant::now() < deadline {
                let ask = asks(c, i);
                i += 1;
                let t = Instant::now();
                let s = match conn.as_mut() {
                    Some(s) => s,
                    None => conn.insert(connect(addr).await?),
                };
                let kind = match send(s, addr, &ask, None).await {
                    Ok((status, _)) if !(200..300).contains(&status) => status.to_string(),
                    Ok((_, n)) if ask.expect.is_some_and(|e| e != n) => "short body".into(),
                    Ok((_, n)) => {
                        run.ok += 1;
                        run.bytes += n;
                        run.lat_us.push(t.elapsed().as_micros() as u32);
                        continue;
                    }
                    Err(_) => {
                        conn = None;
                        "connection".into()
                    }
                };
                *run.errors.entry(kind).or_default() += 1;
            }
            anyhow::Ok(run)
        });
    }
    let mut all = Run::default();
    while let Some(r) = set.join_next().await {
        all.merge(r??);
    }
    all.wall = t0.elapsed().as_secs_f64();
    all.server_cpu = host.cpu() - cpu0;
    all.load_cpu = crate::bench_publish::cpu() - me0;
    Ok(all)
}

/// A player's reads of a file of `size` bytes at `path`: 1 MiB ranges in
/// order, each connection starting at its own place and going round.
pub(super) fn ranges(path: &str, size: u64, clients: usize) -> Asks {
    let path = path.to_string();
    let chunks = size.div_ceil(CHUNK).max(1);
    Arc::new(move |c, i| {
        let k = (c as u64 * chunks / clients.max(1) as u64 + i) % chunks;
        let (a, b) = (k * CHUNK, ((k + 1) * CHUNK).min(size) - 1);
        Ask {
            path: path.clone(),
            range: Some((a, b)),
            page: false,
            expect: Some(b - a + 1),
        }
    })
}

/// The whole file, again and again.
pub(super) fn whole(path: &str, size: u64) -> Asks {
    let ask = Ask {
        path: path.to_string(),
        range: None,
        page: false,
        expect: Some(size),
    };
    Arc::new(move |_, _| ask.clone())
}
