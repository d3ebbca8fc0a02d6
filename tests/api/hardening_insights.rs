//! Issue 11, insights: a channel's "figures last fetched" line agrees with
//! the figures (point 16); a clip's watch time is in the hours its label
//! says (point 9).

use crate::helpers::{TestApp, spawn_app};
use lantoa::clock::Clock as _;
use lantoa::db::insights::{self as idb, Counters, Post, Snapshot};
use lantoa::domain::{ChannelId, ClipId, OrgId, PublicationId, UserId};
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
    let app = spawn_app().await;
    let n = app.network().await;
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
    let html = b
        .get(&format!("/a/{}/channels", n.a.0))
        .await
        .text()
        .await
        .unwrap();
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
    let app = spawn_app().await;
    let n = app.network().await;
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
