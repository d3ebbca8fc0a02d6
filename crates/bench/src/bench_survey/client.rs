//! The respondents of `lantoa-bench survey`: phones, each with its own
//! loopback address (Linux routes all of 127.0.0.0/8 to `lo`) and browser
//! name, opening the form and sending valid, varied answers the way the
//! page does, every request on a new connection (a person sends the form
//! minutes after opening it). What the server answered, read as an outcome.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, header};
use sha2::{Digest, Sha256};

use crate::bench_lint::rng::Rng;
use lantoa::domain::survey::{Form, Kind, RATING_MAX};
use lantoa::service::surveys::respond::{POW_BITS, proof_holds};

/// What a phone's browser says it accepts; the server sends brotli.
const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// The survey under load: the server's address, the survey's token and form.
#[derive(Clone)]
pub(super) struct Target {
    pub server: SocketAddr,
    pub token: String,
    pub form: Arc<Form>,
}

impl Target {
    /// The same survey on another server process.
    pub fn on(&self, server: SocketAddr) -> Target {
        Target {
            server,
            ..self.clone()
        }
    }
}

/// The loopback address numbered `n`: 127.a.b.c from 127.1.0.1, never
/// 127.0.x.x (the server's own) and never .0 or .255 last.
pub(super) fn address(n: u64) -> Ipv4Addr {
    let c = 1 + (n % 254) as u8;
    let rest = n / 254;
    let b = (rest % 256) as u8;
    let a = 1 + ((rest / 256) % 254) as u8;
    Ipv4Addr::new(127, a, b, c)
}

/// The browser name of phone `n`: a mobile Chrome, distinct per phone.
pub(super) fn phone(n: u64) -> String {
    const MODELS: [&str; 6] = [
        "SM-A155F",
        "SM-A546E",
        "23129RAA4G",
        "CPH2591",
        "V2318",
        "RMX3834",
    ];
    let model = MODELS[(n % MODELS.len() as u64) as usize];
    let android = 11 + n / 6 % 4;
    let chrome = 120 + n / 24 % 12;
    format!(
        "Mozilla/5.0 (Linux; Android {android}; {model} Build/UP1A.{n:06}) AppleWebKit/537.36 \
         (KHTML, like Gecko) Chrome/{chrome}.0.0.0 Mobile Safari/537.36"
    )
}

/// One response as the phone read it: body decoded, time from connecting
/// to the last byte.
pub(super) struct Reply {
    pub status: u16,
    pub location: String,
    pub body: String,
    /// Bytes of the body over the wire (compressed).
    pub wire: usize,
    pub took: Duration,
}

/// A phone: its address and browser name, and the seed of its answers.
pub(super) struct Respondent {
    pub addr: Ipv4Addr,
    pub ua: String,
    pub seed: u64,
}

impl Respondent {
    /// Phone `device` behind address `addr`.
    pub fn new(addr: u64, device: u64) -> Respondent {
        Respondent {
            addr: address(addr),
            ua: phone(device),
            seed: device.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
        }
    }

    /// One request on a new connection from this phone's address, closed
    /// after the response. A bare HTTP/1.1 connection: a client library
    /// made per request would spend more of the shared cores than the
    /// server does (reqwest reads the system's certificates each time).
    async fn request(
        &self,
        server: SocketAddr,
        method: Method,
        path: &str,
        form: Option<String>,
    ) -> anyhow::Result<Reply> {
        let t = Instant::now();
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(SocketAddr::new(IpAddr::V4(self.addr), 0))?;
        let stream = socket.connect(server).await?;
        let (mut sender, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, server.to_string())
            .header(header::USER_AGENT, &self.ua)
            .header(header::ACCEPT_ENCODING, ACCEPT_ENCODING);
        if form.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        let req = req.body(Full::new(Bytes::from(form.unwrap_or_default())))?;
        let r = tokio::time::timeout(Duration::from_secs(60), async {
            let r = sender.send_request(req).await?;
            let (parts, body) = r.into_parts();
            let bytes = body.collect().await?.to_bytes();
            anyhow::Ok((parts, bytes))
        })
        .await??;
        let took = t.elapsed();
        let (parts, bytes) = r;
        let header = |name: header::HeaderName| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        Ok(Reply {
            status: parts.status.as_u16(),
            location: header(header::LOCATION),
            body: decode(&header(header::CONTENT_ENCODING), &bytes)?,
            wire: bytes.len(),
            took,
        })
    }

    pub async fn get(&self, server: SocketAddr, path: &str) -> anyhow::Result<Reply> {
        self.request(server, Method::GET, path, None).await
    }

