//! The province scorecard: a clip published through the mock platforms and
//! an incident reported show in the month's line of their agency, beside the
//! province median, on the page, in JSON, XLSX, the printed report and PDF.

use crate::publish::{approved_clip, env, publish_now, settle};

#[tokio::test]
async fn the_scorecard_counts_each_agencys_month_against_the_province_median() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let (c, _) = approved_clip(&e, "Cầu mới thông xe", &["youtube", "zalo"], 41).await;
    publish_now(&e, c).await;
    settle(app, n.a, c, &["published"]).await;
    let head = app.login("a.head").await;
    crate::incidents::report(&head, n.a, "other", "Tài khoản TikTok bị khóa tạm").await;

    let overseer = app.login("overseer").await;
    let base = format!("/b/{}/scorecard", n.body);
    let j: serde_json::Value = overseer
        .get(&format!("{base}.json"))
        .await
        .json()
        .await
        .unwrap();
    let line = |id: i64| {
        j["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["agency_id"] == id)
            .cloned()
            .unwrap()
    };
    let (a, b) = (line(n.a.0), line(n.b.0));
    assert_eq!(a["published"], 1.0, "{a}");
    assert_eq!(a["incidents"], 1.0);
    assert_eq!(
        a["within_length"], 1.0,
        "a 1 s clip is within every platform's length"
    );
    assert_eq!(b["published"], 0.0);
    assert_eq!(j["median"]["published"], 0.5, "the median of 1 and 0");
    assert_eq!(j["trend"].as_array().unwrap().len(), 6);
    let last = &j["trend"][5];
    assert_eq!(last[0], j["month"]);
    assert!(
        last[1]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!(1.0))
    );

    let page = overseer.get_text(&base).await;
    assert!(page.contains("id=\"score-median\""));
    assert!(page.contains("Báo A") && page.contains("Đài B"));
    let x = overseer.get(&format!("{base}.xlsx")).await;
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    let report = overseer.get_text(&format!("{base}/report")).await;
    assert!(report.contains("Bảng đánh giá các cơ quan"));
    let pdf = overseer.get(&format!("{base}/report?pdf=true")).await;
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    // A bad month is said; an agency's people do not reach the body's page.
    assert_eq!(
        overseer
            .get(&format!("{base}?month=2026-13"))
            .await
            .status(),
        400
    );
    head.expect_get(&base, 403).await;
}
