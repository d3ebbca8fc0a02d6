//! Insights: rollups against a brute-force recomputation on random data
//! (counters that go down, figures that vanish and come back, snapshots in
//! batches that interleave posts), and collection from the mock platforms
//! through the worker, with failures backing off on the channel's health.

// Figures are compared index by index across several arrays.
#![allow(clippy::needless_range_loop)]

use std::collections::BTreeMap;

use crate::helpers::{TestApp, assert_says, send_json, state_with};
use crate::rng::Rng;
use lantoa::clock::Clock as _;
use lantoa::db::insights::{self as idb, Counters, Post, Snapshot};
use lantoa::domain::{ChannelId, ClipId, OrgId, PublicationId, UserId};
use lantoa::insights::report;
use lantoa::insights::rollup::{self, Zones};

const HOUR: i64 = 3_600_000;

fn post(id: i64, agency: OrgId, channel: i64, published_at: i64) -> Post {
    Post {
        publication_id: PublicationId(id),
        agency_id: agency,
        channel_id: ChannelId(channel),
        clip_id: ClipId(id),
        platform: "facebook".into(),
        author_id: UserId(1),
        category: "news".into(),
        duration_s: Some(30.0),
        published_at,
        local_dow: 0,
        local_hour: 0,
        taken_at: None,
        latest: [None; 8],
        views_48h: None,
    }
}

async fn agency(app: &TestApp) -> OrgId {
    app.network().await.a
}

