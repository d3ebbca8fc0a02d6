//! The content calendar: a scheduled clip on its day with its channels, moved
//! by the calendar inside its signed window (outside it refused and nothing
//! moves), the province's calendar for the overseer, and each person's
//! iCalendar feed, which stops when the person leaves.

use crate::helpers::spawn_network;
use crate::review::{act_to, agency, clip, ready_clip, save, tick_and_approve};
use lantoa::clock::Clock;
use lantoa::domain::PublicationState;
use lantoa::domain::workflow::{ClipAction as Do, ClipState as Is};

const HOUR: i64 = 3_600_000;

#[tokio::test]
async fn a_scheduled_clip_shows_on_its_day_moves_inside_its_window_and_feeds_calendars() {
    let (app, n) = spawn_network().await;
    let org = agency(&app, n.a).await;
    let tz = org.time_zone.clone();
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let now = app.clock.now_ms();
    let now = now - now.rem_euclid(60_000);
    let until = now + 40 * HOUR;
    save(&app, n.a_reporter, n.a, c, |e| {
        e.title = "Lịch: Lễ hội; Thái Nguyên".into();
        e.publish_until = lantoa::clock::datetime_input(until, &tz);
    })
    .await
    .unwrap();
    act_to(&app, n.a_reporter, n.a, c, Do::Submit, Is::InReview).await;
    assert_eq!(
        tick_and_approve(&app, n.a_editor, n.a, c).await,
        Is::Approved
    );
    let at = now + 2 * HOUR;
    let b = app.login("a.editor").await;
    let clip_path = format!("/a/{}/clips/{}", n.a.0, c.0);
    let local = |t: i64| lantoa::clock::datetime_input(t, &tz);
    let r = b
        .post_form(&format!("{clip_path}/act/schedule"), &[("at", &local(at))])
        .await;
    assert_eq!(r.status(), 303);

    // On its day, with its channel and time, movable by the editor.
    let day = &local(at)[..10];
    let page = b
        .get_text(&format!("/a/{}/calendar?date={day}", n.a.0))
        .await;
    let cell = &page[page.find(&format!("data-date=\"{day}\"")).unwrap()..];
    let cell = &cell[..cell.find("</section>").unwrap()];
    assert!(cell.contains("Lịch: Lễ hội; Thái Nguyên"), "{cell}");
    assert!(cell.contains(&format!("data-move=\"{clip_path}/reschedule\"")));
    assert!(cell.contains(&format!("data-time=\"{}\"", &local(at)[11..16])));
    assert!(cell.contains(">Facebook<"));
    assert!(page.contains("ngày trống"), "gaps are counted");
    // The month view holds it too; the reporter sees it but cannot move it.
    let month = b
        .get_text(&format!("/a/{}/calendar?view=month&date={day}", n.a.0))
        .await;
    assert!(month.contains("Lịch: Lễ hội; Thái Nguyên"));
    let rep = app.login("a.reporter").await;
    let theirs = rep
        .get_text(&format!("/a/{}/calendar?date={day}", n.a.0))
        .await;
    assert!(theirs.contains("Lịch: Lễ hội; Thái Nguyên") && !theirs.contains("data-move="));

    // Moved a day later, inside the window: the posts follow, no new signature.
    let moved = at + 24 * HOUR;
    let drop = |t: i64| {
        b.client
            .post(b.url(&format!("{clip_path}/reschedule")))
            .header("x-lantoa-move", "1")
            .header("x-csrf-token", b.csrf())
            .form(&[("at", local(t))])
            .send()
    };
    let r = drop(moved).await.unwrap();
    assert_eq!(r.status(), 204);
    let k = clip(&app, n.a, c).await;
    assert_eq!((k.state, k.scheduled_at), (Is::Scheduled, Some(moved)));
    let pubs = crate::publish::pubs(&app, n.a, c).await;
    let waiting: Vec<_> = pubs
        .iter()
        .filter(|p| p.state == PublicationState::Scheduled)
        .collect();
    assert!(
        !waiting.is_empty() && waiting.iter().all(|p| p.run_at == moved),
        "{pubs:#?}"
    );

    // Past the window's end: refused with the reason, and nothing moved.
    let r = drop(until + HOUR).await.unwrap();
    assert_eq!(r.status(), 409);
    let text = r.text().await.unwrap();
    assert!(text.contains("khung giờ"), "{text}");
    let k = clip(&app, n.a, c).await;
    assert_eq!((k.state, k.scheduled_at), (Is::Scheduled, Some(moved)));
    // A reporter may not move it at all.
    let r = rep
        .post_form(
            &format!("{clip_path}/reschedule"),
            &[("at", &local(moved + HOUR))],
        )
        .await;
    assert_eq!(r.status(), 403);

    // The province's calendar: the overseer sees it with the agency's name.
    let ov = app.login("overseer").await;
    let province = ov
        .get_text(&format!("/calendar?date={}", &local(moved)[..10]))
        .await;
    assert!(province.contains("Lịch: Lễ hội; Thái Nguyên") && province.contains("Báo A"));
    assert!(!province.contains("data-move="));
    assert_eq!(rep.get("/calendar").await.status(), 403);

    // The editor's own feed: no session needed, the clip as an event.
    let feed = lantoa::service::calendar::feed_path(&app.st, n.a, n.a_editor);
    assert!(page.contains(&feed), "the page shows the person's feed");
    let r = app.get(&feed).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = r.text().await.unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"), "{ics}");
    assert!(
        ics.contains("SUMMARY:Lịch: Lễ hội\\; Thái Nguyên\r\n"),
        "{ics}"
    );
    let start = jiff::Timestamp::from_millisecond(moved).unwrap();
    assert!(ics.contains(&format!("DTSTART:{}\r\n", start.strftime("%Y%m%dT%H%M%SZ"))));
    // Another person's address, or a forged one, opens nothing.
    let forged = feed.replace(&format!("/{}/", n.a_editor.0), &format!("/{}/", n.a_head.0));
    assert_eq!(app.get(&forged).await.status(), 404);
    // A disabled account's feed stops.
    {
        let mut tx = app.st.db.write().await.unwrap();
        lantoa::db::users::set_disabled(&mut tx, n.a_editor, true, app.clock.now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(app.get(&feed).await.status(), 404);
}
