//! Incidents to the coordinating body: an agency reports one with a file, the
//! body's overseer acknowledges, asks for more and closes it; each step is
//! audited, told to the other side, and refused where it does not apply.

use crate::helpers::{extract, header, spawn_network};

/// A tiny PNG's first bytes (the kind is told by them).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-screenshot";

fn incident_id(location: &str) -> i64 {
    location
        .split("/incidents/")
        .nth(1)
        .and_then(|r| r.split('?').next())
        .and_then(|r| r.parse().ok())
        .unwrap_or_else(|| panic!("no incident in {location}"))
}

/// The head (`b`, signed in) reports an incident of `kind` from the form;
/// its id.
pub(crate) async fn report(
    b: &crate::helpers::Browser,
    agency: lantoa::domain::OrgId,
    kind: &str,
    title: &str,
) -> i64 {
    b.refresh_csrf(&format!("/a/{agency}/incidents/new")).await;
    let fields = [
        ("kind", kind),
        ("severity", "medium"),
        ("title", title),
        ("description", "Đã liên hệ nền tảng."),
    ];
    let r = b
        .post_multipart(&format!("/a/{agency}/incidents"), &fields, None, true)
        .await;
    assert_eq!(r.status(), 303);
    incident_id(header(&r, "location"))
}

async fn state_of(app: &crate::helpers::TestApp, id: i64) -> String {
    let mut tx = app.st.db.read().await.unwrap();
    lantoa::db::incidents::get(&mut tx, id)
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn an_agency_reports_an_incident_and_the_body_acknowledges_asks_and_closes_it() {
    let (app, n) = spawn_network().await;
    let head = app.login("a.head").await;
    let overseer = app.login("overseer").await;
    let new = format!("/a/{}/incidents/new", n.a);
    head.open_showing(&new, "incident-form", "the report form")
        .await;
    let post = format!("/a/{}/incidents", n.a);
    let fields = |title: &'static str| {
        vec![
            ("kind", "channel_compromised"),
            ("severity", "critical"),
            ("title", title),
            (
                "description",
                "Một trang giả mạo dùng tên và logo của Báo A.",
            ),
        ]
    };

    // Bad input is said beside the form, and nothing typed is lost.
    let r = head
        .post_multipart(&post, &fields("ab"), Some(("a.png", PNG)), true)
        .await;
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("từ 5 đến 200 ký tự"), "the reason is said");
    assert!(
        page.contains("Một trang giả mạo dùng tên"),
        "the text is kept"
    );
    let r = head
        .post_multipart(
            &post,
            &fields("Trang giả mạo Báo A"),
            Some(("virus.pdf", b"MZ\x90\x00")),
            true,
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Loại tệp này không được nhận")
    );
    // A forged form (no token as its first field) is refused.
    let r = head
        .post_multipart(&post, &fields("Trang giả mạo Báo A"), None, false)
        .await;
    assert_eq!(r.status(), 403);
    // An editor may not report (the head, a deputy, the agency's admin may).
    let editor = app.login("a.editor").await;
    editor.expect_get(&new, 403).await;

    let r = head
        .post_multipart(
            &post,
            &fields("Trang giả mạo Báo A"),
            Some(("man hinh.png", PNG)),
            true,
        )
        .await;
    assert_eq!(r.status(), 303);
    let id = incident_id(header(&r, "location"));
    let detail = format!("/a/{}/incidents/{id}", n.a);
    let page = head.get_text(&format!("{detail}?done=reported")).await;
    assert!(page.contains("Đã gửi báo cáo sự cố"), "success is said");
    assert!(page.contains("Chờ tiếp nhận"));
    assert!(page.contains("man hinh.png"));
    assert!(
        !page.contains("id=\"body-steps\""),
        "the agency sees no body's buttons"
    );

    // The file comes back as a download, byte for byte.
    let eid = extract(&page, &format!("/incidents/{id}/files/"), "\"").unwrap();
    let f = head.get(&format!("{detail}/files/{eid}")).await;
    assert_eq!(f.status(), 200);
    assert!(header(&f, "content-disposition").starts_with("attachment;"));
    assert_eq!(header(&f, "x-content-type-options"), "nosniff");
    assert_eq!(f.bytes().await.unwrap().as_ref(), PNG);
    // Another agency cannot see it.
    let other = app.login("b.admin").await;
    other.expect_get(&detail, 403).await;

    // The overseer is told, with a link to it.
    let inbox = overseer.get_text("/inbox").await;
    assert!(
        inbox.contains("Báo A báo cáo sự cố: Trang giả mạo Báo A"),
        "{inbox}"
    );
    let list = inbox.split("id=\"inbox\"").nth(1).unwrap();
    let nid = extract(list, "action=\"/inbox/", "/open").unwrap();
    overseer.refresh_csrf("/inbox").await;
    let opened = overseer
        .post_expect(&format!("/inbox/{nid}/open"), &[], 303)
        .await;
    assert_eq!(
        header(&opened, "location"),
        detail,
        "the notice leads to it"
    );
    // Critical: to be acknowledged within 2 hours; after 3 it is overdue.
    app.clock.advance_ms(3 * 3_600_000);
    let list = overseer.get_text(&format!("/b/{}/incidents", n.body)).await;
    assert!(list.contains("Trang giả mạo Báo A"));
    assert!(list.contains("class=\"incident overdue\""), "{list}");

    let step = |w: &str| format!("/b/{}/incidents/{id}/{w}", n.body);
    overseer.refresh_csrf(&detail).await;
    // The agency cannot take the body's steps.
    head.refresh_csrf(&detail).await;
    head.post_expect(&step("acknowledge"), &[], 403).await;
    overseer.post_expect(&step("acknowledge"), &[], 303).await;
    assert_eq!(state_of(&app, id).await, "acknowledged");
    // Acknowledging twice does not apply.
    overseer.post_expect(&step("acknowledge"), &[], 409).await;
    // Asking for more needs words.
    overseer
        .post_expect(&step("ask"), &[("text", " ")], 400)
        .await;
    overseer
        .post_expect(
            &step("ask"),
            &[("text", "Đề nghị gửi đường dẫn trang giả mạo.")],
            303,
        )
        .await;
    assert_eq!(state_of(&app, id).await, "more_info");
    let inbox = head.get_text("/inbox").await;
    assert!(inbox.contains("Đề nghị gửi đường dẫn trang giả mạo."));

    // The agency answers; then the body closes it with a conclusion.
    let page = head.get_text(&detail).await;
    assert!(page.contains("name=\"step\" value=\"answer\""));
    let r = head
        .post_multipart(
            &format!("{detail}/steps"),
            &[
                ("step", "answer"),
                ("text", "https://facebook.com/gia-mao-bao-a"),
            ],
            None,
            true,
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(state_of(&app, id).await, "acknowledged");
    overseer
        .post_expect(
            &step("close"),
            &[("text", "Đã đề nghị nền tảng gỡ trang giả mạo.")],
            303,
        )
        .await;
    assert_eq!(state_of(&app, id).await, "closed");
    let page = head.get_text(&detail).await;
    assert!(page.contains("Đã đề nghị nền tảng gỡ trang giả mạo."));
    assert!(
        !page.contains("id=\"note-form\""),
        "a closed incident takes no notes"
    );

    // The printable report, in the form an official report takes.
    let report = head.get_text(&format!("{detail}/report")).await;
    assert!(report.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert!(report.contains("BÁO CÁO SỰ CỐ"));
    assert!(report.contains("Số: 1/20"), "numbered in the agency's year");
    assert!(report.contains("Đã đề nghị nền tảng gỡ trang giả mạo."));

    // Each step is in the agency's audit trail.
    let actions: Vec<String> = app
        .audit_entries()
        .await
        .into_iter()
        .filter(|e| e.action.starts_with("incident."))
        .map(|e| e.action)
        .collect();
    for a in [
        "incident.reported",
        "incident.acknowledged",
        "incident.more_asked",
        "incident.answered",
        "incident.closed",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn the_incident_report_prints_to_pdf() {
    let (app, n) = spawn_network().await;
    let head = app.login("a.head").await;
    let id = report(&head, n.a, "platform_removal", "YouTube gỡ video lễ hội").await;
    let pdf = head
        .get(&format!("/a/{}/incidents/{id}/report?pdf=true", n.a))
        .await;
    assert_eq!(pdf.status(), 200);
    assert!(header(&pdf, "content-disposition").contains(".pdf"));
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
}
