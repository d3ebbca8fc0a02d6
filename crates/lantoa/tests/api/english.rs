//! Complete English: the demo network, every page of the route table opened
//! in English by the people who can open it, and no Vietnamese left outside
//! people's own content (names, titles, captions, comments, checklist items,
//! the agency's lists). A new page is covered by itself; a new word added in
//! Vietnamese only fails here with the page and the words.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

use crate::helpers::{Browser, TestApp, spawn_app};
use lantoa::web::{Scope, route_table};

const DEMO_PASSWORD: &str = "lantoa-demo";

/// Every text people wrote or named that a page may show: what is left after
/// removing it must be English.
async fn content(app: &TestApp) -> Vec<String> {
    let mut tx = app.st.db.read().await.unwrap();
    let mut out: Vec<String> = Vec::new();
    for sql in [
        "SELECT display_name FROM users",
        "SELECT username FROM users",
        "SELECT name FROM orgs",
        "SELECT title FROM clips",
        "SELECT caption FROM clips",
        "SELECT hashtags FROM clips",
        "SELECT caption_variants FROM clips",
        "SELECT body FROM clip_comments",
        "SELECT name FROM channels",
        "SELECT reason FROM incidents",
        "SELECT conclusion FROM incidents",
        "SELECT body FROM incident_events",
        "SELECT name FROM campaigns",
        "SELECT theme FROM campaigns",
        "SELECT brief FROM campaigns",
        "SELECT hashtags FROM campaigns",
        "SELECT checklist FROM agency_settings",
        "SELECT official_names FROM agency_settings",
        "SELECT watch_list FROM agency_settings",
        "SELECT original_name FROM clip_versions",
        "SELECT title FROM surveys",
        "SELECT intro FROM surveys",
        "SELECT form FROM surveys",
        "SELECT answers FROM survey_responses",
        "SELECT title FROM offers",
        "SELECT caption FROM offers",
        "SELECT credit FROM offers",
        "SELECT recommendation FROM offers",
    ] {
        let rows: Vec<String> =
            lantoa::on_tx!(&mut tx, c => sqlx::query_scalar::<_, String>(sql).fetch_all(c).await)
                .unwrap_or_default();
        for r in rows {
            // Lists are one item a line; JSON lists and maps keep their strings.
            for part in r.split('\n') {
                out.push(part.trim().to_string());
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(part) {
                    collect_strings(&v, &mut out);
                }
            }
        }
    }
    // Names as a printed report heads them, in capitals.
    let upper: Vec<String> = out.iter().map(|s| s.to_uppercase()).collect();
    out.extend(upper);
    // The default checklist and lists, as a new agency has them.
    let s = lantoa::service::review::Settings::default();
    out.extend(s.checklist.iter().cloned());
    out.extend(s.official_names.iter().cloned());
    out.extend(s.watch_list.iter().cloned());
    let mut out: Vec<String> = out
        .into_iter()
        .map(|s| s.trim().nfc().collect::<String>())
        // A number alone ("15", "4") is no one's words: taken out of a page
        // it would cut its figures into odd shapes.
        .filter(|s| s.chars().any(char::is_alphabetic))
        .collect();
    // Longest first, so that a name inside a longer text goes with it.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

fn collect_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| collect_strings(x, out)),
        _ => {}
    }
}

/// The text a person reads on a page: text between tags and the attributes
/// that are read (title, placeholder, aria-label, alt, confirmation
/// questions); scripts, styles, form values and `data-content` elements apart.
fn readable(html: &str) -> String {
    let html = without(&without(html, "script"), "style");
    let html = html.as_str();
    let mut text = String::new();
    let mut i = 0;
    let bytes = html.as_bytes();
    // Depth inside elements marked as people's content.
    let mut content_depth: Vec<String> = Vec::new();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let end = html[i..].find('>').map_or(html.len(), |j| i + j);
            let tag = &html[i + 1..end];
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if tag.starts_with('/') {
                if content_depth.last() == Some(&name) {
                    content_depth.pop();
                }
            } else {
                let void = matches!(
                    name.as_str(),
                    "input" | "img" | "br" | "meta" | "link" | "hr"
                );
                // People's content, and text marked as another language (the
                // language switch names Vietnamese in Vietnamese).
                let marked =
                    tag.contains("data-content") || (tag.contains(" lang=\"") && name != "html");
                if marked && !void && !tag.ends_with('/') {
                    content_depth.push(name.clone());
                } else if content_depth.is_empty() {
                    for attr in ["title", "placeholder", "aria-label", "alt", "data-confirm"] {
                        if let Some(v) = attr_value(tag, attr) {
                            text.push_str(&v);
                            text.push('\n');
                        }
                    }
                    if name == "textarea" {
                        // Its body is what someone typed.
                        if let Some(j) = html[end..].find("</textarea>") {
                            i = end + j;
                            continue;
                        }
                    }
                }
            }
            i = end + 1;
        } else {
            let next = html[i..].find('<').map_or(html.len(), |j| i + j);
            if content_depth.is_empty() {
                text.push_str(&html[i..next]);
                text.push('\n');
            }
            i = next;
        }
    }
    unescape(&text)
}

