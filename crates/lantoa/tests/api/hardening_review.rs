//! Issue 11, point 16 (the review and publishing parts): things the clip page
//! showed that were no longer true.

use std::time::Duration;

use crate::helpers::caller_of;
use crate::publish::{approved_clip, env, publish_now, pubs, settle};
use crate::review::{agency, clip, edit_of, ready_clip, who};
use lantoa::clock::Clock;
use lantoa::service::publish;
use lantoa::service::review as svc;

#[tokio::test]
async fn p16_a_save_releases_the_edit_lock() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let c = ready_clip(app, n.a, n.a_reporter, "good_deeds").await;
    let org = agency(app, n.a).await;
    let (rp, ra) = who(app, n.a_reporter).await;
    // The reporter starts typing (the page takes the lock), then saves.
    svc::lock(&caller_of(&app.st, &ra, &rp, &org), c)
        .await
        .unwrap();
    let mut ed = edit_of(&clip(app, n.a, c).await);
    ed.title = "Lễ ra quân năm 2027".into();
    svc::save(&caller_of(&app.st, &ra, &rp, &org), c, ed)
        .await
        .unwrap();
    let k = clip(app, n.a, c).await;
    let mut tx = app.st.db.read().await.unwrap();
    let view = svc::lock_view(&mut tx, &k, n.a_editor, app.clock.now_ms())
        .await
        .unwrap();
    drop(tx);
    assert_eq!(view.holder, None, "the lock outlived the save: {view:?}");
    // A colleague edits straight away, with no takeover.
    let (ep, ea) = who(app, n.a_editor).await;
    let mut ed = edit_of(&k);
    ed.caption.push_str(" Cập nhật.");
    svc::save(&caller_of(&app.st, &ea, &ep, &org), c, ed)
        .await
        .unwrap();
    let b = app.login("a.editor").await;
    let html = b.get_text(&format!("/a/{}/clips/{}", n.a.0, c.0)).await;
    assert!(!html.contains("id=\"lock-banner\""), "no lock banner");
}

#[tokio::test]
async fn p16_removed_posts_lose_the_published_tag_and_their_link() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let (c, _) = approved_clip(&e, "Gỡ bỏ", &["facebook", "youtube", "tiktok"], 11).await;
    publish_now(&e, c).await;
    settle(app, n.a, c, &["published"]).await;
    let b = app.login("a.head").await;
    let path = format!("/a/{}/clips/{}/publications", n.a.0, c.0);
    let before = b.get_text(&path).await;
    assert_eq!(before.matches("s-published").count(), 3, "{before}");
    assert_eq!(before.matches("target=\"_blank\"").count(), 3, "{before}");
    let (p, a) = who(app, n.a_head).await;
    publish::take_down(
        &caller_of(&app.st, &a, &p, &agency(app, n.a).await),
        c,
        "Sai tên người phát biểu",
    )
    .await
    .unwrap();
    for _ in 0..400 {
        if pubs(app, n.a, c)
            .await
            .iter()
            .all(|p| matches!(p.removal.as_deref(), Some("removed" | "manual")))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let after = b.get_text(&path).await;
    assert!(!after.contains("s-published"), "{after}");
    // Two posts are gone and have no link; TikTok's must still be removed by
    // hand, so its link stays.
    assert_eq!(after.matches("s-removal-removed").count(), 2, "{after}");
    assert_eq!(after.matches("s-removal-manual\"").count(), 1, "{after}");
    assert_eq!(after.matches("target=\"_blank\"").count(), 1, "{after}");
    assert!(after.contains("Đã gỡ"), "{after}");
}
