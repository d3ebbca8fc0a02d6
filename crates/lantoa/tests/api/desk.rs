//! The newsroom desk without dead ends: a new clip starts with the agency's
//! channels and a publish window, submitting or signing without either is
//! refused with the reason, and the approver signs the window, so that a time
//! chosen inside it needs no new signature and one outside it is refused.

use crate::helpers::{TestApp, caller_of, spawn_network};
use crate::publish::add_channel;
use crate::review::{
    act, act_to, agency, clip, ready_clip, refusal, save, tick_and_approve, who, with_a_channel,
};
use lantoa::clock::Clock;
use lantoa::db::review as rdb;
use lantoa::domain::workflow::{ClipAction as Do, ClipState as Is};
use lantoa::domain::{ClipId, OrgId, UserId};
use lantoa::service::review::{self as svc, ActInput, Settings};

const HOUR: i64 = 3_600_000;

/// A time to the minute, as the forms take it.
fn minute(t: i64) -> i64 {
    t - t.rem_euclid(60_000)
}

/// `u` schedules the clip at `at` (a local date-time in the agency's zone).
async fn schedule(
    app: &TestApp,
    u: UserId,
    ag: OrgId,
    c: ClipId,
    at: i64,
) -> Result<Is, lantoa::error::Error> {
    let (p, a) = who(app, u).await;
    let org = agency(app, ag).await;
    let local = lantoa::clock::datetime_input(at, &org.time_zone);
    svc::act(
        &caller_of(&app.st, &a, &p, &org),
        c,
        Do::Schedule,
        ActInput {
            at: Some(local),
            ..ActInput::default()
        },
    )
    .await
}

async fn live(app: &TestApp, c: ClipId) -> usize {
    let mut tx = app.st.db.read().await.unwrap();
    rdb::live_approvals(&mut tx, c).await.unwrap().len()
}

#[tokio::test]
async fn a_new_clip_starts_with_the_agencys_connected_channels_and_a_window() {
    let (app, n) = spawn_network().await;
    add_channel(&app, n.a, n.a_admin, "facebook", "page-1", "t").await;
    add_channel(&app, n.a, n.a_admin, "youtube", "chan-1", "t").await;
    let now = app.clock.now_ms();
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let k = clip(&app, n.a, c).await;
    assert_eq!(k.target_channels, ["facebook", "youtube"]);
    assert_eq!(k.publish_at, None, "from approval");
    assert_eq!(k.publish_until, Some(minute(now + 48 * HOUR)));

    // The agency chooses its own defaults.
    let (ap, aa) = who(&app, n.a_admin).await;
    let org = agency(&app, n.a).await;
    let s = Settings {
        default_platforms: Some(vec!["youtube".into()]),
        window_hours: 6,
        ..Settings::default()
    };
    svc::save_settings(&caller_of(&app.st, &aa, &ap, &org), s)
        .await
        .unwrap();
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let k = clip(&app, n.a, c).await;
    assert_eq!(k.target_channels, ["youtube"]);
    assert_eq!(k.publish_until, Some(minute(now + 6 * HOUR)));

    // Out of range or unknown: refused with the field named.
    for bad in [
        Settings {
            window_hours: 0,
            ..Settings::default()
        },
        Settings {
            default_platforms: Some(vec!["myspace".into()]),
            ..Settings::default()
        },
    ] {
        let e = svc::save_settings(&caller_of(&app.st, &aa, &ap, &org), bad)
            .await
            .unwrap_err();
        assert!(matches!(e, lantoa::error::Error::Invalid(_)), "{e:?}");
    }
}