    /// Opens the form: the page and its challenge.
    pub async fn open_form(&self, t: &Target) -> anyhow::Result<(Reply, String)> {
        let r = self.get(t.server, &format!("/s/{}", t.token)).await?;
        anyhow::ensure!(r.status == 200, "the form answered {}", r.status);
        let challenge = between(&r.body, "name=\"challenge\" value=\"", "\"")
            .ok_or_else(|| anyhow::anyhow!("no challenge on the form"))?
            .to_string();
        Ok((r, challenge))
    }

    /// Sends this phone's answers with `challenge` and `proof` (empty: as a
    /// browser without script sends the form).
    pub async fn send(&self, t: &Target, challenge: &str, proof: &str) -> anyhow::Result<Reply> {
        let mut fields = vec![
            ("lang".to_string(), "vi".to_string()),
            ("challenge".to_string(), challenge.to_string()),
            ("pow".to_string(), proof.to_string()),
            ("website".to_string(), String::new()),
        ];
        fields.extend(answers(&t.form, &mut Rng::new(self.seed)));
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        let path = format!("/s/{}", t.token);
        self.request(t.server, Method::POST, &path, Some(body))
            .await
    }
}

/// The body as the page reads it, whatever the server compressed it with.
fn decode(encoding: &str, bytes: &[u8]) -> anyhow::Result<String> {
    let mut raw = Vec::new();
    match encoding {
        "br" => {
            brotli_decompressor::Decompressor::new(bytes, 4096).read_to_end(&mut raw)?;
        }
        "gzip" => {
            flate2::read::GzDecoder::new(bytes).read_to_end(&mut raw)?;
        }
        "" => raw = bytes.to_vec(),
        other => anyhow::bail!("unexpected Content-Encoding {other}"),
    };
    Ok(String::from_utf8_lossy(&raw).into_owned())
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

/// What people wish for, in their words (the optional text question).
const WISHES: [&str; 8] = [
    "Muốn xem thêm tin địa phương ngắn gọn vào buổi sáng",
    "Nên có phụ đề vì tôi hay xem không bật tiếng",
    "Thêm video về du lịch và ẩm thực của tỉnh",
    "Video dưới một phút là vừa, đừng dài quá",
    "Cập nhật thời tiết, giao thông trước giờ đi làm",
    "Phỏng vấn người dân nhiều hơn",
    "Giải thích chính sách mới bằng ví dụ dễ hiểu",
    "Tin về nông nghiệp, giá cả nông sản",
];

/// A person's answers to `form`: every required question, most optional
/// ones, each within its rules (one option, several, a 1–5 rating, a full
/// ranking, a short text), drawn from `rng`.
pub(super) fn answers(form: &Form, rng: &mut Rng) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for q in &form.questions {
        if !q.required && rng.below(4) == 0 {
            continue;
        }
        let keys: Vec<&str> = q.options.iter().map(|c| c.key.as_str()).collect();
        match q.kind {
            Kind::Single if !keys.is_empty() => out.push((q.field(), rng.pick(&keys).into())),
            Kind::Multiple if !keys.is_empty() => {
                let first = rng.below(keys.len() as u64) as usize;
                for (i, k) in keys.iter().enumerate() {
                    if i == first || rng.below(3) == 0 {
                        out.push((q.field(), k.to_string()));
                    }
                }
            }
            Kind::Rating => {
                let n = 1 + rng.below(u64::from(RATING_MAX));
                out.push((q.field(), n.to_string()));
            }
            Kind::Ranking => {
                let mut places: Vec<usize> = (1..=keys.len()).collect();
                for i in (1..places.len()).rev() {
                    places.swap(i, rng.below(i as u64 + 1) as usize);
                }
                for (k, p) in keys.iter().zip(places) {
                    out.push((q.rank_field(k), p.to_string()));
                }
            }
            Kind::Text => out.push((q.field(), rng.pick(&WISHES).into())),
            Kind::Single | Kind::Multiple => {}
        }
    }
    out
}

/// Finds the proof the page's script finds (`respond::proof_holds`), with
/// the challenge's first block hashed once: the load generator shares the
/// server's cores, so it spends as little as it can.
pub(super) fn solve(challenge: &str) -> String {
    let mut head = Sha256::new();
    head.update(challenge.as_bytes());
    head.update(b":");
    let mut digits = [0u8; 20];
    for n in 0u64.. {
        let len = {
            use std::io::Write;
            let mut w = &mut digits[..];
            let _ = write!(w, "{n}");
            20 - w.len()
        };
        let d = head.clone().chain_update(&digits[..len]).finalize();
        if u32::from_be_bytes([d[0], d[1], d[2], d[3]]).leading_zeros() >= POW_BITS {
            let proof = n.to_string();
            debug_assert!(proof_holds(challenge, &proof));
            return proof;
        }
    }
    String::new()
}

