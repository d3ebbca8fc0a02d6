//! The agency's own outlet: its operator turns it on; an approved clip
//! published to it appears on the public feed, its page (with its sharing
//! tags), its media (in byte ranges, cacheable), the feeds, the sitemap and
//! oEmbed; a scripted viewing (play, half watched, stop) reaches the
//! dashboards as the channel *Trang riêng* with the right completion; robots,
//! browsers asking not to be tracked and bad beacons count for nothing, and
//! one device cannot count for more than one; a takedown removes the clip
//! from every public address at once; nothing else is ever shown (404 alike).

use crate::helpers::{TestApp, header};
use crate::publish::{Env, approved_clip_with, env, publish_now, settle, stored_video};
use lantoa::db::insights as idb;
use lantoa::domain::{ClipId, PublicationId};

const PHONE: &str =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1";
const DESK: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36";

/// Agency A's admin turns the outlet on (allowing one site to embed it).
async fn turn_on(
    app: &TestApp,
    admin: &str,
    aid: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let b = app.login(admin).await;
    b.refresh_csrf(&format!("/a/{aid}/outlet")).await;
    b.post_form(&format!("/a/{aid}/outlet"), fields).await
}

/// A published outlet clip of A: its id, publication and public address.
async fn published(e: &Env, seed: u32, title: &str) -> (ClipId, PublicationId, String) {
    let video = stored_video(&e.app, seed).await;
    let (c, _) = approved_clip_with(
        e,
        title,
        "Người dân xã Định Hóa góp sức sửa đường.",
        &["outlet", "youtube"],
        video,
    )
    .await;
    publish_now(e, c).await;
    let done = settle(&e.app, e.n.a, c, &["published"]).await;
    let mut tx = e.app.st.db.read().await.unwrap();
    let chans = lantoa::db::publishing::channels(&mut tx, e.n.a)
        .await
        .unwrap();
    let outlet = chans.iter().find(|c| c.platform == "outlet").unwrap();
    let pb = done.iter().find(|p| p.channel_id == outlet.id).unwrap();
    (c, pb.id, pb.url.clone().unwrap())
}

fn path_of(url: &str) -> String {
    url.split_once("://")
        .and_then(|(_, r)| r.split_once('/'))
        .map(|(_, p)| format!("/{p}"))
        .unwrap()
}

