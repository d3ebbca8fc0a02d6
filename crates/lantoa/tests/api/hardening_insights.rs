//! Issue 11, insights: a channel's "figures last fetched" line agrees with
//! the figures (point 16); a clip's watch time is in the hours its label
//! says (point 9); the overseer's figures are their bodies' agencies' only,
//! in every output (point 7); a period that cannot be read is answered on
//! the dashboard's form, in its frame (point 16).

use std::collections::{BTreeSet, HashMap};

use crate::helpers::{Network, TestApp, spawn_network, spawn_signed_in, text_of};
use lantoa::clock::Clock as _;
use lantoa::db::insights::{self as idb, ClipTiming, Counters, Post, Snapshot};
use lantoa::domain::{ChannelId, ClipId, OrgId, PublicationId, Role, UserId};
use lantoa::insights::rollup::{self, Zones};

const HOUR: i64 = 3_600_000;
const TZ: &str = "Asia/Ho_Chi_Minh";

/// A channel of an agency, made directly in the database (no platform).
async fn channel(app: &TestApp, agency: OrgId, by: UserId, name: &str) -> ChannelId {
    let mut tx = app.st.db.write().await.unwrap();
    let (id, _) = lantoa::db::publishing::upsert_channel(
        &mut tx,
        lantoa::db::publishing::NewChannel {
            agency,
            platform: "facebook",
            external_id: &format!("ext-{name}"),
            name,
            tokens: "",
            token_expires_at: None,
            by,
            endpoint: lantoa::platforms::Endpoint::Platform,
        },
        app.clock.now_ms(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A published clip with one post whose figures were taken once, `age` after
/// publication, written through the rollups as the collector and the demo's
/// history write them. Returns the clip.
#[allow(clippy::too_many_arguments)]
async fn published(
    app: &TestApp,
    agency: OrgId,
    author: UserId,
    ch: ChannelId,
    title: &str,
    published_at: i64,
    age: i64,
    figures: Counters,
) -> ClipId {
    let tz = jiff::tz::TimeZone::get(TZ).unwrap();
    let mut tx = app.st.db.write().await.unwrap();
    let clip = lantoa::db::clips::insert(
        &mut tx,
        lantoa::db::clips::NewClip {
            agency_id: agency,
            author_id: author,
            title,
            caption: "",
            category: "current_affairs",
            political: false,
            now: published_at - HOUR,
        },
    )
    .await
    .unwrap();
    let (dow, hour) = rollup::local_dow_hour(&tz, published_at);
    let post = Post {
        // One post per clip here: the clip's id serves as the post's.
        publication_id: PublicationId(clip.0),
        agency_id: agency,
        channel_id: ch,
        clip_id: clip,
        platform: "facebook".into(),
        author_id: author,
        category: "current_affairs".into(),
        duration_s: Some(30.0),
        published_at,
        local_dow: dow,
        local_hour: hour,
        taken_at: None,
        latest: [None; 8],
        views_48h: None,
    };
    let day = rollup::local_day(&tz, published_at);
    idb::add_post(&mut tx, &post, day, published_at + HOUR)
        .await
        .unwrap();
    rollup::ingest(
        &mut tx,
        &mut Zones::default(),
        vec![Snapshot {
            publication_id: post.publication_id,
            taken_at: published_at + age,
            c: figures,
        }],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    clip
}

fn counters(views: f64, watch_s: f64, reactions: f64) -> Counters {
    let mut c: Counters = [None; 8];
    c[idb::VIEWS] = Some(views);
    c[idb::WATCH] = Some(watch_s);
    c[idb::AVG_VIEW] = Some(watch_s / views);
    c[idb::REACTIONS] = Some(reactions);
    c
}

// ---- Point 16: a channel's figures line --------------------------------------------

#[tokio::test]
async fn p16_a_channels_figures_line_agrees_with_the_figures_it_has() {
    let (app, n) = spawn_network().await;
    let with = channel(&app, n.a, n.a_admin, "Kênh có số liệu").await;
    channel(&app, n.a, n.a_admin, "Kênh chưa có số liệu").await;
    // Figures written through the rollups without the collector, as the
    // demo's history writes them: two posts, the later one taken last.
    let now = app.clock.now_ms();
    let at = now - 90 * 24 * HOUR;
    published(
        &app,
        n.a,
        n.a_reporter,
        with,
        "Tin cũ",
        at,
        30 * 24 * HOUR,
        counters(500.0, 9_000.0, 3.0),
    )
    .await;
    published(
        &app,
        n.a,
        n.a_reporter,
        with,
        "Tin mới",
        now - 3 * HOUR,
        HOUR,
        counters(80.0, 900.0, 1.0),
    )
    .await;
    let b = app.login("a.admin").await;
    let html = b.get_text(&format!("/a/{}/channels", n.a.0)).await;
    let line = |name: &str| {
        let row = &html[html.find(name).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        let h = &row[row.find("metrics-health").unwrap()..];
        h[h.find('>').unwrap() + 1..h.find("</div>").unwrap()].to_string()
    };
    let last = lantoa::clock::format_local(now - 2 * HOUR, TZ);
    assert_eq!(
        line("Kênh có số liệu"),
        format!("Số liệu: lấy lần cuối {last}")
    );
    assert_eq!(line("Kênh chưa có số liệu"), "Số liệu: chưa lấy lần nào");
}

// ---- Point 9, and tables as a page shows them --------------------------------------

/// A value of a table as any output gives it.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Text(String),
    Num(f64),
    Absent,
}

type Rows = Vec<Vec<V>>;

/// A table of a page as shown: Vietnamese numbers (`12.652,6`), "không có".
fn html_rows(html: &str, id: &str) -> Rows {
    let start = html
        .find(&format!("data-table=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let body = &html[start..];
    let body = &body[body.find("<tbody>").unwrap()..body.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|tr| {
            tr.split("<td")
                .skip(1)
                .map(|td| {
                    let text = &td[td.find('>').unwrap() + 1..td.find("</td>").unwrap()];
                    let plain = text.replace('.', "").replace(',', ".");
                    if text == "không có" {
                        V::Absent
                    } else if !text.is_empty()
                        && text
                            .chars()
                            .all(|c| c.is_ascii_digit() || ".,-".contains(c))
                    {
                        V::Num(plain.parse().unwrap())
                    } else {
                        V::Text(text.to_string())
                    }
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn p09_a_clips_watch_time_is_shown_in_the_hours_its_label_says() {
    let (app, n) = spawn_network().await;
    let ch = channel(&app, n.a, n.a_admin, "Kênh A").await;
    // 426 views of 29.7 s on average: 12,652.2 s, that is 3.51 hours.
    let clip = published(
        &app,
        n.a,
        n.a_reporter,
        ch,
        "Tin có thời gian xem",
        app.clock.now_ms() - 5 * HOUR,
        HOUR,
        counters(426.0, 426.0 * 29.7, 12.0),
    )
    .await;
    let b = app.login("a.head").await;
    let r = b
        .get(&format!("/a/{}/clips/{}/insights", n.a.0, clip.0))
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let t = &html[html.find("data-table=\"latest\"").unwrap()..];
    let headers: Vec<&str> = t[..t.find("</thead>").unwrap()]
        .split("<th>")
        .skip(1)
        .map(|h| &h[..h.find("</th>").unwrap()])
        .collect();
    let col = headers
        .iter()
        .position(|h| *h == "Thời gian xem (giờ)")
        .expect("a watch time column in hours");
    let rows = html_rows(&html, "latest");
    assert_eq!(rows[0][col], V::Num(3.51), "{:?}", rows[0]);
    assert!(!html.contains("12.652"), "seconds shown as hours");
    // The average view stays in seconds, as its label says.
    let avg = headers
        .iter()
        .position(|h| *h == "Thời gian xem trung bình (giây)")
        .unwrap();
    assert_eq!(rows[0][avg], V::Num(29.7));
}

// ---- Point 7 -----------------------------------------------------------------------

/// The instant of a local date and time in the agencies' zone.
fn local(datetime: &str) -> i64 {
    let dt: jiff::civil::DateTime = datetime.parse().unwrap();
    dt.to_zoned_datetime(jiff::tz::TimeZone::get(TZ).unwrap())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

/// One clip of the seed: its agency, channel, title, figures and how many
/// hours it took from upload to publication.
struct Seeded {
    agency: OrgId,
    channel: ChannelId,
    title: &'static str,
    views: f64,
    watch_s: f64,
    reactions: f64,
    hours: i64,
}

impl V {
    fn num(&self) -> f64 {
        match self {
            V::Num(v) => *v,
            other => panic!("not a number: {other:?}"),
        }
    }
    fn text(&self) -> String {
        match self {
            V::Text(s) => s.clone(),
            other => panic!("not a text: {other:?}"),
        }
    }
}

fn row<'a>(rows: &'a Rows, label: &str, what: &str) -> &'a Vec<V> {
    rows.iter()
        .find(|r| r.first() == Some(&V::Text(label.into())))
        .unwrap_or_else(|| panic!("{what}: no row {label:?} in {rows:?}"))
}

/// What the overseer of body A must see, summed by hand from the seed.
struct Want {
    posts: f64,
    views: f64,
    watch_h: f64,
    reactions: f64,
    /// Whole way from upload to publication: median and 90th percentile, hours.
    speed: (f64, f64),
    /// Agency name → views.
    agencies: HashMap<String, f64>,
    titles: BTreeSet<String>,
    channels: usize,
}

/// Checks one output's tables against the hand sums: `get` gives a table's
/// rows by id.
fn check(what: &str, want: &Want, get: &dyn Fn(&str) -> Rows) {
    let close = |a: f64, b: f64, name: &str| {
        assert!(
            (a - b).abs() < 0.01,
            "{what}, {name}: {a} shown, {b} by hand"
        );
    };
    let s = get("summary");
    close(row(&s, "Bài đăng", what)[1].num(), want.posts, "posts");
    close(row(&s, "Lượt xem", what)[1].num(), want.views, "views");
    close(
        row(&s, "Thời gian xem (giờ)", what)[1].num(),
        want.watch_h,
        "watch time",
    );
    close(
        row(&s, "Cảm xúc", what)[1].num(),
        want.reactions,
        "reactions",
    );
    let sp = get("speed");
    let whole = row(&sp, "Cả quy trình", what);
    close(whole[1].num(), want.speed.0, "speed median");
    close(whole[2].num(), want.speed.1, "speed p90");
    // Breakdowns: the agencies of body A and nothing else.
    let ag = get("agencies");
    let shown: HashMap<String, f64> = ag.iter().map(|r| (r[0].text(), r[2].num())).collect();
    assert_eq!(shown, want.agencies, "{what}: by agency");
    let ch = get("channels");
    assert_eq!(ch.len(), want.channels, "{what}: by channel {ch:?}");
    close(
        ch.iter().map(|r| r[2].num()).sum(),
        want.views,
        "views by channel",
    );
    // The daily table: one column per channel of body A, the total last.
    let wide = get("wide");
    assert!(
        wide.iter().all(|r| r.len() == 3 + want.channels),
        "{what}: wide columns {wide:?}"
    );
    let daily: f64 = wide
        .iter()
        .filter_map(|r| match r.last() {
            Some(V::Num(v)) => Some(*v),
            _ => None,
        })
        .sum();
    close(daily, want.views, "views gained day by day");
    // Top and bottom clips: body A's, named with body A's agencies.
    let mut titles = BTreeSet::new();
    for id in ["top", "bottom"] {
        for r in get(id) {
            titles.insert(r[0].text());
            assert!(
                want.agencies.contains_key(&r[1].text()),
                "{what}: {id} lists {r:?}"
            );
        }
    }
    assert_eq!(titles, want.titles, "{what}: top and bottom clips");
}

fn json_rows(j: &serde_json::Value, id: &str) -> Rows {
    let t = j["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap_or_else(|| panic!("no table {id}"));
    t["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| match v {
                    serde_json::Value::String(s) => V::Text(s.clone()),
                    serde_json::Value::Number(n) => V::Num(n.as_f64().unwrap()),
                    _ => V::Absent,
                })
                .collect()
        })
        .collect()
}

fn csv_rows(body: &str) -> Rows {
    body.trim_start_matches('\u{FEFF}')
        .split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            // The seed's texts have no commas or quotes.
            l.split(',')
                .map(|f| match f.parse::<f64>() {
                    Ok(v) => V::Num(v),
                    Err(_) if f.is_empty() => V::Absent,
                    Err(_) => V::Text(f.to_string()),
                })
                .collect()
        })
        .collect()
}

/// Two bodies with agencies, channels and figures in March 2026: body A
/// (agencies A and B of [`Network`]) and the other body (agency C).
async fn two_bodies(app: &TestApp, n: &Network) -> Vec<Seeded> {
    let cha = channel(app, n.a, n.a_admin, "Kênh A").await;
    let chb = channel(app, n.b, n.b_admin, "Kênh B").await;
    let chc = channel(app, n.c, n.sysadmin, "Kênh C").await;
    let seed = vec![
        Seeded {
            agency: n.a,
            channel: cha,
            title: "Tin A một",
            views: 100.0,
            watch_s: 3_600.0,
            reactions: 10.0,
            hours: 2,
        },
        Seeded {
            agency: n.a,
            channel: cha,
            title: "Tin A hai",
            views: 300.0,
            watch_s: 7_200.0,
            reactions: 20.0,
            hours: 4,
        },
        Seeded {
            agency: n.b,
            channel: chb,
            title: "Tin B một",
            views: 50.0,
            watch_s: 1_800.0,
            reactions: 5.0,
            hours: 6,
        },
        // Another body's agency, far bigger and far slower: any share of it
        // in body A's figures shows.
        Seeded {
            agency: n.c,
            channel: chc,
            title: "Tin C một",
            views: 100_000.0,
            watch_s: 360_000.0,
            reactions: 9_999.0,
            hours: 100,
        },
    ];
    for (i, s) in seed.iter().enumerate() {
        let at = local("2026-03-10T09:00") + i as i64 * HOUR;
        let clip = published(
            app,
            s.agency,
            n.a_reporter,
            s.channel,
            s.title,
            at,
            6 * HOUR,
            counters(s.views, s.watch_s, s.reactions),
        )
        .await;
        let uploaded = at - s.hours * HOUR;
        let mut tx = app.st.db.write().await.unwrap();
        idb::add_clip_timing(
            &mut tx,
            &ClipTiming {
                clip_id: clip,
                agency_id: s.agency,
                author_id: n.a_reporter,
                category: "current_affairs".into(),
                duration_s: Some(30.0),
                uploaded_at: uploaded,
                submitted_at: Some(uploaded + s.hours * HOUR / 4),
                approved_at: Some(uploaded + s.hours * HOUR / 2),
                published_at: at,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    seed
}

fn hand_sums(seed: &[Seeded], agencies: &[(OrgId, &str)]) -> Want {
    let mine: Vec<&Seeded> = seed
        .iter()
        .filter(|s| agencies.iter().any(|a| a.0 == s.agency))
        .collect();
    let mut hours: Vec<f64> = mine.iter().map(|s| s.hours as f64).collect();
    hours.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        let pos = q * (hours.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        hours[lo] + (hours[hi] - hours[lo]) * (pos - lo as f64)
    };
    let mut channels: Vec<ChannelId> = mine.iter().map(|s| s.channel).collect();
    channels.sort();
    channels.dedup();
    Want {
        posts: mine.len() as f64,
        views: mine.iter().map(|s| s.views).sum(),
        watch_h: mine.iter().map(|s| s.watch_s).sum::<f64>() / 3600.0,
        reactions: mine.iter().map(|s| s.reactions).sum(),
        speed: (
            (quantile(0.5) * 10.0).round() / 10.0,
            (quantile(0.9) * 10.0).round() / 10.0,
        ),
        agencies: agencies
            .iter()
            .map(|(id, name)| {
                let v = mine.iter().filter(|s| s.agency == *id).map(|s| s.views);
                (name.to_string(), v.sum())
            })
            .collect(),
        titles: mine.iter().map(|s| s.title.to_string()).collect(),
        channels: channels.len(),
    }
}

async fn api(app: &TestApp, token: &str, path: &str) -> serde_json::Value {
    let r = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn p07_the_overseer_sees_exactly_their_bodies_agencies_in_every_output() {
    let (app, n) = spawn_network().await;
    let seed = two_bodies(&app, &n).await;
    let want = hand_sums(&seed, &[(n.a, "Báo A"), (n.b, "Đài B")]);
    // The hand sum, spelled out: 100 + 300 + 50 views, 3.5 hours, whole
    // ways of 2, 4 and 6 hours.
    assert_eq!(
        (want.views, want.watch_h, want.speed),
        (450.0, 3.5, (4.0, 5.6))
    );
    let period = "from=2026-03-01&to=2026-03-31";

    // The JSON API.
    let token = app.token_for("overseer").await;
    let j = api(&app, &token, &format!("/api/v1/insights?{period}")).await;
    check("API", &want, &|id| json_rows(&j, id));

    // The dashboard and the printable report of the month.
    let o = app.login("overseer").await;
    let r = o.get(&format!("/insights?{period}")).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    check("dashboard", &want, &|id| html_rows(&html, id));
    assert!(!html.contains("Tin C một") && !html.contains("Báo C"));
    let r = o.get("/insights/report?month=2026-03").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    check("report", &want, &|id| html_rows(&html, id));

    // Each table as CSV.
    let mut csv: HashMap<String, Rows> = HashMap::new();
    for id in [
        "summary", "speed", "agencies", "channels", "wide", "top", "bottom",
    ] {
        let r = o
            .get(&format!("/insights/export.csv?{period}&table={id}"))
            .await;
        assert_eq!(r.status(), 200, "{id}");
        csv.insert(id.into(), csv_rows(&r.text().await.unwrap()));
    }
    check("CSV", &want, &|id| csv[id].clone());

    // The workbook: one sheet per table, in the dashboard's order.
    let r = o.get(&format!("/insights/export.xlsx?{period}")).await;
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::{DataType as _, Reader as _};
    let sheets = wb.sheet_names().to_vec();
    let order: Vec<String> = j["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sheets.len(), order.len());
    let mut xlsx: HashMap<String, Rows> = HashMap::new();
    for (id, sheet) in order.iter().zip(&sheets) {
        let range = wb.worksheet_range(sheet).unwrap();
        let rows = range
            .rows()
            .skip(1)
            .map(|r| {
                r.iter()
                    .map(|c| {
                        if c.is_empty() {
                            V::Absent
                        } else if let Some(s) = c.get_string() {
                            V::Text(s.to_string())
                        } else {
                            V::Num(c.as_f64().unwrap())
                        }
                    })
                    .collect()
            })
            .collect();
        xlsx.insert(id.clone(), rows);
    }
    check("XLSX", &want, &|id| xlsx[id].clone());

    // An overseer of body A who also works in agency C (another body)
    // oversees body A only: the same figures.
    app.user(
        "overseer.two",
        false,
        &[(n.body, Role::Overseer), (n.c, Role::Reporter)],
    )
    .await;
    let t2 = app.token_for("overseer.two").await;
    let j = api(&app, &t2, &format!("/api/v1/insights?{period}")).await;
    check("API, overseer also in C", &want, &|id| json_rows(&j, id));

    // A system administrator oversees every agency: C included, summed once.
    let all = hand_sums(&seed, &[(n.a, "Báo A"), (n.b, "Đài B"), (n.c, "Báo C")]);
    let root = app.token_for("root").await;
    let j = api(&app, &root, &format!("/api/v1/insights?{period}")).await;
    check("API, system administrator", &all, &|id| json_rows(&j, id));
    assert_eq!(all.views, 100_450.0);

    // One agency's own dashboard: that agency alone.
    let head = app.token_for("a.head").await;
    let j = api(
        &app,
        &head,
        &format!("/api/v1/agencies/{}/insights?{period}", n.a.0),
    )
    .await;
    let s = json_rows(&j, "summary");
    assert_eq!(row(&s, "Lượt xem", "agency A")[1].num(), 400.0);
}

// ---- Point 16: a bad period --------------------------------------------------------

#[tokio::test]
async fn p16_a_bad_insights_period_is_answered_on_the_form_with_the_navigation() {
    let (app, n, head) = spawn_signed_in("a.head").await;
    let base = format!("/a/{}/insights", n.a.0);
    let page = |html: &str, what: &str| {
        assert!(html.contains("<nav class=\"nav\""), "{what}: navigation");
        assert!(
            html.contains("<form class=\"period"),
            "{what}: the period form"
        );
        assert!(html.contains("id=\"period-error\""), "{what}: the error");
    };

    // The end before the start.
    let reversed = format!("{base}?from=2026-11-10&to=2026-11-01");
    let html = text_of(head.get(&reversed).await, 400).await;
    page(&html, "reversed");
    assert!(
        html.contains(&format!("href=\"{base}\"")),
        "the agency's menu"
    );
    assert!(html.contains("Khoảng thời gian không hợp lệ"));
    assert!(
        html.contains("value=\"2026-11-10\"") && html.contains("value=\"2026-11-01\""),
        "the dates typed stay in the form"
    );

    // A date that does not exist, on the overseer's page: the field is marked.
    let o = app.login("overseer").await;
    let r = o.get("/insights?from=2026-02-01&to=2026-02-30").await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    page(&html, "no such day");
    assert!(html.contains("href=\"/overview\""), "the overseer's menu");
    assert!(html.contains("Ngày không đọc được"));
    assert!(html.contains("name=\"to\" value=\"2026-02-30\" required aria-invalid=\"true\""));

    // The exports and the printable report answer on the same form.
    for path in [
        format!("{base}/export.csv?from=x&table=summary"),
        format!("{base}/export.xlsx?from=2026-11-10&to=2026-11-01"),
        format!("{base}/report?month=2026-13"),
        format!("{base}/report?quarter=2026-Q5"),
    ] {
        let r = head.get(&path).await;
        assert_eq!(r.status(), 400, "{path}");
        page(&r.text().await.unwrap(), &path);
    }

    // In English too, once the person switches.
    let r = head
        .post_form("/lang", &[("lang", "en"), ("back", "/")])
        .await;
    assert_eq!(r.status(), 303);
    let html = text_of(head.get(&reversed).await, 400).await;
    page(&html, "English");
    assert!(html.contains("Invalid period: the start must be before the end"));

    // The JSON API keeps its JSON error, naming the parameter at fault.
    let token = app.token_for("a.head").await;
    for (query, field) in [
        ("from=2026-11-10&to=2026-11-01", "from"),
        ("to=2026-02-30", "to"),
        ("from=hôm-qua", "from"),
        ("month=2026-13", "month"),
        ("quarter=2026-Q5", "quarter"),
    ] {
        let r = reqwest::Client::new()
            .get(app.url(&format!("/api/v1/agencies/{}/insights?{query}", n.a.0)))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{query}");
        let j: serde_json::Value = r.json().await.unwrap();
        assert_eq!(j["code"], "invalid_input", "{query}: {j}");
        assert_eq!(j["field"], field, "{query}: {j}");
        assert!(!j["message"].as_str().unwrap().is_empty());
    }
}