#[tokio::test]
async fn submitting_or_signing_without_a_channel_or_a_window_is_refused_with_the_reason() {
    let (app, n) = spawn_network().await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;

    save(&app, n.a_reporter, n.a, c, |e| e.channels.clear())
        .await
        .unwrap();
    let (_, msg) = refusal(
        act(&app, n.a_reporter, n.a, c, Do::Submit)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("no target platform"), "{msg}");

    // A platform without a connected channel is named.
    save(&app, n.a_reporter, n.a, c, |e| {
        e.channels = vec!["facebook".into(), "zalo".into()]
    })
    .await
    .unwrap();
    let (_, msg) = refusal(
        act(&app, n.a_reporter, n.a, c, Do::Submit)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("no channel connected on: Zalo"), "{msg}");

    save(&app, n.a_reporter, n.a, c, |e| {
        e.channels = vec!["facebook".into()];
        e.publish_at.clear();
        e.publish_until.clear();
    })
    .await
    .unwrap();
    let (_, msg) = refusal(
        act(&app, n.a_reporter, n.a, c, Do::Submit)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("no publish window"), "{msg}");

    let org = agency(&app, n.a).await;
    let until = app.clock.now_ms() + 2 * HOUR;
    save(&app, n.a_reporter, n.a, c, |e| {
        e.publish_until = lantoa::clock::datetime_input(until, &org.time_zone);
    })
    .await
    .unwrap();
    act_to(&app, n.a_reporter, n.a, c, Do::Submit, Is::InReview).await;

    // The window ends while the clip waits: the approver cannot sign it.
    app.clock.advance_ms(3 * HOUR);
    crate::review::tick_all(&app, n.a_editor, n.a, c).await;
    let (_, msg) = refusal(
        act(&app, n.a_editor, n.a, c, Do::Approve)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("publish window ended"), "{msg}");
    assert_eq!(clip(&app, n.a, c).await.state, Is::InReview);
}

#[tokio::test]
async fn a_time_inside_the_signed_window_needs_no_new_signature_and_one_outside_is_refused() {
    let (app, n) = spawn_network().await;
    let org = agency(&app, n.a).await;
    with_a_channel(&app, n.a, n.a_admin).await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let now = minute(app.clock.now_ms());
    let (from, until) = (now + HOUR, now + 10 * HOUR);
    save(&app, n.a_reporter, n.a, c, |e| {
        e.publish_at = lantoa::clock::datetime_input(from, &org.time_zone);
        e.publish_until = lantoa::clock::datetime_input(until, &org.time_zone);
    })
    .await
    .unwrap();
    act_to(&app, n.a_reporter, n.a, c, Do::Submit, Is::InReview).await;
    assert_eq!(
        tick_and_approve(&app, n.a_editor, n.a, c).await,
        Is::Approved
    );
    let signed = live(&app, c).await;
    assert!(signed > 0);

    // Before the window, and at its end: refused, and nothing is voided.
    for at in [from - 10 * 60_000, until, until + HOUR] {
        let (_, msg) = refusal(schedule(&app, n.a_editor, n.a, c, at).await.unwrap_err());
        assert!(msg.contains("inside the signed window"), "{msg}");
    }
    assert_eq!(clip(&app, n.a, c).await.state, Is::Approved);
    assert_eq!(live(&app, c).await, signed);

    // Inside: scheduled for that time, on the same signatures.
    let at = from + 2 * HOUR;
    assert_eq!(
        schedule(&app, n.a_editor, n.a, c, at).await.unwrap(),
        Is::Scheduled
    );
    let k = clip(&app, n.a, c).await;
    assert_eq!(k.scheduled_at, Some(at));
    let pubs = crate::publish::pubs(&app, n.a, c).await;
    assert!(
        !pubs.is_empty() && pubs.iter().all(|p| p.run_at == at),
        "{pubs:#?}"
    );
    assert_eq!(live(&app, c).await, signed);

    // Moved inside the window (unschedule, schedule again): still no new signature.
    act_to(&app, n.a_editor, n.a, c, Do::Unschedule, Is::Approved).await;
    assert_eq!(clip(&app, n.a, c).await.scheduled_at, None);
    let later = until - HOUR;
    schedule(&app, n.a_editor, n.a, c, later).await.unwrap();
    assert_eq!(clip(&app, n.a, c).await.scheduled_at, Some(later));
    assert_eq!(live(&app, c).await, signed);
}