async fn beacon(app: &TestApp, slug: &str, ua: &str, extra: &[(&str, &str)], body: String) -> u16 {
    let mut r = app
        .client()
        .post(app.url(&format!("/v/{slug}/beacon")))
        .header("user-agent", ua)
        .header("content-type", "text/plain;charset=UTF-8")
        .body(body);
    for (k, v) in extra {
        r = r.header(*k, *v);
    }
    r.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn the_outlet_shows_measures_and_takes_down_what_was_published_to_it() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let aid = n.a.0;
    // Off: nothing public, and the clip cannot target it (no channel).
    let r = app.get("/v/bao-a").await;
    assert_eq!(r.status(), 404, "{}", r.text().await.unwrap());
    let r = turn_on(
        app,
        "a.admin",
        aid,
        &[
            ("enabled", "1"),
            ("indexable", "1"),
            ("embed_origins", "ftp://nope"),
        ],
    )
    .await;
    assert_eq!(r.status(), 400, "a bad origin is refused");
    assert!(r.text().await.unwrap().contains("địa chỉ gốc"));
    let r = turn_on(
        app,
        "a.admin",
        aid,
        &[
            ("enabled", "1"),
            ("indexable", "1"),
            ("embed_origins", "https://baoa.vn"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert!(
        app.audit_entries()
            .await
            .iter()
            .any(|x| x.action == "agency.outlet_settings")
    );
    // Empty but on.
    assert!(app.get_page("/v/bao-a").await.contains("Chưa có clip nào"));

    let (c, pid, url) = published(&e, 71, "Sửa đường liên xã").await;
    let page = path_of(&url);
    let token = page.rsplit('/').next().unwrap().to_string();
    assert!(page.starts_with("/v/bao-a/") && token.len() == 12, "{url}");

    // The feed and the page, with their sharing tags and structured data.
    let feed = app.get_page("/v/bao-a").await;
    assert!(feed.contains("Sửa đường liên xã") && feed.contains("class=\"reel\""));
    let r = app.get(&page).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "public, max-age=60");
    let etag = header(&r, "etag").to_string();
    assert!(header(&r, "content-security-policy").contains("frame-ancestors 'self'"));
    let html = r.text().await.unwrap();
    for needle in [
        "<meta property=\"og:title\" content=\"Sửa đường liên xã\">",
        "og:video",
        "twitter:player",
        "\"@type\":\"VideoObject\"",
        "application/json+oembed",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // Read again within the second, the page is the one kept (`Age`).
    let again = app.get(&page).await;
    assert_eq!(header(&again, "age"), "0");
    assert_eq!(header(&again, "etag"), etag);
    // Kept pages go out compressed once, to browsers that take brotli.
    let br = app
        .client()
        .get(app.url(&page))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&br, "content-encoding"), "br");
    let packed = br.bytes().await.unwrap();
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut &packed[..], &mut unpacked).unwrap();
    assert_eq!(String::from_utf8(unpacked).unwrap(), html);
    // A shared cache revalidates with the ETag.
    let r = app
        .client()
        .get(app.url(&page))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);

    // The media in byte ranges: exactly the stored bytes.
    let original = std::fs::read(app.data_dir.path().join("gen/v71.mp4")).unwrap();
    let r = app
        .client()
        .get(app.url(&format!("{page}/video.mp4")))
        .header("range", "bytes=10-99")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(header(&r, "accept-ranges"), "bytes");
    assert!(header(&r, "cache-control").starts_with("public"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), &original[10..100]);

    // Feeds, sitemap, oEmbed.
    for (path, needle) in [
        ("/v/bao-a/feed.rss", "<media:content"),
        ("/v/bao-a/feed.atom", "rel=\"enclosure\""),
        ("/v/bao-a/feed.rss?cat=good_deeds", "Sửa đường liên xã"),
        ("/v/bao-a/sitemap.xml", "<video:content_loc>"),
    ] {
        let body = app.get_page(path).await;
        assert!(
            body.contains(needle) && body.contains(&token),
            "{path}: {body}"
        );
    }
    let o = app
        .get_json_anon(&format!(
            "/v/bao-a/oembed?url={}",
            form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>()
        ))
        .await;
    assert_eq!(o["type"], "video");
    assert!(o["html"].as_str().unwrap().contains("/embed"));

    // The embedded player may be framed by the allowed site only.
    let r = app.get(&format!("{page}/embed")).await;
    assert_eq!(r.status(), 200);
    assert!(
        header(&r, "content-security-policy").contains("frame-ancestors 'self' https://baoa.vn")
    );
    assert!(r.headers().get("x-frame-options").is_none());

    // A scripted viewing: a phone plays, watches half of the 10 s clip, stops.
    let t = &token;
    let play = format!(r#"{{"k":"play","t":"{t}","r":"https://baoa.vn/tin","e":true}}"#);
    assert_eq!(beacon(app, "bao-a", PHONE, &[], play.clone()).await, 204);
    for _ in 0..2 {
        let time = format!(r#"{{"k":"time","t":"{t}","w":2500,"p":5000}}"#);
        assert_eq!(beacon(app, "bao-a", PHONE, &[], time).await, 204);
    }
    // Not counted: a robot, a browser asking not to be tracked, another agency's slug.
    assert_eq!(
        beacon(app, "bao-a", "Googlebot/2.1", &[], play.clone()).await,
        204
    );
    assert_eq!(
        beacon(app, "bao-a", DESK, &[("dnt", "1")], play.clone()).await,
        204
    );
    assert_eq!(
        beacon(app, "bao-a", DESK, &[("sec-gpc", "1")], play.clone()).await,
        204
    );
    // Refused: malformed, oversized.
    assert_eq!(
        beacon(app, "bao-a", DESK, &[], "{\"k\":\"play\"}".into()).await,
        400
    );
    assert_eq!(beacon(app, "bao-a", DESK, &[], "x".repeat(5000)).await, 413);
    // Watching without a play counts nothing; then the figures roll in.
    let time = format!(r#"{{"k":"time","t":"{t}","w":9000,"p":9999}}"#);
    assert_eq!(beacon(app, "bao-a", DESK, &[], time).await, 204);

    app.clock.advance_ms(3_600_000 + 1000);
    let ch = {
        let mut tx = app.st.db.read().await.unwrap();
        let chans = lantoa::db::publishing::channels(&mut tx, n.a)
            .await
            .unwrap();
        chans
            .into_iter()
            .find(|c| c.platform == "outlet")
            .unwrap()
            .id
    };
    lantoa::insights::collect::fetch_channel(&app.st, ch)
        .await
        .unwrap();
    let post = {
        let mut tx = app.st.db.read().await.unwrap();
        idb::posts(&mut tx, &[pid]).await.unwrap().pop().unwrap()
    };
    assert_eq!(post.platform, "outlet");
    assert_eq!(post.latest[idb::VIEWS], Some(1.0));
    assert_eq!(post.latest[idb::REACH], Some(1.0));
    assert_eq!(post.latest[idb::WATCH], Some(5.0));
    let done = lantoa::insights::report::completion(&post).unwrap();
    assert!((done - 0.5).abs() < 1e-9, "completion {done}");
    // The dashboards name the channel beside the platforms.
    let head = app.login("a.head").await;
    let insights = head.get_text(&format!("/a/{aid}/insights")).await;
    assert!(insights.contains("Trang riêng"), "insights name the outlet");
    // The operator's page: where viewers came from, how far they got.
    let admin = app.login("a.admin").await;
    let mine = admin.get_text(&format!("/a/{aid}/outlet")).await;
    assert!(
        mine.contains("baoa.vn") && mine.contains("Điện thoại") && mine.contains("50 %"),
        "{mine}"
    );

    // One device cannot count for more than a device can do.
    for _ in 0..9 {
        beacon(app, "bao-a", PHONE, &[], play.clone()).await;
    }
    for _ in 0..40 {
        let time = format!(r#"{{"k":"time","t":"{t}","w":15000,"p":9999}}"#);
        beacon(app, "bao-a", PHONE, &[], time).await;
    }
    let v = {
        let mut tx = app.st.db.read().await.unwrap();
        lantoa::db::outlet::viewing_of(&mut tx, &[pid])
            .await
            .unwrap()
            .pop()
            .unwrap()
    };
    assert_eq!((v.views, v.viewers), (5, 1), "five views a day at most");
    assert!(
        v.watched_ms <= 5 * 10_000,
        "never more than its views × the clip's length"
    );
    // The next day the devices' hashes are gone, their counts kept; the
    // same phone is a viewer again.
    // Two processes' housekeeping at once add nothing twice.
    app.clock.advance_ms(86_400_000);
    let (a, b) = tokio::join!(
        lantoa::worker::housekeeping(&app.st),
        lantoa::worker::housekeeping(&app.st)
    );
    a.unwrap();
    b.unwrap();
    {
        let mut tx = app.st.db.read().await.unwrap();
        assert_eq!(lantoa::db::outlet::devices_held(&mut tx).await.unwrap(), 0);
        let kept = lantoa::db::outlet::viewing_of(&mut tx, &[pid])
            .await
            .unwrap()
            .pop()
            .unwrap();
        assert_eq!(kept, v);
    }
    assert_eq!(beacon(app, "bao-a", PHONE, &[], play.clone()).await, 204);
    let v2 = {
        let mut tx = app.st.db.read().await.unwrap();
        lantoa::db::outlet::viewing_of(&mut tx, &[pid])
            .await
            .unwrap()
            .pop()
            .unwrap()
    };
    assert_eq!((v2.views, v2.viewers), (6, 2));

    // Nothing else is shown, 404 alike: another agency's slug, an unknown or
    // malformed id, a body with no outlet on its other agencies.
    for p in [
        format!("/v/dai-b/{t}"),
        format!("/v/bao-c/{t}"),
        "/v/bao-a/abcdefghjkmn".to_string(),
        "/v/bao-a/..%2F..%2Fetc".to_string(),
        format!("/v/dai-b/{t}/video.mp4"),
        "/v/btg-khac".to_string(),
    ] {
        assert_eq!(app.get(&p).await.status(), 404, "{p}");
    }
    // Every public route of the outlets, under agency B's slug (its outlet on
    // too) with A's post: nothing of A's, 404 wherever a post is named.
    turn_on(app, "b.admin", n.b.0, &[("enabled", "1")]).await;
    for route in lantoa::web::route_table() {
        if route.scope != lantoa::web::Scope::Public || !route.path.starts_with("/v/") {
            continue;
        }
        let path = route
            .path
            .replace("{slug}", "dai-b")
            .replace("{token}", t)
            .replace("{file}", "video.mp4");
        let r = match route.method {
            "GET" => app.get(&path).await,
            _ => {
                let body = format!(r#"{{"k":"play","t":"{t}","r":""}}"#);
                let s = beacon(app, "dai-b", DESK, &[], body).await;
                assert_eq!(s, 204, "a beacon for another agency's post is dropped");
                continue;
            }
        };
        let status = r.status().as_u16();
        let text = r.text().await.unwrap_or_default();
        if route.path.contains("{token}") {
            assert_eq!(status, 404, "{path}");
        } else {
            assert!(!text.contains(t.as_str()), "{path} shows A's post");
        }
    }
    // The province page lists the body's outlets.
    assert!(app.get_page("/v/btg").await.contains("Sửa đường liên xã"));

    // A takedown removes it from every public address at once.
    let (p, a) = crate::review::who(app, n.a_head).await;
    let head_caller =
        crate::helpers::caller_of(&app.st, &a, &p, &crate::review::agency(app, n.a).await);
    lantoa::service::publish::take_down(&head_caller, c, "Sai thông tin địa danh")
        .await
        .unwrap();
    assert_eq!(app.get(&page).await.status(), 404);
    assert_eq!(app.get(&format!("{page}/video.mp4")).await.status(), 404);
    assert_eq!(app.get(&format!("{page}/embed")).await.status(), 404);
    for path in [
        "/v/bao-a",
        "/v/bao-a/feed.rss",
        "/v/bao-a/feed.atom",
        "/v/bao-a/sitemap.xml",
        "/v/btg",
    ] {
        assert!(
            !app.get_page(path).await.contains(t.as_str()),
            "{path} still shows it"
        );
    }
    // And its beacons count for nothing more.
    assert_eq!(beacon(app, "bao-a", DESK, &[], play).await, 204);
}

#[tokio::test]
async fn a_turned_off_outlet_shows_nothing_and_search_engines_are_told_when_asked() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let aid = n.a.0;
    turn_on(
        app,
        "a.admin",
        aid,
        &[("enabled", "1"), ("show_authors", "1")],
    )
    .await;
    let (_, _, url) = published(&e, 72, "Hội thi bơi chải").await;
    let page = path_of(&url);
    let r = app.get(&page).await;
    assert_eq!(header(&r, "x-robots-tag"), "noindex, nofollow");
    let html = r.text().await.unwrap();
    assert!(
        html.contains("noindex") && html.contains("Người dùng a.reporter"),
        "author shown when asked"
    );
    // A reporter sees the outlet's settings but may not change them, nor
    // see its figures.
    let rep = app.login("a.reporter").await;
    let mine = rep.get_text(&format!("/a/{aid}/outlet")).await;
    assert!(mine.contains("outlet-settings-shown") && !mine.contains("id=\"outlet-settings\""));
    assert!(!mine.contains("outlet-posts"));
    rep.refresh_csrf(&format!("/a/{aid}/clips")).await;
    let r = rep
        .post_form(&format!("/a/{aid}/outlet"), &[("enabled", "1")])
        .await;
    assert_eq!(r.status(), 403);
    // Off: every address is 404, and the channel is gone from publishing.
    turn_on(app, "a.admin", aid, &[]).await;
    for p in [
        page.clone(),
        format!("{page}/video.mp4"),
        "/v/bao-a".into(),
        "/v/bao-a/feed.rss".into(),
    ] {
        assert_eq!(app.get(&p).await.status(), 404, "{p}");
    }
    let mut tx = app.st.db.read().await.unwrap();
    let chans = lantoa::db::publishing::channels(&mut tx, n.a)
        .await
        .unwrap();
    assert!(!chans.iter().any(|c| c.platform == "outlet"));
}

#[tokio::test]
async fn a_correction_takes_over_the_same_public_address() {
    use crate::review::{act, add_version_with, save, tick_and_approve};
    use lantoa::domain::workflow::ClipAction;
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    turn_on(app, "a.admin", n.a.0, &[("enabled", "1")]).await;
    let (c, _, url) = published(&e, 73, "Lễ hội đua ghe").await;
    let page = path_of(&url);
    let before = app
        .get(&format!("{page}/video.mp4"))
        .await
        .bytes()
        .await
        .unwrap();
    act(app, n.a_editor, n.a, c, ClipAction::StartCorrection)
        .await
        .unwrap();
    // Until the correction is out, the published version stays.
    assert!(app.get_page(&page).await.contains("Lễ hội đua ghe"));
    let (sha, key) = stored_video(app, 74).await;
    add_version_with(app, c, n.a_reporter, &sha, &key).await;
    save(app, n.a_reporter, n.a, c, |ed| {
        ed.title = "Lễ hội đua ghe Ngo (đính chính)".into();
    })
    .await
    .unwrap();
    act(app, n.a_reporter, n.a, c, ClipAction::Submit)
        .await
        .unwrap();
    tick_and_approve(app, n.a_editor, n.a, c).await;
    publish_now(&e, c).await;
    let second = settle(app, n.a, c, &["published"]).await;
    let outlet = second
        .iter()
        .find(|p| p.url.as_deref() == Some(url.as_str()))
        .expect("the correction's post has the same address");
    assert_eq!(outlet.round, 2);
    let html = app.get_page(&page).await;
    assert!(html.contains("Lễ hội đua ghe Ngo (đính chính)"), "{html}");
    let after = app
        .get(&format!("{page}/video.mp4"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_ne!(before, after, "the corrected bytes play");
    let feed = app.get_page("/v/bao-a").await;
    assert_eq!(
        feed.matches("<article class=\"slide\"").count(),
        1,
        "one clip, corrected"
    );
    assert!(feed.contains("(đính chính)"));
}

#[tokio::test]
async fn an_address_past_its_budget_is_told_to_wait() {
    let app = crate::helpers::spawn_app_with(&[("LANTOA_OUTLET_REQUESTS_PER_MINUTE", "10")]).await;
    for _ in 0..10 {
        assert_eq!(app.get("/v/khong-co").await.status(), 404);
    }
    let r = app.get("/v/khong-co/feed.rss").await;
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("Quá nhiều yêu cầu"));
    // Lantoa's own pages are not counted against it.
    assert_eq!(app.get("/healthz").await.status(), 200);
}