#[tokio::test]
async fn rollups_match_a_brute_force_recomputation_on_random_data() {
    let app = state_with(&[]).await;
    let ag = agency(&app).await;
    let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
    let mut rng = Rng::new(7);
    let t0 = 1_790_000_000_000i64;
    let posts: Vec<Post> = (1..=24)
        .map(|i| {
            let mut p = post(i, ag, 1 + i % 3, t0 + (i * 5) * HOUR);
            p.author_id = UserId(1 + i % 2);
            if i % 5 == 0 {
                // Another topic, and no length known.
                p.duration_s = None;
                p.category = "good_deeds".into();
            }
            p
        })
        .collect();
    {
        let mut tx = app.st.db.write().await.unwrap();
        for p in &posts {
            let day = rollup::local_day(&tz, p.published_at);
            idb::add_post(&mut tx, p, day, p.published_at + HOUR)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    // Each post: 10–40 snapshots over up to 9 days; counters mostly grow,
    // sometimes fall (a platform's correction); figures vanish and return.
    let mut all: Vec<Snapshot> = Vec::new();
    for p in &posts {
        let mut t = p.published_at;
        let mut v = [0f64; 8];
        for _ in 0..10 + rng.below(30) {
            t += HOUR / 2 + rng.below(8 * HOUR as u64) as i64;
            let mut c: Counters = [None; 8];
            for (i, x) in v.iter_mut().enumerate() {
                let fall = rng.below(10) == 0;
                *x = if fall {
                    (*x - rng.below(50) as f64).max(0.0)
                } else {
                    *x + rng.below(500) as f64
                };
                if i == idb::WATCH || i == idb::AVG_VIEW {
                    *x += 0.25;
                }
                // Reach never given on one channel; any figure may be missing.
                let absent = (i == idb::REACH && p.channel_id == ChannelId(1)) || rng.below(7) == 0;
                c[i] = (!absent).then_some(*x);
            }
            all.push(Snapshot {
                publication_id: p.publication_id,
                taken_at: t,
                c,
            });
        }
    }
    // Fed in random-sized batches in time order (the collector's order),
    // posts interleaved; one stale snapshot is sent again at the end.
    all.sort_by_key(|s| (s.taken_at, s.publication_id));
    let mut zones = Zones::default();
    let mut i = 0;
    while i < all.len() {
        let n = (1 + rng.below(60) as usize).min(all.len() - i);
        let mut tx = app.st.db.write().await.unwrap();
        rollup::ingest(&mut tx, &mut zones, all[i..i + n].to_vec())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        i += n;
    }
    let mut stale = all[3].clone();
    stale.taken_at -= 1;
    stale.c = [Some(1e9); 8];
    {
        let mut tx = app.st.db.write().await.unwrap();
        let r = rollup::ingest(&mut tx, &mut zones, vec![stale])
            .await
            .unwrap();
        assert_eq!((r.applied, r.stale), (0, 1));
        tx.commit().await.unwrap();
    }

    // Brute force: each post's latest known value of each figure at the end
    // of each day, from the raw snapshots alone.
    let mut want_post_days: BTreeMap<(i64, i64), Counters> = BTreeMap::new();
    let mut want_latest: BTreeMap<i64, Counters> = BTreeMap::new();
    for p in &posts {
        let mut known: Counters = [None; 8];
        for s in all.iter().filter(|s| s.publication_id == p.publication_id) {
            for k in 0..8 {
                if s.c[k].is_some() {
                    known[k] = s.c[k];
                }
            }
            let day = rollup::local_day(&tz, s.taken_at);
            want_post_days.insert((p.publication_id.0, day), known);
        }
        want_latest.insert(p.publication_id.0, known);
    }
    // A channel's gains up to day D sum to its posts' values known at D.
    let mut tx = app.st.db.read().await.unwrap();
    let days = idb::channel_days(&mut tx, &[ag], 0, i64::MAX)
        .await
        .unwrap();
    let last_day = want_post_days.keys().map(|k| k.1).max().unwrap();
    let first_day = want_post_days.keys().map(|k| k.1).min().unwrap();
    for ch in 1..=3 {
        for d in first_day..=last_day {
            let got: Counters = {
                let mut sum: Counters = [None; 8];
                for cd in days
                    .iter()
                    .filter(|x| x.channel_id == ChannelId(ch) && x.day <= d)
                {
                    for k in 0..8 {
                        if let Some(v) = cd.gained[k] {
                            sum[k] = Some(sum[k].unwrap_or(0.0) + v);
                        }
                    }
                }
                sum
            };
            let mut want: Counters = [None; 8];
            for p in posts.iter().filter(|p| p.channel_id == ChannelId(ch)) {
                let at = want_post_days
                    .range((p.publication_id.0, i64::MIN)..=(p.publication_id.0, d))
                    .next_back()
                    .map(|(_, c)| *c)
                    .unwrap_or([None; 8]);
                for k in 0..8 {
                    if let Some(v) = at[k] {
                        want[k] = Some(want[k].unwrap_or(0.0) + v);
                    }
                }
            }
            for k in [0, 1, 2, 4, 5, 6, 7] {
                match (got[k], want[k]) {
                    (None, None) => {}
                    (Some(g), Some(w)) => assert!(
                        (g - w).abs() < 1e-6,
                        "channel {ch} day {d} {}: {g} vs {w}",
                        idb::METRICS[k]
                    ),
                    (g, w) => panic!("channel {ch} day {d} {}: {g:?} vs {w:?}", idb::METRICS[k]),
                }
            }
        }
        // Reach was never given on channel 1: absent, not zero.
        if ch == 1 {
            assert!(
                days.iter()
                    .filter(|x| x.channel_id == ChannelId(1))
                    .all(|x| x.gained[idb::REACH].is_none())
            );
        }
    }
    let posts_per_day: i64 = days.iter().map(|d| d.posts).sum();
    assert_eq!(posts_per_day, posts.len() as i64);
    // Each post's days and latest figures.
    for p in &posts {
        let got = idb::post_days(&mut tx, p.publication_id).await.unwrap();
        let want: Vec<(i64, Counters)> = want_post_days
            .range((p.publication_id.0, i64::MIN)..=(p.publication_id.0, i64::MAX))
            .map(|(k, c)| (k.1, *c))
            .collect();
        assert_eq!(got.len(), want.len());
        for ((gd, gc), (wd, wc)) in got.iter().zip(&want) {
            assert_eq!(gd, wd);
            for k in 0..8 {
                assert_eq!(
                    gc[k].map(|x| (x * 100.0).round()),
                    wc[k].map(|x| (x * 100.0).round())
                );
            }
        }
    }
    let latest = idb::posts(
        &mut tx,
        &posts.iter().map(|p| p.publication_id).collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    // The posts of a period as the reports read them (on SQLite, in place
    // through its C API) are the same rows, value for value, as read by id
    // through sqlx; a period's bounds are half-open.
    let mut by_period = idb::posts_published(&mut tx, &[ag], t0, t0 + 60 * HOUR)
        .await
        .unwrap();
    by_period.sort_by_key(|p| p.publication_id);
    let mut by_id = latest.clone();
    by_id.retain(|p| p.published_at < t0 + 60 * HOUR);
    by_id.sort_by_key(|p| p.publication_id);
    assert_eq!(by_period.len(), 11, "posts 1–11 of 24, five hours apart");
    assert_eq!(by_period, by_id);
    // The period before as the reports read it: the same posts summed up in
    // the database per channel, author and topic (a figure no post gave
    // stays absent), and of each post the two figures of its completion.
    let groups = idb::post_groups(&mut tx, &[ag], t0, t0 + 60 * HOUR)
        .await
        .unwrap();
    assert!(groups.len() > 6, "three channels, two authors, two topics");
    assert_eq!(groups.iter().map(|g| g.posts).sum::<i64>(), 11);
    for g in &groups {
        let mine: Vec<&Post> = by_id
            .iter()
            .filter(|p| {
                (p.channel_id, p.author_id, &p.category) == (g.channel_id, g.author_id, &g.category)
            })
            .collect();
        assert_eq!(g.posts as usize, mine.len());
        assert_eq!(
            (g.agency_id, g.platform.as_str()),
            (mine[0].agency_id, mine[0].platform.as_str())
        );
        for k in 0..8 {
            let want = (k != idb::AVG_VIEW)
                .then(|| mine.iter().filter_map(|p| p.latest[k]).reduce(|a, b| a + b))
                .flatten();
            assert_eq!(
                g.sum[k].map(|x| (x * 100.0).round()),
                want.map(|x| (x * 100.0).round()),
                "{}",
                idb::METRICS[k]
            );
        }
    }
    let pair = |p: &Post| Some((p.latest[idb::AVG_VIEW]?, p.duration_s?));
    let mut want: Vec<(f64, f64)> = by_id.iter().filter_map(pair).collect();
    let mut got = idb::completions(&mut tx, &[ag], t0, t0 + 60 * HOUR)
        .await
        .unwrap();
    want.sort_by(|a, b| a.partial_cmp(b).unwrap());
    got.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert!(!want.is_empty() && want.len() < 11, "some posts lack one");
    assert_eq!(got, want);
    // A report's two periods, the second read on another connection at the
    // same time (one left idle for it): the same posts as read one by one.
    drop(app.st.db.read().await.unwrap());
    let d = report::Days {
        from: rollup::local_day(&tz, t0 + 60 * HOUR),
        to: rollup::local_day(&tz, t0 + 120 * HOUR) + 1,
    };
    let pubd = report::published(&app.st.db, &mut tx, &[ag], d, &tz)
        .await
        .unwrap();
    let (from, to) = d.instants(&tz);
    let (pfrom, _) = d.previous().instants(&tz);
    let mut cur = pubd.current.clone();
    cur.sort_by_key(|p| p.publication_id);
    let mut want = idb::posts_published(&mut tx, &[ag], from, to)
        .await
        .unwrap();
    want.sort_by_key(|p| p.publication_id);
    assert!(!cur.is_empty());
    assert_eq!(cur, want);
    let before = idb::posts_published(&mut tx, &[ag], pfrom, from)
        .await
        .unwrap();
    assert!(!before.is_empty());
    assert_eq!(pubd.previous.posts(), before.len());
    let other = OrgId(ag.0 + 1_000);
    assert!(
        idb::post_groups(&mut tx, &[other], 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        idb::posts_published(&mut tx, &[other], 0, i64::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    for p in latest {
        let w = want_latest[&p.publication_id.0];
        for k in 0..8 {
            assert_eq!(
                p.latest[k].map(|x| (x * 100.0).round()),
                w[k].map(|x| (x * 100.0).round())
            );
        }
        // Views 48 hours in: the last view count given by then.
        let w48 = all
            .iter()
            .filter(|s| {
                s.publication_id == p.publication_id
                    && s.taken_at - p.published_at <= rollup::FIXED_AGE_MS
            })
            .filter_map(|s| s.c[idb::VIEWS])
            .next_back()
            .map(|v| v.round() as i64);
        assert_eq!(p.views_48h, w48);
    }
}

#[tokio::test]
async fn raw_snapshots_past_retention_are_purged_and_rollups_stay() {
    let app = state_with(&[("LANTOA_METRICS_RETENTION_DAYS", "7")]).await;
    let ag = agency(&app).await;
    let now = app.clock.now_ms();
    let p = post(1, ag, 1, now - 20 * 24 * HOUR);
    let mut tx = app.st.db.write().await.unwrap();
    idb::add_post(&mut tx, &p, 0, now).await.unwrap();
    let snap = |t: i64, v: f64| Snapshot {
        publication_id: p.publication_id,
        taken_at: t,
        c: [Some(v), None, None, None, None, None, None, None],
    };
    rollup::ingest(
        &mut tx,
        &mut Zones::default(),
        vec![snap(now - 10 * 24 * HOUR, 100.0), snap(now - HOUR, 250.0)],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(lantoa::insights::collect::purge(&app.st).await.unwrap(), 1);
    let mut tx = app.st.db.read().await.unwrap();
    assert_eq!(
        idb::snapshots(&mut tx, p.publication_id)
            .await
            .unwrap()
            .len(),
        1
    );
    let days = idb::post_days(&mut tx, p.publication_id).await.unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].1[0], Some(100.0));
}

/// The speed report reads only the times of a clip's way out (the covering
/// index of migration 0020) and the whole rows of its five slowest clips:
/// its medians, 90th percentiles and slowest clips are those computed from
/// the whole rows.
#[tokio::test]
async fn the_speed_report_from_the_times_alone_matches_the_whole_rows() {
    use lantoa::db::insights::ClipTiming;
    use lantoa::insights::report::{self, Days, Step};
    let app = state_with(&[]).await;
    let ag = agency(&app).await;
    let tz = jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
    let mut rng = Rng::new(11);
    let days = Days {
        from: 20_100,
        to: 20_130,
    };
    let (pfrom, _) = days.previous().instants(&tz);
    let (_, to) = days.instants(&tz);
    let mut all = Vec::new();
    {
        let mut tx = app.st.db.write().await.unwrap();
        for i in 0..300 {
            // Some clips before the previous period or after this one; some
            // with a step never recorded; some with equal ways out.
            let published_at = pfrom - 5 * 24 * HOUR
                + rng.below((to - pfrom) as u64 + 10 * 24 * HOUR as u64) as i64;
            let wait = if i % 17 == 0 {
                HOUR
            } else {
                rng.below(3 * HOUR as u64) as i64
            };
            let approved = published_at - wait;
            let submitted = approved - rng.below(6 * HOUR as u64) as i64;
            let t = ClipTiming {
                clip_id: ClipId(i + 1),
                agency_id: ag,
                author_id: UserId(1),
                category: "news".into(),
                duration_s: Some(30.0),
                uploaded_at: submitted - rng.below(3 * HOUR as u64) as i64,
                submitted_at: (i % 11 != 0).then_some(submitted),
                approved_at: (i % 13 != 0).then_some(approved),
                published_at,
            };
            idb::add_clip_timing(&mut tx, &t).await.unwrap();
            all.push(t);
        }
        tx.commit().await.unwrap();
    }
    let mut tx = app.st.db.read().await.unwrap();
    let got = report::speed(&mut tx, &[ag], days, &tz).await.unwrap();
    // The same from the whole rows, as the report computed it before.
    let (from, _) = days.instants(&tz);
    let rows = idb::clip_timings(&mut tx, &[ag], pfrom, to).await.unwrap();
    let stats = |rows: &[&ClipTiming]| {
        let hours = |v: Vec<i64>| {
            let mut h: Vec<f64> = v.into_iter().map(|x| x as f64 / 3_600_000.0).collect();
            (report::median(&mut h), report::percentile(&mut h, 0.9))
        };
        let mut out = [(None, None); 4];
        for (i, s) in Step::ALL.into_iter().enumerate() {
            out[i] = hours(rows.iter().filter_map(|t| s.of(t)).collect());
        }
        out[3] = hours(
            rows.iter()
                .map(|t| t.published_at - t.uploaded_at)
                .collect(),
        );
        (rows.len(), out)
    };
    let cur: Vec<&ClipTiming> = rows.iter().filter(|t| t.published_at >= from).collect();
    let prev: Vec<&ClipTiming> = rows.iter().filter(|t| t.published_at < from).collect();
    assert!(
        cur.len() > 50 && prev.len() > 50,
        "{} {}",
        cur.len(),
        prev.len()
    );
    assert_eq!((got.current.clips, got.current.steps), stats(&cur));
    assert_eq!((got.previous.clips, got.previous.steps), stats(&prev));
    let mut slow: Vec<&ClipTiming> = cur.clone();
    slow.sort_by_key(|t| std::cmp::Reverse(t.published_at - t.uploaded_at));
    let want: Vec<i64> = slow
        .iter()
        .take(5)
        .map(|t| t.published_at - t.uploaded_at)
        .collect();
    let got_slow: Vec<i64> = got
        .slowest
        .iter()
        .map(|(t, _)| t.published_at - t.uploaded_at)
        .collect();
    assert_eq!(got_slow, want);
    for (t, step) in &got.slowest {
        assert!(all.contains(t));
        let worst = Step::ALL
            .into_iter()
            .map(|s| s.of(t).unwrap_or(-1))
            .max()
            .unwrap();
        assert_eq!(step.of(t).unwrap_or(-1), worst);
    }
}

/// A clip published to the four mocks, its figures fetched by the worker on
/// schedule, then read back through the pages and exports.
#[tokio::test]
async fn figures_are_collected_on_schedule_and_the_dashboards_show_them() {
    use crate::publish::{ALL_FOUR, approved_clip, env, publish_now, settle};
    use lantoa::insights::collect;
    let e = env().await;
    e.mock.set_post_age_s(Some(36 * 3600));
    let (c, _) = approved_clip(&e, "Số liệu", &ALL_FOUR, 40).await;
    publish_now(&e, c).await;
    let done = settle(&e.app, e.n.a, c, &["published"]).await;
    assert_eq!(done.len(), 4);
    // Nothing is due before the hour is up.
    assert_eq!(collect::queue_due(&e.app.st).await.unwrap(), 0);
    e.app.clock.advance_ms(HOUR + 1000);
    assert_eq!(collect::queue_due(&e.app.st).await.unwrap(), 4);
    // The worker runs the four jobs; wait for the snapshots.
    let mut posts = Vec::new();
    for _ in 0..200 {
        let mut tx = e.app.st.db.read().await.unwrap();
        posts = idb::posts(&mut tx, &done.iter().map(|p| p.id).collect::<Vec<_>>())
            .await
            .unwrap();
        if posts.iter().all(|p| p.taken_at.is_some()) {
            break;
        }
        drop(tx);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(posts.iter().all(|p| p.taken_at.is_some()), "{posts:#?}");
    for p in &posts {
        let ext = done.iter().find(|x| x.id == p.publication_id).unwrap();
        let s = lantoa_sandbox::synthetic(ext.external_id.as_deref().unwrap(), 36 * 3600);
        assert_eq!(p.latest[idb::VIEWS], Some(s.views as f64), "{}", p.platform);
        match p.platform.as_str() {
            // TikTok gives no reach and no watch time; Zalo only views and shares.
            "tiktok" => assert_eq!((p.latest[idb::REACH], p.latest[idb::WATCH]), (None, None)),
            "zalo" => assert_eq!(p.latest[idb::REACTIONS], None),
            "facebook" => assert_eq!(p.latest[idb::REACH], Some(s.reach as f64)),
            _ => assert_eq!(p.latest[idb::REACH], None),
        }
        assert_eq!(p.views_48h, Some(s.views as i64));
    }
    // Next fetch an hour later; the channel is healthy.
    {
        let mut tx = e.app.st.db.read().await.unwrap();
        let h = idb::channel_health(&mut tx, e.channels[0].1)
            .await
            .unwrap()
            .unwrap();
        assert!(h.0.is_some() && h.1 == 0, "{h:?}");
    }
    assert_eq!(collect::queue_due(&e.app.st).await.unwrap(), 0);

    // A failing platform backs the channel off and shows on its health.
    e.mock
        .faults
        .lock()
        .unwrap()
        .extend([lantoa_sandbox::Fault::ServerError]);
    e.app.clock.advance_ms(HOUR + 1000);
    let yt = e.channels.iter().find(|x| x.0 == "youtube").unwrap().1;
    let fb = e.channels.iter().find(|x| x.0 == "facebook").unwrap().1;
    // Fetch Facebook's directly: the one injected fault hits it.
    collect::fetch_channel(&e.app.st, fb).await.unwrap();
    {
        let mut tx = e.app.st.db.read().await.unwrap();
        let h = idb::channel_health(&mut tx, fb).await.unwrap().unwrap();
        assert_eq!(h.1, 1, "{h:?}");
        assert!(h.2.is_some() && h.3.unwrap() > e.app.clock.now_ms());
    }
    collect::fetch_channel(&e.app.st, yt).await.unwrap();
    let channels_page = e
        .app
        .login("a.admin")
        .await
        .get_text(&format!("/a/{}/channels", e.n.a.0))
        .await;
    assert!(
        channels_page.contains("metrics-health failing"),
        "the failing fetch shows on the channel's health"
    );

    // The dashboard, the clip's page and the exports.
    let b = e.app.login("a.head").await;
    let html = b.get_text(&format!("/a/{}/insights", e.n.a.0)).await;
    for id in [
        "summary", "wide", "speed", "channels", "topics", "authors", "length", "besttime", "top",
    ] {
        assert!(html.contains(&format!("id=\"sec-{id}\"")), "section {id}");
    }
    assert!(html.contains("<svg"), "charts are drawn");
    assert!(
        html.contains("không có"),
        "absent figures read \"không có\""
    );
    let page = b
        .get(&format!("/a/{}/clips/{}/insights", e.n.a.0, c.0))
        .await;
    assert_says(page, 200, "<svg").await;
    let csv = b
        .get(&format!(
            "/a/{}/insights/export.csv?table=channels",
            e.n.a.0
        ))
        .await;
    assert_eq!(csv.status(), 200);
    let body = csv.bytes().await.unwrap();
    assert!(body.starts_with("\u{FEFF}".as_bytes()));
    assert_eq!(
        String::from_utf8_lossy(&body).lines().count(),
        5,
        "header and four channels"
    );
    let x = b.get(&format!("/a/{}/insights/export.xlsx", e.n.a.0)).await;
    assert_eq!(x.status(), 200);
    let bytes = x.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let names = wb.sheet_names().to_vec();
    assert!(names.len() >= 9, "{names:?}");
    let channels = wb.worksheet_range(&names[3]).unwrap();
    assert_eq!(channels.height(), 5, "{:?}", names[3]);
    let report = b
        .get(&format!("/a/{}/insights/report?month=2026-11", e.n.a.0))
        .await;
    assert_eq!(report.status(), 200);
    // The same report as a PDF file, printed by headless Chromium.
    let pdf = b
        .get(&format!("/a/{}/insights/report.pdf?month=2026-11", e.n.a.0))
        .await;
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    // The same tables as JSON, absent figures as null.
    let token = e.app.token_for("a.head").await;
    let j = send_json(
        reqwest::Client::new()
            .get(format!(
                "{}/api/v1/agencies/{}/insights",
                e.app.addr, e.n.a.0
            ))
            .bearer_auth(&token),
    )
    .await;
    let ch = j["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "channels")
        .unwrap();
    assert_eq!(ch["rows"].as_array().unwrap().len(), 4, "{j}");
    assert!(j.to_string().contains("null"));
    // The overseer's province view compares agencies, without authors; a
    // reporter may not see insights.
    let o = e.app.login("overseer").await;
    let html = o.get_text("/insights").await;
    assert!(html.contains("id=\"sec-agencies\"") && !html.contains("id=\"sec-authors\""));
    let r = e.app.login("a.reporter").await;
    r.expect_get(&format!("/a/{}/insights", e.n.a.0), 403).await;
    r.expect_get("/insights", 403).await;
}
