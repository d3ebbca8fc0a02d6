//! Drawing on the frame with a time-coded comment (issue 14, item 8): the
//! shapes are saved with the comment and read back as a list, through the API
//! and the clip page's form; a bad drawing is refused with the reason, in
//! Vietnamese and English, and the page keeps what was typed; the exports say
//! a drawing is attached.

use serde_json::{Value, json};

use crate::helpers::{TestApp, send_expect, spawn_network};
use crate::review::ready_clip;
use lantoa::domain::drawing::MAX_SHAPES;

/// A refused comment's answer through the API, in the language of the
/// token's person: (field, message).
async fn refused(app: &TestApp, url: &str, token: &str, c: &Value) -> (String, String) {
    let r = send_expect(
        app.client().post(app.url(url)).bearer_auth(token).json(c),
        400,
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "invalid_input", "{v}");
    (
        v["field"].as_str().unwrap_or_default().to_string(),
        v["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn rect(x1: f64, y1: f64, x2: f64, y2: f64) -> Value {
    json!({"k": "rect", "x1": x1, "y1": y1, "x2": x2, "y2": y2})
}

#[tokio::test]
async fn a_comment_keeps_its_drawing_and_a_bad_drawing_is_refused_with_the_reason() {
    let (app, n) = spawn_network().await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    let ed = app.token_for("a.editor").await;
    // The clip's author reads Lantoa in English.
    let rep = app.token_for("a.reporter").await;
    send_expect(
        app.client()
            .put(app.url("/api/v1/me/locale"))
            .bearer_auth(&rep)
            .json(&json!({"locale": "en"})),
        204,
    )
    .await;
    let base = format!("/api/v1/agencies/{}/clips/{}", n.a.0, c.0);
    let comments = format!("{base}/comments");

    // Saved as sent, coordinates to four decimals, and read back as a list.
    let arrow = json!({"k": "arrow", "x1": 0.9, "y1": 0.9, "x2": 0.612345, "y2": 0.5});
    let drawn = json!({"body": "Khung này mờ", "at": "00:02", "drawing": [rect(0.1, 0.2, 0.4, 0.5), arrow]});
    app.post_json_expect(&comments, &ed, &drawn, 201).await;
    let plain = json!({"body": "Không vẽ", "at": "00:03"});
    app.post_json_expect(&comments, &ed, &plain, 201).await;
    let d = app.get_json(&base, &ed).await;
    let saved = d["comments"].as_array().unwrap();
    assert_eq!(saved.len(), 2);
    assert_eq!(
        saved[0]["drawing"],
        json!([
            {"k": "rect", "x1": 0.1, "y1": 0.2, "x2": 0.4, "y2": 0.5},
            {"k": "arrow", "x1": 0.9, "y1": 0.9, "x2": 0.6123, "y2": 0.5}
        ])
    );
    assert_eq!(saved[0]["start_frame"], 50);
    assert_eq!(saved[1]["drawing"], Value::Null);

    // Each refusal names the field and says why, in both languages.
    let too_many: Vec<Value> = (0..=MAX_SHAPES).map(|_| rect(0.1, 0.1, 0.2, 0.2)).collect();
    let cases = [
        (
            json!("not json"),
            "Không đọc được hình vẽ",
            "The drawing could not be read",
        ),
        (
            json!([{"k": "circle", "x1": 0.1, "y1": 0.1, "x2": 0.2, "y2": 0.2}]),
            "Không đọc được hình vẽ",
            "The drawing could not be read",
        ),
        (
            json!([rect(0.1, 0.1, 1.2, 0.2)]),
            "nằm ngoài khung hình",
            "outside the frame",
        ),
        (json!(too_many), "tối đa 20 hình vẽ", "at most 20 shapes"),
    ];
    assert_eq!(MAX_SHAPES, 20, "the messages name the limit");
    for (drawing, vi, en) in &cases {
        let body = json!({"body": "Vẽ sai", "at": "00:04", "drawing": drawing});
        for (token, says) in [(&ed, vi), (&rep, en)] {
            let (field, message) = refused(&app, &comments, token, &body).await;
            assert_eq!(field, "drawing", "{drawing}");
            assert!(message.contains(says), "{drawing}: {message}");
        }
    }
    // A drawing marks a frame: without a time it is refused.
    let untimed = json!({"body": "Không có thời điểm", "drawing": [rect(0.1, 0.1, 0.2, 0.2)]});
    let (field, message) = refused(&app, &comments, &ed, &untimed).await;
    assert_eq!(field, "drawing");
    assert!(
        message.contains("Hình vẽ gắn với một khung hình"),
        "{message}"
    );
    let (_, message) = refused(&app, &comments, &rep, &untimed).await;
    assert!(
        message.contains("give a comment with a drawing a time"),
        "{message}"
    );
    let d = app.get_json(&base, &ed).await;
    assert_eq!(
        d["comments"].as_array().unwrap().len(),
        2,
        "nothing refused was saved"
    );
}

#[tokio::test]
async fn the_comment_form_posts_a_drawing_keeps_it_when_refused_and_exports_count_it() {
    let (app, n) = spawn_network().await;
    let c = ready_clip(&app, n.a, n.a_reporter, "good_deeds").await;
    // The clip page's form posts the drawing as JSON text; the list marks it.
    let b = app.login("a.editor").await;
    let page = format!("/a/{}/clips/{}", n.a.0, c.0);
    let text = r#"[{"k":"rect","x1":0.25,"y1":0.25,"x2":0.75,"y2":0.5}]"#;
    let drawn = [
        ("body", "Vẽ từ trang"),
        ("at", "00:05:00"),
        ("drawing", text),
    ];
    b.post_expect(&format!("{page}/comments"), &drawn, 303)
        .await;
    let plain = [("body", "Không vẽ"), ("at", "00:06:00"), ("drawing", "")];
    b.post_expect(&format!("{page}/comments"), &plain, 303)
        .await;
    let html = b.get_text(&page).await;
    // (Askama writes a quote in an attribute as `&#34;`.)
    let shapes = r#"[{&#34;k&#34;:&#34;rect&#34;,&#34;x1&#34;:0.25,&#34;y1&#34;:0.25,&#34;x2&#34;:0.75,&#34;y2&#34;:0.5}]"#;
    assert!(
        html.contains(&format!("data-drawing=\"{shapes}\"")),
        "the comment carries its shapes"
    );
    assert!(
        html.contains("aria-label=\"Có hình vẽ trên khung hình (1 hình), bấm để xem\""),
        "the list marks a comment with a drawing"
    );
    assert!(html.contains("id=\"draw-tools\""), "the form has the tools");
    // Refused on the page: the message at the form, the text and the drawing kept.
    let r = b
        .post_expect(
            &format!("{page}/comments"),
            &[("body", "Gõ rồi, đừng mất"), ("at", ""), ("drawing", text)],
            400,
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"comment-error\""), "shown at the form");
    assert!(html.contains("Hình vẽ gắn với một khung hình"));
    assert!(
        html.contains(">Gõ rồi, đừng mất</textarea>"),
        "typed text kept"
    );
    assert!(
        html.contains(&format!("id=\"comment-drawing\" value=\"{shapes}\"")),
        "drawing kept"
    );

    // The exports say how many shapes were drawn.
    let csv = b.get_text(&format!("{page}/comments.csv")).await;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "\u{feff}Phiên bản,Thời điểm,Người góp ý,Góp ý,Đã xử lý,Hình vẽ"
    );
    assert!(lines.next().unwrap().ends_with("Vẽ từ trang,,1"), "{csv}");
    assert!(lines.next().unwrap().ends_with("Không vẽ,,"), "{csv}");
    let txt = b.get_text(&format!("{page}/comments.txt")).await;
    assert!(txt.contains(": Vẽ từ trang [hình vẽ: 1 hình]\n"), "{txt}");
    assert!(txt.contains(": Không vẽ\n"), "{txt}");
    // In English, one shape is one.
    send_expect(
        b.client
            .put(b.url("/api/v1/me/locale"))
            .header("x-csrf-token", b.csrf())
            .json(&json!({"locale": "en"})),
        204,
    )
    .await;
    let txt = b.get_text(&format!("{page}/comments.txt")).await;
    assert!(txt.contains(": Vẽ từ trang [drawing: 1 shape]\n"), "{txt}");
    let html = b.get_text(&page).await;
    assert!(
        html.contains("aria-label=\"A drawing on the frame (1 shape), press to see it\""),
        "{html}"
    );
}
