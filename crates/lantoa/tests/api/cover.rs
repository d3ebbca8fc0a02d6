//! The clip's cover: chosen on the clip page from the posters or the player's
//! frame, or over the API; signed with the clip (a change voids the
//! approval); sent as TikTok's `video_cover_timestamp_ms` and as the frame
//! Zalo fetches for its article's thumbnail; a frame outside the clip is
//! refused; a new version leaves the choice to be made again.

use serde_json::json;

use crate::publish::{approved_clip, env, publish_now, pubs, settle};
use crate::review::{act_to, tick_all};
use lantoa::clock::Clock;
use lantoa::domain::workflow::{ClipAction as Do, ClipState as Is};
use lantoa::service::publish;

#[tokio::test]
async fn a_chosen_cover_is_signed_with_the_clip_and_reaches_tiktok_and_zalo() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let (c, _) = approved_clip(&e, "Ảnh bìa", &["tiktok", "zalo"], 73).await;
    // The check's probe of the version (the test clips skip the check): one
    // second long, four posters.
    let version = {
        let mut tx = app.st.db.write().await.unwrap();
        let v = lantoa::db::clips::versions_of(&mut tx, c).await.unwrap()[0].clone();
        let mut checked = lantoa::db::clips::Checked::status("ready");
        checked.probe = Some(r#"{"duration_s": 1.0, "container": "mp4"}"#);
        let outputs = json!({"posters": ["p1", "p2", "p3", "p4"], "storyboard": null,
                             "proxy": null, "playback": ""})
        .to_string();
        checked.outputs = Some(&outputs);
        lantoa::db::clips::set_checked(&mut tx, v.id, checked, app.clock.now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        v
    };
    let editor = app.login("a.editor").await;
    let page = format!("/a/{}/clips/{c}", n.a);
    let revision = |html: &str| {
        let at = html
            .find("id=\"cover-clear\"")
            .or(html.find("cover-pick"))
            .unwrap();
        let rest = &html[at..];
        let from = rest.find("name=\"revision\" value=\"").unwrap() + 23;
        rest[from..from + rest[from..].find('"').unwrap()].to_string()
    };
    let html = editor.get_text(&page).await;
    assert!(
        html.contains("id=\"cover-frame-form\""),
        "the player's frame can be chosen"
    );
    // The posters at their times (a second in four: 125, 375, 625, 875 ms).
    for ms in [125, 375, 625, 875] {
        let field = format!("name=\"cover_ms\" value=\"{ms}\"");
        assert!(html.contains(&field), "poster at {ms} ms");
    }
    // The posters at their times (a second in four: 125, 375, 625, 875 ms).
    for ms in [125, 375, 625, 875] {
        assert!(
            html.contains(&format!("name=\"cover_ms\" value=\"{ms}\"")),
            "{ms}"
        );
    }

    // A frame outside the clip is refused in the person's words.
    let token = app.token_for("a.editor").await;
    let put = |body: serde_json::Value| {
        app.client()
            .put(app.url(&format!("/api/v1/agencies/{}/clips/{c}/cover", n.a)))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let rev: i64 = revision(&html).parse().unwrap();
    for bad in [1_000, -1] {
        let r = put(json!({"revision": rev, "cover_ms": bad}))
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{bad}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["field"], "cover_ms", "{body}");
    }

    // Chosen on the page (the frame on the player at 0.6 s): the approval
    // is void, the history says what changed.
    let r = editor
        .post_form(
            &format!("/a/{}/clips/{c}/cover", n.a),
            &[("revision", &rev.to_string()), ("cover_ms", "600")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = editor.get_text(&page).await;
    assert!(
        html.contains("id=\"cover-frame\""),
        "the chosen frame is shown"
    );
    assert!(html.contains("0:00.60"), "at its time");
    let clip = crate::review::clip(app, n.a, c).await;
    assert_eq!((clip.cover_ms, clip.state), (Some(600), Is::InReview));
    tick_all(app, n.a_editor, n.a, c).await;
    act_to(app, n.a_editor, n.a, c, Do::Approve, Is::Approved).await;

    publish_now(&e, c).await;
    settle(app, n.a, c, &["published"]).await;
    let records = e.mock.records.lock().unwrap().clone();
    let tiktok = records.iter().find(|r| r.platform == "tiktok").unwrap();
    assert_eq!(
        tiktok.fields["post_info"]["video_cover_timestamp_ms"],
        json!(600),
        "TikTok is told which frame"
    );
    // Zalo's thumbnail address gives that frame, made from the original.
    let zalo_channel = e.channels.iter().find(|(p, _)| p == "zalo").unwrap().1;
    let zalo = pubs(app, n.a, c)
        .await
        .into_iter()
        .find(|p| p.channel_id == zalo_channel)
        .unwrap();
    let sig = publish::sending::poster_signature(&app.st, zalo.id);
    let r = app.get(&format!("/posters/{}/{sig}.jpg", zalo.id)).await;
    assert_eq!(r.status(), 200);
    let sent = r.bytes().await.unwrap();
    let frame = app.data_dir.path().join("frame.jpg");
    // A copy of the original, wherever the media are kept (a folder or S3).
    let original = app.data_dir.path().join("original");
    app.st
        .store
        .download(&version.original_key, &original)
        .await
        .unwrap();
    lantoa::media::qc::frame_at(&original, 600, &frame, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(
        sent.as_ref(),
        std::fs::read(&frame).unwrap(),
        "the chosen frame"
    );

    // Only the chosen frame is made: another time opens nothing.
    let other = format!(
        "/a/{}/clips/{c}/versions/{}/media/cover-700",
        n.a, version.id
    );
    editor.expect_get(&other, 404).await;
    let chosen = format!(
        "/a/{}/clips/{c}/versions/{}/media/cover-600",
        n.a, version.id
    );
    editor.expect_get(&chosen, 200).await;

    // A new version's frames are other frames: the cover is chosen again.
    {
        let mut tx = app.st.db.write().await.unwrap();
        lantoa::db::clips::set_current_version(&mut tx, c, version.id, app.clock.now_ms())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(crate::review::clip(app, n.a, c).await.cover_ms, None);
}
