//! The reports' arithmetic on hand-made posts.

use super::*;
use crate::domain::PublicationId;

fn p(id: i64, dow: i64, hour: i64, v48: Option<i64>, dur: Option<f64>, avg: Option<f64>) -> Post {
    Post {
        publication_id: PublicationId(id),
        agency_id: OrgId(1),
        channel_id: ChannelId(1),
        clip_id: ClipId(id),
        platform: "youtube".into(),
        author_id: UserId(1),
        category: "news".into(),
        duration_s: dur,
        published_at: id,
        local_dow: dow,
        local_hour: hour,
        taken_at: None,
        latest: [
            v48.map(|v| v as f64),
            None,
            None,
            avg,
            None,
            None,
            None,
            None,
        ],
        views_48h: v48,
    }
}

#[test]
fn quantiles_interpolate_between_ranks() {
    assert_eq!(median(&mut []), None);
    assert_eq!(median(&mut [3.0]), Some(3.0));
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(percentile(&mut [1.0, 2.0, 3.0, 4.0, 5.0], 0.9), Some(4.6));
}

#[test]
fn days_and_dates_round_trip() {
    let d = Date::new(2026, 11, 26).unwrap();
    assert_eq!(day_of(d), 20_783);
    assert_eq!(date_of(20_783), d);
    let hcm = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
    // Midnight in Hà Nội is 17:00 UTC the day before.
    assert_eq!(day_start(&hcm, 20_783), 20_783 * 86_400_000 - 7 * 3_600_000);
    assert_eq!(
        Days { from: 10, to: 17 }.previous(),
        Days { from: 3, to: 10 }
    );
}

#[test]
fn the_heatmap_takes_medians_and_recommends_only_cells_with_enough_posts() {
    // Monday 7 h: 100, 300, 200 → median 200 (3 posts).
    // Friday 20 h: 900 with one post → shown but not recommended.
    // Tuesday 12 h: 50, 70, 60, 1000 → median 65.
    // A post with no 48-hour figure counts nowhere.
    let posts = vec![
        p(1, 0, 7, Some(100), None, None),
        p(2, 0, 7, Some(300), None, None),
        p(3, 0, 7, Some(200), None, None),
        p(4, 4, 20, Some(900), None, None),
        p(5, 1, 12, Some(50), None, None),
        p(6, 1, 12, Some(70), None, None),
        p(7, 1, 12, Some(60), None, None),
        p(8, 1, 12, Some(1000), None, None),
        p(9, 2, 9, None, None, None),
    ];
    let h = heatmap(posts.iter());
    assert_eq!(h.cells[0][7], Some(200.0));
    assert_eq!(h.cells[4][20], Some(900.0));
    assert_eq!(h.cells[1][12], Some(65.0));
    assert_eq!(h.cells[2][9], None);
    assert_eq!(h.counts[1][12], 4);
    assert_eq!(h.best, Some((0, 7)));
    assert_eq!(h.posts, 8);
}

#[test]
fn length_buckets_and_completion_by_hand() {
    // 10 s watched 8 s → 0.8; 15 s (edge, first bucket) watched 15 → 1.0;
    // 45 s watched 9 → 0.2; 45 s watched 18 → 0.4; 200 s watched 300 → capped 1.0;
    // unknown length → counted apart.
    let posts = vec![
        p(1, 0, 0, Some(100), Some(10.0), Some(8.0)),
        p(2, 0, 0, Some(300), Some(15.0), Some(15.0)),
        p(3, 0, 0, Some(40), Some(45.0), Some(9.0)),
        p(4, 0, 0, Some(60), Some(45.0), Some(18.0)),
        p(5, 0, 0, Some(7), Some(200.0), Some(300.0)),
        p(6, 0, 0, Some(5), None, Some(3.0)),
    ];
    let l = length(&posts);
    assert_eq!(l.buckets[0].posts, 2);
    assert_eq!(l.buckets[0].median_views, Some(200.0));
    assert_eq!(l.buckets[0].median_completion, Some(0.9));
    assert_eq!(l.buckets[1].posts, 0);
    assert_eq!(l.buckets[1].median_completion, None);
    assert_eq!(l.buckets[2].posts, 2);
    assert!((l.buckets[2].median_completion.unwrap() - 0.3).abs() < 1e-9);
    assert_eq!(l.buckets[2].sum[idb::VIEWS], Some(100.0));
    assert_eq!(l.buckets[5].median_completion, Some(1.0));
    assert_eq!(l.unknown, 1);
    assert_eq!(l.points.len(), 5);
}

