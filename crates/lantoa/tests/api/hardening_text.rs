//! Issue 11, points 11 and 12, end to end against the mock platforms: a
//! hashtag that is in the caption and in the hashtag field is posted once, and
//! a text a platform would refuse is shown beside the text and cannot be
//! approved for a clip targeting that platform; fixed, it approves and goes out.

use crate::helpers::extract;
use crate::publish::{approved_clip_with, env, publish_now, settle, stored_video};
use crate::review::{act, act_to, add_version_with, save, tick_all};
use lantoa::domain::workflow::{ClipAction, ClipAction as Do, ClipState as Is};
use lantoa::error::Error;
use serde_json::json;

#[tokio::test]
async fn p11_a_hashtag_in_the_caption_and_the_hashtag_field_is_posted_once() {
    let e = env().await;
    let video = stored_video(&e.app, 11).await;
    // The hashtag field holds "#tinhnha" (see `approved_clip_with`); the
    // caption already ends with it, in other letters' case.
    let caption = "Sáng nay, Ủy ban nhân dân tỉnh tổ chức lễ ra quân. #TinhNha";
    let all = ["facebook", "youtube", "tiktok", "zalo"];
    let (c, _) = approved_clip_with(&e, "Lễ ra quân", caption, &all, video).await;
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    let records = e.mock.records.lock().unwrap().clone();
    let mut platforms: Vec<&str> = records.iter().map(|r| r.platform.as_str()).collect();
    platforms.sort_unstable();
    assert_eq!(platforms, ["facebook", "tiktok", "youtube", "zalo"]);
    for r in &records {
        assert_eq!(
            r.text.to_lowercase().matches("#tinhnha").count(),
            1,
            "{} got the tag more than once: {:?}",
            r.platform,
            r.text
        );
        assert_eq!(r.text, caption, "{}", r.platform);
    }
    // YouTube's keyword tags carry the tag once, without "#".
    let yt = records.iter().find(|r| r.platform == "youtube").unwrap();
    assert_eq!(yt.tags, ["tinhnha"]);
}

#[tokio::test]
async fn p12_a_youtube_title_with_angle_brackets_cannot_be_approved_and_once_fixed_goes_out() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let video = stored_video(app, 12).await;
    let title = "Lễ ra quân <trực tiếp>";
    let caption = "Sáng nay, Ủy ban nhân dân tỉnh tổ chức lễ ra quân.";
    let c = app
        .insert_clip((n.a, n.a_reporter), title, caption, "good_deeds", false)
        .await;
    add_version_with(app, c, n.a_reporter, &video.0, &video.1).await;
    // Saved with YouTube as a target: the save reports the rule at once.
    let saved = save(app, n.a_reporter, n.a, c, |ed| {
        ed.channels = vec!["youtube".into(), "facebook".into()];
        ed.hashtags = "#tinhnha".into();
    })
    .await
    .unwrap();
    let findings = serde_json::to_value(&saved.findings).unwrap();
    let rules: Vec<(&str, &str)> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["platform"]["platform"] == "youtube")
        .map(|f| (f["field"].as_str().unwrap(), f["found"].as_str().unwrap()))
        .collect();
    assert_eq!(rules, [("title", "<"), ("title", ">")], "{findings}");
    act(app, n.a_reporter, n.a, c, ClipAction::Submit)
        .await
        .unwrap();
    tick_all(app, n.a_editor, n.a, c).await;

    // The clip page shows it beside the text, with the platform and the rule.
    let b = app.login("a.editor").await;
    let page = b.get_text(&format!("/a/{}/clips/{}", n.a.0, c.0)).await;
    let lint = extract(&page, "id=\"lint\"", "</ul>").expect("the text check section");
    assert!(
        lint.contains("YouTube không nhận ký tự “&#60;” trong tiêu đề"),
        "{lint}"
    );
    // The API says the same, with the platform's part.
    let token = app.token_for("a.editor").await;
    let base = format!("/api/v1/agencies/{}/clips/{}", n.a.0, c.0);
    let body: serde_json::Value = app.get_json(&base, &token).await;
    let f = &body["findings"][0];
    assert_eq!(
        (
            &f["field"],
            &f["rule"],
            &f["severity"],
            &f["platform"]["platform"],
            &f["platform"]["part"]
        ),
        (
            &json!("title"),
            &json!("platform_char"),
            &json!("error"),
            &json!("youtube"),
            &json!("title")
        ),
        "{body}"
    );

    // Approval is refused, naming the rule.
    let r = app
        .post_json(
            &format!("{base}/actions/approve"),
            &token,
            &json!({"digest": body["digest"]}),
        )
        .await;
    assert_eq!(r.status(), 409);
    let refused: serde_json::Value = r.json().await.unwrap();
    assert_eq!(refused["code"], "approval_refused", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("YouTube không nhận ký tự “<” trong tiêu đề"),
        "{refused}"
    );
    match act(app, n.a_editor, n.a, c, ClipAction::Approve).await {
        Err(Error::Refused(r)) => assert_eq!(r.message_id, "approve-platform_char"),
        other => panic!("approved a title YouTube refuses: {other:?}"),
    }

    // The title fixed, it approves and goes out to YouTube as approved.
    save(app, n.a_reporter, n.a, c, |ed| {
        ed.title = "Lễ ra quân trực tiếp".into();
    })
    .await
    .unwrap();
    act_to(app, n.a_editor, n.a, c, Do::Approve, Is::Approved).await;
    publish_now(&e, c).await;
    let done = settle(app, n.a, c, &["published", "failed"]).await;
    assert!(done.iter().all(|p| p.state == "published"), "{done:#?}");
    let records = e.mock.records.lock().unwrap().clone();
    let yt = records.iter().find(|r| r.platform == "youtube").unwrap();
    assert_eq!(yt.title, "Lễ ra quân trực tiếp");
}