/// `html` without the elements `tag` and what they hold.
fn without(html: &str, tag: &str) -> String {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut kept = String::new();
    let mut s = html;
    while let Some(i) = s.find(&open) {
        kept.push_str(&s[..i]);
        s = match s[i..].find(&close) {
            Some(j) => &s[i + j + close.len()..],
            None => "",
        };
    }
    kept.push_str(s);
    kept
}

fn attr_value(tag: &str, attr: &str) -> Option<String> {
    let key = format!(" {attr}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(tag[i..i + j].to_string())
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Vietnamese words an English page shows on purpose: the two tone-mark
/// styles an agency chooses between are shown by example.
const EXAMPLES: [&str; 4] = ["hòa", "thủy", "hoà", "thuỷ"];

/// The words of `text` that only Vietnamese writes: a letter with a tone or
/// a Vietnamese vowel mark, or đ.
fn vietnamese_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !EXAMPLES.contains(w))
        .filter(|w| {
            w.nfd().any(|c| ('\u{300}'..='\u{323}').contains(&c))
                || w.chars()
                    .any(|c| matches!(c, 'đ' | 'Đ' | 'ơ' | 'Ơ' | 'ư' | 'Ư'))
        })
        .map(str::to_string)
        .collect()
}

/// The first id a query gives, as text.
async fn one_id(app: &TestApp, sql: &'static str) -> Option<String> {
    let mut tx = app.st.db.read().await.unwrap();
    lantoa::on_tx!(&mut tx, c => sqlx::query_scalar::<_, i64>(sql).fetch_optional(c).await)
        .unwrap()
        .map(|v| v.to_string())
}

#[test]
fn vietnamese_numbers_are_told_from_english_ones() {
    assert_eq!(vietnamese_number("views 12,5 today"), Some("12,5".into()));
    assert_eq!(vietnamese_number("12.345 views"), Some("12.345".into()));
    assert_eq!(vietnamese_number("1.234.567"), Some("1.234.567".into()));
    assert_eq!(vietnamese_number("1.234,5."), Some("1.234,5".into()));
    for english in [
        "12,345 views",
        "1,234.5",
        "12.5%",
        "127.0.0.1",
        "v1.2.3",
        "0.13",
    ] {
        assert_eq!(vietnamese_number(english), None, "{english}");
    }
}

/// A `dd/mm/yyyy` date in `text`, if any.
fn numeric_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        (digits(0..2) && w[2] == b'/' && digits(3..5) && w[5] == b'/' && digits(6..10))
            .then(|| String::from_utf8_lossy(w).into_owned())
    })
}

/// A number written the Vietnamese way in `text`, if any: a decimal comma
/// (`12,5`: a comma and one or two digits, where English groups three) or
/// dots between groups of thousands (`12.345`).
fn vietnamese_number(text: &str) -> Option<String> {
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|c| c.is_ascii_digit());
    // `1.234` or `1.234.567`: groups of three after dots (four groups is an
    // IPv4 address, which the audit page shows).
    let dotted = |t: &str| {
        let g: Vec<&str> = t.split('.').collect();
        g.len() >= 2
            && g.len() != 4
            && digits(g[0])
            && g[0].len() <= 3
            && g[1..].iter().all(|x| x.len() == 3 && digits(x))
    };
    text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map(|t| t.trim_matches(|c| c == '.' || c == ','))
        .find(|t| match t.split_once(',') {
            // `12,5` or `1.234,56`: a decimal comma.
            Some((int, frac)) => {
                (1..=2).contains(&frac.len()) && digits(frac) && (digits(int) || dotted(int))
            }
            None => dotted(t),
        })
        .map(str::to_string)
}

/// The concrete address of a page route, with ids of the demo's first
/// agency; `None` for a parameter the demo has nothing for.
fn concrete(path: &str, ids: &BTreeMap<&str, String>) -> Option<String> {
    let mut out = String::new();
    for seg in path.split('/').skip(1) {
        out.push('/');
        if seg.starts_with('{') {
            out.push_str(ids.get(seg)?);
        } else {
            out.push_str(seg);
        }
    }
    Some(out)
}

