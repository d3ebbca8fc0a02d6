//! A YouTube channel's categoryId per topic category, set by the head over
//! the API and on the channels page: audited, carried by the next upload to
//! the sandbox, refused for unknown categories or ids, for a reporter and for
//! other platforms; saving the defaults stores nothing.

use serde_json::json;

use crate::publish::{Env, approved_clip, channel_list, env, publish_now, settle};
use lantoa::domain::ChannelId;

fn channel_of(e: &Env, platform: &str) -> ChannelId {
    e.channels.iter().find(|(p, _)| p == platform).unwrap().1
}

/// The channel's stored mapping (`None`: the defaults).
async fn stored(e: &Env, id: ChannelId) -> Option<serde_json::Value> {
    channel_list(&e.app, e.n.a)
        .await
        .into_iter()
        .find(|c| c.id == id)
        .unwrap()
        .categories
        .map(|j| serde_json::from_str(&j).unwrap())
}

async fn audited(e: &Env) -> Vec<lantoa::audit::Entry> {
    e.app
        .audit_entries()
        .await
        .into_iter()
        .filter(|x| x.action == "channel.categories")
        .collect()
}

/// The categoryId the sandbox received for the YouTube uploads so far.
fn sent_categories(e: &Env) -> Vec<String> {
    e.mock
        .records
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.platform == "youtube")
        .map(|r| {
            r.fields["snippet"]["categoryId"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_head_maps_youtube_categories_over_the_api_and_the_next_upload_carries_them() {
    let e = env().await;
    let yt = channel_of(&e, "youtube");
    let path = format!("/api/v1/agencies/{}/channels/{yt}/categories", e.n.a);
    let head = e.app.token_for("a.head").await;

    // Good deeds go to Nonprofits & Activism; current affairs keeps its
    // default (News & Politics), so only the change is stored.
    let body = json!({"categories": {"good_deeds": "29", "current_affairs": "25"}});
    let r = e.app.post_json(&path, &head, &body).await;
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap());
    assert_eq!(stored(&e, yt).await, Some(json!({"good_deeds": "29"})));
    let a = audited(&e).await;
    assert_eq!(a.len(), 1, "{a:#?}");
    let summary: serde_json::Value = serde_json::from_str(&a[0].summary).unwrap();
    assert_eq!(summary["after"]["categories"], json!({"good_deeds": "29"}));
    assert_eq!(summary["before"]["categories"], json!({}));
    assert_eq!(a[0].object_id, yt.0.to_string());
    // The same again changes nothing and records nothing.
    let r = e.app.post_json(&path, &head, &body).await;
    assert_eq!(r.status(), 204);
    assert_eq!(audited(&e).await.len(), 1);

    // The clip is a good deed: YouTube receives categoryId 29.
    let (c, _) = approved_clip(&e, "Người tốt việc tốt", &["youtube"], 71).await;
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    assert_eq!(sent_categories(&e), ["29"]);

    // Refused: an unknown topic category, an id YouTube does not assign
    // (18 is listed but not assignable), a body with something else in it.
    for (bad, code) in [
        (json!({"categories": {"gossip": "25"}}), "invalid_input"),
        (json!({"categories": {"good_deeds": "18"}}), "invalid_input"),
        (
            json!({"categories": {"good_deeds": "abc"}}),
            "invalid_input",
        ),
        (
            json!({"categories": {}, "visibility": "public"}),
            "malformed_request",
        ),
    ] {
        let r = e.app.post_json(&path, &head, &bad).await;
        assert_eq!(r.status(), 400, "{bad}");
        let b: serde_json::Value = r.json().await.unwrap();
        assert_eq!(b["code"], code, "{b}");
    }
    // A reporter may not; another platform's channel has no YouTube categories.
    let reporter = e.app.token_for("a.reporter").await;
    let r = e.app.post_json(&path, &reporter, &body).await;
    assert_eq!(r.status(), 403);
    let fb = channel_of(&e, "facebook");
    let r = e
        .app
        .post_json(
            &format!("/api/v1/agencies/{}/channels/{fb}/categories", e.n.a),
            &head,
            &body,
        )
        .await;
    assert_eq!(r.status(), 400);
    let b: serde_json::Value = r.json().await.unwrap();
    assert_eq!(b["code"], "invalid_input");
    assert!(b["message"].as_str().unwrap().contains("YouTube"), "{b}");
    // Nothing of that changed the mapping or the log.
    assert_eq!(stored(&e, yt).await, Some(json!({"good_deeds": "29"})));
    assert_eq!(stored(&e, fb).await, None);
    assert_eq!(audited(&e).await.len(), 1);

    // Mapping only defaults clears the channel's own mapping.
    let r = e
        .app
        .post_json(&path, &head, &json!({"categories": {}}))
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(stored(&e, yt).await, None);
    assert_eq!(audited(&e).await.len(), 2);
}

#[tokio::test]
async fn a_head_maps_youtube_categories_on_the_channels_page() {
    let e = env().await;
    let yt = channel_of(&e, "youtube");
    let page = format!("/a/{}/channels", e.n.a);
    let action = format!("/a/{}/channels/{yt}/categories", e.n.a);
    let head = e.app.login("a.head").await;

    // One select per topic category, the defaults chosen.
    let html = head.get_text(&page).await;
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
    assert!(html.contains("<select name=\"good_deeds\">"));
    assert!(html.contains("<option value=\"25\" selected>"));
    assert!(html.contains("<option value=\"22\" selected>"));
    assert!(!html.contains("<option value=\"29\" selected>"));
    // Only the YouTube channel has the form.
    assert_eq!(html.matches("/categories\"").count(), 1);

    let fields = [
        ("leadership_message", "25"),
        ("official_event", "25"),
        ("current_affairs", "25"),
        ("good_deeds", "29"),
        ("other", "22"),
    ];
    let r = head.post_form(&action, &fields).await;
    assert_eq!(r.status(), 303);
    let back = r.headers()["location"].to_str().unwrap().to_string();
    assert!(
        back.starts_with(&page) && back.contains("saved=2"),
        "{back}"
    );
    assert_eq!(stored(&e, yt).await, Some(json!({"good_deeds": "29"})));
    assert_eq!(audited(&e).await.len(), 1);
    let html = head.get_text(&back).await;
    assert!(html.contains("<option value=\"29\" selected>"), "{html}");
    assert!(html.contains("Đã lưu danh mục YouTube của kênh."));

    // The next upload carries it.
    let (c, _) = approved_clip(&e, "Việc tốt trên YouTube", &["youtube"], 72).await;
    publish_now(&e, c).await;
    settle(&e.app, e.n.a, c, &["published"]).await;
    assert_eq!(sent_categories(&e), ["29"]);

    // An unknown category or id is refused; the mapping stays.
    for bad in [[("gossip", "25")], [("good_deeds", "30")]] {
        let r = head.post_form(&action, &bad).await;
        assert_eq!(r.status(), 400, "{bad:?}");
    }
    // Not on another platform's channel.
    let fb = channel_of(&e, "facebook");
    let r = head
        .post_form(&format!("/a/{}/channels/{fb}/categories", e.n.a), &fields)
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(stored(&e, yt).await, Some(json!({"good_deeds": "29"})));

    // A reporter sees the mapping, without the form, and may not post it.
    let reporter = e.app.login("a.reporter").await;
    let html = reporter.get_text(&page).await;
    assert!(!html.contains(&format!("action=\"{action}\"")));
    assert!(html.contains("class=\"yt-categories\""));
    assert!(
        html.contains("Tổ chức phi lợi nhuận &#38; Hoạt động xã hội"),
        "{html}"
    );
    let r = reporter.post_form(&action, &fields).await;
    assert_eq!(r.status(), 403);

    // Saving the defaults stores nothing: the channel follows them.
    let defaults = [("good_deeds", "22")];
    let r = head.post_form(&action, &defaults).await;
    assert_eq!(r.status(), 303);
    assert_eq!(stored(&e, yt).await, None);
    assert_eq!(audited(&e).await.len(), 2);
}
