//! Campaigns of the coordinating body: the overseer launches one for two
//! agencies, an agency tags a clip to it (the tag is signed with the clip),
//! publishes it through the mock platforms, and the campaign's page, export
//! and reminders follow each agency against what is expected of it.

use crate::helpers::{caller_of, extract, header};
use crate::publish::{env, publish_now, settle, stored_video};
use crate::review::{act, act_to, add_version_with, agency, clip, save, tick_all, who};
use lantoa::domain::ClipId;
use lantoa::domain::workflow::{ClipAction, ClipAction as Do, ClipState as Is};

/// A PDF's first bytes (the kind is told by them).
const PDF: &[u8] = b"%PDF-1.7\n% brief";

fn campaign_id(location: &str) -> i64 {
    location
        .split("/campaigns/")
        .nth(1)
        .and_then(|r| r.split('?').next())
        .and_then(|r| r.parse().ok())
        .unwrap_or_else(|| panic!("no campaign in {location}"))
}

fn day(ms: i64, days: i64) -> String {
    lantoa::clock::datetime_input(ms + days * 86_400_000, "Asia/Ho_Chi_Minh")[..10].to_string()
}

#[tokio::test]
async fn the_overseer_launches_a_campaign_an_agency_tags_and_publishes_and_its_page_follows() {
    let e = env().await;
    let (app, n) = (&e.app, &e.n);
    let now = lantoa::clock::Clock::now_ms(&app.clock);
    let overseer = app.login("overseer").await;
    let new = format!("/b/{}/campaigns/new", n.body);
    overseer
        .open_showing(&new, "campaign-form", "the campaign form")
        .await;
    let (a, b) = (n.a.to_string(), n.b.to_string());
    let (ea, eb) = (format!("expected_{a}"), format!("expected_{b}"));
    let (today, later, before) = (day(now, 0), day(now, 10), day(now, -3));
    let post = format!("/b/{}/campaigns", n.body);
    let mut fields = vec![
        ("name", "Kỷ niệm 80 năm Quốc khánh"),
        ("theme", "Tự hào truyền thống"),
        (
            "brief",
            "Mỗi cơ quan đăng clip ngắn về các công trình chào mừng.",
        ),
        ("hashtags", "#quockhanh80 #thainguyen"),
        ("starts_on", &today),
        ("ends_on", &before),
        ("agency", &a),
        (&ea, "2"),
        ("agency", &b),
        (&eb, "1"),
    ];
    // Dates out of order: said beside the form, what was typed kept.
    let r = overseer.post_multipart(&post, &fields, None, true).await;
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("không trước ngày bắt đầu"),
        "the reason is said"
    );
    assert!(
        page.contains("Mỗi cơ quan đăng clip ngắn"),
        "the brief is kept"
    );
    fields[5] = ("ends_on", &later);
    // An agency's admin cannot launch one.
    let admin = app.login("a.admin").await;
    admin.expect_get(&new, 403).await;
    let r = overseer
        .post_multipart(&post, &fields, Some(("dinh huong.pdf", PDF)), true)
        .await;
    assert_eq!(r.status(), 303);
    let id = campaign_id(header(&r, "location"));

    // The agencies are told and see it on their home and their list.
    let head = app.login("a.head").await;
    assert!(
        head.get_text("/inbox")
            .await
            .contains("Kỷ niệm 80 năm Quốc khánh")
    );
    let home = head.get_text(&format!("/a/{}", n.a)).await;
    assert!(
        home.contains("id=\"home-campaigns\""),
        "running campaign on the home"
    );
    let mine = head.get_text(&format!("/a/{}/campaigns/{id}", n.a)).await;
    assert!(mine.contains("Mỗi cơ quan đăng clip ngắn"));
    let fid = extract(&mine, &format!("/campaigns/{id}/files/"), "\"").unwrap();
    let f = head
        .get(&format!("/a/{}/campaigns/{id}/files/{fid}", n.a))
        .await;
    assert_eq!(f.status(), 200);
    assert_eq!(f.bytes().await.unwrap().as_ref(), PDF);
    let cal = head.get_text(&format!("/a/{}/calendar", n.a)).await;
    assert!(
        cal.contains("class=\"cal-campaign\""),
        "the calendar shows it"
    );

    // A campaign for agency B only: A's clips cannot be tagged to it.
    fields[6] = ("agency", &b);
    fields[7] = (&eb, "1");
    fields.truncate(8);
    fields[0] = ("name", "Chỉ Đài B");
    let r = overseer.post_multipart(&post, &fields, None, true).await;
    let only_b = campaign_id(header(&r, "location"));

    // A clip of A, tagged on its page, then approved and published.
    let (sha, key) = stored_video(app, 31).await;
    let c = app
        .insert_clip(
            (n.a, n.a_reporter),
            "Cầu mới chào mừng",
            "Khánh thành.",
            "good_deeds",
            false,
        )
        .await;
    add_version_with(app, c, n.a_reporter, &sha, &key).await;
    let reporter = app.login("a.reporter").await;
    let page = format!("/a/{}/clips/{}", n.a, c.0);
    reporter
        .open_showing(&page, "id=\"campaign\"", "the campaign chooser")
        .await;
    let tag = format!("{page}/campaign");
    let rev = clip(app, n.a, c).await.revision.to_string();
    let r = reporter
        .post_form(
            &tag,
            &[("revision", &rev), ("campaign_id", &only_b.to_string())],
        )
        .await;
    assert!(
        r.status().is_client_error(),
        "not a campaign of A: {}",
        r.status()
    );
    let r = reporter
        .post_form(
            &tag,
            &[("revision", &rev), ("campaign_id", &id.to_string())],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(clip(app, n.a, c).await.campaign_id, Some(id));
    save(app, n.a_reporter, n.a, c, |ed| {
        ed.channels = vec!["youtube".into(), "zalo".into()];
    })
    .await
    .unwrap();
    act(app, n.a_reporter, n.a, c, ClipAction::Submit)
        .await
        .unwrap();
    tick_all(app, n.a_editor, n.a, c).await;
    act_to(app, n.a_editor, n.a, c, Do::Approve, Is::Approved).await;
    // The tag is signed: untagging now voids the approval.
    let (p, actor) = who(app, n.a_editor).await;
    let org = agency(app, n.a).await;
    let k = clip(app, n.a, c).await;
    let (o, _) = lantoa::service::review::content(&k, None);
    assert_eq!(o.campaign, Some(id), "the campaign is in what is signed");
    publish_now(&e, c).await;
    settle(app, n.a, c, &["published"]).await;

    // Figures as the collector leaves them, for the page's reach.
    {
        let mut tx = app.st.db.write().await.unwrap();
        for (i, pb) in crate::publish::pubs(app, n.a, c).await.iter().enumerate() {
            // Publishing made each post's row; the collector fills it in.
            lantoa::on_tx!(&mut tx, x => sqlx::query(
                "UPDATE post_metrics SET views = $1, reach = $2, avg_view_s = 5.0, duration_s = 10.0
                 WHERE publication_id = $3")
                .bind(1000_i64 * (i as i64 + 1)).bind(800_i64).bind(pb.id)
                .execute(x).await.map(|r| r.rows_affected()))
            .unwrap();
        }
        tx.commit().await.unwrap();
    }

    // The campaign's page: A published 1 of 2, B 0 of 1.
    let view = format!("/b/{}/campaigns/{id}", n.body);
    let page = overseer.get_text(&view).await;
    let row_a = extract(&page, &format!("data-agency=\"{a}\""), "</tr>").unwrap();
    assert!(row_a.contains("<strong>1</strong> / 2"), "{row_a}");
    assert!(row_a.contains("3.000"), "views summed: {row_a}");
    assert!(row_a.contains("50%"), "median completion: {row_a}");
    let row_b = extract(&page, &format!("data-agency=\"{b}\""), "</tr>").unwrap();
    assert!(row_b.contains("<strong>0</strong> / 1"), "{row_b}");

    // Exports.
    let csv = overseer.get_text(&format!("{view}/export.csv")).await;
    assert!(csv.contains("Báo A") && csv.contains("3000"), "{csv}");
    let x = overseer.get(&format!("{view}/export.xlsx")).await;
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
    let report = overseer.get_text(&format!("{view}/report")).await;
    assert!(report.contains("Kỷ niệm 80 năm Quốc khánh") && report.contains("1 / 2"));
    let pdf = overseer.get(&format!("{view}/report?pdf=true")).await;
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

    // Both are behind: both are reminded, and told.
    overseer.refresh_csrf(&view).await;
    overseer
        .post_expect(&format!("{view}/remind"), &[], 303)
        .await;
    assert!(head.get_text("/inbox").await.contains("nhắc chiến dịch"));
    let page = overseer.get_text(&view).await;
    assert!(page.contains("Đã nhắc lúc"));

    // A published clip is no longer edited: its campaign stays.
    let k = clip(app, n.a, c).await;
    let untag = lantoa::service::review::set_campaign(
        &caller_of(&app.st, &actor, &p, &org),
        ClipId(c.0),
        lantoa::service::review::CampaignChoice {
            revision: k.revision,
            campaign_id: None,
        },
    )
    .await;
    assert!(untag.is_err());
    assert_eq!(clip(app, n.a, c).await.campaign_id, Some(id));

    // Audited in the body.
    let actions: Vec<String> = app
        .audit_entries()
        .await
        .into_iter()
        .filter(|e| e.action.starts_with("campaign."))
        .map(|e| e.action)
        .collect();
    for want in ["campaign.create", "campaign.remind"] {
        assert!(actions.iter().any(|x| x == want), "{want} in {actions:?}");
    }
}