#[tokio::test]
async fn every_page_in_english_leaves_no_vietnamese_outside_peoples_content() {
    let app = spawn_app().await;
    lantoa::demo::seed(&app.st).await.unwrap();
    // The demo's clips finish their checks.
    for _ in 0..300 {
        let waiting: i64 = {
            let mut tx = app.st.db.read().await.unwrap();
            lantoa::on_tx!(&mut tx, c => sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM clip_versions WHERE status = 'processing'").fetch_one(c).await)
            .unwrap()
        };
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let aid = one_id(&app, "SELECT id FROM orgs WHERE slug = 'bao-tinh'")
        .await
        .unwrap();
    let mut ids: BTreeMap<&str, String> = BTreeMap::new();
    ids.insert("{aid}", aid.clone());
    let clip = one_id(
        &app,
        "SELECT id FROM clips WHERE current_version_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    .await;
    if let Some(c) = clip {
        ids.insert("{cid}", c);
    }
    if let Some(v) = one_id(&app, "SELECT id FROM clip_versions ORDER BY id LIMIT 1").await {
        ids.insert("{vid}", v);
    }
    if let Some(d) = one_id(&app, "SELECT id FROM incidents ORDER BY id LIMIT 1").await {
        ids.insert("{iid}", d);
    }
    if let Some(o) = one_id(&app, "SELECT id FROM offers ORDER BY id LIMIT 1").await {
        ids.insert("{oid}", o);
    }
    if let Some(b) = one_id(
        &app,
        "SELECT id FROM orgs WHERE kind = 'body' ORDER BY id LIMIT 1",
    )
    .await
    {
        ids.insert("{bid}", b);
    }
    if let Some(u) = one_id(
        &app,
        "SELECT id FROM users WHERE username = 'baotinh.bientap'",
    )
    .await
    {
        ids.insert("{uid}", u);
    }
    // A survey of the agency made in Vietnamese from the template, with an answer.
    {
        let head = one_id(
            &app,
            "SELECT id FROM users WHERE username = 'baotinh.lanhdao'",
        )
        .await
        .unwrap();
        let c = lantoa::service::Caller::for_user(
            &app.st,
            lantoa::domain::UserId(head.parse().unwrap()),
            lantoa::domain::OrgId(aid.parse().unwrap()),
            "test",
        )
        .await
        .unwrap()
        .unwrap();
        let id = lantoa::service::surveys::create(&c, true).await.unwrap();
        lantoa::service::surveys::publish(&c, id).await.unwrap();
        let mut tx = app.st.db.write().await.unwrap();
        let answer = r#"{"q1":["o1"],"q2":"o2","q9":4,"q10":"Thêm video du lịch"}"#;
        lantoa::db::surveys::insert_response(&mut tx, id, 0, answer)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        ids.insert("{sid}", id.0.to_string());
    }
    let content = content(&app).await;

    let viewers = [
        "admin",
        "btg.giamsat",
        "baotinh.lanhdao",
        "baotinh.quantri",
        "baotinh.phongvien",
    ];
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pages = 0;
    for who in viewers {
        let b: Browser = app.browser();
        let r = b.login(who, DEMO_PASSWORD).await;
        assert_eq!(r.status(), 303, "{who} signs in");
        b.refresh_csrf("/profile").await;
        let r = b
            .post_form("/lang", &[("lang", "en"), ("back", "/profile")])
            .await;
        assert!(r.status().is_redirection(), "{who} switches to English");
        for route in route_table() {
            if route.method != "GET"
                || route.path.starts_with("/api")
                || route.path.starts_with("/static")
                || route.path.contains("/media/")
                || route.path.ends_with(".csv")
                || route.path.ends_with(".txt")
                || matches!(route.scope, Scope::Public) && route.path != "/login"
            {
                continue;
            }
            let Some(path) = concrete(&route.path, &ids) else {
                continue;
            };
            let r = b.get(&path).await;
            let html_page = r
                .headers()
                .get("content-type")
                .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
            if r.status() != 200 || !html_page {
                continue;
            }
            pages += 1;
            let text: String = readable(&r.text().await.unwrap()).nfc().collect();
            // A chart label cut short ("Đài Phát thanh và Truyền hìn…") is
            // the start of a name.
            let mut text: String = text
                .lines()
                .filter(|l| {
                    let l = l.trim();
                    // "Facebook · <channel>…": the name is the last part.
                    !l.strip_suffix('…').is_some_and(|cut| {
                        let cut = cut.rsplit(" · ").next().unwrap_or(cut);
                        !cut.is_empty() && content.iter().any(|c| c.starts_with(cut))
                    })
                })
                .collect::<Vec<_>>()
                .join("\n");
            for c in &content {
                if text.contains(c.as_str()) {
                    text = text.replace(c.as_str(), " ");
                }
            }
            let mut words = vietnamese_words(&text);
            // Dates the English way (a numeric day/month reads month first),
            // numbers too (`12,345.6`, not `12.345,6`).
            if let Some(d) = numeric_date(&text) {
                words.push(format!("(date {d})"));
            }
            if let Some(n) = vietnamese_number(&text) {
                words.push(format!("(number {n})"));
            }
            if !words.is_empty() {
                let e = found.entry(format!("{who} {path}")).or_default();
                for w in words {
                    if !e.contains(&w) {
                        e.push(w);
                    }
                }
            }
        }
    }
    assert!(pages > 40, "only {pages} pages were opened");
    assert!(
        found.is_empty(),
        "Vietnamese left on English pages ({} of {pages}):\n{}",
        found.len(),
        found
            .iter()
            .map(|(p, w)| format!("  {p}: {}", w.join(" ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
