//! `lantoa-bench load`: a mixed load on a running Lantoa, wherever it runs
//! (one process on SQLite, or several behind a proxy: only the base URL is
//! known, nothing of the server's processes is read).
//!
//! People of the demo network (`lantoa demo`) sign in through the login form
//! and, each on a session of their own:
//!
//! - `--readers` (200) read, one request after another (`--think-ms` apart):
//!   the *to approve* queue, the clip list, a clip's page, the agency's
//!   dashboard and its insights, and the overseer the overview of the body's
//!   agencies and those agencies' pages. Which pages each person reads is
//!   found once at the start (a page that refuses them is left out, and
//!   said so).
//! - `--uploads` (50) upload, one upload after another: `--upload-mib` of
//!   bytes of their own as a new clip, over tus in PATCHes of `--chunk-mib`,
//!   as the desk's uploader sends them. The bytes are no video: the server
//!   takes them and its media check refuses them later, in the worker.
//!
//! For `--duration` seconds; then per page: requests, errors (an answer
//! other than 2xx/3xx, a redirect to the login, a transport failure),
//! median and p99 of the answers, and answers/s; uploads finished/s and
//! MB/s. Exits non-zero when any request failed.

mod client;
mod stats;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use client::{Session, Upload, between, http};
use stats::Tally;

/// What the load runs with (the `load` command's options).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Where Lantoa answers (a proxy in front of several processes will do).
    #[arg(long, default_value = "http://127.0.0.1:8097")]
    pub base_url: String,
    /// Seconds of load.
    #[arg(long, default_value_t = 300)]
    pub duration: u64,
    /// People reading pages at once.
    #[arg(long, default_value_t = 200)]
    pub readers: usize,
    /// People uploading at once.
    #[arg(long, default_value_t = 50)]
    pub uploads: usize,
    /// Milliseconds a reader waits between pages.
    #[arg(long, default_value_t = 0)]
    pub think_ms: u64,
    /// Size of each upload, in MiB.
    #[arg(long, default_value_t = 4.0)]
    pub upload_mib: f64,
    /// Size of each PATCH, in MiB.
    #[arg(long, default_value_t = 1.0)]
    pub chunk_mib: f64,
    /// The demo accounts' password.
    #[arg(long, default_value = "lantoa-demo")]
    pub password: String,
}

/// The demo's agencies (username prefixes) and roles (suffixes).
const AGENCIES: [&str; 3] = ["baotinh", "daitinh", "binhson"];
const ROLES: [&str; 6] = [
    "phongvien",
    "bientap",
    "lanhdao",
    "pho",
    "phantich",
    "quantri",
];
/// The roles that may upload: reporter, editor, head, deputy.
const WRITERS: [&str; 4] = ["phongvien", "bientap", "lanhdao", "pho"];
const OVERSEER: &str = "btg.giamsat";
/// Logins at once while the load is set up (each hashes a password).
const LOGINS_AT_ONCE: usize = 4;

/// A page a person reads, at one or more addresses taken in turn.
#[derive(Debug, Clone)]
struct Target {
    name: &'static str,
    paths: Vec<String>,
}

/// Who reads what.
#[derive(Debug, Clone)]
struct Reader {
    username: String,
    targets: Vec<Target>,
}

