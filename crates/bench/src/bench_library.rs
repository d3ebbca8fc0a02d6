//! `lantoa-bench library`: the shared library's search at a province's scale
//! (issue 16: p95 with 10,000 offered clips, target ≤ 100 ms).
//!
//! A body with 10 agencies offers 10,000 clips, 1,000 per agency, over half
//! a year: titles and captions from a small Vietnamese vocabulary (tone marks,
//! common and rare words), every category, about a third offered to chosen
//! agencies and the rest to all, a few withdrawn or ended, a tenth in a
//! campaign. Each source clip has a ready version (probe and outputs JSON),
//! and a fifth of the offers were taken by another agency (a clip with its
//! source set), so the library's "your copy" lookup finds rows.
//!
//! Measured side by side in one run, one query of each kind in turn:
//! - the library page's search for one agency: its query through
//!   [`svc::library_filter`] and [`svc::library`] (one page of 24 and the
//!   count, in one read transaction), as the page runs them;
//! - the agency clip list's search for an agency holding 1,000 clips with
//!   the same words ([`lantoa::service::clips::search`], 50 a page, as the
//!   clip list runs it), as the baseline.
//!
//! Prints median and p95 per kind of query and overall, and their ratios;
//! asserts nothing beyond the counts agreeing with the seed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use lantoa::db::Db;
use lantoa::db::clips::{self as cdb, Checked, NewClip, NewVersion};
use lantoa::db::sharing::{self as sdb, NewOffer, Snapshot};
use lantoa::db::users::{self, NewUser};
use lantoa::domain::{Category, OrgId, UserId};
use lantoa::service::Caller;
use lantoa::service::clips::ClipQuery;
use lantoa::service::sharing::{self as svc, LibraryQuery};
use lantoa::state::AppState;

// The body's agencies are the insights bench's.
use crate::bench_insights::{AGENCIES, Lcg, ms, open, pct};

const TARGET_P95_MS: f64 = 100.0;
/// What the library page shows (`web/pages/sharing/library.rs`).
const LIBRARY_PER_PAGE: i64 = 24;
/// What the clip list page shows (`web/pages/clip_list.rs`).
const CLIP_LIST_PER_PAGE: i64 = 50;
/// Offers (with their clips and copies) written per transaction.
const SEED_BATCH: usize = 500;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
/// The viewer of the library and the agency whose clip list is the baseline
/// (it takes nothing, so it holds exactly its own clips).
const VIEWER: usize = 1;
const BASELINE: usize = 0;

/// What the benchmark runs with (the `library` command's options).
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Clips offered, spread evenly over the 10 agencies.
    #[arg(long, default_value_t = 10_000)]
    pub clips: usize,
    /// Runs of each kind of query.
    #[arg(long, default_value_t = 200)]
    pub runs: usize,
    /// A PostgreSQL database to run on: created when missing (and then
    /// dropped at the end unless --keep); SQLite in the data folder when absent.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Where the SQLite files and keys go (default: a temporary folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Keep the database and the data folder afterwards.
    #[arg(long)]
    pub keep: bool,
    /// On PostgreSQL, query without the ANALYZE that follows seeding: the
    /// planner's guesses on tables it has no statistics of (as on a server
    /// with autovacuum off).
    #[arg(long)]
    pub no_analyze: bool,
}

// ---- The words -------------------------------------------------------------------

/// Words of titles and captions, most common first (drawn by 1/rank).
const WORDS: &[&str] = &[
    "người",
    "ngày",
    "tỉnh",
    "nhân dân",
    "huyện",
    "xã",
    "cán bộ",
    "Thái Nguyên",
    "học sinh",
    "giao thông",
    "nông dân",
    "lễ hội",
    "an toàn",
    "y tế",
    "trường học",
    "môi trường",
    "văn hóa",
    "du lịch",
    "mùa lúa",
    "lũ lụt",
    "bệnh viện",
    "thanh niên",
    "tình nguyện",
    "nông thôn mới",
    "chuyển đổi số",
    "doanh nghiệp",
    "việc làm",
    "hội nghị",
    "khánh thành",
    "cầu đường",
    "mưa lớn",
    "sạt lở",
    "chè xanh",
    "cà phê",
    "thủy sản",
    "biển đảo",
    "Tết Nguyên đán",
    "bóng đá",
    "thể thao",
    "điện lực",
    "nước sạch",
    "phòng cháy",
    "công an",
    "bộ đội biên phòng",
    "cựu chiến binh",
    "người cao tuổi",
    "trẻ em",
    "khuyến học",
    "hiến máu",
    "từ thiện",
    "xuất khẩu",
    "sầu riêng",
    "hạn hán",
    "đường sắt",
    "sân bay",
    "khai giảng",
    "bầu cử",
    "dịch vụ công",
    "rừng phòng hộ",
    "vắc xin",
];

