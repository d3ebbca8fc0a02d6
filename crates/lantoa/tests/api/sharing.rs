//! Sharing across the network: agency A offers an approved clip to the body's
//! agencies; agency B finds it by a tone-less search, takes it (the same
//! stored original, the credit line on every caption, locked captions kept),
//! approves and publishes it on its own channels; A takes its clip down, B is
//! told at once and takes its copy down in one click; the source's incident
//! and the body's spread view show all of it. An agency of another body, or
//! one the offer does not name, finds nothing.

use crate::helpers::{TestApp, extract, header};
use crate::publish::{
    Env, add_channel, approved_clip_with, env, publish_now, pubs, settle, stored_video,
};
use crate::review::{act_to, agency, clip, save, tick_all, who};
use lantoa::clock::Clock;
use lantoa::db::publishing::Publication;
use lantoa::domain::workflow::{ClipAction as Do, ClipState as Is};
use lantoa::domain::{ClipId, OrgId, Role, UserId};
use lantoa::service::{Caller, sharing};

const CREDIT: &str = "Nguồn: Báo A";

/// A caller for `user` in `org`, as a request's would be.
async fn caller(app: &TestApp, user: UserId, org: OrgId) -> Caller {
    let (p, a) = who(app, user).await;
    crate::helpers::caller_of(&app.st, &a, &p, &agency(app, org).await)
}

/// A published clip of A (YouTube) and B's head and YouTube channel.
async fn published_in_a(e: &Env, seed: u32, title: &str) -> (ClipId, String, UserId) {
    let (app, n) = (&e.app, &e.n);
    let b_head = app.user("b.head", false, &[(n.b, Role::Head)]).await;
    add_channel(app, n.b, n.b_admin, "youtube", "UCsandbox", "ya29.sandbox").await;
    let video = stored_video(app, seed).await;
    let (c, sha) = approved_clip_with(
        e,
        title,
        "Phiên chợ sáng chủ nhật ở Định Hóa.",
        &["youtube"],
        video,
    )
    .await;
    publish_now(e, c).await;
    settle(app, n.a, c, &["published"]).await;
    (c, sha, b_head)
}

/// B's reporter takes the offer: the new copy.
async fn take_as_b(e: &Env, oid: i64) -> ClipId {
    let taker = caller(&e.app, e.n.b_reporter, e.n.b).await;
    match sharing::take(&taker, oid).await.unwrap() {
        sharing::Took::New(c) => c,
        other => panic!("{other:?}"),
    }
}

/// B's head signs the copy under review and publishes it; its posts.
async fn approve_and_publish_in_b(e: &Env, b_head: UserId, copy: ClipId) -> Vec<Publication> {
    let (app, n) = (&e.app, &e.n);
    tick_all(app, b_head, n.b, copy).await;
    act_to(app, b_head, n.b, copy, Do::Approve, Is::Approved).await;
    let head = caller(app, b_head, n.b).await;
    lantoa::service::publish::publish_now(&head, copy, &Default::default())
        .await
        .unwrap();
    settle(app, n.b, copy, &["published"]).await
}