/// Numbers after `prefix` in `page`, each once, in order.
fn ids_after(page: &str, prefix: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for part in page.split(prefix).skip(1) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let ends = part[digits.len()..].starts_with('"');
        if let Ok(id) = digits.parse::<i64>()
            && ends
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

/// The agency a member lands on (their home redirects there).
async fn home_agency(c: &reqwest::Client, s: &Session) -> anyhow::Result<i64> {
    let (_, loc) = s.text(c, "/").await?;
    between(&format!("{loc}\""), "/a/", "\"")
        .and_then(|id| id.parse().ok())
        .with_context(|| format!("{} lands on {loc}, not an agency", s.username))
}

/// An agency's pages, its clips' pages taken in turn.
fn agency_pages(aid: i64, clips: &[i64]) -> Vec<Target> {
    let one = |name, path: String| Target {
        name,
        paths: vec![path],
    };
    let mut out = vec![
        one("queue: to approve", format!("/a/{aid}/queue?q=approve")),
        one("clip list", format!("/a/{aid}/clips")),
        one("dashboard", format!("/a/{aid}")),
        one("insights", format!("/a/{aid}/insights")),
    ];
    if !clips.is_empty() {
        let paths = clips
            .iter()
            .map(|c| format!("/a/{aid}/clips/{c}"))
            .collect();
        out.push(Target {
            name: "clip page",
            paths,
        });
    }
    out
}

/// Keeps the targets `s` may read (each address tried once), saying what
/// was left out.
async fn allowed(
    c: &reqwest::Client,
    s: &Session,
    targets: Vec<Target>,
) -> anyhow::Result<Vec<Target>> {
    let mut out: Vec<Target> = Vec::new();
    for t in targets {
        let (mut paths, mut refused) = (Vec::new(), Vec::new());
        for p in t.paths {
            let (status, _) = s.text(c, &p).await?;
            match status.as_u16() {
                200 => paths.push(p),
                403 | 404 => refused.push(format!("{p} ({status})")),
                _ => bail!("{} GET {p}: {status} while setting up", s.username),
            }
        }
        if let Some(first) = refused.first() {
            let (who, n) = (&s.username, refused.len());
            println!(
                "  {who} may not read {}: {first} and {} more, left out",
                t.name,
                n - 1
            );
        }
        if paths.is_empty() {
            continue;
        }
        match out.iter_mut().find(|o| o.name == t.name) {
            Some(o) => o.paths.extend(paths),
            None => out.push(Target {
                name: t.name,
                paths,
            }),
        }
    }
    Ok(out)
}

/// Signs every demo person in once and finds what each reads.
async fn discover(
    c: &reqwest::Client,
    o: &Options,
) -> anyhow::Result<(Vec<Reader>, Vec<(String, i64)>)> {
    let base = o.base_url.trim_end_matches('/');
    let mut homes: BTreeMap<String, (Session, i64)> = BTreeMap::new();
    for a in AGENCIES {
        for r in ROLES {
            let u = format!("{a}.{r}");
            let s = Session::login(c, base, &u, &o.password).await?;
            let aid = home_agency(c, &s).await?;
            homes.insert(u, (s, aid));
        }
    }
    let mut clips: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (s, aid) in homes.values() {
        if clips.contains_key(aid) {
            continue;
        }
        let (_, page) = s.text(c, &format!("/a/{aid}/clips")).await?;
        let mut ids = ids_after(&page, &format!("/a/{aid}/clips/"));
        ids.truncate(20);
        clips.insert(*aid, ids);
    }
    let mut readers = Vec::new();
    let mut writers = Vec::new();
    for (u, (s, aid)) in &homes {
        let targets = allowed(c, s, agency_pages(*aid, &clips[aid])).await?;
        readers.push(Reader {
            username: u.clone(),
            targets,
        });
        if WRITERS.iter().any(|w| u.ends_with(&format!(".{w}"))) {
            writers.push((u.clone(), *aid));
        }
    }
    let s = Session::login(c, base, OVERSEER, &o.password).await?;
    let (_, overview) = s.text(c, "/overview").await?;
    let mut targets = vec![Target {
        name: "overseer: overview",
        paths: vec!["/overview".into()],
    }];
    for aid in ids_after(&overview, "/a/") {
        targets.extend(agency_pages(aid, clips.get(&aid).map_or(&[][..], |v| v)));
    }
    readers.push(Reader {
        username: OVERSEER.into(),
        targets: allowed(c, &s, targets).await?,
    });
    Ok((readers, writers))
}

/// Signs in `who` (username, what to carry), `LOGINS_AT_ONCE` at a time.
async fn sign_in<T: Send + 'static>(
    c: &reqwest::Client,
    o: &Options,
    who: Vec<(String, T)>,
) -> anyhow::Result<Vec<(Session, T)>> {
    let base = o.base_url.trim_end_matches('/').to_string();
    let gate = Arc::new(tokio::sync::Semaphore::new(LOGINS_AT_ONCE));
    let mut set = tokio::task::JoinSet::new();
    for (i, (u, t)) in who.into_iter().enumerate() {
        let (c, base, pw, gate) = (c.clone(), base.clone(), o.password.clone(), gate.clone());
        set.spawn(async move {
            let _turn = gate.acquire().await?;
            anyhow::Ok((i, Session::login(&c, &base, &u, &pw).await?, t))
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r??);
    }
    out.sort_by_key(|(i, _, _)| *i);
    Ok(out.into_iter().map(|(_, s, t)| (s, t)).collect())
}

/// Bytes no decoder takes, the same for the same `seed`.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

pub async fn load(o: Options) -> anyhow::Result<()> {
    let c = http()?;
    println!(
        "load on {}: {} readers, {} uploaders, {} s",
        o.base_url, o.readers, o.uploads, o.duration
    );
    let (plans, writers) = discover(&c, &o).await?;
    if o.uploads > 0 && writers.is_empty() {
        bail!("no demo person may upload");
    }
    let per_writer = o.uploads.div_ceil(writers.len().max(1));
    println!(
        "{} people read, {} upload ({per_writer} uploaders each at most; \
         LANTOA_MAX_OPEN_UPLOADS_PER_USER must allow it, 10 by default)",
        plans.len(),
        writers.len()
    );
    let readers = (0..o.readers)
        .map(|i| {
            let p = &plans[i % plans.len()];
            (p.username.clone(), (i, p.targets.clone()))
        })
        .collect();
    let readers = sign_in(&c, &o, readers).await?;
    let uploaders = (0..o.uploads)
        .map(|i| {
            let (u, aid) = &writers[i % writers.len()];
            (u.clone(), (i, *aid))
        })
        .collect();
    let uploaders = sign_in(&c, &o, uploaders).await?;
    let size = (o.upload_mib * 1_048_576.0) as usize;
    let chunk = ((o.chunk_mib * 1_048_576.0) as usize).max(1);
    println!(
        "{} sessions signed in; load starts",
        readers.len() + uploaders.len()
    );

    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.duration);
    let done = Arc::new(AtomicU64::new(0));
    let mut set = tokio::task::JoinSet::new();
    for (s, (i, targets)) in readers {
        let (c, done, think) = (c.clone(), done.clone(), Duration::from_millis(o.think_ms));
        set.spawn(async move {
            let mut t = Tally::default();
            let mut k = i;
            while Instant::now() < deadline && !targets.is_empty() {
                let target = &targets[k % targets.len()];
                let path = &target.paths[(k / targets.len()) % target.paths.len()];
                s.read(&c, &mut t, target.name, path).await;
                done.fetch_add(1, Ordering::Relaxed);
                k += 1;
                if !think.is_zero() {
                    tokio::time::sleep(think).await;
                }
            }
            t
        });
    }
    for (s, (i, aid)) in uploaders {
        let (c, done) = (c.clone(), done.clone());
        set.spawn(async move {
            let mut t = Tally::default();
            let bytes = noise(i as u64 + 1, size);
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let title = format!("Tải thử {i}-{n}");
                let up = Upload {
                    agency: aid,
                    title: &title,
                    bytes: &bytes,
                    chunk,
                };
                s.upload(&c, &mut t, up, deadline).await;
                done.fetch_add(1, Ordering::Relaxed);
            }
            t
        });
    }
    let ticker = {
        let done = done.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(30)).await;
                let s = started.elapsed().as_secs();
                println!(
                    "  {s} s: {} requests and uploads",
                    done.load(Ordering::Relaxed)
                );
            }
        })
    };
    let mut all = Tally::default();
    while let Some(t) = set.join_next().await {
        all.merge(t?);
    }
    ticker.abort();
    let seconds = started.elapsed().as_secs_f64();
    println!("over {seconds:.1} s:");
    print!("{}", stats::report(&all, seconds));
    let errors: u64 = all.pages.values().map(|p| p.error_count()).sum();
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_links_once_each() {
        let page = r#"<a href="/a/3/clips/17">x</a> <a href="/a/3/clips/17">y</a>
            <a href="/a/3/clips/new">n</a> <a href="/a/3/clips/9">z</a>
            <a href="/a/3/clips/9/status">s</a>"#;
        assert_eq!(ids_after(page, "/a/3/clips/"), vec![17, 9]);
    }

    #[test]
    fn noise_is_the_same_for_a_seed() {
        assert_eq!(noise(1, 64), noise(1, 64));
        assert_ne!(noise(1, 64), noise(2, 64));
    }
}
