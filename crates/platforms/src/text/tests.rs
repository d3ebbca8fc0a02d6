//! The text each platform receives (point 11 of issue 11: a hashtag already in
//! the caption is posted once) and the platforms' text rules as data (point 12:
//! what a platform would refuse is found before approval, in its own units).

use unicode_normalization::UnicodeNormalization;

use super::*;

fn content<'a>(
    caption: &'a str,
    variants: &'a BTreeMap<String, String>,
    hashtags: &'a [String],
) -> Content<'a> {
    Content {
        title: "Lễ ra quân",
        caption,
        variants,
        hashtags,
    }
}

fn tags(t: &[&str]) -> Vec<String> {
    t.iter().map(|s| s.to_string()).collect()
}

/// How many times `tag` is written in `text` as a hashtag, in any case.
fn times(text: &str, tag: &str) -> usize {
    tags_in(text).iter().filter(|k| **k == tag_key(tag)).count()
}

#[test]
fn p11_a_hashtag_already_in_the_caption_is_not_appended_again_on_any_platform() {
    let none = BTreeMap::new();
    let hashtags = tags(&["#tinhnha", "#lantoa"]);
    let c = content("Sáng nay, lễ ra quân. #TinhNha", &none, &hashtags);
    for p in Platform::ALL {
        let t = build(&c, p);
        assert_eq!(
            t.description, "Sáng nay, lễ ra quân. #TinhNha\n\n#lantoa",
            "{p:?}"
        );
        assert_eq!(times(&t.description, "#tinhnha"), 1, "{p:?}");
        assert_eq!(times(&t.description, "#lantoa"), 1, "{p:?}");
    }
}

#[test]
fn p11_hashtags_compare_as_vietnamese_words_with_or_without_the_hash() {
    let none = BTreeMap::new();
    // Typed in NFD on a Mac, in capitals, in the caption; NFC, lower case and
    // without "#" in the hashtag field: one tag.
    let caption: String = "Về #QuảngNgãi, #ĐẢOLÝSƠN".nfd().collect();
    let hashtags = tags(&["quảngngãi", "#đảolýsơn", "#BiểnĐảo"]);
    let t = build(&content(&caption, &none, &hashtags), Platform::Facebook);
    assert_eq!(t.description, format!("{caption}\n\n#BiểnĐảo"));
    // A longer tag, a word without "#" and "C#" are not the tag.
    let hashtags = tags(&["#tinhnha"]);
    for caption in ["Xem #tinhnhaxanh", "Tin tinhnha hôm nay", "Học C#tinhnha"] {
        let t = build(&content(caption, &none, &hashtags), Platform::Zalo);
        assert_eq!(t.description, format!("{caption}\n\n#tinhnha"), "{caption}");
    }
    // The hashtag field repeating itself in other forms is one tag too.
    let hashtags = tags(&["#Hà_Nội", "#hà_nội"]);
    let t = build(&content("Tin sáng", &none, &hashtags), Platform::YouTube);
    assert_eq!(t.description, "Tin sáng\n\n#Hà_Nội");
    assert_eq!(t.tags, vec!["Hà_Nội"]);
}

#[test]
fn p11_each_platform_gets_its_variant_its_title_and_youtube_its_tags() {
    let mut variants = BTreeMap::new();
    variants.insert(
        "tiktok".to_string(),
        "Bản riêng cho TikTok #tinhnha".to_string(),
    );
    variants.insert("zalo".to_string(), "   ".to_string());
    let hashtags = tags(&["#tinhnha", "#lantoa"]);
    let c = content("Chú thích chung", &variants, &hashtags);
    let tiktok = build(&c, Platform::TikTok);
    assert_eq!(
        tiktok.description,
        "Bản riêng cho TikTok #tinhnha\n\n#lantoa"
    );
    assert!(tiktok.tags.is_empty());
    // A blank variant is no variant.
    let zalo = build(&c, Platform::Zalo);
    assert_eq!(zalo.description, "Chú thích chung\n\n#tinhnha #lantoa");
    assert_eq!(zalo.title, "Lễ ra quân");
    // YouTube's keyword tags carry no "#".
    let yt = build(&c, Platform::YouTube);
    assert_eq!(yt.tags, vec!["tinhnha", "lantoa"]);
    assert_eq!(yt.title, "Lễ ra quân");
    // No caption: the hashtags alone, without blank lines before them.
    let none = BTreeMap::new();
    let t = build(&content("", &none, &hashtags), Platform::Facebook);
    assert_eq!(t.description, "#tinhnha #lantoa");
    // TikTok with no caption and no hashtag takes the title as its caption.
    let t = build(&content("", &none, &[]), Platform::TikTok);
    assert_eq!(
        (t.description.as_str(), t.base_field.as_str()),
        ("Lễ ra quân", "title")
    );
    let t = build(&content("", &none, &[]), Platform::YouTube);
    assert_eq!(t.description, "");
}