/// The timeline of the source clip's takedown incident.
async fn takedown_events(app: &TestApp, c: ClipId) -> Vec<lantoa::db::incidents::Event> {
    let mut tx = app.st.db.read().await.unwrap();
    let inc = lantoa::db::incidents::of_clip(&mut tx, c)
        .await
        .unwrap()
        .unwrap();
    lantoa::db::incidents::events(&mut tx, inc.id)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_clip_offered_is_taken_approved_published_and_followed_down() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let (c, sha, b_head) = published_in_a(&e, 41, "Chợ phiên vùng cao").await;
    app.user("b.editor", false, &[(n.b, Role::Editor)]).await;

    // A's editor offers it to B only, captions locked, no cutting.
    let editor = app.login("a.editor").await;
    let page = format!("/a/{}/clips/{}", n.a, c.0);
    editor
        .open_showing(&page, "id=\"offer-form\"", "the offer form")
        .await;
    let b = n.b.0.to_string();
    let r = editor
        .post_form(
            &format!("{page}/offer"),
            &[("credit", CREDIT), ("to", "chosen"), ("agency", &b)],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let offered = editor.get_text(&page).await;
    assert!(
        offered.contains("id=\"offer-standing\""),
        "the offer stands"
    );
    assert!(offered.contains("Đài B"), "to whom");
    // Offering twice is refused.
    let again = editor
        .post_form(
            &format!("{page}/offer"),
            &[("credit", CREDIT), ("to", "all")],
        )
        .await;
    assert_eq!(again.status(), 409);

    // B's editors and head were told; its reporter finds it without tone marks.
    let b_ed = app.login("b.editor").await;
    assert!(b_ed.get_text("/inbox").await.contains("Chợ phiên vùng cao"));
    let reporter = app.login("b.reporter").await;
    let lib = reporter
        .get_text(&format!("/a/{}/library?q=cho+phien+vung+cao", n.b))
        .await;
    let oid = extract(&lib, &format!("/a/{}/library/", n.b), "\"").expect("found");
    assert!(lib.contains("Báo A") && lib.contains(CREDIT), "{lib}");
    let none = reporter
        .get_text(&format!("/a/{}/library?q=khong+co+dau", n.b))
        .await;
    assert!(none.contains("id=\"library-none\""));
    let detail = format!("/a/{}/library/{oid}", n.b);
    let shown = reporter.get_text(&detail).await;
    assert!(shown.contains("id=\"take-form\"") && shown.contains("/media/playback"));
    let play = reporter.get(&format!("{detail}/media/playback")).await;
    assert_eq!(play.status(), 200);
    // Nothing else of the source opens for B.
    reporter
        .expect_get(&format!("/a/{}/library/{oid}/media/original", n.b), 404)
        .await;
    reporter.expect_get(&page, 403).await;

    // A's own admin (another agency not named) and C (another body) see nothing.
    app.user("c.editor", false, &[(n.c, Role::Editor)]).await;
    let c_editor = app.login("c.editor").await;
    c_editor
        .expect_get(&format!("/a/{}/library/{oid}", n.c), 404)
        .await;
    c_editor
        .expect_get(&format!("/a/{}/library/{oid}/media/playback", n.c), 404)
        .await;
    let c_lib = c_editor.get_text(&format!("/a/{}/library", n.c)).await;
    assert!(c_lib.contains("id=\"library-none\""));

    // B takes it: a draft of its own, the same stored original, credited.
    let r = reporter.post_form(&format!("{detail}/take"), &[]).await;
    assert_eq!(r.status(), 303);
    let copy_path = header(&r, "location")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let copy = ClipId(copy_path.rsplit('/').next().unwrap().parse().unwrap());
    let k = clip(app, n.b, copy).await;
    assert_eq!(k.state, Is::Draft);
    assert!(k.caption.ends_with(CREDIT), "{}", k.caption);
    let taken = k.taken.clone().expect("linked to its source");
    assert_eq!(taken.source_clip_id, c);
    assert_eq!(taken.source_sha256, sha);
    let (src_v, copy_v) = {
        let mut tx = app.st.db.read().await.unwrap();
        let src = clip(app, n.a, c).await;
        (
            lantoa::db::clips::get_version(&mut tx, src.current_version_id.unwrap())
                .await
                .unwrap()
                .unwrap(),
            lantoa::db::clips::get_version(&mut tx, k.current_version_id.unwrap())
                .await
                .unwrap()
                .unwrap(),
        )
    };
    assert_eq!(copy_v.original_key, src_v.original_key);
    assert_eq!(copy_v.sha256, src_v.sha256);
    let stored = app.st.store.list("originals").await.unwrap();
    assert_eq!(
        stored.iter().filter(|k| k.ends_with(&sha)).count(),
        1,
        "the original is stored once for both agencies: {stored:?}"
    );
    // Taking it again opens the first copy.
    let r = reporter.post_form(&format!("{detail}/take"), &[]).await;
    assert_eq!(r.status(), 303);
    assert!(header(&r, "location").contains(&format!("/clips/{}?done=taken_before", copy.0)));

    // Locked captions: a change is refused with the reason; kept as they are.
    let refused = save(app, n.b_reporter, n.b, copy, |ed| {
        ed.caption = "Chợ phiên.".into();
    })
    .await
    .unwrap_err();
    assert!(
        format!("{refused:?}").contains("share-caption-locked"),
        "{refused:?}"
    );
    // A cut is not allowed either.
    let (p, _) = who(app, n.b_reporter).await;
    let facts = {
        let mut tx = app.st.db.read().await.unwrap();
        lantoa::service::review::facts(&mut tx, &p, &k, Some(&copy_v), app.clock.now_ms())
            .await
            .unwrap()
    };
    assert!(facts.cut_forbidden);

    // B's review and head: what they sign includes the source version.
    save(app, n.b_reporter, n.b, copy, |ed| {
        ed.channels = vec!["youtube".into()];
    })
    .await
    .unwrap();
    act_to(app, n.b_reporter, n.b, copy, Do::Submit, Is::InReview).await;
    let (o, _) = lantoa::service::review::content(&clip(app, n.b, copy).await, Some(&copy_v));
    assert_eq!(o.source.as_deref(), Some(sha.as_str()));
    let out = approve_and_publish_in_b(&e, b_head, copy).await;
    assert_eq!(out.len(), 1);
    let sent: Vec<_> = e
        .mock
        .records
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.text.contains(CREDIT))
        .cloned()
        .collect();
    assert_eq!(sent.len(), 1, "B's post carries the credit line");
    assert_eq!(sent[0].sha256, sha);

    // Both agencies' insights count it: re-published by one agency, once.
    let csv = editor
        .get_text(&format!("/a/{}/insights/export.csv?table=sharing", n.a))
        .await;
    let line = csv.lines().find(|l| l.contains("đăng lại")).expect(&csv);
    assert!(
        line.ends_with(",1,1,1,0"),
        "copies, agencies, posts, reach: {line}"
    );
    let b_admin = app.login("b.admin").await;
    let csv = b_admin
        .get_text(&format!("/a/{}/insights/export.csv?table=sharing", n.b))
        .await;
    let line = csv.lines().find(|l| l.contains("lấy về từ")).expect(&csv);
    assert!(line.ends_with(",1,1,1,0"), "{line}");

    // The source's page shows where it went.
    let spread = editor.get_text(&page).await;
    assert!(
        spread.contains("id=\"spread\"") && spread.contains("Đài B"),
        "{spread}"
    );

    // A takes its clip down: B's head is told at once, and its copy can no
    // longer be signed; one click takes it down.
    let a_head = app.login("a.head").await;
    a_head.refresh_csrf(&page).await;
    let r = a_head
        .post_form(
            &format!("{page}/takedown"),
            &[("reason", "Sai thông tin địa điểm")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let head = app.login("b.head").await;
    let inbox = head.get_text("/inbox").await;
    assert!(
        inbox.contains("KHẨN") && inbox.contains("Sai thông tin"),
        "{inbox}"
    );
    let copy_page = format!("/a/{}/clips/{}", n.b, copy.0);
    let shown = head.get_text(&copy_page).await;
    assert!(shown.contains("id=\"source-down\"") && shown.contains("id=\"follow-takedown\""));
    let reason = extract(&shown, "name=\"reason\" value=\"", "\"").unwrap();
    head.refresh_csrf(&copy_page).await;
    let r = head
        .post_form(&format!("{copy_page}/takedown"), &[("reason", &reason)])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(clip(app, n.b, copy).await.state, Is::TakenDown);
    let removed = settle_removal(app, n.b, copy).await;
    assert!(removed, "B's post was removed");

    // The source's incident has both steps; the body sees both agencies.
    let events = takedown_events(app, c).await;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.contains(&"shared_told") && kinds.contains(&"shared_taken_down"),
        "{kinds:?}"
    );
    let overseer = app.login("overseer").await;
    let body = overseer
        .get_text(&format!("/b/{}/sharing/{oid}", n.body))
        .await;
    assert!(
        body.contains("Đài B") && body.contains("id=\"source-taken-down\""),
        "{body}"
    );
    // B still finds its copy from the offer; an agency it was not offered
    // to finds nothing, even once it exists.
    let detail_again = reporter.get_text(&detail).await;
    assert!(detail_again.contains("id=\"already-taken\""));
    let d = app.org("agency", Some(n.body), "bao-d", "Báo D").await;
    app.user("d.reporter", false, &[(d, Role::Reporter)]).await;
    let unnamed = app.login("d.reporter").await;
    unnamed
        .expect_get(&format!("/a/{d}/library/{oid}"), 404)
        .await;
    let r = unnamed
        .post_form(&format!("/a/{d}/library/{oid}/take"), &[])
        .await;
    assert_eq!(r.status(), 404);

    let actions: Vec<String> = app
        .audit_entries()
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    for want in ["clip.offer", "clip.take", "clip.taken", "clip.takedown"] {
        assert!(actions.iter().any(|x| x == want), "{want} audited");
    }
}

/// Waits until every post of the clip is removed.
async fn settle_removal(
    app: &crate::helpers::TestApp,
    ag: lantoa::domain::OrgId,
    c: ClipId,
) -> bool {
    for _ in 0..600 {
        let ps = pubs(app, ag, c).await;
        if ps.iter().all(|p| p.removal.as_deref() == Some("removed")) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn an_agency_that_follows_its_sources_has_its_copy_taken_down_with_the_source() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let (c, _, b_head) = published_in_a(&e, 42, "Lễ hội").await;
    let adapt = sharing::OfferInput {
        may_adapt: true,
        ..Default::default()
    };
    let oid = sharing::offer(&caller(app, n.a_editor, n.a).await, c, adapt)
        .await
        .unwrap();
    // B follows its sources' takedowns.
    let mut s = {
        let mut tx = app.st.db.read().await.unwrap();
        lantoa::service::review::settings(&mut tx, n.b)
            .await
            .unwrap()
    };
    s.follow_source_takedowns = true;
    lantoa::service::review::save_settings(&caller(app, n.b_admin, n.b).await, s)
        .await
        .unwrap();
    let copy = take_as_b(&e, oid).await;
    // Adapted captions keep the credit line: dropping it is refused.
    let k = clip(app, n.b, copy).await;
    assert!(k.caption.ends_with("Nguồn: Báo A"), "the default credit");
    let dropped = save(app, b_head, n.b, copy, |ed| {
        ed.caption = "Chợ phiên!".into()
    })
    .await
    .unwrap_err();
    assert!(format!("{dropped:?}").contains("share-credit-missing"));
    save(app, b_head, n.b, copy, |ed| {
        ed.caption = "Chợ phiên ở Định Hóa.\n\nNguồn: Báo A".into();
        ed.channels = vec!["youtube".into()];
    })
    .await
    .unwrap();
    act_to(app, b_head, n.b, copy, Do::Submit, Is::InReview).await;
    approve_and_publish_in_b(&e, b_head, copy).await;

    // A takes its clip down: B's copy comes down with it.
    let a_head = caller(app, n.a_head, n.a).await;
    lantoa::service::publish::take_down(&a_head, c, "Sai thông tin thời gian")
        .await
        .unwrap();
    assert_eq!(clip(app, n.b, copy).await.state, Is::TakenDown);
    assert!(settle_removal(app, n.b, copy).await);
    let events = takedown_events(app, c).await;
    assert!(
        events
            .iter()
            .any(|e| e.kind == "shared_followed" && e.body.contains("Đài B"))
    );
    // The takedown withdrew the offer (made to all): an agency that had not
    // taken it is told so, and cannot take it now.
    let d = app.org("agency", Some(n.body), "bao-d", "Báo D").await;
    app.user("d.reporter", false, &[(d, Role::Reporter)]).await;
    let late = app.login("d.reporter").await;
    let closed = late.get_text(&format!("/a/{d}/library/{oid}")).await;
    assert!(closed.contains("id=\"offer-closed\"") && !closed.contains("id=\"take-form\""));
    let r = late
        .post_form(&format!("/a/{d}/library/{oid}/take"), &[])
        .await;
    assert_eq!(r.status(), 409);
}

#[tokio::test]
async fn a_published_correction_is_offered_to_the_takers_for_their_own_approval() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let (c, _, b_head) = published_in_a(&e, 43, "Cầu treo").await;
    let oid = sharing::offer(&caller(app, n.a_editor, n.a).await, c, Default::default())
        .await
        .unwrap();
    let copy = take_as_b(&e, oid).await;
    save(app, n.b_reporter, n.b, copy, |ed| {
        ed.channels = vec!["youtube".into()]
    })
    .await
    .unwrap();
    act_to(app, n.b_reporter, n.b, copy, Do::Submit, Is::InReview).await;
    approve_and_publish_in_b(&e, b_head, copy).await;

    // A corrects its clip: a new version, approved and out as round 2.
    act_to(
        app,
        n.a_editor,
        n.a,
        c,
        Do::StartCorrection,
        Is::CorrectionInProgress,
    )
    .await;
    let (sha2, key2) = stored_video(app, 44).await;
    let v2 = crate::review::add_version_with(app, c, n.a_reporter, &sha2, &key2).await;
    act_to(app, n.a_reporter, n.a, c, Do::Submit, Is::InReview).await;
    tick_all(app, n.a_editor, n.a, c).await;
    act_to(app, n.a_editor, n.a, c, Do::Approve, Is::Approved).await;
    publish_now(&e, c).await;
    settle(app, n.a, c, &["published"]).await;

    // B is told, and offered the corrected version; the offer moved on to it.
    let k = clip(app, n.b, copy).await;
    assert_eq!(k.taken.as_ref().unwrap().update_id, Some(v2));
    let inbox = app.login("b.head").await.get_text("/inbox").await;
    assert!(inbox.contains("đã đính chính"), "{inbox}");
    {
        let mut tx = app.st.db.read().await.unwrap();
        let o = lantoa::db::sharing::get(&mut tx, oid)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(o.version_id, v2);
    }
    // The head takes it: a correction of B's own, to approve again.
    let head = caller(app, b_head, n.b).await;
    sharing::take_correction(&head, copy).await.unwrap();
    let k = clip(app, n.b, copy).await;
    assert_eq!(k.state, Is::CorrectionInProgress);
    let t = k.taken.clone().unwrap();
    assert_eq!((t.source_version_id, t.update_id), (v2, None));
    assert_eq!(
        t.source_sha256, sha2,
        "what B signs names the corrected source"
    );
    act_to(app, b_head, n.b, copy, Do::Submit, Is::InReview).await;
    // Taking the correction did not make the head an author: the head signs.
    let out = approve_and_publish_in_b(&e, b_head, copy).await;
    assert!(out.iter().all(|p| p.round == 2));
    let sent = e.mock.records.lock().unwrap().clone();
    assert!(
        sent.iter()
            .any(|r| r.sha256 == sha2 && r.text.contains("Nguồn: Báo A"))
    );
}

#[tokio::test]
async fn an_offer_of_an_approved_clip_is_withdrawn_when_what_it_offered_changes() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let video = stored_video(app, 45).await;
    let (c, _) = approved_clip_with(&e, "Đường hoa", "Đường hoa xuân.", &["youtube"], video).await;
    let editor = caller(app, n.a_editor, n.a).await;
    let oid = sharing::offer(&editor, c, Default::default())
        .await
        .unwrap();
    // An agency's offer carries no recommendation (the body's word).
    let o = {
        let mut tx = app.st.db.read().await.unwrap();
        lantoa::db::sharing::get(&mut tx, oid)
            .await
            .unwrap()
            .unwrap()
    };
    assert!(o.recommendation.is_empty() && o.withdrawn_at.is_none());
    // Before it goes out, its caption changes: the offer no longer stands.
    save(app, n.a_editor, n.a, c, |ed| {
        ed.caption = "Đường hoa xuân 2027.".into()
    })
    .await
    .unwrap();
    let o = {
        let mut tx = app.st.db.read().await.unwrap();
        lantoa::db::sharing::get(&mut tx, oid)
            .await
            .unwrap()
            .unwrap()
    };
    assert!(o.withdrawn_at.is_some(), "withdrawn by the change");
    let taker = caller(app, n.b_reporter, n.b).await;
    assert!(sharing::take(&taker, oid).await.is_err());
    let audited = app
        .audit_entries()
        .await
        .into_iter()
        .any(|e| e.action == "clip.offer_withdraw" && e.actor_name == "system");
    assert!(audited);
}
