//! Finding clips: words of the title, caption, hashtags and comments with or
//! without tone marks, filters, sorting and paging, the same on the page and
//! in the API.

use serde_json::json;

use crate::helpers::{TestApp, spawn_network};
use crate::review::{act, ready_clip, save};
use lantoa::clock::Clock;
use lantoa::domain::workflow::ClipAction as Do;
use lantoa::domain::{ClipId, OrgId};

/// The titles the API lists for `query`, and its total header.
async fn titles(app: &TestApp, ag: OrgId, token: &str, query: &str) -> (Vec<String>, i64) {
    let r = app
        .get_api(&format!("/api/v1/agencies/{}/clips?{query}", ag.0), token)
        .await;
    assert_eq!(r.status(), 200, "{query}");
    let total = r.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let list: Vec<serde_json::Value> = r.json().await.unwrap();
    let t = list
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect();
    (t, total)
}

#[tokio::test]
async fn the_clip_list_finds_words_with_or_without_tone_marks_and_filters_sorts_and_pages() {
    let (app, n) = spawn_network().await;
    let who = (n.a, n.a_reporter);
    let festival = app
        .insert_clip(
            who,
            "Lễ hội Thái Nguyên",
            "Khai mạc tuần lễ trà.",
            "other",
            false,
        )
        .await;
    app.clock.advance_ms(60_000);
    app.insert_clip(
        who,
        "Đường mới ở Đồng Hỷ",
        "Thông xe #GiaoThong",
        "good_deeds",
        false,
    )
    .await;
    app.clock.advance_ms(60_000);
    let commented = ready_clip(&app, n.a, n.a_reporter, "official_event").await;
    // Another agency's clip with the same words is never found.
    app.insert_clip((n.b, n.b_reporter), "Thái Nguyên B", "", "other", false)
        .await;
    let ed = app.token_for("a.editor").await;
    let base = format!("/api/v1/agencies/{}/clips", n.a.0);

    // Without tone marks, in any case, in any order of words.
    let (t, total) = titles(&app, n.a, &ed, "q=thai+nguyen").await;
    assert_eq!((t, total), (vec!["Lễ hội Thái Nguyên".to_string()], 1));
    assert_eq!(titles(&app, n.a, &ed, "q=NGUYÊN+thái").await.1, 1);
    assert_eq!(titles(&app, n.a, &ed, "q=dong+hy").await.1, 1, "đ is d");
    assert_eq!(
        titles(&app, n.a, &ed, "q=%23giaothong").await.1,
        1,
        "a hashtag"
    );
    assert_eq!(
        titles(&app, n.a, &ed, "q=thai+hanoi").await.1,
        0,
        "every word"
    );

    // A comment's words find its clip, from the moment it is written.
    assert_eq!(titles(&app, n.a, &ed, "q=giat+hinh").await.1, 0);
    let comment = json!({"body": "Giật hình ở giây thứ năm", "at": "00:01"});
    app.post_json_expect(
        &format!("{base}/{}/comments", commented.0),
        &ed,
        &comment,
        201,
    )
    .await;
    let (t, _) = titles(&app, n.a, &ed, "q=giat+hinh").await;
    assert_eq!(t, ["Lễ ra quân"]);

    // So does an edited caption, and the old words no longer do.
    save(&app, n.a_reporter, n.a, festival, |e| {
        e.caption = "Hội chợ nông sản Phú Lương.".into()
    })
    .await
    .unwrap();
    assert_eq!(titles(&app, n.a, &ed, "q=phu+luong").await.1, 1);
    assert_eq!(titles(&app, n.a, &ed, "q=tuan+le+tra").await.1, 0);

    // Filters: state, category, political, author, platform.
    act(&app, n.a_reporter, n.a, commented, Do::Submit)
        .await
        .unwrap();
    let (t, _) = titles(&app, n.a, &ed, "state=in_review").await;
    assert_eq!(t, ["Lễ ra quân"]);
    assert_eq!(titles(&app, n.a, &ed, "category=good_deeds").await.1, 1);
    assert_eq!(titles(&app, n.a, &ed, "political=yes").await.1, 1);
    assert_eq!(titles(&app, n.a, &ed, "political=no").await.1, 2);
    let author = format!("author={}", n.a_reporter.0);
    assert_eq!(titles(&app, n.a, &ed, &author).await.1, 3);
    let editor = format!("author={}", n.a_editor.0);
    assert_eq!(titles(&app, n.a, &ed, &editor).await.1, 0);
    assert_eq!(titles(&app, n.a, &ed, "platform=facebook").await.1, 1);
    assert_eq!(titles(&app, n.a, &ed, "platform=tiktok").await.1, 0);

    // Sorting and paging; the total counts every page.
    let (t, _) = titles(&app, n.a, &ed, "sort=title").await;
    assert_eq!(
        t,
        ["Đường mới ở Đồng Hỷ", "Lễ hội Thái Nguyên", "Lễ ra quân"]
    );
    let (t, total) = titles(&app, n.a, &ed, "sort=created&per_page=2&page=2").await;
    assert_eq!((t, total), (vec!["Lễ hội Thái Nguyên".to_string()], 3));
    let (t, _) = titles(&app, n.a, &ed, "sort=created&per_page=2").await;
    assert_eq!(t, ["Lễ ra quân", "Đường mới ở Đồng Hỷ"]);

    // Dates in the agency's zone: today matches, tomorrow does not.
    let today = lantoa::clock::datetime_input(app.clock.now_ms(), "Asia/Ho_Chi_Minh");
    let today = &today[..10];
    assert_eq!(
        titles(&app, n.a, &ed, &format!("from={today}&to={today}"))
            .await
            .1,
        3
    );
    let later = lantoa::clock::datetime_input(app.clock.now_ms() + 86_400_000, "Asia/Ho_Chi_Minh");
    assert_eq!(
        titles(&app, n.a, &ed, &format!("from={}", &later[..10]))
            .await
            .1,
        0
    );

    // A value that is not one of its field's is refused naming the field.
    for (query, field) in [
        ("state=gone", "state"),
        ("category=weather", "category"),
        ("platform=myspace", "platform"),
        ("political=maybe", "political"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("per_page=501", "per_page"),
        ("author=x", "author"),
        ("from=2026-13-01", "from"),
    ] {
        let r = app.get_api(&format!("{base}?{query}"), &ed).await;
        assert_eq!(r.status(), 400, "{query}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["field"], field, "{query}: {body}");
    }
}

#[tokio::test]
async fn the_clip_list_page_searches_shows_posters_states_and_pages() {
    let (app, n) = spawn_network().await;
    let b = app.login("a.editor").await;
    let list = format!("/a/{}/clips", n.a.0);
    let empty = b.get_text(&list).await;
    assert!(empty.contains("id=\"clip-search\""), "{empty}");
    assert!(empty.contains("id=\"clips-none\""));
    let mut first: Option<ClipId> = None;
    for i in 0..53 {
        let c = app
            .insert_clip(
                (n.a, n.a_reporter),
                &format!("Tin số {i:02}"),
                "",
                "other",
                i % 2 == 0,
            )
            .await;
        first.get_or_insert(c);
        app.clock.advance_ms(1_000);
    }
    // The newest first, 50 a page, with the state and the count.
    let page = b.get_text(&list).await;
    assert!(page.contains("53 clip"), "{page}");
    assert_eq!(page.matches("data-clip=").count(), 50);
    assert!(page.find("Tin số 52").unwrap() < page.find("Tin số 51").unwrap());
    assert!(page.contains("class=\"tag state-draft\""));
    assert!(page.contains("id=\"clips-next\""));
    assert!(!page.contains("id=\"clips-prev\""));
    let two = b.get_text(&format!("{list}?page=2")).await;
    assert_eq!(two.matches("data-clip=").count(), 3);
    assert!(two.contains("id=\"clips-prev\""));
    assert!(two.contains(&format!("data-clip=\"{}\"", first.unwrap().0)));

    // A checked clip shows its first poster, loaded lazily.
    let c = ready_clip(&app, n.a, n.a_reporter, "other").await;
    let v = crate::review::clip(&app, n.a, c)
        .await
        .current_version_id
        .unwrap();
    {
        let mut tx = app.st.db.write().await.unwrap();
        let outputs = r#"{"posters":["p/1.jpg"],"storyboard":null,"proxy":null,"playback":"o"}"#;
        lantoa::on_tx!(&mut tx, x => sqlx::query("UPDATE clip_versions SET outputs = $1 WHERE id = $2")
            .bind(outputs).bind(v.0).execute(x).await.map(|_| ()))
        .unwrap();
        tx.commit().await.unwrap();
    }
    let page = b.get_text(&list).await;
    let poster = format!("/a/{}/clips/{}/versions/{}/media/poster-1", n.a.0, c.0, v.0);
    assert!(
        page.contains(&format!("<img src=\"{poster}\" alt=\"\" loading=\"lazy\"")),
        "{page}"
    );

    // Words without tone marks, and a filter kept in the form and the pager.
    let found = b
        .get_text(&format!("{list}?q=tin+so+07&political=no"))
        .await;
    assert!(found.contains("1 clip"), "{found}");
    assert!(found.contains("Tin số 07"));
    assert!(found.contains("<details id=\"clip-filters\" open>"));
    assert!(found.contains("<option value=\"no\" selected>"));
    assert!(found.contains("value=\"tin so 07\""));
    // A filter that cannot be: the page says so, in the reader's language.
    let bad = b.get_text(&format!("{list}?state=gone")).await;
    assert!(bad.contains("id=\"clip-search-error\""), "{bad}");
    assert!(bad.contains("Bộ lọc danh sách clip không hợp lệ."));
}