#[test]
fn p12_the_shipped_rules_parse_and_hold_the_documented_limits() {
    let r = rules();
    let get = |p, part| r.get(p, part).cloned().unwrap_or_default();
    let yt = get(Platform::YouTube, Part::Title);
    assert_eq!(
        (yt.max, yt.unit, yt.required),
        (Some(100), Unit::Utf16, true)
    );
    assert_eq!(yt.forbidden, vec!["<", ">"]);
    let yd = get(Platform::YouTube, Part::Description);
    assert_eq!((yd.max, yd.unit), (Some(5000), Unit::Bytes));
    assert_eq!(yd.forbidden, vec!["<", ">"]);
    assert_eq!(get(Platform::YouTube, Part::Tags).max, Some(500));
    let tt = get(Platform::TikTok, Part::Description);
    assert_eq!((tt.max, tt.unit), (Some(2200), Unit::Utf16));
    assert_eq!(get(Platform::Zalo, Part::Title).max, Some(149));
    assert_eq!(get(Platform::Zalo, Part::Description).max, Some(299));
    assert!(get(Platform::Zalo, Part::Description).required);
    assert_eq!(get(Platform::Facebook, Part::Title).max, Some(255));
    assert_eq!(get(Platform::Facebook, Part::Description).max, Some(63206));
    // Every platform has rules.
    for p in Platform::ALL {
        assert!(r.0.contains_key(&p), "{p:?}");
    }
}

#[test]
fn p12_a_rules_file_with_a_mistake_is_refused() {
    for (bad, why) in [
        ("[myspace.title]\nmax = 1", "unknown platform"),
        ("[youtube.subtitle]\nmax = 1", "unknown part"),
        ("[zalo.tags]\nmax = 1", "only YouTube"),
        ("[youtube.title]\nmaximum = 1", "unknown field"),
        ("[youtube.title]\nunit = \"words\"", "unknown variant"),
        ("[youtube.title]\nforbidden = [\"\"]", "empty forbidden"),
    ] {
        let e = parse(bad).expect_err(bad);
        assert!(e.contains(why), "{bad}: {e}");
    }
    assert_eq!(parse("").unwrap(), Rules::default());
}

fn check(p: Platform, t: &PlatformText) -> Vec<Found> {
    rules().check(p, t)
}

#[test]
fn p12_a_youtube_title_with_angle_brackets_is_found_with_a_look_alike_offered() {
    let none = BTreeMap::new();
    let mut c = content("Chú thích", &none, &[]);
    c.title = "Lễ ra quân <trực tiếp>";
    let found = check(Platform::YouTube, &build(&c, Platform::YouTube));
    let brackets: Vec<_> = found
        .iter()
        .map(|f| {
            (
                f.field.as_str(),
                f.finding.rule.as_str(),
                f.finding.found.as_str(),
                f.finding.suggestion.as_deref(),
                f.finding.char_start,
            )
        })
        .collect();
    assert_eq!(
        brackets,
        vec![
            ("title", "platform_char", "<", Some("‹"), 11),
            ("title", "platform_char", ">", Some("›"), 21),
        ]
    );
    assert!(found.iter().all(|f| f.finding.severity == Severity::Error));
    assert_eq!(found[0].breach.platform, "youtube");
    // The other platforms take it.
    for p in [Platform::Facebook, Platform::TikTok, Platform::Zalo] {
        assert!(check(p, &build(&c, p)).is_empty(), "{p:?}");
    }
    // In YouTube's description too, placed in the caption it comes from.
    let c = content("Giá <50.000 đồng", &none, &[]);
    let f = &check(Platform::YouTube, &build(&c, Platform::YouTube))[0];
    assert_eq!(
        (f.field.as_str(), f.finding.start, f.finding.end),
        ("caption", 5, 6)
    );
}

#[test]
fn p12_lengths_are_measured_in_each_platforms_units() {
    let none = BTreeMap::new();
    let breaches = |p: Platform, caption: &str, hashtags: &[String]| -> Vec<(Part, u64, u64)> {
        check(p, &build(&content(caption, &none, hashtags), p))
            .into_iter()
            .map(|f| (f.breach.part, f.breach.limit, f.breach.measured))
            .collect()
    };
    // YouTube counts its description in bytes: 1,700 Vietnamese letters of 3
    // bytes pass 5,000 though they are far fewer characters.
    let vi = "ệ".repeat(1700);
    assert_eq!(
        breaches(Platform::YouTube, &vi, &[]),
        vec![(Part::Description, 5000, 5100)]
    );
    assert!(breaches(Platform::YouTube, &"ệ".repeat(1666), &[]).is_empty());
    // TikTok counts UTF-16 units: an emoji is 2.
    assert!(breaches(Platform::TikTok, &"🎉".repeat(1100), &[]).is_empty());
    assert_eq!(
        breaches(Platform::TikTok, &"🎉".repeat(1101), &[]),
        vec![(Part::Description, 2200, 2202)]
    );
    // Zalo: a title of 149 characters passes, 150 do not (one client saw
    // exactly 150 refused); a description of 299, with the appended hashtags.
    let zalo_title = |title: &str| {
        let mut c = content("Chú thích", &none, &[]);
        c.title = title;
        check(Platform::Zalo, &build(&c, Platform::Zalo))
            .into_iter()
            .map(|f| (f.breach.part, f.breach.limit, f.breach.measured))
            .collect::<Vec<_>>()
    };
    assert!(zalo_title(&"á".repeat(149)).is_empty());
    assert_eq!(zalo_title(&"á".repeat(150)), vec![(Part::Title, 149, 150)]);
    assert!(breaches(Platform::Zalo, &"a".repeat(299), &[]).is_empty());
    assert_eq!(
        breaches(Platform::Zalo, &"a".repeat(290), &tags(&["#tinhnha"])),
        vec![(Part::Description, 299, 300)]
    );
}