/// The period before as the database sums it: one group per post here.
fn before(posts: &[Post]) -> Before {
    Before {
        groups: posts
            .iter()
            .map(|x| idb::PostGroup {
                agency_id: x.agency_id,
                channel_id: x.channel_id,
                platform: x.platform.clone(),
                author_id: x.author_id,
                category: x.category.clone(),
                posts: 1,
                sum: x.latest,
            })
            .collect(),
        completions: posts.iter().filter_map(completion).collect(),
    }
}

#[test]
fn breakdowns_group_the_period_and_compare_the_same_key_before() {
    let mut cur = vec![
        p(1, 0, 0, Some(100), None, None),
        p(2, 0, 0, Some(300), None, None),
        p(3, 0, 0, Some(50), None, None),
    ];
    cur[2].category = "good_deeds".into();
    let mut prev = vec![
        p(4, 0, 0, Some(40), None, None),
        p(5, 0, 0, Some(7), None, None),
        p(6, 0, 0, Some(2), None, None),
    ];
    prev[1].category = "other".into(); // not in this period: not listed
    prev[2].channel_id = ChannelId(2); // another channel, the same topic
    let pubd = Published {
        current: cur,
        previous: before(&prev),
    };
    assert_eq!(pubd.previous.posts(), 3);
    let g = breakdown(&pubd, By::Category);
    assert_eq!(g.len(), 2);
    assert_eq!(g[0].0, "news");
    assert_eq!((g[0].1.posts, g[0].1.sum[idb::VIEWS]), (2, Some(400.0)));
    assert_eq!(g[0].1.median_views, Some(200.0));
    assert_eq!((g[0].2.posts, g[0].2.sum[idb::VIEWS]), (2, Some(42.0)));
    assert_eq!((g[1].0.as_str(), g[1].2.posts), ("good_deeds", 0));
    assert_eq!(g[1].2.sum[idb::VIEWS], None);
    // By channel: channel 1 had both topics before; channel 2 had posts
    // only before, so it is not listed.
    let g = breakdown(&pubd, By::Channel);
    assert_eq!(g.len(), 1);
    assert_eq!((g[0].0.as_str(), g[0].2.posts), ("1", 2));
    assert_eq!(g[0].2.sum[idb::VIEWS], Some(47.0));
}

#[test]
fn median_completion_of_each_period() {
    let pubd = Published {
        current: vec![
            p(1, 0, 0, None, Some(10.0), Some(5.0)),
            p(2, 0, 0, None, Some(10.0), Some(20.0)),
            p(3, 0, 0, None, None, Some(20.0)),
        ],
        previous: before(&[p(4, 0, 0, None, Some(10.0), Some(2.0))]),
    };
    assert_eq!(median_completions(&pubd), (Some(0.75), Some(0.2)));
    let none = Published {
        current: Vec::new(),
        previous: Before::default(),
    };
    assert_eq!(median_completions(&none), (None, None));
}

#[test]
fn top_and_bottom_sum_a_clips_channels_and_skip_clips_without_views() {
    let mut posts = vec![
        p(1, 0, 0, Some(100), None, None),
        p(2, 0, 0, Some(500), None, None),
        p(3, 0, 0, None, None, None),
        p(4, 0, 0, Some(50), None, None),
    ];
    posts[3].clip_id = ClipId(1); // clip 1 on a second channel: 150
    let (top, bottom) = top_bottom(&posts, 1);
    assert_eq!(top[0].clip_id, ClipId(2));
    assert_eq!(bottom[0].clip_id, ClipId(1));
    assert_eq!(bottom[0].sum[idb::VIEWS], Some(150.0));
    assert_eq!(bottom[0].channels, 2);
}
