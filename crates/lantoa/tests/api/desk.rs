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