/// The items ticked on the clip's current version.
async fn ticked(app: &TestApp, ag: OrgId, c: ClipId) -> Vec<String> {
    let k = clip(app, ag, c).await;
    let mut tx = app.st.db.read().await.unwrap();
    let v = k.current_version_id.unwrap();
    let mut t: Vec<String> = rdb::ticks(&mut tx, c, v)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.item)
        .collect();
    t.sort();
    t
}

#[tokio::test]
async fn ticks_and_the_decision_go_in_one_form_and_marked_ticks_carry_to_a_new_version() {
    let (app, n) = spawn_network().await;
    const SOURCES: &str = "+ Đã xác minh nguồn tin";
    const SUBTITLES: &str = "Phụ đề đúng chính tả";
    let (ap, aa) = who(&app, n.a_admin).await;
    let org = agency(&app, n.a).await;
    let s = Settings {
        checklist: vec![SOURCES.into(), SUBTITLES.into()],
        ..Settings::default()
    };
    svc::save_settings(&caller_of(&app.st, &aa, &ap, &org), s)
        .await
        .unwrap();
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    act(&app, n.a_reporter, n.a, c, Do::Submit).await.unwrap();

    // The editor's page: one form with the ticks, the signature and the
    // request for changes; the top bar no longer repeats the request.
    let b = app.login("a.editor").await;
    let path = format!("/a/{}/clips/{}", n.a.0, c.0);
    let page = b.get_text(&path).await;
    assert!(
        page.contains(&format!("action=\"{path}/decide\"")),
        "{page}"
    );
    assert!(page.contains("name=\"decision\" value=\"approve\""));
    assert!(page.contains("name=\"decision\" value=\"request_changes\""));
    assert!(!page.contains(&format!("{path}/act/request_changes\"")));
    assert!(
        page.contains("Đã xác minh nguồn tin <span class=\"hint\""),
        "the mark is not shown"
    );
    let digest = crate::helpers::extract(&page, "name=\"digest\" value=\"", "\"").unwrap();

    // Asking for changes without a reason is refused; the tick given with it is kept.
    let decide = format!("{path}/decide");
    let r = b
        .post_form(
            &decide,
            &[("tick", SOURCES), ("decision", "request_changes")],
        )
        .await;
    let refused = r.text().await.unwrap();
    assert!(refused.contains("id=\"notice\""), "{refused}");
    assert_eq!(ticked(&app, n.a, c).await, [SOURCES]);
    assert_eq!(crate::review::state(&app, n.a, c).await, Is::InReview);

    // Signing with one item unticked is refused naming it; then both and the
    // signature in a single post.
    let r = b
        .post_form(
            &decide,
            &[
                ("tick", SOURCES),
                ("was", SOURCES),
                ("digest", &digest),
                ("decision", "approve"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains(SUBTITLES));
    let r = b
        .post_form(
            &decide,
            &[
                ("tick", SOURCES),
                ("tick", SUBTITLES),
                ("was", SOURCES),
                ("digest", &digest),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("?done=approve")
    );
    assert_eq!(crate::review::state(&app, n.a, c).await, Is::Approved);

    // Another reviewer's tick is not undone by a form drawn before it: only
    // the person's own changes (ticked now against ticked then) are written.
    let c2 = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    act(&app, n.a_reporter, n.a, c2, Do::Submit).await.unwrap();
    let path2 = format!("/a/{}/clips/{}/decide", n.a.0, c2.0);
    let head = app.login("a.head").await;
    head.post_form(&path2, &[("tick", SUBTITLES), ("decision", "ticks")])
        .await;
    let r = b
        .post_form(&path2, &[("tick", SOURCES), ("decision", "ticks")])
        .await;
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .contains("done=ticks")
    );
    assert_eq!(ticked(&app, n.a, c2).await, [SOURCES, SUBTITLES]);
    b.post_form(&path2, &[("was", SOURCES), ("decision", "ticks")])
        .await;
    assert_eq!(
        ticked(&app, n.a, c2).await,
        [SUBTITLES],
        "unticked by its own change"
    );

    // Changes asked with a reason; a new version keeps the marked tick only.
    b.post_form(&path2, &[("tick", SOURCES), ("decision", "ticks")])
        .await;
    let r = b
        .post_form(
            &path2,
            &[
                ("note", "Sửa phụ đề ở giây 3"),
                ("decision", "request_changes"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        crate::review::state(&app, n.a, c2).await,
        Is::ChangesRequested
    );
    crate::review::add_version(&app, c2, n.a_reporter, "bb").await;
    assert_eq!(ticked(&app, n.a, c2).await, [SOURCES]);
    let carried = app
        .audit_entries()
        .await
        .into_iter()
        .filter(|e| e.action == "clip.check_carry")
        .count();
    assert_eq!(carried, 1);
}

/// The part of `page` inside the element with id `id` (to its section's end).
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let Some(start) = page.find(&format!("id=\"{id}\"")) else {
        return "";
    };
    let rest = &page[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn each_role_lands_on_its_own_work() {
    let (app, n) = spawn_network().await;
    let draft = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let plain = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    act(&app, n.a_reporter, n.a, plain, Do::Submit)
        .await
        .unwrap();
    let political = ready_clip(&app, n.a, n.a_reporter, "leadership_message").await;
    act(&app, n.a_reporter, n.a, political, Do::Submit)
        .await
        .unwrap();
    app.clock.advance_ms(3 * HOUR);
    let home = format!("/a/{}", n.a.0);
    let link = |c: ClipId| format!("href=\"/a/{}/clips/{}\"", n.a.0, c.0);

    // The reporter: their draft; nothing to sign or review; no member counts.
    let page = app.login("a.reporter").await.get_text(&home).await;
    assert!(section(&page, "mine").contains(&link(draft)), "{page}");
    assert!(section(&page, "to-sign").is_empty() && section(&page, "to-review").is_empty());
    assert!(!page.contains("id=\"agency-numbers\""));

    // The editor signs the plain clip; the political one waits for the head.
    let page = app.login("a.editor").await.get_text(&home).await;
    let sign = section(&page, "to-sign");
    assert!(
        sign.contains(&link(plain)) && !sign.contains(&link(political)),
        "{page}"
    );
    assert!(
        sign.contains("chờ 3 giờ"),
        "with how long it has waited: {sign}"
    );
    assert!(section(&page, "to-review").contains(&link(political)));

    // The head signs both.
    let page = app.login("a.head").await.get_text(&home).await;
    let sign = section(&page, "to-sign");
    assert!(
        sign.contains(&link(plain)) && sign.contains(&link(political)),
        "{page}"
    );
    assert!(sign.contains("class=\"tag political\""));

    // The agency admin sees the agency's numbers.
    let page = app.login("a.admin").await.get_text(&home).await;
    assert!(page.contains("id=\"agency-numbers\""), "{page}");

    // The overseer: per agency, political clips waiting and all waiting.
    let page = app.login("overseer").await.get_text("/overview").await;
    let row = section(&page, "overview");
    let a_row = &page[page.find(&format!("data-agency=\"{}\"", n.a.0)).unwrap()..];
    let a_row = &a_row[..a_row.find("</tr>").unwrap()];
    assert!(
        a_row.contains("state=in_review&amp;political=yes\" class=\"tag political\">1</a>"),
        "{a_row} {row}"
    );
    assert!(
        a_row.contains("<td class=\"num\" data-label=\"Tất cả chờ duyệt\">2</td>"),
        "{a_row}"
    );
}

#[tokio::test]
async fn comments_export_as_csv_and_text_for_the_agency_only() {
    let (app, n) = spawn_network().await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let ed = app.token_for("a.editor").await;
    let base = format!("/api/v1/agencies/{}/clips/{}", n.a.0, c.0);
    let first = serde_json::json!({"body": "Sai dấu, ở đây", "at": "00:02"});
    let id = app
        .post_json_expect(&format!("{base}/comments"), &ed, &first, 201)
        .await["id"]
        .as_i64()
        .unwrap();
    let reply = serde_json::json!({"body": "=HYPERLINK(\"x\")", "parent_id": id});
    app.post_json_expect(&format!("{base}/comments"), &ed, &reply, 201)
        .await;

    let b = app.login("a.editor").await;
    let page = format!("/a/{}/clips/{}", n.a.0, c.0);
    let r = b.get(&format!("{page}/comments.csv")).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let csv = r.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}Phiên bản,Thời điểm,Người góp ý,Góp ý,Đã xử lý,Hình vẽ"
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("1,00:02:00,Người dùng a.editor,\"Sai dấu, ở đây\",")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .contains("\"↳ =HYPERLINK(\"\"x\"\")\""),
        "{csv}"
    );
    let text = b.get_text(&format!("{page}/comments.txt")).await;
    assert!(
        text.contains("v1 [00:02:00] Người dùng a.editor: Sai dấu, ở đây"),
        "{text}"
    );

    // Another agency's people get nothing.
    let other = app.login("b.admin").await;
    let r = other.get(&format!("{page}/comments.csv")).await;
    assert!(matches!(r.status().as_u16(), 403 | 404), "{}", r.status());
}

/// The kinds of `u`'s notifications about clip `c`, oldest first.
async fn notices(app: &TestApp, u: UserId, c: ClipId) -> Vec<String> {
    let mut tx = app.st.db.read().await.unwrap();
    let mut all: Vec<String> = rdb::inbox(&mut tx, u, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|x| x.clip_id == Some(c))
        .map(|x| x.kind)
        .collect();
    all.reverse();
    all
}

#[tokio::test]
async fn notices_come_once_per_event_per_person_and_say_what_happened() {
    let (app, n) = spawn_network().await;
    // A clip the editor signs: they are asked once, not told twice.
    let plain = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    act(&app, n.a_reporter, n.a, plain, Do::Submit)
        .await
        .unwrap();
    assert_eq!(notices(&app, n.a_editor, plain).await, ["approval_needed"]);
    assert_eq!(notices(&app, n.a_head, plain).await, ["approval_needed"]);
    // A political one: the head is asked; the editor, who does not sign it,
    // is told it was submitted.
    let political = ready_clip(&app, n.a, n.a_reporter, "leadership_message").await;
    act(&app, n.a_reporter, n.a, political, Do::Submit)
        .await
        .unwrap();
    assert_eq!(
        notices(&app, n.a_head, political).await,
        ["approval_needed"]
    );
    assert_eq!(notices(&app, n.a_editor, political).await, ["submitted"]);

    // A comment's notice has its text and its time.
    let ed = app.token_for("a.editor").await;
    let comment = serde_json::json!({"body": "Chữ trên hình sai dấu", "at": "00:01"});
    let path = format!("/api/v1/agencies/{}/clips/{}/comments", n.a.0, plain.0);
    app.post_json_expect(&path, &ed, &comment, 201).await;
    let inbox = app.login("a.reporter").await.get_text("/inbox").await;
    assert!(
        inbox.contains("góp ý clip “Lễ ra quân” lúc 00:01:00: Chữ trên hình sai dấu"),
        "{inbox}"
    );

    // Named with @: told once, by a notice saying so (the author's replaces
    // the plain one); the writer, a login of another agency, an unknown one
    // and an e-mail address name no one.
    let before_head = notices(&app, n.a_head, plain).await.len();
    let body = "@A.Head xem giúp, @a.reporter sửa. @a.editor @b.reporter @nobody thu@baotinh.vn";
    let comment = serde_json::json!({"body": body});
    app.post_json_expect(&path, &ed, &comment, 201).await;
    assert_eq!(
        notices(&app, n.a_head, plain).await[before_head..],
        ["mention"]
    );
    assert_eq!(
        notices(&app, n.a_reporter, plain)
            .await
            .last()
            .map(String::as_str),
        Some("mention")
    );
    assert_eq!(
        notices(&app, n.a_reporter, plain)
            .await
            .iter()
            .filter(|k| *k == "comment")
            .count(),
        1,
        "the author is not told twice of the second comment"
    );
    assert!(notices(&app, n.b_reporter, plain).await.is_empty());
    assert!(
        !notices(&app, n.a_editor, plain)
            .await
            .contains(&"mention".to_string())
    );
    let inbox = app.login("a.head").await.get_text("/inbox").await;
    assert!(
        inbox.contains("nhắc đến bạn ở clip “Lễ ra quân”"),
        "{inbox}"
    );

    // A deputy signing for the head: the head hears of it.
    let dep = app
        .user("a.deputy", false, &[(n.a, lantoa::domain::Role::Deputy)])
        .await;
    let (hp, ha) = who(&app, n.a_head).await;
    let org = agency(&app, n.a).await;
    crate::review::delegate_for_30_days(&app, &ha, &hp, &org, dep).await;
    assert_eq!(
        tick_and_approve(&app, dep, n.a, political).await,
        Is::Approved
    );
    assert_eq!(
        notices(&app, n.a_head, political).await,
        ["approval_needed", "signed_for_you"]
    );
    let page = app.login("a.head").await.get_text("/inbox").await;
    assert!(page.contains("đã ký thay bạn (K/T) bước 1"), "{page}");
}

#[tokio::test]
async fn the_clip_page_previews_each_platforms_exact_text_with_its_counts() {
    let (app, n) = spawn_network().await;
    crate::review::with_a_channel(&app, n.a, n.a_admin).await;
    add_channel(&app, n.a, n.a_admin, "youtube", "chan-1", "t").await;
    add_channel(&app, n.a, n.a_admin, "tiktok", "tt-1", "t").await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    save(&app, n.a_reporter, n.a, c, |e| {
        e.caption = "Khai mạc lễ hội #ThaiNguyen".into();
        e.hashtags = "#thainguyen #lehoi".into();
        e.variants.insert("tiktok".into(), "Bản cho TikTok".into());
    })
    .await
    .unwrap();
    let page = app
        .login("a.editor")
        .await
        .get_text(&format!("/a/{}/clips/{}", n.a.0, c.0))
        .await;
    let card = |p: &str| {
        let start = page
            .find(&format!(
                "<article class=\"preview\" data-platform=\"{p}\">"
            ))
            .unwrap_or_else(|| panic!("no {p} preview"));
        let rest = &page[start..];
        rest[..rest.find("</article>").unwrap()].to_string()
    };
    // YouTube: the caption, the hashtag it lacks added once after a blank
    // line, the tags, the description in bytes.
    let yt = card("youtube");
    let sent = "Khai mạc lễ hội #ThaiNguyen\n\n#lehoi";
    assert!(yt.contains(&format!(">{sent}</p>")), "{yt}");
    assert!(yt.contains("thainguyen, lehoi"), "{yt}");
    assert!(yt.contains(&format!("{} / 5000 byte", sent.len())), "{yt}");
    // TikTok: its own variant with both hashtags, no title, UTF-16 units.
    let tt = card("tiktok");
    assert!(
        tt.contains(">Bản cho TikTok\n\n#thainguyen #lehoi</p>"),
        "{tt}"
    );
    assert!(!tt.contains("post-title"), "{tt}");
    assert!(tt.contains("/ 2200 ký tự (UTF-16)"), "{tt}");
    // Facebook: the title and the caption.
    let fb = card("facebook");
    assert!(
        fb.contains("class=\"post-title\" data-content>Lễ ra quân</p>"),
        "{fb}"
    );
}