#[test]
fn p12_a_breach_points_at_the_field_to_fix() {
    let none = BTreeMap::new();
    // The caption alone is too long for Zalo: from the first character past
    // the limit to the caption's end.
    let long = "b".repeat(310);
    let f = &check(
        Platform::Zalo,
        &build(&content(&long, &none, &[]), Platform::Zalo),
    )[0];
    assert_eq!(
        (
            f.field.as_str(),
            f.finding.start,
            f.finding.end,
            f.finding.char_start
        ),
        ("caption", 299, 310, 299)
    );
    // Only the appended hashtags push it over: the hashtags are to blame.
    let f = &check(
        Platform::Zalo,
        &build(
            &content(&"b".repeat(295), &none, &tags(&["#tinhnha"])),
            Platform::Zalo,
        ),
    )[0];
    assert_eq!(
        (f.field.as_str(), f.finding.start, f.finding.end),
        ("hashtags", 0, 0)
    );
    // A variant's breach belongs to the variant.
    let mut variants = BTreeMap::new();
    variants.insert("zalo".to_string(), long.clone());
    let f = &check(
        Platform::Zalo,
        &build(&content("ngắn", &variants, &[]), Platform::Zalo),
    )[0];
    assert_eq!(f.field, "variant:zalo");
    // Nothing at all for Zalo: its description is required.
    let f = &check(
        Platform::Zalo,
        &build(&content("", &none, &[]), Platform::Zalo),
    )[0];
    assert_eq!(
        (f.field.as_str(), f.finding.rule.as_str(), f.breach.part),
        ("caption", "platform_required", Part::Description)
    );
}

#[test]
fn p12_youtube_tags_count_commas_and_quote_a_tag_with_a_space() {
    let t = |tags: Vec<String>| PlatformText {
        title: "t".into(),
        description: String::new(),
        tags,
        base_field: "caption".into(),
        base_len: 0,
    };
    // 25 tags of 19 letters and 24 commas: 499.
    let ok: Vec<String> = (0..25).map(|i| format!("{i:0>19}")).collect();
    assert!(check(Platform::YouTube, &t(ok.clone())).is_empty());
    let mut over = ok.clone();
    over[0] = format!("{} {}", &ok[0][..9], &ok[0][10..]);
    let f = &check(Platform::YouTube, &t(over))[0];
    assert_eq!(
        (f.field.as_str(), f.breach.part, f.breach.measured),
        ("hashtags", Part::Tags, 501)
    );
}

#[test]
fn counts_measure_each_limited_part_in_its_own_unit() {
    let variants = BTreeMap::new();
    let hashtags = tags(&["#Thái Nguyên", "#tin"]);
    let c = content("Đẹp 😀", &variants, &hashtags);
    let yt = rules().counts(Platform::YouTube, &build(&c, Platform::YouTube));
    let get = |cs: &[Count], p: Part| cs.iter().find(|x| x.part == p).cloned().unwrap();
    // The title in UTF-16 units; the description in bytes ("Đ" and "ẹ" are
    // 2 and 3 bytes, the emoji 4); the tags as the API joins them, quoted.
    assert_eq!(
        get(&yt, Part::Title).used,
        "Lễ ra quân".encode_utf16().count() as u64
    );
    let d = build(&c, Platform::YouTube).description;
    assert_eq!(get(&yt, Part::Description).used, d.len() as u64);
    assert_eq!(
        (
            get(&yt, Part::Description).max,
            get(&yt, Part::Description).unit
        ),
        (5000, Unit::Bytes)
    );
    assert_eq!(
        get(&yt, Part::Tags).used,
        "\"Thái Nguyên\",tin".encode_utf16().count() as u64
    );
    // TikTok has no title; its caption counts an emoji as 2.
    let tt = rules().counts(Platform::TikTok, &build(&c, Platform::TikTok));
    assert!(tt.iter().all(|x| x.part == Part::Description));
    assert_eq!(tt[0].max, 2200);
}
