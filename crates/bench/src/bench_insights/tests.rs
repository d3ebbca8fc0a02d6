use super::*;

const DAY: i64 = 24 * HOUR;

#[test]
fn the_schedule_thins_with_age_and_stops_at_180_days() {
    // Hourly 1–48 h (48), daily to 30 days, weekly to 180 days.
    let n = schedule(1, 0, 400 * DAY);
    assert!((90..=100).contains(&n), "{n}");
    assert_eq!(schedule(1, 0, HOUR / 2), 0);
    assert!((10..=12).contains(&schedule(1, 0, 12 * HOUR)));
}

#[test]
fn a_stream_is_in_time_order_and_counters_only_fall_on_corrections() {
    let tz = TimeZone::get(TIME_ZONE).unwrap();
    let agencies = vec![Agency {
        id: OrgId(1),
        channels: vec![(ChannelId(1), 0), (ChannelId(2), 2), (ChannelId(3), 3)],
        authors: vec![UserId(1)],
        weight: 1.0,
    }];
    let now = report::day_start(&tz, 20_000);
    let mut g = generate(&agencies, now, 20_000, &mut Lcg(1));
    let expected = g.snapshots;
    assert!((20_000..21_000).contains(&g.snapshots), "{}", g.snapshots);
    let mut s = Stream::new(&mut g.plans);
    let mut last = i64::MIN;
    let mut seen: BTreeMap<PublicationId, f64> = BTreeMap::new();
    let mut n = 0;
    let mut falls = 0;
    loop {
        let b = s.batch(3_000);
        if b.is_empty() {
            break;
        }
        for x in b {
            assert!(x.taken_at >= last);
            last = x.taken_at;
            let v = x.c[idb::VIEWS].unwrap();
            if seen.insert(x.publication_id, v).is_some_and(|p| v < p) {
                falls += 1;
            }
            n += 1;
        }
    }
    assert_eq!(n, expected);
    assert!(falls > 0 && falls < n / 100, "{falls}");
}

#[test]
fn streams_share_out_the_channels_and_together_make_every_snapshot() {
    let tz = TimeZone::get(TIME_ZONE).unwrap();
    let channels = (1..=5).map(|c| (ChannelId(c), (c % 4) as usize)).collect();
    let agencies = vec![Agency {
        id: OrgId(1),
        channels,
        authors: vec![UserId(1)],
        weight: 1.0,
    }];
    let now = report::day_start(&tz, 20_000);
    let mut g = generate(&agencies, now, 20_000, &mut Lcg(1));
    let channel_of: HashMap<i64, i64> = g
        .posts
        .iter()
        .map(|(p, _)| (p.publication_id.0, p.channel_id.0))
        .collect();
    let expected = g.snapshots;
    let mut made = 0;
    let mut seen = std::collections::BTreeSet::new();
    for (s, part) in split(&mut g.plans, &channel_of, 2).into_iter().enumerate() {
        assert!(!part.is_empty());
        for p in part.iter() {
            assert_eq!(channel_of[&p.id] as usize % 2, s, "post {}", p.id);
            assert!(seen.insert(p.id), "post {} in two streams", p.id);
        }
        let mut stream = Stream::new(part);
        loop {
            let b = stream.batch(3_000);
            if b.is_empty() {
                break;
            }
            made += b.len() as u64;
        }
    }
    assert_eq!(seen.len(), channel_of.len());
    assert_eq!(made, expected);
}

#[test]
fn a_sibling_database_keeps_the_server_and_options() {
    let (u, name) = sibling_url("postgres://u@h:5432/bench?sslmode=disable", "raw").unwrap();
    assert_eq!(u, "postgres://u@h:5432/bench_raw?sslmode=disable");
    assert_eq!(name, "bench_raw");
    assert!(sibling_url("postgres://u@h:5432", "raw").is_err());
}