/// What became of one answer, as the phone saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Outcome {
    /// 303 to the thanks page: counted.
    Accepted,
    /// 200, "this device already answered today": not counted.
    Again,
    /// 429: the address's budget for the minute is spent.
    TooFast,
    /// 400, refused as a whole: the message's id.
    Refused(&'static str),
    /// 400, answers to correct beside their questions.
    Problems,
    /// 409: not open.
    NotOpen,
    /// Any other status (5xx among them).
    Status(u16),
    /// No response (connection refused or reset, timeout).
    Transport,
}

impl Outcome {
    pub fn label(self) -> String {
        match self {
            Outcome::Accepted => "accepted".into(),
            Outcome::Again => "refused: device already answered today".into(),
            Outcome::TooFast => "refused: address over its budget (429)".into(),
            Outcome::Refused(id) => format!(
                "refused: {}",
                id.trim_start_matches("survey-refused-").replace('-', " ")
            ),
            Outcome::Problems => "refused: answers to correct".into(),
            Outcome::NotOpen => "refused: not open (409)".into(),
            Outcome::Status(s) => format!("status {s}"),
            Outcome::Transport => "no response (connection error or timeout)".into(),
        }
    }

    pub fn is_server_error(self) -> bool {
        matches!(self, Outcome::Status(s) if s >= 500)
    }
}

/// The reasons an answer is refused as a whole, with their Vietnamese
/// message's first sentence as the page shows it.
fn refusals() -> &'static [(&'static str, String)] {
    static R: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    R.get_or_init(|| {
        let tr = lantoa::i18n::Tr::new(lantoa::domain::Locale::Vi);
        [
            "survey-refused-honeypot",
            "survey-refused-expired",
            "survey-refused-too-quick",
            "survey-refused-proof",
            "survey-refused-used",
        ]
        .into_iter()
        .map(|id| {
            let m = tr.t(id);
            let first = m.split('.').next().unwrap_or(&m).to_string();
            (id, first)
        })
        .collect()
    })
}

/// Reads what the server answered to a sent form.
pub(super) fn outcome(r: &anyhow::Result<Reply>) -> Outcome {
    let Ok(r) = r else {
        return Outcome::Transport;
    };
    match r.status {
        303 if r.location.contains("done=1") => Outcome::Accepted,
        200 if r.body.contains("id=\"again\"") => Outcome::Again,
        429 => Outcome::TooFast,
        400 if r.body.contains("id=\"refused\"") => refusals()
            .iter()
            .find(|(_, m)| r.body.contains(m.as_str()))
            .map_or(Outcome::Refused("survey-refused-?"), |(id, _)| {
                Outcome::Refused(id)
            }),
        400 => Outcome::Problems,
        409 => Outcome::NotOpen,
        s => Outcome::Status(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_distinct_loopback_and_never_the_servers() {
        let mut seen = std::collections::HashSet::new();
        for n in (0..200_000).chain([16_000_000]) {
            let a = address(n);
            assert!(a.is_loopback() && a.octets()[1] != 0, "{a}");
            assert!(!matches!(a.octets()[3], 0 | 255), "{a}");
            assert!(seen.insert(a), "{a} twice");
        }
    }

    #[test]
    fn the_fast_solver_finds_what_the_server_checks() {
        for c in [
            "1.1000.00000000000000ff.abc",
            "7.1700000000000.0123456789abcdef.x",
        ] {
            assert!(proof_holds(c, &solve(c)));
        }
    }

    /// A form with every kind of question, required and optional.
    fn every_kind() -> Form {
        use lantoa::domain::survey::{Choice, Question};
        let q = |key: &str, kind: Kind, options: usize, required: bool| Question {
            key: key.into(),
            kind,
            text: format!("Câu {key}"),
            help: String::new(),
            section: String::new(),
            options: (1..=options)
                .map(|i| Choice {
                    key: format!("o{i}"),
                    label: format!("Lựa chọn {i}"),
                    maps: None,
                })
                .collect(),
            required,
            demographic: false,
            measure: None,
        };
        Form {
            questions: vec![
                q("q1", Kind::Multiple, 5, true),
                q("q2", Kind::Single, 4, true),
                q("q3", Kind::Ranking, 4, true),
                q("q4", Kind::Rating, 0, false),
                q("q5", Kind::Text, 0, false),
                q("q6", Kind::Single, 6, false),
                q("q7", Kind::Ranking, 3, false),
            ],
        }
    }

    #[test]
    fn generated_answers_keep_every_rule_and_vary() {
        let form = every_kind();
        let mut distinct = std::collections::HashSet::new();
        for seed in 1..300 {
            let fields = answers(&form, &mut Rng::new(seed));
            let sent = lantoa::domain::survey::parse_answers(&form, &fields);
            assert!(sent.errors.is_empty(), "seed {seed}: {:?}", sent.errors);
            assert!(sent.answers.contains_key("q3"), "the ranking is answered");
            distinct.insert(format!("{fields:?}"));
        }
        assert!(distinct.len() > 250, "{} distinct", distinct.len());
    }
}
