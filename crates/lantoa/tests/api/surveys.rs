//! Audience surveys end to end: built from the template, answered at the
//! public address by a client with its own loopback address and browser
//! name and no session, counted once per device, refused (and the answers
//! kept) when the honeypot is filled, the proof is wrong or an answer is too
//! long or not one of the options, closed; results, exports, audit, and no
//! trace of the respondent's address or browser anywhere in the database.

use std::net::{IpAddr, Ipv4Addr};

use crate::helpers::{Browser, Network, TestApp, extract, spawn_network};
use lantoa::service::surveys::respond::{proof_holds, solve};

const RESPONDENT_ADDR: &str = "127.0.0.77";
const RESPONDENT_UA: &str = "SurveyProbe/9.9 (unique-ua-7731)";

/// A respondent: no cookies, its own source address and browser name.
fn respondent(ua: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(RESPONDENT_ADDR.parse::<Ipv4Addr>().unwrap()))
        .user_agent(ua)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Creates a survey of agency A from the template and publishes it; its id and token.
pub async fn published_survey(app: &TestApp, n: &Network, b: &Browser) -> (i64, String) {
    let r = b
        .post_form(
            &format!("/a/{}/surveys", n.a),
            &[("template", "short_video")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    let sid: i64 = extract(&loc, "/surveys/", "?").unwrap().parse().unwrap();
    let r = b
        .post_form(&format!("/a/{}/surveys/{sid}/publish", n.a), &[])
        .await;
    assert_eq!(r.status(), 303, "publish");
    let html = b.get_text(&format!("/a/{}/surveys/{sid}", n.a)).await;
    let token = extract(&html, "href=\"/s/", "\"").expect("public address on the page");
    let _ = app;
    (sid, token)
}

/// The template answered: every required question, a ranking, a rating, a text.
fn answers(text: &str) -> Vec<(String, String)> {
    [
        ("q.q1", "o1"),
        ("q.q1", "o3"),
        ("q.q2", "o2"),
        ("q.q3", "o4"),
        ("q.q4", "o2"),
        ("q.q5", "o1"),
        ("q.q6", "o1"),
        ("q.q7", "o4"),
        ("q.q8.o1", "2"),
        ("q.q8.o2", "1"),
        ("q.q8.o3", "3"),
        ("q.q8.o4", "4"),
        ("q.q9", "4"),
        ("q.q10", text),
        ("q.q11", "o2"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Opens the form and sends `fields` with its challenge (and a proof when `proof`).
async fn send(
    app: &TestApp,
    c: &reqwest::Client,
    token: &str,
    mut fields: Vec<(String, String)>,
    proof: Option<&str>,
) -> reqwest::Response {
    let page = c.get(app.url(&format!("/s/{token}"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers().get("set-cookie").is_none(),
        "the public form sets no cookie"
    );
    let html = page.text().await.unwrap();
    let challenge = extract(&html, "name=\"challenge\" value=\"", "\"").unwrap();
    let pow = match proof {
        Some("solve") => solve(&challenge),
        Some(p) => p.to_string(),
        None => String::new(),
    };
    fields.push(("challenge".into(), challenge));
    fields.push(("pow".into(), pow));
    c.post(app.url(&format!("/s/{token}")))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// Every text column of every table that contains `needle`.
async fn tables_containing(app: &TestApp, needle: &str) -> Vec<String> {
    let mut tx = app.st.db.read().await.unwrap();
    let columns: Vec<(String, String)> = match tx.engine() {
        lantoa::db::Engine::Sqlite => {
            let tables: Vec<String> = lantoa::on_tx!(&mut tx, c => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .fetch_all(c).await)
            .unwrap();
            let mut out = Vec::new();
            for t in tables {
                let q = format!("SELECT name FROM pragma_table_info('{t}')");
                let cols: Vec<String> = lantoa::on_tx!(&mut tx, c =>
                    sqlx::query_scalar(sqlx::AssertSqlSafe(q)).fetch_all(c).await)
                .unwrap();
                out.extend(cols.into_iter().map(|c| (t.clone(), c)));
            }
            out
        }
        lantoa::db::Engine::Postgres => lantoa::on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT table_name::TEXT, column_name::TEXT FROM information_schema.columns
             WHERE table_schema = current_schema()").fetch_all(c).await)
        .unwrap(),
    };
    let mut found = Vec::new();
    for (t, col) in columns {
        let q = format!(
            "SELECT COUNT(*) FROM \"{t}\" WHERE CAST(\"{col}\" AS TEXT) LIKE '%' || $1 || '%'"
        );
        let n: i64 = lantoa::on_tx!(&mut tx, c =>
            sqlx::query_scalar(sqlx::AssertSqlSafe(q)).bind(needle).fetch_one(c).await)
        .unwrap();
        if n > 0 {
            found.push(format!("{t}.{col}"));
        }
    }
    found
}

async fn count_answers(app: &TestApp, sid: i64) -> i64 {
    let mut tx = app.st.db.read().await.unwrap();
    lantoa::db::surveys::count_responses(&mut tx, lantoa::domain::SurveyId(sid))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_survey_is_answered_anonymously_once_per_device_and_its_results_match() {
    let (app, n) = spawn_network().await;
    let b = app.login("a.editor").await;
    let (sid, token) = published_survey(&app, &n, &b).await;
    let me = respondent(RESPONDENT_UA);

    // An answer with the script's proof is counted.
    let r = send(
        &app,
        &me,
        &token,
        answers("Muốn xem thêm du lịch và ẩm thực"),
        Some("solve"),
    )
    .await;
    assert_eq!(r.status(), 303);
    let thanks = me
        .get(app.url(r.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thanks.contains("Câu trả lời đã được ghi nhận"), "{thanks}");
    assert_eq!(count_answers(&app, sid).await, 1);

    // The same device again: told kindly, not counted.
    let r = send(&app, &me, &token, answers("Lần hai"), Some("solve")).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("không được tính thêm"), "{html}");
    assert_eq!(count_answers(&app, sid).await, 1);

    // The honeypot and a wrong proof are refused; the answers stay in the form.
    let other = respondent("SurveyProbe/9.9 (second-device)");
    let mut f = answers("Ô mật");
    f.push(("website".into(), "http://spam.example".into()));
    let r = send(&app, &other, &token, f, Some("solve")).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("ô ẩn đã bị điền") && html.contains(">Ô mật</textarea>"));
    let wrong = (0..100)
        .map(|i| i.to_string())
        .find(|p| !proof_holds("x", p))
        .unwrap();
    let r = send(&app, &other, &token, answers("Sai"), Some(&wrong)).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("Không kiểm tra được biểu mẫu"), "{html}");
    assert!(html.contains("value=\"o2\" checked"), "answers kept");
    // Without the script: too quick at once; accepted after a few seconds.
    let r = send(&app, &other, &token, answers("Không có script"), None).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("gửi quá nhanh"));
    let page = other
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    let challenge = extract(
        &page.text().await.unwrap(),
        "name=\"challenge\" value=\"",
        "\"",
    )
    .unwrap();
    app.clock.advance_ms(5_000);
    let mut f = answers("Không có script");
    f.push(("challenge".into(), challenge));
    let r = other
        .post(app.url(&format!("/s/{token}")))
        .form(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "no-script answer after waiting");
    assert_eq!(count_answers(&app, sid).await, 2);

    // Too long, and not one of the options: refused beside the question,
    // with every other answer kept.
    let third = respondent("SurveyProbe/9.9 (third-device)");
    let long = "dài ".repeat(300);
    let mut f = answers(&long);
    f.retain(|(k, _)| k != "q.q5");
    f.push(("q.q5".into(), "o99".into()));
    let r = send(&app, &third, &token, f, Some("solve")).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("dài quá 1.000 ký tự"), "too long");
    assert!(html.contains("Lựa chọn không hợp lệ"), "not an option");
    assert!(html.contains("id=\"errors\""), "summary at the top");
    assert!(html.contains("value=\"o2\" checked") && html.contains("selected>1</option>"));
    assert!(
        html.contains(long.trim_end()),
        "the long text is given back"
    );
    assert_eq!(count_answers(&app, sid).await, 2);

    // Results and exports match the two answers.
    let results = b
        .get_text(&format!("/a/{}/surveys/{sid}/results", n.a))
        .await;
    assert!(results.contains("2 câu trả lời"), "{results}");
    assert!(results.contains("id=\"words-q10\"") && results.contains("lịch"));
    assert!(results.contains("<svg"), "a chart per question");
    assert!(results.contains("id=\"compare\""), "the comparison card");
    let crossed = b
        .get_text(&format!("/a/{}/surveys/{sid}/results?by=q2", n.a))
        .await;
    assert!(crossed.contains("id=\"crosstab\"") && crossed.contains("2 (100%)"));
    let csv = b
        .get(&format!("/a/{}/surveys/{sid}/results.csv", n.a))
        .await
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(csv.contains("Muốn xem thêm du lịch và ẩm thực") && csv.contains("Không có script"));
    assert!(lines[1].contains("Facebook; TikTok"), "{}", lines[1]);
    let x = b
        .get(&format!("/a/{}/surveys/{sid}/results.xlsx", n.a))
        .await;
    assert_eq!(x.status(), 200);
    let bytes = x.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let names = wb.sheet_names().to_vec();
    let sheet = wb.worksheet_range(&names[0]).unwrap();
    assert_eq!(sheet.height(), 3);
    let counts = wb.worksheet_range(&names[1]).unwrap();
    let fb: Vec<String> = counts
        .rows()
        .filter(|r| r.get(1).is_some_and(|c| *c == "Facebook"))
        .map(|r| r[2].to_string())
        .collect();
    assert_eq!(fb, vec!["2"]);

    // Closed: said so, refused, results kept.
    b.post_expect(&format!("/a/{}/surveys/{sid}/close", n.a), &[], 303)
        .await;
    let page = me
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("Khảo sát này đã đóng"));
    let fourth = respondent("SurveyProbe/9.9 (fourth-device)");
    let mut f = answers("Muộn");
    f.push(("challenge".into(), "1.2.3.4".into()));
    let r = fourth
        .post(app.url(&format!("/s/{token}")))
        .form(&f)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("đã đóng"));
    let results = b
        .get_text(&format!("/a/{}/surveys/{sid}/results", n.a))
        .await;
    assert!(results.contains("2 câu trả lời"));

    // Audited; and nothing anywhere holds the respondent's address or browser.
    let actions: Vec<String> = app
        .audit_entries()
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    for a in ["survey.created", "survey.published", "survey.closed"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited: {actions:?}");
    }
    for needle in [
        RESPONDENT_ADDR,
        "unique-ua-7731",
        "second-device",
        "SurveyProbe",
    ] {
        let found = tables_containing(&app, needle).await;
        assert!(found.is_empty(), "{needle} found in {found:?}");
    }
    // The check can fail: the staff's own address is in the sessions.
    assert!(!tables_containing(&app, "127.0.0.1").await.is_empty());
}

#[tokio::test]
async fn once_answered_a_survey_keeps_its_shape_but_words_may_be_fixed() {
    let (app, n) = spawn_network().await;
    let b = app.login("a.head").await;
    let (sid, token) = published_survey(&app, &n, &b).await;
    let base = format!("/a/{}/surveys/{sid}", n.a);
    let me = respondent(RESPONDENT_UA);
    let r = send(&app, &me, &token, answers("x"), Some("solve")).await;
    assert_eq!(r.status(), 303);
    let r = b
        .post_form(
            &format!("{base}/questions"),
            &[("op", "remove"), ("key", "q1")],
        )
        .await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("chỉ sửa được câu chữ"));
    let fields = [
        ("op", "save"),
        ("key", "q6"),
        ("kind", "single"),
        ("text", "Bạn xem chủ yếu bằng gì?"),
        (
            "options",
            "Điện thoại di động\nMáy tính bảng\nMáy tính\nTi vi thông minh",
        ),
        ("required", "1"),
    ];
    b.post_expect(&format!("{base}/questions"), &fields, 303)
        .await;
    let page = me
        .get(app.url(&format!("/s/{token}")))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("Điện thoại di động"));
}

#[tokio::test]
async fn another_agency_neither_sees_nor_changes_a_survey_and_the_overseer_only_reads() {
    let (app, n) = spawn_network().await;
    let b = app.login("a.editor").await;
    let (sid, _token) = published_survey(&app, &n, &b).await;
    let intruder = app.login("b.admin").await;
    for path in [
        format!("/a/{}/surveys/{sid}", n.a),
        format!("/a/{}/surveys/{sid}/results", n.a),
        format!("/a/{}/surveys/{sid}/results.csv", n.a),
    ] {
        intruder.expect_get(&path, 403).await;
    }
    intruder
        .expect_get(&format!("/a/{}/surveys/{sid}", n.b), 404)
        .await;
    intruder
        .post_expect(&format!("/a/{}/surveys/{sid}/close", n.a), &[], 403)
        .await;
    intruder
        .post_expect(&format!("/a/{}/surveys/{sid}/close", n.b), &[], 404)
        .await;
    let overseer = app.login("overseer").await;
    overseer
        .expect_get(&format!("/a/{}/surveys/{sid}/results", n.a), 200)
        .await;
    overseer
        .post_expect(&format!("/a/{}/surveys/{sid}/close", n.a), &[], 403)
        .await;
    let reporter = app.login("a.reporter").await;
    reporter
        .expect_get(&format!("/a/{}/surveys", n.a), 403)
        .await;
    let actions: Vec<String> = app
        .audit_entries()
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(!actions.iter().any(|a| a == "survey.closed"));
}

#[tokio::test]
async fn the_qr_code_is_served_as_png_and_svg() {
    let (app, n) = spawn_network().await;
    let b = app.login("a.editor").await;
    let (_, token) = published_survey(&app, &n, &b).await;
    let png = app.get(&format!("/s/{token}/qr.png")).await;
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
    let svg = app.get(&format!("/s/{token}/qr.svg")).await;
    assert!(svg.text().await.unwrap().starts_with("<svg"));
}

#[tokio::test]
async fn the_body_runs_a_province_wide_survey_that_agencies_cannot_change() {
    let (app, n) = spawn_network().await;
    let overseer = app.login("overseer").await;
    let list = format!("/b/{}/surveys", n.body);
    overseer.refresh_csrf(&list).await;
    let r = overseer
        .post_form(&list, &[("template", "short_video")])
        .await;
    assert_eq!(r.status(), 303);
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with(&format!("/b/{}/surveys/", n.body)), "{loc}");
    let sid: i64 = extract(&loc, "/surveys/", "?").unwrap().parse().unwrap();
    let page = format!("/b/{}/surveys/{sid}", n.body);
    overseer
        .post_expect(&format!("{page}/publish"), &[], 303)
        .await;
    let html = overseer.get_text(&page).await;
    let token = extract(&html, "href=\"/s/", "\"").expect("public address on the page");
    // Anyone answers it at its public address.
    let c = respondent("ProvinceProbe/1.0");
    let r = send(
        &app,
        &c,
        &token,
        answers("Muốn xem thêm tin huyện"),
        Some("solve"),
    )
    .await;
    assert_eq!(r.status(), 303, "counted, then thanked");
    let results = overseer.get_text(&format!("{page}/results")).await;
    assert!(results.contains("Muốn xem thêm tin huyện"));
    // The body's survey is the body's: no agency reaches it.
    let admin = app.login("a.admin").await;
    admin.expect_get(&page, 403).await;
    admin.expect_get(&list, 403).await;
    assert_eq!(
        admin
            .get(&format!("/a/{}/surveys/{sid}", n.a))
            .await
            .status(),
        404,
        "not an agency's survey"
    );
}