/// Small words between the others.
const FILLERS: &[&str] = &[
    "của", "và", "tại", "cho", "đã", "được", "với", "trong", "những", "các", "mới", "năm",
];

const HASHTAGS: &[&str] = &[
    "#tintức",
    "#ThaiNguyen",
    "#nôngthônmới",
    "#antoàngiaothông",
    "#chuyểnđổisố",
    "#lễhội",
    "#dulịch",
];

/// Share of clips per topic, in [`Category::ALL`] order.
const CATEGORY_WEIGHTS: [f64; 5] = [0.10, 0.20, 0.40, 0.15, 0.15];

/// One word as the search box gets it (without tone marks; one with).
const ONE_WORD: &[&str] = &["nguyen", "hoc", "dien", "xuat", "hien", "bong", "le", "sầu"];
/// Two words, mostly without tone marks.
const TWO_WORDS: &[&str] = &[
    "thai nguyen",
    "hoc sinh",
    "giao thong",
    "lễ hội",
    "nong dan",
    "lu lut",
    "du lich",
    "y te",
];
/// Words no clip has.
const NOTHING: &[&str] = &["khongtontai", "qzxw", "abcdefgh", "phuongzz"];

fn pick<'a>(rng: &mut Lcg, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len() as u64) as usize]
}

/// A word by 1/rank: a few common, many rare.
fn zipf<'a>(rng: &mut Lcg, from: &[&'a str]) -> &'a str {
    let total: f64 = (1..=from.len()).map(|r| 1.0 / r as f64).sum();
    let mut x = rng.unit() * total;
    for (i, w) in from.iter().enumerate() {
        x -= 1.0 / (i + 1) as f64;
        if x < 0.0 {
            return w;
        }
    }
    from[from.len() - 1]
}

