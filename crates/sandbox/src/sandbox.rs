//! The sandbox page (`GET /`): what each mock platform received, newest first,
//! under a banner saying none of it is a real platform. One self-contained
//! HTML page (inline CSS, no scripts or external assets) that reloads itself.

use axum::extract::State;
use axum::response::{Html, IntoResponse};

use super::{Record, Shared, esc};
use crate::Platform;

/// Seconds between reloads.
pub const REFRESH_S: u32 = 5;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f4f1ea;color:#222}\
.banner{background:#b3261e;color:#fff;padding:14px 20px;font-size:18px;font-weight:700}\
.banner small{display:block;font-weight:400;font-size:14px}\
main{max-width:1100px;margin:0 auto;padding:16px 20px}\
h1{font-size:24px;margin:8px 0}h2{font-size:19px;margin:24px 0 8px}\
.counts{display:flex;gap:10px;flex-wrap:wrap;margin:12px 0}\
.counts span{background:#fff;border:1px solid #ccc;border-radius:16px;padding:4px 12px}\
table{border-collapse:collapse;width:100%;background:#fff}\
th,td{border:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}\
th{background:#eee}code{font-size:12px;word-break:break-all}\
tr.deleted td{color:#888;text-decoration:line-through}\
td.text{white-space:pre-line;max-width:28em}\
.empty{color:#666;font-style:italic}";

fn row(r: &Record) -> String {
    let when = if r.received_at_ms > 0 {
        crate::format_local(r.received_at_ms)
    } else {
        "—".into()
    };
    format!(
        "<tr{cls}><td><code>{id}</code></td><td>{title}</td><td class=\"text\">{text}</td>\
<td>{bytes}</td><td><code>{sha}</code></td><td>{deleted}</td><td>{when}</td></tr>",
        cls = if r.deleted { " class=\"deleted\"" } else { "" },
        id = esc(&r.id),
        title = esc(&r.title),
        text = esc(&r.text),
        bytes = r.bytes,
        sha = esc(&r.sha256),
        deleted = if r.deleted {
            "đã xoá / deleted"
        } else {
            "—"
        },
        when = esc(&when),
    )
}

/// The page's HTML for these records.
pub fn render(records: &[Record]) -> String {
    let mut counts = String::new();
    let mut sections = String::new();
    for p in Platform::ALL {
        // Newest first: records are kept in arrival order.
        let mine: Vec<&Record> = records
            .iter()
            .rev()
            .filter(|r| r.platform == p.as_str())
            .collect();
        let deleted = mine.iter().filter(|r| r.deleted).count();
        counts.push_str(&format!(
            "<span><b>{}</b>: {} (đã xoá / deleted: {deleted})</span>",
            esc(p.label()),
            mine.len()
        ));
        sections.push_str(&format!(
            "<h2 id=\"{}\">{} — {} mục / items</h2>",
            p.as_str(),
            esc(p.label()),
            mine.len()
        ));
        if mine.is_empty() {
            sections.push_str("<p class=\"empty\">Chưa nhận gì / nothing received yet.</p>");
            continue;
        }
        sections.push_str(
            "<table><thead><tr><th>ID</th><th>Tiêu đề / title</th><th>Nội dung / text</th><th>Bytes</th>\
<th>SHA-256</th><th>Xoá / deleted</th><th>Nhận lúc / received (ICT)</th></tr></thead><tbody>",
        );
        for r in mine {
            sections.push_str(&row(r));
        }
        sections.push_str("</tbody></table>");
    }
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta http-equiv=\"refresh\" content=\"{REFRESH_S}\">\
<title>Sandbox — nền tảng giả lập</title><style>{STYLE}</style></head><body>\
<div class=\"banner\" role=\"alert\">Sandbox — nền tảng giả lập: không có gì ở đây là nền tảng thật. \
Video gửi tới đây không được đăng ở đâu cả.\
<small>Sandbox — simulated platforms: nothing here is a real platform. Videos sent here are \
not published anywhere.</small></div>\
<main><h1>Sandbox — nền tảng giả lập</h1>\
<p>Những gì các nền tảng giả lập đã nhận, mới nhất trước; trang tự tải lại mỗi {REFRESH_S} giây. \
<em>What the simulated platforms received, newest first; this page reloads every {REFRESH_S} s \
(JSON: <a href=\"/__admin/records\">/__admin/records</a>).</em></p>\
<div class=\"counts\">{counts}</div>{sections}</main></body></html>"
    )
}

pub async fn page(State(m): State<Shared>) -> impl IntoResponse {
    let records = m.records.lock().map(|r| r.clone()).unwrap_or_default();
    Html(render(&records))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_lists_records_newest_first_and_escapes_them() {
        let rec = |id: &str, title: &str| Record {
            platform: "youtube".into(),
            id: id.into(),
            title: title.into(),
            bytes: 12,
            sha256: "ab".into(),
            deleted: false,
            received_at_ms: 1_800_000_000_000,
            text: String::new(),
            tags: Vec::new(),
            fields: Default::default(),
        };
        let html = render(&[rec("vid-old", "Cũ"), rec("vid-new", "<b>Mới</b>")]);
        assert!(html.contains("Sandbox — nền tảng giả lập"));
        assert!(html.contains("&lt;b&gt;Mới&lt;/b&gt;"));
        assert!(!html.contains("<b>Mới</b>"));
        assert!(html.find("vid-new").unwrap() < html.find("vid-old").unwrap());
        assert!(html.contains("YouTube</b>: 2"));
        assert!(html.contains("http-equiv=\"refresh\""));
        assert!(!html.contains("src=\"http"), "no external assets");
    }
}