/// `min` to `min + spread - 1` words, a filler now and then, the first one
/// capitalised as written.
fn sentence(rng: &mut Lcg, min: usize, spread: u64) -> String {
    let n = min + rng.below(spread) as usize;
    let mut out: Vec<String> = Vec::with_capacity(n * 2);
    for _ in 0..n {
        if !out.is_empty() && rng.below(3) == 0 {
            out.push(pick(rng, FILLERS).to_string());
        }
        out.push(zipf(rng, WORDS).to_string());
    }
    let s = out.join(" ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

// ---- The seed --------------------------------------------------------------------

/// One offered clip, as generated.
struct Seeded {
    agency: usize,
    created_at: i64,
    title: String,
    caption: String,
    hashtags: String,
    category: Category,
    /// Agencies named when not offered to all.
    named: Vec<usize>,
    ends_at: Option<i64>,
    withdrawn: bool,
    campaign: Option<usize>,
    duration_s: u64,
    /// The agency that took a copy.
    taker: Option<usize>,
}

impl Seeded {
    fn to_all(&self) -> bool {
        self.named.is_empty()
    }

    fn visible_to(&self, a: usize) -> bool {
        self.agency == a || self.to_all() || self.named.contains(&a)
    }

    fn open_at(&self, now: i64) -> bool {
        !self.withdrawn && self.ends_at.is_none_or(|e| e > now)
    }
}

/// `n` offers over the half year before `now`, oldest first, each agency
/// offering the same number.
fn generate(n: usize, now: i64, rng: &mut Lcg) -> Vec<Seeded> {
    let mut owners: Vec<usize> = (0..n).map(|i| i % AGENCIES).collect();
    for i in (1..owners.len()).rev() {
        owners.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let span = 180 * DAY;
    let mut out: Vec<Seeded> = owners
        .into_iter()
        .enumerate()
        .map(|(i, agency)| {
            let created_at = now - span + (i as i64 * span) / n as i64 + rng.below(60_000) as i64;
            let category = {
                let mut x = rng.unit();
                let mut k = 0;
                while k + 1 < CATEGORY_WEIGHTS.len() && x >= CATEGORY_WEIGHTS[k] {
                    x -= CATEGORY_WEIGHTS[k];
                    k += 1;
                }
                Category::ALL[k]
            };
            // A third to chosen agencies (1 to 4 of the others).
            let mut named = Vec::new();
            if rng.below(3) == 0 {
                let want = 1 + rng.below(4) as usize;
                while named.len() < want {
                    let a = rng.below(AGENCIES as u64) as usize;
                    if a != agency && !named.contains(&a) {
                        named.push(a);
                    }
                }
                named.sort_unstable();
            }
            let fate = rng.below(100);
            let ends_at = match fate {
                // Ended since (2 %), or ending some day (15 %).
                0..=1 => Some(now - 1 - rng.below(30) as i64 * DAY),
                2..=16 => Some(now + (1 + rng.below(60) as i64) * DAY),
                _ => None,
            };
            let tags: Vec<String> = (0..1 + rng.below(3))
                .map(|_| format!("\"{}\"", pick(rng, HASHTAGS)))
                .collect();
            Seeded {
                agency,
                created_at,
                title: sentence(rng, 3, 4),
                caption: sentence(rng, 12, 14),
                hashtags: format!("[{}]", tags.join(",")),
                category,
                named,
                ends_at,
                // Withdrawn (3 %).
                withdrawn: (97..100).contains(&fate),
                campaign: (rng.below(10) == 0).then(|| rng.below(3) as usize),
                duration_s: 15 + rng.below(165),
                taker: None,
            }
        })
        .collect();
    // A fifth taken, each by one agency that could see it (never the
    // baseline agency, which keeps exactly its own clips).
    let mut order: Vec<usize> = (0..out.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut taken = 0;
    for i in order {
        if taken == n / 5 {
            break;
        }
        let o = &out[i];
        let could: Vec<usize> = (0..AGENCIES)
            .filter(|&a| a != o.agency && a != BASELINE && o.visible_to(a))
            .collect();
        if !could.is_empty() {
            out[i].taker = Some(could[rng.below(could.len() as u64) as usize]);
            taken += 1;
        }
    }
    out
}

struct Network {
    body: OrgId,
    agencies: Vec<OrgId>,
    /// Each agency's authors.
    authors: Vec<Vec<UserId>>,
    campaigns: Vec<i64>,
}

async fn network(st: &AppState) -> anyhow::Result<Network> {
    // Unique names: a PostgreSQL database may already hold orgs and users.
    let (body, agencies, sfx) = crate::bench_insights::body_with_agencies(st).await?;
    let now = st.now();
    let mut tx = st.db.write().await?;
    let mut authors = Vec::new();
    for a in 0..AGENCIES {
        let mut mine = Vec::new();
        for k in 0..3 {
            let username = format!("bench-{a}-{k}-{sfx}");
            let name = format!("Phóng viên {k} cơ quan {}", a + 1);
            let u = NewUser {
                username: &username,
                display_name: &name,
                // No one signs in as them.
                password_hash: "!",
                must_change_password: false,
                is_system_admin: false,
                locale: "vi",
                now,
            };
            mine.push(users::insert(&mut tx, u).await?);
        }
        authors.push(mine);
    }
    let mut campaigns = Vec::new();
    for (k, name) in ["Mùa xuân an toàn", "Chuyển đổi số", "Nông thôn mới"]
        .into_iter()
        .enumerate()
    {
        let f = lantoa::db::campaigns::Fields {
            name,
            theme: "",
            brief: "",
            hashtags: "[]",
            starts_at: now - (200 - 60 * k as i64) * DAY,
            ends_at: now + 30 * DAY,
        };
        campaigns.push(lantoa::db::campaigns::insert(&mut tx, body, &f, authors[0][0], now).await?);
    }
    tx.commit().await?;
    Ok(Network {
        body,
        agencies,
        authors,
        campaigns,
    })
}

/// Writes one offered clip: the clip, its ready version, the offer, and the
/// taker's copy. Returns the offer's id.
async fn write(
    tx: &mut lantoa::db::Tx,
    net: &Network,
    i: usize,
    s: &Seeded,
) -> anyhow::Result<i64> {
    let agency = net.agencies[s.agency];
    let author = net.authors[s.agency][i % 3];
    let at = s.created_at;
    let clip = cdb::insert(
        tx,
        NewClip {
            agency_id: agency,
            author_id: author,
            title: &s.title,
            caption: &s.caption,
            category: s.category.code(),
            political: s.category.is_political(),
            now: at - 3 * HOUR,
        },
    )
    .await?;
    let sha = format!("{:064x}", i + 1);
    let key = format!("originals/{sha}");
    let name = format!("clip-{}.mp4", i + 1);
    let (version, _) = cdb::insert_version(
        tx,
        NewVersion {
            clip_id: clip,
            sha256: &sha,
            size_bytes: 20_000_000 + s.duration_s as i64 * 500_000,
            original_key: &key,
            original_name: &name,
            uploaded_by: author,
            now: at - 3 * HOUR,
        },
    )
    .await?;
    let probe = format!(
        "{{\"duration_s\": {}, \"width\": 1080, \"height\": 1920}}",
        s.duration_s
    );
    let outputs = format!(
        "{{\"posters\": [\"posters/{sha}-1.jpg\", \"posters/{sha}-2.jpg\"], \
         \"rendition\": \"renditions/{sha}.mp4\"}}"
    );
    let checked = Checked {
        status: "ready",
        probe: Some(&probe),
        validation: Some("{\"ok\": true}"),
        qc: Some("{\"findings\": []}"),
        compliance: Some("{\"findings\": []}"),
        outputs: Some(&outputs),
        error: None,
    };
    cdb::set_checked(tx, version, checked, at - 2 * HOUR).await?;
    cdb::set_current_version(tx, clip, version, at - 2 * HOUR).await?;
    cdb::set_state(tx, clip, "draft", "published", at - HOUR).await?;
    let credit = format!("Nguồn: Cơ quan báo chí {}", s.agency + 1);
    let named: Vec<OrgId> = s.named.iter().map(|&a| net.agencies[a]).collect();
    let offer = NewOffer {
        body: net.body,
        agency,
        clip,
        version,
        snapshot: Snapshot {
            title: s.title.clone(),
            caption: s.caption.clone(),
            caption_variants: "{}".into(),
            hashtags: s.hashtags.clone(),
            category: s.category.code().into(),
            political: s.category.is_political(),
        },
        campaign: s.campaign.map(|c| net.campaigns[c]),
        credit: &credit,
        may_adapt: i.is_multiple_of(2),
        may_cut: i.is_multiple_of(3),
        ends_at: s.ends_at,
        to_all: s.to_all(),
        by_body: false,
        recommendation: "",
        by: author,
        now: at,
    };
    let id = sdb::insert(tx, &offer, &named).await?;
    if let Some(t) = s.taker {
        let taker = net.agencies[t];
        let by = net.authors[t][i % 3];
        let when = at + HOUR + (i as i64 % 24) * HOUR;
        let copy = cdb::insert(
            tx,
            NewClip {
                agency_id: taker,
                author_id: by,
                title: &s.title,
                caption: &format!("{}\n{credit}", s.caption),
                category: s.category.code(),
                political: s.category.is_political(),
                now: when,
            },
        )
        .await?;
        let (v, _) = sdb::insert_copy_version(tx, copy, version, by, when).await?;
        cdb::set_current_version(tx, copy, v, when).await?;
        sdb::set_taken(tx, copy, id, clip, version).await?;
    }
    if s.withdrawn {
        sdb::withdraw(tx, id, Some(author), at + 2 * DAY).await?;
    }
    Ok(id)
}

// ---- The queries -----------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    NoWords,
    OneWord,
    TwoWords,
    WordCategory,
    Source,
    Nothing,
    Page5,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::NoWords,
        Kind::OneWord,
        Kind::TwoWords,
        Kind::WordCategory,
        Kind::Source,
        Kind::Nothing,
        Kind::Page5,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::NoWords => "no words",
            Kind::OneWord => "one word",
            Kind::TwoWords => "two words",
            Kind::WordCategory => "word + category",
            Kind::Source => "source (list: author)",
            Kind::Nothing => "word matching nothing",
            Kind::Page5 => "page 5",
        }
    }
}

/// The form's fields for run `r` of a kind: (words, category, page), and
/// which of the others' agencies (or authors) to filter by.
struct Asked {
    q: Option<String>,
    category: Option<String>,
    page: Option<String>,
    /// Index of the source agency or the author, when filtered.
    by: Option<usize>,
}

fn asked(kind: Kind, r: usize) -> Asked {
    let word = |list: &[&str]| Some(list[r % list.len()].to_string());
    let none = Asked {
        q: None,
        category: None,
        page: None,
        by: None,
    };
    match kind {
        Kind::NoWords => none,
        Kind::OneWord => Asked {
            q: word(ONE_WORD),
            ..none
        },
        Kind::TwoWords => Asked {
            q: word(TWO_WORDS),
            ..none
        },
        Kind::WordCategory => Asked {
            q: word(ONE_WORD),
            category: Some(Category::ALL[r % Category::ALL.len()].code().to_string()),
            ..none
        },
        Kind::Source => Asked {
            by: Some(r),
            ..none
        },
        Kind::Nothing => Asked {
            q: word(NOTHING),
            ..none
        },
        Kind::Page5 => Asked {
            page: Some("5".into()),
            ..none
        },
    }
}

/// Times of one kind, sorted, and what it found (mean of the counts).
#[derive(Default)]
struct Times {
    library: Vec<f64>,
    list: Vec<f64>,
    library_found: f64,
    list_found: f64,
}

/// The library page's query for `viewer`: filter, one page and the count.
async fn library_once(
    st: &AppState,
    net: &Network,
    kind: Kind,
    r: usize,
) -> anyhow::Result<(f64, usize, i64)> {
    let a = asked(kind, r);
    // A source among the other agencies, in turn.
    let source = a.by.map(|k| {
        let others: Vec<OrgId> = (0..AGENCIES)
            .filter(|&x| x != VIEWER)
            .map(|x| net.agencies[x])
            .collect();
        others[k % others.len()].0.to_string()
    });
    let q = LibraryQuery {
        q: a.q,
        category: a.category,
        campaign: None,
        source,
        page: a.page,
    };
    let t = Instant::now();
    let viewer = Some(net.agencies[VIEWER]);
    let (f, _) = svc::library_filter(&q, net.body, viewer, st.now(), LIBRARY_PER_PAGE)?;
    let (rows, n) = svc::library(st, &f).await?;
    Ok((ms(t.elapsed()), rows.len(), n))
}

/// The clip list's query for the baseline agency with the same words.
async fn list_once(
    caller: &Caller,
    authors: &[UserId],
    kind: Kind,
    r: usize,
) -> anyhow::Result<(f64, usize, i64)> {
    let a = asked(kind, r);
    let q = ClipQuery {
        q: a.q,
        category: a.category,
        author: a.by.map(|k| authors[k % authors.len()].0.to_string()),
        page: a.page,
        ..ClipQuery::default()
    };
    let t = Instant::now();
    let p = lantoa::service::clips::search(caller, &q, CLIP_LIST_PER_PAGE).await?;
    Ok((ms(t.elapsed()), p.clips.len(), p.total))
}

// ---- Running it ------------------------------------------------------------------

/// The server's own database in place of the one `url` names, and that name.
fn server_url(url: &str) -> anyhow::Result<(String, String)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (server, db) = base
        .rsplit_once('/')
        .filter(|(s, d)| s.contains("//") && !s.ends_with('/') && !d.is_empty())
        .ok_or_else(|| anyhow::anyhow!("--database-url must name a database: {url}"))?;
    anyhow::ensure!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "--database-url must be a postgres:// URL"
    );
    let mut u = format!("{server}/postgres");
    if !query.is_empty() {
        u.push('?');
        u.push_str(query);
    }
    Ok((u, db.to_string()))
}

/// Creates the PostgreSQL database `url` names when it does not exist;
/// whether it did.
async fn create_if_missing(url: &str) -> anyhow::Result<bool> {
    let (admin_url, name) = server_url(url)?;
    let admin = Db::connect(&admin_url).await?;
    let exists = match &admin {
        Db::Postgres(p, _) => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
                .bind(&name)
                .fetch_one(p)
                .await?
                > 0
        }
        Db::Sqlite(..) => anyhow::bail!("--database-url must be a postgres:// URL"),
    };
    if !exists {
        lantoa::db::recreate_database(&admin, &name).await?;
    }
    admin.close().await;
    Ok(!exists)
}

async fn drop_created(url: &str) -> anyhow::Result<()> {
    let (admin_url, name) = server_url(url)?;
    let admin = Db::connect(&admin_url).await?;
    lantoa::db::drop_database(&admin, &name).await?;
    admin.close().await;
    Ok(())
}

pub async fn library(o: Options) -> anyhow::Result<()> {
    anyhow::ensure!(
        o.runs > 0 && o.clips >= AGENCIES,
        "--runs must be > 0 and --clips ≥ {AGENCIES}"
    );
    let temp = o.data_dir.is_none();
    let dir = match &o.data_dir {
        Some(d) => d.clone(),
        None => std::env::temp_dir().join(format!(
            "lantoa-bench-library-{}",
            hex::encode(lantoa::crypto::random_bytes::<6>())
        )),
    };
    let created = match &o.database_url {
        Some(u) => create_if_missing(u).await?,
        None => false,
    };
    let st = open(&dir, o.database_url.as_deref()).await?;
    {
        let mut tx = st.db.read().await?;
        anyhow::ensure!(
            sdb::get(&mut tx, 1).await?.is_none(),
            "the database already holds offers: give the benchmark a fresh one"
        );
    }
    let engine = st.db.engine().name();
    let now = st.now();

    // Seeding.
    let t = Instant::now();
    let mut rng = Lcg(20_260_116);
    let net = network(&st).await?;
    let seeded = generate(o.clips, now, &mut rng);
    let mut offer_ids = Vec::with_capacity(seeded.len());
    for (b, chunk) in seeded.chunks(SEED_BATCH).enumerate() {
        let mut tx = st.db.write().await?;
        for (k, s) in chunk.iter().enumerate() {
            offer_ids.push(write(&mut tx, &net, b * SEED_BATCH + k, s).await?);
        }
        tx.commit().await?;
    }
    let seeding = t.elapsed();
    // What autovacuum does after this many rows, before the first query
    // (its statistics decide between walking the date index and sorting).
    let analyzed = match &st.db {
        Db::Postgres(p, _) if !o.no_analyze => {
            sqlx::raw_sql("ANALYZE").execute(p).await?;
            "; tables analyzed"
        }
        Db::Postgres(..) => "; tables NOT analyzed (--no-analyze)",
        Db::Sqlite(..) => "",
    };
    let taken = seeded.iter().filter(|s| s.taker.is_some()).count();
    // The viewer's copies of offers still open to it (the library shows those).
    let viewer_copies: BTreeSet<i64> = seeded
        .iter()
        .zip(&offer_ids)
        .filter(|(s, _)| s.taker == Some(VIEWER) && s.open_at(now))
        .map(|(_, id)| *id)
        .collect();
    let expected_visible = seeded
        .iter()
        .filter(|s| s.visible_to(VIEWER) && s.open_at(now))
        .count();
    let named = seeded.iter().filter(|s| !s.to_all()).count();
    let closed = seeded.iter().filter(|s| !s.open_at(now)).count();
    println!(
        "Shared library search: {engine}, {} offers of {AGENCIES} agencies ({} each) in one body, \
         {named} to chosen agencies, {closed} withdrawn or ended, {taken} taken; seeded in \
         {:.1} s{analyzed}.",
        seeded.len(),
        seeded.len() / AGENCIES,
        seeding.as_secs_f64()
    );

    let caller = Caller::for_user(
        &st,
        net.authors[BASELINE][0],
        net.agencies[BASELINE],
        "bench",
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("the baseline agency's author"))?;

    // The seed's figures, as the queries must find them.
    let checked = {
        let f = svc::library_filter(
            &LibraryQuery::default(),
            net.body,
            Some(net.agencies[VIEWER]),
            now,
            i64::MAX / 4,
        )?
        .0;
        let (rows, n) = svc::library(&st, &f).await?;
        let copies: BTreeSet<i64> = rows
            .iter()
            .filter(|l| l.copy_id.is_some())
            .map(|l| l.id)
            .collect();
        let list = lantoa::service::clips::search(&caller, &ClipQuery::default(), 1).await?;
        let mut problems = Vec::new();
        if n != expected_visible as i64 {
            problems.push(format!("library count {n}, seed {expected_visible}"));
        }
        if copies != viewer_copies {
            problems.push(format!(
                "copies found {}, seed {}",
                copies.len(),
                viewer_copies.len()
            ));
        }
        if list.total != (o.clips / AGENCIES) as i64 {
            problems.push(format!("clip list holds {}", list.total));
        }
        if problems.is_empty() {
            format!(
                "counts agree with the seed ({n} offers open to the viewer, {} of them taken \
                 by it; {} clips in the list)",
                copies.len(),
                list.total
            )
        } else {
            format!("counts DIFFER: {}", problems.join("; "))
        }
    };
    println!(
        "  viewer: agency {} (library, {LIBRARY_PER_PAGE} a page); baseline: agency {}'s clip \
         list ({CLIP_LIST_PER_PAGE} a page); {}.",
        VIEWER + 1,
        BASELINE + 1,
        checked
    );

    // One round unmeasured (statements prepared, pages cached), then runs of
    // every kind in turn, the library and the list alternating first.
    for k in Kind::ALL {
        library_once(&st, &net, k, 0).await?;
        list_once(&caller, &net.authors[BASELINE], k, 0).await?;
    }
    let mut times: Vec<Times> = Kind::ALL.iter().map(|_| Times::default()).collect();
    let t = Instant::now();
    for r in 0..o.runs {
        for j in 0..Kind::ALL.len() {
            let i = (j + r) % Kind::ALL.len();
            let k = Kind::ALL[i];
            let (lib, list) = if r.is_multiple_of(2) {
                let lib = library_once(&st, &net, k, r).await?;
                (lib, list_once(&caller, &net.authors[BASELINE], k, r).await?)
            } else {
                let list = list_once(&caller, &net.authors[BASELINE], k, r).await?;
                (library_once(&st, &net, k, r).await?, list)
            };
            let tk = &mut times[i];
            tk.library.push(lib.0);
            tk.list.push(list.0);
            tk.library_found += lib.2 as f64 / o.runs as f64;
            tk.list_found += list.2 as f64 / o.runs as f64;
        }
    }
    let measuring = t.elapsed();

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!();
    println!(
        "Summary: {engine}, {} offers, {} runs of each kind ({:.1} s), {threads} threads; \
         times in ms, filter + page + count.",
        seeded.len(),
        o.runs,
        measuring.as_secs_f64()
    );
    println!(
        "  {:<24} {:>9} {:>9} {:>7}   {:>9} {:>9} {:>6}   {:>7} {:>7}   target",
        "query", "library", "p95", "found", "clip list", "p95", "found", "×median", "×p95"
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    let mut all_lib = Vec::new();
    let mut all_list = Vec::new();
    for (k, tk) in Kind::ALL.iter().zip(&mut times) {
        tk.library.sort_by(f64::total_cmp);
        tk.list.sort_by(f64::total_cmp);
        let (lm, lp) = (pct(&tk.library, 0.5), pct(&tk.library, 0.95));
        let (bm, bp) = (pct(&tk.list, 0.5), pct(&tk.list, 0.95));
        println!(
            "  {:<24} {lm:>9.2} {lp:>9.2} {:>7.0}   {bm:>9.2} {bp:>9.2} {:>6.0}   {:>6.1}× {:>6.1}×   \
             p95 ≤ {TARGET_P95_MS:.0} {}",
            k.name(),
            tk.library_found,
            tk.list_found,
            lm / bm,
            lp / bp,
            verdict(lp <= TARGET_P95_MS)
        );
        all_lib.extend_from_slice(&tk.library);
        all_list.extend_from_slice(&tk.list);
    }
    all_lib.sort_by(f64::total_cmp);
    all_list.sort_by(f64::total_cmp);
    let (lm, lp) = (pct(&all_lib, 0.5), pct(&all_lib, 0.95));
    let (bm, bp) = (pct(&all_list, 0.5), pct(&all_list, 0.95));
    println!(
        "  {:<24} {lm:>9.2} {lp:>9.2} {:>7}   {bm:>9.2} {bp:>9.2} {:>6}   {:>6.1}× {:>6.1}×",
        "overall",
        "",
        "",
        lm / bm,
        lp / bp
    );
    let gap = if lp <= TARGET_P95_MS {
        format!("met, {:.0} % of the budget", lp / TARGET_P95_MS * 100.0)
    } else {
        format!("MISSED by {:.1} ms", lp - TARGET_P95_MS)
    };
    println!(
        "  library p95 overall {lp:.2} ms against ≤ {TARGET_P95_MS:.0} ms: {gap}; \
         library / clip list = {:.1}× (medians), {:.1}× (p95s).",
        lm / bm,
        lp / bp
    );

    st.db.close().await;
    if o.keep {
        println!("  kept: {}", dir.display());
        if let Some(u) = &o.database_url {
            println!("  kept the database: {}", lantoa::config::mask_url(u));
        }
    } else {
        if created && let Some(u) = &o.database_url {
            drop_created(u).await?;
        }
        if temp {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    Ok(())
}
